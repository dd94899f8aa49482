//! The web layer's errors and how each becomes a page: 404, 403, a "form expired" page for CSRF
//! failures, and a generic 500 that shows a reference logged with the cause. Internal causes
//! never reach the browser.

use super::assets;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use cats_views::{layout, Chrome};
use maud::Markup;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// No such page or row (or not in the user's scope).
    #[error("not found")]
    NotFound,
    /// Signed in, but not allowed.
    #[error("forbidden")]
    Forbidden,
    /// Not signed in: go to the sign-in page, then come back to `next`.
    #[error("sign-in required")]
    SignInRequired {
        /// Where to return afterwards.
        next: Option<String>,
        /// Why (expired, revoked), for the sign-in page.
        reason: Option<&'static str>,
    },
    /// Go elsewhere first (e.g. a temporary password must be changed).
    #[error("redirect to {0}")]
    Redirect(String),
    /// A state-changing request without a valid CSRF token.
    #[error("CSRF token missing or wrong")]
    Csrf,
    /// A request that cannot be understood (not a form field error: those re-show the form).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Anything else; logged with a reference.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<crate::store::StoreError> for HttpError {
    fn from(error: crate::store::StoreError) -> Self {
        match error {
            crate::store::StoreError::NotFound => HttpError::NotFound,
            other => HttpError::Internal(other.into()),
        }
    }
}

impl From<crate::cases::CaseError> for HttpError {
    fn from(error: crate::cases::CaseError) -> Self {
        use crate::cases::CaseError;
        match error {
            CaseError::Invalid { message, .. } => HttpError::BadRequest(message),
            CaseError::Forbidden => HttpError::Forbidden,
            CaseError::Store(error) => error.into(),
            other => HttpError::Internal(other.into()),
        }
    }
}

/// A case command's refusal as errors at its form's fields; anything else is an error page.
pub fn case_form_errors(
    error: crate::cases::CaseError,
) -> Result<cats_views::form::FormErrors, HttpError> {
    match error {
        crate::cases::CaseError::Invalid { field, message } => {
            Ok(cats_views::form::FormErrors::one(field, message))
        }
        other => Err(other.into()),
    }
}

impl From<crate::accounts::AccountError> for HttpError {
    fn from(error: crate::accounts::AccountError) -> Self {
        use crate::accounts::AccountError;
        match error {
            AccountError::NotFound => HttpError::NotFound,
            AccountError::Forbidden => HttpError::Forbidden,
            AccountError::Invalid { message, .. } => HttpError::BadRequest(message),
            other => HttpError::Internal(other.into()),
        }
    }
}

fn page(status: StatusCode, title: &str, content: Markup) -> HttpResponse {
    let chrome = Chrome {
        title,
        user: None,
        nav: &[],
        assets: assets::urls(),
    };
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(layout(&chrome, content).into_string())
}

impl ResponseError for HttpError {
    fn status_code(&self) -> StatusCode {
        match self {
            HttpError::NotFound => StatusCode::NOT_FOUND,
            HttpError::Forbidden | HttpError::Csrf => StatusCode::FORBIDDEN,
            HttpError::SignInRequired { .. } | HttpError::Redirect(_) => StatusCode::SEE_OTHER,
            HttpError::BadRequest(_) => StatusCode::BAD_REQUEST,
            HttpError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        use cats_views::pages::errors;
        match self {
            HttpError::NotFound => page(StatusCode::NOT_FOUND, "Page not found", errors::not_found()),
            HttpError::Forbidden => page(StatusCode::FORBIDDEN, "Not allowed", errors::forbidden()),
            HttpError::Csrf => page(
                StatusCode::FORBIDDEN,
                "Form expired",
                errors::bad_request(
                    "The form you sent had expired or did not come from this service. Nothing was changed. Go back, reload the page and try again.",
                ),
            ),
            HttpError::BadRequest(message) => {
                page(StatusCode::BAD_REQUEST, "Problem with the request", errors::bad_request(message))
            }
            HttpError::Redirect(location) => HttpResponse::SeeOther()
                .insert_header((header::LOCATION, location.as_str()))
                .finish(),
            HttpError::SignInRequired { next, reason } => {
                let mut location = String::from("/sign-in");
                let mut params = Vec::new();
                if let Some(next) = next {
                    params.push(format!("next={}", urlencode(next)));
                }
                if let Some(reason) = reason {
                    params.push(format!("reason={reason}"));
                }
                if !params.is_empty() {
                    location.push('?');
                    location.push_str(&params.join("&"));
                }
                HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, location))
                    .insert_header((header::CACHE_CONTROL, "no-store"))
                    .finish()
            }
            HttpError::Internal(cause) => {
                let reference = reference_id();
                tracing::error!(reference = %reference, error = ?cause, "request failed");
                page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Sorry, there is a problem",
                    errors::internal(&reference),
                )
            }
        }
    }
}

/// A short reference a user can read out to the service desk.
fn reference_id() -> String {
    let id = uuid::Uuid::new_v4().simple().to_string();
    id[..12].to_uppercase()
}

/// Percent-encodes a path for a query parameter.
pub fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
