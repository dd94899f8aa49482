//! Publishing from the benchmark as if it were one more instance: the same `RedisBus` the
//! servers use, with their key prefix, so an event is numbered, stored and fanned out exactly as
//! one published by an instance after a commit. Each event's body carries its send time.

use super::protocol::{unix_nanos, EventBody};
use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use cats_actors::history::Limits;
use cats_actors::{Bus, RedisBus, RedisSettings};
use std::net::Ipv4Addr;
use std::time::Duration;

/// The variable naming the Redis server the benchmarks use.
pub const REDIS_URL_VAR: &str = "CATS_BENCH_REDIS_URL";

/// A Redis server and the key prefix one run uses on it.
#[derive(Debug, Clone)]
pub struct RedisTarget {
    /// `redis://127.0.0.1:6379`
    pub url: String,
    /// Prefix of every key and channel; unique per run so runs never see each other.
    pub prefix: String,
}

impl RedisTarget {
    /// The Redis server from `CATS_BENCH_REDIS_URL`, with a prefix unique to this run.
    pub fn for_run(benchmark: &str) -> Result<Self> {
        Ok(Self {
            url: redis_url()?,
            prefix: format!(
                "cats-bench:{benchmark}:{}-{}:",
                std::process::id(),
                unix_nanos()
            ),
        })
    }
}

/// The Redis URL from `CATS_BENCH_REDIS_URL`. There is no default: a benchmark that needs
/// Redis says so instead of guessing where it is. Only loopback servers are accepted.
pub fn redis_url() -> Result<String> {
    let url = std::env::var(REDIS_URL_VAR).map_err(|_| {
        anyhow!(
            "{REDIS_URL_VAR} is not set: this benchmark needs Redis \
             (e.g. {REDIS_URL_VAR}=redis://127.0.0.1:6379)"
        )
    })?;
    let host = redis_host(&url)
        .with_context(|| format!("{REDIS_URL_VAR}={url:?} is not a redis://HOST:PORT URL"))?;
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<Ipv4Addr>()
            .is_ok_and(|address| address.is_loopback());
    if !loopback {
        bail!("{REDIS_URL_VAR} must name a loopback server (127.0.0.0/8), not {host}");
    }
    Ok(url)
}

/// The host of `redis://[user:password@]host[:port][/db]`.
fn redis_host(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("redis://")?;
    let authority = rest.split('/').next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = host_port.split(':').next()?;
    (!host.is_empty()).then_some(host)
}

/// A publisher on the Redis bus.
pub struct Publisher {
    bus: RedisBus,
}

impl Publisher {
    /// Connects to Redis with the servers' prefix.
    pub async fn connect(target: &RedisTarget) -> Result<Self> {
        let bus = RedisBus::connect(RedisSettings {
            url: target.url.clone(),
            prefix: target.prefix.clone(),
            limits: Limits {
                max_events: 256,
                max_age: Duration::from_secs(600),
            },
            // The run's keys expire on their own soon after it ends.
            topic_ttl: Duration::from_secs(600),
        })
        .await
        .map_err(|error| anyhow!("connecting to Redis at {}: {error}", target.url))?;
        Ok(Self { bus })
    }

    /// Publishes event number `i` to `topic`; returns its send time (Unix nanoseconds), taken
    /// just before the call.
    pub async fn publish(&self, topic: &str, i: u32) -> Result<u64> {
        let sent_ns = unix_nanos();
        let body = serde_json::to_vec(&EventBody { i, sent_ns }).context("encoding an event")?;
        self.bus
            .publish(topic, Bytes::from(body))
            .await
            .map_err(|error| anyhow!("publishing to {topic}: {error}"))?;
        Ok(sent_ns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_is_read_from_a_redis_url() {
        assert_eq!(redis_host("redis://127.0.0.1:6379"), Some("127.0.0.1"));
        assert_eq!(
            redis_host("redis://u:p@localhost:6379/2"),
            Some("localhost")
        );
        assert_eq!(redis_host("redis://10.0.0.5"), Some("10.0.0.5"));
        assert_eq!(redis_host("http://127.0.0.1"), None);
    }
}
