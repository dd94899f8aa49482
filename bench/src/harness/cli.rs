//! Running the release `cats` binary's operator commands (`cats db reset`, `cats db seed …`,
//! `cats user create …`) against a benchmark's database, as an operator would before a run.
//! Only loopback PostgreSQL servers are accepted: `cats db reset` drops every table.

use super::server::ServerConfig;
use anyhow::{bail, Context, Result};
use std::net::Ipv4Addr;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// A command that takes longer than this has failed (seeding thousands of cases takes a while).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(600);

/// Runs `cats ARGS` with `config`'s `CATS_…` variables (inherited ones dropped), piping
/// `stdin` to it; returns its standard output, or fails quoting both outputs.
pub async fn run_cats(config: &ServerConfig, args: &[&str], stdin: Option<&str>) -> Result<String> {
    let mut command = Command::new(&config.binary);
    command
        .args(args)
        .current_dir(&config.workdir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
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
    let shown = format!("cats {}", args.join(" "));
    let mut child = command
        .spawn()
        .with_context(|| format!("starting `{shown}`"))?;
    let mut input = child
        .stdin
        .take()
        .with_context(|| format!("no stdin for `{shown}`"))?;
    if let Some(text) = stdin {
        input
            .write_all(text.as_bytes())
            .await
            .with_context(|| format!("writing to `{shown}`"))?;
    }
    drop(input);
    let output = tokio::time::timeout(COMMAND_TIMEOUT, child.wait_with_output())
        .await
        .with_context(|| format!("`{shown}` took over {COMMAND_TIMEOUT:?}"))?
        .with_context(|| format!("waiting for `{shown}`"))?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() {
        bail!(
            "`{shown}` failed ({}): {}{}",
            output.status,
            stdout.trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(stdout)
}

/// Empties the database of `config` and loads what a queue benchmark starts from: `cats db
/// reset`, `cats db seed --demo`, `cats db seed --scale SCALE` and then `sql` (run by `cats db
/// seed FILE` in one transaction), each timed on one printed line.
pub async fn reset_and_seed(
    config: &ServerConfig,
    scale: u32,
    sql: &str,
    scratch: &std::path::Path,
) -> Result<()> {
    let file = scratch.join("bench-seed.sql");
    std::fs::write(&file, sql).with_context(|| format!("writing {}", file.display()))?;
    let file = file.to_string_lossy().into_owned();
    let scale = scale.to_string();
    let steps: [&[&str]; 4] = [
        &["db", "reset"],
        &["db", "seed", "--demo"],
        &["db", "seed", "--scale", scale.as_str()],
        &["db", "seed", file.as_str()],
    ];
    for args in steps {
        let begun = std::time::Instant::now();
        run_cats(config, args, None).await?;
        println!(
            "cats {}: {:.1} s",
            args.join(" "),
            begun.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Checks that `url` is `postgres://…` on a loopback host: the benchmarks that take a database
/// URL reset it, and must never be pointed at a server elsewhere by mistake.
pub fn loopback_postgres(url: &str) -> Result<()> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .with_context(|| format!("{url:?} is not a postgres:// URL"))?;
    let authority = rest.split('/').next().unwrap_or_default();
    let host_port = authority.rsplit('@').next().unwrap_or_default();
    let host = host_port.split(':').next().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<Ipv4Addr>()
            .is_ok_and(|address| address.is_loopback());
    if !loopback {
        bail!("the database must be on a loopback server (it is reset), not {host:?}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_loopback_postgres_database_may_be_reset() {
        assert!(loopback_postgres("postgres://postgres@127.0.0.1:5432/bench").is_ok());
        assert!(loopback_postgres("postgresql://u:p@localhost/bench").is_ok());
        assert!(loopback_postgres("postgres://postgres@db.example:5432/live").is_err());
        assert!(loopback_postgres("sqlite:///tmp/cats.db").is_err());
    }
}
