//! `GET /live`: the WebSocket the page script connects to (protocol: `actors/README.md`).

use super::current_user::principal_of;
use super::error::HttpError;
use super::routes;
use super::state::AppState;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use cats_actors::Gate;
use std::sync::Arc;

routes! {
    get "/live" => socket;
}

/// `GET /live`
pub async fn socket(
    req: HttpRequest,
    body: web::Payload,
    state: web::Data<AppState>,
) -> Result<HttpResponse, HttpError> {
    let upgrade = req
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    if !upgrade {
        // Someone opened the address in a browser: sign in first, then explain.
        principal_of(&req).await?;
        return Err(HttpError::BadRequest(
            "This address carries live updates for the page script; it is not a page.".to_owned(),
        ));
    }
    let gate: Arc<dyn Gate> = state.gate.clone();
    cats_actors::serve(req, body, state.hub.clone(), gate)
        .await
        .map_err(|e| HttpError::Internal(anyhow::anyhow!("websocket upgrade failed: {e}")))
}
