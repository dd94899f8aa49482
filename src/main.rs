//! The `cats` binary: parses the command line and runs it; errors print as one line.

use clap::Parser;
use std::process::ExitCode;

#[actix_web::main]
async fn main() -> ExitCode {
    cats::workflows::memory::configure();
    let cli = cats::cli::Cli::parse();
    match cats::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cats: {error:#}");
            ExitCode::FAILURE
        }
    }
}
