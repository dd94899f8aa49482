//! Operations endpoints: liveness, readiness (database and Redis), Prometheus metrics, assets.

use super::routes;
use super::state::AppState;
use actix_web::{web, HttpResponse};
use std::time::Duration;

routes! {
    get "/health/live" => live, public;
    get "/health/ready" => ready, public;
    get "/metrics" => metrics, public;
    get "/assets/{name}" => super::assets::serve, public;
}

/// `GET /health/live`: the process is up.
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("live")
}

/// `GET /health/ready`: 200 when the database (and Redis, when configured) answer; otherwise
/// 503 naming the failing part.
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let mut failing = Vec::new();
    match tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => {}
        _ => failing.push("database"),
    }
    if let Some(redis) = &state.redis {
        let mut connection = redis.clone();
        let command = redis::cmd("PING");
        let ping = command.query_async::<String>(&mut connection);
        match tokio::time::timeout(Duration::from_secs(2), ping).await {
            Ok(Ok(_)) => {}
            _ => failing.push("redis"),
        }
    }
    if failing.is_empty() {
        HttpResponse::Ok().content_type("text/plain").body("ready")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body(format!("not ready: {} unavailable", failing.join(", ")))
    }
}

/// `GET /metrics`: Prometheus text format.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let (size, idle) = state.store.pool_stats();
    metrics::gauge!("cats_db_pool_connections", "state" => "open").set(f64::from(size));
    metrics::gauge!("cats_db_pool_connections", "state" => "idle").set(idle as f64);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}
