//! PostgreSQL connections kept warm between single statements (`store::db::Warm`): a
//! connection just used is used again without sqlx's check, a statement that failed or was cut
//! off half-way never hands its connection on unchecked, and transactions are never starved by
//! the connections kept warm.

use crate::support::{Backend, TestDatabase};
use cats::store::{Exec, Store};
use sea_query::{Expr, Query};
use std::time::Duration;

async fn store(max_connections: u32) -> Option<(Store, TestDatabase)> {
    let database = TestDatabase::create(Backend::Postgres, "warm connections").await?;
    let store = Store::connect(&database.url, max_connections)
        .await
        .expect("connect");
    Some((store, database))
}

fn select(sql: &str) -> sea_query::SelectStatement {
    Query::select().expr(Expr::cust(sql.to_owned())).to_owned()
}

/// The backend serving `q`'s next statement: a single statement (`store.db()`) or a held
/// connection.
async fn backend_pid(q: &mut impl Exec) -> i32 {
    let pid: Option<(i32,)> = q.optional(&select("pg_backend_pid()")).await.expect("pid");
    pid.expect("one row").0
}

#[tokio::test]
async fn a_connection_is_used_again_at_once_after_a_statement_that_succeeded() {
    let Some((store, _database)) = store(4).await else {
        return;
    };
    let first = backend_pid(&mut store.db()).await;
    for _ in 0..5 {
        assert_eq!(
            backend_pid(&mut store.db()).await,
            first,
            "single statements"
        );
    }
    let mut held = store.held().await.expect("held");
    let pid = backend_pid(&mut held).await;
    assert_eq!(pid, first, "a held connection comes from the warm ones too");
    drop(held);
    assert_eq!(backend_pid(&mut store.db()).await, first);
    store.close().await;
}

#[tokio::test]
async fn a_statement_that_failed_or_was_cut_off_leaves_nothing_for_the_next() {
    let Some((store, _database)) = store(4).await else {
        return;
    };
    let failed: Result<(i32,), _> = store.db().fetch_one(&select("1 / 0")).await;
    assert!(failed.is_err(), "division by zero fails");
    let cut_off = tokio::time::timeout(
        Duration::from_millis(100),
        store
            .db()
            .fetch_one::<(i32,)>(&select("(SELECT 7 FROM pg_sleep(2))")),
    )
    .await;
    assert!(cut_off.is_err(), "the sleep was cut off");
    let mut held = store.held().await.expect("held");
    let cut_off_held = tokio::time::timeout(
        Duration::from_millis(100),
        held.fetch_one::<(i32,)>(&select("(SELECT 8 FROM pg_sleep(2))")),
    )
    .await;
    assert!(cut_off_held.is_err(), "the held sleep was cut off");
    drop(held);
    // Every later statement gets its own answer, never a row left over from those above.
    for n in 0..20 {
        let (answer,): (i32,) = store
            .db()
            .fetch_one(&select(&format!("{n}")))
            .await
            .expect("answer");
        assert_eq!(answer, n);
    }
    store.close().await;
}

#[tokio::test]
async fn a_transaction_is_not_kept_waiting_by_warm_connections() {
    // Two connections: one held, the other kept warm after a single statement.
    let Some((store, _database)) = store(2).await else {
        return;
    };
    let mut held = store.held().await.expect("held");
    let held_pid = backend_pid(&mut held).await;
    let warm = tokio::time::timeout(Duration::from_secs(3), backend_pid(&mut store.db()))
        .await
        .expect("the second connection answers");
    assert_ne!(
        warm, held_pid,
        "the single statement had the other connection"
    );
    let tx = tokio::time::timeout(Duration::from_secs(3), store.begin())
        .await
        .expect("the warm connection is given back to the transaction")
        .expect("begin");
    tx.commit().await.expect("commit");
    drop(held);
    store.close().await;
}
