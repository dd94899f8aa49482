//! The external-data refresh pages: System Support sees the latest run live and asks for a run
//! over every case; a QA1 user refreshes one case they can see (DOMAIN.md §9 "force a sync").

use super::current_user::{CurrentUser, Protected};
use super::error::HttpError;
use super::page::{render, render_with_topics, see_other};
use super::participants::visible_case;
use super::routes;
use super::state::AppState;
use crate::accounts::Principal;
use crate::cases::CaseError;
use crate::domain::permission::Permission;
use crate::format::{display_time, full_name};
use crate::store::feed_refresh as rows;
use crate::workflows::feed_refresh::{refresh_case, run_view, CaseOutcome, FeedRefresh, TOPIC};
use actix_web::{web, HttpResponse};
use cats_views::pages::feed_refresh::{
    case_sync_page, feed_refresh_page, CaseSyncPage, FeedRefreshPage,
};
use serde::Deserialize;

routes! {
    get "/admin/feed-refresh" => admin_page;
    post "/admin/feed-refresh" => request_run;
    get "/participants/{id}/sync" => case_page;
    post "/participants/{id}/sync" => sync_case;
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct NoFields {}

/// Jobs are System Support's (DOMAIN.md §1).
fn require_jobs(user: &Principal) -> Result<(), HttpError> {
    if user.roles.can_run_jobs() {
        Ok(())
    } else {
        Err(HttpError::Forbidden)
    }
}

/// Forcing one case's sync needs QA1 (DOMAIN.md §9).
fn require_qa1(user: &Principal) -> Result<(), HttpError> {
    if user.can(Permission::Qa1) {
        Ok(())
    } else {
        Err(HttpError::Forbidden)
    }
}

/// Query of the admin page.
#[derive(Deserialize)]
pub struct AdminQuery {
    requested: Option<String>,
}

/// `GET /admin/feed-refresh`
pub async fn admin_page(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    query: web::Query<AdminQuery>,
) -> Result<HttpResponse, HttpError> {
    require_jobs(&user)?;
    // The topic's position first, so no progress between it and the read is missed.
    let topic = super::page::topic_now(&state, TOPIC).await?;
    let run = match rows::latest_run(&mut state.store.db()).await? {
        Some(run) => Some(run_view(&state.store, &run).await?),
        None => None,
    };
    let page = FeedRefreshPage {
        run,
        requested: query.requested.is_some(),
        nightly_hour: state.settings.jobs.feed_refresh_hour,
        csrf_token: &user.csrf_token,
    };
    Ok(render_with_topics(
        &state,
        &user,
        "Offender data refresh",
        "/admin/feed-refresh",
        feed_refresh_page(&page),
        &[topic],
    )
    .await)
}

/// `POST /admin/feed-refresh`: asks for a run; the instance holding the lease picks it up.
pub async fn request_run(
    state: web::Data<AppState>,
    form: Protected<NoFields>,
) -> Result<HttpResponse, HttpError> {
    let user = form.user;
    require_jobs(&user)?;
    let refresh = FeedRefresh {
        store: state.store.clone(),
        dms: state.dms.clone(),
        hub: state.hub.clone(),
        outbox_wake: state.outbox_wake.clone(),
    };
    refresh.request("manual", Some(user.user_id)).await?;
    Ok(see_other("/admin/feed-refresh?requested=1"))
}

/// Query of the one-case page.
#[derive(Deserialize)]
pub struct CaseQuery {
    outcome: Option<String>,
}

/// `GET /participants/{id}/sync`
pub async fn case_page(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
    query: web::Query<CaseQuery>,
) -> Result<HttpResponse, HttpError> {
    require_qa1(&user)?;
    let row = visible_case(&state, &user, &id).await?;
    let last = rows::last_sync(&mut state.store.db(), &row.id).await?;
    let outcome = match query.outcome.as_deref() {
        Some("changed") => Some("The offender data had changes: the case now shows them."),
        Some("unchanged") => Some("The case already matched the offender data."),
        Some("failed") => Some(
            "The offender data service did not answer for this case. Nothing changed; try again later.",
        ),
        _ => None,
    };
    let name = full_name(&row.first_name, row.middle_name.as_deref(), &row.last_name);
    let page = CaseSyncPage {
        id: &row.id,
        name: &name,
        last_sync: &display_time(last),
        outcome,
        csrf_token: &user.csrf_token,
    };
    Ok(render(
        &state,
        &user,
        "Refresh from the offender data",
        "/participants",
        case_sync_page(&page),
    )
    .await)
}

/// `POST /participants/{id}/sync`: refreshes the case now, as a command in its case actor.
pub async fn sync_case(
    state: web::Data<AppState>,
    form: Protected<NoFields>,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let user = form.user;
    require_qa1(&user)?;
    let row = visible_case(&state, &user, &id).await?;
    let dms = state.dms.clone();
    let case = row.id.clone();
    let outcome = state
        .cases
        .run(&row.id, move |store| async move {
            refresh_case(&store, &dms, &case, None)
                .await
                .map_err(CaseError::from)
        })
        .await?;
    let word = match outcome {
        CaseOutcome::Changed => "changed",
        CaseOutcome::Failed(_) => "failed",
        CaseOutcome::Unchanged | CaseOutcome::AlreadyDone => "unchanged",
    };
    Ok(see_other(&format!(
        "/participants/{}/sync?outcome={word}",
        row.id
    )))
}
