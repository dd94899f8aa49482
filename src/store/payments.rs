//! The enrolment payment ledger: append-only rows raised from `enrolment_approved`
//! integration events in large set-based batches, and the Finance list and export.
//!
//! A batch runs in one transaction: it claims the oldest pending events (marks them handled
//! and stamps them with the batch), then raises every row with one `INSERT … SELECT` that
//! applies `domain::payments::enrolment::decide` to the whole batch. The rows and the
//! handled marks commit together or not at all, batches are serialised across instances (a
//! transaction-scoped advisory lock on PostgreSQL; SQLite has one writer), and the source
//! event id is the ledger's primary key, so each event raises at most one row, ever.

use super::schema::{EnrolmentPayments, IntegrationEvents};
use super::{Db, Exec, StoreError, Tx};
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::payments::IneligibilityReason;
use crate::domain::tenant::TenantScope;
use sea_query::{Alias, Cond, Expr, ExprTrait, Func, Order, Query, SelectStatement};
use time::{Date, OffsetDateTime};

use super::integration_events::ENROLMENT_APPROVED;
use super::qa::queue;

/// The advisory lock that serialises enrolment payment batches on PostgreSQL.
const BATCH_LOCK: i64 = 0x0CA7_5E4B;

/// Raises the rows of a claimed batch. Written once for both backends (numbered parameters
/// in order of first use work on both). The sets are materialised before any row is written
/// (a per-row look-up of the ledger while inserting into it rescans the rows this statement
/// wrote: quadratic); the inner query gathers each event's facts, the outer one applies the
/// enrolment rule:
/// - never Approved → no row (the `EXISTS` on the history);
/// - an eligible row already in the ledger, or an earlier event of the same participant in
///   this batch → "Already paid";
/// - otherwise eligible.
///
/// Attribution (DOMAIN.md §11): contract and location are the enrolment location's, the
/// worker and tenant the latest provider QA entry's.
const RAISE_ENROLMENT_ROWS: &str = "
WITH batch AS MATERIALIZED (
    SELECT e.id, e.participant_id, e.occurred_on FROM integration_events e
    WHERE e.id BETWEEN $1 AND $2 AND e.batch = $2 AND e.kind = $3),
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

/// Above this many events, PostgreSQL is told to use hash joins: it cannot estimate the batch
/// (its stamp was written in this transaction, so the statistics say "no rows") and would pick
/// nested loops over the materialised sets, quadratic in the batch size.
const HASH_JOINS_FROM: u64 = 1_000;

/// What one batch did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Batch {
    /// Events handled.
    pub events: u64,
    /// Ledger rows raised.
    pub rows: u64,
}

/// Claims up to `limit` pending enrolment events and raises their rows inside `tx`. Nothing
/// is visible until the caller commits; dropping `tx` instead leaves the events pending.
pub async fn raise_enrolment_batch_in(
    tx: &mut Tx,
    limit: u64,
    now: OffsetDateTime,
) -> Result<Batch, StoreError> {
    if let Tx::Postgres(inner) = tx {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(BATCH_LOCK)
            .execute(&mut **inner)
            .await?;
    }
    let oldest = Query::select()
        .column(IntegrationEvents::Id)
        .from(IntegrationEvents::Table)
        .and_where(Expr::col(IntegrationEvents::Kind).eq(ENROLMENT_APPROVED))
        .and_where(Expr::col(IntegrationEvents::HandledAt).is_null())
        .order_by(IntegrationEvents::Id, Order::Asc)
        .limit(limit)
        .to_owned();
    let bounds = Query::select()
        .expr(Func::min(Expr::col(Alias::new("id"))))
        .expr(Func::max(Expr::col(Alias::new("id"))))
        .from_subquery(oldest, Alias::new("b"))
        .to_owned();
    let (lower, upper): (Option<i64>, Option<i64>) = tx.fetch_one(&bounds).await?;
    let (Some(lower), Some(upper)) = (lower, upper) else {
        return Ok(Batch::default());
    };
    // The batch is named by its newest event: unique, as that event is handled by it.
    let claim = Query::update()
        .table(IntegrationEvents::Table)
        .value(IntegrationEvents::HandledAt, now)
        .value(IntegrationEvents::Batch, upper)
        .and_where(Expr::col(IntegrationEvents::Kind).eq(ENROLMENT_APPROVED))
        .and_where(Expr::col(IntegrationEvents::HandledAt).is_null())
        .and_where(Expr::col(IntegrationEvents::Id).between(lower, upper))
        .to_owned();
    let events = tx.execute(&claim).await?;
    let reason = IneligibilityReason::AlreadyPaid.text();
    let approved = EnrolmentStatus::Approved.value();
    if events > HASH_JOINS_FROM {
        if let Tx::Postgres(inner) = tx {
            sqlx::query("SET LOCAL enable_nestloop = off")
                .execute(&mut **inner)
                .await?;
        }
    }
    macro_rules! raise {
        ($conn:expr) => {
            sqlx::query(RAISE_ENROLMENT_ROWS)
                .bind(lower)
                .bind(upper)
                .bind(ENROLMENT_APPROVED)
                .bind(approved)
                .bind(queue::PQA)
                .bind(reason)
                .bind(now)
                .execute($conn)
                .await?
                .rows_affected()
        };
    }
    let rows = match tx {
        Tx::Postgres(inner) => raise!(&mut **inner),
        Tx::Sqlite(inner) => raise!(&mut **inner),
    };
    Ok(Batch { events, rows })
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
