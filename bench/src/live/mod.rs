//! What the live benchmarks share: client worker processes that hold thousands of WebSockets
//! each, the orchestrating side that spreads sockets over them, a publisher that acts as
//! another instance on the Redis bus, and a cluster of `cats serve` instances.
//!
//! Sockets are held by separate processes (the bench binary re-executed as the hidden
//! `client-worker` subcommand), each bound to its own loopback source address, so that no
//! process comes near the 20,000-descriptor limit and the server alone holds every socket's
//! other end.

pub mod client;
pub mod cluster;
pub mod people;
pub mod pool;
pub mod protocol;
pub mod publisher;
pub mod recorder;
pub mod worker;

pub use cluster::Cluster;
pub use pool::{plan_workers, Group, Pool, Ready};
pub use protocol::{unix_nanos, EventBody};
pub use protocol::{Record, Tally};
pub use publisher::{redis_url, Publisher, RedisTarget};
