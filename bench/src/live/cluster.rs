//! The servers a live benchmark runs against: one embedded instance (in-process bus), or
//! several instances sharing one SQLite file and one Redis prefix, as a small deployment does,
//! or several sharing a PostgreSQL database and Redis, as a production deployment does.
//! Each logs warnings and errors to its own file, summarised after the run.

use super::publisher::RedisTarget;
use crate::harness::{open_files, total_cpu_seconds, LogSummary, Server, ServerConfig};
use anyhow::{ensure, Context, Result};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long one instance may take to become ready (the first also migrates and seeds).
const READY_WITHIN: Duration = Duration::from_secs(120);

/// Running `cats serve` instances and their scratch folder.
pub struct Cluster {
    servers: Vec<Server>,
    configs: Vec<ServerConfig>,
    /// The database, data dirs and logs; removed when the cluster is dropped.
    scratch: tempfile::TempDir,
}

impl Cluster {
    /// Starts `instances` servers of `binary`. Without Redis there can only be one (the
    /// embedded default, SQLite under its data dir). With Redis they share one SQLite file and
    /// the target's prefix; the first seeds the demo data and is ready before the next starts.
    pub async fn start(
        binary: &Path,
        instances: usize,
        redis: Option<&RedisTarget>,
        name: &str,
    ) -> Result<Self> {
        Self::start_with(binary, instances, redis, None, name).await
    }

    /// Starts `instances` servers of `binary` on the database at `database_url` (already
    /// migrated and seeded) sharing `redis`, as a production deployment runs.
    pub async fn start_on(
        binary: &Path,
        instances: usize,
        redis: &RedisTarget,
        database_url: &str,
        name: &str,
    ) -> Result<Self> {
        Self::start_with(binary, instances, Some(redis), Some(database_url), name).await
    }

    async fn start_with(
        binary: &Path,
        instances: usize,
        redis: Option<&RedisTarget>,
        database_url: Option<&str>,
        name: &str,
    ) -> Result<Self> {
        ensure!(instances >= 1, "at least one instance");
        ensure!(
            instances == 1 || redis.is_some(),
            "several instances need Redis"
        );
        let scratch = tempfile::Builder::new()
            .prefix(&format!("cats-bench-{name}-"))
            .tempdir()
            .context("creating a temporary folder")?;
        let database = scratch.path().join("cats.db");
        let mut cluster = Self {
            servers: Vec::new(),
            configs: Vec::new(),
            scratch,
        };
        for index in 0..instances {
            let root = cluster.scratch.path();
            let data_dir = root.join(format!("data-{index}"));
            std::fs::create_dir(&data_dir)
                .with_context(|| format!("creating {}", data_dir.display()))?;
            let mut config = ServerConfig::new(binary, &data_dir)
                .with_log_file(root.join(format!("cats-{index}.log")));
            if let Some(redis) = redis {
                let url = database_url
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("sqlite://{}", database.display()));
                config = config
                    .with_env("CATS_DATABASE_URL", url)
                    .with_env("CATS_REDIS_URL", &redis.url)
                    .with_env("CATS_LIVE__REDIS_PREFIX", &redis.prefix);
            }
            let (server, ready) = Server::start(&config, READY_WITHIN)
                .await
                .with_context(|| format!("starting instance {index}"))?;
            println!(
                "instance {index}: {} ready in {:.0} ms (pid {})",
                server.base_url(),
                ready.as_secs_f64() * 1000.0,
                server.pid()?
            );
            cluster.servers.push(server);
            cluster.configs.push(config);
        }
        Ok(cluster)
    }

    /// The instances, in start order.
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }

    /// The instances' process ids.
    pub fn pids(&self) -> Vec<u32> {
        self.servers
            .iter()
            .filter_map(|server| server.pid().ok())
            .collect()
    }

    /// Descriptors the instances hold now, together (sockets, files, pipes).
    pub fn descriptors(&self) -> usize {
        self.pids()
            .into_iter()
            .filter_map(|pid| open_files(pid).ok())
            .sum()
    }

    /// The first instance.
    pub fn first(&self) -> Result<&Server> {
        self.servers.first().context("no instance is running")
    }

    /// The first instance's settings, for `cats user create` against the same database.
    pub fn cli_config(&self) -> Result<&ServerConfig> {
        self.configs.first().context("no instance is running")
    }

    /// Each instance's logged warnings and errors, one paragraph each.
    pub fn log_report(&self) -> Vec<String> {
        self.configs
            .iter()
            .enumerate()
            .map(|(index, config)| {
                let path: PathBuf = config.log_file.clone().unwrap_or_default();
                LogSummary::read(&path).describe(&format!("instance {index} log"))
            })
            .collect()
    }

    /// Waits until the instances use almost no CPU (under 5% of a core over half a second),
    /// for at most `within`; returns how long that took. After sockets close, this is the time
    /// the servers still spend on their leaving.
    pub async fn await_idle(&self, within: Duration) -> Duration {
        const WINDOW: Duration = Duration::from_millis(500);
        let pids = self.pids();
        let begun = std::time::Instant::now();
        let mut used = total_cpu_seconds(&pids);
        while begun.elapsed() < within {
            tokio::time::sleep(WINDOW).await;
            let now = total_cpu_seconds(&pids);
            if now - used < 0.05 * WINDOW.as_secs_f64() {
                break;
            }
            used = now;
        }
        begun.elapsed()
    }

    /// Stops every instance and starts it again on the same database (on a new port). Sign-in
    /// sessions live in the database, so cookies taken before still work; the new processes
    /// carry none of the memory the sign-ins' password hashing left behind.
    pub async fn restart(&mut self) -> Result<()> {
        let servers = std::mem::take(&mut self.servers);
        for (index, server) in servers.into_iter().enumerate() {
            let stopped = server.stop().await?;
            if stopped.killed {
                println!("warning: instance {index} ignored SIGTERM for 5 s and was killed");
            }
        }
        for (index, config) in self.configs.iter().enumerate() {
            let (server, ready) = Server::start(config, READY_WITHIN)
                .await
                .with_context(|| format!("restarting instance {index}"))?;
            println!(
                "instance {index} restarted: {} ready in {:.0} ms (pid {})",
                server.base_url(),
                ready.as_secs_f64() * 1000.0,
                server.pid()?
            );
            self.servers.push(server);
        }
        Ok(())
    }

    /// Stops every instance (SIGTERM, killed after 5 s), saying so when one had to be killed.
    pub async fn stop(self) -> Result<()> {
        for (index, server) in self.servers.into_iter().enumerate() {
            let stopped = server.stop().await?;
            if stopped.killed {
                println!("warning: instance {index} ignored SIGTERM for 5 s and was killed");
            } else {
                println!(
                    "instance {index} stopped in {:.0} ms ({})",
                    stopped.took.as_secs_f64() * 1000.0,
                    stopped.status
                );
            }
        }
        Ok(())
    }
}
