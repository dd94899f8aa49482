//! Transfers: the list of incoming and outgoing transfers for the user's organisation, and
//! processing (or dismissing) one incoming transfer. Users with an additional role (any but
//! Finance) whose organisation works at the destination act on incoming transfers; the
//! commands check every rule again. Both pages follow the transfers topic, so a transfer raised
//! or dealt with elsewhere shows at once.

use super::current_user::{CurrentUser, Protected};
use super::error::{case_form_errors, HttpError};
use super::page::{form_response, render_with_topics, see_other, topic_now};
use super::routes;
use super::state::AppState;
use crate::accounts::Principal;
use crate::cases::transfers;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::permission::Permission;
use crate::domain::transfer::TransferType;
use crate::format::{display_time, full_name};
use crate::live::topics::TRANSFERS_TOPIC;
use crate::store::ownership;
use crate::store::transfers::{self as rows, MoveRow};
use actix_web::{web, HttpResponse};
use cats_views::form::FormErrors;
use cats_views::pages::transfers::{process_page, transfers_page, ProcessPage, TransferLine};
use std::collections::HashMap;
use time::{Duration, OffsetDateTime};

routes! {
    get "/transfers" => list;
    get "/transfers/{id}" => process_form;
    post "/transfers/{id}/process" => process;
    post "/transfers/{id}/dismiss" => dismiss;
}

/// How long an outgoing transfer stays listed.
const OUTGOING_DAYS: i64 = 90;

fn line(m: &MoveRow, names: &HashMap<i64, String>) -> TransferLine {
    let place = |location: i64, contract: Option<&str>| {
        let name = names
            .get(&location)
            .cloned()
            .unwrap_or_else(|| format!("Location {location}"));
        match contract {
            Some(contract) => format!("{name} ({contract})"),
            None => name,
        }
    };
    TransferLine {
        id: m.id,
        participant_id: m.participant_id.clone(),
        name: full_name(&m.first_name, m.middle_name.as_deref(), &m.last_name),
        status: EnrolmentStatus::from_value(m.enrolment_status)
            .map_or("Unknown", |s| s.display_name()),
        moved: display_time(Some(m.moved_at)),
        from: place(m.from_location_id, m.from_contract_id.as_deref()),
        to: place(m.to_location_id, m.to_contract_id.as_deref()),
        kind: i16::try_from(m.transfer_type)
            .ok()
            .and_then(TransferType::from_value)
            .map_or("Unknown", |t| t.display_name()),
    }
}

/// `GET /transfers`.
pub async fn list(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, HttpError> {
    if !user.roles.has_additional_role() {
        return Err(HttpError::Forbidden);
    }
    // The position is taken before the lists are read, so a change in between is replayed.
    let topic = topic_now(&state, TRANSFERS_TOPIC).await?;
    let mut db = state.store.db();
    let incoming = rows::incoming_in_scope(&mut db, &user.scope()).await?;
    let since = OffsetDateTime::now_utc() - Duration::days(OUTGOING_DAYS);
    let outgoing = rows::outgoing_in_scope(&mut db, &user.scope(), since).await?;
    let mentioned: Vec<i64> = (incoming.iter().map(|r| &r.moved))
        .chain(&outgoing)
        .flat_map(|m| [m.from_location_id, m.to_location_id])
        .collect();
    let names = state
        .store
        .reference()
        .location_names(&mut db, &mentioned)
        .await?;
    let incoming: Vec<_> = incoming.iter().map(|r| line(&r.moved, &names)).collect();
    let outgoing: Vec<_> = outgoing.iter().map(|r| line(r, &names)).collect();
    let content = transfers_page(&incoming, &outgoing);
    Ok(render_with_topics(&state, &user, "Transfers", "/transfers", content, &[topic]).await)
}

async fn show(
    state: &AppState,
    user: &Principal,
    transfer: i64,
    selected: Option<String>,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let topic = topic_now(state, TRANSFERS_TOPIC).await?;
    let mut db = state.store.db();
    let (row, linked) = transfers::visible_incoming(&mut db, user, transfer).await?;
    let mentioned = [row.moved.from_location_id, row.moved.to_location_id];
    let names = state
        .store
        .reference()
        .location_names(&mut db, &mentioned)
        .await?;
    let people = ownership::candidates(&mut db, &user.scope(), &linked).await?;
    let mut candidates = vec![(String::new(), "Choose a person".to_owned())];
    candidates.extend(
        people
            .into_iter()
            .map(|p| (p.id.to_string(), p.display_name)),
    );
    // The current owner is offered first when they can keep the case.
    let selected = selected
        .or_else(|| row.owner_id.map(|o| o.to_string()))
        .filter(|s| candidates.iter().any(|(id, _)| id == s))
        .unwrap_or_default();
    let archived =
        EnrolmentStatus::from_value(row.moved.enrolment_status) == Some(EnrolmentStatus::Archived);
    let line = line(&row.moved, &names);
    let content = process_page(&ProcessPage {
        line: &line,
        completed: row.completed_at.is_some(),
        candidates: &candidates,
        selected: &selected,
        can_dismiss: archived && user.can(Permission::SeniorInternal),
        errors,
        csrf_token: &user.csrf_token,
    });
    Ok(form_response(
        errors,
        render_with_topics(
            state,
            user,
            "Process a transfer",
            "/transfers",
            content,
            &[topic],
        )
        .await,
    ))
}

/// `GET /transfers/{id}`.
pub async fn process_form(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<i64>,
) -> Result<HttpResponse, HttpError> {
    show(&state, &user, *id, None, &FormErrors::new()).await
}

/// `POST /transfers/{id}/process`: gives the case to the chosen person and closes the entry.
pub async fn process(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    let transfer = *id;
    let (row, _) = transfers::visible_incoming(&mut state.store.db(), &user, transfer).await?;
    let typed = form.get("assignee").cloned().unwrap_or_default();
    let assignee = typed.trim().parse::<i64>().ok();
    let who = user.clone();
    let outcome = state
        .cases
        .run(&row.moved.participant_id, move |store| async move {
            transfers::process(&store, &who, transfer, assignee).await
        })
        .await;
    match outcome {
        Ok(_) => Ok(see_other("/transfers")),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show(&state, &user, transfer, Some(typed), &errors).await
        }
    }
}

/// `POST /transfers/{id}/dismiss`: closes an archived case's entry without an owner.
pub async fn dismiss(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, .. } = form;
    let transfer = *id;
    let (row, _) = transfers::visible_incoming(&mut state.store.db(), &user, transfer).await?;
    let who = user.clone();
    let outcome = state
        .cases
        .run(&row.moved.participant_id, move |store| async move {
            transfers::dismiss(&store, &who, transfer).await
        })
        .await;
    match outcome {
        Ok(_) => Ok(see_other("/transfers")),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show(&state, &user, transfer, None, &errors).await
        }
    }
}
