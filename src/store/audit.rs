//! The identity audit: who did what to which account, when, and from where.

use super::schema::IdentityAudit;
use super::{Db, StoreError, Tx};
use crate::domain::identity_event::IdentityEvent;
use sea_query::{Expr, ExprTrait, Order, Query};
use time::OffsetDateTime;

/// One event to record.
#[derive(Debug, Clone, Default)]
pub struct IdentityRecord<'a> {
    /// The account acted on, when known.
    pub user_id: Option<i64>,
    /// The e-mail given (kept for unknown users).
    pub email: Option<&'a str>,
    /// Who acted, when not the account holder.
    pub actor_id: Option<i64>,
    /// Client address.
    pub ip: Option<&'a str>,
    /// A short detail, e.g. the new status. Never a password.
    pub detail: Option<String>,
}

/// An audit row.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct IdentityAuditRow {
    /// When.
    pub occurred_at: OffsetDateTime,
    /// Event code.
    pub event: String,
    /// E-mail given.
    pub email: Option<String>,
    /// Who acted.
    pub actor_id: Option<i64>,
    /// Client address.
    pub ip: Option<String>,
    /// Detail.
    pub detail: Option<String>,
}

/// Records an event inside a transaction.
pub async fn record(
    tx: &mut Tx,
    event: IdentityEvent,
    record: &IdentityRecord<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(IdentityAudit::Table)
        .columns([
            IdentityAudit::OccurredAt,
            IdentityAudit::Event,
            IdentityAudit::UserId,
            IdentityAudit::Email,
            IdentityAudit::ActorId,
            IdentityAudit::Ip,
            IdentityAudit::Detail,
        ])
        .values_panic([
            now.into(),
            event.code().into(),
            record.user_id.into(),
            record.email.map(str::to_owned).into(),
            record.actor_id.into(),
            record.ip.map(str::to_owned).into(),
            record.detail.clone().into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// The latest events for one account, newest first.
pub async fn recent_for_user(
    db: &mut Db<'_>,
    user_id: i64,
    limit: u64,
) -> Result<Vec<IdentityAuditRow>, StoreError> {
    let query = Query::select()
        .columns([
            IdentityAudit::OccurredAt,
            IdentityAudit::Event,
            IdentityAudit::Email,
            IdentityAudit::ActorId,
            IdentityAudit::Ip,
            IdentityAudit::Detail,
        ])
        .from(IdentityAudit::Table)
        .and_where(Expr::col(IdentityAudit::UserId).eq(user_id))
        .order_by(IdentityAudit::Id, Order::Desc)
        .limit(limit)
        .to_owned();
    db.fetch_all(&query).await
}
