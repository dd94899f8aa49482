//! Pure domain types and rules: no I/O, no async, no database or web types.

pub mod assessment;
pub mod candidate;
pub mod case_edit;
pub mod document;
pub mod enrolment;
pub mod feed_refresh;
pub mod field;
pub mod identity_event;
pub mod location;
pub mod ownership;
pub mod participant_list;
pub mod password;
pub mod payments;
pub mod permission;
pub mod pri;
pub mod qa;
pub mod role;
pub mod tenant;
pub mod transfer;
pub mod user;
