//! The `cats` binary: parses the command line and runs it; errors print as one line.

use clap::Parser;
use std::process::ExitCode;

/// jemalloc serves every allocation of the process, Rust's and C's (decision record 17): with
/// glibc's malloc, thousands of sockets closing and reconnecting left their memory scattered
/// through its arenas, where no trim could give it back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// jemalloc's options, read before `main` runs. Background threads give freed pages back to
/// the system (`MADV_DONTNEED`, at once out of the resident set) within about a second of
/// going unused, whatever the server's own threads are doing: memory freed by a burst of
/// closed sockets or by a sign-in's 19 MiB Argon2 hash goes back by itself, without waiting
/// for an allocation or a trim.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code, non_upper_case_globals)]
// SAFETY: jemalloc reads this symbol (its documented `malloc_conf`) as a NUL-terminated C
// string; a reference to a byte array is one pointer, to bytes that live for the whole
// process, and it is never written.
#[export_name = "malloc_conf"]
static malloc_conf: &[u8; 60] = b"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0\0";

#[actix_web::main]
async fn main() -> ExitCode {
    let cli = cats::cli::Cli::parse();
    match cats::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cats: {error:#}");
            ExitCode::FAILURE
        }
    }
}
