//! Changing one's own password, and making temporary passwords.

use super::sessions;
use super::{hashing, AccountError, Principal, Revoked};
use crate::domain::identity_event::IdentityEvent;
use crate::domain::password::{check_policy, PasswordProblem, REUSE_HISTORY};
use crate::domain::user::Email;
use crate::store::audit::{self, IdentityRecord};
use crate::store::sessions as session_store;
use crate::store::users;
use crate::store::Store;
use rand::seq::SliceRandom;
use rand::Rng;
use time::OffsetDateTime;

/// The password form.
pub struct PasswordChange<'a> {
    /// The current password.
    pub current: &'a str,
    /// The new one.
    pub new: &'a str,
    /// The new one again.
    pub confirm: &'a str,
}

/// Checks a proposed password against the policy and the user's last five.
pub async fn check_new_password(
    store: &Store,
    user_id: i64,
    email: &str,
    password: &str,
) -> Result<(), PasswordProblem> {
    let local = Email::parse(email)
        .map(|e| e.local_part().to_owned())
        .unwrap_or_default();
    check_policy(password, &local)?;
    let recent = users::recent_password_hashes(&mut store.db(), user_id, REUSE_HISTORY as u64)
        .await
        .unwrap_or_default();
    for stored in recent {
        if hashing::verify(password.to_owned(), stored)
            .await
            .unwrap_or(false)
        {
            return Err(PasswordProblem::Reused);
        }
    }
    Ok(())
}

/// Changes the signed-in user's password, revokes every session they have (other devices
/// included) and returns the token of a fresh session for this browser, with the sessions
/// that ended.
pub async fn change_own(
    store: &Store,
    principal: &Principal,
    change: PasswordChange<'_>,
    ip: Option<&str>,
    user_agent: Option<&str>,
) -> Result<(String, Revoked), AccountError> {
    let user = users::get_own(&mut store.db(), principal.user_id)
        .await?
        .ok_or(AccountError::NotFound)?;
    if change.current.is_empty() {
        return Err(AccountError::invalid(
            "current_password",
            "Enter your current password",
        ));
    }
    if !hashing::verify(change.current.to_owned(), user.password_hash.clone()).await? {
        return Err(AccountError::invalid(
            "current_password",
            "Your current password is incorrect",
        ));
    }
    check_new_password(store, user.id, &user.email, change.new)
        .await
        .map_err(|p| AccountError::invalid("new_password", p.to_string()))?;
    if change.new != change.confirm {
        return Err(AccountError::invalid(
            "confirm_password",
            "The passwords do not match",
        ));
    }
    let hash = hashing::hash(change.new.to_owned()).await?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    users::set_password(&mut tx, user.id, &hash, false, now).await?;
    let revoked =
        session_store::revoke_all_for_user(&mut tx, user.id, "password changed", now).await?;
    let token = sessions::start(&mut tx, user.id, ip, user_agent, now).await?;
    let record = IdentityRecord {
        user_id: Some(user.id),
        ip,
        ..IdentityRecord::default()
    };
    audit::record(&mut tx, IdentityEvent::PasswordChanged, &record, now).await?;
    tx.commit().await?;
    Ok((token, Revoked(revoked)))
}

/// A random password that meets the policy, for new accounts and resets. Leaves out characters
/// that are easy to misread (I, l, O, 0, 1).
pub fn temporary_password() -> String {
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const DIGITS: &[u8] = b"23456789";
    const SYMBOLS: &[u8] = b"@!?*.-";
    let mut rng = rand::thread_rng();
    let mut pick = |set: &[u8]| set[rng.gen_range(0..set.len())] as char;
    let mut chars: Vec<char> = vec![pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
    let all: Vec<u8> = [UPPER, LOWER, DIGITS, SYMBOLS].concat();
    while chars.len() < 16 {
        chars.push(pick(&all));
    }
    chars.shuffle(&mut rand::thread_rng());
    chars.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_meet_the_policy() {
        for _ in 0..200 {
            let password = temporary_password();
            assert_eq!(check_policy(&password, "someone"), Ok(()), "{password}");
        }
    }
}
