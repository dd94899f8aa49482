//! Server-side sessions. The browser holds a random token; only its SHA-256 is stored, so a
//! leaked database cannot be replayed as cookies.

use super::schema::{Sessions, Tenants, Users};
use super::{recent_sessions, Db, StoreError, Tx};
use sea_query::{Expr, ExprTrait, Query};
use time::OffsetDateTime;

/// A live session joined with the fields of its user that every request needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// The token's hash.
    pub id: String,
    /// The signed-in user.
    pub user_id: i64,
    /// The token forms must echo.
    pub csrf_token: String,
    /// Last request seen.
    pub last_seen_at: OffsetDateTime,
    /// When it was revoked, if it was.
    pub revoked_at: Option<OffsetDateTime>,
    /// The user's e-mail.
    pub email: String,
    /// The user's name.
    pub display_name: String,
    /// The user's tenant.
    pub tenant_id: String,
    /// The tenant's name.
    pub tenant_name: String,
    /// The user's status code.
    pub status: String,
    /// When the user was locked, if they are.
    pub locked_at: Option<OffsetDateTime>,
    /// Why.
    pub lock_reason: Option<String>,
    /// Whether the user must set a new password before anything else.
    pub must_change_password: bool,
    /// The user's role codes, comma-separated (read with the session: one query, not two).
    pub roles: Option<String>,
}

/// A new session.
pub struct NewSession<'a> {
    /// SHA-256 of the cookie token, hex.
    pub id: &'a str,
    /// The user.
    pub user_id: i64,
    /// The CSRF token.
    pub csrf_token: &'a str,
    /// Client address, for the audit.
    pub ip: Option<&'a str>,
    /// Client user agent.
    pub user_agent: Option<&'a str>,
}

/// Stores a new session.
pub async fn insert(
    tx: &mut Tx,
    session: &NewSession<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(Sessions::Table)
        .columns([
            Sessions::Id,
            Sessions::UserId,
            Sessions::CsrfToken,
            Sessions::CreatedAt,
            Sessions::LastSeenAt,
            Sessions::Ip,
            Sessions::UserAgent,
        ])
        .values_panic([
            session.id.into(),
            session.user_id.into(),
            session.csrf_token.into(),
            now.into(),
            now.into(),
            session.ip.map(str::to_owned).into(),
            session
                .user_agent
                .map(|ua| ua.chars().take(300).collect::<String>())
                .into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// The session with this id and its user, revoked or not (the caller decides).
pub async fn find(db: &mut Db<'_>, id: &str) -> Result<Option<SessionRow>, StoreError> {
    let query = Query::select()
        .columns([
            (Sessions::Table, Sessions::Id),
            (Sessions::Table, Sessions::UserId),
            (Sessions::Table, Sessions::CsrfToken),
            (Sessions::Table, Sessions::LastSeenAt),
            (Sessions::Table, Sessions::RevokedAt),
        ])
        .columns([
            (Users::Table, Users::Email),
            (Users::Table, Users::DisplayName),
            (Users::Table, Users::TenantId),
            (Users::Table, Users::Status),
            (Users::Table, Users::LockedAt),
            (Users::Table, Users::LockReason),
            (Users::Table, Users::MustChangePassword),
        ])
        .expr_as(
            Expr::col((Tenants::Table, Tenants::Name)),
            sea_query::Alias::new("tenant_name"),
        )
        // `string_agg` is in PostgreSQL and in SQLite since 3.44 (sqlx bundles a later one).
        .expr_as(
            Expr::cust(
                "(SELECT string_agg(user_roles.role, ',') FROM user_roles \
                 WHERE user_roles.user_id = sessions.user_id)",
            ),
            sea_query::Alias::new("roles"),
        )
        .from(Sessions::Table)
        .inner_join(
            Users::Table,
            Expr::col((Users::Table, Users::Id)).equals((Sessions::Table, Sessions::UserId)),
        )
        .inner_join(
            Tenants::Table,
            Expr::col((Tenants::Table, Tenants::Id)).equals((Users::Table, Users::TenantId)),
        )
        .and_where(Expr::col((Sessions::Table, Sessions::Id)).eq(id))
        .to_owned();
    db.fetch_optional(&query).await
}

/// The session as [`find`] reads it, or as it was read less than a second ago in this process
/// (see [`super::recent_sessions`]): for authenticating requests.
pub async fn find_recent(db: &mut Db<'_>, id: &str) -> Result<Option<SessionRow>, StoreError> {
    let asked = std::time::Instant::now();
    if let Some(row) = recent_sessions::with(|recent| recent.get(id, asked)) {
        return Ok(Some(row));
    }
    let row = find(db, id).await?;
    if let Some(row) = &row {
        // Timed from before the read: a row is never trusted longer than it should be.
        recent_sessions::with(|recent| recent.put(row.clone(), asked));
    }
    Ok(row)
}

/// Records activity on a session (callers throttle this to save writes).
pub async fn touch(db: &mut Db<'_>, id: &str, now: OffsetDateTime) -> Result<(), StoreError> {
    recent_sessions::with(|recent| recent.forget(id));
    let update = Query::update()
        .table(Sessions::Table)
        .value(Sessions::LastSeenAt, now)
        .and_where(Expr::col(Sessions::Id).eq(id))
        .to_owned();
    db.execute(&update).await?;
    Ok(())
}

/// Revokes one session.
pub async fn revoke(
    tx: &mut Tx,
    id: &str,
    reason: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    recent_sessions::with(|recent| recent.forget(id));
    let update = Query::update()
        .table(Sessions::Table)
        .value(Sessions::RevokedAt, now)
        .value(Sessions::RevokedReason, reason)
        .and_where(Expr::col(Sessions::Id).eq(id))
        .and_where(Expr::col(Sessions::RevokedAt).is_null())
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Revokes every live session of a user; returns their ids (to close their live sockets).
pub async fn revoke_all_for_user(
    tx: &mut Tx,
    user_id: i64,
    reason: &str,
    now: OffsetDateTime,
) -> Result<Vec<String>, StoreError> {
    recent_sessions::with(|recent| recent.forget_user(user_id));
    let update = Query::update()
        .table(Sessions::Table)
        .value(Sessions::RevokedAt, now)
        .value(Sessions::RevokedReason, reason)
        .and_where(Expr::col(Sessions::UserId).eq(user_id))
        .and_where(Expr::col(Sessions::RevokedAt).is_null())
        .returning_col(Sessions::Id)
        .to_owned();
    let rows: Vec<(String,)> = tx.fetch_all(&update).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
