//! Queue pages: the dashboard, one queue's open entries, taking work ("next" or from the list),
//! and the review page where an entry is decided. Every handler checks the queue's permission
//! and the entry's tenant on the server; the commands check them again with the rows they
//! change.

use super::current_user::{CurrentUser, Protected};
use super::error::{case_form_errors, HttpError};
use super::page::{case_topic_now, form_response, render_with_topics, see_other, topic_now};
use super::routes;
use super::state::AppState;
use crate::accounts::Principal;
use crate::cases::review::{self, Decide, Decided};
use crate::domain::qa::decision::{self, DecisionForm, FEEDBACK_REASONS, RETURN_REASONS};
use crate::domain::qa::{may_take, stats, EntryFacts, FeedbackType, Queue};
use crate::format::display_time;
use crate::live::case_view;
use crate::live::topics::QUEUES_TOPIC;
use crate::store::qa::{self, EntryRow};
use crate::store::{org, qa_notes, users};
use actix_web::{web, HttpResponse};
use cats_views::form::FormErrors;
use cats_views::pages::queues::{
    dashboard, performance_page, queue_page, review_page, DecisionFormView, NoteLine,
    PerformancePage, QueueEntryLine, QueuePage, QueueTotals, ReviewPage, ReviewState,
};
use maud::html;
use std::collections::HashMap;
use time::OffsetDateTime;

routes! {
    get "/queues" => overview;
    get "/queues/performance" => performance;
    get "/queues/{queue}" => one_queue;
    post "/queues/{queue}/next" => next;
    get "/queues/entries/{id}" => review;
    post "/queues/entries/{id}" => decide;
    post "/queues/entries/{id}/take" => take;
    post "/queues/entries/{id}/release" => release;
}

/// Open entries a queue page lists at most.
const LIST_LIMIT: u64 = 500;

/// Tenant names in scope, by id.
async fn tenant_names(
    state: &AppState,
    scope: &crate::domain::tenant::TenantScope,
) -> Result<HashMap<String, String>, HttpError> {
    Ok(org::tenants_in_scope(&mut state.store.db(), scope)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect())
}

/// The queues the user works.
fn queues_of(user: &Principal) -> Vec<Queue> {
    Queue::ALL
        .into_iter()
        .filter(|q| user.can(q.permission()))
        .collect()
}

/// A queue from the URL that the user works.
fn queue_param(user: &Principal, value: &str) -> Result<Queue, HttpError> {
    let queue = Queue::parse(value).ok_or(HttpError::NotFound)?;
    if !user.can(queue.permission()) {
        return Err(HttpError::Forbidden);
    }
    Ok(queue)
}

/// "3 days", "5 hours", "12 minutes".
fn age(since: OffsetDateTime, now: OffsetDateTime) -> String {
    let minutes = (now - since).whole_minutes().max(0);
    if minutes == 0 {
        return "less than a minute".to_owned();
    }
    let (n, unit) = match minutes {
        m if m >= 2 * 24 * 60 => (m / (24 * 60), "day"),
        m if m >= 120 => (m / 60, "hour"),
        m => (m, "minute"),
    };
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// `GET /queues`: every queue the user works, counted, by tenant and contract.
pub async fn overview(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, HttpError> {
    let queues = queues_of(&user);
    if queues.is_empty() {
        return Err(HttpError::Forbidden);
    }
    let topic = topic_now(&state, QUEUES_TOPIC).await?;
    let scope = user.scope();
    let mut db = state.store.db();
    let counts = qa::open_counts(&mut db, &scope).await?;
    let tenants = tenant_names(&state, &scope).await?;
    let contracts = org::contracts_visible(&mut db, &scope).await?;
    let now = OffsetDateTime::now_utc();
    let totals: Vec<QueueTotals> = queues
        .iter()
        .map(|queue| {
            let rows: Vec<_> = counts
                .iter()
                .filter(|c| c.queue == queue.as_str())
                .collect();
            QueueTotals {
                queue: queue.as_str(),
                name: queue.display_name(),
                unclaimed: rows.iter().map(|r| r.unclaimed).sum(),
                claimed: rows.iter().map(|r| r.claimed).sum(),
                oldest: rows.iter().map(|r| r.oldest).min().map(|t| age(t, now)),
                by_tenant: rows
                    .iter()
                    .map(|r| {
                        let contract = contracts
                            .iter()
                            .filter(|c| r.tenant_id.starts_with(&c.tenant_id))
                            .max_by_key(|c| c.tenant_id.len())
                            .map_or_else(|| "None".to_owned(), |c| c.id.clone());
                        let tenant = tenants
                            .get(&r.tenant_id)
                            .cloned()
                            .unwrap_or_else(|| r.tenant_id.clone());
                        (tenant, contract, r.unclaimed, r.claimed)
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(render_with_topics(
        &state,
        &user,
        "Queues",
        "/queues",
        dashboard(
            &totals,
            user.can(crate::domain::permission::Permission::SeniorInternal),
        ),
        &[topic],
    )
    .await)
}

/// Days the performance page counts.
const PERFORMANCE_DAYS: u16 = 14;

/// `GET /queues/performance`: decisions per day, median wait per queue and returns by reason,
/// for QA managers (the Senior Internal permission).
pub async fn performance(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, HttpError> {
    if !user.can(crate::domain::permission::Permission::SeniorInternal) {
        return Err(HttpError::Forbidden);
    }
    let topic = topic_now(&state, QUEUES_TOPIC).await?;
    let now = OffsetDateTime::now_utc();
    let since = now - time::Duration::days(i64::from(PERFORMANCE_DAYS));
    let rows = qa::decided_since(&mut state.store.db(), &user.scope(), since).await?;
    let decided: Vec<stats::Decided> = rows
        .into_iter()
        .filter_map(|r| {
            Some(stats::Decided {
                queue: Queue::parse(&r.queue)?,
                outcome: r.outcome,
                created_at: r.created_at,
                completed_at: r.completed_at,
                return_reason: r.return_reason,
            })
        })
        .collect();
    let figures = stats::summarise(&decided, now.date(), PERFORMANCE_DAYS);
    let per_day: Vec<(String, i64)> = figures
        .per_day
        .iter()
        .map(|(day, n)| (crate::format::display_date(*day), i64::from(*n)))
        .collect();
    let median: Vec<(String, i64)> = figures
        .median_minutes
        .iter()
        .map(|(queue, minutes)| (queue.display_name().to_owned(), *minutes))
        .collect();
    let returns: Vec<(String, i64)> = figures
        .returns_by_reason
        .iter()
        .map(|(reason, n)| (reason.clone(), i64::from(*n)))
        .collect();
    let content = performance_page(&PerformancePage {
        days: PERFORMANCE_DAYS,
        per_day: &per_day,
        median_minutes: &median,
        returns: &returns,
    });
    Ok(render_with_topics(
        &state,
        &user,
        "QA performance",
        "/queues",
        content,
        &[topic],
    )
    .await)
}

/// `GET /queues/{queue}`: the open entries in scope.
pub async fn one_queue(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    path: web::Path<String>,
    query: web::Query<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let queue = queue_param(&user, &path)?;
    let topic = topic_now(&state, QUEUES_TOPIC).await?;
    let scope = user.scope();
    let mut db = state.store.db();
    let rows = qa::open_entries(&mut db, queue.as_str(), &scope, LIST_LIMIT).await?;
    let mut ids: Vec<i64> = rows.iter().filter_map(|r| r.claimed_by).collect();
    ids.sort_unstable();
    ids.dedup();
    let names = users::display_names(&mut db, &ids).await?;
    let tenants = tenant_names(&state, &scope).await?;
    let now = OffsetDateTime::now_utc();
    let entries: Vec<QueueEntryLine> = rows
        .iter()
        .map(|r| {
            let facts = EntryFacts {
                queue,
                support_worker: r.support_worker_id,
                created_by: r.created_by,
                claimed_by: r.claimed_by,
                completed: false,
            };
            QueueEntryLine {
                id: r.id,
                participant_id: r.participant_id.clone(),
                name: format!("{} {}", r.first_name, r.last_name),
                tenant: tenants
                    .get(&r.tenant_id)
                    .cloned()
                    .unwrap_or_else(|| r.tenant_id.clone()),
                waiting: age(r.created_at, now),
                reviewer: r.claimed_by.map(|id| {
                    if id == user.user_id {
                        "you".to_owned()
                    } else {
                        names
                            .get(&id)
                            .cloned()
                            .unwrap_or_else(|| "someone".to_owned())
                    }
                }),
                // QA1 and QA2 hand out work with "next"; only one's own entry opens from the list.
                may_review: if queue.takes_next() {
                    r.claimed_by == Some(user.user_id)
                } else {
                    may_take(&facts, user.user_id).is_ok()
                },
            }
        })
        .collect();
    let notice = query
        .get("notice")
        .filter(|n| n.as_str() == "empty")
        .map(|_| "There is no entry waiting that you may review.");
    let content = queue_page(&QueuePage {
        queue: queue.as_str(),
        name: queue.display_name(),
        takes_next: queue.takes_next(),
        entries: &entries,
        notice,
        csrf_token: &user.csrf_token,
    });
    Ok(render_with_topics(
        &state,
        &user,
        queue.display_name(),
        "/queues",
        content,
        &[topic],
    )
    .await)
}

/// `POST /queues/{queue}/next`: the next entry, claimed.
pub async fn next(
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let user = form.user;
    let queue = queue_param(&user, &path)?;
    if !queue.takes_next() {
        return Err(HttpError::NotFound);
    }
    let taken = review::take_next(&state.store, &user, queue).await?;
    state.outbox_wake.notify_one();
    match taken {
        Some(id) => Ok(see_other(&format!("/queues/entries/{id}"))),
        None => Ok(see_other(&format!(
            "/queues/{}?notice=empty",
            queue.as_str()
        ))),
    }
}

/// The entry, when the user works its queue and it is in their scope.
async fn visible_entry(
    state: &AppState,
    user: &Principal,
    id: i64,
) -> Result<(EntryRow, Queue), HttpError> {
    let entry = qa::entry(&mut state.store.db(), id)
        .await?
        .ok_or(HttpError::NotFound)?;
    let queue = Queue::parse(&entry.queue).ok_or(HttpError::NotFound)?;
    if !entry.in_scope(&user.scope()) {
        return Err(HttpError::NotFound);
    }
    if !user.can(queue.permission()) {
        return Err(HttpError::Forbidden);
    }
    Ok((entry, queue))
}

/// `GET /queues/entries/{id}`: the entry under review.
pub async fn review(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, HttpError> {
    render_review(&state, &user, *id, None, &FormErrors::new()).await
}

async fn render_review(
    state: &AppState,
    user: &Principal,
    id: i64,
    typed: Option<&HashMap<String, String>>,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let queues = topic_now(state, QUEUES_TOPIC).await?;
    let (entry, queue) = visible_entry(state, user, id).await?;
    let case = case_topic_now(state, &entry.participant_id).await?;
    let mut db = state.store.db();
    let data = case_view::load(&mut db, &entry.participant_id)
        .await?
        .ok_or(HttpError::NotFound)?;
    let notes =
        qa_notes::for_participant(&mut db, &entry.participant_id, user.is_internal()).await?;
    let mut ids: Vec<i64> = notes.iter().map(|n| n.user_id).collect();
    ids.extend(entry.claimed_by);
    ids.sort_unstable();
    ids.dedup();
    let names = users::display_names(&mut db, &ids).await?;
    let name_of = |id: i64| {
        names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "Someone".to_owned())
    };
    let facts = entry.facts(queue);
    let review_state = if let Some(outcome) = &entry.outcome {
        ReviewState::Decided(outcome.clone())
    } else {
        match (entry.claimed_by, may_take(&facts, user.user_id)) {
            (Some(me), _) if me == user.user_id => ReviewState::Yours,
            (Some(other), _) => ReviewState::TakenBy(name_of(other)),
            (None, Ok(())) if !queue.takes_next() => ReviewState::MayTake,
            (None, Ok(())) => ReviewState::NotYours(format!(
                "Use \"Review the next entry\" on the {} queue to take work.",
                queue.display_name()
            )),
            (None, Err(why)) => ReviewState::NotYours(why.to_string()),
        }
    };
    let notes: Vec<NoteLine> = notes
        .iter()
        .map(|n| NoteLine {
            when: display_time(Some(n.created_at)),
            who: name_of(n.user_id),
            what: match (&n.return_reason, &n.feedback_type) {
                (Some(reason), _) => format!("{} ({reason})", n.outcome),
                (None, Some(f)) => format!(
                    "{} ({})",
                    n.outcome,
                    FeedbackType::parse(f).map_or(f.as_str(), |f| f.display_name())
                ),
                _ => n.outcome.clone(),
            },
            message: n.message.clone(),
            internal: n.internal,
        })
        .collect();
    let today = OffsetDateTime::now_utc().date();
    let case_sections = html! {
        (data.summary(today, &FormErrors::new(), ""))
        (data.enrolment(today))
        (data.assessment_markup())
    };
    let empty = HashMap::new();
    let typed = typed.unwrap_or(&empty);
    let value = |name: &str| typed.get(name).cloned().unwrap_or_default();
    let outcomes: Vec<(String, String, bool)> = decision::outcomes(queue)
        .iter()
        .map(|(v, l)| (v.to_string(), l.to_string(), value("outcome") == *v))
        .collect();
    let authority = matches!(queue, Queue::Qa2 | Queue::Escalation);
    let feedback_types: Vec<(String, String, bool)> = if authority {
        FeedbackType::ALL
            .iter()
            .map(|f| {
                (
                    f.as_str().to_owned(),
                    f.display_name().to_owned(),
                    value("feedback_type") == f.as_str(),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let with_blank = |items: &[&str], blank: &str| -> Vec<(String, String)> {
        std::iter::once((String::new(), blank.to_owned()))
            .chain(items.iter().map(|r| (r.to_string(), r.to_string())))
            .collect()
    };
    let return_reasons = if authority {
        with_blank(&RETURN_REASONS, "Choose a reason")
    } else {
        Vec::new()
    };
    let qa1_reasons = if authority {
        with_blank(&FEEDBACK_REASONS, "No feedback")
    } else {
        Vec::new()
    };
    let name = data.name();
    let content = review_page(&ReviewPage {
        entry: entry.id,
        queue: (queue.as_str(), queue.display_name()),
        participant: (&name, &entry.participant_id),
        version: typed
            .get("version")
            .and_then(|v| v.parse().ok())
            .unwrap_or(data.state.version),
        state: review_state,
        case_sections,
        notes: &notes,
        form: DecisionFormView {
            outcomes: &outcomes,
            feedback_types: &feedback_types,
            return_reasons: &return_reasons,
            qa1_reasons: &qa1_reasons,
            offer_internal: queue.is_internal(),
            typed: &value,
        },
        errors,
        csrf_token: &user.csrf_token,
    });
    let title = format!("{} review", queue.display_name());
    let response =
        render_with_topics(state, user, &title, "/queues", content, &[queues, case]).await;
    Ok(form_response(errors, response))
}

/// `POST /queues/entries/{id}/take`: take a listed entry.
pub async fn take(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let user = form.user;
    visible_entry(&state, &user, *id).await?;
    let taken = review::take(&state.store, &user, *id).await;
    state.outbox_wake.notify_one();
    match taken {
        Ok(()) => Ok(see_other(&format!("/queues/entries/{id}"))),
        Err(error) => {
            let errors = case_form_errors(error)?;
            render_review(&state, &user, *id, None, &errors).await
        }
    }
}

/// `POST /queues/entries/{id}/release`: give it back.
pub async fn release(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let user = form.user;
    let (entry, _) = visible_entry(&state, &user, *id).await?;
    let released = review::release(&state.store, &user, *id).await;
    state.outbox_wake.notify_one();
    match released {
        Ok(()) => Ok(see_other(&format!("/queues/{}", entry.queue))),
        Err(error) => {
            let errors = case_form_errors(error)?;
            render_review(&state, &user, *id, None, &errors).await
        }
    }
}

/// `POST /queues/entries/{id}`: the decision.
pub async fn decide(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    let (entry, queue) = visible_entry(&state, &user, *id).await?;
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or("");
    let posted = DecisionForm {
        outcome: field("outcome"),
        message: field("message"),
        internal: field("internal") == "yes",
        return_reason: field("return_reason"),
        feedback_type: field("feedback_type"),
        qa1_feedback_reason: field("qa1_feedback_reason"),
        qa1_feedback_message: field("qa1_feedback_message"),
    };
    let Ok(seen_version) = field("version").parse::<i64>() else {
        return Err(HttpError::BadRequest(
            "The form is incomplete: reload the page".into(),
        ));
    };
    let (decision, qa1_feedback) = match decision::check(queue, &posted) {
        Ok(checked) => checked,
        Err(problems) => {
            let mut errors = FormErrors::new();
            for p in problems {
                errors.add(p.field, p.message);
            }
            return render_review(&state, &user, *id, Some(&form), &errors).await;
        }
    };
    let who = user.clone();
    let outcome = state
        .cases
        .run(&entry.participant_id, move |store| async move {
            review::decide(
                &store,
                &who,
                &Decide {
                    entry: entry.id,
                    seen_version,
                    decision: &decision,
                    qa1_feedback: qa1_feedback.as_ref(),
                },
            )
            .await
        })
        .await;
    match outcome {
        Ok(Decided::Commented) => Ok(see_other(&format!("/queues/entries/{id}"))),
        Ok(Decided::Completed | Decided::BouncedForRightToWork) => {
            Ok(see_other(&format!("/queues/{}", queue.as_str())))
        }
        Err(error) => {
            let errors = case_form_errors(error)?;
            render_review(&state, &user, *id, Some(&form), &errors).await
        }
    }
}
