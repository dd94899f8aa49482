//! What reviewers write: notes on queue entries (internal ones only for internal users), the
//! feedback rows providers receive, and feedback to QA1 reviewers.

use super::db::Exec;
use super::schema::{ProviderFeedback, Qa1Feedback, QaNotes};
use super::{StoreError, Tx};
use sea_query::{Expr, ExprTrait, Order, Query};
use time::OffsetDateTime;

/// A note to add.
pub struct NewNote<'a> {
    /// The entry decided or commented on.
    pub entry: i64,
    /// The case.
    pub participant: &'a str,
    /// The reviewer.
    pub user: i64,
    /// `accept`, `return`, `comment` or `escalate`.
    pub outcome: &'a str,
    /// The text, if any.
    pub message: Option<&'a str>,
    /// Only for internal users.
    pub internal: bool,
    /// Authority return reason.
    pub return_reason: Option<&'a str>,
    /// Authority accept feedback type.
    pub feedback_type: Option<&'a str>,
}

/// Adds a note.
pub async fn insert(
    tx: &mut Tx,
    note: &NewNote<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(QaNotes::Table)
        .columns([
            QaNotes::EntryId,
            QaNotes::ParticipantId,
            QaNotes::UserId,
            QaNotes::Outcome,
            QaNotes::Message,
            QaNotes::Internal,
            QaNotes::ReturnReason,
            QaNotes::FeedbackType,
            QaNotes::CreatedAt,
        ])
        .values_panic([
            note.entry.into(),
            note.participant.into(),
            note.user.into(),
            note.outcome.into(),
            note.message.into(),
            note.internal.into(),
            note.return_reason.into(),
            note.feedback_type.into(),
            now.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// A note as shown.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoteRow {
    /// Id.
    pub id: i64,
    /// Entry.
    pub entry_id: i64,
    /// Reviewer.
    pub user_id: i64,
    /// Outcome.
    pub outcome: String,
    /// Text.
    pub message: Option<String>,
    /// Internal only.
    pub internal: bool,
    /// Return reason.
    pub return_reason: Option<String>,
    /// Feedback type.
    pub feedback_type: Option<String>,
    /// When.
    pub created_at: OffsetDateTime,
}

/// A case's notes, oldest first; internal notes only when `internal_reader`.
pub async fn for_participant(
    q: &mut impl Exec,
    participant: &str,
    internal_reader: bool,
) -> Result<Vec<NoteRow>, StoreError> {
    let mut query = Query::select()
        .columns([
            QaNotes::Id,
            QaNotes::EntryId,
            QaNotes::UserId,
            QaNotes::Outcome,
            QaNotes::Message,
            QaNotes::Internal,
            QaNotes::ReturnReason,
            QaNotes::FeedbackType,
            QaNotes::CreatedAt,
        ])
        .from(QaNotes::Table)
        .and_where(Expr::col(QaNotes::ParticipantId).eq(participant))
        .order_by(QaNotes::Id, Order::Asc)
        .to_owned();
    if !internal_reader {
        query.and_where(Expr::col(QaNotes::Internal).eq(false));
    }
    q.all(&query).await
}

/// A provider feedback row.
pub struct NewProviderFeedback<'a> {
    /// The case.
    pub participant: &'a str,
    /// The deciding entry.
    pub entry: i64,
    /// `returned`, `advisory` or `exception`.
    pub kind: &'a str,
    /// Return reason.
    pub reason: Option<&'a str>,
    /// What the provider was told.
    pub message: Option<&'a str>,
    /// The entry's tenant.
    pub tenant: &'a str,
    /// The support worker.
    pub support_worker: i64,
    /// The reviewer.
    pub reviewer: i64,
}

/// Records what a provider was told.
pub async fn insert_provider_feedback(
    tx: &mut Tx,
    row: &NewProviderFeedback<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(ProviderFeedback::Table)
        .columns([
            ProviderFeedback::ParticipantId,
            ProviderFeedback::EntryId,
            ProviderFeedback::Kind,
            ProviderFeedback::Reason,
            ProviderFeedback::Message,
            ProviderFeedback::TenantId,
            ProviderFeedback::SupportWorkerId,
            ProviderFeedback::ReviewerId,
            ProviderFeedback::CreatedAt,
        ])
        .values_panic([
            row.participant.into(),
            row.entry.into(),
            row.kind.into(),
            row.reason.into(),
            row.message.into(),
            row.tenant.into(),
            row.support_worker.into(),
            row.reviewer.into(),
            now.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// Feedback for a QA1 reviewer.
pub struct NewQa1Feedback<'a> {
    /// The case.
    pub participant: &'a str,
    /// The QA1 entry the feedback is about.
    pub entry: i64,
    /// Its reviewer.
    pub recipient: i64,
    /// Who sends it.
    pub sender: i64,
    /// Reason.
    pub reason: &'a str,
    /// Text.
    pub message: Option<&'a str>,
}

/// Records feedback for a QA1 reviewer.
pub async fn insert_qa1_feedback(
    tx: &mut Tx,
    row: &NewQa1Feedback<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(Qa1Feedback::Table)
        .columns([
            Qa1Feedback::ParticipantId,
            Qa1Feedback::EntryId,
            Qa1Feedback::RecipientId,
            Qa1Feedback::SenderId,
            Qa1Feedback::Reason,
            Qa1Feedback::Message,
            Qa1Feedback::CreatedAt,
        ])
        .values_panic([
            row.participant.into(),
            row.entry.into(),
            row.recipient.into(),
            row.sender.into(),
            row.reason.into(),
            row.message.into(),
            now.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}
