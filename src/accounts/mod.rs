//! Account operations: signing in and out, sessions, passwords and user administration. Each
//! operation checks who may do it, then runs one transaction over the store with its audit.

pub mod admin;
pub mod dormancy;
pub mod hashing;
pub mod password;
pub mod principal;
pub mod sessions;
pub mod sign_in;

pub use principal::Principal;

/// Sign-in sessions an operation ended; their live sockets must be closed too.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
#[must_use = "close the live sockets of revoked sessions"]
pub struct Revoked(pub Vec<String>);

use crate::store::StoreError;

/// Why an account operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Bad input: the field it was entered in and what to do.
    #[error("{field}: {message}")]
    Invalid {
        /// The form field's name.
        field: &'static str,
        /// What is wrong, in the words shown beside the field.
        message: String,
    },
    /// The signed-in user may not do this.
    #[error("not allowed")]
    Forbidden,
    /// The account does not exist or is outside the user's scope.
    #[error("not found")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Hashing failed (it should not).
    #[error("password hashing failed: {0}")]
    Hashing(String),
}

impl AccountError {
    /// A field error.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        AccountError::Invalid {
            field,
            message: message.into(),
        }
    }
}
