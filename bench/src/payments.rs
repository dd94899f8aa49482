//! `cats-bench payments`: how fast the payments workflow turns a backlog of enrolment
//! approval events into ledger rows on PostgreSQL. Budget (DESIGN.md "Budgets"): 1,000,000
//! rows in ≤ 10 s.
//!
//! It creates a database of its own on the server (dropped afterwards), loads the demo
//! organisation, then N Approved cases, each with a provider QA entry and one pending
//! approval event (set up with `generate_series`, not timed). The set-up ends with `VACUUM
//! ANALYZE` and `CHECKPOINT`, so that the workflow is not charged for the seeding's aftermath
//! (setting the hint bits of a million fresh rows on first read, and a checkpoint triggered by
//! the seeding's WAL): a live system's cases and QA entries were written long before their
//! approval is handled. The timed part is the real workflow, `cats::workflows::payments::run`,
//! from its start until no event is pending (polled with one index probe, which costs the
//! server next to nothing while the batch runs).

use anyhow::{Context, Result};
use cats::store::integration_events::{self, ENROLMENT_APPROVED};
use cats::store::Store;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Target time for 1,000,000 rows, in seconds.
const TARGET_SECONDS: f64 = 10.0;

/// Options of `cats-bench payments`.
#[derive(Debug, clap::Args)]
pub struct PaymentsArgs {
    /// Approval events (each raises one row).
    #[arg(long, default_value_t = 1_000_000)]
    pub events: u64,
    /// A PostgreSQL server URL; the benchmark creates and drops a database of its own there.
    #[arg(
        long,
        env = "CATS_BENCH_DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    pub database_url: String,
}

/// Runs the benchmark.
pub async fn run(args: PaymentsArgs) -> Result<()> {
    let name = format!("cats_bench_payments_{}", std::process::id());
    let admin_url = args.database_url.clone();
    let url = with_database(&admin_url, &name);
    admin(&admin_url, &format!("CREATE DATABASE {name}")).await?;
    let outcome = measure(&url, args.events).await;
    admin(
        &admin_url,
        &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
    )
    .await?;
    let (seconds, rows) = outcome?;
    let per_second = rows as f64 / seconds.max(f64::EPSILON);
    println!("payments: {rows} rows in {seconds:.2} s ({per_second:.0} rows/s)");
    let scaled = seconds * 1_000_000.0 / (rows.max(1) as f64);
    println!(
        "payments: {:.2} s per 1,000,000 rows (target ≤ {TARGET_SECONDS} s): {}",
        scaled,
        crate::harness::verdict(scaled <= TARGET_SECONDS)
    );
    println!("RESULT payments seconds={seconds:.2} rows={rows}");
    Ok(())
}

async fn admin(url: &str, sql: &str) -> Result<()> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url)
        .await
        .with_context(|| "connecting to the PostgreSQL server (CATS_BENCH_DATABASE_URL)")?;
    sqlx::Executor::execute(&mut conn, sql)
        .await
        .with_context(|| format!("running `{sql}`"))?;
    Ok(())
}

/// The same server URL naming another database.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{database}?{query}"),
        None => format!("{base}/{database}"),
    }
}

async fn measure(url: &str, events: u64) -> Result<(f64, u64)> {
    let store = Store::connect(url, 10).await?;
    store.migrate().await?;
    cats::seed::demo::load(&store).await?;
    let setup = Instant::now();
    cats::seed::run_sql_file(&store, &backlog(events)).await?;
    // Outside a transaction: VACUUM cannot run in one.
    admin(url, "VACUUM ANALYZE").await?;
    admin(url, "CHECKPOINT").await?;
    println!(
        "payments: {events} approved cases and events set up in {:.1} s",
        setup.elapsed().as_secs_f64()
    );
    let started = Instant::now();
    let wake = Arc::new(tokio::sync::Notify::new());
    let workflow = tokio::spawn(cats::workflows::payments::run(
        store.clone(),
        wake,
        Some(url.to_owned()),
    ));
    cats::workflows::payments::wake();
    loop {
        if !integration_events::any_pending(&mut store.db(), ENROLMENT_APPROVED).await? {
            break;
        }
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(600),
            "the workflow did not finish within 10 minutes"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    workflow.abort();
    let rows: (i64,) = sqlx::query_as("SELECT count(*) FROM enrolment_payments")
        .fetch_one(&sqlx::PgPool::connect(url).await?)
        .await?;
    store.close().await;
    let rows = u64::try_from(rows.0).unwrap_or(0);
    anyhow::ensure!(rows == events, "{rows} rows for {events} events");
    Ok((seconds, rows))
}

/// N Approved cases at the demo Wing, each with a provider QA entry and an approval event.
fn backlog(events: u64) -> String {
    format!(
        "
CREATE TEMP TABLE bench_owner AS
    SELECT id, tenant_id FROM users WHERE email = 'worker@provider-a.example';
INSERT INTO participants (id, first_name, last_name, date_of_birth, gender, enrolment_status,
    consent_status, date_of_first_consent, current_location_id, enrolment_location_id, owner_id,
    owner_tenant_id, primary_record, active_in_feed, version, created_at, created_by, updated_at)
SELECT 'B' || lpad(g::text, 8, '0'), 'Bench', 'Case', DATE '1985-03-27', 'Male', 3, 'Granted',
    DATE '2026-11-01', 1, 1, o.id, o.tenant_id, 'NOMIS', TRUE, 1, now(), o.id, now()
FROM generate_series(1, {events}) g CROSS JOIN bench_owner o;
INSERT INTO enrolment_history (participant_id, status, started_at, user_id)
SELECT 'B' || lpad(g::text, 8, '0'), 3, now(), o.id
FROM generate_series(1, {events}) g CROSS JOIN bench_owner o;
INSERT INTO qa_entries (participant_id, queue, tenant_id, support_worker_id, submitted_at,
    created_by, created_at)
SELECT 'B' || lpad(g::text, 8, '0'), 'pqa', o.tenant_id, o.id, now(), o.id, now()
FROM generate_series(1, {events}) g CROSS JOIN bench_owner o;
INSERT INTO integration_events (kind, participant_id, occurred_at, occurred_on, created_at)
SELECT '{ENROLMENT_APPROVED}', 'B' || lpad(g::text, 8, '0'), now(), current_date, now()
FROM generate_series(1, {events}) g;
INSERT INTO pending_integration_events (id, kind, participant_id, occurred_on)
SELECT id, kind, participant_id, occurred_on FROM integration_events;
ANALYZE;
"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_database_is_on_the_same_server() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "b"),
            "postgres://postgres@127.0.0.1:5432/b"
        );
        assert_eq!(
            with_database("postgres://u:p@h/x?sslmode=disable", "b"),
            "postgres://u:p@h/b?sslmode=disable"
        );
    }
}
