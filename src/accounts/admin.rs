//! User administration: create accounts, change roles and status, lock, unlock and reset
//! passwords. Every operation checks, on the server: the administrator's role, that the
//! account is in their tenant scope, and that it is not more senior than they are.

use super::password::temporary_password;
use super::{hashing, AccountError, Principal, Revoked};
use crate::domain::identity_event::IdentityEvent;
use crate::domain::role::{check_role_change, Roles};
use crate::domain::tenant::TenantId;
use crate::domain::user::{DisplayName, Email, UserStatus};
use crate::store::audit::{self, IdentityRecord};
use crate::store::sessions as session_store;
use crate::store::users::{self, NewUser, UserRow, LOCK_ADMINISTRATOR};
use crate::store::{org, Store, StoreError, Tx};
use time::OffsetDateTime;

/// The new-user form.
pub struct NewAccount<'a> {
    /// E-mail as typed.
    pub email: &'a str,
    /// Name as typed.
    pub display_name: &'a str,
    /// Tenant id as chosen.
    pub tenant: &'a str,
    /// Roles ticked.
    pub roles: Roles,
}

/// A created account and the temporary password to hand over (shown once, never stored).
#[derive(Debug)]
pub struct Created {
    /// The new user's id.
    pub user_id: i64,
    /// The temporary password.
    pub temporary_password: String,
}

fn require_admin(actor: &Principal) -> Result<(), AccountError> {
    if actor.roles.can_administer_users() {
        Ok(())
    } else {
        Err(AccountError::Forbidden)
    }
}

/// Loads an account the administrator may act on: in scope, not themself, not more senior.
async fn managed_account(
    store: &Store,
    actor: &Principal,
    user_id: i64,
) -> Result<(UserRow, Roles), AccountError> {
    require_admin(actor)?;
    let mut db = store.db();
    let user = users::get(&mut db, &actor.scope(), user_id)
        .await?
        .ok_or(AccountError::NotFound)?;
    if user.id == actor.user_id {
        return Err(AccountError::Forbidden);
    }
    let roles = users::roles_of(&mut db, user.id).await?;
    if !actor.roles.may_manage(&roles) {
        return Err(AccountError::Forbidden);
    }
    Ok((user, roles))
}

async fn audit_admin(
    tx: &mut Tx,
    event: IdentityEvent,
    actor: &Principal,
    user: &UserRow,
    ip: Option<&str>,
    detail: Option<String>,
    now: OffsetDateTime,
) -> Result<(), AccountError> {
    let record = IdentityRecord {
        user_id: Some(user.id),
        email: Some(&user.email),
        actor_id: Some(actor.user_id),
        ip,
        detail,
    };
    audit::record(tx, event, &record, now).await?;
    Ok(())
}

/// Creates an account in Pending Activation with a temporary password that must be changed
/// at first sign-in.
pub async fn create_user(
    store: &Store,
    actor: &Principal,
    form: NewAccount<'_>,
    ip: Option<&str>,
) -> Result<Created, AccountError> {
    require_admin(actor)?;
    let email =
        Email::parse(form.email).map_err(|e| AccountError::invalid("email", e.to_string()))?;
    let name = DisplayName::parse(form.display_name)
        .map_err(|e| AccountError::invalid("display_name", e.to_string()))?;
    let tenant = TenantId::parse(form.tenant)
        .map_err(|_| AccountError::invalid("tenant", "Choose a tenant"))?;
    let mut db = store.db();
    if org::tenant(&mut db, &actor.scope(), &tenant)
        .await?
        .is_none()
    {
        return Err(AccountError::invalid(
            "tenant",
            "Choose a tenant within your organisation",
        ));
    }
    let domains = org::tenant_domains(&mut db, &tenant).await?;
    if !email.domain_is_one_of(domains.iter().map(String::as_str)) {
        let allowed = if domains.is_empty() {
            "This tenant has no allowed email domains yet".to_owned()
        } else {
            format!(
                "The email address must end with one of: {}",
                domains
                    .iter()
                    .map(|d| format!("@{d}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return Err(AccountError::invalid("email", allowed));
    }
    check_role_change(
        &actor.roles,
        &Roles::default(),
        &form.roles,
        email.is_internal(),
    )
    .map_err(|e| AccountError::invalid("roles", e.to_string()))?;
    if users::find_by_email(&mut db, email.as_str())
        .await?
        .is_some()
    {
        return Err(AccountError::invalid(
            "email",
            "An account with this email address already exists",
        ));
    }
    let temporary = temporary_password();
    let hash = hashing::hash(temporary.clone()).await?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let new = NewUser {
        email: email.as_str(),
        display_name: name.as_str(),
        tenant_id: tenant.as_str(),
        status: UserStatus::PendingActivation,
        password_hash: &hash,
        must_change_password: true,
    };
    let user_id = match users::insert(&mut tx, &new, now).await {
        Ok(id) => id,
        Err(StoreError::Conflict) => {
            return Err(AccountError::invalid(
                "email",
                "An account with this email address already exists",
            ))
        }
        Err(e) => return Err(e.into()),
    };
    users::set_roles(&mut tx, user_id, &form.roles).await?;
    let record = IdentityRecord {
        user_id: Some(user_id),
        email: Some(email.as_str()),
        actor_id: Some(actor.user_id),
        ip,
        detail: Some(role_list(&form.roles)),
    };
    audit::record(&mut tx, IdentityEvent::AccountCreated, &record, now).await?;
    tx.commit().await?;
    Ok(Created {
        user_id,
        temporary_password: temporary,
    })
}

fn role_list(roles: &Roles) -> String {
    if roles.is_empty() {
        "no roles (support worker)".to_owned()
    } else {
        roles
            .iter()
            .map(|r| r.display_name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Replaces an account's roles and signs the account out everywhere.
pub async fn set_roles(
    store: &Store,
    actor: &Principal,
    user_id: i64,
    proposed: Roles,
    ip: Option<&str>,
) -> Result<Revoked, AccountError> {
    let (user, current) = managed_account(store, actor, user_id).await?;
    let internal = Email::parse(&user.email)
        .map(|e| e.is_internal())
        .unwrap_or(false);
    check_role_change(&actor.roles, &current, &proposed, internal)
        .map_err(|e| AccountError::invalid("roles", e.to_string()))?;
    if current == proposed {
        return Ok(Revoked::default());
    }
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    users::set_roles(&mut tx, user.id, &proposed).await?;
    let revoked =
        session_store::revoke_all_for_user(&mut tx, user.id, "roles changed", now).await?;
    let detail = format!("{} → {}", role_list(&current), role_list(&proposed));
    audit_admin(
        &mut tx,
        IdentityEvent::RolesChanged,
        actor,
        &user,
        ip,
        Some(detail),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Revoked(revoked))
}

/// Changes an account's status and signs the account out everywhere. Marking In-Review needs
/// System Support, SMT or QA Manager.
pub async fn set_status(
    store: &Store,
    actor: &Principal,
    user_id: i64,
    status: UserStatus,
    ip: Option<&str>,
) -> Result<Revoked, AccountError> {
    let (user, _) = managed_account(store, actor, user_id).await?;
    if status == UserStatus::InReview && !actor.roles.can_mark_in_review() {
        return Err(AccountError::invalid(
            "status",
            "Only System Support, SMT or a CFO QA Manager can mark an account In-Review",
        ));
    }
    if user.status() == status {
        return Ok(Revoked::default());
    }
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    users::set_status(&mut tx, user.id, status, now).await?;
    let revoked =
        session_store::revoke_all_for_user(&mut tx, user.id, "status changed", now).await?;
    let detail = format!(
        "{} → {}",
        user.status().display_name(),
        status.display_name()
    );
    audit_admin(
        &mut tx,
        IdentityEvent::StatusChanged,
        actor,
        &user,
        ip,
        Some(detail),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Revoked(revoked))
}

/// Locks an account and signs it out everywhere.
pub async fn lock(
    store: &Store,
    actor: &Principal,
    user_id: i64,
    ip: Option<&str>,
) -> Result<Revoked, AccountError> {
    let (user, _) = managed_account(store, actor, user_id).await?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    users::lock(&mut tx, user.id, LOCK_ADMINISTRATOR, now).await?;
    let revoked = session_store::revoke_all_for_user(&mut tx, user.id, "locked", now).await?;
    audit_admin(
        &mut tx,
        IdentityEvent::AccountLocked,
        actor,
        &user,
        ip,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Revoked(revoked))
}

/// Unlocks an account and clears its failed attempts.
pub async fn unlock(
    store: &Store,
    actor: &Principal,
    user_id: i64,
    ip: Option<&str>,
) -> Result<(), AccountError> {
    let (user, _) = managed_account(store, actor, user_id).await?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    users::unlock(&mut tx, user.id, now).await?;
    audit_admin(
        &mut tx,
        IdentityEvent::AccountUnlocked,
        actor,
        &user,
        ip,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a temporary password that must be changed at next sign-in, and signs the account out
/// everywhere. Returns the temporary password to hand over.
pub async fn reset_password(
    store: &Store,
    actor: &Principal,
    user_id: i64,
    ip: Option<&str>,
) -> Result<(String, Revoked), AccountError> {
    let (user, _) = managed_account(store, actor, user_id).await?;
    let temporary = temporary_password();
    let hash = hashing::hash(temporary.clone()).await?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    users::set_password(&mut tx, user.id, &hash, true, now).await?;
    let revoked =
        session_store::revoke_all_for_user(&mut tx, user.id, "password reset", now).await?;
    audit_admin(
        &mut tx,
        IdentityEvent::PasswordReset,
        actor,
        &user,
        ip,
        None,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((temporary, Revoked(revoked)))
}
