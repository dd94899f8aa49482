//! The outbox dispatcher: publishes committed events to the live engine, oldest first, exactly
//! as they were committed. It runs as a singleton under a lease, is woken at once by the
//! committing instance (an in-process signal, or PostgreSQL `NOTIFY` from any instance), and
//! polls as a backstop, so a crash between commit and publish delays an event, never loses it.
//! A failed publish is retried with backoff and stays visible in the table.

use crate::store::{outbox, Store};
use bytes::Bytes;
use cats_actors::Hub;
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::sync::Notify;

/// The backstop poll.
const POLL: Duration = Duration::from_secs(1);
/// Events per read.
const BATCH: u64 = 200;

/// Publishes every due event; returns how many were published.
pub async fn drain(store: &Store, hub: &Hub) -> Result<usize, anyhow::Error> {
    let mut published = 0;
    loop {
        let now = OffsetDateTime::now_utc();
        let rows = outbox::due(&mut store.db(), now, BATCH).await?;
        if rows.is_empty() {
            return Ok(published);
        }
        for row in rows {
            match hub.publish(&row.topic, Bytes::from(row.payload)).await {
                Ok(_) => {
                    outbox::mark_published(&mut store.db(), row.id, OffsetDateTime::now_utc())
                        .await?;
                    published += 1;
                }
                Err(error) => {
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
    }
}

/// Runs the dispatcher until the task is stopped (the supervisor stops it when the lease goes).
pub async fn run(store: Store, hub: Hub, wake: Arc<Notify>, postgres_url: Option<String>) {
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
    loop {
        if let Err(error) = drain(&store, &hub).await {
            tracing::error!(error = %format!("{error:#}"), "outbox dispatch failed");
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
