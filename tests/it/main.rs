//! Integration tests: real servers on port 0, each with its own database, on SQLite and (when
//! `CATS_TEST_DATABASE_URL` is set) PostgreSQL; the browser suite when `CATS_TEST_CHROMEDRIVER`
//! is set.

mod admin;
mod browser;
mod case_edits;
mod cli;
mod enrolment;
mod finance;
mod jobs;
mod live;
mod operations;
mod participants;
mod payments;
mod route_scope;
mod schema;
mod sign_in;
mod socket;
mod supervision;
mod support;
