//! `cats-bench sync`: how long the external-data refresh takes over `--scale` cases (100,000
//! by default, the order of a production nightly run), against the fake offender-data service.
//! No budget is set for it; it tells how long the nightly run holds its lease.
//!
//! The database is seeded in-process with the same code `cats db seed --demo --scale N` runs
//! (a temporary SQLite file, or `--database-url` for PostgreSQL, which must be empty). The fake
//! service serves the generated people. The first run refreshes every case once (scale seeding
//! leaves out feed-only details such as ethnicity, so every case changes); then every
//! `--change-every`-th person is renamed in the feed and a second run is measured: that is the
//! nightly steady state, and the `RESULT` line.

use anyhow::{Context, Result};
use cats::external::client::DmsSettings;
use cats::external::fake_data::generated;
use cats::external::DmsClient;
use cats::store::feed_refresh as rows;
use cats::store::Store;
use cats::workflows::feed_refresh::FeedRefresh;
use cats_actors::history::Limits;
use cats_actors::{Hub, LiveConfig, MemoryBus};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Options of `cats-bench sync`.
#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    /// Cases to seed and refresh.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub scale: u32,
    /// Rename every N-th person in the feed before the measured run.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub change_every: u32,
    /// An empty PostgreSQL database to use instead of a temporary SQLite file.
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
}

/// Runs the benchmark and prints its figures and `RESULT sync …` line.
pub async fn run(args: SyncArgs) -> Result<()> {
    let dir = tempfile::tempdir().context("temporary folder")?;
    let url = match &args.database_url {
        Some(url) => url.clone(),
        None => format!("sqlite://{}", dir.path().join("cats.db").display()),
    };
    let backend = if url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    println!(
        "cats-bench sync: {} cases on {backend}, every {}th renamed in the feed",
        args.scale, args.change_every
    );
    let store = Store::connect(&url, 5).await.context("database")?;
    store.migrate().await.context("migrations")?;
    cats::seed::demo::load(&store).await.context("demo data")?;
    let seeded = Instant::now();
    cats::seed::scale::load(&store, args.scale)
        .await
        .context("scale seed")?;
    println!(
        "seeded {} cases in {:.1} s",
        args.scale,
        seeded.elapsed().as_secs_f64()
    );
    let fake = cats::external::fake::start("127.0.0.1:0", "", args.scale)
        .await
        .context("fake service")?;
    let dms = DmsClient::new(DmsSettings {
        base_url: fake.url.clone(),
        api_key: String::new(),
        timeout: Duration::from_secs(10),
        client_identity_pem: None,
    })?;
    let hub = Hub::start(
        Arc::new(MemoryBus::new(Limits {
            max_events: 100,
            max_age: Duration::from_secs(60),
        })),
        LiveConfig::default(),
    );
    let refresh = FeedRefresh {
        store: store.clone(),
        dms,
        hub,
        outbox_wake: Arc::new(tokio::sync::Notify::new()),
    };

    let (first, first_secs) = timed_run(&refresh).await?;
    println!(
        "first run: {} cases, {} changed, {} errors in {first_secs:.2} s",
        first.done, first.changed, first.errors
    );
    let http = reqwest::Client::new();
    for n in (0..args.scale).step_by(args.change_every as usize) {
        let mut record = generated(n).record;
        record.last_name = format!("{}-RENAMED", record.last_name);
        let response = http
            .put(format!("{}/fake/records/{}", fake.url, record.upci))
            .json(&record)
            .send()
            .await?;
        anyhow::ensure!(response.status().is_success(), "the fake refused a record");
    }
    let (run, secs) = timed_run(&refresh).await?;
    println!(
        "nightly run: {} cases, {} changed, {} errors in {secs:.2} s ({:.0} cases/s)",
        run.done,
        run.changed,
        run.errors,
        run.done as f64 / secs.max(f64::EPSILON)
    );
    fake.handle.stop(false).await;
    store.close().await;
    println!(
        "RESULT sync backend={backend} cases={} changed={} errors={} seconds={secs:.2} cases_per_s={:.0}",
        run.done,
        run.changed,
        run.errors,
        run.done as f64 / secs.max(f64::EPSILON)
    );
    Ok(())
}

/// One whole run: requested, worked to its end; the finished row and the seconds it took.
async fn timed_run(refresh: &FeedRefresh) -> Result<(rows::RunRow, f64)> {
    let started = Instant::now();
    let run = refresh.request("manual", None).await?;
    refresh.work().await?;
    let secs = started.elapsed().as_secs_f64();
    let run = rows::run(&mut refresh.store.db(), run.id)
        .await?
        .context("the run row")?;
    Ok((run, secs))
}
