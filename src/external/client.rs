//! The HTTP client for the offender-data service: API key header, an optional client
//! certificate, timeouts, and retries with backoff for the idempotent reads.

use super::records::{OffenderRecord, SearchMatch};
use std::time::Duration;
use time::Date;

/// Why the service could not answer.
#[derive(Debug, thiserror::Error)]
pub enum DmsError {
    /// It could not be reached or kept failing.
    #[error("the offender data service is not available right now")]
    Unavailable(String),
    /// It answered something unexpected.
    #[error("the offender data service answered unexpectedly: {0}")]
    Protocol(String),
}

/// Client settings.
#[derive(Debug, Clone)]
pub struct DmsSettings {
    /// Base URL, e.g. `https://dms.internal/api`.
    pub base_url: String,
    /// Sent as `X-Api-Key`.
    pub api_key: String,
    /// Per-request timeout.
    pub timeout: Duration,
    /// PEM with a client certificate and key, when the service asks for one.
    pub client_identity_pem: Option<Vec<u8>>,
}

/// The client.
#[derive(Clone)]
pub struct DmsClient {
    http: reqwest::Client,
    settings: DmsSettings,
}

/// Attempts of an idempotent read before giving up.
const ATTEMPTS: u32 = 3;

impl DmsClient {
    /// Builds the client.
    pub fn new(settings: DmsSettings) -> Result<Self, DmsError> {
        let mut builder = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout);
        if let Some(pem) = &settings.client_identity_pem {
            let identity =
                reqwest::Identity::from_pem(pem).map_err(|e| DmsError::Protocol(e.to_string()))?;
            builder = builder.identity(identity);
        }
        let http = builder
            .build()
            .map_err(|e| DmsError::Protocol(e.to_string()))?;
        Ok(Self { http, settings })
    }

    async fn get<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<Option<T>, DmsError> {
        let url = format!("{}{path}", self.settings.base_url.trim_end_matches('/'));
        let mut last = String::new();
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_millis(200 * 2u64.pow(attempt - 1))).await;
            }
            let response = self
                .http
                .get(&url)
                .header("x-api-key", &self.settings.api_key)
                .query(query)
                .send()
                .await;
            match response {
                Ok(response) if response.status() == reqwest::StatusCode::NOT_FOUND => {
                    return Ok(None)
                }
                Ok(response) if response.status().is_success() => {
                    return response
                        .json::<T>()
                        .await
                        .map(Some)
                        .map_err(|e| DmsError::Protocol(e.to_string()));
                }
                Ok(response) if response.status().is_server_error() => {
                    last = format!("status {}", response.status())
                }
                Ok(response) => {
                    return Err(DmsError::Protocol(format!("status {}", response.status())))
                }
                Err(error) => last = error.to_string(),
            }
        }
        Err(DmsError::Unavailable(last))
    }

    /// Ranked matches for an identifier, last name and date of birth.
    pub async fn search(
        &self,
        identifier: &str,
        last_name: &str,
        date_of_birth: Date,
    ) -> Result<Vec<SearchMatch>, DmsError> {
        let query = [
            ("identifier", identifier.to_owned()),
            ("lastName", last_name.to_owned()),
            ("dateOfBirth", date_of_birth.to_string()),
        ];
        Ok(self.get("/search", &query).await?.unwrap_or_default())
    }

    /// A person's aggregate record, if the service has one.
    pub async fn record(&self, upci: &str) -> Result<Option<OffenderRecord>, DmsError> {
        if !upci.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Ok(None);
        }
        self.get(&format!("/records/{upci}"), &[]).await
    }
}
