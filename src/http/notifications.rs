//! The user's notifications: the list, and marking them read (one or all). The header's bell
//! shows the unread count and moves live when one arrives or is read.

use super::current_user::{CurrentUser, Protected};
use super::error::HttpError;
use super::page::{render, see_other};
use super::routes;
use super::state::AppState;
use crate::format::display_time;
use crate::live::queues::publish_bell_in;
use crate::store::notifications;
use actix_web::{web, HttpResponse};
use cats_views::pages::queues::{notifications_page, NotificationLine};
use std::collections::HashMap;
use time::OffsetDateTime;

routes! {
    get "/notifications" => list;
    post "/notifications/read" => read_all;
    post "/notifications/{id}/read" => read_one;
}

/// Notifications the list shows at most.
const LIMIT: u64 = 200;

/// `GET /notifications`.
pub async fn list(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, HttpError> {
    let rows = notifications::for_user(&mut state.store.db(), user.user_id, LIMIT).await?;
    let lines: Vec<NotificationLine> = rows
        .into_iter()
        .map(|r| NotificationLine {
            id: r.id,
            heading: r.heading,
            details: r.details,
            link: r.link,
            when: display_time(Some(r.created_at)),
            read: r.read_at.is_some(),
        })
        .collect();
    let content = notifications_page(&lines, &user.csrf_token);
    Ok(render(&state, &user, "Notifications", "/notifications", content).await)
}

async fn mark(state: &AppState, user: i64, id: Option<i64>) -> Result<HttpResponse, HttpError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = state.store.begin().await?;
    // Only the user's own notifications change: another's id changes nothing.
    notifications::mark_read(&mut tx, user, id, now).await?;
    publish_bell_in(&mut tx, user, now).await?;
    tx.commit().await?;
    state.outbox_wake.notify_one();
    Ok(see_other("/notifications"))
}

/// `POST /notifications/read`: all read.
pub async fn read_all(
    state: web::Data<AppState>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    mark(&state, form.user.user_id, None).await
}

/// `POST /notifications/{id}/read`: one read.
pub async fn read_one(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    mark(&state, form.user.user_id, Some(*id)).await
}
