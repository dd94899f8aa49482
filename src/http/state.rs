//! What every handler can reach: the store, settings-derived policies and optional Redis.

use crate::accounts::sessions::SessionPolicy;
use crate::settings::Settings;
use crate::store::Store;
use metrics_exporter_prometheus::PrometheusHandle;

/// Shared application state (one per process, behind `web::Data`).
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Loaded settings.
    pub settings: Settings,
    /// Session rules.
    pub session_policy: SessionPolicy,
    /// Redis, when configured (checked by `/health/ready`).
    pub redis: Option<redis::aio::ConnectionManager>,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
}

impl AppState {
    /// Whether cookies must be `Secure` regardless of how the request arrived.
    pub fn force_secure_cookies(&self) -> bool {
        self.settings.auth.secure_cookies
    }
}
