//! Who is asking: the session cookie becomes a `Principal`, and state-changing requests must
//! carry the session's CSRF token (form field `csrf_token`, or header `X-CSRF-Token`).

use super::error::HttpError;
use super::state::AppState;
use crate::accounts::sessions::{authenticate, NoSession};
use crate::accounts::Principal;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::http::Method;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "cats_session";
/// The pre-session cookie that protects the sign-in form.
pub const PRESESSION_COOKIE: &str = "cats_presession";
/// Paths a user who must change their password may still use.
const PASSWORD_CHANGE_PATHS: [&str; 3] = ["/account", "/account/password", "/sign-out"];

/// The signed-in user (extractor). Not signed in: redirect to the sign-in page.
pub struct CurrentUser(pub Principal);

/// A state-changing form from a signed-in user whose CSRF token matched (extractor).
pub struct Protected<T> {
    /// The user.
    pub user: Principal,
    /// The form.
    pub form: T,
}

/// A form from someone not yet signed in, protected by the pre-session cookie (extractor).
pub struct PreSessionForm<T>(pub T);

#[derive(Deserialize)]
struct CsrfOnly {
    csrf_token: Option<String>,
}

/// The client's address as the audit records it (behind a proxy, the forwarded address).
pub fn client_ip(req: &HttpRequest) -> Option<String> {
    req.connection_info()
        .realip_remote_addr()
        .map(str::to_owned)
}

/// The client's user agent.
pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Builds a cookie with the attributes every CATS cookie has.
pub fn cookie(
    req: &HttpRequest,
    state: &AppState,
    name: &'static str,
    value: String,
) -> Cookie<'static> {
    let secure = state.force_secure_cookies() || req.connection_info().scheme() == "https";
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .finish()
}

/// A cookie that removes `name`.
pub fn removal(name: &'static str) -> Cookie<'static> {
    let mut cookie = Cookie::build(name, "").path("/").finish();
    cookie.make_removal();
    cookie
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, HttpError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| HttpError::Internal(anyhow::anyhow!("application state missing")))
}

/// The signed-in user of this request, looked up once and kept in the request's extensions.
pub async fn principal_of(req: &HttpRequest) -> Result<Principal, HttpError> {
    if let Some(principal) = req.extensions().get::<Principal>() {
        return Ok(principal.clone());
    }
    let next = (req.method() == Method::GET).then(|| {
        let uri = req.uri();
        uri.path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned())
    });
    let Some(token) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()) else {
        return Err(HttpError::SignInRequired { next, reason: None });
    };
    let state = state_of(req)?;
    let ip = client_ip(req);
    let outcome = authenticate(&state.store, &token, &state.session_policy, ip.as_deref()).await?;
    let principal = match outcome {
        Ok(principal) => principal,
        Err(NoSession::Missing) => return Err(HttpError::SignInRequired { next, reason: None }),
        Err(NoSession::Expired) => {
            return Err(HttpError::SignInRequired {
                next,
                reason: Some("expired"),
            })
        }
        Err(NoSession::Revoked) => {
            return Err(HttpError::SignInRequired {
                next,
                reason: Some("signed-out"),
            })
        }
    };
    if principal.must_change_password && !PASSWORD_CHANGE_PATHS.contains(&req.path()) {
        return Err(HttpError::Redirect("/account".to_owned()));
    }
    req.extensions_mut().insert(principal.clone());
    Ok(principal)
}

pub(super) fn same(a: &str, b: &str) -> bool {
    // Constant-time comparison: how much of a guess matched must not show in timing.
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn header_token(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

impl FromRequest for CurrentUser {
    type Error = HttpError;
    type Future = LocalBoxFuture<'static, Result<Self, HttpError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { principal_of(&req).await.map(CurrentUser) })
    }
}

async fn read_body(req: &HttpRequest, payload: &mut Payload) -> Result<web::Bytes, HttpError> {
    web::Bytes::from_request(req, payload).await.map_err(|_| {
        HttpError::BadRequest("The form was too large or could not be read.".to_owned())
    })
}

fn parse_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, HttpError> {
    serde_html_form::from_bytes(body).map_err(|_| {
        HttpError::BadRequest("The form could not be read. Go back and try again.".to_owned())
    })
}

impl<T: DeserializeOwned + 'static> FromRequest for Protected<T> {
    type Error = HttpError;
    type Future = LocalBoxFuture<'static, Result<Self, HttpError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let user = principal_of(&req).await?;
            let body = read_body(&req, &mut payload).await?;
            let sent = match header_token(&req) {
                Some(token) => Some(token),
                None => parse_form::<CsrfOnly>(&body)?.csrf_token,
            };
            match sent {
                Some(token) if same(&token, &user.csrf_token) => {}
                _ => {
                    tracing::warn!(
                        user_id = user.user_id,
                        path = req.path(),
                        "CSRF token refused"
                    );
                    return Err(HttpError::Csrf);
                }
            }
            let form = parse_form::<T>(&body)?;
            Ok(Protected { user, form })
        })
    }
}

impl<T: DeserializeOwned + 'static> FromRequest for PreSessionForm<T> {
    type Error = HttpError;
    type Future = LocalBoxFuture<'static, Result<Self, HttpError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let body = read_body(&req, &mut payload).await?;
            let sent = parse_form::<CsrfOnly>(&body)?.csrf_token;
            let expected = req.cookie(PRESESSION_COOKIE).map(|c| c.value().to_owned());
            match (sent, expected) {
                (Some(sent), Some(expected)) if same(&sent, &expected) => {}
                _ => return Err(HttpError::Csrf),
            }
            Ok(PreSessionForm(parse_form::<T>(&body)?))
        })
    }
}
