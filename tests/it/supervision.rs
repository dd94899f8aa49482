//! Leases and supervision: one holder at a time on every kind of lease, takeover when the
//! holder stops, and a panicking worker restarted.

use crate::support::{postgres_url, redis_overrides, toml_value::Value as Setting};
use cats_actors::history::Limits;
use cats_actors::lease::{Lease, LocalLease, PostgresLease, RedisLease};
use cats_actors::supervisor::{
    GetStatus, Status, StopSupervisor, Supervisor, SupervisorConfig, WorkerFactory,
};
use cats_actors::{Hub, LiveConfig, MemoryBus};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

fn hub() -> Hub {
    Hub::start(
        Arc::new(MemoryBus::new(Limits {
            max_events: 10,
            max_age: Duration::from_secs(60),
        })),
        LiveConfig::default(),
    )
}

fn quick() -> SupervisorConfig {
    SupervisorConfig {
        check_every: Duration::from_millis(100),
        backoff_start: Duration::from_millis(50),
        backoff_max: Duration::from_millis(400),
        healthy_after: Duration::from_secs(60),
    }
}

/// A worker that counts how many copies of it run at once, and the most ever seen.
fn counting_worker(running: Arc<AtomicUsize>, most: Arc<AtomicUsize>) -> WorkerFactory {
    Arc::new(move || {
        let running = running.clone();
        let most = most.clone();
        Box::pin(async move {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            struct Leaving(Arc<AtomicUsize>);
            impl Drop for Leaving {
                fn drop(&mut self) {
                    self.0.fetch_sub(1, Ordering::SeqCst);
                }
            }
            let _leaving = Leaving(running);
            std::future::pending::<()>().await;
        })
    })
}

async fn status(addr: &cats_actors::Addr<Supervisor>) -> Status {
    addr.send(GetStatus).await.expect("supervisor answers")
}

async fn wait_until(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..200 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting until {what}");
}

/// Two supervisors of one job, each with its own lease handle: exactly one runs it; when the
/// holder stops, the other takes over.
async fn one_holder_then_takeover(first: Arc<dyn Lease>, second: Arc<dyn Lease>) {
    let (hub_a, hub_b) = (hub(), hub());
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let a = hub_a.supervise(
        first,
        counting_worker(running.clone(), most.clone()),
        quick(),
    );
    let b = hub_b.supervise(
        second,
        counting_worker(running.clone(), most.clone()),
        quick(),
    );
    wait_until("one worker runs", async || {
        running.load(Ordering::SeqCst) == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(most.load(Ordering::SeqCst), 1, "never two at once");
    let (status_a, status_b) = (status(&a).await, status(&b).await);
    assert!(
        status_a.held != status_b.held,
        "exactly one holds the lease"
    );
    let (holder, other) = if status_a.held { (a, b) } else { (b, a) };
    holder.send(StopSupervisor).await.expect("stop");
    wait_until("the other takes over", async || {
        status(&other).await.running
    })
    .await;
    assert_eq!(most.load(Ordering::SeqCst), 1);
    other.send(StopSupervisor).await.expect("stop");
    hub_a.shutdown().await;
    hub_b.shutdown().await;
}

#[tokio::test]
async fn in_process_lease_has_one_holder_and_passes_on() {
    one_holder_then_takeover(
        Arc::new(LocalLease::new("test-takeover-local")),
        Arc::new(LocalLease::new("test-takeover-local")),
    )
    .await;
}

#[tokio::test]
async fn redis_lease_has_one_holder_and_passes_on() {
    let Some(settings) = redis_overrides("Redis lease") else {
        return;
    };
    let (Setting::Text(url), Setting::Text(prefix)) = (&settings[0].1, &settings[1].1) else {
        panic!("redis settings are text");
    };
    let client = redis::Client::open(url.as_str()).expect("client");
    let connection = redis::aio::ConnectionManager::new(client)
        .await
        .expect("connect");
    let ttl = Duration::from_secs(2);
    one_holder_then_takeover(
        Arc::new(RedisLease::new(connection.clone(), prefix, "job", ttl)),
        Arc::new(RedisLease::new(connection, prefix, "job", ttl)),
    )
    .await;
}

#[tokio::test]
async fn redis_lease_of_a_dead_holder_expires() {
    let Some(settings) = redis_overrides("Redis lease expiry") else {
        return;
    };
    let (Setting::Text(url), Setting::Text(prefix)) = (&settings[0].1, &settings[1].1) else {
        panic!("redis settings are text");
    };
    let client = redis::Client::open(url.as_str()).expect("client");
    let connection = redis::aio::ConnectionManager::new(client)
        .await
        .expect("connect");
    let ttl = Duration::from_millis(800);
    let dead = RedisLease::new(connection.clone(), prefix, "job", ttl);
    let alive = RedisLease::new(connection, prefix, "job", ttl);
    assert!(dead.acquire().await.expect("acquire"));
    assert!(!alive.acquire().await.expect("held by the other"));
    // The holder dies without releasing: no more renewals.
    drop(dead);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(alive.acquire().await.expect("expired, taken over"));
}

#[tokio::test]
async fn postgres_lease_has_one_holder_and_passes_on() {
    let Some(url) = postgres_url("PostgreSQL lease") else {
        return;
    };
    let name = format!("test-{}", uuid::Uuid::new_v4().simple());
    one_holder_then_takeover(
        Arc::new(PostgresLease::new(&url, &name)),
        Arc::new(PostgresLease::new(&url, &name)),
    )
    .await;
}

#[tokio::test]
async fn postgres_lease_of_a_dead_holder_is_free_at_once() {
    let Some(url) = postgres_url("PostgreSQL lease expiry") else {
        return;
    };
    let name = format!("test-{}", uuid::Uuid::new_v4().simple());
    let dead = PostgresLease::new(&url, &name);
    let alive = PostgresLease::new(&url, &name);
    assert!(dead.acquire().await.expect("acquire"));
    assert!(!alive.acquire().await.expect("held"));
    drop(dead); // its connection closes
    wait_until("the lock is free", async || {
        alive.acquire().await.unwrap_or(false)
    })
    .await;
}

#[tokio::test]
async fn a_panicking_worker_is_restarted_with_backoff() {
    let hub = hub();
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let factory: WorkerFactory = Arc::new(move || {
        let runs = counted.clone();
        Box::pin(async move {
            let run = runs.fetch_add(1, Ordering::SeqCst) + 1;
            if run <= 3 {
                panic!("worker failure number {run}");
            }
            std::future::pending::<()>().await;
        })
    });
    let supervisor = hub.supervise(Arc::new(LocalLease::new("test-panics")), factory, quick());
    wait_until("the fourth run is healthy", async || {
        runs.load(Ordering::SeqCst) == 4 && status(&supervisor).await.running
    })
    .await;
    assert_eq!(status(&supervisor).await.restarts, 3);
    supervisor.send(StopSupervisor).await.expect("stop");
    hub.shutdown().await;
}
