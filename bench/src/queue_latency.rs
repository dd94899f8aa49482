//! `cats-bench queue-latency`: how soon a queue change made on one instance shows on another.
//! Two instances share a PostgreSQL database and Redis. The demo provider QA user, signed in
//! on instance A, takes and releases one PQA entry alternately; a socket of the same user on
//! instance B is subscribed to `qa:queues`, as their open dashboard is.
//!
//! Each change is timed from the moment its POST has returned (the change is committed) to the
//! `qa:queues` event arriving on B's socket, and to B's `GET /queues` showing the new
//! `pqa-claimed` count: the event and the refetch it asks for, which is what the person looking
//! at the dashboard sees. An event that arrives before the POST's response counts as 0 ms (and
//! is counted). Changes are spaced by `--pause-ms` so that they never overlap.

use crate::harness::{
    locate_binary, loopback_postgres, millis, percentile_of_sorted, print_machine_load,
    raise_open_files_limit, reset_and_seed, QueueUser, ServerConfig, DEMO_PASSWORD,
};
use crate::live::client::{self, Target};
use crate::live::recorder::Recorder;
use crate::live::{Cluster, Record, RedisTarget};
use anyhow::{bail, Context, Result};
use futures_util::StreamExt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// The demo provider QA user.
const PQA_USER: &str = "pqa@provider-a.example";
/// The topic every queue change is announced on.
const QUEUES_TOPIC: &str = "qa:queues";
/// An event or a fresh count not seen by then means the change was lost.
const ARRIVE_WITHIN: Duration = Duration::from_secs(10);
/// Synthetic cases seeded; one of provider A's is put in PQA.
const SCALE: u32 = 20;

/// Options of `cats-bench queue-latency`.
#[derive(Debug, clap::Args)]
pub struct QueueLatencyArgs {
    /// The PostgreSQL database to reset and run on (loopback only; it is emptied).
    #[arg(long, value_name = "URL")]
    pub database_url: String,
    /// Changes made (takes and releases, alternately).
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(2..=100_000))]
    pub changes: u32,
    /// Time between one change being seen and the next one, in milliseconds.
    #[arg(long, default_value_t = 20, value_name = "MS")]
    pub pause_ms: u64,
    /// The cats binary [default: target/release/cats in the workspace].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
}

/// One change's figures, in milliseconds.
#[derive(Debug, Clone, Copy)]
struct Change {
    post_ms: f64,
    event_ms: f64,
    refetch_ms: f64,
    /// Whether the event arrived before the POST's response.
    early: bool,
    /// `GET /queues` calls that still showed the old count.
    stale_reads: u32,
}

/// Runs the benchmark and prints its figures and `RESULT queue-latency …` line.
pub async fn run(args: QueueLatencyArgs) -> Result<()> {
    loopback_postgres(&args.database_url)?;
    let redis = RedisTarget::for_run("queue-latency")?;
    let binary = locate_binary(args.binary.as_deref())?;
    raise_open_files_limit()?;
    println!(
        "cats-bench queue-latency: {} takes and releases of one PQA entry on instance A, seen \
         on instance B",
        args.changes
    );
    print_machine_load().await;
    let scratch = tempfile::Builder::new()
        .prefix("cats-bench-queue-latency-")
        .tempdir()
        .context("creating a temporary folder")?;
    let data_dir = scratch.path().join("cli");
    std::fs::create_dir(&data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let cli =
        ServerConfig::new(&binary, &data_dir).with_env("CATS_DATABASE_URL", &args.database_url);
    reset_and_seed(&cli, SCALE, PQA_SQL, scratch.path()).await?;
    let cluster =
        Cluster::start_on(&binary, 2, &redis, &args.database_url, "queue-latency").await?;
    let outcome = measure(&cluster, &args).await;
    for paragraph in cluster.log_report() {
        println!("{paragraph}");
    }
    cluster.stop().await?;
    outcome
}

/// Puts one of provider A's synthetic cases in PQA, as submitted by its owner now.
const PQA_SQL: &str = "INSERT INTO qa_entries (participant_id, queue, tenant_id, \
     support_worker_id, submitted_at, created_by, created_at) \
     SELECT id, 'pqa', owner_tenant_id, owner_id, now(), owner_id, now() FROM participants p \
     WHERE owner_id IS NOT NULL AND owner_tenant_id LIKE '1.1.1.1.%' AND NOT EXISTS \
     (SELECT 1 FROM qa_entries e WHERE e.participant_id = p.id AND e.completed_at IS NULL) \
     ORDER BY id LIMIT 1;\n";

async fn measure(cluster: &Cluster, args: &QueueLatencyArgs) -> Result<()> {
    let [a, b] = cluster.servers() else {
        bail!("two instances expected");
    };
    let changer = QueueUser::sign_in(&a.base_url(), PQA_USER, DEMO_PASSWORD, "/queues/pqa").await?;
    let viewer = QueueUser::sign_in(&b.base_url(), PQA_USER, DEMO_PASSWORD, "/queues/pqa").await?;
    let list = changer.page("/queues/pqa").await?;
    let entry =
        crate::harness::queues::first_entry_link(&list).context("the PQA queue lists no entry")?;
    // The dashboard's count is what its viewer sees; when the dashboard cannot be read, the
    // queue page's list (also refetched on the event) stands in, and the report says so.
    let use_dashboard = match viewer.dashboard_count("pqa-claimed").await {
        Ok(claimed) => {
            println!("PQA entry {entry}; B's dashboard shows pqa-claimed {claimed:?}");
            if claimed != Some(0) {
                bail!("B's dashboard should show pqa-claimed 0 before the run, not {claimed:?}");
            }
            true
        }
        Err(error) => {
            println!(
                "PQA entry {entry}; B's dashboard FAILED ({error:#}): the refetch measured is \
                 B's GET /queues/pqa (the queue-list fragment) showing the entry taken or not"
            );
            false
        }
    };
    let claimed_on_b = || async {
        if use_dashboard {
            viewer.dashboard_count("pqa-claimed").await
        } else {
            viewer.listed_claimed("pqa").await.map(Some)
        }
    };

    let target = Target {
        server: SocketAddr::from((Ipv4Addr::LOCALHOST, b.port())),
        source: Ipv4Addr::LOCALHOST,
        cookie: viewer.cookie().to_owned(),
        topics: vec![QUEUES_TOPIC.to_owned()],
    };
    let recorder = Recorder::new(Record::Count);
    let socket = tokio::time::timeout(ARRIVE_WITHIN, client::open(&target, &recorder))
        .await
        .context("subscribing took too long")??;
    let (events, mut arrivals) = mpsc::unbounded_channel::<(Instant, String)>();
    let reader = tokio::spawn(read_events(socket, events));

    let mut changes = Vec::new();
    let mut events_per_change = Vec::new();
    for n in 0..args.changes {
        let taking = n % 2 == 0;
        // Anything left from the previous change is not this change's event.
        let mut left_over = 0;
        while arrivals.try_recv().is_ok() {
            left_over += 1;
        }
        if n > 0 {
            events_per_change.push(1 + left_over);
        }
        let call = Instant::now();
        if taking {
            changer.take(entry).await?;
        } else {
            changer.release(entry).await?;
        }
        let returned = Instant::now();
        let (arrived, body) = tokio::time::timeout(ARRIVE_WITHIN, arrivals.recv())
            .await
            .with_context(|| format!("change {n}: no {QUEUES_TOPIC} event on B"))?
            .context("B's socket closed")?;
        if n == 0 {
            println!("event body: {body}");
        }
        let wanted = u64::from(taking);
        let mut stale_reads = 0;
        loop {
            if claimed_on_b().await? == Some(wanted) {
                break;
            }
            stale_reads += 1;
            if returned.elapsed() > ARRIVE_WITHIN {
                bail!("change {n}: B's dashboard never showed pqa-claimed {wanted}");
            }
        }
        let seen = Instant::now();
        changes.push(Change {
            post_ms: millis(returned - call),
            event_ms: millis(arrived.saturating_duration_since(returned)),
            refetch_ms: millis(seen - returned),
            early: arrived < returned,
            stale_reads,
        });
        tokio::time::sleep(Duration::from_millis(args.pause_ms)).await;
    }
    let mut left_over = 0;
    while arrivals.try_recv().is_ok() {
        left_over += 1;
    }
    events_per_change.push(1 + left_over);
    reader.abort();

    let post = sorted(changes.iter().map(|c| c.post_ms));
    let event = sorted(changes.iter().map(|c| c.event_ms));
    let refetch = sorted(changes.iter().map(|c| c.refetch_ms));
    let early = changes.iter().filter(|c| c.early).count();
    let stale: u32 = changes.iter().map(|c| c.stale_reads).sum();
    let extra_events = events_per_change.iter().filter(|n| **n != 1).count();
    println!("{}", describe("POST take/release (on A)", &post));
    println!("{}", describe("POST returned → event on B", &event));
    let refetched = if use_dashboard {
        "POST returned → B's GET /queues shows it"
    } else {
        "POST returned → B's GET /queues/pqa shows it"
    };
    println!("{}", describe(refetched, &refetch));
    println!(
        "events before the POST's response: {early}; the page still stale after the event: \
         {stale}; changes not announced by exactly one event: {extra_events}"
    );
    println!(
        "raw event ms: {}",
        changes
            .iter()
            .map(|c| format!("{:.2}", c.event_ms))
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!(
        "raw refetch ms: {}",
        changes
            .iter()
            .map(|c| format!("{:.2}", c.refetch_ms))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let at = |values: &[f64], p: f64| percentile_of_sorted(values, p).unwrap_or(f64::NAN);
    println!(
        "RESULT queue-latency p50_ms={:.2} p99_ms={:.2} refetch_p50_ms={:.2} \
         refetch_p99_ms={:.2}",
        at(&event, 50.0),
        at(&event, 99.0),
        at(&refetch, 50.0),
        at(&refetch, 99.0)
    );
    Ok(())
}

/// Sends the arrival time and body of every `qa:queues` event on `socket` to `events`.
async fn read_events(mut socket: client::Socket, events: mpsc::UnboundedSender<(Instant, String)>) {
    while let Some(Ok(message)) = socket.next().await {
        let Message::Text(text) = message else {
            continue;
        };
        let arrived = Instant::now();
        let Ok(frame) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if frame["type"] == "event"
            && frame["topic"] == QUEUES_TOPIC
            && events.send((arrived, frame["body"].to_string())).is_err()
        {
            return;
        }
    }
}

fn sorted(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values
}

/// `name: n, min … p50 … p90 … p99 … max … mean … ms`.
fn describe(name: &str, sorted: &[f64]) -> String {
    let at = |p: f64| percentile_of_sorted(sorted, p).unwrap_or(f64::NAN);
    let mean = sorted.iter().sum::<f64>() / sorted.len().max(1) as f64;
    format!(
        "{name}: {} changes, min {:.2} ms, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, \
         max {:.2} ms, mean {mean:.2} ms",
        sorted.len(),
        sorted.first().copied().unwrap_or(f64::NAN),
        at(50.0),
        at(90.0),
        at(99.0),
        sorted.last().copied().unwrap_or(f64::NAN)
    )
}
