//! The case's PRI page: the PRI itself, the community worker's code, and abandoning it. The
//! form that makes the PRI is in `pri_form`. Every handler opens the case through the user's
//! scope first; the commands check the rest.

use super::current_user::{CurrentUser, Protected};
use super::error::{case_form_errors, HttpError};
use super::page::{form_response, render, see_other};
use super::participants::visible_case;
use super::routes;
use super::state::AppState;
use crate::accounts::Principal;
use crate::cases::pri as commands;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::pri::{may_abandon, AbandonReason};
use crate::format::{display_date, full_name};
use crate::store::{ownership, pri as rows};
use actix_web::{web, HttpResponse};
use cats_views::form::FormErrors;
use cats_views::pages::pri::{abandon_page, pri_page, AbandonPage, PriPage, PriView};
use std::collections::HashMap;

routes! {
    get "/participants/{id}/pri" => overview;
    post "/participants/{id}/pri/code" => issue_code;
    get "/participants/{id}/pri/abandon" => abandon_form;
    post "/participants/{id}/pri/abandon" => abandon;
}

/// Whether `user` may abandon `pri` (the creator, the assignee, or someone above them).
async fn user_may_abandon(
    state: &AppState,
    user: &Principal,
    pri: &rows::PriRow,
) -> Result<bool, HttpError> {
    let mut db = state.store.db();
    let creator = ownership::person(&mut db, pri.created_by).await?;
    let assignee = match pri.assigned_to {
        Some(a) => ownership::person(&mut db, a).await?,
        None => None,
    };
    let tenant = |p: &Option<ownership::PersonRow>| p.as_ref().map(|p| (p.id, p.tenant_id.clone()));
    let (creator, assignee) = (tenant(&creator).unwrap_or_default(), tenant(&assignee));
    Ok(may_abandon(
        user.user_id,
        user.tenant.as_str(),
        (creator.0, &creator.1),
        assignee.as_ref().map(|(a, t)| (*a, t.as_str())),
    ))
}

async fn show(
    state: &AppState,
    user: &Principal,
    id: &str,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let row = visible_case(state, user, id).await?;
    let name = full_name(&row.first_name, row.middle_name.as_deref(), &row.last_name);
    let archived =
        EnrolmentStatus::from_value(row.enrolment_status) == Some(EnrolmentStatus::Archived);
    let mut db = state.store.db();
    let pri = rows::of_participant(&mut db, &row.id).await?;
    let code =
        if pri.is_none() && !archived && commands::is_community_worker(&state.store, user).await? {
            let live = rows::live_code(&mut db, &row.id).await?;
            Some(
                live.filter(|(_, by)| *by == user.user_id)
                    .and_then(|(code, _)| {
                        crate::domain::pri::PriCode::from_value(code).map(|c| c.to_string())
                    }),
            )
        } else {
            None
        };
    let may_abandon = match &pri {
        Some(p) if p.status().is_active() && !archived => user_may_abandon(state, user, p).await?,
        _ => false,
    };
    let (locations, people) = match &pri {
        Some(p) => {
            let places = [p.custody_location_id, p.release_location_id];
            let people: Vec<i64> = std::iter::once(p.created_by).chain(p.assigned_to).collect();
            let reference = state.store.reference();
            (
                Some(reference.location_names(&mut db, &places).await?),
                reference.display_names(&mut db, &people).await?,
            )
        }
        None => (None, HashMap::new()),
    };
    let view = match (&pri, &locations) {
        (Some(p), Some(names)) => {
            let place = |l: i64| names.get(&l).map_or("", String::as_str);
            let person = |u: i64| people.get(&u).cloned().unwrap_or_default();
            Some(PriView {
                status: p.status().display_name(),
                custody: place(p.custody_location_id),
                release: place(p.release_location_id),
                expected_release: display_date(p.expected_release_date),
                meeting: display_date(p.meeting_date),
                attendance: [
                    (
                        "the custody support worker",
                        p.custody_not_in_person.as_deref(),
                    ),
                    (
                        "the community support worker",
                        p.community_not_in_person.as_deref(),
                    ),
                    ("the participant", p.participant_not_in_person.as_deref()),
                ],
                support_information: p.support_information.as_deref(),
                created: (person(p.created_by), display_date(p.created_at.date())),
                assignee: p.assigned_to.map(person),
                abandoned: p
                    .abandon_reason()
                    .map(|r| (r.display_name(), p.abandon_justification.as_deref())),
                may_abandon,
            })
        }
        _ => None,
    };
    let content = pri_page(&PriPage {
        id: &row.id,
        name: &name,
        pri: view,
        code,
        may_create: pri.is_none() && !archived,
        errors,
        csrf_token: &user.csrf_token,
    });
    Ok(form_response(
        errors,
        render(state, user, "PRI", "/participants", content).await,
    ))
}

/// `GET /participants/{id}/pri`.
pub async fn overview(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    show(&state, &user, &id, &FormErrors::new()).await
}

/// `POST /participants/{id}/pri/code`: issues the signed-in community worker's code.
pub async fn issue_code(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, .. } = form;
    let row = visible_case(&state, &user, &id).await?;
    let (who, case) = (user.clone(), row.id.clone());
    let outcome = state
        .cases
        .run(&row.id, move |store| async move {
            commands::issue_code(&store, &who, &case).await
        })
        .await;
    match outcome {
        Ok(_) => Ok(see_other(&format!("/participants/{}/pri", row.id))),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show(&state, &user, &row.id, &errors).await
        }
    }
}

async fn show_abandon(
    state: &AppState,
    user: &Principal,
    id: &str,
    typed: Option<&HashMap<String, String>>,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let row = visible_case(state, user, id).await?;
    let name = full_name(&row.first_name, row.middle_name.as_deref(), &row.last_name);
    let field = |n: &str| typed.and_then(|t| t.get(n)).cloned().unwrap_or_default();
    let chosen = field("reason");
    let reasons: Vec<(String, String, bool)> = AbandonReason::ALL
        .iter()
        .map(|r| {
            let value = r.value().to_string();
            let checked = value == chosen;
            (value, r.display_name().to_owned(), checked)
        })
        .collect();
    let content = abandon_page(&AbandonPage {
        id: &row.id,
        name: &name,
        reasons: &reasons,
        justification: &field("justification"),
        errors,
        csrf_token: &user.csrf_token,
    });
    Ok(form_response(
        errors,
        render(state, user, "Abandon the PRI", "/participants", content).await,
    ))
}

/// `GET /participants/{id}/pri/abandon`.
pub async fn abandon_form(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    show_abandon(&state, &user, &id, None, &FormErrors::new()).await
}

/// `POST /participants/{id}/pri/abandon`.
pub async fn abandon(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    let row = visible_case(&state, &user, &id).await?;
    let reason = form
        .get("reason")
        .and_then(|r| r.parse().ok())
        .and_then(AbandonReason::from_value);
    let justification = form.get("justification").cloned().unwrap_or_default();
    let (who, case) = (user.clone(), row.id.clone());
    let outcome = state
        .cases
        .run(&row.id, move |store| async move {
            commands::abandon(&store, &who, &case, reason, &justification).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/participants/{}/pri", row.id))),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show_abandon(&state, &user, &row.id, Some(&form), &errors).await
        }
    }
}
