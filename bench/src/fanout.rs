//! `cats-bench fanout`: how soon an event reaches 1,000 viewers of one topic spread over 2
//! instances that share Redis. Budget (DESIGN.md "Budgets"): p99 ≤ 20 ms, commit to delivery.
//!
//! The viewers sign in as the two demo workers of one team and all watch `tenant:1.1.1.1.1.`,
//! spread evenly over the instances. Once every socket has subscribed and presence has been
//! quiet for a while, the benchmark publishes events on the Redis bus itself, as a third
//! instance would after a commit, one every `--interval-ms`. Each event carries its send time;
//! the clients subtract it from each arrival (one machine, one clock). The figure is therefore
//! publish-to-socket: Redis, the receiving instance's topic actor and session actors, and the
//! client reading the frame. The commit before the publish is not included.

use crate::harness::{
    locate_binary, millis, percentile_of_sorted, raise_open_files_limit, verdict, CpuWindow,
};
use crate::live::people::{self, DEMO_TEAM};
use crate::live::pool::PoolOptions;
use crate::live::protocol::Delivery;
use crate::live::{plan_workers, Cluster, Group, Pool, Publisher, Record, RedisTarget};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// p99 latency target, in milliseconds.
const TARGET_P99_MS: f64 = 20.0;

/// Options of `cats-bench fanout`.
#[derive(Debug, clap::Args)]
pub struct FanoutArgs {
    /// Viewers (sockets) of the topic, over all instances.
    #[arg(long, default_value_t = 1_000)]
    pub viewers: usize,
    /// Instances sharing the SQLite file and Redis.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..=8))]
    pub instances: u32,
    /// Events published.
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub events: u32,
    /// Time between events, in milliseconds.
    #[arg(long, default_value_t = 20, value_name = "MS")]
    pub interval_ms: u64,
    /// Client worker processes holding the viewers.
    #[arg(long, default_value_t = 2)]
    pub client_processes: usize,
    /// Seconds without any frame that count as "presence has settled".
    #[arg(long, default_value_t = 3, value_name = "SECS")]
    pub quiet_secs: u64,
    /// The cats binary [default: target/release/cats in the workspace].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
}

/// Runs the benchmark and prints its figures and `RESULT fanout …` line.
pub async fn run(args: FanoutArgs) -> Result<()> {
    let redis = RedisTarget::for_run("fanout")?;
    let binary = locate_binary(args.binary.as_deref())?;
    raise_open_files_limit()?;
    println!(
        "cats-bench fanout: {} viewers of {} over {} instances, {} events every {} ms",
        args.viewers,
        people::tenant_topic(DEMO_TEAM),
        args.instances,
        args.events,
        args.interval_ms
    );
    println!("redis {} prefix {}", redis.url, redis.prefix);
    let instances = usize::try_from(args.instances).context("instances")?;
    crate::harness::print_machine_load().await;
    let cluster = Cluster::start(&binary, instances, Some(&redis), "fanout").await?;
    let outcome = measure(&cluster, &redis, &args).await;
    for paragraph in cluster.log_report() {
        println!("{paragraph}");
    }
    cluster.stop().await?;
    outcome
}

async fn measure(cluster: &Cluster, redis: &RedisTarget, args: &FanoutArgs) -> Result<()> {
    let accounts = people::demo_workers(cluster, 1).await?;
    let topic = people::tenant_topic(DEMO_TEAM);
    let servers = cluster.servers();
    // Viewers go round the instances, and within an instance round the accounts.
    let mut groups: Vec<Group> = Vec::new();
    for (index, server) in servers.iter().enumerate() {
        let on_instance =
            args.viewers / servers.len() + usize::from(index < args.viewers % servers.len());
        for (nth, account) in accounts.iter().enumerate() {
            let sockets =
                on_instance / accounts.len() + usize::from(nth < on_instance % accounts.len());
            if sockets > 0 {
                groups.push(Group {
                    port: server.port(),
                    cookie: account.cookie.clone(),
                    topics: vec![topic.clone()],
                    sockets,
                });
            }
        }
    }
    let plans = plan_workers(&groups, 6_000, args.client_processes)?;
    let options = PoolOptions {
        record: Record::Latency,
        concurrency: 32,
        open_timeout: Duration::from_secs(30),
    };
    let (mut pool, opened) = Pool::open(plans, options).await?;
    println!("{}", opened.describe("subscribed"));
    let result = async {
        if !opened.complete() {
            bail!("not every viewer subscribed");
        }
        let quiet = Duration::from_secs(args.quiet_secs);
        let (tally, settled) = pool.settle(quiet, Duration::from_secs(120)).await?;
        println!(
            "presence {} after {} s without frames; {}",
            if settled {
                "settled"
            } else {
                "had NOT settled"
            },
            args.quiet_secs,
            tally.summary()
        );

        let publisher = Publisher::connect(redis).await?;
        pool.reset().await?;
        let mut ticks = tokio::time::interval(Duration::from_millis(args.interval_ms.max(1)));
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut publish_ms = Vec::new();
        let cpu = CpuWindow::start(vec![("servers", cluster.pids()), ("clients", pool.pids())]);
        let begun = Instant::now();
        for i in 0..args.events {
            ticks.tick().await;
            let call = Instant::now();
            publisher.publish(&topic, i).await?;
            publish_ms.push(millis(call.elapsed()));
        }
        println!(
            "published {} events in {:.2} s; {}",
            args.events,
            begun.elapsed().as_secs_f64(),
            cpu.describe()
        );
        let expected = u64::from(args.events) * u64::try_from(opened.subscribed)?;
        let tally = pool
            .await_deliveries(expected, Duration::from_secs(3), Duration::from_secs(60))
            .await?;
        let mut latencies: Vec<f64> = tally
            .latencies
            .iter()
            .map(|delivery| f64::from(delivery.micros) / 1000.0)
            .collect();
        latencies.sort_by(f64::total_cmp);
        publish_ms.sort_by(f64::total_cmp);
        let p50 = percentile_of_sorted(&latencies, 50.0).context("nothing was delivered")?;
        let p99 = percentile_of_sorted(&latencies, 99.0).context("nothing was delivered")?;
        let p999 = percentile_of_sorted(&latencies, 99.9).unwrap_or(f64::NAN);
        let max = latencies.last().copied().unwrap_or(f64::NAN);
        println!(
            "publish call (Redis round trip): p50 {:.2} ms, p99 {:.2} ms",
            percentile_of_sorted(&publish_ms, 50.0).unwrap_or(f64::NAN),
            percentile_of_sorted(&publish_ms, 99.0).unwrap_or(f64::NAN)
        );
        println!(
            "delivered {} of {expected}: p50 {p50:.2} ms, p99 {p99:.2} ms, p99.9 {p999:.2} ms, \
             max {max:.2} ms (target p99 ≤ {TARGET_P99_MS:.0}, {})",
            tally.deliveries,
            verdict(p99 <= TARGET_P99_MS && tally.deliveries == expected)
        );
        print_trend(&tally.latencies, args.events);
        println!("sockets: {}", tally.summary());
        println!(
            "RESULT fanout p50_ms={p50:.2} p99_ms={p99:.2} delivered={} expected={expected}",
            tally.deliveries
        );
        Ok(())
    }
    .await;
    crate::live::pool::close_and_report(pool, cluster, result).await
}

/// p50 and p99 per fifth of the run: a latency that climbs from the first fifth to the last
/// means deliveries fell behind the publishing rate (a queue built up), not a fixed cost.
fn print_trend(deliveries: &[Delivery], events: u32) {
    let fifth = events.div_ceil(5).max(1);
    let mut line = String::from("latency by fifth of the run (p50/p99 ms):");
    for part in 0..5 {
        let range = part * fifth..(part + 1) * fifth;
        let mut latencies: Vec<f64> = deliveries
            .iter()
            .filter(|delivery| range.contains(&delivery.event))
            .map(|delivery| f64::from(delivery.micros) / 1000.0)
            .collect();
        latencies.sort_by(f64::total_cmp);
        if let (Some(p50), Some(p99)) = (
            percentile_of_sorted(&latencies, 50.0),
            percentile_of_sorted(&latencies, 99.0),
        ) {
            line.push_str(&format!(" {p50:.1}/{p99:.1}"));
        }
    }
    println!("{line}");
}
