//! The benchmarks of CATS-rs. Each benchmark is one module with its clap arguments and a `run`
//! function; the `cats-bench` binary only dispatches to them. Every run prints its figures and
//! ends with exactly one `RESULT <name> key=value …` line, which the README table quotes.
//!
//! The live benchmarks (`sessions`, `fanout`, `broadcast`, `throughput`) hold their sockets in
//! client worker processes (see [`live`]); all but `sessions` need Redis
//! (`CATS_BENCH_REDIS_URL`). `sync` runs the external-data refresh in-process; `payments` runs
//! the payments workflow in-process against PostgreSQL (`CATS_BENCH_DATABASE_URL`). `edits`
//! posts case edits through the release server to a PostgreSQL database it resets, and compares
//! them with pgbench on the same server.
//!
//! `page` measures the signed-in case page against a plain actix-web page in the same run.
//!
//! The queue benchmarks (`grab`, `queue-latency`) run 2 instances on a PostgreSQL database they
//! reset and seed (`--database-url`), sharing Redis, and drive them over HTTP as reviewers do.

pub mod broadcast;
pub mod edits;
pub mod fanout;
pub mod grab;
pub mod harness;
pub mod list;
pub mod live;
pub mod page;
pub mod payments;
pub mod queue_latency;
pub mod sessions;
pub mod startup;
pub mod sync;
pub mod throughput;
