//! `cats-bench sessions`: memory per idle WebSocket session on one instance (the embedded
//! default: SQLite, in-process bus). Budget (DESIGN.md "Budgets"): ≤ 16 KiB per session with
//! 19,000 sessions each subscribed to 2 topics, and still ≤ 16 KiB after every session has
//! reconnected once.
//!
//! Accounts are created across the four demo provider teams, so each socket joins its own
//! `user:<id>` topic and its team's `tenant:<id>` topic, and presence has a handful of people
//! per topic as it would in use. The sockets are held by client worker processes (at most
//! `--per-worker` each), so only the server holds all of them.
//!
//! kib_per_session = (RSS after opening and 5 s idle − RSS before, after 2 s idle) / sessions;
//! kib_after_churn is the same after every socket closed and reconnected, and 10 s idle (the
//! server's allocator gives freed pages back within about a second, decision record 17); a
//! reading 31 s later shows whether it still moves.

use crate::harness::{
    kib_to_mib, locate_binary, open_files, raise_open_files_limit, verdict, CpuWindow, Server,
};
use crate::live::people::{self, PROVIDER_TEAMS};
use crate::live::pool::PoolOptions;
use crate::live::{plan_workers, Cluster, Group, Pool, Record};
use anyhow::{bail, Result};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Memory per session target, in KiB.
const TARGET_KIB: f64 = 16.0;
/// Descriptors the server needs besides its sockets (listener, database, logs, Redis…).
const SERVER_SPARE_FDS: u64 = 200;

/// Options of `cats-bench sessions`.
#[derive(Debug, clap::Args)]
pub struct SessionsArgs {
    /// Sessions (sockets) to open.
    #[arg(long, default_value_t = 19_000)]
    pub count: usize,
    /// Accounts to create and share the sockets between (spread over the 4 provider teams).
    #[arg(long, default_value_t = 40, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub users: u32,
    /// Most sockets one client worker process holds.
    #[arg(long, default_value_t = 6_000)]
    pub per_worker: usize,
    /// Sockets each worker connects (or, in the churn, closes and reconnects) at once.
    #[arg(long, default_value_t = 128)]
    pub concurrency: usize,
    /// Give up on a socket that has not subscribed after this many seconds.
    #[arg(long, default_value_t = 60, value_name = "SECS")]
    pub open_timeout_secs: u64,
    /// The cats binary [default: target/release/cats in the workspace].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
}

/// Runs the benchmark and prints its figures and `RESULT sessions …` line.
pub async fn run(args: SessionsArgs) -> Result<()> {
    let binary = locate_binary(args.binary.as_deref())?;
    let limit = raise_open_files_limit()?;
    let count_fds = u64::try_from(args.count).unwrap_or(u64::MAX);
    if count_fds + SERVER_SPARE_FDS > limit {
        bail!(
            "{} sessions need {} descriptors in the server; the limit is {limit}",
            args.count,
            count_fds + SERVER_SPARE_FDS
        );
    }
    println!(
        "cats-bench sessions: {} sockets × 2 topics, {} accounts in 4 teams, embedded default",
        args.count, args.users
    );
    crate::harness::print_machine_load().await;
    let mut cluster = Cluster::start(&binary, 1, None, "sessions").await?;
    let outcome = measure(&mut cluster, &args).await;
    for paragraph in cluster.log_report() {
        println!("{paragraph}");
    }
    cluster.stop().await?;
    outcome
}

async fn measure(cluster: &mut Cluster, args: &SessionsArgs) -> Result<()> {
    let begun = Instant::now();
    let users = usize::try_from(args.users).unwrap_or(1);
    let accounts = people::created(cluster, "s", users, &PROVIDER_TEAMS).await?;
    println!(
        "created and signed in {} accounts in {:.1} s; server RSS now {} KiB",
        accounts.len(),
        begun.elapsed().as_secs_f64(),
        cluster.first()?.rss_kib()?
    );
    // Each sign-in's Argon2 hash takes 19 MiB; whatever of it the allocator still holds would
    // be reused by the sockets and hide their cost. A
    // fresh process on the same database keeps the sign-ins and starts clean.
    cluster.restart().await?;
    let server = cluster.first()?;

    let groups: Vec<Group> = accounts
        .iter()
        .enumerate()
        .map(|(index, account)| Group {
            port: server.port(),
            cookie: account.cookie.clone(),
            topics: vec![
                people::user_topic(account),
                people::tenant_topic(&account.tenant),
            ],
            // The first `count % users` accounts take one socket more.
            sockets: args.count / users + usize::from(index < args.count % users),
        })
        .filter(|group| group.sockets > 0)
        .collect();
    let plans = plan_workers(&groups, args.per_worker, 1)?;
    let workers = plans.len();
    let most = plans
        .iter()
        .map(|plan| plan.iter().map(|g| g.sockets).sum::<usize>())
        .max()
        .unwrap_or(0);
    let options = PoolOptions {
        record: Record::Count,
        concurrency: args.concurrency,
        open_timeout: Duration::from_secs(args.open_timeout_secs),
    };

    tokio::time::sleep(Duration::from_secs(2)).await;
    let before = sample(server)?;
    println!("before: {before}");

    println!(
        "opening {} sockets from {workers} client workers…",
        args.count
    );
    let cpu = CpuWindow::start(vec![("server", cluster.pids())]);
    let (mut pool, opened) = Pool::open(plans, options).await?;
    println!("{}\n  {}", opened.describe("opened"), cpu.describe());
    let result = async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let after = sample(server)?;
        let sessions = opened.subscribed;
        let per_session = per_session_kib(&before, &after, sessions);
        println!("after 5 s idle: {after}; {per_session:.2} KiB per session");
        println!("sockets: {}", pool.report(false).await?.summary());

        println!("every socket closes and reconnects once…");
        let cpu = CpuWindow::start(vec![("server", cluster.pids()), ("clients", pool.pids())]);
        let churned = pool.churn(options, most).await?;
        println!("{}\n  {}", churned.describe("reconnected"), cpu.describe());
        tokio::time::sleep(Duration::from_secs(10)).await;
        let after_churn = sample(server)?;
        let sessions_now = churned.subscribed;
        let per_session_churn = per_session_kib(&before, &after_churn, sessions_now);
        println!("after churn and 10 s idle: {after_churn}; {per_session_churn:.2} KiB per session");
        // A reading 31 s later shows whether the figure still moves once the churn is over.
        tokio::time::sleep(Duration::from_secs(31)).await;
        let later = sample(server)?;
        println!(
            "31 s later: {later}; {:.2} KiB per session",
            per_session_kib(&before, &later, sessions_now)
        );
        println!("sockets: {}", pool.report(false).await?.summary());

        println!(
            "per session: {per_session:.2} KiB (target ≤ {TARGET_KIB:.0}, {}), after churn \
             {per_session_churn:.2} KiB ({})",
            verdict(per_session <= TARGET_KIB),
            verdict(per_session_churn <= TARGET_KIB),
        );
        if !(opened.complete() && churned.complete()) {
            println!("warning: not every socket subscribed; figures are per subscribed socket");
        }
        println!(
            "RESULT sessions kib_per_session={per_session:.2} kib_after_churn={per_session_churn:.2} \
             count={sessions_now}"
        );
        Ok::<_, anyhow::Error>(())
    }
    .await;
    crate::live::pool::close_and_report(pool, cluster, result).await
}

/// The server's memory and descriptors at one moment.
struct Sample {
    rss_kib: u64,
    fds: usize,
}

impl std::fmt::Display for Sample {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "server RSS {} KiB ({:.1} MiB), {} descriptors",
            self.rss_kib,
            kib_to_mib(self.rss_kib),
            self.fds
        )
    }
}

fn sample(server: &Server) -> Result<Sample> {
    Ok(Sample {
        rss_kib: server.rss_kib()?,
        fds: open_files(server.pid()?)?,
    })
}

fn per_session_kib(before: &Sample, after: &Sample, sessions: usize) -> f64 {
    if sessions == 0 {
        return f64::NAN;
    }
    // Memory can shrink below the starting point; the figure is then negative, not wrapped.
    (after.rss_kib as f64 - before.rss_kib as f64) / sessions as f64
}
