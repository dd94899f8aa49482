//! Assessment commands: start one, save answers as the person goes (merged per question, so
//! two people answering different questions both land and nobody's answer is overwritten
//! unseen), and submit it for scoring.

use super::enrol::state_in;
use super::CaseError;
use crate::accounts::Principal;
use crate::domain::assessment::{question, score_assessment, Answers, Region, ScoringInputs, Sex};
use crate::domain::candidate::search::age_on;
use crate::domain::case_edit::{merge, Decision};
use crate::live::case_view;
use crate::store::assessments::{self, AssessmentRow};
use crate::store::{org, participants, Store, Tx};
use time::OffsetDateTime;

/// Starts an assessment; its id.
pub async fn start(store: &Store, user: &Principal, id: &str) -> Result<i64, CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let data = case_view::load(&mut tx, id)
        .await?
        .ok_or_else(|| CaseError::invalid("case", "This case no longer exists"))?;
    data.may_start_assessment()
        .map_err(|m| CaseError::invalid("case", m))?;
    let enrolment_location = data
        .state
        .enrolment_location_id
        .ok_or_else(|| CaseError::invalid("case", "Choose the enrolment location first"))?;
    let assessment = assessments::insert(
        &mut tx,
        id,
        data.state.current_location_id,
        enrolment_location,
        user.user_id,
        now,
    )
    .await?;
    super::finish(
        tx,
        id,
        user.user_id,
        "Assessment",
        [Some("Assessment created"), None, None],
        now,
    )
    .await?;
    Ok(assessment)
}

/// An open (unsubmitted) assessment of an active case, read in the transaction.
async fn open_assessment(
    tx: &mut Tx,
    id: &str,
    assessment: i64,
) -> Result<AssessmentRow, CaseError> {
    let (_, status) = state_in(tx, id).await?;
    if !status.is_active() {
        return Err(CaseError::invalid(
            "case",
            "This case is closed, so its assessment cannot change",
        ));
    }
    let row = assessments::get(tx, id, assessment)
        .await?
        .ok_or_else(|| CaseError::invalid("case", "This assessment does not exist"))?;
    if row.submitted_at.is_some() {
        return Err(CaseError::invalid(
            "case",
            "This assessment has been submitted, so its answers cannot change",
        ));
    }
    Ok(row)
}

/// One question's answer as the person sent it.
#[derive(Debug, Clone)]
pub struct AnswerChange {
    /// Question code.
    pub question: &'static str,
    /// The options shown ticked when the page was loaded.
    pub base: Vec<String>,
    /// The options ticked now.
    pub wanted: Vec<String>,
}

/// A question someone else answered differently since the page was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerConflict {
    /// Question code.
    pub question: &'static str,
    /// Their answer.
    pub theirs: Vec<String>,
}

fn joined(options: &[String]) -> Option<String> {
    let mut sorted = options.to_vec();
    sorted.sort();
    (!sorted.is_empty()).then(|| sorted.join("\u{1f}"))
}

/// Saves answers, each change audited (who, old, new); the questions that conflicted (nothing
/// saved for those).
pub async fn save_answers(
    store: &Store,
    user: &Principal,
    id: &str,
    assessment: i64,
    changes: &[AnswerChange],
) -> Result<Vec<AnswerConflict>, CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    open_assessment(&mut tx, id, assessment).await?;
    for change in changes {
        let known = question(change.question)
            .ok_or_else(|| CaseError::invalid("case", "Unknown question"))?;
        if let Some(bad) = change.wanted.iter().find(|o| !known.has_option(o)) {
            return Err(CaseError::invalid(
                known.code,
                format!("“{bad}” is not one of this question's options"),
            ));
        }
    }
    let stored = Answers::from_rows(assessments::answers(&mut tx, assessment).await?);
    let mut conflicts = Vec::new();
    let mut changed = 0;
    for change in changes {
        let current = stored.chosen(change.question).to_vec();
        match merge(
            joined(&current).as_deref(),
            joined(&change.base).as_deref(),
            joined(&change.wanted).as_deref(),
        ) {
            Decision::Unchanged => {}
            Decision::Apply => {
                assessments::replace_answer(&mut tx, assessment, change.question, &change.wanted)
                    .await?;
                assessments::audit_answer(
                    &mut tx,
                    &assessments::AnswerAudit {
                        assessment,
                        question: change.question,
                        old: &current,
                        new: &change.wanted,
                        user: user.user_id,
                    },
                    now,
                )
                .await?;
                changed += 1;
            }
            Decision::Conflict => conflicts.push(AnswerConflict {
                question: change.question,
                theirs: current,
            }),
        }
    }
    if changed > 0 {
        assessments::touch(&mut tx, assessment, now).await?;
        crate::store::enrolment::touch(&mut tx, id, now).await?;
        case_view::publish_in(&mut tx, id, now).await?;
    }
    tx.commit().await?;
    Ok(conflicts)
}

/// Submits the assessment: every question answered, scored per pathway, scores stored.
pub async fn submit(
    store: &Store,
    user: &Principal,
    id: &str,
    assessment: i64,
) -> Result<(), CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let row = open_assessment(&mut tx, id, assessment).await?;
    let (state, _) = state_in(&mut tx, id).await?;
    let answers = Answers::from_rows(assessments::answers(&mut tx, assessment).await?);
    if let Some(problem) = answers.problems().first() {
        return Err(CaseError::invalid(problem.question(), problem.to_string()));
    }
    let lot = org::lot_of_location(&mut tx, row.enrolment_location_id)
        .await?
        .unwrap_or(0);
    let inputs = ScoringInputs {
        age: u32::try_from(age_on(state.date_of_birth, now.date())).unwrap_or(0),
        sex: Sex::from_gender(Some(state.gender.as_str())),
        region: Region::from_lot(u8::try_from(lot).unwrap_or(0)),
    };
    let scores = score_assessment(&answers, &inputs)
        .map_err(|e| CaseError::invalid(e.question(), e.to_string()))?;
    let stored: Vec<(i64, i64)> = scores
        .iter()
        .map(|s| (i64::from(s.pathway.code()), i64::from(s.score)))
        .collect();
    if !assessments::submit(&mut tx, assessment, user.user_id, &stored, now).await? {
        return Err(CaseError::invalid(
            "case",
            "This assessment was submitted already",
        ));
    }
    let summary = scores
        .iter()
        .map(|s| format!("{} {}", s.pathway.title(), s.score))
        .collect::<Vec<_>>()
        .join(", ");
    participants::insert_timeline(
        &mut tx,
        id,
        "Assessment",
        [
            Some("Assessment submitted and scored"),
            Some(summary.as_str()),
            None,
        ],
        Some(user.user_id),
        now,
    )
    .await?;
    crate::store::enrolment::touch(&mut tx, id, now).await?;
    case_view::publish_in(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(())
}
