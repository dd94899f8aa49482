//! `cats-bench`: one subcommand per benchmark of the release `cats` binary (build it first with
//! `cargo build --release`). See the library crate for what each benchmark measures.

use cats_bench::startup;
use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Benchmarks of CATS-rs; each prints its figures and one final `RESULT` line.
#[derive(Debug, Parser)]
#[command(name = "cats-bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start-up time to ready and idle memory of the embedded default (SQLite, demo data).
    Startup(startup::StartupArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    let outcome = match Cli::parse().command {
        Command::Startup(args) => startup::run(args).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // The whole chain on one line, without a backtrace: these errors tell a person what
            // to do (build the binary, look at the server's output), not where the bench failed.
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
