//! People's notifications: what happened to their cases, newest first, read or unread. A
//! notification with a de-duplication key replaces an unread one with the same key, so a
//! reviewer told twice about the same case sees one line.

use super::db::Exec;
use super::schema::Notifications;
use super::{StoreError, Tx};
use sea_query::{Expr, ExprTrait, Func, Order, Query};
use time::OffsetDateTime;

/// A notification to send.
pub struct NewNotification<'a> {
    /// Who receives it.
    pub user: i64,
    /// Heading.
    pub heading: &'a str,
    /// Details.
    pub details: &'a str,
    /// Where it leads.
    pub link: Option<&'a str>,
    /// Replaces an unread notification with the same key.
    pub dedupe_key: Option<&'a str>,
}

/// Sends a notification (inside the change that caused it).
pub async fn send(
    tx: &mut Tx,
    note: &NewNotification<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if let Some(key) = note.dedupe_key {
        let delete = Query::delete()
            .from_table(Notifications::Table)
            .and_where(Expr::col(Notifications::UserId).eq(note.user))
            .and_where(Expr::col(Notifications::DedupeKey).eq(key))
            .and_where(Expr::col(Notifications::ReadAt).is_null())
            .to_owned();
        tx.execute(&delete).await?;
    }
    let insert = Query::insert()
        .into_table(Notifications::Table)
        .columns([
            Notifications::UserId,
            Notifications::Heading,
            Notifications::Details,
            Notifications::Link,
            Notifications::DedupeKey,
            Notifications::CreatedAt,
        ])
        .values_panic([
            note.user.into(),
            note.heading.into(),
            note.details.into(),
            note.link.into(),
            note.dedupe_key.into(),
            now.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// A notification as listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRow {
    /// Id.
    pub id: i64,
    /// Heading.
    pub heading: String,
    /// Details.
    pub details: String,
    /// Link.
    pub link: Option<String>,
    /// Sent.
    pub created_at: OffsetDateTime,
    /// Read.
    pub read_at: Option<OffsetDateTime>,
}

/// A user's notifications, newest first.
pub async fn for_user(
    q: &mut impl Exec,
    user: i64,
    limit: u64,
) -> Result<Vec<NotificationRow>, StoreError> {
    let query = Query::select()
        .columns([
            Notifications::Id,
            Notifications::Heading,
            Notifications::Details,
            Notifications::Link,
            Notifications::CreatedAt,
            Notifications::ReadAt,
        ])
        .from(Notifications::Table)
        .and_where(Expr::col(Notifications::UserId).eq(user))
        .order_by(Notifications::Id, Order::Desc)
        .limit(limit)
        .to_owned();
    q.all(&query).await
}

/// How many unread notifications a user has.
pub async fn unread_count(q: &mut impl Exec, user: i64) -> Result<i64, StoreError> {
    let row: Option<(i64,)> = q.optional(&unread_query(user)).await?;
    Ok(row.map_or(0, |(n,)| n))
}

/// The query counting a user's unread notifications, also read as a column of a page's own
/// first read (`participants::page_check`) so the bell costs no round trip of its own.
pub fn unread_query(user: i64) -> sea_query::SelectStatement {
    Query::select()
        .expr(Func::count(Expr::col(Notifications::Id)))
        .from(Notifications::Table)
        .and_where(Expr::col(Notifications::UserId).eq(user))
        .and_where(Expr::col(Notifications::ReadAt).is_null())
        .to_owned()
}

/// Marks one of the user's notifications read (or all, with `None`); how many changed.
pub async fn mark_read(
    tx: &mut Tx,
    user: i64,
    id: Option<i64>,
    now: OffsetDateTime,
) -> Result<u64, StoreError> {
    let mut update = Query::update()
        .table(Notifications::Table)
        .value(Notifications::ReadAt, now)
        .and_where(Expr::col(Notifications::UserId).eq(user))
        .and_where(Expr::col(Notifications::ReadAt).is_null())
        .to_owned();
    if let Some(id) = id {
        update.and_where(Expr::col(Notifications::Id).eq(id));
    }
    tx.execute(&update).await
}
