//! What every handler can reach: the store, settings-derived policies and optional Redis.

use crate::accounts::sessions::SessionPolicy;
use crate::settings::Settings;
use crate::store::Store;
use cats_actors::Hub;
use metrics_exporter_prometheus::PrometheusHandle;
use std::sync::Arc;

/// Shared application state (one per process, behind `web::Data`).
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Loaded settings.
    pub settings: Settings,
    /// Session rules.
    pub session_policy: SessionPolicy,
    /// Redis, when configured (checked by `/health/ready`).
    pub redis: Option<redis::aio::ConnectionManager>,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
    /// The live engine.
    pub hub: Hub,
    /// The case actors of this instance.
    pub cases: crate::live::case_actor::CaseActors,
    /// What case pages read, by case and page stamp.
    pub case_cache: crate::live::case_cache::CaseCache,
    /// Wakes this instance's outbox dispatcher after a commit.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// The offender-data service.
    pub dms: crate::external::DmsClient,
    /// The in-process fake service, when no URL is configured (kept alive with the app).
    pub fake_dms: Option<std::sync::Arc<crate::external::fake::FakeDms>>,
    /// Where uploaded documents are kept.
    pub files: crate::store::files::Files,
    /// The live engine's gate.
    pub gate: Arc<crate::live::gate::CatsGate>,
}

impl AppState {
    /// Whether cookies must be `Secure` regardless of how the request arrived.
    pub fn force_secure_cookies(&self) -> bool {
        self.settings.auth.secure_cookies
    }

    /// Closes the live sockets of sign-in sessions that just ended, on every instance.
    pub async fn close_live(&self, revoked: crate::accounts::Revoked, reason: &str) {
        if let Err(error) = self.hub.close_sessions(revoked.0, reason).await {
            tracing::warn!(%error, "could not close live sockets of revoked sessions");
        }
    }
}
