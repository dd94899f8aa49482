//! What every benchmark shares: finding the release `cats` binary, starting it on a free port and
//! waiting until it is ready, stopping it, reading its memory and descriptors, accounts to sign
//! in with, its log's warnings, and summarising figures.

pub mod accounts;
pub mod cli;
pub mod closed_loop;
pub mod cpu;
pub mod limits;
pub mod logs;
pub mod memory;
pub mod open_loop;
pub mod queues;
pub mod report;
pub mod server;
pub mod stats;

pub use accounts::{
    create_user, create_user_with_roles, Account, Browser, BENCH_PASSWORD, DEMO_PASSWORD,
};
pub use cli::{loopback_postgres, reset_and_seed, run_cats};
pub use closed_loop::{closed_loop, get_ok, ClosedLoopFigures};
pub use cpu::{cpu_seconds, print_machine_load, total_cpu_seconds, CpuWindow};
pub use limits::{open_files, raise_open_files_limit};
pub use logs::LogSummary;
pub use memory::{kib_to_mib, rss_kib};
pub use open_loop::{OpenLoop, OpenLoopFigures};
pub use queues::QueueUser;
pub use report::{millis, utc_clock, verdict};
pub use server::{
    free_port, locate_binary, workspace_root, Server, ServerConfig, Stopped, READY_PATH,
};
pub use stats::{median, percentile, percentile_of_sorted};
