//! Users, their roles and password history. Listing and reading another user's account takes a
//! `TenantScope`; only sign-in looks a user up by e-mail without one.

use super::schema::{PasswordHistory, UserRoles, Users};
use super::{Db, StoreError, Tx};
use crate::domain::role::{Role, Roles};
use crate::domain::tenant::TenantScope;
use crate::domain::user::UserStatus;
use sea_query::{Expr, ExprTrait, Func, Order, Query, SelectStatement};
use time::OffsetDateTime;

/// How a lock came about: failed sign-ins may unlock themselves after a period; an
/// administrator's lock never does.
pub const LOCK_FAILED_ATTEMPTS: &str = "failed-attempts";
/// An administrator locked the account.
pub const LOCK_ADMINISTRATOR: &str = "administrator";

/// An account as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    /// Id.
    pub id: i64,
    /// E-mail (username).
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Tenant id.
    pub tenant_id: String,
    /// Status code.
    pub status: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Sent to the change-password page after sign-in.
    pub must_change_password: bool,
    /// Failed sign-ins in a row.
    pub failed_attempts: i64,
    /// When the account was locked, if it is.
    pub locked_at: Option<OffsetDateTime>,
    /// Why it was locked.
    pub lock_reason: Option<String>,
    /// Last successful sign-in.
    pub last_login_at: Option<OffsetDateTime>,
    /// Creation time.
    pub created_at: OffsetDateTime,
}

impl UserRow {
    /// The status as a domain value (unknown codes read as Inactive, which cannot sign in).
    pub fn status(&self) -> UserStatus {
        UserStatus::from_code(&self.status).unwrap_or(UserStatus::Inactive)
    }
}

/// A new account.
pub struct NewUser<'a> {
    /// Lower-cased e-mail.
    pub email: &'a str,
    /// Display name.
    pub display_name: &'a str,
    /// Tenant id.
    pub tenant_id: &'a str,
    /// Initial status.
    pub status: UserStatus,
    /// Argon2id PHC string.
    pub password_hash: &'a str,
    /// Whether the first sign-in must set a new password.
    pub must_change_password: bool,
}

/// Filters for the user list.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    /// Matches e-mail or display name, case-insensitively.
    pub search: Option<String>,
    /// Only this status.
    pub status: Option<UserStatus>,
    /// Zero-based page.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
}

const USER_COLUMNS: [Users; 12] = [
    Users::Id,
    Users::Email,
    Users::DisplayName,
    Users::TenantId,
    Users::Status,
    Users::PasswordHash,
    Users::MustChangePassword,
    Users::FailedAttempts,
    Users::LockedAt,
    Users::LockReason,
    Users::LastLoginAt,
    Users::CreatedAt,
];

fn select_users() -> SelectStatement {
    Query::select()
        .columns(USER_COLUMNS)
        .from(Users::Table)
        .to_owned()
}

/// The account with this e-mail, for sign-in. Not scoped: the person is not signed in yet.
pub async fn find_by_email(db: &mut Db<'_>, email: &str) -> Result<Option<UserRow>, StoreError> {
    let query = select_users()
        .and_where(Expr::col(Users::Email).eq(email))
        .to_owned();
    db.fetch_optional(&query).await
}

/// The account with this id, for the signed-in user themself (their session names it).
pub async fn get_own(db: &mut Db<'_>, id: i64) -> Result<Option<UserRow>, StoreError> {
    let query = select_users()
        .and_where(Expr::col(Users::Id).eq(id))
        .to_owned();
    db.fetch_optional(&query).await
}

/// The account with this id, if it is in scope.
pub async fn get(
    db: &mut Db<'_>,
    scope: &TenantScope,
    id: i64,
) -> Result<Option<UserRow>, StoreError> {
    let query = select_users()
        .and_where(Expr::col(Users::Id).eq(id))
        .and_where(Expr::col(Users::TenantId).like(scope.like_pattern()))
        .to_owned();
    db.fetch_optional(&query).await
}

/// Accounts in scope matching the filter, and how many match in all.
pub async fn list(
    db: &mut Db<'_>,
    scope: &TenantScope,
    filter: &UserFilter,
) -> Result<(Vec<UserRow>, u64), StoreError> {
    let mut base = Query::select()
        .from(Users::Table)
        .and_where(Expr::col(Users::TenantId).like(scope.like_pattern()))
        .to_owned();
    if let Some(search) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
        base.and_where(
            Expr::expr(Func::lower(Expr::col(Users::Email)))
                .like(sea_query::LikeExpr::new(pattern.clone()).escape('\\'))
                .or(Expr::expr(Func::lower(Expr::col(Users::DisplayName)))
                    .like(sea_query::LikeExpr::new(pattern).escape('\\'))),
        );
    }
    if let Some(status) = filter.status {
        base.and_where(Expr::col(Users::Status).eq(status.code()));
    }
    let count = base
        .clone()
        .expr(Func::count(Expr::col(Users::Id)))
        .to_owned();
    let (total,): (i64,) = db.fetch_one(&count).await?;
    let page = base
        .columns(USER_COLUMNS)
        .order_by(Users::DisplayName, Order::Asc)
        .order_by(Users::Id, Order::Asc)
        .limit(filter.per_page)
        .offset(filter.page * filter.per_page)
        .to_owned();
    let rows = db.fetch_all(&page).await?;
    Ok((rows, u64::try_from(total).unwrap_or(0)))
}

/// Escapes `%`, `_` and `\` so user text matches literally inside a LIKE pattern.
fn escape_like(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Active accounts whose last sign-in (or creation, if never signed in) is before `cutoff`:
/// the candidates of the dormant-accounts job, which acts for the whole system.
pub async fn dormant_candidates(
    db: &mut Db<'_>,
    scope: &TenantScope,
    cutoff: OffsetDateTime,
) -> Result<Vec<UserRow>, StoreError> {
    let query = select_users()
        .and_where(Expr::col(Users::TenantId).like(scope.like_pattern()))
        .and_where(Expr::col(Users::Status).eq(UserStatus::Active.code()))
        .and_where(
            Expr::col(Users::LastLoginAt)
                .lt(cutoff)
                .or(Expr::col(Users::LastLoginAt)
                    .is_null()
                    .and(Expr::col(Users::CreatedAt).lt(cutoff))),
        )
        .to_owned();
    db.fetch_all(&query).await
}

fn display_names_query(ids: &[i64]) -> SelectStatement {
    Query::select()
        .columns([Users::Id, Users::DisplayName])
        .from(Users::Table)
        .and_where(Expr::col(Users::Id).is_in(ids.iter().copied()))
        .to_owned()
}

/// Display names of users by id (owners shown on cases; names only, no other detail).
pub async fn display_names(
    db: &mut impl super::Exec,
    ids: &[i64],
) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let rows: Vec<(i64, String)> = db.all(&display_names_query(ids)).await?;
    Ok(rows.into_iter().collect())
}

/// Every user in scope, by display name (id, name): who the participant list can filter by.
pub async fn names_in_scope(
    db: &mut Db<'_>,
    scope: &TenantScope,
) -> Result<Vec<(i64, String)>, StoreError> {
    let query = Query::select()
        .columns([Users::Id, Users::DisplayName])
        .from(Users::Table)
        .and_where(Expr::col(Users::TenantId).like(scope.like_pattern()))
        .order_by(Users::DisplayName, Order::Asc)
        .order_by(Users::Id, Order::Asc)
        .to_owned();
    db.fetch_all(&query).await
}

/// The roles a user holds.
pub async fn roles_of(db: &mut Db<'_>, user_id: i64) -> Result<Roles, StoreError> {
    let query = Query::select()
        .column(UserRoles::Role)
        .from(UserRoles::Table)
        .and_where(Expr::col(UserRoles::UserId).eq(user_id))
        .to_owned();
    let rows: Vec<(String,)> = db.fetch_all(&query).await?;
    Ok(Roles::new(
        rows.iter().filter_map(|(code,)| Role::from_code(code)),
    ))
}

/// Creates an account and records its first password in the history.
pub async fn insert(
    tx: &mut Tx,
    user: &NewUser<'_>,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let insert = Query::insert()
        .into_table(Users::Table)
        .columns([
            Users::Email,
            Users::DisplayName,
            Users::TenantId,
            Users::Status,
            Users::PasswordHash,
            Users::MustChangePassword,
            Users::FailedAttempts,
            Users::CreatedAt,
            Users::UpdatedAt,
        ])
        .values_panic([
            user.email.into(),
            user.display_name.into(),
            user.tenant_id.into(),
            user.status.code().into(),
            user.password_hash.into(),
            user.must_change_password.into(),
            0i64.into(),
            now.into(),
            now.into(),
        ])
        .returning_col(Users::Id)
        .to_owned();
    let (id,): (i64,) = tx.fetch_one(&insert).await?;
    push_password_history(tx, id, user.password_hash, now).await?;
    Ok(id)
}

/// Replaces a user's roles.
pub async fn set_roles(tx: &mut Tx, user_id: i64, roles: &Roles) -> Result<(), StoreError> {
    let delete = Query::delete()
        .from_table(UserRoles::Table)
        .and_where(Expr::col(UserRoles::UserId).eq(user_id))
        .to_owned();
    tx.execute(&delete).await?;
    for role in roles.iter() {
        let insert = Query::insert()
            .into_table(UserRoles::Table)
            .columns([UserRoles::UserId, UserRoles::Role])
            .values_panic([user_id.into(), role.code().into()])
            .to_owned();
        tx.execute(&insert).await?;
    }
    Ok(())
}

async fn update_user(
    tx: &mut Tx,
    user_id: i64,
    now: OffsetDateTime,
    values: Vec<(Users, sea_query::Expr)>,
) -> Result<u64, StoreError> {
    let mut update = Query::update()
        .table(Users::Table)
        .value(Users::UpdatedAt, now)
        .and_where(Expr::col(Users::Id).eq(user_id))
        .to_owned();
    for (column, value) in values {
        update.value(column, value);
    }
    tx.execute(&update).await
}

/// Sets a user's status.
pub async fn set_status(
    tx: &mut Tx,
    user_id: i64,
    status: UserStatus,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    update_user(
        tx,
        user_id,
        now,
        vec![(Users::Status, status.code().into())],
    )
    .await?;
    Ok(())
}

/// Locks an account for `reason` (see the `LOCK_` constants).
pub async fn lock(
    tx: &mut Tx,
    user_id: i64,
    reason: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    update_user(
        tx,
        user_id,
        now,
        vec![
            (Users::LockedAt, now.into()),
            (Users::LockReason, reason.into()),
        ],
    )
    .await?;
    Ok(())
}

/// Unlocks an account and clears its failed attempts.
pub async fn unlock(tx: &mut Tx, user_id: i64, now: OffsetDateTime) -> Result<(), StoreError> {
    update_user(
        tx,
        user_id,
        now,
        vec![
            (Users::LockedAt, Option::<OffsetDateTime>::None.into()),
            (Users::LockReason, Option::<String>::None.into()),
            (Users::FailedAttempts, 0i64.into()),
        ],
    )
    .await?;
    Ok(())
}

/// Records the failed-attempt count after a wrong password.
pub async fn set_failed_attempts(
    tx: &mut Tx,
    user_id: i64,
    failed: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    update_user(
        tx,
        user_id,
        now,
        vec![(Users::FailedAttempts, failed.into())],
    )
    .await?;
    Ok(())
}

/// Records a successful sign-in: clears failures, stamps the time, activates a pending account.
pub async fn record_sign_in(
    tx: &mut Tx,
    user: &UserRow,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut values = vec![
        (Users::FailedAttempts, 0i64.into()),
        (Users::LastLoginAt, now.into()),
    ];
    if user.status() == UserStatus::PendingActivation {
        values.push((Users::Status, UserStatus::Active.code().into()));
    }
    update_user(tx, user.id, now, values).await?;
    Ok(())
}

/// Sets a new password hash and records it in the history.
pub async fn set_password(
    tx: &mut Tx,
    user_id: i64,
    hash: &str,
    must_change: bool,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    update_user(
        tx,
        user_id,
        now,
        vec![
            (Users::PasswordHash, hash.into()),
            (Users::MustChangePassword, must_change.into()),
        ],
    )
    .await?;
    push_password_history(tx, user_id, hash, now).await
}

async fn push_password_history(
    tx: &mut Tx,
    user_id: i64,
    hash: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(PasswordHistory::Table)
        .columns([
            PasswordHistory::UserId,
            PasswordHistory::PasswordHash,
            PasswordHistory::CreatedAt,
        ])
        .values_panic([user_id.into(), hash.into(), now.into()])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// The hashes of the user's most recent passwords, newest first.
pub async fn recent_password_hashes(
    db: &mut Db<'_>,
    user_id: i64,
    count: u64,
) -> Result<Vec<String>, StoreError> {
    let query = Query::select()
        .column(PasswordHistory::PasswordHash)
        .from(PasswordHistory::Table)
        .and_where(Expr::col(PasswordHistory::UserId).eq(user_id))
        .order_by(PasswordHistory::Id, Order::Desc)
        .limit(count)
        .to_owned();
    let rows: Vec<(String,)> = db.fetch_all(&query).await?;
    Ok(rows.into_iter().map(|(h,)| h).collect())
}

#[cfg(test)]
mod tests {
    use super::escape_like;

    #[test]
    fn like_wildcards_in_search_text_match_literally() {
        assert_eq!(escape_like("50%_a\\b"), "50\\%\\_a\\\\b");
    }
}
