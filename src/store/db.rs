//! One handle over PostgreSQL or SQLite. Each query is written once with sea-query; here it is
//! rendered for the connected backend and run. Rows decode into types that implement
//! `FromRow` for both backends (plain derives do).

use sea_query::{PostgresQueryBuilder, QueryStatementWriter, SqliteQueryBuilder};
use sea_query_sqlx::SqlxBinder;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{FromRow, Postgres, Sqlite, Transaction};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::StoreError;

/// A row type that decodes from both backends.
pub trait Row: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, PgRow> + for<'r> FromRow<'r, SqliteRow> + Send + Unpin
{}

/// A statement sea-query can render for both backends.
pub trait Statement: QueryStatementWriter + SqlxBinder {}
impl<T> Statement for T where T: QueryStatementWriter + SqlxBinder {}

/// The connection pool of whichever backend the URL named.
#[derive(Clone, Debug)]
pub enum Pool {
    /// PostgreSQL, with the connections kept warm for single statements and held reads.
    Postgres(PgPool, Arc<Warm>),
    /// SQLite.
    Sqlite(SqlitePool),
}

/// How long a connection may wait in [`Warm`] and still be handed out without a check.
const WARM_FOR: Duration = Duration::from_secs(1);

/// PostgreSQL connections given back by single statements ([`Db`]) and held reads ([`Held`])
/// after a statement that succeeded, kept for the next of them instead of going back to
/// sqlx's pool. sqlx checks every connection given back to its pool with a round trip (a ping,
/// whatever the pool's options: `PoolConnection::return_to_pool`), so each use of a pooled
/// connection cost two round trips; in a profile of `cats-bench edits` the pings were a
/// seventh of the server's time. A connection just used successfully needs no check: one
/// kept here longer than [`WARM_FOR`] goes back through sqlx's pool, and its check, instead.
///
/// At most half the pool waits here, so code that takes connections from sqlx's pool
/// directly (transactions, listeners' set-up, migrations) always finds the rest; a
/// transaction that finds the pool empty first gives one of these back (see [`Pool::begin`]).
#[derive(Debug)]
pub struct Warm {
    idle: Mutex<Vec<(PoolConnection<Postgres>, Instant)>>,
    /// Signalled when a connection is kept: statements waiting for one from the pool take it.
    kept: tokio::sync::Notify,
    most: usize,
    closed: AtomicBool,
}

impl Warm {
    /// A stash for a pool of `max_connections`.
    pub fn new(max_connections: u32) -> Self {
        Self {
            idle: Mutex::new(Vec::new()),
            kept: tokio::sync::Notify::new(),
            most: (max_connections / 2) as usize,
            closed: AtomicBool::new(false),
        }
    }

    /// How many connections wait here.
    pub fn waiting(&self) -> usize {
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// The connection given back last, if it is still warm. Colder ones go back to the pool.
    fn take(&self) -> Option<PoolConnection<Postgres>> {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        let (conn, since) = idle.pop()?;
        if since.elapsed() < WARM_FOR {
            return Some(conn);
        }
        // The newest is cold, so every one is: all go back through sqlx's check.
        idle.clear();
        None
    }

    /// Keeps a connection for the next statement, or gives it back to the pool when enough wait.
    fn put(&self, conn: PoolConnection<Postgres>) {
        if self.closed.load(Ordering::Acquire) {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        idle.retain(|(_, since)| since.elapsed() < WARM_FOR);
        if idle.len() < self.most {
            idle.push((conn, Instant::now()));
            drop(idle);
            self.kept.notify_one();
        }
    }

    /// Gives one waiting connection back to the pool.
    fn give_back_one(&self) {
        let oldest = {
            let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
            (!idle.is_empty()).then(|| idle.remove(0))
        };
        drop(oldest);
    }

    /// Gives every waiting connection back and keeps none from now on (the pool is closing).
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        self.idle.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

impl Drop for Warm {
    fn drop(&mut self) {
        // Giving a connection back to sqlx's pool spawns a task; with no runtime left (the
        // process is ending) the connections are closed here instead.
        let idle = std::mem::take(self.idle.get_mut().unwrap_or_else(|e| e.into_inner()));
        if tokio::runtime::Handle::try_current().is_err() {
            for (conn, _) in idle {
                drop(conn.detach());
            }
        }
    }
}

/// A PostgreSQL connection out of [`Warm`] or the pool. Dropped after a statement that
/// succeeded it waits in [`Warm`]; otherwise (an error, or a statement cut off half-way) it
/// goes back through sqlx's pool, whose check flushes or closes it.
struct WarmConn {
    conn: Option<PoolConnection<Postgres>>,
    home: Arc<Warm>,
    clean: bool,
}

impl WarmConn {
    /// A warm connection, or the first to come: one kept warm while this waits, or one from
    /// the pool. A statement waiting on the pool alone would wait behind every later statement
    /// that found a connection kept warm, since those never reach the pool's queue.
    async fn take(pool: &PgPool, home: &Arc<Warm>) -> Result<Self, StoreError> {
        let conn = loop {
            if let Some(conn) = home.take() {
                break conn;
            }
            let kept = home.kept.notified();
            tokio::pin!(kept);
            kept.as_mut().enable();
            if let Some(conn) = home.take() {
                break conn;
            }
            tokio::select! {
                conn = pool.acquire() => break conn?,
                () = kept => {}
            }
        };
        Ok(Self {
            conn: Some(conn),
            home: home.clone(),
            clean: false,
        })
    }

    fn conn(&mut self) -> &mut PgConnection {
        self.clean = false;
        self.conn.as_mut().expect("present until dropped")
    }
}

impl Drop for WarmConn {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            if self.clean {
                self.home.put(conn);
            }
        }
    }
}

/// One open transaction.
pub enum Tx {
    /// On PostgreSQL.
    Postgres(Transaction<'static, Postgres>),
    /// On SQLite.
    Sqlite(Transaction<'static, Sqlite>),
}

/// A connection borrowed from a pool or a transaction: the one place queries run.
enum Conn<'c> {
    Postgres(&'c mut PgConnection),
    Sqlite(&'c mut SqliteConnection),
}

/// A connection for one query: taken from the pool, held, or borrowed from a transaction.
enum Handle<'c> {
    PostgresPooled(WarmConn),
    PostgresHeld(&'c mut WarmConn),
    SqlitePooled(PoolConnection<Sqlite>),
    Postgres(&'c mut PgConnection),
    Sqlite(&'c mut SqliteConnection),
}

impl Handle<'_> {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Handle::PostgresPooled(c) => Conn::Postgres(c.conn()),
            Handle::PostgresHeld(c) => Conn::Postgres(c.conn()),
            Handle::SqlitePooled(c) => Conn::Sqlite(c),
            Handle::Postgres(c) => Conn::Postgres(c),
            Handle::Sqlite(c) => Conn::Sqlite(c),
        }
    }

    /// Records how the statement ended: a warm connection is kept only after a success.
    fn settle<T>(mut self, result: &Result<T, StoreError>) {
        match &mut self {
            Handle::PostgresPooled(c) => c.clean = result.is_ok(),
            Handle::PostgresHeld(c) => c.clean = result.is_ok(),
            _ => {}
        }
    }
}

impl Conn<'_> {
    async fn fetch_all<T: Row>(self, stmt: &impl Statement) -> Result<Vec<T>, StoreError> {
        Ok(match self {
            Conn::Postgres(c) => {
                let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
                sqlx::query_as_with::<_, T, _>(&sql, values)
                    .fetch_all(c)
                    .await?
            }
            Conn::Sqlite(c) => {
                let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
                sqlx::query_as_with::<_, T, _>(&sql, values)
                    .fetch_all(c)
                    .await?
            }
        })
    }

    async fn fetch_optional<T: Row>(self, stmt: &impl Statement) -> Result<Option<T>, StoreError> {
        Ok(match self {
            Conn::Postgres(c) => {
                let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
                sqlx::query_as_with::<_, T, _>(&sql, values)
                    .fetch_optional(c)
                    .await?
            }
            Conn::Sqlite(c) => {
                let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
                sqlx::query_as_with::<_, T, _>(&sql, values)
                    .fetch_optional(c)
                    .await?
            }
        })
    }

    async fn execute(self, stmt: &impl Statement) -> Result<u64, StoreError> {
        Ok(match self {
            Conn::Postgres(c) => {
                let (sql, values) = stmt.build_sqlx(PostgresQueryBuilder);
                sqlx::query_with(&sql, values)
                    .execute(c)
                    .await?
                    .rows_affected()
            }
            Conn::Sqlite(c) => {
                let (sql, values) = stmt.build_sqlx(SqliteQueryBuilder);
                sqlx::query_with(&sql, values)
                    .execute(c)
                    .await?
                    .rows_affected()
            }
        })
    }
}

/// The query methods shared by a pool and a transaction.
macro_rules! query_methods {
    () => {
        /// Every row the statement returns.
        pub async fn fetch_all<T: Row>(
            &mut self,
            stmt: &impl Statement,
        ) -> Result<Vec<T>, StoreError> {
            let mut handle = self.handle().await?;
            let result = handle.conn().fetch_all(stmt).await;
            handle.settle(&result);
            result
        }

        /// The first row, if any.
        pub async fn fetch_optional<T: Row>(
            &mut self,
            stmt: &impl Statement,
        ) -> Result<Option<T>, StoreError> {
            let mut handle = self.handle().await?;
            let result = handle.conn().fetch_optional(stmt).await;
            handle.settle(&result);
            result
        }

        /// Exactly one row; `StoreError::NotFound` when there is none.
        pub async fn fetch_one<T: Row>(&mut self, stmt: &impl Statement) -> Result<T, StoreError> {
            self.fetch_optional(stmt).await?.ok_or(StoreError::NotFound)
        }

        /// Runs a statement and returns the number of rows it affected.
        pub async fn execute(&mut self, stmt: &impl Statement) -> Result<u64, StoreError> {
            let mut handle = self.handle().await?;
            let result = handle.conn().execute(stmt).await;
            handle.settle(&result);
            result
        }
    };
}

/// Where a query can run: a pool handle or an open transaction. Reads that pages and commands
/// both need are written once against this.
#[allow(async_fn_in_trait)]
pub trait Exec {
    /// Every row the statement returns.
    async fn all<T: Row>(&mut self, stmt: &impl Statement) -> Result<Vec<T>, StoreError>;
    /// The first row, if any.
    async fn optional<T: Row>(&mut self, stmt: &impl Statement) -> Result<Option<T>, StoreError>;
    /// Runs a statement; the number of rows it affected.
    async fn run(&mut self, stmt: &impl Statement) -> Result<u64, StoreError>;
}

macro_rules! exec_impl {
    ($ty:ty) => {
        impl Exec for $ty {
            async fn all<T: Row>(&mut self, stmt: &impl Statement) -> Result<Vec<T>, StoreError> {
                self.fetch_all(stmt).await
            }
            async fn optional<T: Row>(
                &mut self,
                stmt: &impl Statement,
            ) -> Result<Option<T>, StoreError> {
                self.fetch_optional(stmt).await
            }
            async fn run(&mut self, stmt: &impl Statement) -> Result<u64, StoreError> {
                self.execute(stmt).await
            }
        }
    };
}
exec_impl!(Db<'_>);
exec_impl!(Tx);
exec_impl!(Held);

/// A short-lived handle that runs queries on pooled connections.
pub struct Db<'p>(&'p Pool);

impl Db<'_> {
    async fn handle(&mut self) -> Result<Handle<'static>, StoreError> {
        Ok(match self.0 {
            Pool::Postgres(pool, warm) => Handle::PostgresPooled(WarmConn::take(pool, warm).await?),
            Pool::Sqlite(pool) => Handle::SqlitePooled(pool.acquire().await?),
        })
    }

    query_methods!();
}

/// One pooled connection held for several statements in a row (a page's reads, an edit's read
/// and write): taken from the pool once, so the check sqlx makes of every connection given
/// back to the pool (a round trip on PostgreSQL, whatever the pool's options) is paid once, not
/// once per statement. Back to the pool when dropped; never hold it while waiting for
/// something that itself needs a connection.
pub struct Held(HeldConn);

enum HeldConn {
    Postgres(WarmConn),
    Sqlite(PoolConnection<Sqlite>),
}

impl Held {
    async fn handle(&mut self) -> Result<Handle<'_>, StoreError> {
        Ok(match &mut self.0 {
            HeldConn::Postgres(c) => Handle::PostgresHeld(c),
            HeldConn::Sqlite(c) => Handle::Sqlite(c),
        })
    }

    query_methods!();
}

impl Tx {
    async fn handle(&mut self) -> Result<Handle<'_>, StoreError> {
        Ok(match self {
            Tx::Postgres(tx) => Handle::Postgres(tx),
            Tx::Sqlite(tx) => Handle::Sqlite(tx),
        })
    }

    query_methods!();

    /// Makes every change in the transaction durable.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Postgres(tx) => tx.commit().await?,
            Tx::Sqlite(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

impl Pool {
    /// A handle for single queries outside a transaction.
    pub fn db(&self) -> Db<'_> {
        Db(self)
    }

    /// A connection held for several statements in a row (see [`Held`]).
    pub async fn held(&self) -> Result<Held, StoreError> {
        Ok(Held(match self {
            Pool::Postgres(pool, warm) => HeldConn::Postgres(WarmConn::take(pool, warm).await?),
            Pool::Sqlite(pool) => HeldConn::Sqlite(pool.acquire().await?),
        }))
    }

    /// Opens a transaction. On SQLite it starts with `BEGIN IMMEDIATE` so two writers queue
    /// for the lock up front instead of failing half-way with "database is locked".
    ///
    /// The begin runs on a task of its own, to completion even if the caller is dropped (a
    /// workflow stopped, a request cancelled): sqlx awaits its driver again after the server
    /// has begun the transaction and before the transaction object that rolls it back on drop
    /// exists, and a caller dropped in between left the connection in the pool inside a
    /// transaction (on SQLite, holding the write lock for good). Completed, the orphaned
    /// transaction is dropped, which rolls it back.
    ///
    /// On PostgreSQL, when the pool has no idle connection, one kept warm for single
    /// statements ([`Warm`]) is given back to it first, so transactions never wait on
    /// connections that sit unused.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let pool = self.clone();
        let begin = tokio::spawn(async move {
            Ok::<_, StoreError>(match pool {
                Pool::Postgres(pool, warm) => {
                    if pool.num_idle() == 0 {
                        warm.give_back_one();
                    }
                    Tx::Postgres(pool.begin().await?)
                }
                Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            })
        });
        begin
            .await
            .map_err(|error| StoreError::Database(sqlx::Error::Io(std::io::Error::other(error))))?
    }
}
