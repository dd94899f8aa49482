//! The access audit of case views: every view writes exactly one row, the row is committed
//! before the page is sent, rows of concurrent views are written together without loss or
//! duplication, and a view whose row cannot be written is not shown. An edit writes its row in
//! its own transaction: no edit is saved without it.

use crate::support::{on_both_databases, Backend, TestApp};

on_both_databases!(
    a_view_is_audited_before_its_page_is_sent,
    many_concurrent_views_are_each_audited_exactly_once,
    a_view_whose_audit_cannot_be_written_is_not_shown,
    an_edit_and_its_access_row_are_committed_together,
);

const CASE: &str = "1CATS0001";

/// A provider A worker with case `CASE` created, and their user id.
async fn worker_and_id(app: &TestApp) -> (crate::support::Client, i64) {
    let worker = app.worker_with_case().await;
    let id = app.user_id("worker@provider-a.example").await;
    (worker, id)
}

/// Runs SQL as written (a trigger body holds semicolons).
async fn raw_sql(app: &TestApp, sql: &str) {
    match app.store.pool() {
        cats::store::Pool::Postgres(pool, _) => {
            sqlx::raw_sql(sql).execute(pool).await.expect("sql runs");
        }
        cats::store::Pool::Sqlite(pool) => {
            sqlx::raw_sql(sql).execute(pool).await.expect("sql runs");
        }
    }
}

async fn audited_views(app: &TestApp, user: i64) -> i64 {
    app.sql_one(&format!(
        "SELECT count(*) FROM participant_access_audit \
         WHERE participant_id = '{CASE}' AND user_id = {user} AND allowed"
    ))
    .await
}

async fn a_view_is_audited_before_its_page_is_sent(app: TestApp) {
    let (worker, user) = worker_and_id(&app).await;
    let before = audited_views(&app, user).await;
    for view in 1..=3 {
        worker
            .get(&format!("/participants/{CASE}"))
            .await
            .expect_status(200);
        // Read straight after the answer: the row is already committed.
        assert_eq!(audited_views(&app, user).await, before + view);
    }
}

async fn many_concurrent_views_are_each_audited_exactly_once(app: TestApp) {
    let (worker, user) = worker_and_id(&app).await;
    let before = audited_views(&app, user).await;
    let views = 64;
    let path = format!("/participants/{CASE}");
    let pages = futures_util::future::join_all((0..views).map(|_| worker.get(&path))).await;
    for page in &pages {
        page.expect_status(200);
    }
    assert_eq!(
        audited_views(&app, user).await,
        before + views,
        "one row per view, none lost and none twice"
    );
}

async fn a_view_whose_audit_cannot_be_written_is_not_shown(app: TestApp) {
    let (worker, user) = worker_and_id(&app).await;
    let (refuse, allow) = refuse_audit_rows(&app);
    raw_sql(&app, refuse).await;
    let path = format!("/participants/{CASE}");
    let pages = futures_util::future::join_all((0..8).map(|_| worker.get(&path))).await;
    for page in &pages {
        page.expect_status(500);
        assert!(
            !page.body.contains("DALE ASHDOWN"),
            "no page without its audit row"
        );
    }
    raw_sql(&app, allow).await;
    let before = audited_views(&app, user).await;
    worker
        .get(&format!("/participants/{CASE}"))
        .await
        .expect_status(200);
    assert_eq!(
        audited_views(&app, user).await,
        before + 1,
        "the writer recovers once writing works again"
    );
}

/// SQL that makes every insert into the access audit fail, and SQL that undoes it.
fn refuse_audit_rows(app: &TestApp) -> (&'static str, &'static str) {
    match app.backend {
        Backend::Sqlite => (
            "CREATE TRIGGER refuse_audit BEFORE INSERT ON participant_access_audit \
             BEGIN SELECT RAISE(ABORT, 'audit refused'); END",
            "DROP TRIGGER refuse_audit",
        ),
        Backend::Postgres => (
            "CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'audit refused'; END $$; \
             CREATE TRIGGER refuse_audit BEFORE INSERT ON participant_access_audit \
             FOR EACH ROW EXECUTE FUNCTION refuse_audit()",
            "DROP TRIGGER refuse_audit ON participant_access_audit",
        ),
    }
}

async fn an_edit_and_its_access_row_are_committed_together(app: TestApp) {
    let (worker, user) = worker_and_id(&app).await;
    let path = format!("/participants/{CASE}");
    let token = worker.get(&path).await.csrf();
    let details = format!("{path}/details");
    let fields = |base, notes| {
        [
            ("csrf_token", token.as_str()),
            ("notes", notes),
            ("base_notes", base),
        ]
    };
    let before = audited_views(&app, user).await;
    worker
        .post(&details, &fields("", "First note"))
        .await
        .expect_status(303);
    assert_eq!(audited_views(&app, user).await, before + 1);
    let (refuse, allow) = refuse_audit_rows(&app);
    raw_sql(&app, refuse).await;
    // Made on the saved note, so the edit would be written (not a conflict).
    worker
        .post(&details, &fields("First note", "Second note"))
        .await
        .expect_status(500);
    raw_sql(&app, allow).await;
    for (notes, count) in [("First note", 1), ("Second note", 0)] {
        let saved = app
            .sql_one(&format!(
                "SELECT count(*) FROM participants WHERE id = '{CASE}' AND notes = '{notes}'"
            ))
            .await;
        assert_eq!(
            saved, count,
            "{notes}: no edit is saved without its audit row"
        );
    }
}
