//! A case's older timeline lines, a page at a time (the case page shows only the newest): the
//! same check and audit as the case page, and keyset paging from the last line shown.

use super::current_user::CurrentUser;
use super::error::HttpError;
use super::page::render;
use super::participants::visible_case;
use super::routes;
use super::state::AppState;
use crate::format::full_name;
use crate::live::case_view::timeline_names;
use crate::live::fragments::{older_timeline_link, timeline_lines};
use crate::store::participants;
use actix_web::{web, HttpResponse};
use cats_views::pages::participants::{older_timeline as older_timeline_view, OlderTimeline};
use serde::Deserialize;

routes! {
    get "/participants/{id}/timeline" => older_timeline;
}

/// How many lines a page of older timeline lines shows.
pub const OLDER_TIMELINE_LINES: u64 = 50;

/// Query of the page: the id of the last line already shown (none: from the newest).
#[derive(Deserialize)]
pub struct TimelineQuery {
    before: Option<String>,
}

/// What a link that does not name a line of the case's timeline is told.
const BAD_CURSOR: &str = "This link to older timeline entries is not valid for this case. \
     Go back to the case and choose “Show older entries” again.";

/// `GET /participants/{id}/timeline?before=<line id>`
pub async fn older_timeline(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
    query: web::Query<TimelineQuery>,
) -> Result<HttpResponse, HttpError> {
    // Checked (and audited, refused or not) before the cursor is even read, as the case page.
    let row = visible_case(&state, &user, &id).await?;
    let before = match query.before.as_deref() {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Ok(line) if line > 0 => Some(line),
            _ => return Err(HttpError::BadRequest(BAD_CURSOR.to_owned())),
        },
    };
    let mut db = state.store.held().await?;
    let page = participants::timeline(&mut db, &row.id, before, OLDER_TIMELINE_LINES)
        .await?
        .ok_or_else(|| HttpError::BadRequest(BAD_CURSOR.to_owned()))?;
    let names = timeline_names(&mut db, state.store.reference(), &page.rows).await?;
    drop(db);
    let lines = timeline_lines(&page.rows, &names);
    let name = full_name(&row.first_name, row.middle_name.as_deref(), &row.last_name);
    let older = older_timeline_link(&row.id, &page);
    let content = older_timeline_view(&OlderTimeline {
        id: &row.id,
        name: &name,
        lines: &lines,
        older: older.as_deref(),
    });
    Ok(render(
        &state,
        &user,
        "Older timeline entries",
        "/participants",
        content,
    )
    .await)
}
