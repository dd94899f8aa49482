//! The case's owner page: reassigning (Reassign permission) and taking an unowned case. The
//! commands check every rule; the page only offers what the user may try.

use super::current_user::{CurrentUser, Protected};
use super::error::{case_form_errors, HttpError};
use super::page::{form_response, render, see_other};
use super::participants::visible_case;
use super::routes;
use super::state::AppState;
use crate::accounts::Principal;
use crate::cases::ownership;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::permission::Permission;
use crate::format::full_name;
use crate::store::{ownership as rows, transfers, users};
use actix_web::{web, HttpResponse};
use cats_views::form::FormErrors;
use cats_views::pages::ownership::{owner_page, OwnerPage};
use std::collections::HashMap;

routes! {
    get "/participants/{id}/owner" => owner_form;
    post "/participants/{id}/owner" => reassign;
    post "/participants/{id}/take" => take;
}

async fn show(
    state: &AppState,
    user: &Principal,
    id: &str,
    selected: &str,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let row = visible_case(state, user, id).await?;
    let name = full_name(&row.first_name, row.middle_name.as_deref(), &row.last_name);
    let mut db = state.store.db();
    let owner = match row.owner_id {
        Some(owner) => users::display_names(&mut db, &[owner])
            .await?
            .remove(&owner),
        None => None,
    };
    let candidates = if user.can(Permission::Reassign) {
        let linked = rows::location_tenants(&mut db, row.current_location_id).await?;
        let people = rows::candidates(&mut db, &user.scope(), &linked).await?;
        let mut options = vec![(String::new(), "Choose a person".to_owned())];
        options.extend(
            people
                .into_iter()
                .filter(|p| Some(p.id) != row.owner_id)
                .map(|p| (p.id.to_string(), p.display_name)),
        );
        Some(options)
    } else {
        None
    };
    let transfer = transfers::open_incoming(&mut db, &row.id).await?;
    let content = owner_page(&OwnerPage {
        id: &row.id,
        name: &name,
        owner: owner.as_deref(),
        archived: EnrolmentStatus::from_value(row.enrolment_status)
            == Some(EnrolmentStatus::Archived),
        candidates: candidates.as_deref(),
        transfer: transfer.map(|id| (id, user.roles.has_additional_role())),
        selected,
        errors,
        csrf_token: &user.csrf_token,
    });
    Ok(form_response(
        errors,
        render(state, user, "Case owner", "/participants", content).await,
    ))
}

/// `GET /participants/{id}/owner`.
pub async fn owner_form(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    show(&state, &user, &id, "", &FormErrors::new()).await
}

/// `POST /participants/{id}/owner`: gives the case to the chosen colleague.
pub async fn reassign(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    let row = visible_case(&state, &user, &id).await?;
    let typed = form.get("assignee").cloned().unwrap_or_default();
    let assignee = typed.trim().parse::<i64>().ok();
    let (who, case) = (user.clone(), row.id.clone());
    let outcome = state
        .cases
        .run(&row.id, move |store| async move {
            ownership::reassign(&store, &who, &case, assignee).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/participants/{}", row.id))),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show(&state, &user, &row.id, &typed, &errors).await
        }
    }
}

/// `POST /participants/{id}/take`: the signed-in user takes an unowned case.
pub async fn take(
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
            ownership::take(&store, &who, &case).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/participants/{}", row.id))),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show(&state, &user, &row.id, "", &errors).await
        }
    }
}
