//! Operations: health, readiness, metrics, error pages and start-up failures.

use crate::support::{on_both_databases, test_settings, TestApp};
use cats::startup::Application;

on_both_databases!(
    health_and_metrics_answer,
    readiness_names_the_database_when_it_is_gone,
    unknown_page_is_a_404_page,
    server_failure_shows_a_reference_not_the_cause,
);

async fn health_and_metrics_answer(app: TestApp) {
    let client = app.client();
    client.get("/health/live").await.expect_status(200);
    let ready = client.get("/health/ready").await;
    ready.expect_status(200);
    let response = client
        .http
        .get(format!("{}/health/live", app.address))
        .send()
        .await
        .expect("GET");
    let request_id = response
        .headers()
        .get("x-request-id")
        .expect("request id header");
    assert_eq!(request_id.len(), 16);
    let _ = client.get("/sign-in").await;
    let metrics = client.get("/metrics").await;
    metrics.expect_status(200);
    assert!(metrics.body.contains("cats_http_requests_total"));
    assert!(metrics.body.contains("route=\"/sign-in\""));
    assert!(metrics
        .body
        .contains("cats_http_request_duration_seconds_bucket"));
    assert!(metrics.body.contains("cats_db_pool_connections"));
}

async fn readiness_names_the_database_when_it_is_gone(app: TestApp) {
    app.store.close().await;
    let page = app.client().get("/health/ready").await;
    page.expect_status(503);
    assert!(page.body.contains("database"));
    app.client().get("/health/live").await.expect_status(200);
}

async fn unknown_page_is_a_404_page(app: TestApp) {
    let page = app.client().get("/no/such/page").await;
    page.expect_status(404);
    assert!(page.body.contains("Page not found"));
}

async fn server_failure_shows_a_reference_not_the_cause(app: TestApp) {
    let worker = app.signed_in("worker@provider-a.example").await;
    worker.get("/").await.expect_status(200);
    app.store.close().await;
    let page = worker.get("/account").await;
    page.expect_status(500);
    assert!(page.body.contains("quote this reference"));
    assert!(
        !page.body.to_lowercase().contains("pool"),
        "no internal cause in the page"
    );
}

#[tokio::test]
async fn start_up_with_an_unreachable_database_fails_with_one_line() {
    let settings = test_settings("postgres://nobody@127.0.0.1:1/none", &[]);
    let error = Application::build(settings)
        .await
        .err()
        .expect("cannot start");
    let line = error.to_string();
    assert!(line.starts_with("database: cannot connect"), "{line}");
    assert!(!line.contains('\n'));
}

#[tokio::test]
async fn readiness_checks_redis_when_configured() {
    let url = match std::env::var("CATS_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("Redis readiness: CATS_TEST_REDIS_URL must be set under CI=true");
            }
            crate::support::say_skipped("Redis readiness — set CATS_TEST_REDIS_URL to run it");
            return;
        }
    };
    use crate::support::toml_value::Value;
    let app = TestApp::spawn_with(
        crate::support::Backend::Sqlite,
        &[("redis_url", Value::Text(url))],
    )
    .await
    .expect("app with redis");
    app.client().get("/health/ready").await.expect_status(200);

    // Pointed at a port where nothing listens, the server refuses to start with one line.
    let settings = test_settings(
        "sqlite::memory:",
        &[("redis_url", Value::Text("redis://127.0.0.1:1".to_owned()))],
    );
    let error = Application::build(settings)
        .await
        .err()
        .expect("cannot start");
    assert!(error.to_string().starts_with("redis:"), "{error}");
}

/// PostgreSQL cutting the server's connections while they sit in the pool (a database restart,
/// a proxy's idle timeout) costs no request: the next requests get working connections. (It
/// held before idle connections were pinged too; the ping is a second line of defence.)
#[tokio::test]
async fn a_postgres_connection_cut_while_idle_is_replaced_before_use() {
    let Some(app) = TestApp::spawn(crate::support::Backend::Postgres).await else {
        return;
    };
    let worker = app.signed_in("worker@provider-a.example").await;
    worker.get("/participants").await.expect_status(200);
    let cut = app
        .sql_one(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .await;
    assert!(cut > 0, "the server's connections were cut");
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    for _ in 0..5 {
        worker.get("/participants").await.expect_status(200);
    }
}
