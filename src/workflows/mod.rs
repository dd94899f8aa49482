//! Supervised background work: singleton jobs run under a lease (so adding instances never
//! doubles them) and housekeeping every instance does for itself.

pub mod dormant_accounts;
pub mod feed_refresh;
pub mod outbox;
pub mod payments;
pub mod supervision;
