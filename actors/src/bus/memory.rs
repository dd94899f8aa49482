//! The in-process bus: one instance, no network. Numbering, history and delivery happen under
//! one lock, so deliveries leave in the order they were numbered.

use super::{now_millis, Bus, BusError, Incoming, Recovered, Sink};
use crate::history::Limits;
use crate::position::{new_epoch, Position};
use bytes::Bytes;
use futures_util::future::BoxFuture;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, Weak};

struct Log {
    epoch: u64,
    seq: u64,
    /// (seq, published at ms, payload)
    history: VecDeque<(u64, u64, Bytes)>,
}

struct State {
    logs: HashMap<Arc<str>, Log>,
    sink: Option<Weak<dyn Sink>>,
}

/// The in-process bus.
pub struct MemoryBus {
    state: Mutex<State>,
    limits: Limits,
}

impl MemoryBus {
    /// A bus keeping `limits` of history per topic.
    pub fn new(limits: Limits) -> Self {
        Self {
            state: Mutex::new(State {
                logs: HashMap::new(),
                sink: None,
            }),
            limits,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn log<'s>(state: &'s mut State, topic: &str) -> &'s mut Log {
        if !state.logs.contains_key(topic) {
            state.logs.insert(
                Arc::from(topic),
                Log {
                    epoch: new_epoch(),
                    seq: 0,
                    history: VecDeque::new(),
                },
            );
        }
        state.logs.get_mut(topic).expect("inserted above")
    }
}

impl Bus for MemoryBus {
    fn publish<'a>(
        &'a self,
        topic: &'a str,
        payload: Bytes,
    ) -> BoxFuture<'a, Result<Position, BusError>> {
        Box::pin(async move {
            let mut state = self.lock();
            let limits = self.limits;
            let log = Self::log(&mut state, topic);
            log.seq += 1;
            let position = Position::new(log.epoch, log.seq);
            log.history
                .push_back((log.seq, now_millis(), payload.clone()));
            while log.history.len() > limits.max_events {
                log.history.pop_front();
            }
            let (topic, sink) = (
                state.logs.get_key_value(topic).map(|(k, _)| k.clone()),
                state.sink.as_ref().and_then(Weak::upgrade),
            );
            if let (Some(topic), Some(sink)) = (topic, sink) {
                // Delivered under the lock: events leave in numbering order.
                sink.deliver(Incoming::Event {
                    topic,
                    position,
                    payload,
                });
            }
            Ok(position)
        })
    }

    fn position<'a>(&'a self, topic: &'a str) -> BoxFuture<'a, Result<Position, BusError>> {
        Box::pin(async move {
            let mut state = self.lock();
            let log = Self::log(&mut state, topic);
            Ok(Position::new(log.epoch, log.seq))
        })
    }

    fn recover<'a>(
        &'a self,
        topic: &'a str,
        since: Position,
    ) -> BoxFuture<'a, Result<Recovered, BusError>> {
        Box::pin(async move {
            let mut state = self.lock();
            let max_age = self.limits.max_age.as_millis() as u64;
            let log = Self::log(&mut state, topic);
            let current = Position::new(log.epoch, log.seq);
            Ok(recover_from(
                current,
                since,
                log.history
                    .iter()
                    .map(|(seq, at, payload)| (*seq, *at, payload.clone())),
                max_age,
            ))
        })
    }

    fn signal<'a>(&'a self, topic: &'a str, message: Bytes) -> BoxFuture<'a, Result<(), BusError>> {
        Box::pin(async move {
            let sink = self.lock().sink.as_ref().and_then(Weak::upgrade);
            if let Some(sink) = sink {
                sink.deliver(Incoming::Signal {
                    topic: Arc::from(topic),
                    message,
                });
            }
            Ok(())
        })
    }

    fn watch<'a>(&'a self, _topic: &'a str) -> BoxFuture<'a, ()> {
        Box::pin(async {})
    }

    fn unwatch(&self, _topic: &str) {}

    fn attach(&self, sink: Weak<dyn Sink>) {
        self.lock().sink = Some(sink);
    }

    fn limits(&self) -> Limits {
        self.limits
    }
}

/// The shared-history rule both buses follow: exactly the events after `since`, all of them
/// young enough, or a resync at `current`.
pub(crate) fn recover_from(
    current: Position,
    since: Position,
    history: impl Iterator<Item = (u64, u64, Bytes)>,
    max_age_ms: u64,
) -> Recovered {
    if since.epoch != current.epoch || since.seq > current.seq {
        return Recovered::Resync(current);
    }
    let oldest_allowed = now_millis().saturating_sub(max_age_ms);
    let missed: Vec<(u64, u64, Bytes)> = history.filter(|(seq, _, _)| *seq > since.seq).collect();
    let complete = missed.len() as u64 == current.seq - since.seq
        && missed
            .first()
            .is_none_or(|(seq, _, _)| *seq == since.seq + 1)
        && missed.iter().all(|(_, at, _)| *at >= oldest_allowed);
    if complete {
        Recovered::Events(
            missed
                .into_iter()
                .map(|(seq, _, payload)| (Position::new(current.epoch, seq), payload))
                .collect(),
        )
    } else {
        Recovered::Resync(current)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn bus(max_events: usize) -> MemoryBus {
        MemoryBus::new(Limits {
            max_events,
            max_age: Duration::from_secs(60),
        })
    }

    #[tokio::test]
    async fn numbers_events_and_recovers_what_was_missed() {
        let bus = bus(10);
        let start = bus.position("t").await.expect("position");
        assert_eq!(start.seq, 0);
        for n in 1..=3u8 {
            let position = bus
                .publish("t", Bytes::from(vec![n]))
                .await
                .expect("publish");
            assert_eq!(position, Position::new(start.epoch, u64::from(n)));
        }
        let recovered = bus
            .recover("t", Position::new(start.epoch, 1))
            .await
            .expect("recover");
        assert_eq!(
            recovered,
            Recovered::Events(vec![
                (Position::new(start.epoch, 2), Bytes::from(vec![2])),
                (Position::new(start.epoch, 3), Bytes::from(vec![3])),
            ])
        );
    }

    #[tokio::test]
    async fn beyond_the_history_or_another_epoch_is_a_resync() {
        let bus = bus(2);
        let start = bus.position("t").await.expect("position");
        for n in 1..=5u8 {
            bus.publish("t", Bytes::from(vec![n]))
                .await
                .expect("publish");
        }
        let now = Position::new(start.epoch, 5);
        assert_eq!(
            bus.recover("t", Position::new(start.epoch, 2))
                .await
                .expect("r"),
            Recovered::Resync(now)
        );
        assert_eq!(
            bus.recover("t", Position::new(start.epoch + 1, 5))
                .await
                .expect("r"),
            Recovered::Resync(now)
        );
        assert_eq!(
            bus.recover("t", now).await.expect("r"),
            Recovered::Events(vec![])
        );
    }
}
