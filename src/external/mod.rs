//! The external offender-data service (DMS): its records, the HTTP client CATS uses, and a
//! fake service (a real HTTP server with synthetic records) for the embedded default and tests.

pub mod client;
pub mod fake;
pub mod fake_data;
pub mod records;

pub use client::{DmsClient, DmsError};
pub use records::{OffenderRecord, SearchMatch};
