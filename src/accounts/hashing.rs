//! Password hashing with Argon2id (the crate's defaults: 19 MiB, 2 passes, 1 lane, as OWASP
//! recommends). Hashing takes tens of milliseconds, so it runs on the blocking pool.

use super::AccountError;
use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| AccountError::Hashing(e.to_string()))?
}

/// Hashes on the current thread (for seeding and the CLI).
pub fn hash_now(password: &str) -> Result<String, AccountError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

/// True when `password` matches the stored hash. A malformed hash never matches.
pub async fn verify(password: String, stored: String) -> Result<bool, AccountError> {
    tokio::task::spawn_blocking(move || verify_now(&password, &stored))
        .await
        .map_err(|e| AccountError::Hashing(e.to_string()))
}

/// Verifies on the current thread.
pub fn verify_now(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the same time as a real check when the e-mail is unknown, so response times do not
/// tell which addresses have accounts.
pub async fn verify_dummy(password: String) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let stored = DUMMY
        .get_or_init(|| hash_now("not-a-real-password-Aa1!").unwrap_or_default())
        .clone();
    let _ = verify(password, stored).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_only_its_own_password() {
        let stored = hash_now("Correct-horse-1!").expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify_now("Correct-horse-1!", &stored));
        assert!(!verify_now("Correct-horse-2!", &stored));
        assert!(!verify_now("Correct-horse-1!", "not a hash"));
    }

    #[test]
    fn each_hash_has_its_own_salt() {
        assert_ne!(
            hash_now("Same-password-1!").ok(),
            hash_now("Same-password-1!").ok()
        );
    }
}
