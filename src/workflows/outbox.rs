//! The outbox dispatcher: publishes committed events to the live engine, oldest first, exactly
//! as they were committed. It runs as a singleton under a lease, is woken at once by the
//! committing instance (an in-process signal relayed by [`relay`], or PostgreSQL `NOTIFY` from
//! any instance), and polls as a backstop, so a crash between commit and publish delays an
//! event, never loses it.
//! A failed publish is retried with backoff and stays visible in the table; published events
//! are deleted after a day.

use crate::store::{outbox, Store};
use bytes::Bytes;
use cats_actors::Hub;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::Notify;

/// The backstop poll.
const POLL: Duration = Duration::from_secs(1);
/// Events per read.
const BATCH: u64 = 200;
/// How long a published event is kept. Pages recover from the topics' own history, never from
/// the outbox, so a published row only serves someone looking into a problem.
const KEEP_PUBLISHED: time::Duration = time::Duration::hours(24);
/// How often published events past [`KEEP_PUBLISHED`] are deleted.
const PRUNE_EVERY: Duration = Duration::from_secs(600);
/// Rows per delete statement, so a large backlog never holds a long write lock.
const PRUNE_BATCH: u64 = 5_000;

/// Deletes the events published more than [`KEEP_PUBLISHED`] ago, in batches; returns how many.
pub async fn prune(store: &Store) -> Result<u64, anyhow::Error> {
    let before = OffsetDateTime::now_utc() - KEEP_PUBLISHED;
    let mut deleted = 0;
    loop {
        let n = outbox::prune_published(&mut store.db(), before, PRUNE_BATCH).await?;
        deleted += n;
        if n < PRUNE_BATCH {
            return Ok(deleted);
        }
    }
}

/// Publishes every due event; returns how many were published. A read that comes back short
/// of a full batch ends the drain without reading again: an event committed after it also
/// woke the dispatcher, and that wake is kept until the dispatcher next waits.
pub async fn drain(store: &Store, hub: &Hub) -> Result<usize, anyhow::Error> {
    let mut published = 0;
    loop {
        let now = OffsetDateTime::now_utc();
        let rows = outbox::due(store, now, BATCH).await?;
        if rows.is_empty() {
            return Ok(published);
        }
        let last_batch = (rows.len() as u64) < BATCH;
        // Marked published in one statement per batch: a crash before the mark publishes
        // those events again, which consumers keyed by the outbox id already expect.
        let mut done = Vec::with_capacity(rows.len());
        for row in rows {
            match hub.publish(&row.topic, Bytes::from(row.payload)).await {
                Ok(_) => done.push(row.id),
                Err(error) => {
                    outbox::mark_all_published(&mut store.db(), &done, OffsetDateTime::now_utc())
                        .await?;
                    published += done.len();
                    let attempts = row.attempts + 1;
                    let wait = time::Duration::seconds(2i64.saturating_pow(attempts.min(8) as u32));
                    tracing::warn!(outbox_id = row.id, attempts, %error, "event not published; will retry");
                    outbox::mark_failed(
                        &mut store.db(),
                        row.id,
                        attempts,
                        OffsetDateTime::now_utc() + wait,
                        &error.to_string(),
                    )
                    .await?;
                    // Keep order: later events of the batch wait for this one.
                    return Ok(published);
                }
            }
        }
        outbox::mark_all_published(&mut store.db(), &done, OffsetDateTime::now_utc()).await?;
        published += done.len();
        if last_batch {
            return Ok(published);
        }
    }
}

/// Whether this instance's dispatcher is running: set while [`run`] runs, so the wake relay
/// knows no other instance needs telling of this instance's commits.
#[derive(Debug, Clone, Default)]
pub struct DispatchingHere(Arc<AtomicBool>);

impl DispatchingHere {
    /// True while this instance's dispatcher runs.
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    /// Marks the dispatcher running until the guard is dropped (the task ends or is stopped).
    fn hold(&self) -> impl Drop {
        struct Running(Arc<AtomicBool>);
        impl Drop for Running {
            fn drop(&mut self) {
                self.0.store(false, Ordering::Release);
            }
        }
        self.0.store(true, Ordering::Release);
        Running(self.0.clone())
    }
}

/// Relays this instance's wake-ups (a change committed here: `wake`) to its dispatcher
/// (`dispatch`) and, on PostgreSQL when the dispatcher runs on another instance, to that
/// instance with a `NOTIFY` of its own, signed with `instance` (the hub's id). There is one
/// dispatcher however many instances run (it holds a lease), so while it runs here the
/// `NOTIFY` would only wake listeners that ignore it: skipping it saves a round trip and a
/// notification for every burst of commits. During a hand-over a wake may reach neither; the
/// new holder drains at start and the poll catches the rest. Sending the `NOTIFY` after the
/// commit instead of from inside the change's transaction keeps PostgreSQL's notify lock out
/// of the commit: held there, it serialises every committing writer behind one flush.
/// Wake-ups that arrive while one is being sent are folded into the next. Runs on every
/// instance until aborted.
pub async fn relay(
    store: Store,
    wake: Arc<Notify>,
    dispatch: Arc<Notify>,
    here: DispatchingHere,
    instance: Option<u64>,
) {
    loop {
        wake.notified().await;
        dispatch.notify_one();
        let Some(instance) = instance.filter(|_| !here.get()) else {
            continue;
        };
        if let Err(error) = outbox::notify_all(&store, instance).await {
            tracing::warn!(%error, "outbox: could not wake other instances; they will poll");
        }
    }
}

/// Runs the dispatcher until the task is stopped (the supervisor stops it when the lease goes),
/// marking `here` while it runs.
pub async fn run(
    store: Store,
    hub: Hub,
    wake: Arc<Notify>,
    here: DispatchingHere,
    postgres_url: Option<String>,
) {
    let _running = here.hold();
    let mut listener = match postgres_url {
        Some(url) => match sqlx::postgres::PgListener::connect(&url).await {
            Ok(mut listener) => match listener.listen("cats_outbox").await {
                Ok(()) => Some(listener),
                Err(error) => {
                    tracing::warn!(%error, "outbox: cannot LISTEN; polling only");
                    None
                }
            },
            Err(error) => {
                tracing::warn!(%error, "outbox: cannot connect a listener; polling only");
                None
            }
        },
        None => None,
    };
    // A notification this instance sent woke this dispatcher in process already: only another
    // instance's commits (or a lost connection, to be safe) call for a drain.
    let own = hub.instance().to_string();
    // The first prune waits one period: start-up has enough to do.
    let mut next_prune = tokio::time::Instant::now() + PRUNE_EVERY;
    loop {
        if let Err(error) = drain(&store, &hub).await {
            tracing::error!(error = %format!("{error:#}"), "outbox dispatch failed");
        }
        if tokio::time::Instant::now() >= next_prune {
            next_prune = tokio::time::Instant::now() + PRUNE_EVERY;
            match prune(&store).await {
                Ok(0) => {}
                Ok(deleted) => tracing::info!(deleted, "outbox: old published events deleted"),
                Err(error) => tracing::warn!(error = %format!("{error:#}"), "outbox: prune failed"),
            }
        }
        let heard = async {
            match listener.as_mut() {
                Some(listener) => loop {
                    match listener.recv().await {
                        Ok(heard) if heard.payload() == own => continue,
                        _ => break,
                    }
                },
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
