//! The hub: one per instance. It owns the bus, starts a topic actor per topic key on demand
//! (on its own thread), routes what the bus delivers to them, says that this instance is
//! alive, and closes sessions when the application revokes them.

use crate::bus::{Bus, BusError, Incoming, Sink};
use crate::config::LiveConfig;
use crate::position::Position;
use crate::presence::Liveness;
use crate::session::{Close, SessionActor};
use crate::topic::{Gone, Reconnected, TopicActor, TopicEvent, TopicSignal};
use actix::{Actor, Addr, ArbiterHandle, WeakAddr};
use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};
use std::time::Instant;

/// The engine's topic for instance heartbeats.
const INSTANCES: &str = "_instances";
/// The engine's topic for closing revoked sessions on every instance.
const CONTROL: &str = "_control";

#[derive(Serialize, Deserialize)]
#[serde(tag = "k", rename_all = "snake_case")]
enum InstanceSignal {
    Alive { i: u64 },
    Gone { i: u64 },
}

#[derive(Serialize, Deserialize)]
struct CloseSessions {
    sessions: Vec<String>,
    reason: String,
}

/// Sockets (number and weak address) by sign-in session key.
type SocketsBySession = HashMap<String, Vec<(u64, WeakAddr<SessionActor>)>>;

/// The live engine of one instance. Cheap to clone.
#[derive(Clone)]
pub struct Hub(Arc<HubInner>);

pub(crate) struct HubInner {
    pub(crate) instance: u64,
    pub(crate) bus: Arc<dyn Bus>,
    pub(crate) config: LiveConfig,
    topics: Mutex<HashMap<Arc<str>, Addr<TopicActor>>>,
    /// Sockets by sign-in session, to close them on revocation. Weak addresses: a strong one
    /// costs each socket two allocations, and this is read only when someone signs out.
    sessions: Mutex<SocketsBySession>,
    liveness: Mutex<Liveness>,
    arbiter: ArbiterHandle,
    stop: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Hub {
    /// Starts the engine over a bus: a thread for topic actors, the bus attached, the
    /// heartbeat running.
    pub fn start(bus: Arc<dyn Bus>, config: LiveConfig) -> Hub {
        let (handle_tx, handle_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        // Topic actors live on a thread of their own, with its own actix system, so the hub
        // works the same from a web worker, a test or a command-line tool.
        let spawned = std::thread::Builder::new()
            .name("cats-topics".to_owned())
            .spawn(move || {
                let system = actix::System::new();
                system.block_on(async move {
                    let _ = handle_tx.send(actix::Arbiter::current());
                    let _ = stop_rx.await;
                });
            });
        let arbiter = match spawned.ok().and_then(|_| handle_rx.recv().ok()) {
            Some(handle) => handle,
            None => actix::Arbiter::current(),
        };
        let inner = Arc::new(HubInner {
            instance: crate::position::new_epoch(),
            bus,
            config,
            topics: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashMap::new()),
            liveness: Mutex::new(Liveness::default()),
            arbiter,
            stop: Mutex::new(Some(stop_tx)),
        });
        let sink: Weak<dyn Sink> = Arc::downgrade(&(inner.clone() as Arc<dyn Sink>));
        inner.bus.attach(sink);
        let hub = Hub(inner);
        hub.spawn_heartbeat();
        hub
    }

    fn spawn_heartbeat(&self) {
        let weak = Arc::downgrade(&self.0);
        let every = self.0.config.heartbeat;
        self.0.arbiter.spawn(async move {
            if let Some(inner) = weak.upgrade() {
                inner.bus.watch(INSTANCES).await;
                inner.bus.watch(CONTROL).await;
            }
            loop {
                let Some(inner) = weak.upgrade() else { return };
                lock(&inner.liveness).heard(inner.instance, Instant::now());
                let alive = InstanceSignal::Alive { i: inner.instance };
                if let Ok(message) = serde_json::to_vec(&alive) {
                    let _ = inner.bus.signal(INSTANCES, Bytes::from(message)).await;
                }
                drop(inner);
                tokio::time::sleep(every).await;
            }
        });
    }

    /// This instance's id (random per start).
    pub fn instance(&self) -> u64 {
        self.0.instance
    }

    /// The engine's settings.
    pub fn config(&self) -> &LiveConfig {
        &self.0.config
    }

    /// Publishes an event (the payload is JSON the browser receives as `body`) to every
    /// subscriber of the topic on every instance; returns its position.
    pub async fn publish(&self, topic: &str, payload: Bytes) -> Result<Position, BusError> {
        self.0.bus.publish(topic, payload).await
    }

    /// The topic's current position, to render a page with: read it before reading the state
    /// the page shows, so no event between the two can be missed.
    pub async fn position(&self, topic: &str) -> Result<Position, BusError> {
        self.0.bus.position(topic).await
    }

    /// Closes every socket, on any instance, that belongs to these sign-in sessions (they
    /// were signed out or revoked).
    pub async fn close_sessions(
        &self,
        sessions: Vec<String>,
        reason: &str,
    ) -> Result<(), BusError> {
        if sessions.is_empty() {
            return Ok(());
        }
        let message = serde_json::to_vec(&CloseSessions {
            sessions,
            reason: reason.to_owned(),
        })
        .map_err(|e| BusError::Protocol(e.to_string()))?;
        self.0.bus.signal(CONTROL, Bytes::from(message)).await
    }

    /// Tells other instances this one is going (its presence leaves at once), and stops the
    /// topics thread.
    pub async fn shutdown(&self) {
        if let Ok(message) = serde_json::to_vec(&InstanceSignal::Gone { i: self.0.instance }) {
            let _ = self.0.bus.signal(INSTANCES, Bytes::from(message)).await;
        }
        if let Some(stop) = lock(&self.0.stop).take() {
            let _ = stop.send(());
        }
    }

    /// Starts a supervisor for singleton work on the engine's own thread.
    pub fn supervise(
        &self,
        lease: Arc<dyn crate::lease::Lease>,
        factory: crate::supervisor::WorkerFactory,
        config: crate::supervisor::SupervisorConfig,
    ) -> Addr<crate::supervisor::Supervisor> {
        crate::supervisor::Supervisor::start_in_arbiter(&self.0.arbiter, move |_| {
            crate::supervisor::Supervisor::new(lease, factory, config)
        })
    }

    /// The topic actor for a key, started on demand, and the key as the hub holds it (sockets
    /// keep that one rather than a copy each).
    pub(crate) fn topic(&self, key: &str) -> (Arc<str>, Addr<TopicActor>) {
        let mut topics = lock(&self.0.topics);
        if let Some((key, addr)) = topics.get_key_value(key) {
            if addr.connected() {
                return (key.clone(), addr.clone());
            }
        }
        let key: Arc<str> = Arc::from(key);
        let hub = self.clone();
        let actor_key = key.clone();
        let addr =
            TopicActor::start_in_arbiter(&self.0.arbiter, move |_| TopicActor::new(actor_key, hub));
        topics.insert(key.clone(), addr.clone());
        (key, addr)
    }

    /// Forgets a topic actor that is stopping (only if it is still the registered one).
    pub(crate) fn remove_topic(&self, key: &str, addr: &Addr<TopicActor>) {
        let mut topics = lock(&self.0.topics);
        if topics.get(key).is_some_and(|current| current == addr) {
            topics.remove(key);
        }
    }

    /// Number of topic actors running on this instance.
    pub fn topic_count(&self) -> usize {
        lock(&self.0.topics).len()
    }

    pub(crate) fn register_session(&self, session: &str, id: u64, addr: WeakAddr<SessionActor>) {
        let mut sessions = lock(&self.0.sessions);
        match sessions.get_mut(session) {
            Some(list) => list.push((id, addr)),
            None => {
                sessions.insert(session.to_owned(), vec![(id, addr)]);
            }
        }
    }

    pub(crate) fn unregister_session(&self, session: &str, id: u64) {
        let mut sessions = lock(&self.0.sessions);
        if let Some(list) = sessions.get_mut(session) {
            list.retain(|(a, _)| *a != id);
            if list.is_empty() {
                sessions.remove(session);
            }
        }
    }

    /// True when `instance` has said it is alive recently.
    pub(crate) fn is_alive(&self, instance: u64) -> bool {
        instance == self.0.instance
            || lock(&self.0.liveness).is_alive(
                instance,
                Instant::now(),
                self.0.config.instance_expiry,
            )
    }

    pub(crate) fn heard_from(&self, instance: u64) {
        lock(&self.0.liveness).heard(instance, Instant::now());
    }

    pub(crate) fn bus(&self) -> &Arc<dyn Bus> {
        &self.0.bus
    }
}

impl Sink for HubInner {
    fn deliver(&self, incoming: Incoming) {
        match incoming {
            Incoming::Event {
                topic,
                position,
                payload,
            } => {
                if let Some(addr) = lock(&self.topics).get(&topic) {
                    addr.do_send(TopicEvent { position, payload });
                }
            }
            Incoming::Signal { topic, message } if &*topic == INSTANCES => {
                match serde_json::from_slice::<InstanceSignal>(&message) {
                    Ok(InstanceSignal::Alive { i }) => {
                        lock(&self.liveness).heard(i, Instant::now())
                    }
                    Ok(InstanceSignal::Gone { i }) => {
                        lock(&self.liveness).forget(i);
                        for addr in lock(&self.topics).values() {
                            addr.do_send(Gone { instance: i });
                        }
                    }
                    Err(_) => {}
                }
            }
            Incoming::Signal { topic, message } if &*topic == CONTROL => {
                if let Ok(close) = serde_json::from_slice::<CloseSessions>(&message) {
                    let sessions = lock(&self.sessions);
                    for key in &close.sessions {
                        for (_, addr) in sessions.get(key).into_iter().flatten() {
                            if let Some(addr) = addr.upgrade() {
                                addr.do_send(Close {
                                    reason: close.reason.clone(),
                                });
                            }
                        }
                    }
                }
            }
            Incoming::Signal { topic, message } => {
                if let Some(addr) = lock(&self.topics).get(&topic) {
                    addr.do_send(TopicSignal { message });
                }
            }
            Incoming::Reconnected => {
                for addr in lock(&self.topics).values() {
                    addr.do_send(Reconnected);
                }
            }
        }
    }
}
