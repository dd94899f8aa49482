//! The bus carries every published event to every instance. One trait, two implementations:
//! in-process (the embedded default, one instance) and Redis (any number of instances).
//!
//! The bus numbers each topic's events where they are published, keeps a bounded shared
//! history, and hands what arrives to the instance's hub (its `Sink`), in order.

pub mod memory;
pub mod redis;

use crate::history::Limits;
use crate::position::Position;
use bytes::Bytes;
use futures_util::future::BoxFuture;
use std::sync::{Arc, Weak};

/// Something arriving from the bus.
#[derive(Debug, Clone)]
pub enum Incoming {
    /// A numbered event of a topic.
    Event {
        /// Topic name.
        topic: Arc<str>,
        /// Its position.
        position: Position,
        /// The application's payload (JSON).
        payload: Bytes,
    },
    /// An unnumbered signal on a topic (presence, liveness).
    Signal {
        /// Topic name.
        topic: Arc<str>,
        /// The message.
        message: Bytes,
    },
    /// The bus lost its connection and is back: messages may have been missed, so every
    /// topic must recover from the shared history or tell its subscribers to resync.
    Reconnected,
}

/// Where a bus hands what arrives (the hub).
pub trait Sink: Send + Sync {
    /// Takes one incoming message. Must not block.
    fn deliver(&self, incoming: Incoming);
}

/// What the shared history holds after a position.
#[derive(Debug, Clone, PartialEq)]
pub enum Recovered {
    /// Exactly the events after the position, in order.
    Events(Vec<(Position, Bytes)>),
    /// They cannot be replayed; the topic is now at this position.
    Resync(Position),
}

/// Why a bus call failed.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// Redis failed or could not be reached.
    #[error("redis: {0}")]
    Redis(String),
    /// A reply could not be understood.
    #[error("unexpected reply: {0}")]
    Protocol(String),
}

/// The bus.
pub trait Bus: Send + Sync {
    /// Numbers and stores an event, and delivers it to every instance watching the topic.
    fn publish<'a>(
        &'a self,
        topic: &'a str,
        payload: Bytes,
    ) -> BoxFuture<'a, Result<Position, BusError>>;
    /// The topic's current position (starting its epoch if it has none).
    fn position<'a>(&'a self, topic: &'a str) -> BoxFuture<'a, Result<Position, BusError>>;
    /// The events after `since` from the shared history, or the position to resync from.
    fn recover<'a>(
        &'a self,
        topic: &'a str,
        since: Position,
    ) -> BoxFuture<'a, Result<Recovered, BusError>>;
    /// Sends an unnumbered signal to every instance watching the topic.
    fn signal<'a>(&'a self, topic: &'a str, message: Bytes) -> BoxFuture<'a, Result<(), BusError>>;
    /// Starts delivering the topic's events and signals to this instance; resolves once
    /// deliveries have started.
    fn watch<'a>(&'a self, topic: &'a str) -> BoxFuture<'a, ()>;
    /// Stops delivering them.
    fn unwatch(&self, topic: &str);
    /// Sets where deliveries go.
    fn attach(&self, sink: Weak<dyn Sink>);
    /// History limits, for checking ages.
    fn limits(&self) -> Limits;
}

/// Milliseconds since the Unix epoch, for history ages that every instance agrees on.
pub(crate) fn now_millis() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}
