//! Enrolment: statuses, the status machine with its guards, and archive/unarchive reasons.

pub mod reasons;
pub mod status;
pub mod transitions;

pub use reasons::{ArchiveReason, UnarchiveReason};
pub use status::EnrolmentStatus;
pub use transitions::{AuthorityAcceptOutcome, SubmitChecks, TransitionError};
