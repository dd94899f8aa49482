//! The store: one handle over PostgreSQL or SQLite, one module per aggregate. Every query is
//! written once with sea-query and runs on either backend.

pub mod access_audit;
pub mod assessments;
pub mod audit;
pub mod case_edits;
mod db;
pub mod enrolment;
pub mod feed_refresh;
pub mod files;
pub mod integration_events;
pub mod notifications;
pub mod org;
pub mod outbox;
pub mod ownership;
pub mod participant_list;
pub mod participants;
pub mod payments;
pub mod pri;
pub mod qa;
pub mod qa_notes;
pub mod recent_sessions;
pub mod reference;
pub mod schema;
pub mod sessions;
pub mod transfers;
pub mod users;

pub use db::{Db, Exec, Held, Pool, Row, Statement, Tx};

use crate::settings::{database_kind_of, DatabaseKind};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// What can go wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row asked for does not exist (or is outside the caller's scope).
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the write.
    #[error("already exists")]
    Conflict,
    /// The URL could not be parsed or the server refused the connection.
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Anything else from the driver.
    #[error(transparent)]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
            _ => StoreError::Database(error),
        }
    }
}

/// The application's handle on its database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: Pool,
    /// Location and people's names kept in process for the case page (see [`reference`]).
    reference: std::sync::Arc<reference::ReferenceCache>,
    /// Writes the access audit of concurrent requests in shared commits (see [`access_audit`]).
    access_audit: std::sync::Arc<access_audit::AccessAuditWriter>,
}

/// How long a PostgreSQL connection may sit idle in the pool before it is pinged on its way out.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(1);

static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

impl Store {
    /// Connects to the database the URL names, creating a SQLite file (and its folder) if
    /// needed. Fails fast with a one-line reason when the server cannot be reached.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let kind = database_kind_of(url).map_err(|e| StoreError::Connect(e.to_string()))?;
        let pool = match kind {
            DatabaseKind::Postgres => {
                let pool = PgPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(5))
                    // A connection idle for a while may have been cut (a server restart, a
                    // proxy's timeout): ping it before use. A busy one was just used, so the
                    // round trip a ping costs on every hand-out would buy nothing.
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| {
                        Box::pin(async move {
                            if meta.idle_for >= PING_IF_IDLE_FOR {
                                sqlx::Connection::ping(conn).await?;
                            }
                            Ok(true)
                        })
                    })
                    .connect(url)
                    .await
                    .map_err(|e| StoreError::Connect(e.to_string()))?;
                Pool::Postgres(pool, std::sync::Arc::new(db::Warm::new(max_connections)))
            }
            DatabaseKind::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(|e| StoreError::Connect(e.to_string()))?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                if let Some(parent) = sqlite_file_parent(url) {
                    std::fs::create_dir_all(&parent).map_err(|e| {
                        StoreError::Connect(format!("cannot create {}: {e}", parent.display()))
                    })?;
                }
                // No ping before each use: a SQLite connection is a file handle in this process
                // and cannot go stale, and the ping is a second hand-off to the driver's
                // worker thread for every query (the largest cost in a profile of the case page).
                let pool = SqlitePoolOptions::new()
                    .test_before_acquire(false)
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(|e| StoreError::Connect(e.to_string()))?;
                Pool::Sqlite(pool)
            }
        };
        Ok(Self {
            pool,
            reference: std::sync::Arc::default(),
            access_audit: std::sync::Arc::default(),
        })
    }

    /// Which backend this store runs on.
    pub fn kind(&self) -> DatabaseKind {
        match self.pool {
            Pool::Postgres(..) => DatabaseKind::Postgres,
            Pool::Sqlite(_) => DatabaseKind::Sqlite,
        }
    }

    /// The pool, for the aggregate modules.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The in-process copy of this database's reference data.
    pub fn reference(&self) -> &reference::ReferenceCache {
        &self.reference
    }

    /// Records that a user opened (or was refused) a case, and returns once the row is
    /// committed (with the rows of concurrent requests: see [`access_audit`]).
    pub async fn record_access(
        &self,
        participant: &str,
        user: i64,
        allowed: bool,
        now: time::OffsetDateTime,
    ) -> Result<(), StoreError> {
        let access = access_audit::Access {
            participant_id: participant.to_owned(),
            user_id: user,
            allowed,
            at: now,
        };
        self.access_audit.record(&self.pool, access).await
    }

    /// A handle for single queries.
    pub fn db(&self) -> Db<'_> {
        self.pool.db()
    }

    /// A connection held for several statements in a row (see [`Held`]).
    pub async fn held(&self) -> Result<Held, StoreError> {
        self.pool.held().await
    }

    /// Opens a transaction.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        self.pool.begin().await
    }

    /// Applies every pending migration of this backend.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Postgres(pool, _) => POSTGRES_MIGRATIONS.run(pool).await?,
            Pool::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Removes every table this application owns (the migrations' record included).
    pub async fn drop_all(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Postgres(pool, _) => {
                sqlx::query("DROP SCHEMA public CASCADE")
                    .execute(pool)
                    .await?;
                sqlx::query("CREATE SCHEMA public").execute(pool).await?;
            }
            Pool::Sqlite(pool) => {
                // The pragma is per connection: everything runs on one.
                let mut conn = pool.acquire().await?;
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *conn)
                    .await?;
                let tables: Vec<(String,)> = sqlx::query_as(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                )
                .fetch_all(&mut *conn)
                .await?;
                for (table,) in tables {
                    sqlx::query(&format!("DROP TABLE IF EXISTS \"{table}\""))
                        .execute(&mut *conn)
                        .await?;
                }
                sqlx::query("PRAGMA foreign_keys = ON")
                    .execute(&mut *conn)
                    .await?;
            }
        }
        Ok(())
    }

    /// A trivial query, for the readiness check.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Postgres(pool, _) => {
                sqlx::query("SELECT 1").execute(pool).await?;
            }
            Pool::Sqlite(pool) => {
                sqlx::query("SELECT 1").execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Connections open and idle (in the pool or kept warm), for `/metrics`.
    pub fn pool_stats(&self) -> (u32, usize) {
        match &self.pool {
            Pool::Postgres(pool, warm) => (pool.size(), pool.num_idle() + warm.waiting()),
            Pool::Sqlite(pool) => (pool.size(), pool.num_idle()),
        }
    }

    /// Closes every connection.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Postgres(pool, warm) => {
                warm.close();
                pool.close().await
            }
            Pool::Sqlite(pool) => pool.close().await,
        }
    }
}

/// The folder of a `sqlite://path/file.db` URL, if it names a file.
fn sqlite_file_parent(url: &str) -> Option<std::path::PathBuf> {
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = path.split('?').next()?;
    if path.is_empty() || path == ":memory:" {
        return None;
    }
    std::path::Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(|p| p.to_path_buf())
}
