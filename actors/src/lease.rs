//! Leases: which instance may run a singleton job now. Three kinds, one trait: in-process
//! (the embedded default), Redis (`SET NX PX`, renewed by the holder) and PostgreSQL (an
//! advisory lock held on a connection of its own). A holder that dies stops renewing (Redis)
//! or loses its connection (PostgreSQL), and the lease passes on within seconds.

use futures_util::future::BoxFuture;
use redis::aio::ConnectionManager;
use redis::Script;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

/// Why a lease could not be checked (the caller treats it as "not held").
#[derive(Debug, thiserror::Error)]
#[error("lease: {0}")]
pub struct LeaseError(pub String);

/// A named lease one holder at a time may hold.
pub trait Lease: Send + Sync {
    /// Takes the lease if it is free, or renews it if this holder has it; true while held.
    fn acquire(&self) -> BoxFuture<'_, Result<bool, LeaseError>>;
    /// Gives the lease up (if held).
    fn release(&self) -> BoxFuture<'_, ()>;
    /// The lease's name.
    fn name(&self) -> &str;
}

fn holders() -> &'static Mutex<HashMap<String, u64>> {
    static HOLDERS: OnceLock<Mutex<HashMap<String, u64>>> = OnceLock::new();
    HOLDERS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// A lease inside one process.
pub struct LocalLease {
    name: String,
    holder: u64,
}

impl LocalLease {
    /// A lease named `name` for a new holder.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            holder: crate::position::new_epoch(),
        }
    }
}

impl Lease for LocalLease {
    fn acquire(&self) -> BoxFuture<'_, Result<bool, LeaseError>> {
        Box::pin(async move {
            let mut holders = holders().lock().unwrap_or_else(|p| p.into_inner());
            let holder = *holders.entry(self.name.clone()).or_insert(self.holder);
            Ok(holder == self.holder)
        })
    }

    fn release(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let mut holders = holders().lock().unwrap_or_else(|p| p.into_inner());
            if holders.get(&self.name) == Some(&self.holder) {
                holders.remove(&self.name);
            }
        })
    }

    fn name(&self) -> &str {
        &self.name
    }
}

const ACQUIRE: &str = r"
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
elseif not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
";

const RELEASE: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// A lease in Redis: a key set with `NX PX`, renewed by its holder before it expires.
pub struct RedisLease {
    name: String,
    key: String,
    holder: String,
    ttl: Duration,
    connection: ConnectionManager,
}

impl RedisLease {
    /// A lease named `name` under `prefix`, expiring `ttl` after the last renewal.
    pub fn new(connection: ConnectionManager, prefix: &str, name: &str, ttl: Duration) -> Self {
        Self {
            name: name.to_owned(),
            key: format!("{prefix}lease:{name}"),
            holder: crate::position::new_epoch().to_string(),
            ttl,
            connection,
        }
    }
}

impl Lease for RedisLease {
    fn acquire(&self) -> BoxFuture<'_, Result<bool, LeaseError>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let held: i64 = Script::new(ACQUIRE)
                .key(&self.key)
                .arg(&self.holder)
                .arg(self.ttl.as_millis() as u64)
                .invoke_async(&mut connection)
                .await
                .map_err(|e| LeaseError(e.to_string()))?;
            Ok(held == 1)
        })
    }

    fn release(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let _: Result<i64, _> = Script::new(RELEASE)
                .key(&self.key)
                .arg(&self.holder)
                .invoke_async(&mut connection)
                .await;
        })
    }

    fn name(&self) -> &str {
        &self.name
    }
}

/// A lease as a PostgreSQL session advisory lock, on a connection the lease keeps for itself:
/// if the holder dies, its connection closes and the lock is free at once.
pub struct PostgresLease {
    name: String,
    key: i64,
    url: String,
    connection: tokio::sync::Mutex<Option<sqlx::PgConnection>>,
}

impl PostgresLease {
    /// A lease named `name` on the database at `url`.
    pub fn new(url: &str, name: &str) -> Self {
        Self {
            name: name.to_owned(),
            key: lock_key(name),
            url: url.to_owned(),
            connection: tokio::sync::Mutex::new(None),
        }
    }
}

/// A stable 64-bit key for a lease name (FNV-1a: the same on every instance and release).
fn lock_key(name: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in name.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash as i64
}

impl Lease for PostgresLease {
    fn acquire(&self) -> BoxFuture<'_, Result<bool, LeaseError>> {
        Box::pin(async move {
            use sqlx::Connection;
            let mut slot = self.connection.lock().await;
            if let Some(connection) = slot.as_mut() {
                // Held: the lock lives as long as this connection does.
                if connection.ping().await.is_ok() {
                    return Ok(true);
                }
                *slot = None;
            }
            let mut connection = sqlx::PgConnection::connect(&self.url)
                .await
                .map_err(|e| LeaseError(e.to_string()))?;
            let (held,): (bool,) = sqlx::query_as("SELECT pg_try_advisory_lock($1)")
                .bind(self.key)
                .fetch_one(&mut connection)
                .await
                .map_err(|e| LeaseError(e.to_string()))?;
            if held {
                *slot = Some(connection);
            } else {
                let _ = connection.close().await;
            }
            Ok(held)
        })
    }

    fn release(&self) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            use sqlx::Connection;
            if let Some(connection) = self.connection.lock().await.take() {
                let _ = connection.close().await;
            }
        })
    }

    fn name(&self) -> &str {
        &self.name
    }
}

/// Shares one lease between a supervisor and whoever starts it.
pub type SharedLease = Arc<dyn Lease>;

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_lease_has_one_holder_until_released() {
        let first = LocalLease::new("test-local-lease");
        let second = LocalLease::new("test-local-lease");
        assert!(first.acquire().await.expect("acquire"));
        assert!(first.acquire().await.expect("renew"));
        assert!(!second.acquire().await.expect("refused"));
        first.release().await;
        assert!(second.acquire().await.expect("taken over"));
        second.release().await;
    }

    #[test]
    fn lock_keys_are_stable() {
        assert_eq!(lock_key("payments"), lock_key("payments"));
        assert_ne!(lock_key("payments"), lock_key("refresh"));
    }
}
