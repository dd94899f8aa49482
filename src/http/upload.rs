//! A form with one uploaded file (multipart), checked for the CSRF token like every other
//! form. The file is read up to the upload limit and no further: a larger one is reported as
//! too big at its field, never stored.

use super::current_user::{principal_of, same};
use super::error::HttpError;
use crate::accounts::Principal;
use crate::domain::document::{Upload, MAX_UPLOAD_BYTES};
use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use std::collections::HashMap;

/// Text fields are small; anything longer is cut.
const MAX_TEXT_FIELD: usize = 8 * 1024;

/// A signed-in user's multipart form (extractor).
pub struct ProtectedUpload {
    /// Who.
    pub user: Principal,
    /// Text fields by name (a repeated name keeps the last value).
    pub fields: HashMap<String, String>,
    /// The file, when one was sent.
    pub file: Option<Upload>,
}

impl ProtectedUpload {
    /// A text field, or empty.
    pub fn text(&self, name: &str) -> &str {
        self.fields
            .get(name)
            .map(String::as_str)
            .unwrap_or_default()
    }
}

impl FromRequest for ProtectedUpload {
    type Error = HttpError;
    type Future = LocalBoxFuture<'static, Result<Self, HttpError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut multipart = Multipart::new(req.headers(), payload.take());
        Box::pin(async move {
            let user = principal_of(&req).await?;
            let unreadable =
                || HttpError::BadRequest("The form could not be read. Try again.".to_owned());
            let mut fields = HashMap::new();
            let mut file = None;
            while let Some(part) = multipart.next().await {
                // A body that is not a multipart form carries no token we could check.
                let mut part = part.map_err(|_| {
                    if fields.contains_key("csrf_token") {
                        unreadable()
                    } else {
                        HttpError::Csrf
                    }
                })?;
                let disposition = part.content_disposition().cloned();
                let name = disposition
                    .as_ref()
                    .and_then(|d| d.get_name())
                    .unwrap_or_default()
                    .to_owned();
                let file_name = disposition
                    .as_ref()
                    .and_then(|d| d.get_filename())
                    .map(str::to_owned);
                let content_type = part.content_type().map(|m| m.essence_str().to_owned());
                let limit = if file_name.is_some() {
                    MAX_UPLOAD_BYTES
                } else {
                    MAX_TEXT_FIELD
                };
                let mut bytes = Vec::new();
                let mut truncated = false;
                while let Some(chunk) = part.next().await {
                    let chunk = chunk.map_err(|_| unreadable())?;
                    if bytes.len() + chunk.len() > limit {
                        truncated = true;
                        continue;
                    }
                    bytes.extend_from_slice(&chunk);
                }
                match file_name {
                    Some(file_name) => {
                        file = Some(Upload {
                            file_name,
                            content_type,
                            bytes,
                            truncated,
                        });
                    }
                    None => {
                        fields.insert(name, String::from_utf8_lossy(&bytes).into_owned());
                    }
                }
            }
            let sent = fields
                .get("csrf_token")
                .map(String::as_str)
                .unwrap_or_default();
            if !same(sent, &user.csrf_token) {
                tracing::warn!(
                    user_id = user.user_id,
                    path = req.path(),
                    "CSRF token refused"
                );
                return Err(HttpError::Csrf);
            }
            Ok(ProtectedUpload { user, fields, file })
        })
    }
}
