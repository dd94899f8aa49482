//! `cats-bench edits`: case edits committed per second through the real command path on
//! PostgreSQL, against pgbench's simple-update TPS on the same server in the same run (the
//! budget: edits ≥ 0.5 × pgbench).
//!
//! The database (`--database-url`, `bench_edits` by default, created when missing) is RESET and
//! seeded with `cats db reset`, `cats db seed --demo` and `cats db seed --scale N`. The three
//! provider A workers sign in; each of `--concurrency` clients is one of them and takes
//! `--cases-per-client` active cases that worker owns, none shared, opens each case page once (the CSRF token and the base values
//! the form carries), then posts the personal-details form as a browser does, changing the notes
//! each time and sending back the values it saw as the base, round the cases, for `--seconds`
//! after a warm-up. A 303 to `?saved=1` is a committed edit; anything else is counted as a
//! conflict (the page shown again with an error) or an error. At the end the field audit is
//! counted: it must hold exactly one row per committed edit.
//!
//! pgbench then runs on a scratch database (`<database>_pgbench`, dropped and created again):
//! `pgbench -i`, then `pgbench -N -c <concurrency> -j 2 -T <seconds>` while the server is idle.

use crate::harness::{
    locate_binary, print_machine_load, reset_and_seed, Browser, Server, ServerConfig, DEMO_PASSWORD,
};
use anyhow::{bail, ensure, Context, Result};
use sqlx::postgres::PgConnection;
use sqlx::Connection;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::process::Command;

/// The provider A workers who sign in (the demo accounts; all see provider A's cases).
const WORKERS: [&str; 3] = [
    "worker@provider-a.example",
    "colleague@provider-a.example",
    "worker2@provider-a.example",
];

/// Options of `cats-bench edits`.
#[derive(Debug, clap::Args)]
pub struct EditsArgs {
    /// PostgreSQL URL of a database this benchmark RESETS (created when missing).
    #[arg(
        long,
        value_name = "URL",
        default_value = "postgres://postgres@127.0.0.1:5432/bench_edits"
    )]
    pub database_url: String,
    /// Synthetic cases to seed.
    #[arg(long, default_value_t = 2_000)]
    pub scale: u32,
    /// Concurrent clients (pgbench runs with as many).
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=256))]
    pub concurrency: u32,
    /// Cases each client edits in turn (no two clients share one).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub cases_per_client: u32,
    /// How long each side is measured, in seconds (edits after a 2 s warm-up).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub seconds: u64,
    /// pgbench's scale factor (`pgbench -i -s`).
    #[arg(long, default_value_t = 1)]
    pub pgbench_scale: u32,
    /// The cats binary [default: target/release/cats in the workspace].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
}

/// What the edit clients counted.
#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    /// Committed edits inside the measured window.
    committed: u64,
    /// Committed edits, warm-up included (the field audit must hold as many rows).
    committed_all: u64,
    /// Answers showing the form again (a conflict or a validation error).
    conflicts: u64,
    /// Any other answer.
    errors: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, other: Self) {
        self.committed += other.committed;
        self.committed_all += other.committed_all;
        self.conflicts += other.conflicts;
        self.errors += other.errors;
    }
}

/// One case a client edits: the values its form was last rendered with.
struct CaseForm {
    id: String,
    preferred_name: String,
    pronouns: String,
    notes: String,
}

/// Splits `postgres://…/name` into the URL up to the slash and the database name.
fn split_database(url: &str) -> Result<(&str, &str)> {
    let (server, name) = url
        .rsplit_once('/')
        .with_context(|| format!("{url:?} names no database"))?;
    let name = name.split('?').next().unwrap_or_default();
    ensure!(
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "the database name {name:?} must be letters, digits and underscores"
    );
    ensure!(
        !matches!(name, "postgres" | "template0" | "template1" | "test"),
        "{name:?} is a shared database; name one of your own (it is reset)"
    );
    Ok((server, name))
}

/// Creates database `name` on the server when it does not exist.
async fn create_database(server: &str, name: &str, drop_first: bool) -> Result<()> {
    let mut admin = PgConnection::connect(&format!("{server}/postgres"))
        .await
        .with_context(|| format!("connecting to {server}/postgres"))?;
    if drop_first {
        sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut admin)
            .await
            .with_context(|| format!("dropping {name}"))?;
    }
    let exists: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_optional(&mut admin)
        .await?;
    if exists.is_none() {
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .with_context(|| format!("creating {name}"))?;
    }
    Ok(())
}

/// Runs the benchmark and prints its figures and `RESULT edits …` line.
pub async fn run(args: EditsArgs) -> Result<()> {
    crate::harness::loopback_postgres(&args.database_url)?;
    let (server_url, name) = split_database(&args.database_url)?;
    let pgbench_db = format!("{name}_pgbench");
    let pgbench = locate_pgbench()?;
    let binary = locate_binary(args.binary.as_deref())?;
    let (scratch, config) = ServerConfig::in_scratch(&binary, "edits")?;
    let config = config.with_env("CATS_DATABASE_URL", args.database_url.clone());
    println!(
        "cats-bench edits: PostgreSQL {name}, {} clients × {} cases, {} s each side",
        args.concurrency, args.cases_per_client, args.seconds
    );
    print_machine_load().await;
    create_database(server_url, name, false).await?;
    reset_and_seed(&config, args.scale, "SELECT 1;", scratch.path()).await?;

    let (server, _) = Server::start(&config, Duration::from_secs(60)).await?;
    let audited_before = audit_rows(&args.database_url).await?;
    let outcome = measure_edits(&server, &args).await;
    let stopped = server.stop().await;
    let (per_s, counts) = outcome?;
    stopped?;
    println!(
        "edits: {} committed in {} s ({per_s:.1}/s), {} conflicts, {} errors",
        counts.committed, args.seconds, counts.conflicts, counts.errors
    );
    let audited = audit_rows(&args.database_url)
        .await?
        .saturating_sub(audited_before);
    println!(
        "field audit: {audited} rows for {} committed edits (warm-up included)",
        counts.committed_all
    );
    ensure!(
        audited == counts.committed_all,
        "the field audit holds {audited} rows, not one per committed edit ({})",
        counts.committed_all
    );

    create_database(server_url, &pgbench_db, true).await?;
    let tps = run_pgbench(&pgbench, server_url, &pgbench_db, &args).await?;
    println!("pgbench -N: {tps:.1} tps");
    let ratio = if tps > 0.0 { per_s / tps } else { 0.0 };
    println!(
        "RESULT edits per_s={per_s:.1} pgbench_tps={tps:.1} ratio_to_pgbench={ratio:.3} conflicts={} errors={} clients={}",
        counts.conflicts, counts.errors, args.concurrency
    );
    Ok(())
}

/// pgbench on PATH, or under /usr/lib/postgresql/*/bin.
fn locate_pgbench() -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join("pgbench");
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin/pgbench"))
        .filter(|path| path.is_file())
        .collect();
    found.sort();
    found
        .pop()
        .context("pgbench is neither on PATH nor under /usr/lib/postgresql/*/bin")
}

/// Runs pgbench's initialisation and then its simple-update script; returns its TPS.
async fn run_pgbench(pgbench: &Path, server: &str, db: &str, args: &EditsArgs) -> Result<f64> {
    let url = format!("{server}/{db}");
    let scale = args.pgbench_scale.to_string();
    println!(
        "pgbench -i -s {scale}, then -N -c {} for {} s",
        args.concurrency, args.seconds
    );
    let init = Command::new(pgbench)
        .args(["-i", "-q", "-s", &scale, &url])
        .stdin(Stdio::null())
        .output()
        .await
        .context("running pgbench -i")?;
    if !init.status.success() {
        bail!(
            "pgbench -i failed: {}",
            String::from_utf8_lossy(&init.stderr).trim()
        );
    }
    let clients = args.concurrency.to_string();
    let seconds = args.seconds.to_string();
    let jobs = if args.concurrency >= 2 { "2" } else { "1" };
    let output = Command::new(pgbench)
        .args(["-N", "-c", &clients, "-j", jobs, "-T", &seconds, &url])
        .stdin(Stdio::null())
        .output()
        .await
        .context("running pgbench -N")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "pgbench -N failed: {}{}",
            stdout.trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    stdout
        .lines()
        .find_map(|line| {
            let rest = line.strip_prefix("tps = ")?;
            rest.split_whitespace().next()?.parse::<f64>().ok()
        })
        .with_context(|| format!("no `tps = ` line in pgbench's output: {stdout}"))
}

/// Rows in the field audit (one per committed edit: each edit changes only the notes).
async fn audit_rows(url: &str) -> Result<u64> {
    let mut db = PgConnection::connect(url)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM participant_field_audit")
        .fetch_one(&mut db)
        .await?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// `count` active cases owned by `email` (a worker sees the cases of their own team).
async fn pick_cases(url: &str, email: &str, count: usize) -> Result<Vec<String>> {
    use cats::domain::enrolment::EnrolmentStatus;
    let active: Vec<i64> = [
        EnrolmentStatus::Identified,
        EnrolmentStatus::Enrolling,
        EnrolmentStatus::Approved,
    ]
    .into_iter()
    .filter(|s| s.is_active())
    .map(EnrolmentStatus::value)
    .collect();
    let mut db = PgConnection::connect(url)
        .await
        .with_context(|| format!("connecting to {url}"))?;
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT p.id FROM participants p JOIN users u ON u.id = p.owner_id \
         WHERE u.email = $1 AND p.enrolment_status = ANY($2) ORDER BY p.id LIMIT $3",
    )
    .bind(email)
    .bind(active)
    .bind(i64::try_from(count)?)
    .fetch_all(&mut db)
    .await?;
    ensure!(
        rows.len() == count,
        "only {} active cases owned by {email}; seed more (--scale)",
        rows.len()
    );
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// The value of the input named `name` in the case page (unescaped).
fn input_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let length = html[start..].find('"')?;
    Some(unescape(&html[start..start + length]))
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// (committed edits per second in the window, counts).
async fn measure_edits(server: &Server, args: &EditsArgs) -> Result<(f64, Counts)> {
    let browser = Browser::new(server.base_url())?;
    let mut cookies = Vec::new();
    for email in WORKERS {
        cookies.push(format!(
            "cats_session={}",
            browser.sign_in(email, DEMO_PASSWORD).await?
        ));
    }
    let http = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(usize::try_from(args.concurrency)?)
        .build()?;
    let clients = usize::try_from(args.concurrency)?;
    let per_client = usize::try_from(args.cases_per_client)?;
    // Client n signs in as worker n mod 3 and edits cases that worker owns.
    let mut owned = Vec::new();
    for (w, email) in WORKERS.iter().enumerate() {
        let theirs = (w..clients).step_by(WORKERS.len()).count();
        owned.push(pick_cases(&args.database_url, email, theirs * per_client).await?);
    }
    let mut assigned = Vec::new();
    for n in 0..clients {
        let w = n % WORKERS.len();
        let k = n / WORKERS.len();
        assigned.push((
            cookies[w].clone(),
            owned[w][k * per_client..(k + 1) * per_client].to_vec(),
        ));
    }
    let warm_up = Duration::from_secs(2);
    let window = Duration::from_secs(args.seconds);
    let start = Arc::new(tokio::sync::Barrier::new(clients + 1));
    let failed = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (n, (cookie, chunk)) in assigned.into_iter().enumerate() {
        let http = http.clone();
        let base = server.base_url();
        let start = start.clone();
        let failed = failed.clone();
        tasks.push(tokio::spawn(async move {
            let opened = open_cases(&http, &base, &cookie, &chunk).await;
            start.wait().await;
            let (csrf, mut forms) = match opened {
                Ok(opened) => opened,
                Err(error) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err(error);
                }
            };
            if failed.load(Ordering::Relaxed) {
                return Ok(Counts::default());
            }
            edit_loop(&http, &base, &cookie, &csrf, &mut forms, n, warm_up, window).await
        }));
    }
    start.wait().await;
    let mut counts = Counts::default();
    for task in tasks {
        counts += task.await.context("a client panicked")??;
    }
    #[allow(clippy::cast_precision_loss)]
    let per_s = counts.committed as f64 / window.as_secs_f64();
    Ok((per_s, counts))
}

/// Opens each case page once: the CSRF token and each form's base values.
async fn open_cases(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    ids: &[String],
) -> Result<(String, Vec<CaseForm>)> {
    let mut csrf = String::new();
    let mut forms = Vec::new();
    for id in ids {
        let url = format!("{base}/participants/{id}");
        let page = http
            .get(&url)
            .header(reqwest::header::COOKIE, cookie)
            .send()
            .await
            .with_context(|| format!("GET {url}"))?;
        ensure!(page.status() == 200, "GET {url}: {}", page.status());
        let html = page.text().await?;
        let field = |name: &str| {
            input_value(&html, &format!("base_{name}"))
                .with_context(|| format!("GET {url}: no base_{name} in the form (not editable?)"))
        };
        forms.push(CaseForm {
            id: id.clone(),
            preferred_name: field("preferred_name")?,
            pronouns: field("pronouns")?,
            notes: field("notes")?,
        });
        csrf = input_value(&html, "csrf_token")
            .with_context(|| format!("GET {url}: no csrf_token"))?;
    }
    Ok((csrf, forms))
}

/// Posts edits round the client's cases until the window closes.
#[allow(clippy::too_many_arguments)]
async fn edit_loop(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    csrf: &str,
    forms: &mut [CaseForm],
    client: usize,
    warm_up: Duration,
    window: Duration,
) -> Result<Counts> {
    let begun = Instant::now();
    let mut counts = Counts::default();
    let mut sent = 0usize;
    loop {
        let at = begun.elapsed();
        if at >= warm_up + window {
            return Ok(counts);
        }
        let form = &mut forms[sent % forms.len()];
        sent += 1;
        let notes = format!("Bench note {client}-{sent}");
        let url = format!("{base}/participants/{}/details", form.id);
        let response = http
            .post(&url)
            .header(reqwest::header::COOKIE, cookie)
            .form(&[
                ("csrf_token", csrf),
                ("preferred_name", form.preferred_name.as_str()),
                ("base_preferred_name", form.preferred_name.as_str()),
                ("pronouns", form.pronouns.as_str()),
                ("base_pronouns", form.pronouns.as_str()),
                ("notes", notes.as_str()),
                ("base_notes", form.notes.as_str()),
            ])
            .send()
            .await
            .with_context(|| format!("POST {url}"))?;
        let status = response.status();
        let saved = status == reqwest::StatusCode::SEE_OTHER
            && response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .is_some_and(|l| l.contains("saved=1"));
        response.bytes().await?;
        let measured = at >= warm_up && begun.elapsed() <= warm_up + window;
        if saved {
            form.notes = notes;
            counts.committed_all += 1;
            if measured {
                counts.committed += 1;
            }
        } else if status == reqwest::StatusCode::OK {
            counts.conflicts += 1;
        } else {
            counts.errors += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values_are_read_unescaped() {
        let html = r#"<input type="hidden" name="base_notes" value="a &quot;b&quot; &amp; c">"#;
        assert_eq!(
            input_value(html, "base_notes").as_deref(),
            Some("a \"b\" & c")
        );
        assert_eq!(input_value(html, "base_pronouns"), None);
    }

    #[test]
    fn shared_databases_are_refused() {
        assert!(split_database("postgres://postgres@127.0.0.1:5432/bench_edits").is_ok());
        assert!(split_database("postgres://postgres@127.0.0.1:5432/postgres").is_err());
        assert!(split_database("postgres://postgres@127.0.0.1:5432/test").is_err());
    }
}
