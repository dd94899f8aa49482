//! One handle over PostgreSQL or SQLite. Each query is written once with sea-query; here it is
//! rendered for the connected backend and run. Rows decode into types that implement
//! `FromRow` for both backends (plain derives do).

use sea_query::{PostgresQueryBuilder, QueryStatementWriter, SqliteQueryBuilder};
use sea_query_sqlx::SqlxBinder;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{FromRow, Postgres, Sqlite, Transaction};

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
    /// PostgreSQL.
    Postgres(PgPool),
    /// SQLite.
    Sqlite(SqlitePool),
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

/// A connection for one query: taken from the pool, or borrowed from a transaction.
enum Handle<'c> {
    PostgresPooled(PoolConnection<Postgres>),
    SqlitePooled(PoolConnection<Sqlite>),
    Postgres(&'c mut PgConnection),
    Sqlite(&'c mut SqliteConnection),
}

impl Handle<'_> {
    fn conn(&mut self) -> Conn<'_> {
        match self {
            Handle::PostgresPooled(c) => Conn::Postgres(c),
            Handle::SqlitePooled(c) => Conn::Sqlite(c),
            Handle::Postgres(c) => Conn::Postgres(c),
            Handle::Sqlite(c) => Conn::Sqlite(c),
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
            self.handle().await?.conn().fetch_all(stmt).await
        }

        /// The first row, if any.
        pub async fn fetch_optional<T: Row>(
            &mut self,
            stmt: &impl Statement,
        ) -> Result<Option<T>, StoreError> {
            self.handle().await?.conn().fetch_optional(stmt).await
        }

        /// Exactly one row; `StoreError::NotFound` when there is none.
        pub async fn fetch_one<T: Row>(&mut self, stmt: &impl Statement) -> Result<T, StoreError> {
            self.fetch_optional(stmt).await?.ok_or(StoreError::NotFound)
        }

        /// Runs a statement and returns the number of rows it affected.
        pub async fn execute(&mut self, stmt: &impl Statement) -> Result<u64, StoreError> {
            self.handle().await?.conn().execute(stmt).await
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
            Pool::Postgres(pool) => Handle::PostgresPooled(pool.acquire().await?),
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
    Postgres(PoolConnection<Postgres>),
    Sqlite(PoolConnection<Sqlite>),
}

impl Held {
    async fn handle(&mut self) -> Result<Handle<'_>, StoreError> {
        Ok(match &mut self.0 {
            HeldConn::Postgres(c) => Handle::Postgres(c),
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

    /// A connection held for several reads (see [`Held`]).
    pub async fn held(&self) -> Result<Held, StoreError> {
        Ok(Held(match self {
            Pool::Postgres(pool) => HeldConn::Postgres(pool.acquire().await?),
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
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let pool = self.clone();
        let begin = tokio::spawn(async move {
            Ok::<_, StoreError>(match pool {
                Pool::Postgres(pool) => Tx::Postgres(pool.begin().await?),
                Pool::Sqlite(pool) => Tx::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
            })
        });
        begin
            .await
            .map_err(|error| StoreError::Database(sqlx::Error::Io(std::io::Error::other(error))))?
    }
}
