//! Starting, probing and stopping the release `cats` binary as a child process, the way an
//! operator runs it: `cats serve --bind 127.0.0.1:<port>`, configured only through `CATS_…`
//! variables. Inherited `CATS_…` variables are dropped so every benchmark states its own setup.

use anyhow::{bail, Context, Result};
use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};
use tokio::process::{Child, Command};

/// The path that answers 200 once the server can take requests.
pub const READY_PATH: &str = "/health/ready";

/// How often a starting server is probed; small, because start-up itself is being timed.
const POLL_EVERY: Duration = Duration::from_millis(2);
/// A probe that takes longer than this is dropped and retried.
const PROBE_TIMEOUT: Duration = Duration::from_millis(250);
/// How long a server gets to shut down after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(5);
/// Lines of the server's output quoted when it fails to start.
const LOG_TAIL_LINES: usize = 20;

/// The workspace root: the folder holding `Cargo.toml`, `config/` and `target/`.
pub fn workspace_root() -> PathBuf {
    let bench = Path::new(env!("CARGO_MANIFEST_DIR"));
    // bench/ sits directly under the root; the fallback only guards a root-level manifest dir.
    bench.parent().unwrap_or(bench).to_path_buf()
}

/// The `cats` binary to benchmark: `explicit` when given, else `target/release/cats` in the
/// workspace. Fails with what to do when it does not exist.
pub fn locate_binary(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = explicit {
        if path.is_file() {
            return Ok(path.to_path_buf());
        }
        bail!("no cats binary at {} (given with --binary)", path.display());
    }
    let root = workspace_root();
    let path = root.join("target").join("release").join("cats");
    if path.is_file() {
        return Ok(path);
    }
    bail!(
        "no release cats binary at {}: run `cargo build --release` in {} first \
         (benchmarks of a debug build mean nothing), or pass --binary PATH",
        path.display(),
        root.display()
    );
}

/// A TCP port on 127.0.0.1 that nothing listens on right now. Another process could take it
/// before the server binds it, which is unlikely enough on a benchmark machine.
pub fn free_port() -> Result<u16> {
    let listener =
        std::net::TcpListener::bind(("127.0.0.1", 0)).context("binding a free local port")?;
    Ok(listener
        .local_addr()
        .context("reading a bound port")?
        .port())
}

/// How to start one `cats serve` process.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The `cats` binary.
    pub binary: PathBuf,
    /// `CATS_DATA_DIR`: where the embedded SQLite database and documents live.
    pub data_dir: PathBuf,
    /// The working directory, where the server finds `config/default.toml`.
    pub workdir: PathBuf,
    /// `CATS_…` variables set after `CATS_DATA_DIR`, later ones winning.
    pub env: Vec<(String, String)>,
    /// Where the server's stdout and stderr are appended; `None` passes them through to ours.
    pub log_file: Option<PathBuf>,
}

impl ServerConfig {
    /// The embedded default (SQLite under `data_dir`, in-process bus) run from the workspace
    /// root, logging only warnings so that logging costs nothing measurable.
    pub fn new(binary: impl Into<PathBuf>, data_dir: impl Into<PathBuf>) -> Self {
        Self {
            binary: binary.into(),
            data_dir: data_dir.into(),
            workdir: workspace_root(),
            env: vec![("CATS_LOG__FILTER".to_owned(), "warn".to_owned())],
            log_file: None,
        }
    }

    /// The embedded default in a new temporary folder named after `benchmark`: data under its
    /// `data`, the server's log in its `cats.log`. The folder lives as long as the returned
    /// handle.
    pub fn in_scratch(
        binary: impl Into<PathBuf>,
        benchmark: &str,
    ) -> Result<(tempfile::TempDir, Self)> {
        let scratch = tempfile::Builder::new()
            .prefix(&format!("cats-bench-{benchmark}-"))
            .tempdir()
            .context("creating a temporary folder")?;
        let data_dir = scratch.path().join("data");
        std::fs::create_dir(&data_dir)
            .with_context(|| format!("creating {}", data_dir.display()))?;
        let config = Self::new(binary, data_dir).with_log_file(scratch.path().join("cats.log"));
        Ok((scratch, config))
    }

    /// Adds a `CATS_…` variable, e.g. `CATS_DATABASE_URL` or `CATS_REDIS_URL`.
    pub fn with_env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Sends the server's output to `path` (appended) instead of our terminal.
    pub fn with_log_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.log_file = Some(path.into());
        self
    }
}

/// How a server went away.
#[derive(Debug, Clone, Copy)]
pub struct Stopped {
    /// From SIGTERM to the process having exited.
    pub took: Duration,
    /// Whether it ignored SIGTERM for the grace period and had to be killed.
    pub killed: bool,
    /// Its exit status.
    pub status: ExitStatus,
}

/// A running `cats serve` child process. Dropping it kills the process (SIGKILL); call
/// [`Server::stop`] for a graceful stop.
#[derive(Debug)]
pub struct Server {
    child: Child,
    port: u16,
    started: Instant,
    client: reqwest::Client,
    log_file: Option<PathBuf>,
}

impl Server {
    /// Starts the server on a free port and waits until [`READY_PATH`] answers 200. Returns it
    /// with the time from spawn to ready.
    pub async fn start(config: &ServerConfig, ready_within: Duration) -> Result<(Self, Duration)> {
        let mut server = Self::spawn(config)?;
        let ready = server.wait_ready(ready_within).await?;
        Ok((server, ready))
    }

    /// Spawns the server on a free port without waiting for it. The start-up clock starts
    /// here.
    pub fn spawn(config: &ServerConfig) -> Result<Self> {
        let port = free_port()?;
        // Built before the clock starts: creating a client is not the server's start-up time.
        let client = reqwest::Client::builder()
            .timeout(PROBE_TIMEOUT)
            .connect_timeout(PROBE_TIMEOUT)
            .no_proxy()
            .build()
            .context("building the HTTP client")?;

        let mut command = Command::new(&config.binary);
        command
            .arg("serve")
            .arg("--bind")
            .arg(format!("127.0.0.1:{port}"))
            .current_dir(&config.workdir)
            .stdin(Stdio::null())
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
        if let Some(path) = &config.log_file {
            let log = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("opening {}", path.display()))?;
            command.stdout(log.try_clone()?).stderr(log);
        }

        let started = Instant::now();
        let child = command
            .spawn()
            .with_context(|| format!("starting {}", config.binary.display()))?;
        Ok(Self {
            child,
            port,
            started,
            client,
            log_file: config.log_file.clone(),
        })
    }

    /// Probes [`READY_PATH`] every 2 ms until it answers 200, and returns the time since spawn.
    /// Fails, quoting the server's last output, if it exits first or `within` runs out.
    pub async fn wait_ready(&mut self, within: Duration) -> Result<Duration> {
        let url = self.url(READY_PATH);
        let deadline = self.started + within;
        loop {
            if let Some(status) = self.child.try_wait().context("checking on cats")? {
                bail!(
                    "cats exited ({status}) before it was ready{}",
                    self.log_tail()
                );
            }
            // Refused connections and timeouts only mean "not yet".
            if let Ok(response) = self.client.get(&url).send().await {
                if response.status() == reqwest::StatusCode::OK {
                    return Ok(self.started.elapsed());
                }
            }
            if Instant::now() >= deadline {
                bail!(
                    "cats did not answer 200 at {url} within {within:?}{}",
                    self.log_tail()
                );
            }
            tokio::time::sleep(POLL_EVERY).await;
        }
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `path` (starting with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url())
    }

    /// The process id, while the process has not been reaped.
    pub fn pid(&self) -> Result<u32> {
        self.child.id().context("cats has already exited")
    }

    /// Its resident set size now, in KiB.
    pub fn rss_kib(&self) -> Result<u64> {
        super::memory::rss_kib(self.pid()?)
    }

    /// Sends SIGTERM and waits for the process to exit; kills it after 5 s.
    pub async fn stop(mut self) -> Result<Stopped> {
        let begun = Instant::now();
        // No id means it has exited and been reaped already; `wait` then returns its status.
        if let Some(pid) = self.child.id() {
            terminate(pid)?;
        }
        let (status, killed) = match tokio::time::timeout(STOP_GRACE, self.child.wait()).await {
            Ok(status) => (status.context("waiting for cats to exit")?, false),
            Err(_) => {
                self.child.kill().await.context("killing cats")?;
                let status = self.child.wait().await.context("waiting for cats to die")?;
                (status, true)
            }
        };
        Ok(Stopped {
            took: begun.elapsed(),
            killed,
            status,
        })
    }

    /// The last lines of the server's output, as a suffix for an error message.
    fn log_tail(&self) -> String {
        let Some(path) = &self.log_file else {
            return String::new();
        };
        let Ok(text) = std::fs::read_to_string(path) else {
            return String::new();
        };
        let lines: Vec<&str> = text.lines().collect();
        let tail = lines[lines.len().saturating_sub(LOG_TAIL_LINES)..].join("\n");
        // Quoted rather than pointed to: the log usually sits in a temporary folder that is
        // removed when the benchmark gives up.
        format!("; its last output:\n{tail}")
    }
}

/// Asks process `pid` to shut down gracefully.
#[allow(unsafe_code)] // std can only SIGKILL a child; a graceful stop needs kill(2).
fn terminate(pid: u32) -> Result<()> {
    let pid = libc::pid_t::try_from(pid).context("process id out of range")?;
    // SAFETY: kill(2) takes two integers and touches none of our memory. `pid` is our own
    // child, not yet reaped, so the number cannot have been reused by another process.
    let rc = unsafe { libc::kill(pid, libc::SIGTERM) };
    if rc != 0 {
        return Err(std::io::Error::last_os_error()).context("sending SIGTERM to cats");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_free_port_can_be_bound_again() {
        let port = free_port().ok();
        assert!(
            port.is_some_and(|port| std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()),
            "port {port:?}"
        );
    }

    #[test]
    fn a_missing_binary_says_how_to_build_it() {
        let error = locate_binary(Some(Path::new("/nonexistent/cats")))
            .err()
            .map(|error| error.to_string());
        assert_eq!(
            error.as_deref(),
            Some("no cats binary at /nonexistent/cats (given with --binary)")
        );
    }

    #[test]
    fn the_workspace_root_holds_the_workspace_manifest() {
        assert!(workspace_root().join("Cargo.toml").is_file());
        assert!(workspace_root().join("bench").is_dir());
    }
}
