//! `cats-bench throughput`: how many events per second one instance takes from the Redis bus
//! and delivers, over many small topics: `--topics` accounts (100), each watching its own
//! `user:<id>` topic from `--subscribers` sockets (10). There is no budget for this figure; it
//! tells how much headroom the live engine has.
//!
//! Several publisher tasks share one Redis connection (as an instance's do) and publish round
//! the topics as fast as the bus takes them, for `--seconds` (bounded also by `--max-events`).
//! The clients only count what arrives. events_per_s is publishes over the publishing time;
//! deliveries_per_s is deliveries over the time from the first publish to the last arrival.

use crate::harness::{locate_binary, raise_open_files_limit, CpuWindow};
use crate::live::people::{self, DEMO_TEAM};
use crate::live::pool::PoolOptions;
use crate::live::{plan_workers, unix_nanos, Cluster, Group, Pool, Publisher, Record, RedisTarget};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Options of `cats-bench throughput`.
#[derive(Debug, clap::Args)]
pub struct ThroughputArgs {
    /// Topics, one per created account.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub topics: u32,
    /// Sockets watching each topic.
    #[arg(long, default_value_t = 10)]
    pub subscribers: usize,
    /// How long to publish, in seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub seconds: u64,
    /// Most events to publish, whatever the time.
    #[arg(long, default_value_t = 5_000_000)]
    pub max_events: u32,
    /// Concurrent publisher tasks.
    #[arg(long, default_value_t = 8)]
    pub publishers: usize,
    /// Client worker processes holding the sockets.
    #[arg(long, default_value_t = 2)]
    pub client_processes: usize,
    /// The cats binary [default: target/release/cats in the workspace].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
}

/// Runs the benchmark and prints its figures and `RESULT throughput …` line.
pub async fn run(args: ThroughputArgs) -> Result<()> {
    let redis = RedisTarget::for_run("throughput")?;
    let binary = locate_binary(args.binary.as_deref())?;
    raise_open_files_limit()?;
    println!(
        "cats-bench throughput: {} user topics × {} subscribers, {} publishers for {} s",
        args.topics, args.subscribers, args.publishers, args.seconds
    );
    println!("redis {} prefix {}", redis.url, redis.prefix);
    crate::harness::print_machine_load().await;
    let cluster = Cluster::start(&binary, 1, Some(&redis), "throughput").await?;
    let outcome = measure(&cluster, &redis, &args).await;
    for paragraph in cluster.log_report() {
        println!("{paragraph}");
    }
    cluster.stop().await?;
    outcome
}

async fn measure(cluster: &Cluster, redis: &RedisTarget, args: &ThroughputArgs) -> Result<()> {
    let server = cluster.first()?;
    let begun = Instant::now();
    let count = usize::try_from(args.topics)?;
    let team = [(DEMO_TEAM, "provider-a.example")];
    let accounts = people::created(cluster, "t", count, &team).await?;
    println!(
        "created and signed in {} accounts in {:.1} s",
        accounts.len(),
        begun.elapsed().as_secs_f64()
    );
    let topics: Vec<String> = accounts.iter().map(people::user_topic).collect();
    let groups: Vec<Group> = accounts
        .iter()
        .zip(&topics)
        .map(|(account, topic)| Group {
            port: server.port(),
            cookie: account.cookie.clone(),
            topics: vec![topic.clone()],
            sockets: args.subscribers,
        })
        .collect();
    let plans = plan_workers(&groups, 6_000, args.client_processes)?;
    let options = PoolOptions {
        record: Record::Count,
        concurrency: 32,
        open_timeout: Duration::from_secs(30),
    };
    let (mut pool, opened) = Pool::open(plans, options).await?;
    println!("{}", opened.describe("subscribed"));
    let result = async {
        if !opened.complete() {
            bail!("not every socket subscribed");
        }
        let (_, settled) = pool
            .settle(Duration::from_secs(1), Duration::from_secs(60))
            .await?;
        if !settled {
            println!("warning: frames were still arriving before publishing");
        }
        let publisher = Arc::new(Publisher::connect(redis).await?);
        pool.reset().await?;
        let cpu = CpuWindow::start(vec![("server", cluster.pids()), ("clients", pool.pids())]);
        let (published, publishing) = publish(publisher, Arc::new(topics), args).await?;
        println!("{}", cpu.describe());
        let started_ns = unix_nanos().saturating_sub(
            u64::try_from(publishing.as_nanos()).unwrap_or(u64::MAX),
        );
        let subscribers = u64::try_from(args.subscribers)?;
        let expected = u64::from(published) * subscribers;
        let tally = pool
            .await_deliveries(expected, Duration::from_secs(3), Duration::from_secs(120))
            .await?;
        let events_per_s = f64::from(published) / publishing.as_secs_f64();
        let delivering = tally.last_ns.saturating_sub(started_ns) as f64 / 1e9;
        let deliveries_per_s = if delivering > 0.0 {
            tally.deliveries as f64 / delivering
        } else {
            0.0
        };
        println!(
            "published {published} events in {:.2} s: {events_per_s:.0} events/s",
            publishing.as_secs_f64()
        );
        println!(
            "delivered {} of {expected} in {delivering:.2} s: {deliveries_per_s:.0} deliveries/s",
            tally.deliveries
        );
        println!("sockets: {}", tally.summary());
        println!(
            "RESULT throughput events_per_s={events_per_s:.0} deliveries_per_s={deliveries_per_s:.0}"
        );
        Ok(())
    }
    .await;
    crate::live::pool::close_and_report(pool, cluster, result).await
}

/// Publishes round the topics from `--publishers` tasks until `--seconds` have passed or
/// `--max-events` were published. Returns how many were published and how long it took.
async fn publish(
    publisher: Arc<Publisher>,
    topics: Arc<Vec<String>>,
    args: &ThroughputArgs,
) -> Result<(u32, Duration)> {
    let next = Arc::new(AtomicU32::new(0));
    let max = args.max_events;
    let begun = Instant::now();
    let until = begun + Duration::from_secs(args.seconds);
    let mut tasks = Vec::new();
    for _ in 0..args.publishers.max(1) {
        let publisher = publisher.clone();
        let topics = topics.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut sent = 0u32;
            while Instant::now() < until {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= max {
                    break;
                }
                let index = usize::try_from(i).unwrap_or(0) % topics.len().max(1);
                let topic = topics.get(index).context("no topics")?;
                publisher.publish(topic, i).await?;
                sent += 1;
            }
            Ok::<_, anyhow::Error>(sent)
        }));
    }
    let mut published = 0;
    for task in tasks {
        published += task.await.context("a publisher panicked")??;
    }
    Ok((published, begun.elapsed()))
}
