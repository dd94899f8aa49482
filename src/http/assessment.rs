//! Assessment pages: start one, answer each pathway's questions (saved per page, merged per
//! question with what colleagues saved meanwhile), and submit it for scoring.

use super::current_user::{CurrentUser, Protected};
use super::error::{case_form_errors, HttpError};
use super::page::{case_topic_now, render_case_page, see_other};
use super::participants::visible_case;
use super::routes;
use super::state::AppState;
use crate::accounts::Principal;
use crate::cases::assess::{self, AnswerChange};
use crate::domain::assessment::{all_questions, pathway_questions, Answers, Choice, Pathway};
use crate::format::full_name;
use crate::store::assessments::{self, AssessmentRow};
use actix_web::{web, HttpRequest, HttpResponse};
use cats_actors::Position;
use cats_views::form::FormErrors;
use cats_views::pages::assessment::{
    assessment_overview, pathway_page, AssessmentOverview, PathwayLine, PathwayPage, QuestionView,
};

routes! {
    post "/participants/{id}/assessments" => start;
    get "/participants/{id}/assessments/{assessment}" => overview;
    post "/participants/{id}/assessments/{assessment}/submit" => submit;
    get "/participants/{id}/assessments/{assessment}/{pathway}" => pathway;
    post "/participants/{id}/assessments/{assessment}/{pathway}" => save_pathway;
}

/// Joins a question's stored options into its one `base_` field (no option contains it).
const BASE_SEPARATOR: &str = "|";

fn pathway_of(letter: &str) -> Option<Pathway> {
    Pathway::ALL
        .into_iter()
        .find(|p| letter.len() == 1 && letter.starts_with(p.letter()))
}

/// An assessment of a case `user` may see, with the case's live topic (position read first).
struct Loaded {
    id: String,
    name: String,
    row: AssessmentRow,
    answers: Answers,
    topic: (String, Position),
}

async fn load(
    state: &AppState,
    user: &Principal,
    id: &str,
    assessment: i64,
) -> Result<Loaded, HttpError> {
    let topic = case_topic_now(state, id).await?;
    let case = visible_case(state, user, id).await?;
    let mut db = state.store.db();
    let row = assessments::get(&mut db, &case.id, assessment)
        .await?
        .ok_or(HttpError::NotFound)?;
    let answers = Answers::from_rows(assessments::answers(&mut db, assessment).await?);
    let name = full_name(
        &case.first_name,
        case.middle_name.as_deref(),
        &case.last_name,
    );
    Ok(Loaded {
        id: case.id,
        name,
        row,
        answers,
        topic,
    })
}

/// `POST /participants/{id}/assessments`: starts one.
pub async fn start(
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: Protected<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let user = form.user;
    let row = visible_case(&state, &user, &id).await?;
    let (who, case) = (user.clone(), row.id.clone());
    let created = state
        .cases
        .run(&row.id, move |store| async move {
            assess::start(&store, &who, &case).await
        })
        .await?;
    Ok(see_other(&format!(
        "/participants/{}/assessments/{created}/A",
        row.id
    )))
}

async fn show_overview(
    state: &AppState,
    user: &Principal,
    id: &str,
    assessment: i64,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let Loaded {
        id,
        name,
        row: found,
        answers,
        topic,
    } = load(state, user, id, assessment).await?;
    if found.submitted_at.is_some() {
        return Ok(see_other(&format!("/participants/{id}#case-assessment")));
    }
    let lines: Vec<PathwayLine> = Pathway::ALL
        .into_iter()
        .map(|p| {
            let questions: Vec<_> = pathway_questions(p).collect();
            PathwayLine {
                letter: p.letter(),
                title: p.title(),
                answered: questions
                    .iter()
                    .filter(|q| !answers.chosen(q.code).is_empty())
                    .count(),
                total: questions.len(),
            }
        })
        .collect();
    let complete = all_questions()
        .iter()
        .all(|q| !answers.chosen(q.code).is_empty());
    let view = AssessmentOverview {
        id: &id,
        assessment,
        name: &name,
        pathways: &lines,
        complete,
        errors,
    };
    Ok(render_case_page(
        state,
        user,
        "Assessment",
        assessment_overview(&view, &user.csrf_token),
        topic,
        errors,
    )
    .await)
}

/// `GET /participants/{id}/assessments/{assessment}`
pub async fn overview(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    path: web::Path<(String, i64)>,
) -> Result<HttpResponse, HttpError> {
    let (id, assessment) = path.into_inner();
    show_overview(&state, &user, &id, assessment, &FormErrors::new()).await
}

async fn show_pathway(
    state: &AppState,
    user: &Principal,
    id: &str,
    assessment: i64,
    pathway: Pathway,
    typed: Option<&[(String, String)]>,
    errors: &FormErrors,
) -> Result<HttpResponse, HttpError> {
    let Loaded {
        id,
        row: found,
        answers,
        topic,
        ..
    } = load(state, user, id, assessment).await?;
    if found.submitted_at.is_some() {
        return Ok(see_other(&format!("/participants/{id}#case-assessment")));
    }
    let questions: Vec<QuestionView> = pathway_questions(pathway)
        .map(|q| {
            let stored = answers.chosen(q.code);
            QuestionView {
                code: q.code,
                text: q.text,
                hint: q.hint,
                multiple: q.choice == Choice::Multiple,
                options: q
                    .options
                    .iter()
                    .map(|o| {
                        let checked = match typed {
                            Some(t) => t.iter().any(|(k, v)| k == q.code && v == o),
                            None => stored.iter().any(|s| s == o),
                        };
                        (*o, checked)
                    })
                    .collect(),
                base: stored.join(BASE_SEPARATOR),
            }
        })
        .collect();
    let view = PathwayPage {
        id: &id,
        assessment,
        title: pathway.title(),
        questions: &questions,
        errors,
        topic: &topic.0,
    };
    Ok(render_case_page(
        state,
        user,
        pathway.title(),
        pathway_page(&view, &user.csrf_token),
        topic,
        errors,
    )
    .await)
}

/// `GET /participants/{id}/assessments/{assessment}/{pathway}`
pub async fn pathway(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
    path: web::Path<(String, i64, String)>,
) -> Result<HttpResponse, HttpError> {
    let (id, assessment, letter) = path.into_inner();
    let pathway = pathway_of(&letter).ok_or(HttpError::NotFound)?;
    show_pathway(
        &state,
        &user,
        &id,
        assessment,
        pathway,
        None,
        &FormErrors::new(),
    )
    .await
}

/// `POST /participants/{id}/assessments/{assessment}/{pathway}`: saves that pathway's answers.
pub async fn save_pathway(
    state: web::Data<AppState>,
    request: HttpRequest,
    path: web::Path<(String, i64, String)>,
    form: Protected<Vec<(String, String)>>,
) -> Result<HttpResponse, HttpError> {
    let Protected { user, form } = form;
    let (id, assessment, letter) = path.into_inner();
    let pathway = pathway_of(&letter).ok_or(HttpError::NotFound)?;
    let row = visible_case(&state, &user, &id).await?;
    // Every question on the page sends its base; a question the form does not mention was not
    // on the person's page and is left as it is.
    let changes: Vec<AnswerChange> = pathway_questions(pathway)
        .filter(|q| {
            let base = format!("base_{}", q.code);
            form.iter().any(|(k, _)| *k == base)
        })
        .map(|q| {
            let pick = |key: &str| {
                form.iter()
                    .filter(|(k, _)| k == key)
                    .map(|(_, v)| v.clone())
                    .collect::<Vec<_>>()
            };
            AnswerChange {
                question: q.code,
                base: pick(&format!("base_{}", q.code))
                    .iter()
                    .flat_map(|b| b.split(BASE_SEPARATOR))
                    .filter(|o| !o.is_empty())
                    .map(str::to_owned)
                    .collect(),
                wanted: pick(q.code),
            }
        })
        .collect();
    let (case, who) = (row.id.clone(), user.clone());
    let sent = changes.clone();
    let outcome = state
        .cases
        .run(&row.id, move |store| async move {
            assess::save_answers(&store, &who, &case, assessment, &sent).await
        })
        .await;
    if request.headers().contains_key(AUTOSAVE_HEADER) {
        return autosave_reply(&changes, outcome);
    }
    let errors = match outcome {
        Ok(conflicts) if conflicts.is_empty() => {
            let next = Pathway::ALL
                .into_iter()
                .skip_while(|p| *p != pathway)
                .nth(1);
            return Ok(see_other(&match next {
                Some(next) => format!(
                    "/participants/{}/assessments/{assessment}/{}",
                    row.id,
                    next.letter()
                ),
                None => format!("/participants/{}/assessments/{assessment}", row.id),
            }));
        }
        Ok(conflicts) => {
            let mut errors = FormErrors::new();
            for c in conflicts {
                let theirs = if c.theirs.is_empty() {
                    "no answer".to_owned()
                } else {
                    c.theirs.join(", ")
                };
                errors.add(c.question, format!("Someone else saved “{theirs}” here after you opened the page. Your other answers were saved; choose again and save to keep yours."));
            }
            errors
        }
        Err(error) => case_form_errors(error)?,
    };
    show_pathway(
        &state,
        &user,
        &row.id,
        assessment,
        pathway,
        Some(&form),
        &errors,
    )
    .await
}

/// Sent by the page script when it saves one answer the moment it is chosen.
const AUTOSAVE_HEADER: &str = "x-autosave";

/// The answer to an autosave of one question, as JSON for the page script: saved (with the
/// base the next save of that question starts from), a conflict (someone else answered it
/// since; their answer becomes the base), or refused (the message to show at the question).
fn autosave_reply(
    changes: &[AnswerChange],
    outcome: Result<Vec<assess::AnswerConflict>, crate::cases::CaseError>,
) -> Result<HttpResponse, HttpError> {
    let Some(change) = changes.first() else {
        return Ok(HttpResponse::UnprocessableEntity()
            .json(serde_json::json!({ "message": "Nothing to save" })));
    };
    let question = change.question;
    Ok(match outcome {
        Ok(conflicts) => match conflicts.into_iter().next() {
            None => HttpResponse::Ok().json(serde_json::json!({
                "question": question,
                "base": change.wanted.join(BASE_SEPARATOR),
            })),
            Some(conflict) => {
                let theirs = if conflict.theirs.is_empty() {
                    "no answer".to_owned()
                } else {
                    conflict.theirs.join(", ")
                };
                HttpResponse::Conflict().json(serde_json::json!({
                    "question": question,
                    "base": conflict.theirs.join(BASE_SEPARATOR),
                    "theirs": conflict.theirs,
                    "message": format!("Someone else chose “{theirs}” here just now. Choose again to change it."),
                }))
            }
        },
        Err(error) => {
            let errors = case_form_errors(error)?;
            let message = errors
                .get(question)
                .or_else(|| errors.first())
                .unwrap_or("Your answer could not be saved");
            HttpResponse::UnprocessableEntity().json(serde_json::json!({
                "question": question,
                "message": message,
            }))
        }
    })
}

/// `POST /participants/{id}/assessments/{assessment}/submit`
pub async fn submit(
    state: web::Data<AppState>,
    path: web::Path<(String, i64)>,
    form: Protected<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, HttpError> {
    let user = form.user;
    let (id, assessment) = path.into_inner();
    let row = visible_case(&state, &user, &id).await?;
    let (who, case) = (user.clone(), row.id.clone());
    let outcome = state
        .cases
        .run(&row.id, move |store| async move {
            assess::submit(&store, &who, &case, assessment).await
        })
        .await;
    match outcome {
        Ok(()) => Ok(see_other(&format!(
            "/participants/{}?notice=assessed#case-assessment",
            row.id
        ))),
        Err(error) => {
            let errors = case_form_errors(error)?;
            show_overview(&state, &user, &row.id, assessment, &errors).await
        }
    }
}
