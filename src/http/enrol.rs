//! The enrol wizard's pages and the case's documents: location, consent, right to work, the
//! check page that confirms the enrolment, submission to provider QA, and audited downloads.
//! Every command checks on the server that the user may see the case and that its status
//! allows the step.

use super::current_user::{CurrentUser, Protected};
use super::error::HttpError;
use super::page::{form_response, render_with_topics, see_other};
use super::participants::{render_case, visible_case, CaseForm};
use super::routes;
use super::state::AppState;
use super::upload::ProtectedUpload;
use crate::accounts::Principal;
use crate::cases::{enrol, submit, CaseError};
use crate::domain::document::check_pdf;
use crate::domain::enrolment::consent::{check_consent, ConsentInput, FORM_VERSIONS};
use crate::domain::enrolment::right_to_work::{check_period, PeriodInput};
use crate::domain::field::FieldError;
use crate::format::display_date;
use crate::live::case_view::{self, CaseData};
use crate::live::topics::case_topic;
use crate::store::{enrolment, org};
use actix_web::{http::header, web, HttpResponse};
use cats_views::form::FormErrors;
use cats_views::pages::enrol::{
    check_step, consent_step, location_step, right_to_work_step, CheckStep, ConsentStep,
    LocationStep, RightToWorkStep, WizardHeader,
};
use maud::Markup;
use serde::Deserialize;
use std::collections::HashMap;

routes! {
    get "/participants/{id}/enrol" => start;
    get "/participants/{id}/enrol/location" => location_page;
    post "/participants/{id}/enrol/location" => save_location;
    get "/participants/{id}/enrol/consent" => consent_page;
    post "/participants/{id}/enrol/consent" => save_consent;
    get "/participants/{id}/enrol/right-to-work" => right_to_work_page;
    post "/participants/{id}/enrol/right-to-work" => save_right_to_work;
    get "/participants/{id}/enrol/check" => check_page;
    post "/participants/{id}/enrol/check" => confirm;
    post "/participants/{id}/submit" => submit_to_provider;
    get "/participants/{id}/documents/{document}" => download;
}

async fn case_data(state: &AppState, user: &Principal, id: &str) -> Result<CaseData, HttpError> {
    let row = visible_case(state, user, id).await?;
    case_view::load(&mut state.store.db(), &row.id)
        .await?
        .ok_or(HttpError::NotFound)
}

fn errors_of(list: Vec<FieldError>) -> FormErrors {
    let mut errors = FormErrors::new();
    for e in list {
        errors.add(e.field, e.message);
    }
    errors
}

async fn wizard_page(
    state: &AppState,
    user: &Principal,
    data: &CaseData,
    title: &str,
    content: Markup,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let topic = case_topic(&data.row.id);
    let position = state
        .hub
        .position(&topic)
        .await
        .map_err(|e| HttpError::Internal(anyhow::anyhow!("live position: {e}")))?;
    let response = render_with_topics(
        state,
        user,
        title,
        "/participants",
        content,
        &[(topic, position)],
    )
    .await;
    Ok(form_response(errors, response))
}

/// Runs an enrolment command in the case actor; field errors are shown on the step's form.
fn field_error(error: CaseError) -> Result<FormErrors, HttpError> {
    match error {
        CaseError::Invalid { field, message } => Ok(FormErrors::one(field, message)),
        other => Err(other.into()),
    }
}

/// `GET /participants/{id}/enrol`: the first step not yet done.
pub async fn start(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let data = case_data(&state, &user, &id).await?;
    let today = time::OffsetDateTime::now_utc().date();
    Ok(match data.facts(today).wizard_next(false) {
        Some(step) => see_other(&format!(
            "/participants/{}/enrol/{}",
            data.row.id,
            step.path()
        )),
        None => see_other(&format!("/participants/{}", data.row.id)),
    })
}

async fn show_location(
    state: &AppState,
    user: &Principal,
    data: &CaseData,
    typed: Option<(&str, &str)>,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let visible = org::locations_visible(&mut state.store.db(), &user.scope()).await?;
    let current = data.row.current_location_id;
    let chosen = typed
        .map(|(l, _)| l.to_owned())
        .or_else(|| data.state.enrolment_location_id.map(|l| l.to_string()))
        .unwrap_or_default();
    let mut options = vec![(
        current.to_string(),
        format!(
            "{} (current location)",
            data.locations.get(&current).cloned().unwrap_or_default()
        ),
        chosen == current.to_string(),
    )];
    options.extend(
        visible
            .iter()
            .filter(|l| l.id != current && l.id > 0)
            .map(|l| (l.id.to_string(), l.name.clone(), chosen == l.id.to_string())),
    );
    let justification = typed
        .map(|(_, j)| j.to_owned())
        .or_else(|| data.state.enrolment_location_justification.clone())
        .unwrap_or_default();
    let name = data.name();
    let page = LocationStep {
        header: WizardHeader {
            id: &data.row.id,
            name: &name,
            title: "Enrolment location",
            errors,
        },
        options: &options,
        justification: &justification,
    };
    wizard_page(
        state,
        user,
        data,
        "Enrolment location",
        location_step(&page, &user.csrf_token),
        errors,
    )
    .await
}

/// `GET /participants/{id}/enrol/location`
pub async fn location_page(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let data = case_data(&state, &user, &id).await?;
    show_location(&state, &user, &data, None, &FormErrors::new()).await
}

/// The location form.
#[derive(Deserialize)]
pub struct LocationForm {
    #[serde(default)]
    location: String,
    #[serde(default)]
    justification: String,
}

/// `POST /participants/{id}/enrol/location`
pub async fn save_location(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<LocationForm>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    let data = case_data(&state, &user, &id).await?;
    let chosen = form.location.trim().parse::<i64>().ok();
    let (store, who, case, justification) = (
        state.store.clone(),
        user.clone(),
        data.row.id.clone(),
        form.justification.clone(),
    );
    let outcome = state
        .cases
        .run(&data.row.id, move |_| async move {
            enrol::set_location(&store, &who, &case, chosen, &justification).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(after_step(&data)),
        Err(error) => {
            let errors = field_error(error)?;
            show_location(
                &state,
                &user,
                &data,
                Some((&form.location, &form.justification)),
                &errors,
            )
            .await
        }
    }
}

/// Where to go after a wizard step: the wizard's next step while Identified, else the case.
fn after_step(data: &CaseData) -> HttpResponse {
    if data.status() == crate::domain::enrolment::EnrolmentStatus::Identified {
        see_other(&format!("/participants/{}/enrol", data.row.id))
    } else {
        see_other(&format!("/participants/{}", data.row.id))
    }
}

async fn show_consent(
    state: &AppState,
    user: &Principal,
    data: &CaseData,
    typed: Option<&ProtectedUpload>,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let text = |name: &str| typed.map(|t| t.text(name).to_owned()).unwrap_or_default();
    let (day, month, year) = (
        text("consent_date_day"),
        text("consent_date_month"),
        text("consent_date_year"),
    );
    let version = text("form_version");
    let versions: Vec<(String, String, bool)> = FORM_VERSIONS
        .iter()
        .map(|v| (v.to_string(), format!("Version {v}"), version == *v))
        .collect();
    let name = data.name();
    let page = ConsentStep {
        header: WizardHeader {
            id: &data.row.id,
            name: &name,
            title: "Consent",
            errors,
        },
        date: (&day, &month, &year),
        versions: &versions,
        certified: text("certified") == "yes",
    };
    wizard_page(
        state,
        user,
        data,
        "Consent",
        consent_step(&page, &user.csrf_token),
        errors,
    )
    .await
}

/// `GET /participants/{id}/enrol/consent`
pub async fn consent_page(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let data = case_data(&state, &user, &id).await?;
    show_consent(&state, &user, &data, None, &FormErrors::new()).await
}

/// `POST /participants/{id}/enrol/consent` (multipart, with the signed form).
pub async fn save_consent(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: ProtectedUpload,
) -> Result<HttpResponse, HttpError> {
    let user = form.user.clone();
    let data = case_data(&state, &user, &id).await?;
    let today = time::OffsetDateTime::now_utc().date();
    let input = ConsentInput {
        day: form.text("consent_date_day"),
        month: form.text("consent_date_month"),
        year: form.text("consent_date_year"),
        form_version: form.text("form_version"),
        certified: form.text("certified") == "yes",
    };
    let checked = check_consent(&input, today);
    let upload = check_pdf(form.file.as_ref());
    let consent = match (checked, upload) {
        (Ok(consent), Ok(())) => consent,
        (checked, upload) => {
            let mut list = checked.err().unwrap_or_default();
            if let Err(e) = upload {
                list.push(FieldError::new("document", e.to_string()));
            }
            return show_consent(&state, &user, &data, Some(&form), &errors_of(list)).await;
        }
    };
    let Some(file) = form.file.clone() else {
        return Err(HttpError::BadRequest("Select a PDF file".to_owned()));
    };
    let (store, files, who, case) = (
        state.store.clone(),
        state.files.clone(),
        user.clone(),
        data.row.id.clone(),
    );
    let outcome = state
        .cases
        .run(&data.row.id, move |_| async move {
            enrol::add_consent(&store, &files, &who, &case, &consent, &file).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(after_step(&data)),
        Err(error) => {
            let errors = field_error(error)?;
            show_consent(&state, &user, &data, Some(&form), &errors).await
        }
    }
}

async fn show_right_to_work(
    state: &AppState,
    user: &Principal,
    data: &CaseData,
    typed: Option<&ProtectedUpload>,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let text = |name: &str| typed.map(|t| t.text(name).to_owned()).unwrap_or_default();
    let from = (
        text("valid_from_day"),
        text("valid_from_month"),
        text("valid_from_year"),
    );
    let to = (
        text("valid_to_day"),
        text("valid_to_month"),
        text("valid_to_year"),
    );
    let today = time::OffsetDateTime::now_utc().date();
    let name = data.name();
    let page = RightToWorkStep {
        header: WizardHeader {
            id: &data.row.id,
            name: &name,
            title: "Right to work",
            errors,
        },
        needed: data.facts(today).right_to_work_needed,
        from: (&from.0, &from.1, &from.2),
        to: (&to.0, &to.1, &to.2),
        indefinite: text("indefinite") == "yes",
        in_wizard: data.status() == crate::domain::enrolment::EnrolmentStatus::Identified,
    };
    wizard_page(
        state,
        user,
        data,
        "Right to work",
        right_to_work_step(&page, &user.csrf_token),
        errors,
    )
    .await
}

/// `GET /participants/{id}/enrol/right-to-work`
pub async fn right_to_work_page(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let data = case_data(&state, &user, &id).await?;
    show_right_to_work(&state, &user, &data, None, &FormErrors::new()).await
}

/// `POST /participants/{id}/enrol/right-to-work` (multipart, with the evidence).
pub async fn save_right_to_work(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: ProtectedUpload,
) -> Result<HttpResponse, HttpError> {
    let user = form.user.clone();
    let data = case_data(&state, &user, &id).await?;
    let today = time::OffsetDateTime::now_utc().date();
    let input = PeriodInput {
        from: (
            form.text("valid_from_day"),
            form.text("valid_from_month"),
            form.text("valid_from_year"),
        ),
        to: (
            form.text("valid_to_day"),
            form.text("valid_to_month"),
            form.text("valid_to_year"),
        ),
        indefinite: form.text("indefinite") == "yes",
    };
    let checked = check_period(&input, today);
    let upload = check_pdf(form.file.as_ref());
    let period = match (checked, upload) {
        (Ok(period), Ok(())) => period,
        (checked, upload) => {
            let mut list = checked.err().unwrap_or_default();
            if let Err(e) = upload {
                list.push(FieldError::new("document", e.to_string()));
            }
            return show_right_to_work(&state, &user, &data, Some(&form), &errors_of(list)).await;
        }
    };
    let Some(file) = form.file.clone() else {
        return Err(HttpError::BadRequest("Select a PDF file".to_owned()));
    };
    let (store, files, who, case) = (
        state.store.clone(),
        state.files.clone(),
        user.clone(),
        data.row.id.clone(),
    );
    let outcome = state
        .cases
        .run(&data.row.id, move |_| async move {
            enrol::add_right_to_work(&store, &files, &who, &case, &period, &file).await
        })
        .await;
    match outcome {
        Ok(()) if data.status() == crate::domain::enrolment::EnrolmentStatus::Identified => Ok(
            see_other(&format!("/participants/{}/enrol/check", data.row.id)),
        ),
        Ok(()) => Ok(after_step(&data)),
        Err(error) => {
            let errors = field_error(error)?;
            show_right_to_work(&state, &user, &data, Some(&form), &errors).await
        }
    }
}

async fn show_check(
    state: &AppState,
    user: &Principal,
    data: &CaseData,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let today = time::OffsetDateTime::now_utc().date();
    let facts = data.facts(today);
    let base = format!("/participants/{}/enrol", data.row.id);
    let rows = vec![
        (
            "Enrolment location",
            data.state
                .enrolment_location_id
                .and_then(|l| data.locations.get(&l).cloned())
                .unwrap_or_else(|| "Not chosen".to_owned()),
            format!("{base}/location"),
        ),
        (
            "Consent",
            data.consents
                .first()
                .map(|c| {
                    format!(
                        "Signed {} (form {})",
                        display_date(c.consent_date),
                        c.form_version
                    )
                })
                .unwrap_or_else(|| "Not recorded".to_owned()),
            format!("{base}/consent"),
        ),
        (
            "Right to work",
            if !facts.right_to_work_needed {
                "Not needed (exempt nationality)".to_owned()
            } else if facts.right_to_work_active {
                "Evidence recorded".to_owned()
            } else {
                "Not recorded yet: needed before approval".to_owned()
            },
            format!("{base}/right-to-work"),
        ),
    ];
    let name = data.name();
    let page = CheckStep {
        header: WizardHeader {
            id: &data.row.id,
            name: &name,
            title: "Check and confirm the enrolment",
            errors,
        },
        rows,
        missing: facts.wizard_missing(),
    };
    wizard_page(
        state,
        user,
        data,
        "Check the enrolment",
        check_step(&page, &user.csrf_token),
        errors,
    )
    .await
}

/// `GET /participants/{id}/enrol/check`
pub async fn check_page(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let data = case_data(&state, &user, &id).await?;
    show_check(&state, &user, &data, &FormErrors::new()).await
}

/// `POST /participants/{id}/enrol/check`: Identified → Enrolling.
pub async fn confirm(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let user = form.user;
    let data = case_data(&state, &user, &id).await?;
    let (store, who, case) = (state.store.clone(), user.clone(), data.row.id.clone());
    let outcome = state
        .cases
        .run(&data.row.id, move |_| async move {
            enrol::confirm_enrolment(&store, &who, &case).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/participants/{}?notice=enrolled",
            data.row.id
        ))),
        Err(error) => {
            let errors = field_error(error)?;
            show_check(&state, &user, &data, &errors).await
        }
    }
}

/// `POST /participants/{id}/submit`: Enrolling → Submitted to Provider.
pub async fn submit_to_provider(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    let row = visible_case(&state, &user, &id).await?;
    let justification = form.get("justification").cloned();
    let (store, who, case, text) = (
        state.store.clone(),
        user.clone(),
        row.id.clone(),
        justification.clone(),
    );
    let outcome = state
        .cases
        .run(&row.id, move |_| async move {
            submit::submit_to_provider(&store, &who, &case, text.as_deref()).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/participants/{}?notice=submitted",
            row.id
        ))),
        Err(error) => {
            let errors = field_error(error)?;
            render_case(
                &state,
                &user,
                &row.id,
                CaseForm {
                    typed: Some(&form),
                    errors: &errors,
                    notice: None,
                    saved: false,
                },
            )
            .await
        }
    }
}

/// `GET /participants/{id}/documents/{document}`: the PDF, audited.
pub async fn download(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, HttpError> {
    let (id, document) = path.into_inner();
    let row = visible_case(&state, &user, &id).await?;
    let mut db = state.store.db();
    let doc = enrolment::document(&mut db, document)
        .await?
        .filter(|d| d.participant_id == row.id)
        .ok_or(HttpError::NotFound)?;
    let bytes = state
        .files
        .get(&doc.storage_key)
        .await
        .map_err(|e| HttpError::Internal(anyhow::anyhow!(e)))?;
    enrolment::record_download(
        &mut db,
        doc.id,
        user.user_id,
        time::OffsetDateTime::now_utc(),
    )
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"{}\"",
                doc.file_name.replace('"', "")
            ),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes))
}
