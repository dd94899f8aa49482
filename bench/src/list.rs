//! `cats-bench list`: requests per second and latency of one filtered, sorted page of the
//! participant list over `--participants` synthetic cases (100,000), on SQLite (default, in a
//! temporary data dir) or PostgreSQL (`--database-url`, a database this benchmark RESETS).
//!
//! The database is reset and seeded with `cats db reset` and `cats db seed --scale N` (the demo
//! data, then N cases over four demo workers, a third with a risk review due), as an operator
//! would. One demo worker signs in; `--concurrency` clients then request `--path` as fast as
//! the server answers for `--seconds`, after a short warm-up. Every answer must be a 200.

use crate::harness::{closed_loop, locate_binary, Browser, Server, ServerConfig, DEMO_PASSWORD};
use anyhow::{bail, ensure, Context, Result};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::process::Command;

/// Options of `cats-bench list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Synthetic participants to seed.
    #[arg(long, default_value_t = 100_000)]
    pub participants: u32,
    /// PostgreSQL URL of a database to RESET and use [default: SQLite in a temporary folder].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// The page requested: filtered and sorted.
    #[arg(
        long,
        default_value = "/participants?status=3&contract=con_24036&risk_due=soon&sort=risk_due"
    )]
    pub path: String,
    /// The demo account that signs in (its scope bounds the list).
    #[arg(long, default_value = "worker@provider-a.example")]
    pub email: String,
    /// Concurrent clients.
    #[arg(long, default_value_t = 16)]
    pub concurrency: usize,
    /// How long to measure, in seconds (after a 2 s warm-up).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub seconds: u64,
    /// The cats binary [default: target/release/cats in the workspace].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
}

/// Runs `cats <args>` against the server's database, failing with its output.
async fn cats(config: &ServerConfig, args: &[&str]) -> Result<()> {
    let mut command = Command::new(&config.binary);
    command
        .args(args)
        .current_dir(&config.workdir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CATS_") {
            command.env_remove(key);
        }
    }
    command.env("CATS_DATA_DIR", &config.data_dir);
    for (key, value) in &config.env {
        command.env(key, value);
    }
    let output = command
        .output()
        .await
        .with_context(|| format!("running `cats {}`", args.join(" ")))?;
    if !output.status.success() {
        bail!(
            "`cats {}` failed ({}): {}{}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stdout).trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// Runs the benchmark and prints its figures and `RESULT list …` line.
pub async fn run(args: ListArgs) -> Result<()> {
    let binary = locate_binary(args.binary.as_deref())?;
    let (_scratch, mut config) = ServerConfig::in_scratch(&binary, "list")?;
    let backend = match &args.database_url {
        Some(url) => {
            config = config.with_env("CATS_DATABASE_URL", url.clone());
            "postgres"
        }
        None => "sqlite",
    };
    println!(
        "cats-bench list: {backend}, {} participants, {} clients for {} s",
        args.participants, args.concurrency, args.seconds
    );
    println!("GET {} as {}", args.path, args.email);
    crate::harness::print_machine_load().await;
    let seeding = Instant::now();
    cats(&config, &["db", "reset"]).await?;
    let count = args.participants.to_string();
    cats(&config, &["db", "seed", "--scale", &count]).await?;
    println!(
        "reset and seeded in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    let (server, _) = Server::start(&config, Duration::from_secs(60)).await?;
    let outcome = measure(&server, &args).await;
    server.stop().await?;
    let (rps, p50, p99, requests) = outcome?;
    println!("{requests} requests: {rps:.0} req/s, p50 {p50:.2} ms, p99 {p99:.2} ms");
    println!("RESULT list rps={rps:.0} p50_ms={p50:.2} p99_ms={p99:.2} backend={backend} participants={}", args.participants);
    Ok(())
}

/// (requests/s, p50 ms, p99 ms, requests) over the measured window.
async fn measure(server: &Server, args: &ListArgs) -> Result<(f64, f64, f64, usize)> {
    let browser = Browser::new(server.base_url())?;
    let cookie = browser.sign_in(&args.email, DEMO_PASSWORD).await?;
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?;
    let url = server.url(&args.path);
    let first = http
        .get(&url)
        .header(reqwest::header::COOKIE, format!("cats_session={cookie}"))
        .send()
        .await?;
    ensure!(first.status() == 200, "GET {url}: {}", first.status());
    let body = first.text().await?;
    let rows = body.matches("<code>").count();
    let count = body
        .split("id=\"participant-count\">")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or("?");
    println!("the page lists {rows} rows of \"{count}\"");
    let window = (Duration::from_secs(2), Duration::from_secs(args.seconds));
    let cookie = Some(format!("cats_session={cookie}"));
    let figures = closed_loop(http, Arc::new(vec![url]), cookie, args.concurrency, window).await?;
    Ok((figures.rps, figures.p50, figures.p99, figures.requests))
}
