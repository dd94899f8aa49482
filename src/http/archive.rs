//! Archiving and unarchiving a case from its page. The command checks who may archive; the
//! handler only shows the form again with the message at its field.

use super::current_user::{CurrentUser, Protected};
use super::error::{case_form_errors, HttpError};
use super::page::{form_response, render, see_other};
use super::participants::visible_case;
use super::routes;
use super::state::AppState;
use crate::accounts::Principal;
use crate::cases::archive;
use crate::domain::enrolment::{ArchiveReason, UnarchiveReason};
use crate::format::full_name;
use actix_web::{web, HttpResponse};
use cats_views::form::FormErrors;
use cats_views::pages::archive::{archive_page, ArchivePage};
use std::collections::HashMap;

routes! {
    get "/participants/{id}/archive" => archive_form;
    post "/participants/{id}/archive" => archive_case;
    get "/participants/{id}/unarchive" => unarchive_form;
    post "/participants/{id}/unarchive" => unarchive_case;
}

fn reasons(unarchive: bool, chosen: &str) -> Vec<(String, String, bool)> {
    let all: Vec<(i64, &str)> = if unarchive {
        UnarchiveReason::ALL
            .iter()
            .map(|r| (r.value(), r.display_name()))
            .collect()
    } else {
        ArchiveReason::ALL
            .iter()
            .filter(|r| r.chosen_by_people())
            .map(|r| (r.value(), r.display_name()))
            .collect()
    };
    all.into_iter()
        .map(|(value, label)| {
            let value = value.to_string();
            let checked = value == chosen;
            (value, label.to_owned(), checked)
        })
        .collect()
}

async fn show(
    state: &AppState,
    user: &Principal,
    id: &str,
    unarchive: bool,
    typed: Option<&HashMap<String, String>>,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let row = visible_case(state, user, id).await?;
    let name = full_name(&row.first_name, row.middle_name.as_deref(), &row.last_name);
    let field = |n: &str| typed.and_then(|t| t.get(n)).cloned().unwrap_or_default();
    let content = archive_page(&ArchivePage {
        id: &row.id,
        name: &name,
        unarchive,
        reasons: &reasons(unarchive, &field("reason")),
        information: &field("information"),
        errors,
        csrf_token: &user.csrf_token,
    });
    let title = if unarchive { "Unarchive" } else { "Archive" };
    Ok(form_response(
        errors,
        render(state, user, title, "/participants", content).await,
    ))
}

/// `GET /participants/{id}/archive`.
pub async fn archive_form(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    show(&state, &user, &id, false, None, &FormErrors::new()).await
}

/// `GET /participants/{id}/unarchive`.
pub async fn unarchive_form(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    show(&state, &user, &id, true, None, &FormErrors::new()).await
}

async fn change(
    state: &AppState,
    id: &str,
    form: Protected<HashMap<String, String>>,
    unarchive: bool,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    let row = visible_case(state, &user, id).await?;
    let value: Option<i64> = form.get("reason").and_then(|r| r.parse().ok());
    let information = form.get("information").cloned().unwrap_or_default();
    let (who, case) = (user.clone(), row.id.clone());
    let outcome = state
        .cases
        .run(&row.id, move |store| async move {
            if unarchive {
                let reason = value.and_then(UnarchiveReason::from_value);
                archive::unarchive(&store, &who, &case, reason, &information).await
            } else {
                let reason = value
                    .and_then(ArchiveReason::from_value)
                    .filter(|r| r.chosen_by_people());
                archive::archive(&store, &who, &case, reason, &information).await
            }
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/participants/{}", row.id))),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show(state, &user, &row.id, unarchive, Some(&form), &errors).await
        }
    }
}

/// `POST /participants/{id}/archive`.
pub async fn archive_case(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    change(&state, &id, form, false).await
}

/// `POST /participants/{id}/unarchive`.
pub async fn unarchive_case(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    change(&state, &id, form, true).await
}
