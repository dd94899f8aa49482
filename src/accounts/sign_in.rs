//! Signing in: the password check, the lockout counter, status rules and the audit.

use super::sessions::{self, SessionPolicy};
use super::{hashing, AccountError};
use crate::domain::identity_event::IdentityEvent;
use crate::domain::password::after_failed_attempt;
use crate::domain::user::Email;
use crate::store::audit::{self, IdentityRecord};
use crate::store::users::{self, LOCK_FAILED_ATTEMPTS};
use crate::store::Store;
use time::OffsetDateTime;

/// What the sign-in form sent and where from.
pub struct SignInAttempt<'a> {
    /// E-mail as typed.
    pub email: &'a str,
    /// Password as typed.
    pub password: &'a str,
    /// Client address.
    pub ip: Option<&'a str>,
    /// Client user agent.
    pub user_agent: Option<&'a str>,
}

/// A successful sign-in.
#[derive(Debug)]
pub struct SignedIn {
    /// The new session's cookie token.
    pub token: String,
    /// The user must set a new password first.
    pub must_change_password: bool,
}

/// Why a sign-in failed, as the page says it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInRefusal {
    /// Wrong e-mail or password (never says which).
    InvalidCredentials,
    /// Locked: by failed attempts or an administrator.
    Locked,
    /// The account's status does not allow signing in.
    NotActive,
}

impl SignInRefusal {
    /// The message shown on the sign-in page.
    pub fn message(&self) -> &'static str {
        match self {
            SignInRefusal::InvalidCredentials => "The email address or password is incorrect",
            SignInRefusal::Locked => {
                "Your account is locked. Ask your administrator or the CFO service desk to unlock it"
            }
            SignInRefusal::NotActive => {
                "Your account is not active. Contact the CFO service desk"
            }
        }
    }
}

/// Checks the credentials and, when they are right and the account may sign in, starts a
/// session. Every outcome is audited.
pub async fn sign_in(
    store: &Store,
    policy: &SessionPolicy,
    attempt: SignInAttempt<'_>,
) -> Result<Result<SignedIn, SignInRefusal>, AccountError> {
    let email =
        Email::parse(attempt.email).map_err(|e| AccountError::invalid("email", e.to_string()))?;
    if attempt.password.is_empty() {
        return Err(AccountError::invalid("password", "Enter your password"));
    }
    let now = OffsetDateTime::now_utc();
    let user = users::find_by_email(&mut store.db(), email.as_str()).await?;
    let mut record = IdentityRecord {
        email: Some(email.as_str()),
        ip: attempt.ip,
        ..IdentityRecord::default()
    };
    let Some(user) = user else {
        hashing::verify_dummy(attempt.password.to_owned()).await;
        let mut tx = store.begin().await?;
        audit::record(&mut tx, IdentityEvent::UnknownUser, &record, now).await?;
        tx.commit().await?;
        return Ok(Err(SignInRefusal::InvalidCredentials));
    };
    record.user_id = Some(user.id);
    let correct = hashing::verify(attempt.password.to_owned(), user.password_hash.clone()).await?;
    let mut tx = store.begin().await?;

    let locked = sessions::is_locked(user.locked_at, user.lock_reason.as_deref(), policy, now);
    if locked {
        // While locked, attempts neither count nor reveal whether the password was right
        // beyond saying the account is locked.
        let detail = if correct {
            "locked"
        } else {
            "locked, wrong password"
        };
        let record = IdentityRecord {
            detail: Some(detail.to_owned()),
            ..record
        };
        audit::record(&mut tx, IdentityEvent::SignInRefused, &record, now).await?;
        tx.commit().await?;
        return Ok(Err(if correct {
            SignInRefusal::Locked
        } else {
            SignInRefusal::InvalidCredentials
        }));
    }
    if user.locked_at.is_some() {
        // The automatic unlock period has passed.
        users::unlock(&mut tx, user.id, now).await?;
        let record = IdentityRecord {
            detail: Some("lockout period ended".to_owned()),
            ..record.clone()
        };
        audit::record(&mut tx, IdentityEvent::AccountUnlocked, &record, now).await?;
    }
    if !correct {
        let so_far = if user.locked_at.is_some() {
            0
        } else {
            user.failed_attempts
        };
        let (failed, now_locked) = after_failed_attempt(u32::try_from(so_far).unwrap_or(u32::MAX));
        users::set_failed_attempts(&mut tx, user.id, i64::from(failed), now).await?;
        let refusal = if now_locked {
            users::lock(&mut tx, user.id, LOCK_FAILED_ATTEMPTS, now).await?;
            audit::record(&mut tx, IdentityEvent::LockedOut, &record, now).await?;
            SignInRefusal::Locked
        } else {
            audit::record(&mut tx, IdentityEvent::IncorrectPassword, &record, now).await?;
            SignInRefusal::InvalidCredentials
        };
        tx.commit().await?;
        return Ok(Err(refusal));
    }
    if !user.status().may_sign_in() {
        let record = IdentityRecord {
            detail: Some(format!("status {}", user.status().display_name())),
            ..record
        };
        audit::record(&mut tx, IdentityEvent::SignInRefused, &record, now).await?;
        tx.commit().await?;
        return Ok(Err(SignInRefusal::NotActive));
    }
    users::record_sign_in(&mut tx, &user, now).await?;
    let token = sessions::start(&mut tx, user.id, attempt.ip, attempt.user_agent, now).await?;
    audit::record(&mut tx, IdentityEvent::SignedIn, &record, now).await?;
    tx.commit().await?;
    Ok(Ok(SignedIn {
        token,
        must_change_password: user.must_change_password,
    }))
}
