//! The access audit (who opened, or was refused, which case and when), written in groups.
//!
//! Every case page view and every edit records one row, and the answer waits until that row is
//! durable (a crash never loses the record of a page someone was shown; an edit writes its row
//! with its other writes, `store::case_edits`). Written one commit per
//! request, the commits queue behind each other: on SQLite every one takes the single write
//! lock, on PostgreSQL every one waits for its own WAL flush. So each store has one writer: a
//! request hands its row over and awaits the commit; rows handed over while a commit is under
//! way go together in the next one, as one multi-row `INSERT` (one statement, so one
//! transaction), at most [`MAX_BATCH`] rows at a time. A failed write fails every request whose
//! row it carried (each then errors, as a failed single insert did).
//!
//! The writing is done by a task started when rows are waiting and none is running, which ends
//! when nothing is left to write: no long-lived task to tie to one runtime, and a writer that
//! stops (its runtime shut down) leaves the next request to start another.

use super::schema::ParticipantAccessAudit;
use super::{Pool, StoreError};
use sea_query::{Expr, InsertStatement, Query};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use tokio::sync::oneshot;

/// The most rows one commit carries (1,024 bound values: far inside both databases' limits).
pub const MAX_BATCH: usize = 256;

/// One access to record.
#[derive(Debug, Clone)]
pub struct Access {
    /// The case id as asked for (cut to the column's 20 characters).
    pub participant_id: String,
    /// Who asked.
    pub user_id: i64,
    /// Whether they were shown the case.
    pub allowed: bool,
    /// When.
    pub at: OffsetDateTime,
}

/// What a waiting request learns: its row is durable, or why not (the error of its batch, as
/// text: one error is shared by every row of the batch).
type Outcome = Result<(), String>;

/// Rows waiting for the next commit, and whether a writer task is running.
#[derive(Debug, Default)]
struct Queue {
    waiting: Vec<(Access, oneshot::Sender<Outcome>)>,
    writing: bool,
}

/// The per-store writer of the access audit (see the module documentation).
#[derive(Debug, Default)]
pub struct AccessAuditWriter {
    queue: Arc<Mutex<Queue>>,
}

impl AccessAuditWriter {
    /// Records `access` and returns once it is committed, together with the rows of concurrent
    /// requests.
    pub async fn record(&self, pool: &Pool, access: Access) -> Result<(), StoreError> {
        let (done, outcome) = oneshot::channel();
        let start = {
            let mut queue = self.queue.lock().map_err(|_| poisoned())?;
            queue.waiting.push((access, done));
            !std::mem::replace(&mut queue.writing, true)
        };
        if start {
            let queue = Arc::clone(&self.queue);
            let pool = pool.clone();
            tokio::spawn(write_while_waiting(queue, pool));
        }
        match outcome.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(batch_error(error)),
            // The writer stopped before answering (its runtime is shutting down).
            Err(_) => Err(batch_error("the access audit writer stopped".to_owned())),
        }
    }
}

fn poisoned() -> StoreError {
    batch_error("the access audit queue is poisoned".to_owned())
}

fn batch_error(message: String) -> StoreError {
    StoreError::Database(sqlx::Error::Io(std::io::Error::other(format!(
        "writing the access audit: {message}"
    ))))
}

/// Clears the queue's `writing` flag when the writer task is dropped before it finished (its
/// runtime shut down), so the next request starts another. A writer that finishes clears the
/// flag itself, under the lock, and disarms this.
struct Writing {
    queue: Arc<Mutex<Queue>>,
    armed: bool,
}

impl Drop for Writing {
    fn drop(&mut self) {
        if self.armed {
            if let Ok(mut queue) = self.queue.lock() {
                queue.writing = false;
            }
        }
    }
}

/// Commits the waiting rows, a batch at a time, until none is left.
async fn write_while_waiting(queue: Arc<Mutex<Queue>>, pool: Pool) {
    let mut writing = Writing { queue, armed: true };
    loop {
        let batch: Vec<(Access, oneshot::Sender<Outcome>)> = {
            let Ok(mut queue) = writing.queue.lock() else {
                return;
            };
            if queue.waiting.is_empty() {
                // Under the lock: a request that pushes after this sees `writing` false and
                // starts the next writer.
                queue.writing = false;
                drop(queue);
                writing.armed = false;
                return;
            }
            let take = queue.waiting.len().min(MAX_BATCH);
            queue.waiting.drain(..take).collect()
        };
        let rows: Vec<&Access> = batch.iter().map(|(access, _)| access).collect();
        let outcome = insert(&pool, &rows).await.map_err(|e| e.to_string());
        if let Err(error) = &outcome {
            tracing::error!(%error, rows = rows.len(), "the access audit could not be written");
        }
        for (_, done) in batch {
            // A request that has gone away no longer waits: nothing to tell it.
            let _ = done.send(outcome.clone());
        }
    }
}

/// Writes `rows` in one statement.
pub async fn insert(pool: &Pool, rows: &[&Access]) -> Result<(), StoreError> {
    if rows.is_empty() {
        return Ok(());
    }
    pool.db().execute(&statement(rows)).await?;
    Ok(())
}

fn statement(rows: &[&Access]) -> InsertStatement {
    let mut insert = Query::insert()
        .into_table(ParticipantAccessAudit::Table)
        .columns(COLUMNS)
        .to_owned();
    for row in rows {
        insert.values_panic(values(row));
    }
    insert
}

/// The columns of an access-audit row, in the order of [`values`].
pub(super) const COLUMNS: [ParticipantAccessAudit; 4] = [
    ParticipantAccessAudit::ParticipantId,
    ParticipantAccessAudit::UserId,
    ParticipantAccessAudit::Allowed,
    ParticipantAccessAudit::OccurredAt,
];

/// An access-audit row's values, for [`COLUMNS`].
pub(super) fn values(access: &Access) -> [Expr; 4] {
    [
        access
            .participant_id
            .chars()
            .take(20)
            .collect::<String>()
            .into(),
        access.user_id.into(),
        access.allowed.into(),
        access.at.into(),
    ]
}
