//! Participant pages (the list is in `participant_list`): finding a new participant in the offender
//! data, creating the case, and the case overview (every view audited, scoped like every read).

use super::current_user::{CurrentUser, Protected};
use super::error::HttpError;
use super::page::{case_topic_now, form_response, render, render_case_page_counted, see_other};
use super::routes;
use super::state::AppState;
use crate::accounts::Principal;
use crate::cases::create::{
    create_participant, find_candidate, resolve_location, CandidateOutcome,
};
use crate::cases::edit::EditOutcome;
use crate::cases::CaseError;
use crate::domain::candidate::CandidateSearch;
use crate::domain::case_edit::{CaseField, FieldChange};
use crate::external::OffenderRecord;
use crate::format::{display_date, display_time, full_name};
use crate::live::case_view;
use crate::store::org;
use crate::store::participants::{self, ParticipantRow};
use actix_web::{web, HttpResponse};
use cats_views::form::FormErrors;
use cats_views::pages::case::{case_page as case_page_view, CasePage};
use cats_views::pages::participants::{candidate_search, CandidateSearchPage, CandidateView};
use serde::Deserialize;
use std::collections::HashMap;

routes! {
    get "/participants" => super::participant_list::list;
    get "/participants/search" => search;
    post "/participants" => create;
    get "/participants/{id}" => overview;
    post "/participants/{id}/details" => save_details;
}

/// Query of the candidate search.
#[derive(Deserialize, Default)]
pub struct SearchQuery {
    identifier: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    day: Option<String>,
    month: Option<String>,
    year: Option<String>,
}

async fn eligible_view(
    state: &AppState,
    record: &OffenderRecord,
) -> Result<CandidateView, HttpError> {
    let mut db = state.store.db();
    let location = resolve_location(&mut db, record).await?;
    let location_name = org::location_names(&mut db)
        .await?
        .remove(&location)
        .unwrap_or_default();
    let mut details = vec![
        ("Date of birth", display_date(record.date_of_birth)),
        ("Gender", record.gender.clone()),
        ("Location", location_name),
    ];
    for (kind, value) in record.identifiers() {
        details.push((kind, value.to_owned()));
    }
    Ok(CandidateView::Eligible {
        upci: record.upci.clone(),
        name: full_name(
            &record.first_name,
            record.middle_name.as_deref(),
            &record.last_name,
        ),
        details,
    })
}

/// `GET /participants/search`: the form, and the outcome once searched.
pub async fn search(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, HttpError> {
    let q = query.into_inner();
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let (identifier, first, last) = (text(&q.identifier), text(&q.first_name), text(&q.last_name));
    let (day, month, year) = (text(&q.day), text(&q.month), text(&q.year));
    let searched = q.identifier.is_some();
    let mut errors = FormErrors::new();
    let mut outcome = None;
    if searched {
        let today = time::OffsetDateTime::now_utc().date();
        match CandidateSearch::parse(&identifier, &first, &last, (&day, &month, &year), today) {
            Err(error) => errors.add(error.field, error.message),
            Ok(search) => {
                outcome = match find_candidate(&state.store, &state.dms, &user, &search).await {
                    Ok(CandidateOutcome::NoMatch) => Some(CandidateView::NoMatch),
                    Ok(CandidateOutcome::MoreInformationNeeded) => {
                        Some(CandidateView::MoreInformationNeeded)
                    }
                    Ok(CandidateOutcome::TooManyResults) => Some(CandidateView::TooManyResults),
                    Ok(CandidateOutcome::AlreadyParticipant { visible_id }) => {
                        Some(CandidateView::AlreadyParticipant {
                            link: visible_id.map(|id| format!("/participants/{id}")),
                        })
                    }
                    Ok(CandidateOutcome::NotActive(record)) => Some(CandidateView::NotActive {
                        name: full_name(
                            &record.first_name,
                            record.middle_name.as_deref(),
                            &record.last_name,
                        ),
                    }),
                    Ok(CandidateOutcome::Eligible(record)) => {
                        Some(eligible_view(&state, &record).await?)
                    }
                    Err(CaseError::External(error)) => {
                        tracing::warn!(%error, "offender data search failed");
                        errors.add(
                            "identifier",
                            "The offender data service is not available right now. Try again in a few minutes.",
                        );
                        None
                    }
                    Err(other) => return Err(HttpError::Internal(other.into())),
                };
            }
        }
    }
    let view = CandidateSearchPage {
        identifier: &identifier,
        first_name: &first,
        last_name: &last,
        day: &day,
        month: &month,
        year: &year,
        errors: &errors,
        outcome,
        csrf_token: &user.csrf_token,
    };
    let response = render(
        &state,
        &user,
        "Find a new participant",
        "/participants",
        candidate_search(&view),
    )
    .await;
    Ok(form_response(&errors, response))
}

/// The create form.
#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    upci: String,
}

/// `POST /participants`
pub async fn create(
    state: web::Data<AppState>,
    form: Protected<CreateForm>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    match create_participant(&state.store, &state.dms, &user, form.upci.trim()).await {
        Ok(id) => Ok(see_other(&format!("/participants/{id}"))),
        Err(CaseError::External(_)) => Err(HttpError::BadRequest(
            "The offender data service is not available right now. Nothing was created; try again in a few minutes."
                .to_owned(),
        )),
        Err(other) => Err(other.into()),
    }
}

/// The case, when `user` may see it (every look is audited); otherwise 403 for a case outside
/// their scope (issue 5: refused and audited) and 404 for one that does not exist.
pub async fn visible_case(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<ParticipantRow, HttpError> {
    let row =
        participants::get(&mut state.store.db(), &user.scope(), user.is_internal(), id).await?;
    let Some(row) = row else {
        return Err(refused(state, user, id).await?);
    };
    let now = time::OffsetDateTime::now_utc();
    state
        .store
        .record_access(id, user.user_id, true, now)
        .await?;
    Ok(row)
}

/// Audits a refused look at a case and says why it was refused: the case exists outside the
/// user's scope (403), or not at all (404).
async fn refused(state: &AppState, user: &Principal, id: &str) -> Result<HttpError, HttpError> {
    let now = time::OffsetDateTime::now_utc();
    state
        .store
        .record_access(id, user.user_id, false, now)
        .await?;
    Ok(if participants::exists(&mut state.store.db(), id).await? {
        HttpError::Forbidden
    } else {
        HttpError::NotFound
    })
}

/// Query of the case page.
#[derive(Deserialize)]
pub struct CaseQuery {
    saved: Option<String>,
    notice: Option<String>,
}

/// `GET /participants/{id}`
pub async fn overview(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
    query: web::Query<CaseQuery>,
) -> Result<HttpResponse, HttpError> {
    let notice = match query.notice.as_deref() {
        Some("enrolled") => Some("Enrolment confirmed: the case is now Enrolling."),
        Some("submitted") => Some("Submitted to provider QA."),
        Some("assessed") => Some("Assessment submitted and scored."),
        _ => query.saved.is_some().then_some("Saved."),
    };
    let errors = FormErrors::new();
    let form = CaseForm {
        typed: None,
        errors: &errors,
        notice,
        saved: query.saved.is_some(),
    };
    render_case(&state, &user, &id, form).await
}

/// Renders the case page; `typed` re-shows what the person entered after a refused save.
async fn case_page(
    state: &AppState,
    user: &Principal,
    id: &str,
    typed: Option<&HashMap<String, String>>,
    errors: &FormErrors,
    saved: bool,
) -> Result<HttpResponse, HttpError> {
    let notice = saved.then_some("Saved.");
    render_case(
        state,
        user,
        id,
        CaseForm {
            typed,
            errors,
            notice,
            saved,
        },
    )
    .await
}

/// What a case page shows besides the case: a re-shown form, its errors, a notice.
pub struct CaseForm<'a> {
    /// What the person typed in the personal details (or the justification).
    pub typed: Option<&'a HashMap<String, String>>,
    /// Errors of a refused command.
    pub errors: &'a FormErrors,
    /// A message after a command.
    pub notice: Option<&'a str>,
    /// Personal details just saved.
    pub saved: bool,
}

/// Renders the case page for `user` (who must be allowed to see it: checked and audited).
pub async fn render_case(
    state: &AppState,
    user: &Principal,
    id: &str,
    form: CaseForm<'_>,
) -> Result<HttpResponse, HttpError> {
    let topic = case_topic_now(state, id).await?;
    // One small read checks that the person may see the case and gives its page stamp and
    // the bell's count; what the page shows is read again only when the stamp has moved since
    // this instance last read it (`live::case_cache`).
    let mut db = state.store.held().await?;
    let scope = user.scope();
    let check =
        participants::page_check(&mut db, id, (&scope, user.is_internal()), user.user_id).await?;
    let Some(participants::PageCheck { stamp, unread }) = check else {
        // Not held while waiting for the audit's commit, which needs a connection itself.
        drop(db);
        return Err(refused(state, user, id).await?);
    };
    let now = time::OffsetDateTime::now_utc();
    // The rest of the page is read on the same connection while the view's audit row is
    // committed; the connection goes back to the pool as soon as the reads are done, never
    // held while waiting for the audit writer, which needs one itself. The page is sent only
    // once both are done.
    let (audited, read) = futures_util::future::join(
        state.store.record_access(id, user.user_id, true, now),
        async move {
            let mut db = db;
            if let Some(kept) = state.case_cache.get(id, stamp) {
                return Ok(kept);
            }
            let Some(rows) = participants::case_rows(&mut db, id).await? else {
                return Err(HttpError::NotFound);
            };
            let data = case_view::load_rest(&mut db, rows, Some(state.store.reference())).await?;
            let data = std::sync::Arc::new(data);
            state
                .case_cache
                .put(id, stamp, std::sync::Arc::clone(&data));
            Ok(data)
        },
    )
    .await;
    audited?;
    let data = read?;
    let row = &data.row;
    let today = time::OffsetDateTime::now_utc().date();
    let justification = form
        .typed
        .and_then(|t| t.get("justification"))
        .map(String::as_str)
        .unwrap_or_default();
    let name = data.name();
    let page = CasePage {
        id: &row.id,
        name: &name,
        topic: &topic.0,
        errors: form.errors,
        notice: form.notice,
        // Forcing a refresh from the offender data needs QA1 (DOMAIN.md §9).
        sync_link: user.can(crate::domain::permission::Permission::Qa1),
        sections: vec![
            data.summary(today, form.errors, justification),
            data.enrolment(today),
            data.assessment_markup(),
            data.personal(form.typed, &user.csrf_token, form.errors, form.saved),
            data.timeline_markup(),
        ],
    };
    Ok(render_case_page_counted(
        state,
        user,
        &name,
        case_page_view(&page),
        topic,
        form.errors,
        Some(unread),
    )
    .await)
}

/// `POST /participants/{id}/details`: saves the personal details, merging with changes
/// others made to other fields, and refusing to overwrite a field someone else changed.
pub async fn save_details(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    let id = id.into_inner();
    // Who may see the case is checked (and the look audited) by the edit itself, with its
    // write; a refused form is shown by the case page, which checks the same.
    let mut errors = FormErrors::new();
    let mut changes = Vec::new();
    for field in CaseField::ALL {
        let typed = form
            .get(field.name())
            .map(String::as_str)
            .unwrap_or_default();
        let base = form
            .get(&format!("base_{}", field.name()))
            .map(|b| b.trim().to_owned())
            .filter(|b| !b.is_empty());
        match field.check(typed) {
            Err(message) => errors.add(field.name(), message),
            Ok(value) if value != base => changes.push(FieldChange { field, base, value }),
            Ok(_) => {}
        }
    }
    if !errors.is_empty() {
        return case_page(&state, &user, &id, Some(&form), &errors, false).await;
    }
    match state.cases.edit(&id, user.clone(), changes).await {
        Ok(EditOutcome::Saved { .. }) => Ok(see_other(&format!(
            "/participants/{id}?saved=1#case-personal"
        ))),
        Ok(EditOutcome::Conflicts(conflicts)) => {
            for conflict in conflicts {
                let theirs = conflict.theirs.as_deref().unwrap_or("(blank)");
                let when = conflict
                    .at
                    .map(|at| format!(" at {}", display_time(Some(at))))
                    .unwrap_or_default();
                errors.add(
                    conflict.field.name(),
                    format!(
                        "{} changed this to “{theirs}”{when} after you opened the page. Save again to keep yours, or change it.",
                        conflict.by
                    ),
                );
            }
            case_page(&state, &user, &id, Some(&form), &errors, false).await
        }
        Err(CaseError::Forbidden) => Err(refused(&state, &user, &id).await?),
        Err(other) => Err(other.into()),
    }
}
