//! Starts this instance's supervised singleton jobs, each under a lease of the strongest kind
//! the deployment has: Redis when configured, else a PostgreSQL advisory lock, else in-process.

use crate::settings::{DatabaseKind, Settings};
use crate::store::Store;
use cats_actors::lease::{Lease, LocalLease, PostgresLease, RedisLease};
use cats_actors::supervisor::{StopSupervisor, Supervisor, SupervisorConfig, WorkerFactory};
use cats_actors::{Addr, Hub};
use std::sync::Arc;
use std::time::Duration;

/// A lease's time to live on Redis; renewed every second, so a dead holder's lease passes on
/// within this long.
const LEASE_TTL: Duration = Duration::from_secs(5);

/// The lease for a singleton job.
pub fn lease_for(
    settings: &Settings,
    redis: Option<&redis::aio::ConnectionManager>,
    name: &str,
) -> Arc<dyn Lease> {
    match (redis, settings.database_kind()) {
        (Some(connection), _) => Arc::new(RedisLease::new(
            connection.clone(),
            &settings.live.redis_prefix,
            name,
            LEASE_TTL,
        )),
        (None, Ok(DatabaseKind::Postgres)) => {
            Arc::new(PostgresLease::new(&settings.effective_database_url(), name))
        }
        // In-process leases are per database, so test servers in one process (each with its
        // own database) each run their own jobs.
        _ => Arc::new(LocalLease::new(&format!(
            "{}|{name}",
            settings.effective_database_url()
        ))),
    }
}

/// The running supervisors of this instance, and its outbox wake relay.
pub struct Jobs(Vec<Addr<Supervisor>>, tokio::task::AbortHandle);

impl Jobs {
    /// Stops every job and releases its lease.
    pub async fn stop(&self) {
        self.1.abort();
        for supervisor in &self.0 {
            let _ = supervisor.send(StopSupervisor).await;
        }
    }
}

impl Drop for Jobs {
    fn drop(&mut self) {
        // The relay holds the store: it must not outlive the instance.
        self.1.abort();
    }
}

/// Starts the singleton jobs. The outbox dispatcher and the payments workflow always run:
/// without them no change would reach a live page, and no approval would raise its payment.
pub fn start(
    settings: &Settings,
    redis: Option<&redis::aio::ConnectionManager>,
    store: &Store,
    hub: &Hub,
    outbox_wake: &Arc<tokio::sync::Notify>,
    dms: &crate::external::DmsClient,
) -> Jobs {
    let mut supervisors = Vec::new();
    // Commits on this instance signal `outbox_wake`; the relay passes that on to this
    // instance's dispatcher and, on PostgreSQL while the dispatcher runs elsewhere, to the
    // other instances.
    let dispatch_wake = Arc::new(tokio::sync::Notify::new());
    let here = super::outbox::DispatchingHere::default();
    let relay = tokio::spawn(super::outbox::relay(
        store.clone(),
        outbox_wake.clone(),
        dispatch_wake.clone(),
        here.clone(),
        (settings.database_kind().ok() == Some(DatabaseKind::Postgres)).then(|| hub.instance()),
    ))
    .abort_handle();
    {
        let (store, job_hub, wake) = (store.clone(), hub.clone(), dispatch_wake);
        let postgres = (settings.database_kind().ok() == Some(DatabaseKind::Postgres))
            .then(|| settings.effective_database_url());
        let factory: WorkerFactory = Arc::new(move || {
            Box::pin(super::outbox::run(
                store.clone(),
                job_hub.clone(),
                wake.clone(),
                here.clone(),
                postgres.clone(),
            ))
        });
        let config = SupervisorConfig {
            check_every: Duration::from_millis(500),
            ..SupervisorConfig::default()
        };
        supervisors.push(hub.supervise(lease_for(settings, redis, "outbox"), factory, config));
    }
    {
        let (store, wake) = (store.clone(), outbox_wake.clone());
        let postgres = (settings.database_kind().ok() == Some(DatabaseKind::Postgres))
            .then(|| settings.effective_database_url());
        let factory: WorkerFactory = Arc::new(move || {
            Box::pin(super::payments::run(
                store.clone(),
                wake.clone(),
                postgres.clone(),
            ))
        });
        let config = SupervisorConfig {
            check_every: Duration::from_millis(500),
            ..SupervisorConfig::default()
        };
        supervisors.push(hub.supervise(lease_for(settings, redis, "payments"), factory, config));
    }
    if settings.jobs.enabled {
        let at = jiff::civil::Time::new(
            i8::try_from(settings.jobs.dormant_accounts_hour).unwrap_or(19),
            0,
            0,
            0,
        )
        .unwrap_or(jiff::civil::Time::constant(19, 0, 0, 0));
        let (job_store, job_hub) = (store.clone(), hub.clone());
        let factory: WorkerFactory = Arc::new(move || {
            Box::pin(super::dormant_accounts::run_daily(
                job_store.clone(),
                job_hub.clone(),
                at,
            ))
        });
        let lease = lease_for(settings, redis, "dormant-accounts");
        supervisors.push(hub.supervise(lease, factory, SupervisorConfig::default()));

        let hour = jiff::civil::Time::new(
            i8::try_from(settings.jobs.feed_refresh_hour).unwrap_or(22),
            0,
            0,
            0,
        )
        .unwrap_or(jiff::civil::Time::constant(22, 0, 0, 0));
        let refresh = super::feed_refresh::FeedRefresh {
            store: store.clone(),
            dms: dms.clone(),
            hub: hub.clone(),
            outbox_wake: outbox_wake.clone(),
        };
        let factory: WorkerFactory = Arc::new(move || Box::pin(refresh.clone().run_forever(hour)));
        let lease = lease_for(settings, redis, super::feed_refresh::LEASE);
        let config = SupervisorConfig {
            check_every: Duration::from_millis(500),
            ..SupervisorConfig::default()
        };
        supervisors.push(hub.supervise(lease, factory, config));
    }
    Jobs(supervisors, relay)
}
