//! The benchmark's side of the client workers: it spreads sockets over worker processes (each
//! connecting from its own loopback address, 127.0.0.2, .3, …), sends them commands and merges
//! their answers.

use super::protocol::{Command, Plan, Record, Reply, Tally};
pub use super::protocol::{Group, Ready};
use anyhow::{bail, ensure, Context, Result};
use std::net::Ipv4Addr;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout, Command as Process};
use tokio::time::Instant;

/// The hidden subcommand a worker process runs.
pub const WORKER_SUBCOMMAND: &str = "client-worker";
/// Source addresses 127.0.0.2 … 127.0.0.251: one per worker.
const MAX_WORKERS: usize = 250;
/// A quick command (reset, report, close) that is not answered by then has failed.
const QUICK_REPLY_WITHIN: Duration = Duration::from_secs(30);
/// How often progress is polled while waiting for quiet or for deliveries.
const POLL_EVERY: Duration = Duration::from_millis(100);

/// How the workers open their sockets.
#[derive(Debug, Clone, Copy)]
pub struct PoolOptions {
    /// What to record of each event.
    pub record: Record,
    /// Sockets connecting at once, per worker.
    pub concurrency: usize,
    /// Time one socket has to connect and subscribe.
    pub open_timeout: Duration,
}

/// Splits `groups` over worker processes: as few as keeps each at `max_per_worker` sockets or
/// fewer, and at least `min_workers`, with the sockets spread evenly.
pub fn plan_workers(
    groups: &[Group],
    max_per_worker: usize,
    min_workers: usize,
) -> Result<Vec<Vec<Group>>> {
    ensure!(max_per_worker > 0, "a worker must hold at least one socket");
    let total: usize = groups.iter().map(|group| group.sockets).sum();
    ensure!(total > 0, "no sockets to open");
    let workers = total.div_ceil(max_per_worker).max(min_workers).min(total);
    ensure!(
        workers <= MAX_WORKERS,
        "{total} sockets need {workers} workers; at most {MAX_WORKERS} source addresses"
    );
    let quota = total.div_ceil(workers);
    let mut plans = vec![Vec::new()];
    let mut room = quota;
    for group in groups {
        let mut left = group.sockets;
        while left > 0 {
            if room == 0 {
                plans.push(Vec::new());
                room = quota;
            }
            let take = left.min(room);
            if let Some(plan) = plans.last_mut() {
                plan.push(Group {
                    sockets: take,
                    ..group.clone()
                });
            }
            left -= take;
            room -= take;
        }
    }
    Ok(plans)
}

/// The running worker processes.
pub struct Pool {
    workers: Vec<Worker>,
}

struct Worker {
    label: String,
    child: Child,
    stdin: ChildStdin,
    replies: Lines<BufReader<ChildStdout>>,
}

impl Pool {
    /// Starts one worker per plan (this same binary, `client-worker`) and has each open its
    /// sockets; returns once every worker has answered.
    pub async fn open(plans: Vec<Vec<Group>>, options: PoolOptions) -> Result<(Self, Ready)> {
        ensure!(plans.len() <= MAX_WORKERS, "too many workers");
        let exe = std::env::current_exe().context("finding the cats-bench binary")?;
        let mut pool = Self {
            workers: Vec::new(),
        };
        let mut commands = Vec::new();
        let mut most = 0;
        for (index, groups) in plans.into_iter().enumerate() {
            let octet = u8::try_from(index + 2).context("too many workers")?;
            let source = Ipv4Addr::new(127, 0, 0, octet);
            let sockets: usize = groups.iter().map(|group| group.sockets).sum();
            most = most.max(sockets);
            let mut child = Process::new(&exe)
                .arg(WORKER_SUBCOMMAND)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .kill_on_drop(true)
                .spawn()
                .context("starting a client worker")?;
            let stdin = child.stdin.take().context("no stdin for a worker")?;
            let stdout = child.stdout.take().context("no stdout for a worker")?;
            pool.workers.push(Worker {
                label: format!("worker {index} ({source}, {sockets} sockets)"),
                child,
                stdin,
                replies: BufReader::new(stdout).lines(),
            });
            commands.push(Command::Open(Plan {
                source,
                groups,
                concurrency: options.concurrency,
                record: options.record,
                open_timeout_ms: u64::try_from(options.open_timeout.as_millis())
                    .unwrap_or(u64::MAX),
            }));
        }
        let within = Self::opening_time(most, options);
        let replies = pool.ask_each(commands, within).await?;
        let ready = merge_ready(replies)?;
        Ok((pool, ready))
    }

    /// How long a worker with `sockets` sockets may take to open them all (it gives up itself
    /// a little earlier).
    fn opening_time(sockets: usize, options: PoolOptions) -> Duration {
        let rounds = sockets.div_ceil(options.concurrency.max(1)) + 2;
        options
            .open_timeout
            .saturating_mul(u32::try_from(rounds).unwrap_or(u32::MAX))
            + QUICK_REPLY_WITHIN
    }

    /// The worker processes' ids, for their CPU time.
    pub fn pids(&self) -> Vec<u32> {
        self.workers
            .iter()
            .filter_map(|worker| worker.child.id())
            .collect()
    }

    /// Every socket closes and connects again, re-subscribing.
    pub async fn churn(
        &mut self,
        options: PoolOptions,
        sockets_per_worker: usize,
    ) -> Result<Ready> {
        let within = Self::opening_time(sockets_per_worker, options);
        let replies = self.ask_all(&Command::Churn, within).await?;
        merge_ready(replies)
    }

    /// Forgets the deliveries counted so far.
    pub async fn reset(&mut self) -> Result<()> {
        for reply in self.ask_all(&Command::Reset, QUICK_REPLY_WITHIN).await? {
            ensure!(matches!(reply, Reply::Done), "unexpected reply {reply:?}");
        }
        Ok(())
    }

    /// What arrived on every worker's sockets, merged.
    pub async fn report(&mut self, latencies: bool) -> Result<Tally> {
        let mut total = Tally::default();
        for reply in self
            .ask_all(&Command::Report { latencies }, QUICK_REPLY_WITHIN)
            .await?
        {
            match reply {
                Reply::Report(tally) => total.merge(tally),
                other => bail!("unexpected reply {other:?}"),
            }
        }
        Ok(total)
    }

    /// Waits until no frame has arrived anywhere for `quiet` (presence has settled), for at
    /// most `within`. Returns the tally then, and whether it did settle.
    pub async fn settle(&mut self, quiet: Duration, within: Duration) -> Result<(Tally, bool)> {
        let deadline = Instant::now() + within;
        let mut tally = self.report(false).await?;
        let mut still_since = Instant::now();
        loop {
            if still_since.elapsed() >= quiet {
                return Ok((tally, true));
            }
            if Instant::now() >= deadline {
                return Ok((tally, false));
            }
            tokio::time::sleep(POLL_EVERY).await;
            let now = self.report(false).await?;
            if now.frames != tally.frames {
                still_since = Instant::now();
            }
            tally = now;
        }
    }

    /// Waits until `expected` events have been delivered since the last reset, or no more
    /// arrive for `stall`, or `within` runs out. Returns the tally with its recorded
    /// deliveries.
    pub async fn await_deliveries(
        &mut self,
        expected: u64,
        stall: Duration,
        within: Duration,
    ) -> Result<Tally> {
        let deadline = Instant::now() + within;
        let mut seen = 0;
        let mut moved = Instant::now();
        loop {
            let tally = self.report(false).await?;
            if tally.deliveries != seen {
                seen = tally.deliveries;
                moved = Instant::now();
            }
            if seen >= expected || moved.elapsed() >= stall || Instant::now() >= deadline {
                break;
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
        self.report(true).await
    }

    /// Closes every socket and ends the workers.
    pub async fn close(mut self) -> Result<()> {
        let replies = self.ask_all(&Command::Close, QUICK_REPLY_WITHIN).await;
        for worker in &mut self.workers {
            if tokio::time::timeout(Duration::from_secs(5), worker.child.wait())
                .await
                .is_err()
            {
                let _ = worker.child.kill().await;
            }
        }
        replies.map(|_| ())
    }

    /// Sends the same command to every worker and collects their replies.
    async fn ask_all(&mut self, command: &Command, within: Duration) -> Result<Vec<Reply>> {
        let commands = vec![command.clone(); self.workers.len()];
        self.ask_each(commands, within).await
    }

    /// Sends each worker its command (they work at the same time), then reads every reply.
    async fn ask_each(&mut self, commands: Vec<Command>, within: Duration) -> Result<Vec<Reply>> {
        let deadline = Instant::now() + within;
        for (worker, command) in self.workers.iter_mut().zip(&commands) {
            let mut line = serde_json::to_string(command).context("encoding a command")?;
            line.push('\n');
            worker
                .stdin
                .write_all(line.as_bytes())
                .await
                .with_context(|| format!("{} is gone", worker.label))?;
            worker.stdin.flush().await.context("sending a command")?;
        }
        let mut replies = Vec::new();
        for worker in &mut self.workers {
            let line = tokio::time::timeout_at(deadline, worker.replies.next_line())
                .await
                .with_context(|| format!("{} did not answer within {within:?}", worker.label))?
                .with_context(|| format!("reading from {}", worker.label))?
                .with_context(|| format!("{} exited", worker.label))?;
            let reply: Reply = serde_json::from_str(&line)
                .with_context(|| format!("{} answered {line:?}", worker.label))?;
            if let Reply::Failed { error } = &reply {
                bail!("{}: {error}", worker.label);
            }
            replies.push(reply);
        }
        Ok(replies)
    }
}

fn merge_ready(replies: Vec<Reply>) -> Result<Ready> {
    let mut total = Ready::default();
    for reply in replies {
        match reply {
            Reply::Ready(ready) => total.merge(ready),
            other => bail!("unexpected reply {other:?}"),
        }
    }
    Ok(total)
}

/// Closes every socket, says how long that took and how long the server stayed busy after,
/// then returns the run's own result (or the close's failure).
pub async fn close_and_report(
    pool: Pool,
    cluster: &crate::live::cluster::Cluster,
    result: Result<()>,
) -> Result<()> {
    println!("{} closing the sockets…", crate::harness::utc_clock());
    let closing = std::time::Instant::now();
    let closed = pool.close().await;
    let closed_in = closing.elapsed();
    let busy = cluster
        .await_idle(std::time::Duration::from_secs(120))
        .await;
    println!(
        "{} sockets closed in {:.1} s; the server kept busy {:.1} s more; it holds {} \
         descriptors",
        crate::harness::utc_clock(),
        closed_in.as_secs_f64(),
        busy.as_secs_f64(),
        cluster.descriptors()
    );
    result?;
    anyhow::Context::context(closed, "closing the sockets")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(cookie: &str, sockets: usize) -> Group {
        Group {
            port: 8080,
            cookie: cookie.to_owned(),
            topics: vec!["tenant:1.".to_owned()],
            sockets,
        }
    }

    fn sizes(plans: &[Vec<Group>]) -> Vec<usize> {
        plans
            .iter()
            .map(|plan| plan.iter().map(|g| g.sockets).sum())
            .collect()
    }

    #[test]
    fn sockets_are_spread_evenly_over_as_few_workers_as_the_cap_allows() {
        let groups: Vec<Group> = (0..40).map(|i| group(&i.to_string(), 475)).collect();
        let plans = plan_workers(&groups, 6000, 1).expect("plans");
        assert_eq!(sizes(&plans), vec![4750; 4]);
    }

    #[test]
    fn a_group_is_cut_where_a_worker_is_full_and_nothing_is_lost() {
        let groups = vec![group("a", 5), group("b", 6)];
        let plans = plan_workers(&groups, 4, 1).expect("plans");
        assert_eq!(sizes(&plans), vec![4, 4, 3]);
        let b: usize = plans
            .iter()
            .flatten()
            .filter(|g| g.cookie == "b")
            .map(|g| g.sockets)
            .sum();
        assert_eq!(b, 6);
    }

    #[test]
    fn a_minimum_number_of_workers_is_honoured() {
        let plans = plan_workers(&[group("a", 1000)], 6000, 2).expect("plans");
        assert_eq!(sizes(&plans), vec![500, 500]);
    }

    #[test]
    fn no_sockets_is_an_error() {
        assert!(plan_workers(&[], 10, 1).is_err());
    }
}
