//! User administration pages. Every handler checks the role on the server; the account
//! operations check scope and seniority again.

use super::current_user::{client_ip, CurrentUser, Protected};
use super::error::HttpError;
use super::listing::{page_count, ListQuery};
use super::page::{form_response, render, see_other};
use super::routes;
use super::state::AppState;
use crate::accounts::admin::{self, NewAccount};
use crate::accounts::{AccountError, Principal, Revoked};
use crate::domain::identity_event::IdentityEvent;
use crate::domain::permission::Permission;
use crate::domain::role::{Role, Roles};
use crate::domain::user::UserStatus;
use crate::format::display_time;
use crate::store::users::{self, UserFilter, UserRow};
use crate::store::{audit, org};
use actix_web::{web, HttpRequest, HttpResponse};
use cats_views::components::Pagination;
use cats_views::form::FormErrors;
use cats_views::pages::admin_users::{
    new_user as new_user_page, user_detail, user_list, AuditLine, NewUser, UserDetail, UserList,
    UserListRow,
};
use serde::Deserialize;
use std::collections::HashMap;

routes! {
    get "/admin/users" => list;
    get "/admin/users/new" => new_form;
    post "/admin/users" => create;
    get "/admin/users/{id}" => detail;
    post "/admin/users/{id}/roles" => set_roles;
    post "/admin/users/{id}/status" => set_status;
    post "/admin/users/{id}/lock" => lock;
    post "/admin/users/{id}/unlock" => unlock;
    post "/admin/users/{id}/reset-password" => reset_password;
}

const PER_PAGE: u64 = 25;

fn require_admin(user: &Principal) -> Result<(), HttpError> {
    if user.roles.can_administer_users() {
        Ok(())
    } else {
        Err(HttpError::Forbidden)
    }
}

async fn tenant_names(
    state: &AppState,
    user: &Principal,
) -> Result<HashMap<String, String>, HttpError> {
    let tenants = org::tenants_in_scope(&mut state.store.db(), &user.scope()).await?;
    Ok(tenants.into_iter().map(|t| (t.id, t.name)).collect())
}

fn status_options(any: bool) -> Vec<(String, String)> {
    let mut options = Vec::new();
    if any {
        options.push((String::new(), "Any status".to_owned()));
    }
    options.extend(
        UserStatus::ALL
            .into_iter()
            .map(|s| (s.code().to_owned(), s.display_name().to_owned())),
    );
    options
}

/// `GET /admin/users`
pub async fn list(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, HttpError> {
    require_admin(&user)?;
    let search = query.search_text();
    let status = query.status.as_deref().and_then(UserStatus::from_code);
    let page = query.page_index();
    let filter = UserFilter {
        search: Some(search.clone()),
        status,
        page,
        per_page: PER_PAGE,
    };
    let (rows, total) = users::list(&mut state.store.db(), &user.scope(), &filter).await?;
    let names = tenant_names(&state, &user).await?;
    let rows: Vec<UserListRow> = rows
        .into_iter()
        .map(|row| UserListRow {
            id: row.id,
            status: row.status().display_name(),
            locked: row.locked_at.is_some(),
            tenant: names.get(&row.tenant_id).cloned().unwrap_or(row.tenant_id),
            name: row.display_name,
            email: row.email,
        })
        .collect();
    let status_code = status.map(UserStatus::code).unwrap_or("");
    let query_string =
        serde_html_form::to_string([("search", search.as_str()), ("status", status_code)])
            .unwrap_or_default();
    let statuses = status_options(true);
    let view = UserList {
        rows: &rows,
        total,
        search: &search,
        status: status_code,
        statuses: &statuses,
        pagination: Pagination {
            page,
            pages: page_count(total, PER_PAGE),
            more: false,
            query: &query_string,
            path: "/admin/users",
        },
        can_create: true,
    };
    Ok(render(&state, &user, "Users", "/admin/users", user_list(&view)).await)
}

fn role_options(actor: &Principal, held: &Roles) -> Vec<(String, String, bool)> {
    Role::ALL
        .into_iter()
        .filter(|role| actor.roles.may_grant(*role))
        .map(|role| {
            (
                role.code().to_owned(),
                role.display_name().to_owned(),
                held.has(role),
            )
        })
        .collect()
}

async fn tenant_options(
    state: &AppState,
    user: &Principal,
) -> Result<Vec<(String, String)>, HttpError> {
    let tenants = org::tenants_in_scope(&mut state.store.db(), &user.scope()).await?;
    let top = user.tenant.depth();
    let mut options = vec![(String::new(), "Choose an organisation".to_owned())];
    options.extend(tenants.into_iter().map(|t| {
        let depth = t.id.matches('.').count().saturating_sub(top);
        (
            t.id.clone(),
            format!("{}{} ({})", "— ".repeat(depth), t.name, t.id),
        )
    }));
    Ok(options)
}

/// The new-user form as typed.
#[derive(Deserialize, Default)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    tenant: String,
    #[serde(default)]
    roles: Vec<String>,
}

fn parse_roles(codes: &[String]) -> Result<Roles, HttpError> {
    let mut roles = Vec::new();
    for code in codes {
        roles.push(
            Role::from_code(code)
                .ok_or_else(|| HttpError::BadRequest(format!("Unknown role {code:?}")))?,
        );
    }
    Ok(Roles::new(roles))
}

async fn new_form_response(
    state: &AppState,
    user: &Principal,
    form: &NewUserForm,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let held = parse_roles(&form.roles).unwrap_or_default();
    let tenants = tenant_options(state, user).await?;
    let roles = role_options(user, &held);
    let view = NewUser {
        email: &form.email,
        name: &form.display_name,
        tenant: &form.tenant,
        tenants: &tenants,
        role_options: &roles,
        csrf_token: &user.csrf_token,
        errors,
    };
    let response = render(
        state,
        user,
        "Create a user",
        "/admin/users",
        new_user_page(&view),
    )
    .await;
    Ok(form_response(errors, response))
}

/// `GET /admin/users/new`
pub async fn new_form(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, HttpError> {
    require_admin(&user)?;
    new_form_response(&state, &user, &NewUserForm::default(), &FormErrors::new()).await
}

/// `POST /admin/users`
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: Protected<NewUserForm>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    require_admin(&user)?;
    let roles = parse_roles(&form.roles)?;
    let ip = client_ip(&req);
    let account = NewAccount {
        email: &form.email,
        display_name: &form.display_name,
        tenant: &form.tenant,
        roles,
    };
    match admin::create_user(&state.store, &user, account, ip.as_deref()).await {
        Ok(created) => {
            detail_response(
                &state,
                &user,
                created.user_id,
                &FormErrors::new(),
                None,
                Some(&created.temporary_password),
            )
            .await
        }
        Err(AccountError::Invalid { field, message }) => {
            new_form_response(&state, &user, &form, &FormErrors::one(field, message)).await
        }
        Err(other) => Err(other.into()),
    }
}

fn lock_description(row: &UserRow) -> Option<&'static str> {
    row.locked_at.map(|_| match row.lock_reason.as_deref() {
        Some(users::LOCK_FAILED_ATTEMPTS) => "after 5 failed sign-ins",
        _ => "by an administrator",
    })
}

async fn detail_response(
    state: &AppState,
    actor: &Principal,
    user_id: i64,
    errors: &FormErrors,
    flash: Option<&str>,
    temporary_password: Option<&str>,
) -> Result<HttpResponse, HttpError> {
    let mut db = state.store.db();
    let row = users::get(&mut db, &actor.scope(), user_id)
        .await?
        .ok_or(HttpError::NotFound)?;
    let held = users::roles_of(&mut db, row.id).await?;
    let names = tenant_names(state, actor).await?;
    let tenant = format!(
        "{} ({})",
        names.get(&row.tenant_id).map(String::as_str).unwrap_or(""),
        row.tenant_id
    );
    let can_manage = row.id != actor.user_id && actor.roles.may_manage(&held);
    let options = role_options(actor, &held);
    let fixed: Vec<&'static str> = held
        .iter()
        .filter(|role| !actor.roles.may_grant(*role))
        .map(Role::display_name)
        .collect();
    let audit_lines = if actor.can(Permission::ServiceDeskManagement) {
        let rows = audit::recent_for_user(&mut db, row.id, 20).await?;
        Some(
            rows.into_iter()
                .map(|r| AuditLine {
                    when: display_time(Some(r.occurred_at)),
                    what: IdentityEvent::from_code(&r.event)
                        .map(|e| e.description().to_owned())
                        .unwrap_or(r.event),
                    detail: [r.detail, r.ip.map(|ip| format!("from {ip}"))]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · "),
                })
                .collect::<Vec<_>>(),
        )
    } else {
        None
    };
    let statuses = status_options(false);
    let last_login = display_time(row.last_login_at);
    let view = UserDetail {
        id: row.id,
        name: &row.display_name,
        email: &row.email,
        tenant: &tenant,
        status: row.status().display_name(),
        status_code: row.status().code(),
        statuses: &statuses,
        locked: lock_description(&row),
        failed_attempts: row.failed_attempts,
        last_login: &last_login,
        role_options: &options,
        fixed_roles: &fixed,
        can_manage,
        csrf_token: &actor.csrf_token,
        errors,
        flash,
        temporary_password,
        audit: audit_lines.as_deref(),
    };
    let response = render(
        state,
        actor,
        &row.display_name,
        "/admin/users",
        user_detail(&view),
    )
    .await;
    Ok(form_response(errors, response))
}

/// Query of the account page.
#[derive(Deserialize)]
pub struct DetailQuery {
    done: Option<String>,
}

/// `GET /admin/users/{id}`
pub async fn detail(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
    query: web::Query<DetailQuery>,
) -> Result<HttpResponse, HttpError> {
    require_admin(&user)?;
    let flash = match query.done.as_deref() {
        Some("roles") => Some("Roles saved. The person has been signed out everywhere."),
        Some("status") => Some("Status saved. The person has been signed out everywhere."),
        Some("locked") => Some("Account locked. The person has been signed out everywhere."),
        Some("unlocked") => Some("Account unlocked."),
        _ => None,
    };
    detail_response(
        &state,
        &user,
        id.into_inner(),
        &FormErrors::new(),
        flash,
        None,
    )
    .await
}

async fn after_action(
    state: &AppState,
    actor: &Principal,
    user_id: i64,
    result: Result<Revoked, AccountError>,
    done: &str,
) -> Result<HttpResponse, HttpError> {
    match result {
        Ok(revoked) => {
            state
                .close_live(revoked, "account changed by an administrator")
                .await;
            Ok(see_other(&format!("/admin/users/{user_id}?done={done}")))
        }
        Err(AccountError::Invalid { field, message }) => {
            detail_response(
                state,
                actor,
                user_id,
                &FormErrors::one(field, message),
                None,
                None,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// The roles form.
#[derive(Deserialize)]
pub struct RolesForm {
    #[serde(default)]
    roles: Vec<String>,
}

/// `POST /admin/users/{id}/roles`
pub async fn set_roles(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Protected<RolesForm>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    require_admin(&user)?;
    let id = id.into_inner();
    // Roles the admin cannot grant are not offered as checkboxes; keep the ones held.
    let current = users::roles_of(&mut state.store.db(), id).await?;
    let ticked = parse_roles(&form.roles)?;
    let proposed =
        Roles::new(Role::ALL.into_iter().filter(|role| {
            ticked.has(*role) || (current.has(*role) && !user.roles.may_grant(*role))
        }));
    let ip = client_ip(&req);
    let result = admin::set_roles(&state.store, &user, id, proposed, ip.as_deref()).await;
    after_action(&state, &user, id, result, "roles").await
}

/// The status form.
#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    status: String,
}

/// `POST /admin/users/{id}/status`
pub async fn set_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Protected<StatusForm>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    require_admin(&user)?;
    let id = id.into_inner();
    let ip = client_ip(&req);
    let result = match UserStatus::from_code(&form.status) {
        Some(status) => admin::set_status(&state.store, &user, id, status, ip.as_deref()).await,
        None => Err(AccountError::invalid("status", "Choose a status")),
    };
    after_action(&state, &user, id, result, "status").await
}

/// Lock, unlock and reset carry only the CSRF token.
#[derive(Deserialize)]
pub struct Empty {}

/// `POST /admin/users/{id}/lock`
pub async fn lock(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Protected<Empty>,
) -> Result<HttpResponse, HttpError> {
    require_admin(&form.user)?;
    let id = id.into_inner();
    let ip = client_ip(&req);
    let result = admin::lock(&state.store, &form.user, id, ip.as_deref()).await;
    after_action(&state, &form.user, id, result, "locked").await
}

/// `POST /admin/users/{id}/unlock`
pub async fn unlock(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Protected<Empty>,
) -> Result<HttpResponse, HttpError> {
    require_admin(&form.user)?;
    let id = id.into_inner();
    let ip = client_ip(&req);
    let result = admin::unlock(&state.store, &form.user, id, ip.as_deref())
        .await
        .map(|()| Revoked::default());
    after_action(&state, &form.user, id, result, "unlocked").await
}

/// `POST /admin/users/{id}/reset-password`: shows the temporary password once.
pub async fn reset_password(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Protected<Empty>,
) -> Result<HttpResponse, HttpError> {
    require_admin(&form.user)?;
    let id = id.into_inner();
    let ip = client_ip(&req);
    let (temporary, revoked) =
        admin::reset_password(&state.store, &form.user, id, ip.as_deref()).await?;
    state.close_live(revoked, "password reset").await;
    detail_response(
        &state,
        &form.user,
        id,
        &FormErrors::new(),
        None,
        Some(&temporary),
    )
    .await
}
