//! Integration tests: real servers on port 0, each with its own database, on SQLite and (when
//! `CATS_TEST_DATABASE_URL` is set) PostgreSQL; the browser suite when `CATS_TEST_CHROMEDRIVER`
//! is set.

mod access_audit;
mod admin;
mod archive;
mod autosave;
mod browser;
mod browser_queues;
mod case_edits;
mod case_page;
mod cli;
mod connections;
mod enrolment;
#[macro_use]
mod feed_refresh;
mod feed_refresh_demo;
mod finance;
mod jobs;
mod live;
mod operations;
mod ownership;
mod participant_list;
mod participants;
mod payments;
mod pri;
mod queues;
mod route_scope;
mod scale_seed;
mod schema;
mod sign_in;
mod socket;
mod supervision;
mod support;
mod timeline;
mod transfers;
