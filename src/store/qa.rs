//! Quality-assurance queue entries: what a submission puts in a queue, what the queues list,
//! and claiming and completing entries. A claim locks the oldest free entry with `FOR UPDATE
//! SKIP LOCKED` and claims it with a conditional `UPDATE` in the same transaction on
//! PostgreSQL (SQLite, with one writer, does both in one statement), so two reviewers on any
//! instances never hold the same entry.

use super::db::Exec;
use super::schema::{Participants, QaEntries};
use super::{StoreError, Tx};
use crate::domain::tenant::TenantScope;
use sea_query::{
    Alias, Expr, ExprTrait, Func, LockBehavior, LockType, Order, Query, SelectStatement,
};
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

/// An entry.
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
    /// Who created it (for QA2: the QA1 reviewer).
    pub created_by: i64,
    /// When it arrived in its queue.
    pub created_at: OffsetDateTime,
    /// The consent date at submission.
    pub consent_date: Option<Date>,
    /// Claimed by.
    pub claimed_by: Option<i64>,
    /// Claimed when.
    pub claimed_at: Option<OffsetDateTime>,
    /// Completed.
    pub completed_at: Option<OffsetDateTime>,
    /// The deciding outcome.
    pub outcome: Option<String>,
}

impl EntryRow {
    /// What the reviewer rules need to know about this entry in `queue`.
    pub fn facts(&self, queue: crate::domain::qa::Queue) -> crate::domain::qa::EntryFacts {
        crate::domain::qa::EntryFacts {
            queue,
            support_worker: self.support_worker_id,
            created_by: self.created_by,
            claimed_by: self.claimed_by,
            completed: self.completed_at.is_some(),
        }
    }

    /// Whether the entry's tenant is in `scope` (queues are scoped by the entry's tenant).
    pub fn in_scope(&self, scope: &TenantScope) -> bool {
        crate::domain::tenant::TenantId::parse(&self.tenant_id)
            .is_ok_and(|tenant| scope.contains(&tenant))
    }
}

const ENTRY_COLUMNS: [QaEntries; 13] = [
    QaEntries::Id,
    QaEntries::ParticipantId,
    QaEntries::Queue,
    QaEntries::TenantId,
    QaEntries::SupportWorkerId,
    QaEntries::SubmittedAt,
    QaEntries::CreatedBy,
    QaEntries::CreatedAt,
    QaEntries::ConsentDate,
    QaEntries::ClaimedBy,
    QaEntries::ClaimedAt,
    QaEntries::CompletedAt,
    QaEntries::Outcome,
];

fn select_entries() -> SelectStatement {
    Query::select()
        .columns(ENTRY_COLUMNS.map(|c| (QaEntries::Table, c)))
        .from(QaEntries::Table)
        .to_owned()
}

/// One entry.
pub async fn entry(q: &mut impl Exec, id: i64) -> Result<Option<EntryRow>, StoreError> {
    q.optional(
        &select_entries()
            .and_where(Expr::col((QaEntries::Table, QaEntries::Id)).eq(id))
            .to_owned(),
    )
    .await
}

/// The case's open entry (a case is in at most one queue at a time).
pub async fn open_for(
    q: &mut impl Exec,
    participant: &str,
) -> Result<Option<EntryRow>, StoreError> {
    q.optional(
        &select_entries()
            .and_where(Expr::col((QaEntries::Table, QaEntries::ParticipantId)).eq(participant))
            .and_where(Expr::col((QaEntries::Table, QaEntries::CompletedAt)).is_null())
            .to_owned(),
    )
    .await
}

/// The latest completed entry of a queue for a case (whose reviewer is told of a return, or
/// receives QA1 feedback).
pub async fn latest_completed(
    q: &mut impl Exec,
    participant: &str,
    queue: &str,
) -> Result<Option<EntryRow>, StoreError> {
    q.optional(
        &select_entries()
            .and_where(Expr::col((QaEntries::Table, QaEntries::ParticipantId)).eq(participant))
            .and_where(Expr::col((QaEntries::Table, QaEntries::Queue)).eq(queue))
            .and_where(Expr::col((QaEntries::Table, QaEntries::CompletedAt)).is_not_null())
            .order_by((QaEntries::Table, QaEntries::Id), Order::Desc)
            .limit(1)
            .to_owned(),
    )
    .await
}

/// An open entry as a queue lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueLine {
    /// Entry id.
    pub id: i64,
    /// The case.
    pub participant_id: String,
    /// Participant's first name.
    pub first_name: String,
    /// Participant's last name.
    pub last_name: String,
    /// Tenant of the entry.
    pub tenant_id: String,
    /// Support worker.
    pub support_worker_id: i64,
    /// Who created it.
    pub created_by: i64,
    /// When it arrived.
    pub created_at: OffsetDateTime,
    /// Who is reviewing it.
    pub claimed_by: Option<i64>,
}

/// Open entries of a queue in scope, oldest first.
pub async fn open_entries(
    q: &mut impl Exec,
    queue: &str,
    scope: &TenantScope,
    limit: u64,
) -> Result<Vec<QueueLine>, StoreError> {
    let query = Query::select()
        .columns([
            (QaEntries::Table, QaEntries::Id),
            (QaEntries::Table, QaEntries::ParticipantId),
        ])
        .columns([
            (Participants::Table, Participants::FirstName),
            (Participants::Table, Participants::LastName),
        ])
        .columns([
            (QaEntries::Table, QaEntries::TenantId),
            (QaEntries::Table, QaEntries::SupportWorkerId),
            (QaEntries::Table, QaEntries::CreatedBy),
            (QaEntries::Table, QaEntries::CreatedAt),
            (QaEntries::Table, QaEntries::ClaimedBy),
        ])
        .from(QaEntries::Table)
        .inner_join(
            Participants::Table,
            Expr::col((Participants::Table, Participants::Id))
                .equals((QaEntries::Table, QaEntries::ParticipantId)),
        )
        .and_where(Expr::col((QaEntries::Table, QaEntries::Queue)).eq(queue))
        .and_where(Expr::col((QaEntries::Table, QaEntries::CompletedAt)).is_null())
        .and_where(Expr::col((QaEntries::Table, QaEntries::TenantId)).like(scope.like_pattern()))
        .order_by((QaEntries::Table, QaEntries::CreatedAt), Order::Asc)
        .order_by((QaEntries::Table, QaEntries::Id), Order::Asc)
        .limit(limit)
        .to_owned();
    q.all(&query).await
}

/// Open entries counted by queue and tenant, for the dashboard.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueueCount {
    /// Queue.
    pub queue: String,
    /// Tenant.
    pub tenant_id: String,
    /// Open entries nobody has taken.
    pub unclaimed: i64,
    /// Open entries being reviewed.
    pub claimed: i64,
    /// When the oldest arrived.
    pub oldest: OffsetDateTime,
}

/// Open entries in scope, counted per queue and tenant.
pub async fn open_counts(
    q: &mut impl Exec,
    scope: &TenantScope,
) -> Result<Vec<QueueCount>, StoreError> {
    let claimed = Expr::case(Expr::col(QaEntries::ClaimedBy).is_null(), 0i64).finally(1i64);
    let unclaimed = Expr::case(Expr::col(QaEntries::ClaimedBy).is_null(), 1i64).finally(0i64);
    let query = Query::select()
        .columns([QaEntries::Queue, QaEntries::TenantId])
        // PostgreSQL sums integers as NUMERIC: cast back so both backends give a BIGINT.
        .expr_as(
            Func::cast_as(Func::sum(unclaimed), Alias::new("BIGINT")),
            Alias::new("unclaimed"),
        )
        .expr_as(
            Func::cast_as(Func::sum(claimed), Alias::new("BIGINT")),
            Alias::new("claimed"),
        )
        .expr_as(
            Func::min(Expr::col(QaEntries::CreatedAt)),
            Alias::new("oldest"),
        )
        .from(QaEntries::Table)
        .and_where(Expr::col(QaEntries::CompletedAt).is_null())
        .and_where(Expr::col(QaEntries::TenantId).like(scope.like_pattern()))
        .group_by_columns([QaEntries::Queue, QaEntries::TenantId])
        .order_by(QaEntries::Queue, Order::Asc)
        .order_by(QaEntries::TenantId, Order::Asc)
        .to_owned();
    q.all(&query).await
}

/// Who may be handed an entry by "next".
pub struct Taker<'a> {
    /// The reviewer.
    pub user: i64,
    /// Their scope.
    pub scope: &'a TenantScope,
    /// True in QA2: never an entry the reviewer created at QA1.
    pub exclude_own_qa1: bool,
}

/// "Next": the reviewer's own open entry in the queue, else the oldest unclaimed one they may
/// review, claimed for them in the same statement. `None` when the queue has nothing for them.
pub async fn claim_next(
    tx: &mut Tx,
    queue: &str,
    taker: &Taker<'_>,
    now: OffsetDateTime,
) -> Result<Option<i64>, StoreError> {
    let own = Query::select()
        .column(QaEntries::Id)
        .from(QaEntries::Table)
        .and_where(Expr::col(QaEntries::Queue).eq(queue))
        .and_where(Expr::col(QaEntries::ClaimedBy).eq(taker.user))
        .and_where(Expr::col(QaEntries::CompletedAt).is_null())
        .order_by(QaEntries::CreatedAt, Order::Asc)
        .limit(1)
        .to_owned();
    if let Some((id,)) = tx.fetch_optional::<(i64,)>(&own).await? {
        return Ok(Some(id));
    }
    let mut oldest = Query::select()
        .column(QaEntries::Id)
        .from(QaEntries::Table)
        .and_where(Expr::col(QaEntries::Queue).eq(queue))
        .and_where(Expr::col(QaEntries::CompletedAt).is_null())
        .and_where(Expr::col(QaEntries::ClaimedBy).is_null())
        .and_where(Expr::col(QaEntries::TenantId).like(taker.scope.like_pattern()))
        .and_where(Expr::col(QaEntries::SupportWorkerId).ne(taker.user))
        .order_by(QaEntries::CreatedAt, Order::Asc)
        .order_by(QaEntries::Id, Order::Asc)
        .limit(1)
        .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
        .to_owned();
    if taker.exclude_own_qa1 {
        oldest.and_where(Expr::col(QaEntries::CreatedBy).ne(taker.user));
    }
    let target = if matches!(tx, Tx::Postgres(_)) {
        // Lock the entry first, then claim it. Inside the UPDATE, the planner may re-run a
        // locking subquery for each row it scans (it did once statistics existed), and the
        // claim then found nothing while entries were waiting.
        match tx.fetch_optional::<(i64,)>(&oldest).await? {
            Some((id,)) => Expr::col(QaEntries::Id).eq(id),
            None => return Ok(None),
        }
    } else {
        // SQLite has one writer: the statement below runs alone, the lock clause is ignored.
        Expr::col(QaEntries::Id).in_subquery(oldest)
    };
    let claim = Query::update()
        .table(QaEntries::Table)
        .value(QaEntries::ClaimedBy, taker.user)
        .value(QaEntries::ClaimedAt, now)
        .and_where(target)
        // Re-checked on the row itself: a claim that lost a race changes nothing.
        .and_where(Expr::col(QaEntries::ClaimedBy).is_null())
        .returning_col(QaEntries::Id)
        .to_owned();
    Ok(tx.fetch_optional::<(i64,)>(&claim).await?.map(|(id,)| id))
}

/// Claims a given entry for `user` if it is open and unclaimed (or already theirs). False
/// when someone else holds it or it was decided.
pub async fn claim(
    tx: &mut Tx,
    id: i64,
    user: i64,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let update = Query::update()
        .table(QaEntries::Table)
        .value(QaEntries::ClaimedBy, user)
        .value(QaEntries::ClaimedAt, now)
        .and_where(Expr::col(QaEntries::Id).eq(id))
        .and_where(Expr::col(QaEntries::CompletedAt).is_null())
        .and_where(
            Expr::col(QaEntries::ClaimedBy)
                .is_null()
                .or(Expr::col(QaEntries::ClaimedBy).eq(user)),
        )
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

/// Gives an entry back to the queue (the reviewer stops reviewing it).
pub async fn release(tx: &mut Tx, id: i64, user: i64) -> Result<bool, StoreError> {
    let update = Query::update()
        .table(QaEntries::Table)
        .value(QaEntries::ClaimedBy, Option::<i64>::None)
        .value(QaEntries::ClaimedAt, Option::<OffsetDateTime>::None)
        .and_where(Expr::col(QaEntries::Id).eq(id))
        .and_where(Expr::col(QaEntries::CompletedAt).is_null())
        .and_where(Expr::col(QaEntries::ClaimedBy).eq(user))
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

/// Completes an entry held by `user` with an outcome. False when it was not theirs to
/// complete any more (decided elsewhere, or released).
pub async fn complete(
    tx: &mut Tx,
    id: i64,
    user: i64,
    outcome: &str,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let update = Query::update()
        .table(QaEntries::Table)
        .value(QaEntries::CompletedAt, now)
        .value(QaEntries::Outcome, outcome)
        .and_where(Expr::col(QaEntries::Id).eq(id))
        .and_where(Expr::col(QaEntries::CompletedAt).is_null())
        .and_where(Expr::col(QaEntries::ClaimedBy).eq(user))
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

/// A case's queue entries, newest first.
pub async fn for_participant(
    q: &mut impl Exec,
    participant: &str,
) -> Result<Vec<EntryRow>, StoreError> {
    let query = select_entries()
        .and_where(Expr::col((QaEntries::Table, QaEntries::ParticipantId)).eq(participant))
        .order_by((QaEntries::Table, QaEntries::Id), Order::Desc)
        .to_owned();
    q.all(&query).await
}

/// A decided entry, for the performance figures.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DecidedRow {
    /// Queue.
    pub queue: String,
    /// Outcome.
    pub outcome: String,
    /// Arrived.
    pub created_at: OffsetDateTime,
    /// Decided.
    pub completed_at: OffsetDateTime,
    /// An authority return's reason.
    pub return_reason: Option<String>,
}

/// Entries in scope decided since `since`.
pub async fn decided_since(
    q: &mut impl Exec,
    scope: &TenantScope,
    since: OffsetDateTime,
) -> Result<Vec<DecidedRow>, StoreError> {
    use super::schema::QaNotes;
    let query = Query::select()
        .columns([
            (QaEntries::Table, QaEntries::Queue),
            (QaEntries::Table, QaEntries::Outcome),
            (QaEntries::Table, QaEntries::CreatedAt),
            (QaEntries::Table, QaEntries::CompletedAt),
        ])
        .column((QaNotes::Table, QaNotes::ReturnReason))
        .from(QaEntries::Table)
        .left_join(
            QaNotes::Table,
            Expr::col((QaNotes::Table, QaNotes::EntryId))
                .equals((QaEntries::Table, QaEntries::Id))
                .and(Expr::col((QaNotes::Table, QaNotes::Outcome)).eq("return")),
        )
        .and_where(Expr::col((QaEntries::Table, QaEntries::CompletedAt)).gte(since))
        .and_where(Expr::col((QaEntries::Table, QaEntries::Outcome)).is_not_null())
        .and_where(Expr::col((QaEntries::Table, QaEntries::TenantId)).like(scope.like_pattern()))
        .to_owned();
    q.all(&query).await
}
