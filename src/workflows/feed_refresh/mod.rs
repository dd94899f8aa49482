//! The external-data refresh (DOMAIN.md §9): every case refreshed from the offender data each
//! night (and when an administrator asks), as a singleton job under the `feed-refresh` lease.
//!
//! A run is a row in `feed_refresh_runs`; cases are done in id order, in batches, and each
//! case's transaction also moves the run's cursor past it. So the holder of the lease, whoever
//! it is, works on the oldest unfinished run from its cursor: a run whose holder died resumes
//! where it stopped, without redoing or skipping a case (docs/decisions: feed-refresh runs).
//! Progress goes to the `admin:feed-refresh` topic as the admin page's live fragment.

pub mod case;

use crate::external::DmsClient;
use crate::format::display_time;
use crate::store::feed_refresh::{self as rows, RunRow};
use crate::store::{users, Store, StoreError};
use bytes::Bytes;
pub use case::{refresh_case, relocate, CaseOutcome};
use cats_actors::Hub;
use cats_views::pages::feed_refresh::{progress, RunView, PROGRESS_FRAGMENT};
use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::Notify;

/// The lease (and job) name.
pub const LEASE: &str = "feed-refresh";
/// The topic the admin page follows.
pub const TOPIC: &str = "admin:feed-refresh";
/// Cases read per batch.
const BATCH: u64 = 200;
/// How often the holder looks for a requested run.
const POLL: Duration = Duration::from_secs(1);
/// Progress is published at most this often (and at the end).
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// What the refresh needs.
#[derive(Clone)]
pub struct FeedRefresh {
    /// The database.
    pub store: Store,
    /// The offender-data service.
    pub dms: DmsClient,
    /// The live engine (progress).
    pub hub: Hub,
    /// Wakes this instance's outbox dispatcher after cases changed.
    pub outbox_wake: Arc<Notify>,
}

impl FeedRefresh {
    /// Asks for a run over every case (`manual` by `by`, or `nightly`); an unfinished run is
    /// returned instead of starting a second.
    pub async fn request(&self, kind: &str, by: Option<i64>) -> Result<RunRow, StoreError> {
        let mut tx = self.store.begin().await?;
        let run = rows::start_run(&mut tx, kind, by, OffsetDateTime::now_utc()).await?;
        tx.commit().await?;
        self.publish(&run).await;
        Ok(run)
    }

    /// Works every unfinished run to its end, oldest first, each from its cursor.
    pub async fn work(&self) -> Result<(), StoreError> {
        while let Some(run) = rows::open_run(&mut self.store.db()).await? {
            self.work_run(run).await?;
        }
        Ok(())
    }

    async fn work_run(&self, run: RunRow) -> Result<(), StoreError> {
        let mut cursor = run.cursor.clone();
        let mut published = Instant::now();
        loop {
            let ids = rows::next_cases(&mut self.store.db(), cursor.as_deref(), BATCH).await?;
            if ids.is_empty() {
                rows::finish(&mut self.store.db(), run.id, OffsetDateTime::now_utc()).await?;
                self.publish_id(run.id).await;
                return Ok(());
            }
            for id in ids {
                let outcome = refresh_case(&self.store, &self.dms, &id, Some(run.id)).await?;
                match &outcome {
                    CaseOutcome::AlreadyDone => {
                        // Someone else is on this run: carry on from where it really is.
                        return Ok(());
                    }
                    CaseOutcome::Failed(reason) => {
                        tracing::warn!(case_id = %id, %reason, "feed refresh: case not refreshed");
                    }
                    CaseOutcome::Changed => self.outbox_wake.notify_one(),
                    CaseOutcome::Unchanged => {}
                }
                cursor = Some(id);
                if published.elapsed() >= PROGRESS_EVERY {
                    self.publish_id(run.id).await;
                    published = Instant::now();
                }
            }
        }
    }

    async fn publish_id(&self, run: i64) {
        match rows::run(&mut self.store.db(), run).await {
            Ok(Some(run)) => self.publish(&run).await,
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "feed refresh: progress not read"),
        }
    }

    /// Publishes a run's progress to the admin page. Progress is not in the outbox: a lost
    /// update is replaced by the next, and the page shows the stored row when loaded.
    async fn publish(&self, run: &RunRow) {
        let view = match run_view(&self.store, run).await {
            Ok(view) => view,
            Err(error) => {
                tracing::warn!(%error, "feed refresh: progress not rendered");
                return;
            }
        };
        let body = serde_json::json!({
            "fragments": { PROGRESS_FRAGMENT: progress(Some(&view)).into_string() }
        })
        .to_string();
        if let Err(error) = self.hub.publish(TOPIC, Bytes::from(body)).await {
            tracing::warn!(%error, "feed refresh: progress not published");
        }
    }

    /// The job: runs every night at `hour` UK time and whenever a run is requested, for as
    /// long as this instance holds the lease (the supervisor stops it when the lease goes).
    pub async fn run_forever(self, hour: Time) {
        let zone = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
        let mut next = super::dormant_accounts::next_run(Timestamp::now(), hour, &zone);
        loop {
            if Timestamp::now() >= next {
                next = super::dormant_accounts::next_run(Timestamp::now(), hour, &zone);
                if let Err(error) = self.request("nightly", None).await {
                    tracing::error!(error = %format!("{error:#}"), "feed refresh: nightly run not started");
                }
            }
            if let Err(error) = self.work().await {
                tracing::error!(error = %format!("{error:#}"), "feed refresh failed; resuming from its cursor");
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

/// A run as the admin page shows it.
pub async fn run_view(store: &Store, run: &RunRow) -> Result<RunView, StoreError> {
    let trigger = match run.started_by {
        Some(user) => {
            let name = users::display_names(&mut store.db(), &[user])
                .await?
                .remove(&user)
                .unwrap_or_else(|| "an administrator".to_owned());
            format!("requested by {name}")
        }
        None => "nightly".to_owned(),
    };
    Ok(RunView {
        trigger,
        started: display_time(Some(run.started_at)),
        finished: run.finished_at.map(|at| display_time(Some(at))),
        total: run.total,
        done: run.done,
        changed: run.changed,
        errors: run.errors,
    })
}
