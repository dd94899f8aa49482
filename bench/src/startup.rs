//! `cats-bench startup`: how soon the embedded default (SQLite, in-process bus, demo data) is
//! ready after it is started, and how much memory it holds once idle. Budget (DESIGN.md
//! "Budgets"): ready ≤ 0.5 s, idle RSS ≤ 30 MiB.
//!
//! The first start, on an empty data dir, also runs the migrations and seeds the demo data; it
//! is reported on its own. The measured starts reuse that data dir, as a restarted server does.

use crate::harness::{kib_to_mib, locate_binary, median, millis, verdict, Server, ServerConfig};
use anyhow::{Context, Result};
use std::path::PathBuf;
use std::time::Duration;

/// Ready time target, in milliseconds.
const READY_TARGET_MS: f64 = 500.0;
/// Idle resident memory target, in MiB.
const RSS_TARGET_MIB: f64 = 30.0;

/// Options of `cats-bench startup`.
#[derive(Debug, clap::Args)]
pub struct StartupArgs {
    /// Measured starts, after the first start that seeds the data dir.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..))]
    pub runs: u32,
    /// The cats binary [default: target/release/cats in the workspace].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
    /// Idle time between ready and reading the memory, in milliseconds.
    #[arg(long, default_value_t = 1000, value_name = "MS")]
    pub idle_ms: u64,
    /// Give up on a start that is not ready after this many seconds.
    #[arg(long, default_value_t = 120, value_name = "SECS")]
    pub timeout_secs: u64,
}

/// One measured start.
struct Run {
    ready_ms: f64,
    rss_mib: f64,
    stop_ms: f64,
}

/// Runs the benchmark and prints its table and `RESULT startup …` line.
pub async fn run(args: StartupArgs) -> Result<()> {
    let binary = locate_binary(args.binary.as_deref())?;
    let (_scratch, config) = ServerConfig::in_scratch(&binary, "startup")?;
    let ready_within = Duration::from_secs(args.timeout_secs);
    let idle = Duration::from_millis(args.idle_ms);

    println!("cats-bench startup: {}", binary.display());
    println!("data dir {} (SQLite, demo data)", config.data_dir.display());

    let (server, first_start) = Server::start(&config, ready_within)
        .await
        .context("first start, on an empty data dir")?;
    let first_start_ms = millis(first_start);
    stop(server).await?;
    println!("first start (migrations and demo data): {first_start_ms:.1} ms to ready");

    println!();
    println!(
        "{:>4} {:>9} {:>8} {:>8}",
        "run", "ready_ms", "rss_mib", "stop_ms"
    );
    let mut runs = Vec::new();
    for number in 1..=args.runs {
        let (server, ready) = Server::start(&config, ready_within)
            .await
            .with_context(|| format!("run {number}"))?;
        tokio::time::sleep(idle).await;
        let rss_mib = kib_to_mib(server.rss_kib()?);
        let stop_ms = millis(stop(server).await?);
        let run = Run {
            ready_ms: millis(ready),
            rss_mib,
            stop_ms,
        };
        println!(
            "{number:>4} {:>9.1} {:>8.1} {:>8.1}",
            run.ready_ms, run.rss_mib, run.stop_ms
        );
        runs.push(run);
    }

    let ready_ms = median(&runs.iter().map(|run| run.ready_ms).collect::<Vec<_>>())
        .context("no runs were measured")?;
    let rss_mib = median(&runs.iter().map(|run| run.rss_mib).collect::<Vec<_>>())
        .context("no runs were measured")?;
    println!();
    println!(
        "median: ready {ready_ms:.1} ms (target ≤ {READY_TARGET_MS:.0}, {}), \
         idle RSS {rss_mib:.1} MiB (target ≤ {RSS_TARGET_MIB:.0}, {})",
        verdict(ready_ms <= READY_TARGET_MS),
        verdict(rss_mib <= RSS_TARGET_MIB),
    );
    println!(
        "RESULT startup ready_ms={ready_ms:.1} rss_mib={rss_mib:.1} \
         first_start_ms={first_start_ms:.1}"
    );
    Ok(())
}

/// Stops a server gracefully and returns how long that took; says so when it had to be killed.
async fn stop(server: Server) -> Result<Duration> {
    let stopped = server.stop().await?;
    if stopped.killed {
        eprintln!(
            "warning: cats ignored SIGTERM for 5 s and was killed ({})",
            stopped.status
        );
    }
    Ok(stopped.took)
}
