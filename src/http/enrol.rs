//! The enrol wizard's pages and the case's documents: location, consent, right to work, the
//! check page that confirms the enrolment, submission to provider QA, and audited downloads.
//! Every command checks on the server that the user may see the case and that its status
//! allows the step.

use super::current_user::{CurrentUser, Protected};
use super::error::{case_form_errors, HttpError};
use super::page::{case_topic_now, render_case_page, see_other};
use super::participants::{render_case, visible_case, CaseForm};
use super::routes;
use super::state::AppState;
use super::upload::ProtectedUpload;
use crate::accounts::Principal;
use crate::cases::{enrol, submit};
use crate::domain::document::{check_pdf, UploadError};
use crate::domain::enrolment::consent::{check_consent, ConsentInput, FORM_VERSIONS};
use crate::domain::enrolment::right_to_work::{check_period, PeriodInput};
use crate::domain::field::FieldError;
use crate::format::display_date;
use crate::live::case_view::{self, CaseData};
use crate::store::{enrolment, org};
use actix_web::{http::header, web, HttpResponse};
use cats_actors::Position;
use cats_views::form::FormErrors;
use cats_views::pages::enrol::{
    check_step, consent_step, location_step, right_to_work_step, CheckStep, ConsentStep,
    LocationStep, RightToWorkStep, WizardHeader,
};
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

/// The case's live topic (position read first) and the case, when `user` may see it.
async fn case_data(
    state: &AppState,
    user: &Principal,
    id: &str,
) -> Result<(CaseData, (String, Position)), HttpError> {
    let topic = case_topic_now(state, id).await?;
    let row = visible_case(state, user, id).await?;
    let data = case_view::load(&mut state.store.db(), &row.id)
        .await?
        .ok_or(HttpError::NotFound)?;
    Ok((data, topic))
}

/// The checked fields of a form with an upload, or every problem with either.
fn with_upload<T>(
    checked: Result<T, Vec<FieldError>>,
    upload: Result<(), UploadError>,
) -> Result<T, FormErrors> {
    match (checked, upload) {
        (Ok(value), Ok(())) => Ok(value),
        (checked, upload) => {
            let mut errors = FormErrors::new();
            for e in checked.err().unwrap_or_default() {
                errors.add(e.field, e.message);
            }
            if let Err(e) = upload {
                errors.add("document", e.to_string());
            }
            Err(errors)
        }
    }
}

/// `GET /participants/{id}/enrol`: the first step not yet done.
pub async fn start(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let (data, _) = case_data(&state, &user, &id).await?;
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
    topic: (String, Position),
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
    Ok(render_case_page(
        state,
        user,
        "Enrolment location",
        location_step(&page, &user.csrf_token),
        topic,
        errors,
    )
    .await)
}

/// `GET /participants/{id}/enrol/location`
pub async fn location_page(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let (data, topic) = case_data(&state, &user, &id).await?;
    show_location(&state, &user, &data, topic, None, &FormErrors::new()).await
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
    let (data, topic) = case_data(&state, &user, &id).await?;
    let chosen = form.location.trim().parse::<i64>().ok();
    let (who, case, justification) = (
        user.clone(),
        data.row.id.clone(),
        form.justification.clone(),
    );
    let outcome = state
        .cases
        .run(&data.row.id, move |store| async move {
            enrol::set_location(&store, &who, &case, chosen, &justification).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(after_step(&data)),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show_location(
                &state,
                &user,
                &data,
                topic,
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
    topic: (String, Position),
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
    Ok(render_case_page(
        state,
        user,
        "Consent",
        consent_step(&page, &user.csrf_token),
        topic,
        errors,
    )
    .await)
}

/// `GET /participants/{id}/enrol/consent`
pub async fn consent_page(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let (data, topic) = case_data(&state, &user, &id).await?;
    show_consent(&state, &user, &data, topic, None, &FormErrors::new()).await
}

/// `POST /participants/{id}/enrol/consent` (multipart, with the signed form).
pub async fn save_consent(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: ProtectedUpload,
) -> Result<HttpResponse, HttpError> {
    let user = form.user.clone();
    let (data, topic) = case_data(&state, &user, &id).await?;
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
    let consent = match with_upload(checked, upload) {
        Ok(consent) => consent,
        Err(errors) => {
            return show_consent(&state, &user, &data, topic, Some(&form), &errors).await
        }
    };
    let Some(file) = form.file.clone() else {
        return Err(HttpError::BadRequest("Select a PDF file".to_owned()));
    };
    let (files, who, case) = (state.files.clone(), user.clone(), data.row.id.clone());
    let outcome = state
        .cases
        .run(&data.row.id, move |store| async move {
            enrol::add_consent(&store, &files, &who, &case, &consent, &file).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(after_step(&data)),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show_consent(&state, &user, &data, topic, Some(&form), &errors).await
        }
    }
}

async fn show_right_to_work(
    state: &AppState,
    user: &Principal,
    data: &CaseData,
    topic: (String, Position),
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
    Ok(render_case_page(
        state,
        user,
        "Right to work",
        right_to_work_step(&page, &user.csrf_token),
        topic,
        errors,
    )
    .await)
}

/// `GET /participants/{id}/enrol/right-to-work`
pub async fn right_to_work_page(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let (data, topic) = case_data(&state, &user, &id).await?;
    show_right_to_work(&state, &user, &data, topic, None, &FormErrors::new()).await
}

/// `POST /participants/{id}/enrol/right-to-work` (multipart, with the evidence).
pub async fn save_right_to_work(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: ProtectedUpload,
) -> Result<HttpResponse, HttpError> {
    let user = form.user.clone();
    let (data, topic) = case_data(&state, &user, &id).await?;
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
    let period = match with_upload(checked, upload) {
        Ok(period) => period,
        Err(errors) => {
            return show_right_to_work(&state, &user, &data, topic, Some(&form), &errors).await
        }
    };
    let Some(file) = form.file.clone() else {
        return Err(HttpError::BadRequest("Select a PDF file".to_owned()));
    };
    let (files, who, case) = (state.files.clone(), user.clone(), data.row.id.clone());
    let outcome = state
        .cases
        .run(&data.row.id, move |store| async move {
            enrol::add_right_to_work(&store, &files, &who, &case, &period, &file).await
        })
        .await;
    match outcome {
        Ok(()) if data.status() == crate::domain::enrolment::EnrolmentStatus::Identified => Ok(
            see_other(&format!("/participants/{}/enrol/check", data.row.id)),
        ),
        Ok(()) => Ok(after_step(&data)),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show_right_to_work(&state, &user, &data, topic, Some(&form), &errors).await
        }
    }
}

async fn show_check(
    state: &AppState,
    user: &Principal,
    data: &CaseData,
    topic: (String, Position),
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
    Ok(render_case_page(
        state,
        user,
        "Check the enrolment",
        check_step(&page, &user.csrf_token),
        topic,
        errors,
    )
    .await)
}

/// `GET /participants/{id}/enrol/check`
pub async fn check_page(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    id: web::Path<String>,
) -> Result<HttpResponse, HttpError> {
    let (data, topic) = case_data(&state, &user, &id).await?;
    show_check(&state, &user, &data, topic, &FormErrors::new()).await
}

/// `POST /participants/{id}/enrol/check`: Identified → Enrolling.
pub async fn confirm(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let user = form.user;
    let (data, topic) = case_data(&state, &user, &id).await?;
    let (who, case) = (user.clone(), data.row.id.clone());
    let outcome = state
        .cases
        .run(&data.row.id, move |store| async move {
            enrol::confirm_enrolment(&store, &who, &case).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/participants/{}?notice=enrolled",
            data.row.id
        ))),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show_check(&state, &user, &data, topic, &errors).await
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
    let (who, case, text) = (user.clone(), row.id.clone(), justification.clone());
    let outcome = state
        .cases
        .run(&row.id, move |store| async move {
            submit::submit_to_provider(&store, &who, &case, text.as_deref()).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/participants/{}?notice=submitted",
            row.id
        ))),
        Err(error) => {
            let errors = case_form_errors(error)?;
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
