//! Integration events: facts other parts of the system react to later (a QA2 or escalation
//! accept raising an enrolment payment). An event is written in the transaction of the
//! change it records, so it exists exactly when the change does, and is handled exactly once
//! by its workflow. Events are never updated: each is also queued in
//! `pending_integration_events` (same transaction), and its workflow takes it off the queue in
//! the transaction that acts on it.

use super::schema::{IntegrationEvents, PendingIntegrationEvents};
use super::{Db, StoreError, Tx};
use sea_query::{Expr, ExprTrait, Func, Query};
use time::OffsetDateTime;

/// An enrolment was approved at QA (QA2 or escalation accept); handled by the payments
/// workflow, which raises the enrolment payment row.
pub const ENROLMENT_APPROVED: &str = "enrolment_approved";

/// The PostgreSQL channel that wakes payments workflows on every instance.
pub const CHANNEL: &str = "cats_payments";

/// Records an event inside the change's transaction and returns its id. On PostgreSQL the
/// payments workflows are woken when the transaction commits (`NOTIFY` is delivered only
/// then); in-process, call `workflows::payments::wake` after committing (a poll is the
/// backstop either way).
pub async fn record_in(
    tx: &mut Tx,
    kind: &str,
    participant: &str,
    occurred_at: OffsetDateTime,
) -> Result<i64, StoreError> {
    let utc = occurred_at.to_offset(time::UtcOffset::UTC);
    let insert = Query::insert()
        .into_table(IntegrationEvents::Table)
        .columns([
            IntegrationEvents::Kind,
            IntegrationEvents::ParticipantId,
            IntegrationEvents::OccurredAt,
            IntegrationEvents::OccurredOn,
            IntegrationEvents::CreatedAt,
        ])
        .values_panic([
            kind.into(),
            participant.into(),
            utc.into(),
            utc.date().into(),
            OffsetDateTime::now_utc().into(),
        ])
        .returning_col(IntegrationEvents::Id)
        .to_owned();
    let (id,): (i64,) = tx.fetch_one(&insert).await?;
    let queue = Query::insert()
        .into_table(PendingIntegrationEvents::Table)
        .columns([
            PendingIntegrationEvents::Id,
            PendingIntegrationEvents::Kind,
            PendingIntegrationEvents::ParticipantId,
            PendingIntegrationEvents::OccurredOn,
        ])
        .values_panic([
            id.into(),
            kind.into(),
            participant.into(),
            utc.date().into(),
        ])
        .to_owned();
    tx.execute(&queue).await?;
    if let Tx::Postgres(inner) = tx {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANNEL)
            .execute(&mut **inner)
            .await?;
    }
    Ok(id)
}

/// How many events of `kind` wait to be handled.
pub async fn pending(db: &mut Db<'_>, kind: &str) -> Result<u64, StoreError> {
    let query = Query::select()
        .expr(Func::count(Expr::col(PendingIntegrationEvents::Id)))
        .from(PendingIntegrationEvents::Table)
        .and_where(Expr::col(PendingIntegrationEvents::Kind).eq(kind))
        .to_owned();
    let (count,): (i64,) = db.fetch_one(&query).await?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// Whether any event of `kind` waits to be handled: one index probe, where `pending` counts
/// the whole queue (what a poll that runs while a large batch is raised should ask).
pub async fn any_pending(db: &mut Db<'_>, kind: &str) -> Result<bool, StoreError> {
    let query = Query::select()
        .column(PendingIntegrationEvents::Id)
        .from(PendingIntegrationEvents::Table)
        .and_where(Expr::col(PendingIntegrationEvents::Kind).eq(kind))
        .limit(1)
        .to_owned();
    let first: Option<(i64,)> = db.fetch_optional(&query).await?;
    Ok(first.is_some())
}
