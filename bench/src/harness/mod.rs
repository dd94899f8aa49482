//! What every benchmark shares: finding the release `cats` binary, starting it on a free port and
//! waiting until it is ready, stopping it, reading its memory, and summarising figures.

pub mod memory;
pub mod server;
pub mod stats;

pub use memory::{kib_to_mib, rss_kib};
pub use server::{
    free_port, locate_binary, workspace_root, Server, ServerConfig, Stopped, READY_PATH,
};
pub use stats::median;
