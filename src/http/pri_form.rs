//! Making a case's PRI: the form (release, meeting, attendance, assignment), checked by the
//! domain's rules with the locations looked up here, then made by the case's command, which
//! checks the code, the assignee and the one-PRI-ever rule.

use super::current_user::{CurrentUser, Protected};
use super::error::{case_form_errors, HttpError};
use super::page::{form_response, render, see_other};
use super::participants::visible_case;
use super::routes;
use super::state::AppState;
use crate::accounts::Principal;
use crate::cases::pri as commands;
use crate::domain::location::LocationType;
use crate::domain::pri::creation::{check_form, Attendance, Place, PriForm, FIELDS};
use crate::domain::tenant::TenantScope;
use crate::format::full_name;
use crate::store::org;
use actix_web::{web, HttpResponse};
use cats_views::form::FormErrors;
use cats_views::pages::pri_form::{pri_form_page, PriFormPage};
use std::collections::HashMap;
use time::OffsetDateTime;

routes! {
    get "/participants/{id}/pri/new" => new_form;
    post "/participants/{id}/pri/new" => create;
}

/// The locations the form offers: (custody ones the user's team works at, every community
/// one), each as (id, name, type).
async fn choices(
    state: &AppState,
    user: &Principal,
) -> Result<
    (
        Vec<(i64, String, LocationType)>,
        Vec<(i64, String, LocationType)>,
    ),
    HttpError,
> {
    let typed = |rows: Vec<org::LocationRow>, keep: fn(LocationType) -> bool| {
        rows.into_iter()
            .filter_map(|l| {
                let kind = LocationType::from_code(&l.location_type)?;
                (kind.is_mapped() && keep(kind)).then_some((l.id, l.name, kind))
            })
            .collect::<Vec<_>>()
    };
    let mut db = state.store.db();
    let mine = org::locations_visible(&mut db, &user.scope()).await?;
    let all = org::locations_visible(&mut db, &TenantScope::system()).await?;
    Ok((
        typed(mine, LocationType::is_custody),
        typed(all, LocationType::is_community),
    ))
}

fn options(list: &[(i64, String, LocationType)]) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), "Choose a location".to_owned())];
    options.extend(
        list.iter()
            .map(|(id, name, _)| (id.to_string(), name.clone())),
    );
    options
}

async fn show(
    state: &AppState,
    user: &Principal,
    id: &str,
    typed: Option<&HashMap<String, String>>,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let row = visible_case(state, user, id).await?;
    let name = full_name(&row.first_name, row.middle_name.as_deref(), &row.last_name);
    let (custody, release) = choices(state, user).await?;
    let mut values = typed.cloned().unwrap_or_default();
    if typed.is_none() && custody.iter().any(|(l, ..)| *l == row.current_location_id) {
        // Most PRIs are made for someone in the prison they are in now.
        values.insert(
            "custody_location".into(),
            row.current_location_id.to_string(),
        );
    }
    let content = pri_form_page(&PriFormPage {
        id: &row.id,
        name: &name,
        custody_locations: &options(&custody),
        release_locations: &options(&release),
        values: &values,
        errors,
        csrf_token: &user.csrf_token,
    });
    Ok(form_response(
        errors,
        render(state, user, "Make the PRI", "/participants", content).await,
    ))
}

/// `GET /participants/{id}/pri/new`.
pub async fn new_form(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    show(&state, &user, &id, None, &FormErrors::new()).await
}

/// `POST /participants/{id}/pri/new`.
pub async fn create(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    let row = visible_case(&state, &user, &id).await?;
    let (custody, release) = choices(&state, &user).await?;
    let text = |name: &str| form.get(name).map_or("", String::as_str);
    // A location not offered (or not a number) reads as not chosen; one the user's team does
    // not work at is found among every location so the rules can say why it is refused.
    let place = |name: &str| {
        let chosen: i64 = text(name).trim().parse().ok()?;
        let seen = custody.iter().any(|(l, ..)| *l == chosen);
        custody
            .iter()
            .chain(&release)
            .find(|(l, ..)| *l == chosen)
            .map(|(id, _, kind)| Place {
                id: *id,
                kind: *kind,
                seen_by_user: seen,
            })
    };
    let attendance = FIELDS.map(|(choice, reason)| Attendance {
        in_person: text(choice),
        reason: text(reason),
    });
    let typed = PriForm {
        custody_location: place("custody_location"),
        release_location: place("release_location"),
        expected_release: (
            text("expected_release_day"),
            text("expected_release_month"),
            text("expected_release_year"),
        ),
        meeting: (
            text("meeting_date_day"),
            text("meeting_date_month"),
            text("meeting_date_year"),
        ),
        attendance,
        support_information: text("support_information"),
        code: text("code"),
        self_assign: text("self_assign") == "yes",
    };
    let checked = match check_form(&typed, OffsetDateTime::now_utc().date()) {
        Ok(checked) => checked,
        Err(problems) => {
            let mut errors = FormErrors::new();
            for problem in problems {
                errors.add(problem.field, problem.message);
            }
            return show(&state, &user, &row.id, Some(&form), &errors).await;
        }
    };
    let (who, case) = (user.clone(), row.id.clone());
    let outcome = state
        .cases
        .run(&row.id, move |store| async move {
            commands::create(&store, &who, &case, &checked).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!("/participants/{}/pri", row.id))),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show(&state, &user, &row.id, Some(&form), &errors).await
        }
    }
}
