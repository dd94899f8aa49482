//! Signing in and out, and keeping an idle session alive.

use super::current_user::{
    client_ip, cookie, removal, user_agent, PreSessionForm, Protected, PRESESSION_COOKIE,
    SESSION_COOKIE,
};
use super::error::HttpError;
use super::page::{form_response, render_anonymous, see_other};
use super::routes;
use super::state::AppState;
use crate::accounts::sessions::{
    random_token, revoke_token, session_id_of, sign_out as end_session,
};
use crate::accounts::sign_in::{sign_in, SignInAttempt};
use crate::accounts::AccountError;
use crate::accounts::Revoked;
use actix_web::{web, HttpRequest, HttpResponse};
use cats_views::form::FormErrors;
use cats_views::pages::sign_in::{sign_in as sign_in_page, SignIn};
use serde::Deserialize;

routes! {
    get "/sign-in" => show_sign_in, public;
    post "/sign-in" => submit_sign_in, public;
    post "/sign-out" => sign_out;
    post "/session/keep-alive" => keep_alive;
}

/// Query of the sign-in page.
#[derive(Deserialize)]
pub struct SignInQuery {
    next: Option<String>,
    reason: Option<String>,
}

/// The sign-in form.
#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// Only same-site paths are followed after sign-in (never `//evil.example`).
fn safe_next(next: Option<&str>) -> Option<&str> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.contains('\\'))
}

fn notice_for(reason: Option<&str>) -> Option<&'static str> {
    match reason {
        Some("expired") => Some("You were signed out because you were inactive for too long. Sign in again to continue."),
        Some("signed-out") => Some("You have been signed out."),
        _ => None,
    }
}

fn sign_in_response(
    req: &HttpRequest,
    state: &AppState,
    email: &str,
    errors: &FormErrors,
    next: Option<&str>,
    notice: Option<&str>,
) -> HttpResponse {
    // A fresh pre-session token each time the form is shown: the double-submit cookie.
    let token = random_token();
    let page = SignIn {
        email,
        errors,
        csrf_token: &token,
        next: safe_next(next),
        notice,
    };
    let mut response = render_anonymous("Sign in", sign_in_page(&page));
    let _ = response.add_cookie(&cookie(req, state, PRESESSION_COOKIE, token));
    form_response(errors, response)
}

/// `GET /sign-in`
pub async fn show_sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<SignInQuery>,
) -> HttpResponse {
    sign_in_response(
        &req,
        &state,
        "",
        &FormErrors::new(),
        query.next.as_deref(),
        notice_for(query.reason.as_deref()),
    )
}

/// `POST /sign-in`
pub async fn submit_sign_in(
    req: HttpRequest,
    state: web::Data<AppState>,
    PreSessionForm(form): PreSessionForm<SignInForm>,
) -> Result<HttpResponse, HttpError> {
    let ip = client_ip(&req);
    let agent = user_agent(&req);
    let attempt = SignInAttempt {
        email: &form.email,
        password: &form.password,
        ip: ip.as_deref(),
        user_agent: agent.as_deref(),
    };
    let outcome = match sign_in(&state.store, &state.session_policy, attempt).await {
        Ok(outcome) => outcome,
        Err(AccountError::Invalid { field, message }) => {
            let errors = FormErrors::one(field, message);
            return Ok(sign_in_response(
                &req,
                &state,
                &form.email,
                &errors,
                form.next.as_deref(),
                None,
            ));
        }
        Err(other) => return Err(other.into()),
    };
    match outcome {
        Ok(signed_in) => {
            // Rotate: whatever session this browser had before ends now.
            if let Some(old) = req.cookie(SESSION_COOKIE) {
                revoke_token(&state.store, old.value()).await?;
                let replaced = Revoked(vec![session_id_of(old.value())]);
                state.close_live(replaced, "signed in again").await;
            }
            let target = if signed_in.must_change_password {
                "/account"
            } else {
                safe_next(form.next.as_deref()).unwrap_or("/")
            };
            let mut response = see_other(target);
            let _ = response.add_cookie(&cookie(&req, &state, SESSION_COOKIE, signed_in.token));
            let _ = response.add_removal_cookie(&removal(PRESESSION_COOKIE));
            Ok(response)
        }
        Err(refusal) => {
            let errors = FormErrors::one("email", refusal.message());
            Ok(sign_in_response(
                &req,
                &state,
                &form.email,
                &errors,
                form.next.as_deref(),
                None,
            ))
        }
    }
}

/// The sign-out form carries only its CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

/// `POST /sign-out`
pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: Protected<Empty>,
) -> Result<HttpResponse, HttpError> {
    let ip = client_ip(&req);
    end_session(&state.store, &form.user, ip.as_deref()).await?;
    state
        .close_live(Revoked(vec![form.user.session_id.clone()]), "signed out")
        .await;
    let mut response = see_other("/sign-in?reason=signed-out");
    let _ = response.add_removal_cookie(&removal(SESSION_COOKIE));
    Ok(response)
}

/// `POST /session/keep-alive`: any authenticated request resets the idle clock; this one
/// exists for the warning's "Stay signed in" button.
pub async fn keep_alive(form: Protected<Empty>) -> HttpResponse {
    let _ = form.user;
    HttpResponse::NoContent().finish()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn follows_only_local_paths_after_sign_in() {
        assert_eq!(
            safe_next(Some("/admin/users?page=2")),
            Some("/admin/users?page=2")
        );
        assert_eq!(safe_next(Some("//evil.example/")), None);
        assert_eq!(safe_next(Some("https://evil.example/")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(None), None);
    }
}
