//! The Redis bus: several instances, no sticky sessions.
//!
//! Publishing runs one Lua script that numbers the event (a per-topic counter under an epoch),
//! adds it to the topic's bounded history (a sorted set scored by number) and `PUBLISH`es it,
//! atomically, so every instance receives a topic's events in numbering order. One pub/sub
//! connection per instance carries the topics it has local subscribers for; when that
//! connection drops it reconnects with backoff, re-subscribes, and tells the hub, whose topics
//! then recover what they missed from the shared history (or resync their subscribers).

use super::memory::recover_from;
use super::{now_millis, Bus, BusError, Incoming, Recovered, Sink};
use crate::history::Limits;
use crate::position::{new_epoch, Position};
use bytes::Bytes;
use futures_util::future::BoxFuture;
use futures_util::StreamExt;
use redis::aio::ConnectionManager;
use redis::Script;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::mpsc;

const PUBLISH: &str = r"
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  epoch = ARGV[2]
  redis.call('HSET', KEYS[1], 'e', epoch, 's', 0)
  redis.call('DEL', KEYS[2])
end
local seq = redis.call('HINCRBY', KEYS[1], 's', 1)
redis.call('ZADD', KEYS[2], seq, seq .. '|' .. ARGV[3] .. '|' .. ARGV[1])
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(tonumber(ARGV[4]) + 1))
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
redis.call('PUBLISH', ARGV[6], epoch .. '|' .. seq .. '|' .. ARGV[1])
return {epoch, seq}
";

const RECOVER: &str = r"
local epoch = redis.call('HGET', KEYS[1], 'e')
if not epoch then
  epoch = ARGV[2]
  redis.call('HSET', KEYS[1], 'e', epoch, 's', 0)
  redis.call('DEL', KEYS[2])
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local seq = tonumber(redis.call('HGET', KEYS[1], 's'))
local items = {}
if ARGV[1] ~= '' then
  items = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf')
end
return {epoch, seq, items}
";

enum Control {
    /// Subscribe; the sender hears back once the subscription is active.
    Watch(String, tokio::sync::oneshot::Sender<()>),
    Unwatch(String),
}

/// Settings of the Redis bus.
#[derive(Debug, Clone)]
pub struct RedisSettings {
    /// `redis://…`
    pub url: String,
    /// Prefix of every key and channel (lets tests and deployments share a server).
    pub prefix: String,
    /// History limits.
    pub limits: Limits,
    /// A topic with no event for this long starts a new epoch.
    pub topic_ttl: Duration,
}

/// The Redis bus.
pub struct RedisBus {
    commands: ConnectionManager,
    settings: RedisSettings,
    publish: Script,
    recover: Script,
    control: mpsc::UnboundedSender<Control>,
    sink: Arc<Mutex<Option<Weak<dyn Sink>>>>,
}

impl RedisBus {
    /// Connects (failing within 5 s if Redis does not answer) and starts the subscriber.
    pub async fn connect(settings: RedisSettings) -> Result<Self, BusError> {
        let client = redis::Client::open(settings.url.as_str())
            .map_err(|e| BusError::Redis(e.to_string()))?;
        let commands = tokio::time::timeout(
            Duration::from_secs(5),
            ConnectionManager::new(client.clone()),
        )
        .await
        .map_err(|_| BusError::Redis("no answer within 5 s".to_owned()))?
        .map_err(|e| BusError::Redis(e.to_string()))?;
        let (control, requests) = mpsc::unbounded_channel();
        let sink: Arc<Mutex<Option<Weak<dyn Sink>>>> = Arc::new(Mutex::new(None));
        tokio::spawn(subscriber(
            client,
            settings.prefix.clone(),
            requests,
            sink.clone(),
        ));
        Ok(Self {
            commands,
            settings,
            publish: Script::new(PUBLISH),
            recover: Script::new(RECOVER),
            control,
            sink,
        })
    }

    fn meta_key(&self, topic: &str) -> String {
        format!("{}m:{topic}", self.settings.prefix)
    }

    fn history_key(&self, topic: &str) -> String {
        format!("{}h:{topic}", self.settings.prefix)
    }

    fn ttl_ms(&self) -> u64 {
        self.settings.topic_ttl.as_millis() as u64
    }

    async fn recover_raw(
        &self,
        topic: &str,
        since: Option<u64>,
    ) -> Result<(Position, Vec<Vec<u8>>), BusError> {
        let mut conn = self.commands.clone();
        let (epoch, seq, items): (String, u64, Vec<Vec<u8>>) = self
            .recover
            .key(self.meta_key(topic))
            .key(self.history_key(topic))
            .arg(since.map(|s| s.to_string()).unwrap_or_default())
            .arg(new_epoch())
            .arg(self.ttl_ms())
            .invoke_async(&mut conn)
            .await
            .map_err(|e| BusError::Redis(e.to_string()))?;
        let epoch = epoch
            .parse()
            .map_err(|_| BusError::Protocol(format!("epoch {epoch:?}")))?;
        Ok((Position::new(epoch, seq), items))
    }
}

fn event_channel(prefix: &str, topic: &str) -> String {
    format!("{prefix}e:{topic}")
}

fn signal_channel(prefix: &str, topic: &str) -> String {
    format!("{prefix}s:{topic}")
}

/// Splits `a|b|rest` at its first two bars.
fn split3(raw: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let first = raw.iter().position(|b| *b == b'|')?;
    let rest = &raw[first + 1..];
    let second = rest.iter().position(|b| *b == b'|')?;
    Some((&raw[..first], &rest[..second], &rest[second + 1..]))
}

fn number(raw: &[u8]) -> Option<u64> {
    std::str::from_utf8(raw).ok()?.parse().ok()
}

impl Bus for RedisBus {
    fn publish<'a>(
        &'a self,
        topic: &'a str,
        payload: Bytes,
    ) -> BoxFuture<'a, Result<Position, BusError>> {
        Box::pin(async move {
            let mut conn = self.commands.clone();
            let (epoch, seq): (String, u64) = self
                .publish
                .key(self.meta_key(topic))
                .key(self.history_key(topic))
                .arg(payload.as_ref())
                .arg(new_epoch())
                .arg(now_millis())
                .arg(self.settings.limits.max_events)
                .arg(self.ttl_ms())
                .arg(event_channel(&self.settings.prefix, topic))
                .invoke_async(&mut conn)
                .await
                .map_err(|e| BusError::Redis(e.to_string()))?;
            let epoch = epoch
                .parse()
                .map_err(|_| BusError::Protocol(format!("epoch {epoch:?}")))?;
            Ok(Position::new(epoch, seq))
        })
    }

    fn position<'a>(&'a self, topic: &'a str) -> BoxFuture<'a, Result<Position, BusError>> {
        Box::pin(async move { Ok(self.recover_raw(topic, None).await?.0) })
    }

    fn recover<'a>(
        &'a self,
        topic: &'a str,
        since: Position,
    ) -> BoxFuture<'a, Result<Recovered, BusError>> {
        Box::pin(async move {
            let (current, items) = self.recover_raw(topic, Some(since.seq)).await?;
            let mut history = Vec::with_capacity(items.len());
            for item in &items {
                let (seq, at, payload) =
                    split3(item).ok_or_else(|| BusError::Protocol("history entry".to_owned()))?;
                let (Some(seq), Some(at)) = (number(seq), number(at)) else {
                    return Err(BusError::Protocol("history entry".to_owned()));
                };
                history.push((seq, at, Bytes::copy_from_slice(payload)));
            }
            let max_age = self.settings.limits.max_age.as_millis() as u64;
            Ok(recover_from(current, since, history.into_iter(), max_age))
        })
    }

    fn signal<'a>(&'a self, topic: &'a str, message: Bytes) -> BoxFuture<'a, Result<(), BusError>> {
        Box::pin(async move {
            let mut conn = self.commands.clone();
            redis::cmd("PUBLISH")
                .arg(signal_channel(&self.settings.prefix, topic))
                .arg(message.as_ref())
                .query_async::<i64>(&mut conn)
                .await
                .map_err(|e| BusError::Redis(e.to_string()))?;
            Ok(())
        })
    }

    fn watch<'a>(&'a self, topic: &'a str) -> BoxFuture<'a, ()> {
        let (done, confirmed) = tokio::sync::oneshot::channel();
        let _ = self.control.send(Control::Watch(topic.to_owned(), done));
        // If the connection is down the confirmation comes after reconnecting; the topic
        // recovers from history then anyway, so waiting is bounded.
        Box::pin(async move {
            let _ = tokio::time::timeout(Duration::from_secs(2), confirmed).await;
        })
    }

    fn unwatch(&self, topic: &str) {
        let _ = self.control.send(Control::Unwatch(topic.to_owned()));
    }

    fn attach(&self, sink: Weak<dyn Sink>) {
        *self.sink.lock().unwrap_or_else(|p| p.into_inner()) = Some(sink);
    }

    fn limits(&self) -> Limits {
        self.settings.limits
    }
}

fn deliver(sink: &Mutex<Option<Weak<dyn Sink>>>, incoming: Incoming) {
    let sink = sink
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .as_ref()
        .and_then(Weak::upgrade);
    if let Some(sink) = sink {
        sink.deliver(incoming);
    }
}

fn parse_message(prefix: &str, message: &redis::Msg) -> Option<Incoming> {
    let channel = message.get_channel_name();
    let payload = message.get_payload_bytes();
    let rest = channel.strip_prefix(prefix)?;
    if let Some(topic) = rest.strip_prefix("e:") {
        let (epoch, seq, body) = split3(payload)?;
        Some(Incoming::Event {
            topic: Arc::from(topic),
            position: Position::new(number(epoch)?, number(seq)?),
            payload: Bytes::copy_from_slice(body),
        })
    } else {
        rest.strip_prefix("s:").map(|topic| Incoming::Signal {
            topic: Arc::from(topic),
            message: Bytes::copy_from_slice(payload),
        })
    }
}

/// Owns the pub/sub connection: follows watch/unwatch requests, hands messages to the sink,
/// and reconnects with jittered exponential backoff when the connection drops.
async fn subscriber(
    client: redis::Client,
    prefix: String,
    mut requests: mpsc::UnboundedReceiver<Control>,
    sink: Arc<Mutex<Option<Weak<dyn Sink>>>>,
) {
    let mut watched: HashSet<String> = HashSet::new();
    let mut backoff = Duration::from_millis(100);
    let mut lost = false;
    loop {
        if let Ok(pubsub) = client.get_async_pubsub().await {
            let (mut subscriptions, mut stream) = pubsub.split();
            let mut ok = true;
            for topic in &watched {
                let channels = [
                    event_channel(&prefix, topic),
                    signal_channel(&prefix, topic),
                ];
                if subscriptions.subscribe(&channels).await.is_err() {
                    ok = false;
                    break;
                }
            }
            if ok {
                backoff = Duration::from_millis(100);
                if lost {
                    tracing::warn!("redis pub/sub reconnected; topics recover from history");
                    deliver(&sink, Incoming::Reconnected);
                    lost = false;
                }
                loop {
                    tokio::select! {
                        request = requests.recv() => match request {
                            None => return,
                            Some(Control::Watch(topic, done)) => {
                                let channels = [event_channel(&prefix, &topic), signal_channel(&prefix, &topic)];
                                watched.insert(topic);
                                if subscriptions.subscribe(&channels).await.is_err() {
                                    break;
                                }
                                let _ = done.send(());
                            }
                            Some(Control::Unwatch(topic)) => {
                                let channels = [event_channel(&prefix, &topic), signal_channel(&prefix, &topic)];
                                watched.remove(&topic);
                                if subscriptions.unsubscribe(&channels).await.is_err() {
                                    break;
                                }
                            }
                        },
                        message = stream.next() => match message {
                            Some(message) => {
                                if let Some(incoming) = parse_message(&prefix, &message) {
                                    deliver(&sink, incoming);
                                }
                            }
                            None => break,
                        },
                    }
                }
            }
        }
        if !lost {
            tracing::warn!("redis pub/sub connection lost; reconnecting");
        }
        lost = true;
        let jitter =
            Duration::from_millis(rand::random::<u64>() % (backoff.as_millis() as u64 / 2 + 1));
        tokio::time::sleep(backoff + jitter).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
        // Requests that arrived while disconnected only change the set to subscribe.
        while let Ok(request) = requests.try_recv() {
            match request {
                Control::Watch(topic, _) => {
                    watched.insert(topic);
                }
                Control::Unwatch(topic) => {
                    watched.remove(&topic);
                }
            }
        }
        if requests.is_closed() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split3;

    #[test]
    fn splits_at_the_first_two_bars_only() {
        assert_eq!(
            split3(b"12|34|a|b"),
            Some((&b"12"[..], &b"34"[..], &b"a|b"[..]))
        );
        assert_eq!(split3(b"12|34"), None);
    }
}
