//! Assessments: one row per assessment, its answers (one row per ticked option) and, once
//! submitted, its eight pathway scores.

use super::db::Exec;
use super::schema::{AssessmentAnswerAudit, AssessmentAnswers, AssessmentScores, Assessments};
use super::{StoreError, Tx};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use time::OffsetDateTime;

/// An assessment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssessmentRow {
    /// Id.
    pub id: i64,
    /// Whose.
    pub participant_id: String,
    /// Where the participant was when it started.
    pub location_id: i64,
    /// The enrolment location (its contract's lot is the scoring region).
    pub enrolment_location_id: i64,
    /// Started by.
    pub created_by: i64,
    /// Started at.
    pub created_at: OffsetDateTime,
    /// Last answer saved at.
    pub updated_at: OffsetDateTime,
    /// Submitted by.
    pub submitted_by: Option<i64>,
    /// Submitted (and scored) at.
    pub submitted_at: Option<OffsetDateTime>,
    /// Why a case with one red is submitted (see the eligibility rule).
    pub justification: Option<String>,
}

fn select() -> SelectStatement {
    Query::select()
        .columns([
            Assessments::Id,
            Assessments::ParticipantId,
            Assessments::LocationId,
            Assessments::EnrolmentLocationId,
            Assessments::CreatedBy,
            Assessments::CreatedAt,
            Assessments::UpdatedAt,
            Assessments::SubmittedBy,
            Assessments::SubmittedAt,
            Assessments::Justification,
        ])
        .from(Assessments::Table)
        .to_owned()
}

/// The case's latest assessment.
pub async fn latest(
    q: &mut impl Exec,
    participant: &str,
) -> Result<Option<AssessmentRow>, StoreError> {
    let query = select()
        .and_where(Expr::col(Assessments::ParticipantId).eq(participant))
        .order_by(Assessments::Id, Order::Desc)
        .limit(1)
        .to_owned();
    q.optional(&query).await
}

/// An assessment of this case by id.
pub async fn get(
    q: &mut impl Exec,
    participant: &str,
    id: i64,
) -> Result<Option<AssessmentRow>, StoreError> {
    let query = select()
        .and_where(Expr::col(Assessments::ParticipantId).eq(participant))
        .and_where(Expr::col(Assessments::Id).eq(id))
        .to_owned();
    q.optional(&query).await
}

/// Starts an assessment; its id.
pub async fn insert(
    tx: &mut Tx,
    participant: &str,
    location: i64,
    enrolment_location: i64,
    user: i64,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let insert = Query::insert()
        .into_table(Assessments::Table)
        .columns([
            Assessments::ParticipantId,
            Assessments::LocationId,
            Assessments::EnrolmentLocationId,
            Assessments::CreatedBy,
            Assessments::CreatedAt,
            Assessments::UpdatedAt,
        ])
        .values_panic([
            participant.into(),
            location.into(),
            enrolment_location.into(),
            user.into(),
            now.into(),
            now.into(),
        ])
        .returning_col(Assessments::Id)
        .to_owned();
    let (id,): (i64,) = tx.fetch_one(&insert).await?;
    Ok(id)
}

/// Every ticked option, as (question code, option text).
pub async fn answers(
    q: &mut impl Exec,
    assessment: i64,
) -> Result<Vec<(String, String)>, StoreError> {
    let query = Query::select()
        .columns([AssessmentAnswers::Question, AssessmentAnswers::OptionText])
        .from(AssessmentAnswers::Table)
        .and_where(Expr::col(AssessmentAnswers::AssessmentId).eq(assessment))
        .order_by(AssessmentAnswers::Question, Order::Asc)
        .order_by(AssessmentAnswers::OptionText, Order::Asc)
        .to_owned();
    q.all(&query).await
}

/// Replaces one question's answer.
pub async fn replace_answer(
    tx: &mut Tx,
    assessment: i64,
    question: &str,
    options: &[String],
) -> Result<(), StoreError> {
    let delete = Query::delete()
        .from_table(AssessmentAnswers::Table)
        .and_where(Expr::col(AssessmentAnswers::AssessmentId).eq(assessment))
        .and_where(Expr::col(AssessmentAnswers::Question).eq(question))
        .to_owned();
    tx.execute(&delete).await?;
    for option in options {
        let insert = Query::insert()
            .into_table(AssessmentAnswers::Table)
            .columns([
                AssessmentAnswers::AssessmentId,
                AssessmentAnswers::Question,
                AssessmentAnswers::OptionText,
            ])
            .values_panic([assessment.into(), question.into(), option.as_str().into()])
            .to_owned();
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// One audited answer change: the options before and after, each joined by "; ".
pub struct AnswerAudit<'a> {
    /// Assessment.
    pub assessment: i64,
    /// Question code.
    pub question: &'a str,
    /// Options before (none: unanswered).
    pub old: &'a [String],
    /// Options after.
    pub new: &'a [String],
    /// Who.
    pub user: i64,
}

/// Records who changed an answer from what to what.
pub async fn audit_answer(
    tx: &mut Tx,
    audit: &AnswerAudit<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let joined = |options: &[String]| (!options.is_empty()).then(|| options.join("; "));
    let insert = Query::insert()
        .into_table(AssessmentAnswerAudit::Table)
        .columns([
            AssessmentAnswerAudit::AssessmentId,
            AssessmentAnswerAudit::Question,
            AssessmentAnswerAudit::OldValue,
            AssessmentAnswerAudit::NewValue,
            AssessmentAnswerAudit::UserId,
            AssessmentAnswerAudit::OccurredAt,
        ])
        .values_panic([
            audit.assessment.into(),
            audit.question.into(),
            joined(audit.old).into(),
            joined(audit.new).into(),
            audit.user.into(),
            now.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// Notes when an answer was last saved.
pub async fn touch(tx: &mut Tx, assessment: i64, now: OffsetDateTime) -> Result<(), StoreError> {
    let update = Query::update()
        .table(Assessments::Table)
        .value(Assessments::UpdatedAt, now)
        .and_where(Expr::col(Assessments::Id).eq(assessment))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Marks the assessment submitted with its scores (pathway code, score). False when it was
/// already submitted.
pub async fn submit(
    tx: &mut Tx,
    assessment: i64,
    user: i64,
    scores: &[(i64, i64)],
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let update = Query::update()
        .table(Assessments::Table)
        .value(Assessments::SubmittedBy, user)
        .value(Assessments::SubmittedAt, now)
        .value(Assessments::UpdatedAt, now)
        .and_where(Expr::col(Assessments::Id).eq(assessment))
        .and_where(Expr::col(Assessments::SubmittedAt).is_null())
        .to_owned();
    if tx.execute(&update).await? != 1 {
        return Ok(false);
    }
    for (pathway, score) in scores {
        let insert = Query::insert()
            .into_table(AssessmentScores::Table)
            .columns([
                AssessmentScores::AssessmentId,
                AssessmentScores::Pathway,
                AssessmentScores::Score,
            ])
            .values_panic([assessment.into(), (*pathway).into(), (*score).into()])
            .to_owned();
        tx.execute(&insert).await?;
    }
    Ok(true)
}

/// Records the justification given when submitting a case with exactly one red pathway.
pub async fn set_justification(
    tx: &mut Tx,
    assessment: i64,
    text: Option<&str>,
) -> Result<(), StoreError> {
    let update = Query::update()
        .table(Assessments::Table)
        .value(Assessments::Justification, text.map(str::to_owned))
        .and_where(Expr::col(Assessments::Id).eq(assessment))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// The pathway scores, (pathway code, score), in pathway order.
pub async fn scores(q: &mut impl Exec, assessment: i64) -> Result<Vec<(i64, i64)>, StoreError> {
    let query = Query::select()
        .columns([AssessmentScores::Pathway, AssessmentScores::Score])
        .from(AssessmentScores::Table)
        .and_where(Expr::col(AssessmentScores::AssessmentId).eq(assessment))
        .order_by(AssessmentScores::Pathway, Order::Asc)
        .to_owned();
    q.all(&query).await
}
