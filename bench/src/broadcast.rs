//! `cats-bench broadcast`: how long one event takes to reach every one of 19,000 sessions on
//! one topic of one instance. Budget (DESIGN.md "Budgets"): all delivered ≤ 300 ms.
//!
//! Every socket signs in as one of the demo team's two workers (a few sign-ins, cookies shared)
//! and watches `tenant:1.1.1.1.1.`. Once all have subscribed and presence has been quiet for a
//! while, the benchmark publishes one event on the Redis bus (as another instance would); each
//! client process notes each arrival against the event's send time (one machine, one clock),
//! and the round's figure is the last arrival. `--rounds` rounds, the median reported.

use crate::harness::{
    locate_binary, median, percentile_of_sorted, raise_open_files_limit, verdict, CpuWindow,
};
use crate::live::people::{self, DEMO_TEAM};
use crate::live::pool::PoolOptions;
use crate::live::{plan_workers, Cluster, Group, Pool, Publisher, Record, RedisTarget};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Last-delivery target, in milliseconds.
const TARGET_MS: f64 = 300.0;
/// Descriptors the server needs besides its sockets.
const SERVER_SPARE_FDS: u64 = 200;

/// Options of `cats-bench broadcast`.
#[derive(Debug, clap::Args)]
pub struct BroadcastArgs {
    /// Sessions (sockets) on the topic.
    #[arg(long, default_value_t = 19_000)]
    pub count: usize,
    /// Events published, one per round; the median round is reported.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub rounds: u32,
    /// Sign-ins per demo worker; the sockets share their cookies.
    #[arg(long, default_value_t = 5)]
    pub sign_ins: usize,
    /// Most sockets one client worker process holds.
    #[arg(long, default_value_t = 6_000)]
    pub per_worker: usize,
    /// Sockets each worker connects at once.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Seconds without any frame that count as "presence has settled".
    #[arg(long, default_value_t = 3, value_name = "SECS")]
    pub quiet_secs: u64,
    /// Give up on a socket that has not subscribed after this many seconds.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub open_timeout_secs: u64,
    /// The cats binary [default: target/release/cats in the workspace].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
}

/// Runs the benchmark and prints its figures and `RESULT broadcast …` line.
pub async fn run(args: BroadcastArgs) -> Result<()> {
    let redis = RedisTarget::for_run("broadcast")?;
    let binary = locate_binary(args.binary.as_deref())?;
    let limit = raise_open_files_limit()?;
    let needed = u64::try_from(args.count).unwrap_or(u64::MAX) + SERVER_SPARE_FDS;
    if needed > limit {
        bail!(
            "{} sessions need {needed} descriptors in the server; the limit is {limit}",
            args.count
        );
    }
    println!(
        "cats-bench broadcast: {} sessions on {}, one instance with Redis, {} rounds",
        args.count,
        people::tenant_topic(DEMO_TEAM),
        args.rounds
    );
    println!("redis {} prefix {}", redis.url, redis.prefix);
    crate::harness::print_machine_load().await;
    let cluster = Cluster::start(&binary, 1, Some(&redis), "broadcast").await?;
    let outcome = measure(&cluster, &redis, &args).await;
    for paragraph in cluster.log_report() {
        println!("{paragraph}");
    }
    cluster.stop().await?;
    outcome
}

async fn measure(cluster: &Cluster, redis: &RedisTarget, args: &BroadcastArgs) -> Result<()> {
    let server = cluster.first()?;
    let accounts = people::demo_workers(cluster, args.sign_ins).await?;
    let topic = people::tenant_topic(DEMO_TEAM);
    let groups: Vec<Group> = accounts
        .iter()
        .enumerate()
        .map(|(index, account)| Group {
            port: server.port(),
            cookie: account.cookie.clone(),
            topics: vec![topic.clone()],
            sockets: args.count / accounts.len() + usize::from(index < args.count % accounts.len()),
        })
        .filter(|group| group.sockets > 0)
        .collect();
    let plans = plan_workers(&groups, args.per_worker, 1)?;
    let options = PoolOptions {
        record: Record::Latency,
        concurrency: args.concurrency,
        open_timeout: Duration::from_secs(args.open_timeout_secs),
    };
    println!(
        "opening {} sockets from {} client workers ({} cookies)…",
        args.count,
        plans.len(),
        accounts.len()
    );
    let cpu = CpuWindow::start(vec![("server", cluster.pids())]);
    let (mut pool, opened) = Pool::open(plans, options).await?;
    println!("{}\n  {}", opened.describe("subscribed"), cpu.describe());
    let result = async {
        if opened.subscribed == 0 {
            bail!("no socket subscribed");
        }
        let quiet = Duration::from_secs(args.quiet_secs);
        let settling = Instant::now();
        let (tally, settled) = pool.settle(quiet, Duration::from_secs(300)).await?;
        println!(
            "presence {} {:.1} s later; {}",
            if settled { "settled" } else { "had NOT settled" },
            settling.elapsed().as_secs_f64(),
            tally.summary()
        );

        let publisher = Publisher::connect(redis).await?;
        let expected = u64::try_from(opened.subscribed)?;
        let mut lasts = Vec::new();
        let mut all_delivered = true;
        println!("{:>5} {:>9} {:>9} {:>9} {:>11}", "round", "p50_ms", "p99_ms", "last_ms", "delivered");
        let cpu = CpuWindow::start(vec![("server", cluster.pids()), ("clients", pool.pids())]);
        for round in 0..args.rounds {
            pool.reset().await?;
            publisher.publish(&topic, round).await?;
            let tally = pool
                .await_deliveries(expected, Duration::from_secs(5), Duration::from_secs(60))
                .await?;
            let mut latencies: Vec<f64> = tally
                .latencies
                .iter()
                .filter(|delivery| delivery.event == round)
                .map(|delivery| f64::from(delivery.micros) / 1000.0)
                .collect();
            latencies.sort_by(f64::total_cmp);
            let last = latencies.last().copied().context("nothing was delivered")?;
            println!(
                "{:>5} {:>9.1} {:>9.1} {:>9.1} {:>5}/{expected}",
                round + 1,
                percentile_of_sorted(&latencies, 50.0).unwrap_or(f64::NAN),
                percentile_of_sorted(&latencies, 99.0).unwrap_or(f64::NAN),
                last,
                latencies.len()
            );
            all_delivered &= u64::try_from(latencies.len())? == expected;
            lasts.push(last);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        println!("{}", cpu.describe());
        let last_ms = median(&lasts).context("no rounds")?;
        println!("sockets: {}", pool.report(false).await?.summary());
        println!(
            "median last delivery {last_ms:.1} ms to {expected} sessions (target ≤ {TARGET_MS:.0}, {}){}",
            verdict(last_ms <= TARGET_MS && all_delivered),
            if all_delivered { "" } else { "; some deliveries MISSING" }
        );
        println!("RESULT broadcast last_ms={last_ms:.1} count={expected}");
        Ok(())
    }
    .await;
    crate::live::pool::close_and_report(pool, cluster, result).await
}
