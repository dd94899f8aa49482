//! Loading data: the demo organisation and accounts, or a SQL file of one's own.

pub mod cases;
pub mod demo;
pub mod pri;
pub mod scale;

use crate::store::{Pool, Store, StoreError};

/// Runs every statement of a SQL file in one transaction (`cats db seed FILE.sql`).
pub async fn run_sql_file(store: &Store, sql: &str) -> Result<(), StoreError> {
    use sqlx::Executor;
    match store.pool() {
        Pool::Postgres(pool, _) => {
            let mut tx = pool.begin().await?;
            tx.execute(sql).await?;
            tx.commit().await?;
        }
        Pool::Sqlite(pool) => {
            let mut tx = pool.begin().await?;
            tx.execute(sql).await?;
            tx.commit().await?;
        }
    }
    Ok(())
}
