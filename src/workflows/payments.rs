//! The payments workflow: turns integration events into payment ledger rows. It runs as a
//! singleton under a lease, is woken at once by the committing instance (an in-process
//! signal, or PostgreSQL `NOTIFY` from any instance) and polls as a backstop.
//!
//! Each event is handled exactly once whatever the number of instances: a batch raises its
//! rows and takes its events off the pending queue in one transaction, batches are serialised
//! in the database, and the ledger is keyed by the source event (see `store::payments`).
//! Batches are large and set-based (one statement each on PostgreSQL), so a backlog of a
//! million events clears in seconds. A committed batch that raised rows tells Finance pages (topic
//! `finance:payments`) to refresh their count, through the outbox in the same transaction.

use crate::live::topics::FINANCE_TOPIC;
use crate::settings::DatabaseKind;
use crate::store::integration_events::CHANNEL;
use crate::store::payments::{
    raise_enrolment_batch_in, raise_enrolment_partition_in, Batch, PARTITIONS,
};
use crate::store::{outbox, Store, StoreError};
use cats_views::pages::finance::TODAY_FRAGMENT;
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::Notify;

/// The backstop poll.
const POLL: Duration = Duration::from_secs(1);

/// Events per batch: a backlog of a million events is one statement (each batch scans the
/// history and participants once, so fewer batches cost less), and a batch's transaction,
/// which holds the batch lock, stays around ten seconds.
pub const BATCH: u64 = 1_000_000;

static WAKE: LazyLock<Arc<Notify>> = LazyLock::new(|| Arc::new(Notify::new()));

/// Wakes this process's payments workflow; call after committing an integration event.
pub fn wake() {
    WAKE.notify_one();
}

/// Handles every pending event, batch by batch; returns what was done in all. On PostgreSQL
/// the partitions of `store::payments` are drained at once, each on its own connection.
pub async fn drain(store: &Store, batch: u64) -> Result<Batch, StoreError> {
    let partitions = match store.kind() {
        DatabaseKind::Postgres => PARTITIONS,
        // One writer: a single "partition" takes the whole queue.
        DatabaseKind::Sqlite => 1,
    };
    let drained = futures_util::future::try_join_all(
        (0..partitions).map(|partition| drain_partition(store, partition, partitions, batch)),
    )
    .await?;
    Ok(drained
        .into_iter()
        .fold(Batch::default(), |total, done| Batch {
            events: total.events + done.events,
            rows: total.rows + done.rows,
        }))
}

/// Drains one partition (of `partitions`), batch by batch.
async fn drain_partition(
    store: &Store,
    partition: i32,
    partitions: i32,
    batch: u64,
) -> Result<Batch, StoreError> {
    let mut total = Batch::default();
    loop {
        let now = OffsetDateTime::now_utc();
        let mut tx = store.begin().await?;
        let done = if partitions == 1 {
            raise_enrolment_batch_in(&mut tx, batch, now).await?
        } else {
            raise_enrolment_partition_in(&mut tx, partition, batch, now).await?
        };
        if done.events == 0 {
            // Nothing claimed: dropping the transaction rolls it back.
            return Ok(total);
        }
        if done.rows > 0 {
            let payload = serde_json::json!({
                "rows": done.rows,
                "fragments": {},
                "refetch": [TODAY_FRAGMENT],
            })
            .to_string();
            outbox::enqueue(&mut tx, FINANCE_TOPIC, &payload, now).await?;
            outbox::notify_in(&mut tx).await?;
        }
        tx.commit().await?;
        tracing::info!(
            partition,
            events = done.events,
            rows = done.rows,
            "enrolment payment batch raised"
        );
        total.events += done.events;
        total.rows += done.rows;
    }
}

/// Runs the workflow until the task is stopped (the supervisor stops it when the lease goes).
/// `outbox_wake` wakes this instance's outbox dispatcher when a batch has news for pages.
pub async fn run(store: Store, outbox_wake: Arc<Notify>, postgres_url: Option<String>) {
    let mut listener = match postgres_url {
        Some(url) => match sqlx::postgres::PgListener::connect(&url).await {
            Ok(mut listener) => match listener.listen(CHANNEL).await {
                Ok(()) => Some(listener),
                Err(error) => {
                    tracing::warn!(%error, "payments: cannot LISTEN; polling only");
                    None
                }
            },
            Err(error) => {
                tracing::warn!(%error, "payments: cannot connect a listener; polling only");
                None
            }
        },
        None => None,
    };
    let wake = WAKE.clone();
    loop {
        match drain(&store, BATCH).await {
            Ok(done) if done.rows > 0 => outbox_wake.notify_one(),
            Ok(_) => {}
            Err(error) => tracing::error!(error = %error, "payments batch failed"),
        }
        let heard = async {
            match listener.as_mut() {
                Some(listener) => {
                    let _ = listener.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = wake.notified() => {}
            _ = heard => {}
            _ = tokio::time::sleep(POLL) => {}
        }
    }
}
