//! The enrolment payment ledger: append-only rows raised from `enrolment_approved`
//! integration events in large set-based batches, and the Finance list and export.
//!
//! A batch runs in one transaction: it takes the oldest events off the pending queue
//! (`pending_integration_events`) and raises every row with one `INSERT … SELECT` that applies
//! `domain::payments::enrolment::decide` to the whole batch. The rows and the dequeue commit
//! together or not at all, batches are serialised across instances (transaction-scoped
//! advisory locks on PostgreSQL; SQLite has one writer), and the source event id is the
//! ledger's primary key, so each event raises at most one row, ever.
//!
//! On PostgreSQL the participants are split into `PARTITIONS` partitions by a hash of their
//! id, each with its own lock, so that the batches of different partitions run at once on
//! separate connections (and cores). The enrolment rule only ever compares events of one
//! participant, whose events all fall in one partition, and the batches of one partition are
//! serialised: "one eligible row per participant" holds as with a single lock.

use super::schema::{EnrolmentPayments, PendingIntegrationEvents};
use super::{Db, Exec, StoreError, Tx};
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::payments::IneligibilityReason;
use crate::domain::tenant::TenantScope;
use sea_query::{Alias, Cond, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use sea_query_sqlx::SqlxBinder;
use std::sync::LazyLock;
use time::{Date, OffsetDateTime};

use super::integration_events::ENROLMENT_APPROVED;
use super::qa::queue;

/// The advisory lock of partition 0 (partition `p` takes `BATCH_LOCK + p`), which
/// serialises the enrolment payment batches of a partition on PostgreSQL.
const BATCH_LOCK: i64 = 0x0CA7_5E4B;

/// Partitions of the participants on PostgreSQL (see the module documentation): one per core
/// of the machine the budget is set on.
pub const PARTITIONS: i32 = 2;

/// The oldest queued events of the partitions asked for, as bounds and a count (PostgreSQL).
const BOUNDS_POSTGRES: &str = "
SELECT MIN(b.id), MAX(b.id), COUNT(*) FROM (
    SELECT c.id FROM pending_integration_events c
    WHERE c.kind = $1 AND ABS(hashtext(c.participant_id) % $2) = ANY($3)
    ORDER BY c.id
    LIMIT $4) b";

/// Raises a batch on PostgreSQL in one statement: the claim (deleting the events from the
/// queue, which returns what the rule needs) and the insert see the same events, so an event
/// that commits late (a lower id committing after a higher one) is either in both or in
/// neither. The enrolment rule:
/// - never Approved → no row (the `EXISTS` on the history);
/// - an eligible row already in the ledger, or an earlier event of the same participant in
///   this batch → "Already paid";
/// - otherwise eligible.
///
/// The participants already paid, and the events of the batch's id range already in the
/// ledger, are materialised before any row is written (a per-row look-up of the ledger while
/// inserting into it rescans the rows this statement wrote: quadratic). An event already in
/// the ledger raises nothing: that anti-join, not `ON CONFLICT`, keeps a batch idempotent by
/// event id, because a speculative insertion (`ON CONFLICT`) costs every row a probe of the
/// primary key before its insert and one more WAL record after it, a quarter of the ledger
/// insert's time (decision record 15). Nothing else can insert the same event meanwhile: a
/// row is raised only by the statement that deleted the event from the queue, and a second
/// delete of a queued row waits for the first and then finds it gone; were it ever to happen,
/// the primary key refuses the whole batch rather than raise a row twice.
///
/// The window numbers a participant's events in byte order (`COLLATE "C"`): it only groups
/// equal ids, and the database's `C.UTF-8` comparisons cost a call into the C library each.
/// The latest provider QA entry is one backward probe per event of
/// `qa_entries_latest_pqa_idx` (migration 0014), which holds provider entries only and
/// carries the tenant and worker; the queue is written into the statement, not bound, so that
/// the planner can prove the index's predicate in a generic plan too. Returns the events taken
/// off the queue and the rows raised.
///
/// Attribution (DOMAIN.md §11): contract and location are the enrolment location's, the
/// worker and tenant the latest provider QA entry's.
static RAISE_ENROLMENT_ROWS_POSTGRES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "
WITH claimed AS (
    DELETE FROM pending_integration_events c
    WHERE c.kind = $3 AND c.id BETWEEN $1 AND $2
      AND ABS(hashtext(c.participant_id) % $7) = ANY($8)
    RETURNING c.id, c.participant_id, c.occurred_on),
batch AS MATERIALIZED (
    SELECT c.id, c.participant_id, c.occurred_on,
           ROW_NUMBER() OVER (PARTITION BY c.participant_id COLLATE \"C\" ORDER BY c.id) AS nth
    FROM claimed c),
in_ledger AS MATERIALIZED (
    SELECT x.source_event_id FROM enrolment_payments x
    WHERE x.source_event_id BETWEEN $1 AND $2),
paid AS MATERIALIZED (
    SELECT DISTINCT x.participant_id FROM enrolment_payments x
    WHERE x.eligible AND x.participant_id IN (SELECT participant_id FROM batch)),
raised AS (
    INSERT INTO enrolment_payments (
        source_event_id, participant_id, eligible, ineligibility_reason, contract_id,
        location_id, location_type, tenant_id, support_worker_id, consent_date, approval_date,
        created_at)
    SELECT b.id, b.participant_id,
           CASE WHEN paid.participant_id IS NOT NULL OR b.nth > 1 THEN FALSE ELSE TRUE END,
           CASE WHEN paid.participant_id IS NOT NULL OR b.nth > 1 THEN $5 ELSE NULL END,
           l.contract_id, l.id, l.location_type, q.tenant_id, q.support_worker_id,
           p.date_of_first_consent, b.occurred_on, $6
    FROM batch b
    JOIN participants p ON p.id = b.participant_id
    LEFT JOIN locations l ON l.id = p.enrolment_location_id
    LEFT JOIN LATERAL (
        SELECT q.tenant_id, q.support_worker_id FROM qa_entries q
        WHERE q.participant_id = b.participant_id AND q.queue = '{pqa}'
        ORDER BY q.participant_id DESC, q.id DESC
        LIMIT 1) q ON TRUE
    LEFT JOIN paid ON paid.participant_id = b.participant_id
    WHERE EXISTS (
        SELECT 1 FROM enrolment_history h
        WHERE h.participant_id = b.participant_id AND h.status = $4)
      AND NOT EXISTS (SELECT 1 FROM in_ledger d WHERE d.source_event_id = b.id)
    RETURNING 1)
SELECT (SELECT COUNT(*) FROM claimed), (SELECT COUNT(*) FROM raised)",
        pqa = queue::PQA
    )
});

/// The same rule on SQLite (numbered parameters in order of first use, as SQLite numbers
/// them), which has no data-modifying `WITH`: the rows are raised from the
/// queued events first, and `DEQUEUE_SQLITE` then takes the same events off the queue. The
/// transaction began with `BEGIN IMMEDIATE`, so no other writer can queue an event between
/// the two statements.
const RAISE_ENROLMENT_ROWS_SQLITE: &str = "
WITH batch AS MATERIALIZED (
    SELECT c.id, c.participant_id, c.occurred_on FROM pending_integration_events c
    WHERE c.id BETWEEN $1 AND $2 AND c.kind = $3),
approved AS MATERIALIZED (
    SELECT DISTINCT h.participant_id FROM enrolment_history h
    WHERE h.status = $4 AND h.participant_id IN (SELECT participant_id FROM batch)),
latest_pqa AS MATERIALIZED (
    SELECT q.participant_id, MAX(q.id) AS id FROM qa_entries q
    WHERE q.queue = $5 AND q.participant_id IN (SELECT participant_id FROM batch)
    GROUP BY q.participant_id),
paid AS MATERIALIZED (
    SELECT DISTINCT x.participant_id FROM enrolment_payments x
    WHERE x.eligible AND x.participant_id IN (SELECT participant_id FROM batch))
INSERT INTO enrolment_payments (
    source_event_id, participant_id, eligible, ineligibility_reason, contract_id, location_id,
    location_type, tenant_id, support_worker_id, consent_date, approval_date, created_at)
SELECT f.id, f.participant_id,
       CASE WHEN f.paid_before OR f.nth > 1 THEN FALSE ELSE TRUE END,
       CASE WHEN f.paid_before OR f.nth > 1 THEN $6 ELSE NULL END,
       f.contract_id, f.location_id, f.location_type, f.tenant_id, f.support_worker_id,
       f.consent_date, f.occurred_on, $7
FROM (
    SELECT b.id, b.participant_id, b.occurred_on,
           ROW_NUMBER() OVER (PARTITION BY b.participant_id ORDER BY b.id) AS nth,
           paid.participant_id IS NOT NULL AS paid_before,
           l.contract_id, l.id AS location_id, l.location_type,
           q.tenant_id, q.support_worker_id, p.date_of_first_consent AS consent_date
    FROM batch b
    JOIN approved a ON a.participant_id = b.participant_id
    JOIN participants p ON p.id = b.participant_id
    LEFT JOIN locations l ON l.id = p.enrolment_location_id
    LEFT JOIN latest_pqa lq ON lq.participant_id = b.participant_id
    LEFT JOIN qa_entries q ON q.id = lq.id
    LEFT JOIN paid ON paid.participant_id = b.participant_id
) f
WHERE TRUE
ON CONFLICT (source_event_id) DO NOTHING";

/// Takes a raised SQLite batch off the queue (see `RAISE_ENROLMENT_ROWS_SQLITE`).
const DEQUEUE_SQLITE: &str =
    "DELETE FROM pending_integration_events WHERE kind = $1 AND id BETWEEN $2 AND $3";

/// Above this many events, PostgreSQL is told to use hash joins and given the memory to
/// keep the batch's hash tables and sort in memory: the queue's statistics may be stale
/// after a burst (autovacuum has not analysed it yet), and nested loops over a large batch
/// are quadratic; the server's default `work_mem` (4 MB) spills a batch of 250,000 events to
/// disk several times over. JIT compilation is turned off: with nested loops disabled the
/// plan's cost (which counts the QA probe's nested loop as disabled) always passes the JIT
/// thresholds, and compiling the plan took 0.7 s of each partition's batch, more than it
/// saved. All are `SET LOCAL`: this transaction only.
const LARGE_BATCH_FROM: i64 = 1_000;

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Batch {
    /// Events handled.
    pub events: u64,
    /// Ledger rows raised.
    pub rows: u64,
}

/// Claims up to about `limit` pending enrolment events (of every partition) and raises their
/// rows inside `tx`. Nothing is visible until the caller commits; dropping `tx` instead leaves
/// the events pending.
pub async fn raise_enrolment_batch_in(
    tx: &mut Tx,
    limit: u64,
    now: OffsetDateTime,
) -> Result<Batch, StoreError> {
    let every: Vec<i32> = (0..PARTITIONS).collect();
    raise_in(tx, &every, limit, now).await
}

/// As `raise_enrolment_batch_in`, for the participants of one partition only (`0` to
/// `PARTITIONS - 1`), so that batches of different partitions can run at once (PostgreSQL;
/// on SQLite, whose single writer runs one batch at a time, it is the whole queue).
pub async fn raise_enrolment_partition_in(
    tx: &mut Tx,
    partition: i32,
    limit: u64,
    now: OffsetDateTime,
) -> Result<Batch, StoreError> {
    raise_in(tx, &[partition], limit, now).await
}

async fn raise_in(
    tx: &mut Tx,
    partitions: &[i32],
    limit: u64,
    now: OffsetDateTime,
) -> Result<Batch, StoreError> {
    let reason = IneligibilityReason::AlreadyPaid.text();
    let approved = EnrolmentStatus::Approved.value();
    match tx {
        Tx::Postgres(inner) => {
            // In ascending order, as every batch takes them: a whole-queue batch and a
            // partition batch cannot deadlock.
            for partition in partitions {
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(BATCH_LOCK + i64::from(*partition))
                    .execute(&mut **inner)
                    .await?;
            }
            let (lower, upper, seen): (Option<i64>, Option<i64>, i64) =
                sqlx::query_as(BOUNDS_POSTGRES)
                    .bind(ENROLMENT_APPROVED)
                    .bind(PARTITIONS)
                    .bind(partitions)
                    .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                    .fetch_one(&mut **inner)
                    .await?;
            let (Some(lower), Some(upper)) = (lower, upper) else {
                return Ok(Batch::default());
            };
            if seen > LARGE_BATCH_FROM {
                sqlx::query("SET LOCAL enable_nestloop = off")
                    .execute(&mut **inner)
                    .await?;
                sqlx::query("SET LOCAL work_mem = '256MB'")
                    .execute(&mut **inner)
                    .await?;
                sqlx::query("SET LOCAL jit = off")
                    .execute(&mut **inner)
                    .await?;
            }
            let (events, rows): (i64, i64) = sqlx::query_as(&RAISE_ENROLMENT_ROWS_POSTGRES)
                .bind(lower)
                .bind(upper)
                .bind(ENROLMENT_APPROVED)
                .bind(approved)
                .bind(reason)
                .bind(now)
                .bind(PARTITIONS)
                .bind(partitions)
                .fetch_one(&mut **inner)
                .await?;
            Ok(Batch {
                events: u64::try_from(events).unwrap_or(0),
                rows: u64::try_from(rows).unwrap_or(0),
            })
        }
        Tx::Sqlite(inner) => {
            let oldest = Query::select()
                .column(PendingIntegrationEvents::Id)
                .from(PendingIntegrationEvents::Table)
                .and_where(Expr::col(PendingIntegrationEvents::Kind).eq(ENROLMENT_APPROVED))
                .order_by(PendingIntegrationEvents::Id, Order::Asc)
                .limit(limit)
                .to_owned();
            let bounds = Query::select()
                .expr(Func::min(Expr::col(Alias::new("id"))))
                .expr(Func::max(Expr::col(Alias::new("id"))))
                .from_subquery(oldest, Alias::new("b"))
                .to_owned();
            let (sql, values) = bounds.build_sqlx(sea_query::SqliteQueryBuilder);
            let (lower, upper): (Option<i64>, Option<i64>) = sqlx::query_as_with(&sql, values)
                .fetch_one(&mut **inner)
                .await?;
            let (Some(lower), Some(upper)) = (lower, upper) else {
                return Ok(Batch::default());
            };
            let rows = sqlx::query(RAISE_ENROLMENT_ROWS_SQLITE)
                .bind(lower)
                .bind(upper)
                .bind(ENROLMENT_APPROVED)
                .bind(approved)
                .bind(queue::PQA)
                .bind(reason)
                .bind(now)
                .execute(&mut **inner)
                .await?
                .rows_affected();
            let events = sqlx::query(DEQUEUE_SQLITE)
                .bind(ENROLMENT_APPROVED)
                .bind(lower)
                .bind(upper)
                .execute(&mut **inner)
                .await?
                .rows_affected();
            Ok(Batch { events, rows })
        }
    }
}

/// One ledger row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    /// The event that raised it.
    pub source_event_id: i64,
    /// The case.
    pub participant_id: String,
    /// Counts for payment.
    pub eligible: bool,
    /// Why not, when not.
    pub ineligibility_reason: Option<String>,
    /// The enrolment location's contract.
    pub contract_id: Option<String>,
    /// The enrolment location.
    pub location_id: Option<i64>,
    /// Its type (custody or community follows from it).
    pub location_type: Option<String>,
    /// The latest provider QA entry's tenant.
    pub tenant_id: Option<String>,
    /// The latest provider QA entry's support worker.
    pub support_worker_id: Option<i64>,
    /// The date of first consent.
    pub consent_date: Option<Date>,
    /// The approval date.
    pub approval_date: Date,
    /// When the row was raised.
    pub created_at: OffsetDateTime,
}

/// What the Finance list filters on.
#[derive(Debug, Clone, Default)]
pub struct PaymentFilter {
    /// Approved on or after.
    pub from: Option<Date>,
    /// Approved on or before.
    pub to: Option<Date>,
    /// One contract.
    pub contract: Option<String>,
    /// Only eligible (`Some(true)`) or only ineligible (`Some(false)`) rows.
    pub eligible: Option<bool>,
}

fn filtered(scope: &TenantScope, filter: &PaymentFilter) -> SelectStatement {
    let mut cond = Cond::all().add(
        Expr::col((EnrolmentPayments::Table, EnrolmentPayments::TenantId))
            .like(scope.like_pattern()),
    );
    if let Some(from) = filter.from {
        cond = cond.add(Expr::col(EnrolmentPayments::ApprovalDate).gte(from));
    }
    if let Some(to) = filter.to {
        cond = cond.add(Expr::col(EnrolmentPayments::ApprovalDate).lte(to));
    }
    if let Some(contract) = &filter.contract {
        cond = cond.add(Expr::col(EnrolmentPayments::ContractId).eq(contract.as_str()));
    }
    if let Some(eligible) = filter.eligible {
        cond = cond.add(Expr::col(EnrolmentPayments::Eligible).eq(eligible));
    }
    Query::select()
        .from(EnrolmentPayments::Table)
        .cond_where(cond)
        .to_owned()
}

/// The rows in scope matching `filter`, newest approval first; `limit` rows from `offset`
/// (no limit for the export).
pub async fn list(
    db: &mut Db<'_>,
    scope: &TenantScope,
    filter: &PaymentFilter,
    offset: u64,
    limit: Option<u64>,
) -> Result<Vec<PaymentRow>, StoreError> {
    let mut query = filtered(scope, filter);
    query
        .columns([
            EnrolmentPayments::SourceEventId,
            EnrolmentPayments::ParticipantId,
            EnrolmentPayments::Eligible,
            EnrolmentPayments::IneligibilityReason,
            EnrolmentPayments::ContractId,
            EnrolmentPayments::LocationId,
            EnrolmentPayments::LocationType,
            EnrolmentPayments::TenantId,
            EnrolmentPayments::SupportWorkerId,
            EnrolmentPayments::ConsentDate,
            EnrolmentPayments::ApprovalDate,
            EnrolmentPayments::CreatedAt,
        ])
        .order_by(EnrolmentPayments::ApprovalDate, Order::Desc)
        .order_by(EnrolmentPayments::SourceEventId, Order::Desc);
    // SQLite takes an offset only after a limit.
    if let Some(limit) = limit {
        query.limit(limit).offset(offset);
    }
    db.all(&query).await
}

/// How many rows in scope match `filter`.
pub async fn count(
    db: &mut Db<'_>,
    scope: &TenantScope,
    filter: &PaymentFilter,
) -> Result<u64, StoreError> {
    let mut query = filtered(scope, filter);
    query.expr(Func::count(Expr::col(EnrolmentPayments::SourceEventId)));
    let (count,): (i64,) = db.fetch_one(&query).await?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// How many rows in scope were raised at or after `since` (the start of today, for the live
/// count).
pub async fn raised_since(
    db: &mut Db<'_>,
    scope: &TenantScope,
    since: OffsetDateTime,
) -> Result<u64, StoreError> {
    let query = Query::select()
        .expr(Func::count(Expr::col(EnrolmentPayments::SourceEventId)))
        .from(EnrolmentPayments::Table)
        .and_where(Expr::col(EnrolmentPayments::TenantId).like(scope.like_pattern()))
        .and_where(Expr::col(EnrolmentPayments::CreatedAt).gte(since))
        .to_owned();
    let (count,): (i64,) = db.fetch_one(&query).await?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Every row of a participant, oldest first (for tests and the case's history).
pub async fn for_participant(
    q: &mut impl Exec,
    participant: &str,
) -> Result<Vec<PaymentRow>, StoreError> {
    let query = Query::select()
        .columns([
            EnrolmentPayments::SourceEventId,
            EnrolmentPayments::ParticipantId,
            EnrolmentPayments::Eligible,
            EnrolmentPayments::IneligibilityReason,
            EnrolmentPayments::ContractId,
            EnrolmentPayments::LocationId,
            EnrolmentPayments::LocationType,
            EnrolmentPayments::TenantId,
            EnrolmentPayments::SupportWorkerId,
            EnrolmentPayments::ConsentDate,
            EnrolmentPayments::ApprovalDate,
            EnrolmentPayments::CreatedAt,
        ])
        .from(EnrolmentPayments::Table)
        .and_where(Expr::col(EnrolmentPayments::ParticipantId).eq(participant))
        .order_by(EnrolmentPayments::SourceEventId, Order::Asc)
        .to_owned();
    q.all(&query).await
}
