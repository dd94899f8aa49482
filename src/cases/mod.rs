//! Case operations: finding a candidate in the offender data and creating their case. Each
//! operation checks who may do it and writes in one transaction with its timeline line.

pub mod archive;
pub mod assess;
pub mod create;
pub mod edit;
pub mod enrol;
pub mod notify;
pub mod ownership;
pub mod pri;
pub mod review;
pub mod submit;
pub mod transfers;

use crate::domain::enrolment::EnrolmentStatus;
use crate::external::DmsError;
use crate::live::case_view;
use crate::store::{enrolment, participants, StoreError, Tx};
use time::OffsetDateTime;

/// Why a case operation did not happen.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// Bad input: the field and the message shown beside it.
    #[error("{field}: {message}")]
    Invalid {
        /// The form field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The user may not do this at all (their role or scope).
    #[error("not allowed")]
    Forbidden,
    /// The offender-data service could not answer.
    #[error(transparent)]
    External(#[from] DmsError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something else failed (document storage): logged, never shown.
    #[error("{0}")]
    Internal(String),
}

impl CaseError {
    /// Bad input at a form field, with what to do.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> CaseError {
        CaseError::Invalid {
            field,
            message: message.into(),
        }
    }
}

/// Moves case `id` from `from` to `to` for `user` (with its history row and optional reason),
/// or refuses at form field `field` when someone else changed the status first.
pub(crate) async fn change_status(
    tx: &mut Tx,
    id: &str,
    (from, to): (EnrolmentStatus, EnrolmentStatus),
    user: i64,
    reason: Option<(i64, Option<&str>)>,
    field: &'static str,
    now: OffsetDateTime,
) -> Result<(), CaseError> {
    if enrolment::change_status(tx, id, from.value(), to.value(), user, reason, now).await? {
        Ok(())
    } else {
        Err(CaseError::invalid(
            field,
            "Someone else changed this case's status: look at it again",
        ))
    }
}

/// How most commands on a case end: the line they add to its timeline (by `user`, now), the
/// case's event for live pages in the outbox (published once the commit lands), the commit.
pub(crate) async fn finish(
    mut tx: Tx,
    id: &str,
    user: i64,
    kind: &str,
    lines: [Option<&str>; 3],
    now: OffsetDateTime,
) -> Result<(), CaseError> {
    participants::insert_timeline(&mut tx, id, kind, lines, Some(user), now).await?;
    case_view::publish_in(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(())
}
