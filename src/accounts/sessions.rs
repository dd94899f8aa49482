//! Sessions: issuing tokens, checking them on each request (idle timeout, revocation, account
//! status) and ending them.

use super::{AccountError, Principal};
use crate::domain::identity_event::IdentityEvent;
use crate::domain::role::{Role, Roles};
use crate::domain::tenant::TenantId;
use crate::domain::user::UserStatus;
use crate::store::audit::{self, IdentityRecord};
use crate::store::sessions::{self as session_store, NewSession};
use crate::store::users::LOCK_FAILED_ATTEMPTS;
use crate::store::{Store, Tx};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use time::{Duration, OffsetDateTime};

/// Writes to `last_seen_at` at most this often per session: idle timeouts are minutes long, so
/// a 30-second granularity costs nothing and saves a write on almost every request.
const TOUCH_EVERY: Duration = Duration::seconds(30);

/// Session rules from settings.
#[derive(Debug, Clone, Copy)]
pub struct SessionPolicy {
    /// A session idle this long is over.
    pub idle_timeout: Duration,
    /// An account locked by failed sign-ins unlocks after this long; `None`: never by itself.
    pub auto_unlock_after: Option<Duration>,
}

/// Why a request carries no signed-in user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoSession {
    /// No cookie, or a token no session has.
    Missing,
    /// Idle for longer than the timeout.
    Expired,
    /// Signed out, or revoked by a password change or an administrator.
    Revoked,
}

/// A fresh random token, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored id of a cookie token.
pub fn session_id_of(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session for a user inside the sign-in transaction; returns the cookie token.
pub async fn start(
    tx: &mut Tx,
    user_id: i64,
    ip: Option<&str>,
    user_agent: Option<&str>,
    now: OffsetDateTime,
) -> Result<String, AccountError> {
    let token = random_token();
    let id = session_id_of(&token);
    let csrf = random_token();
    let new = NewSession {
        id: &id,
        user_id,
        csrf_token: &csrf,
        ip,
        user_agent,
    };
    session_store::insert(tx, &new, now).await?;
    Ok(token)
}

/// True when a lock on the account is in force now.
pub fn is_locked(
    locked_at: Option<OffsetDateTime>,
    reason: Option<&str>,
    policy: &SessionPolicy,
    now: OffsetDateTime,
) -> bool {
    match (locked_at, policy.auto_unlock_after) {
        (None, _) => false,
        (Some(at), Some(after)) if reason == Some(LOCK_FAILED_ATTEMPTS) => now - at < after,
        (Some(_), _) => true,
    }
}

/// Checks a cookie token and returns the signed-in user, or why there is none.
pub async fn authenticate(
    store: &Store,
    token: &str,
    policy: &SessionPolicy,
    ip: Option<&str>,
) -> Result<Result<Principal, NoSession>, AccountError> {
    let id = session_id_of(token);
    let mut db = store.db();
    let Some(session) = session_store::find_recent(&mut db, &id).await? else {
        return Ok(Err(NoSession::Missing));
    };
    if session.revoked_at.is_some() {
        return Ok(Err(NoSession::Revoked));
    }
    let now = OffsetDateTime::now_utc();
    if now - session.last_seen_at > policy.idle_timeout {
        let mut tx = store.begin().await?;
        session_store::revoke(&mut tx, &id, "idle", now).await?;
        let record = IdentityRecord {
            user_id: Some(session.user_id),
            ip,
            ..IdentityRecord::default()
        };
        audit::record(&mut tx, IdentityEvent::SessionExpired, &record, now).await?;
        tx.commit().await?;
        return Ok(Err(NoSession::Expired));
    }
    let status = UserStatus::from_code(&session.status).unwrap_or(UserStatus::Inactive);
    let locked = is_locked(
        session.locked_at,
        session.lock_reason.as_deref(),
        policy,
        now,
    );
    if !status.may_sign_in() || locked {
        let mut tx = store.begin().await?;
        session_store::revoke(&mut tx, &id, "account not active", now).await?;
        tx.commit().await?;
        return Ok(Err(NoSession::Revoked));
    }
    let Ok(tenant) = TenantId::parse(&session.tenant_id) else {
        return Ok(Err(NoSession::Revoked));
    };
    if now - session.last_seen_at > TOUCH_EVERY {
        session_store::touch(&mut db, &id, now).await?;
    }
    let roles = Roles::new(
        session
            .roles
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .filter_map(Role::from_code),
    );
    Ok(Ok(Principal {
        user_id: session.user_id,
        email: session.email,
        display_name: session.display_name,
        tenant,
        tenant_name: session.tenant_name,
        roles,
        session_id: session.id,
        csrf_token: session.csrf_token,
        must_change_password: session.must_change_password,
    }))
}

/// Whether a session is still good, without counting this check as activity (a live socket
/// must not keep an idle sign-in alive).
pub async fn is_live(
    store: &Store,
    session_id: &str,
    policy: &SessionPolicy,
) -> Result<bool, AccountError> {
    let Some(session) = session_store::find(&mut store.db(), session_id).await? else {
        return Ok(false);
    };
    let now = OffsetDateTime::now_utc();
    let status = UserStatus::from_code(&session.status).unwrap_or(UserStatus::Inactive);
    Ok(session.revoked_at.is_none()
        && now - session.last_seen_at <= policy.idle_timeout
        && status.may_sign_in()
        && !is_locked(
            session.locked_at,
            session.lock_reason.as_deref(),
            policy,
            now,
        ))
}

/// Ends the session and records it.
pub async fn sign_out(
    store: &Store,
    principal: &Principal,
    ip: Option<&str>,
) -> Result<(), AccountError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    session_store::revoke(&mut tx, &principal.session_id, "signed out", now).await?;
    let record = IdentityRecord {
        user_id: Some(principal.user_id),
        ip,
        ..IdentityRecord::default()
    };
    audit::record(&mut tx, IdentityEvent::SignedOut, &record, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Revokes a session that is being replaced (sign-in over an existing session).
pub async fn revoke_token(store: &Store, token: &str) -> Result<(), AccountError> {
    let mut tx = store.begin().await?;
    session_store::revoke(
        &mut tx,
        &session_id_of(token),
        "replaced at sign-in",
        OffsetDateTime::now_utc(),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(auto: Option<i64>) -> SessionPolicy {
        SessionPolicy {
            idle_timeout: Duration::minutes(20),
            auto_unlock_after: auto.map(Duration::minutes),
        }
    }

    #[test]
    fn tokens_are_random_and_ids_are_their_hashes() {
        let a = random_token();
        assert_ne!(a, random_token());
        assert_eq!(session_id_of(&a).len(), 64);
        assert_eq!(session_id_of(&a), session_id_of(&a));
    }

    #[test]
    fn failed_attempt_locks_expire_only_with_an_auto_unlock_period() {
        let now = OffsetDateTime::now_utc();
        let at = Some(now - Duration::minutes(31));
        let reason = Some(LOCK_FAILED_ATTEMPTS);
        assert!(is_locked(at, reason, &policy(None), now));
        assert!(!is_locked(at, reason, &policy(Some(30)), now));
        assert!(is_locked(at, reason, &policy(Some(60)), now));
        // An administrator's lock never lapses.
        assert!(is_locked(at, Some("administrator"), &policy(Some(30)), now));
        assert!(!is_locked(None, None, &policy(None), now));
    }
}
