//! `cats-bench grab`: many QA officers emptying the QA1 queue at once over 2 instances on one
//! PostgreSQL database, each doing what a reviewer's browser does: "review the next entry"
//! (claimed in one conditional update), the review page, "accept". It measures claims per
//! second, the latency of "next", and double claims: entry ids handed to more than one
//! reviewer, which must never happen.
//!
//! The database given is reset and seeded with the release binary (demo data, `--entries`
//! synthetic cases, all put in QA1 by SQL); the reviewers are created with `cats user create
//! --role qa-officer` over the whole organisation, and half sign in on each instance.

use crate::harness::{
    create_user_with_roles, locate_binary, loopback_postgres, millis, percentile_of_sorted,
    print_machine_load, raise_open_files_limit, reset_and_seed, CpuWindow, QueueUser, ServerConfig,
    BENCH_PASSWORD,
};
use crate::live::{Cluster, RedisTarget};
use anyhow::{ensure, Context, Result};
use futures_util::{stream, StreamExt, TryStreamExt};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Barrier;

/// The tenant the reviewers work: the whole authority, so every case is in their scope.
const REVIEWER_TENANT: &str = "1.1.";
/// `EnrolmentStatus::SubmittedToAuthority`'s stored value.
const SUBMITTED_TO_AUTHORITY: i64 = 2;
/// Accounts created, or signed in, at once: each costs an Argon2 hash on the two cores.
const AT_ONCE: usize = 2;

/// Options of `cats-bench grab`.
#[derive(Debug, clap::Args)]
pub struct GrabArgs {
    /// The PostgreSQL database to reset and run on (loopback only; it is emptied).
    #[arg(long, value_name = "URL")]
    pub database_url: String,
    /// QA officers working the queue at once, half on each instance.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub reviewers: u32,
    /// Entries put in the QA1 queue.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub entries: u32,
    /// The cats binary [default: target/release/cats in the workspace].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
}

/// One reviewer's work: each claim's entry and the time of its three requests.
#[derive(Debug, Default)]
struct Worked {
    claims: Vec<i64>,
    next_ms: Vec<f64>,
    review_ms: Vec<f64>,
    accept_ms: Vec<f64>,
    /// The "next" that found the queue empty.
    empty_ms: Vec<f64>,
}

/// Runs the benchmark and prints its figures and `RESULT grab …` line.
pub async fn run(args: GrabArgs) -> Result<()> {
    loopback_postgres(&args.database_url)?;
    let redis = RedisTarget::for_run("grab")?;
    let binary = locate_binary(args.binary.as_deref())?;
    raise_open_files_limit()?;
    println!(
        "cats-bench grab: {} QA officers over 2 instances empty a QA1 queue of {} entries",
        args.reviewers, args.entries
    );
    print_machine_load().await;
    let scratch = tempfile::Builder::new()
        .prefix("cats-bench-grab-")
        .tempdir()
        .context("creating a temporary folder")?;
    let data_dir = scratch.path().join("cli");
    std::fs::create_dir(&data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
    let cli =
        ServerConfig::new(&binary, &data_dir).with_env("CATS_DATABASE_URL", &args.database_url);
    reset_and_seed(&cli, args.entries, &queue_sql(args.entries), scratch.path()).await?;
    let begun = Instant::now();
    let emails: Vec<String> = (0..args.reviewers)
        .map(|n| format!("bench-grab-{n}@justice.gov.uk"))
        .collect();
    stream::iter(emails.iter())
        .map(|email| create_user_with_roles(&cli, email, REVIEWER_TENANT, &["qa-officer"]))
        .buffered(AT_ONCE)
        .try_collect::<Vec<u64>>()
        .await?;
    println!(
        "{} QA officers created in {:.1} s",
        emails.len(),
        begun.elapsed().as_secs_f64()
    );
    let cluster = Cluster::start_on(&binary, 2, &redis, &args.database_url, "grab").await?;
    let outcome = measure(&cluster, &emails, args.entries).await;
    for paragraph in cluster.log_report() {
        println!("{paragraph}");
    }
    cluster.stop().await?;
    outcome
}

/// Puts up to `entries` synthetic cases (those without an open entry) in QA1, as submitted by
/// their owners now, with the status a case in QA1 has (CFO decides only such cases).
fn queue_sql(entries: u32) -> String {
    format!(
        "INSERT INTO qa_entries (participant_id, queue, tenant_id, support_worker_id, \
         submitted_at, created_by, created_at) \
         SELECT id, 'qa1', owner_tenant_id, owner_id, now(), owner_id, now() FROM participants p \
         WHERE owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM qa_entries e \
         WHERE e.participant_id = p.id AND e.completed_at IS NULL) \
         ORDER BY id LIMIT {entries};\n\
         UPDATE participants SET enrolment_status = {SUBMITTED_TO_AUTHORITY} WHERE id IN \
         (SELECT participant_id FROM qa_entries WHERE queue = 'qa1' AND completed_at IS NULL);\n"
    )
}

async fn measure(cluster: &Cluster, emails: &[String], entries: u32) -> Result<()> {
    let servers = cluster.servers();
    let begun = Instant::now();
    let reviewers: Vec<QueueUser> = stream::iter(emails.iter().enumerate())
        .map(|(n, email)| {
            let base_url = servers[n % servers.len()].base_url();
            async move { QueueUser::sign_in(&base_url, email, BENCH_PASSWORD, "/queues/qa1").await }
        })
        .buffered(AT_ONCE)
        .try_collect()
        .await?;
    println!(
        "{} QA officers signed in (alternating instances) in {:.1} s",
        reviewers.len(),
        begun.elapsed().as_secs_f64()
    );
    // Any reviewer's session reads the dashboard, before and after the run.
    let observer = reviewers.first().context("no reviewers")?.clone();
    let queued = unclaimed(&observer).await;
    println!(
        "QA1 holds {} unclaimed entries (asked for {entries})",
        queued.map_or("an unknown number of".to_owned(), |n| n.to_string())
    );

    let barrier = Arc::new(Barrier::new(reviewers.len() + 1));
    let tasks: Vec<_> = reviewers
        .into_iter()
        .map(|reviewer| {
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                work(&reviewer).await
            })
        })
        .collect();
    let cpu = CpuWindow::start(vec![("servers", cluster.pids())]);
    barrier.wait().await;
    let started = Instant::now();
    let mut worked = Vec::new();
    let mut failures = Vec::new();
    for task in tasks {
        match task.await.context("a reviewer task panicked")? {
            Ok(done) => worked.push(done),
            Err(error) => failures.push(format!("{error:#}")),
        }
    }
    let elapsed = started.elapsed();
    println!(
        "queue emptied in {:.2} s; {}",
        elapsed.as_secs_f64(),
        cpu.describe()
    );
    for failure in &failures {
        println!("reviewer stopped: {failure}");
    }

    let claims: usize = worked.iter().map(|w| w.claims.len()).sum();
    let mut handed: HashMap<i64, usize> = HashMap::new();
    for id in worked.iter().flat_map(|w| w.claims.iter()) {
        *handed.entry(*id).or_default() += 1;
    }
    let double_claims = handed.values().filter(|count| **count > 1).count();
    let per_reviewer: Vec<usize> = worked.iter().map(|w| w.claims.len()).collect();
    let claims_per_s = claims as f64 / elapsed.as_secs_f64();
    let next = sorted(worked.iter().flat_map(|w| w.next_ms.iter().copied()));
    let review = sorted(worked.iter().flat_map(|w| w.review_ms.iter().copied()));
    let accept = sorted(worked.iter().flat_map(|w| w.accept_ms.iter().copied()));
    let empty = sorted(worked.iter().flat_map(|w| w.empty_ms.iter().copied()));
    println!(
        "{claims} claims of {} distinct entries by {} reviewers ({} to {} each): \
         {claims_per_s:.1} claims/s, each a next + review page + accept",
        handed.len(),
        worked.len(),
        per_reviewer.iter().min().unwrap_or(&0),
        per_reviewer.iter().max().unwrap_or(&0)
    );
    println!("{}", describe("next (claim, 303)", &next));
    println!("{}", describe("review page (GET)", &review));
    println!("{}", describe("accept (POST, 303)", &accept));
    println!("{}", describe("next on the empty queue", &empty));
    println!("double claims (entry ids handed to more than one reviewer): {double_claims}");
    let left = unclaimed(&observer).await;
    println!(
        "QA1 unclaimed after the run: {}",
        left.map_or("unknown".to_owned(), |n| n.to_string())
    );
    ensure!(
        failures.is_empty(),
        "{} reviewers stopped with an error",
        failures.len()
    );
    let p50 = percentile_of_sorted(&next, 50.0).context("nothing was claimed")?;
    let p99 = percentile_of_sorted(&next, 99.0).context("nothing was claimed")?;
    println!(
        "RESULT grab claims_per_s={claims_per_s:.1} p50_ms={p50:.2} p99_ms={p99:.2} \
         double_claims={double_claims}"
    );
    Ok(())
}

/// The dashboard's count of unclaimed QA1 entries; `None`, said, when it cannot be read (it
/// only informs the report).
async fn unclaimed(observer: &QueueUser) -> Option<u64> {
    match observer.dashboard_count("qa1-unclaimed").await {
        Ok(count) => count,
        Err(error) => {
            println!("the queue dashboard FAILED: {error:#}");
            None
        }
    }
}

/// One reviewer's loop until "next" finds the queue empty.
async fn work(reviewer: &QueueUser) -> Result<Worked> {
    let mut worked = Worked::default();
    loop {
        let call = Instant::now();
        let Some(entry) = reviewer.next("qa1").await? else {
            worked.empty_ms.push(millis(call.elapsed()));
            return Ok(worked);
        };
        worked.next_ms.push(millis(call.elapsed()));
        worked.claims.push(entry);
        let call = Instant::now();
        let version = reviewer.review_version(entry).await?;
        worked.review_ms.push(millis(call.elapsed()));
        let call = Instant::now();
        reviewer
            .accept(entry, &version)
            .await
            .with_context(|| format!("accepting entry {entry}"))?;
        // No reading time between the page and the decision: the claim path is loaded most.
        worked.accept_ms.push(millis(call.elapsed()));
    }
}

fn sorted(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values
}

/// `name: n requests, p50 … p90 … p99 … max … ms`.
fn describe(name: &str, sorted: &[f64]) -> String {
    let at = |p: f64| percentile_of_sorted(sorted, p).unwrap_or(f64::NAN);
    format!(
        "{name}: {} requests, p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        sorted.len(),
        at(50.0),
        at(90.0),
        at(99.0),
        sorted.last().copied().unwrap_or(f64::NAN)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queue_sql_skips_cases_with_an_open_entry_and_takes_at_most_the_entries_asked() {
        let sql = queue_sql(2000);
        assert!(sql.contains("e.completed_at IS NULL"));
        assert!(sql.contains("LIMIT 2000;\n"));
        assert!(sql.contains("SET enrolment_status = 2 "));
    }
}
