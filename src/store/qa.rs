//! Quality-assurance queue entries: what a submission puts in a queue and what the queues
//! list. (Claiming and deciding entries come with the queues themselves.)

use super::db::Exec;
use super::schema::QaEntries;
use super::{StoreError, Tx};
use sea_query::{Expr, ExprTrait, Order, Query};
use time::{Date, OffsetDateTime};

/// The queues, as stored.
pub mod queue {
    /// Provider QA.
    pub const PQA: &str = "pqa";
    /// First internal check.
    pub const QA1: &str = "qa1";
    /// Second internal check.
    pub const QA2: &str = "qa2";
    /// Senior internal review.
    pub const ESCALATION: &str = "escalation";
}

/// A new entry.
pub struct NewEntry<'a> {
    /// The case.
    pub participant: &'a str,
    /// Which queue.
    pub queue: &'a str,
    /// The owner's tenant at submission.
    pub tenant: &'a str,
    /// The owner at submission (never their own reviewer).
    pub support_worker: i64,
    /// When the case was submitted.
    pub submitted_at: OffsetDateTime,
    /// The consent date at submission.
    pub consent_date: Option<Date>,
    /// Who created the entry.
    pub created_by: i64,
}

/// Adds an entry to a queue.
pub async fn insert(
    tx: &mut Tx,
    entry: &NewEntry<'_>,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let insert = Query::insert()
        .into_table(QaEntries::Table)
        .columns([
            QaEntries::ParticipantId,
            QaEntries::Queue,
            QaEntries::TenantId,
            QaEntries::SupportWorkerId,
            QaEntries::SubmittedAt,
            QaEntries::ConsentDate,
            QaEntries::CreatedBy,
            QaEntries::CreatedAt,
        ])
        .values_panic([
            entry.participant.into(),
            entry.queue.into(),
            entry.tenant.into(),
            entry.support_worker.into(),
            entry.submitted_at.into(),
            entry.consent_date.into(),
            entry.created_by.into(),
            now.into(),
        ])
        .returning_col(QaEntries::Id)
        .to_owned();
    let (id,): (i64,) = tx.fetch_one(&insert).await?;
    Ok(id)
}

/// An entry as listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryRow {
    /// Id.
    pub id: i64,
    /// The case.
    pub participant_id: String,
    /// Queue.
    pub queue: String,
    /// Tenant.
    pub tenant_id: String,
    /// Support worker.
    pub support_worker_id: i64,
    /// Submitted.
    pub submitted_at: OffsetDateTime,
    /// Claimed by.
    pub claimed_by: Option<i64>,
    /// Completed.
    pub completed_at: Option<OffsetDateTime>,
}

/// A case's queue entries, newest first.
pub async fn for_participant(
    q: &mut impl Exec,
    participant: &str,
) -> Result<Vec<EntryRow>, StoreError> {
    let query = Query::select()
        .columns([
            QaEntries::Id,
            QaEntries::ParticipantId,
            QaEntries::Queue,
            QaEntries::TenantId,
            QaEntries::SupportWorkerId,
            QaEntries::SubmittedAt,
            QaEntries::ClaimedBy,
            QaEntries::CompletedAt,
        ])
        .from(QaEntries::Table)
        .and_where(Expr::col(QaEntries::ParticipantId).eq(participant))
        .order_by(QaEntries::Id, Order::Desc)
        .to_owned();
    q.all(&query).await
}
