//! `cats-bench`: one subcommand per benchmark of the release `cats` binary (build it first with
//! `cargo build --release`). See the library crate for what each benchmark measures.

use cats_bench::{
    broadcast, edits, fanout, grab, list, live, page, payments, queue_latency, sessions, startup,
    sync, throughput,
};
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
    /// Memory per idle WebSocket session (19,000 sessions, 2 topics each), and after churn.
    Sessions(sessions::SessionsArgs),
    /// Latency of events reaching 1,000 viewers of one topic over 2 instances via Redis.
    Fanout(fanout::FanoutArgs),
    /// Time for one event to reach all of 19,000 sessions on one topic of one instance.
    Broadcast(broadcast::BroadcastArgs),
    /// Events and deliveries per second over 100 topics × 10 subscribers.
    Throughput(throughput::ThroughputArgs),
    /// The external-data refresh over `--scale` seeded cases against the fake service.
    Sync(sync::SyncArgs),
    /// Requests/s and latency of a filtered, sorted participant list page over 100,000 cases.
    List(list::ListArgs),
    /// Requests/s and latency of the signed-in case page over 100,000 cases, against plain actix-web.
    Page(page::PageArgs),
    /// Time for the payments workflow to raise 1,000,000 enrolment payment rows on PostgreSQL.
    Payments(payments::PaymentsArgs),
    /// Case edits committed per second on PostgreSQL against pgbench's simple-update TPS.
    Edits(edits::EditsArgs),
    /// QA officers emptying the QA1 queue at once over 2 instances on PostgreSQL.
    Grab(grab::GrabArgs),
    /// A queue change on one instance reaching another's socket and dashboard.
    QueueLatency(queue_latency::QueueLatencyArgs),
    /// Internal: a client worker process holding sockets for the live benchmarks.
    #[command(name = "client-worker", hide = true)]
    ClientWorker,
}

fn main() -> ExitCode {
    let command = Cli::parse().command;
    // A worker is one of several processes sharing two cores with the server: one thread each.
    let runtime = match command {
        Command::ClientWorker => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        _ => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build(),
    };
    let runtime = match runtime {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: starting the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async move {
        match command {
            Command::Startup(args) => startup::run(args).await,
            Command::Sessions(args) => sessions::run(args).await,
            Command::Fanout(args) => fanout::run(args).await,
            Command::Broadcast(args) => broadcast::run(args).await,
            Command::Throughput(args) => throughput::run(args).await,
            Command::Sync(args) => sync::run(args).await,
            Command::List(args) => list::run(args).await,
            Command::Page(args) => page::run(args).await,
            Command::Payments(args) => payments::run(args).await,
            Command::Edits(args) => edits::run(args).await,
            Command::Grab(args) => grab::run(args).await,
            Command::QueueLatency(args) => queue_latency::run(args).await,
            Command::ClientWorker => live::worker::run().await,
        }
    });
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
