//! Turning page content into a response: the layout, the navigation the user's roles allow,
//! and the headers every page carries.

use super::assets;
use super::state::AppState;
use crate::accounts::Principal;
use crate::live::topics::{tenant_topic, user_topic};
use crate::store::notifications;
use actix_web::http::header;
use actix_web::HttpResponse;
use cats_actors::Position;
use cats_views::{layout, Chrome, NavLink, UserChrome};
use maud::Markup;

/// The navigation for a user: only what their roles let them use.
pub fn nav_for(user: &Principal, current: &str) -> Vec<NavLink> {
    let mut links = vec![("/", "Home"), ("/participants", "Participants")];
    if crate::domain::qa::Queue::ALL
        .iter()
        .any(|queue| user.can(queue.permission()))
    {
        links.push(("/queues", "Queues"));
    }
    if user.roles.has_additional_role() {
        links.push(("/transfers", "Transfers"));
    }
    if user.roles.can_administer_users() {
        links.push(("/admin/users", "Users"));
        links.push(("/admin/organisation", "Organisation"));
    }
    if user.roles.can_run_jobs() {
        links.push(("/admin/feed-refresh", "Offender data"));
    }
    if user.can(crate::domain::permission::Permission::Finance) {
        links.push(("/finance/payments", "Payments"));
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

/// A page for a signed-in user, live on the user's own and their tenant's topics.
pub async fn render(
    state: &AppState,
    user: &Principal,
    title: &str,
    current: &str,
    content: Markup,
) -> HttpResponse {
    render_with_topics(state, user, title, current, content, &[]).await
}

/// A live topic and its position now. Read it before reading what the page shows, so the
/// page subscribes from a point no later than its content and misses no change in between.
pub async fn topic_now(
    state: &AppState,
    topic: impl Into<String>,
) -> Result<(String, Position), super::error::HttpError> {
    let topic = topic.into();
    let position =
        state.hub.position(&topic).await.map_err(|e| {
            super::error::HttpError::Internal(anyhow::anyhow!("live position: {e}"))
        })?;
    Ok((topic, position))
}

/// A case's live topic and its position now (see [`topic_now`]).
pub async fn case_topic_now(
    state: &AppState,
    id: &str,
) -> Result<(String, Position), super::error::HttpError> {
    topic_now(state, crate::live::topics::case_topic(id)).await
}

/// A page about one case, live on its topic; 422 when it shows errors.
pub async fn render_case_page(
    state: &AppState,
    user: &Principal,
    title: &str,
    content: Markup,
    topic: (String, Position),
    errors: &cats_views::form::FormErrors,
) -> HttpResponse {
    let unread = unread_count(&mut state.store.db(), user).await;
    render_case_page_counted(state, user, title, content, topic, errors, unread).await
}

/// [`render_case_page`] with the bell's unread count already read, by a handler that read it
/// with its own first read instead of taking a second connection and round trip from the pool
/// (100 concurrent views of the case page, each holding one connection and waiting for
/// another, spent more time in the pool than in the database).
pub async fn render_case_page_counted(
    state: &AppState,
    user: &Principal,
    title: &str,
    content: Markup,
    topic: (String, Position),
    errors: &cats_views::form::FormErrors,
    unread: Option<i64>,
) -> HttpResponse {
    let response = render_page(
        state,
        user,
        (title, "/participants"),
        content,
        &[topic],
        unread,
    )
    .await;
    form_response(errors, response)
}

/// The user's unread notifications for the bell, or `None` (no bell) when they cannot be read:
/// a page is still worth showing without it.
async fn unread_count(q: &mut impl crate::store::Exec, user: &Principal) -> Option<i64> {
    match notifications::unread_count(q, user.user_id).await {
        Ok(unread) => Some(unread),
        Err(error) => {
            tracing::warn!(%error, "unread notifications unavailable; page renders without the bell");
            None
        }
    }
}

/// A page with topics of its own, each with the position read before the page's state was.
pub async fn render_with_topics(
    state: &AppState,
    user: &Principal,
    title: &str,
    current: &str,
    content: Markup,
    page_topics: &[(String, Position)],
) -> HttpResponse {
    let unread = unread_count(&mut state.store.db(), user).await;
    render_page(state, user, (title, current), content, page_topics, unread).await
}

/// The page in the layout: `title`, the nav entry `current`, the live topics, the bell.
async fn render_page(
    state: &AppState,
    user: &Principal,
    (title, current): (&str, &str),
    content: Markup,
    page_topics: &[(String, Position)],
    unread: Option<i64>,
) -> HttpResponse {
    let mut topics = Vec::with_capacity(page_topics.len() + 2);
    for topic in [user_topic(user.user_id), tenant_topic(&user.tenant)] {
        match state.hub.position(&topic).await {
            Ok(position) => topics.push((topic, position)),
            Err(error) => {
                tracing::warn!(%error, "live position unavailable; page renders without it")
            }
        }
    }
    topics.extend(page_topics.iter().cloned());
    let live_topics = serde_json::Value::Array(
        topics
            .iter()
            .map(|(topic, position)| {
                serde_json::json!({ "topic": topic, "epoch": position.epoch, "seq": position.seq })
            })
            .collect(),
    )
    .to_string();
    let chrome_user = UserChrome {
        name: user.display_name.clone(),
        tenant: user.tenant_name.clone(),
        csrf_token: user.csrf_token.clone(),
        idle_timeout_seconds: state.settings.auth.idle_timeout_minutes * 60,
        idle_warning_seconds: state.settings.auth.idle_warning_seconds,
        user_id: user.user_id.to_string(),
        live_topics,
        unread_notifications: unread,
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

/// A form page: 200 when it has no errors, 422 when it is shown again with them (so tests
/// and tools can tell it was refused).
pub fn form_response(
    errors: &cats_views::form::FormErrors,
    mut response: HttpResponse,
) -> HttpResponse {
    if !errors.is_empty() {
        *response.status_mut() = actix_web::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    response
}
