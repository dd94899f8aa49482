//! Turning page content into a response: the layout, the navigation the user's roles allow,
//! and the headers every page carries.

use super::assets;
use super::state::AppState;
use crate::accounts::Principal;
use actix_web::http::header;
use actix_web::HttpResponse;
use cats_views::{layout, Chrome, NavLink, UserChrome};
use maud::Markup;

/// The navigation for a user: only what their roles let them use.
pub fn nav_for(user: &Principal, current: &str) -> Vec<NavLink> {
    let mut links = vec![("/", "Home")];
    if user.roles.can_administer_users() {
        links.push(("/admin/users", "Users"));
        links.push(("/admin/organisation", "Organisation"));
    }
    links.push(("/account", "Your account"));
    links
        .into_iter()
        .map(|(href, label)| NavLink {
            href,
            label,
            current: href == current || (href != "/" && current.starts_with(href)),
        })
        .collect()
}

/// A page for a signed-in user.
pub fn render(
    state: &AppState,
    user: &Principal,
    title: &str,
    current: &str,
    content: Markup,
) -> HttpResponse {
    let chrome_user = UserChrome {
        name: user.display_name.clone(),
        tenant: user.tenant_name.clone(),
        csrf_token: user.csrf_token.clone(),
        idle_timeout_seconds: state.settings.auth.idle_timeout_minutes * 60,
        idle_warning_seconds: state.settings.auth.idle_warning_seconds,
    };
    let nav = if user.must_change_password {
        Vec::new()
    } else {
        nav_for(user, current)
    };
    let chrome = Chrome {
        title,
        user: Some(&chrome_user),
        nav: &nav,
        assets: assets::urls(),
    };
    html_response(layout(&chrome, content))
}

/// A page for someone not signed in.
pub fn render_anonymous(title: &str, content: Markup) -> HttpResponse {
    let chrome = Chrome {
        title,
        user: None,
        nav: &[],
        assets: assets::urls(),
    };
    html_response(layout(&chrome, content))
}

/// A page's response; personal data must not be cached by browsers or proxies.
fn html_response(markup: Markup) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(markup.into_string())
}

/// A 303 redirect after a successful form post.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Re-shows a form with errors (422 so tests and tools can tell it was refused).
pub fn with_status_unprocessable(mut response: HttpResponse) -> HttpResponse {
    *response.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
    response
}
