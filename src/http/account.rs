//! The user's own account page and password change.

use super::current_user::{client_ip, cookie, user_agent, CurrentUser, Protected, SESSION_COOKIE};
use super::error::HttpError;
use super::page::{form_response, render, see_other};
use super::routes;
use super::state::AppState;
use crate::accounts::password::{change_own, PasswordChange};
use crate::accounts::{AccountError, Principal};
use crate::format::display_time;
use crate::store::users;
use actix_web::{web, HttpRequest, HttpResponse};
use cats_views::form::FormErrors;
use cats_views::pages::account::{account as account_page, Account};
use serde::Deserialize;

routes! {
    get "/account" => show;
    post "/account/password" => change_password;
}

/// Query of the account page.
#[derive(Deserialize)]
pub struct AccountQuery {
    changed: Option<String>,
}

/// The password form.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    confirm_password: String,
}

async fn account_response(
    state: &AppState,
    user: &Principal,
    errors: &FormErrors,
    changed: bool,
) -> Result<HttpResponse, HttpError> {
    let row = users::get_own(&mut state.store.db(), user.user_id)
        .await?
        .ok_or(HttpError::NotFound)?;
    let roles = if user.roles.is_empty() {
        "Support worker".to_owned()
    } else {
        user.roles
            .iter()
            .map(|r| r.display_name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let tenant = format!("{} ({})", user.tenant_name, user.tenant);
    let last_login = display_time(row.last_login_at);
    let page = Account {
        name: &user.display_name,
        email: &user.email,
        tenant: &tenant,
        roles: &roles,
        last_login: &last_login,
        csrf_token: &user.csrf_token,
        errors,
        must_change: user.must_change_password,
        changed,
    };
    let response = render(state, user, "Your account", "/account", account_page(&page)).await;
    Ok(form_response(errors, response))
}

/// `GET /account`
pub async fn show(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    query: web::Query<AccountQuery>,
) -> Result<HttpResponse, HttpError> {
    account_response(&state, &user, &FormErrors::new(), query.changed.is_some()).await
}

/// `POST /account/password`
pub async fn change_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: Protected<PasswordForm>,
) -> Result<HttpResponse, HttpError> {
    let ip = client_ip(&req);
    let agent = user_agent(&req);
    let change = PasswordChange {
        current: &form.form.current_password,
        new: &form.form.new_password,
        confirm: &form.form.confirm_password,
    };
    match change_own(
        &state.store,
        &form.user,
        change,
        ip.as_deref(),
        agent.as_deref(),
    )
    .await
    {
        Ok((token, revoked)) => {
            state.close_live(revoked, "password changed").await;
            let mut response = see_other("/account?changed=1");
            let _ = response.add_cookie(&cookie(&req, &state, SESSION_COOKIE, token));
            Ok(response)
        }
        Err(AccountError::Invalid { field, message }) => {
            account_response(&state, &form.user, &FormErrors::one(field, message), false).await
        }
        Err(other) => Err(other.into()),
    }
}
