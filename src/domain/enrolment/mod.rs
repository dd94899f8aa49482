//! Enrolment: statuses, the status machine with its guards, archive/unarchive reasons, and the
//! enrol wizard's steps (location, consent, right to work).

pub mod consent;
pub mod location;
pub mod progress;
pub mod reasons;
pub mod right_to_work;
pub mod status;
pub mod transitions;

pub use reasons::{ArchiveReason, UnarchiveReason};
pub use status::EnrolmentStatus;
pub use transitions::{AuthorityAcceptOutcome, SubmitChecks, TransitionError};
