//! One topic on one instance: its local subscribers, its recent history for replay, and its
//! presence roster. Events arrive from the bus in numbering order; a gap is filled from the
//! shared history, and when that is impossible every subscriber is told to resync. Never a
//! silent gap.

use crate::bus::Recovered;
use crate::history::{History, Recovery};
use crate::hub::Hub;
use crate::position::Position;
use crate::presence::{Changes, Entry, Roster};
use crate::protocol::{
    event_frame, presence_frame, resync_frame, subscribed_frame, unsubscribed_frame,
};
use crate::session::{Outbound, SessionActor};
use actix::{
    Actor, ActorContext, ActorFutureExt, Addr, AsyncContext, Context, Handler, Message, WrapFuture,
};
use bytes::Bytes;
use bytestring::ByteString;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Presence updates within this long of the first are told together: one frame to the
/// topic's subscribers and one bus message, however many tabs joined, left or changed.
const PRESENCE_BATCH: Duration = Duration::from_millis(50);
/// Most presence updates in one bus message (an instance re-announcing thousands of tabs
/// sends several).
const SIGNALS_PER_MESSAGE: usize = 500;

struct Subscriber {
    addr: Addr<SessionActor>,
    /// Events up to this number were already seen by this subscriber (its page was rendered
    /// after them on another instance); they are not sent again.
    seen_through: u64,
    /// Whether the tab is in the presence roster (which holds its entry).
    presence: bool,
    /// The roster version this subscriber was last shown (it needs no update up to it).
    roster_seen: u64,
}

/// A topic actor.
pub struct TopicActor {
    key: Arc<str>,
    hub: Hub,
    subscribers: HashMap<u64, Subscriber>,
    /// None until the starting position is known.
    history: Option<History>,
    /// Messages that arrived before the starting position was known.
    waiting: Vec<Waiting>,
    roster: Roster,
    /// Presence updates for other instances, sent together with the next settled update.
    signals: Vec<PresenceSignal>,
    /// A presence update is due shortly (see `PRESENCE_BATCH`).
    presence_due: bool,
    idle_since: Option<Instant>,
}

enum Waiting {
    Subscribe(Subscribe),
    Event(TopicEvent),
}

/// An event from the bus.
#[derive(Message)]
#[rtype(result = "()")]
pub struct TopicEvent {
    /// Its position.
    pub position: Position,
    /// The application's payload.
    pub payload: Bytes,
}

/// A signal (presence) from the bus.
#[derive(Message)]
#[rtype(result = "()")]
pub struct TopicSignal {
    /// The message.
    pub message: Bytes,
}

/// The bus reconnected: recover or resync.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Reconnected;

/// Another instance is going: its presence leaves.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Gone {
    /// The instance.
    pub instance: u64,
}

/// A session subscribes.
#[derive(Message, Clone)]
#[rtype(result = "()")]
pub struct Subscribe {
    /// Session number on this instance.
    pub session: u64,
    /// Where to send frames.
    pub addr: Addr<SessionActor>,
    /// The last position the page saw, if any.
    pub since: Option<Position>,
    /// Presence entry, for topics with presence.
    pub presence: Option<Entry>,
}

/// A session leaves (unsubscribes or disconnects).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Unsubscribe {
    /// Session number on this instance.
    pub session: u64,
    /// Whether to confirm with an `unsubscribed` frame.
    pub confirm: bool,
}

/// A session whose queue overflowed: send it a resync at the current position.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Resubscribe {
    /// Session number.
    pub session: u64,
}

/// A session changes its presence state.
#[derive(Message)]
#[rtype(result = "()")]
pub struct SetPresence {
    /// Session number.
    pub session: u64,
    /// New state.
    pub state: String,
}

/// Presence messages between instances.
#[derive(Serialize, Deserialize, Clone)]
#[serde(tag = "k", rename_all = "snake_case")]
enum PresenceSignal {
    Join {
        i: u64,
        s: u64,
        u: String,
        n: String,
        st: String,
    },
    Change {
        i: u64,
        s: u64,
        st: String,
    },
    Leave {
        i: u64,
        s: u64,
    },
    /// "Tell me who you have": a new instance on the topic, or one that reconnected.
    Sync {
        i: u64,
    },
    /// Several of the above from one instance, in order.
    Many {
        i: u64,
        m: Vec<PresenceSignal>,
    },
}

impl TopicActor {
    /// A topic actor for `key`.
    pub fn new(key: Arc<str>, hub: Hub) -> Self {
        Self {
            key,
            hub,
            subscribers: HashMap::new(),
            history: None,
            waiting: Vec::new(),
            roster: Roster::new(),
            signals: Vec::new(),
            presence_due: false,
            idle_since: Some(Instant::now()),
        }
    }

    fn presence_enabled(&self) -> bool {
        !self.key.starts_with('_')
    }

    fn send(&self, addr: &Addr<SessionActor>, frame: ByteString) {
        addr.do_send(Outbound(frame));
    }

    fn broadcast(&self, seq: u64, frame: &ByteString) {
        for subscriber in self.subscribers.values() {
            if subscriber.seen_through < seq {
                subscriber.addr.do_send(Outbound(frame.clone()));
            }
        }
    }

    fn broadcast_presence(&mut self, changes: &Changes) {
        if changes.is_empty() {
            return;
        }
        let version = self.roster.version();
        let frame = presence_frame(
            &self.key,
            &self.roster.users(),
            &changes.joined,
            &changes.left,
            &changes.changed,
        );
        // A newcomer was shown the whole roster when it joined: it needs no news of itself.
        for subscriber in self.subscribers.values_mut() {
            if subscriber.roster_seen < version {
                subscriber.roster_seen = version;
                subscriber.addr.do_send(Outbound(frame.clone()));
            }
        }
    }

    /// Queues a presence update for the other instances; it leaves with the next batch.
    fn signal(&mut self, ctx: &mut Context<Self>, signal: PresenceSignal) {
        self.signals.push(signal);
        self.presence_changed(ctx);
    }

    /// The roster changed (or a signal waits): tell everyone shortly, together with whatever
    /// else changes meanwhile.
    fn presence_changed(&mut self, ctx: &mut Context<Self>) {
        if self.presence_due {
            return;
        }
        self.presence_due = true;
        ctx.run_later(PRESENCE_BATCH, |actor, ctx| {
            actor.presence_due = false;
            actor.settle_presence(ctx);
        });
    }

    /// Sends the batched presence: one frame to the local subscribers with what changed in
    /// sum, and the queued updates to the other instances, in order.
    fn settle_presence(&mut self, ctx: &mut Context<Self>) {
        let changes = self.roster.settle();
        self.broadcast_presence(&changes);
        let mut rest = std::mem::take(&mut self.signals);
        if rest.is_empty() {
            return;
        }
        let me = self.hub.instance();
        let mut messages = Vec::new();
        while !rest.is_empty() {
            let tail = rest.split_off(rest.len().min(SIGNALS_PER_MESSAGE));
            let mut batch = std::mem::replace(&mut rest, tail);
            let signal = if batch.len() == 1 {
                batch.remove(0)
            } else {
                PresenceSignal::Many { i: me, m: batch }
            };
            if let Ok(message) = serde_json::to_vec(&signal) {
                messages.push(Bytes::from(message));
            }
        }
        let bus = self.hub.bus().clone();
        let key = self.key.clone();
        ctx.spawn(
            async move {
                // One after another, so another instance applies them in order.
                for message in messages {
                    if let Err(error) = bus.signal(&key, message).await {
                        tracing::warn!(topic = %key, %error, "presence signal not sent");
                    }
                }
            }
            .into_actor(self),
        );
    }

    /// Delivers one in-order event to the history and the subscribers.
    fn accept(&mut self, position: Position, payload: &[u8]) {
        let Some(history) = self.history.as_mut() else {
            return;
        };
        let frame = event_frame(&self.key, position, payload);
        if history.push(position, frame.clone().into_bytes(), Instant::now()) {
            self.broadcast(position.seq, &frame);
        }
    }

    /// Fills the gap after the current position from the shared history, or resyncs.
    fn recover(&mut self, ctx: &mut Context<Self>) {
        let Some(history) = self.history.as_ref() else {
            return;
        };
        let since = history.position();
        let bus = self.hub.bus().clone();
        let key = self.key.clone();
        // `wait`: no other message is handled until the gap is dealt with, so order holds.
        ctx.wait(
            async move { bus.recover(&key, since).await }
                .into_actor(self)
                .map(|result, actor, _| match result {
                    Ok(Recovered::Events(events)) => {
                        for (position, payload) in events {
                            actor.accept(position, &payload);
                        }
                    }
                    Ok(Recovered::Resync(current)) => actor.resync_all(current),
                    Err(error) => {
                        tracing::warn!(topic = %actor.key, %error, "recovery failed; subscribers resync");
                        let current = actor.history.as_ref().map(History::position).unwrap_or_default();
                        actor.resync_all(current);
                    }
                }),
        );
    }

    fn resync_all(&mut self, current: Position) {
        if let Some(history) = self.history.as_mut() {
            history.restart(current);
        }
        let frame = resync_frame(&self.key, current);
        for subscriber in self.subscribers.values_mut() {
            subscriber.seen_through = 0;
            subscriber.addr.do_send(Outbound(frame.clone()));
        }
    }

    fn on_event(&mut self, event: TopicEvent, ctx: &mut Context<Self>) {
        let Some(history) = self.history.as_ref() else {
            self.waiting.push(Waiting::Event(event));
            return;
        };
        let current = history.position();
        if event.position.epoch == current.epoch && event.position.seq <= current.seq {
            return; // already have it
        }
        if event.position.epoch == current.epoch && event.position.seq == current.seq + 1 {
            self.accept(event.position, &event.payload);
        } else {
            // A gap, or a new epoch: the shared history decides.
            self.recover(ctx);
        }
    }

    fn on_subscribe(&mut self, subscribe: Subscribe, ctx: &mut Context<Self>) {
        let Some(history) = self.history.as_ref() else {
            self.waiting.push(Waiting::Subscribe(subscribe));
            return;
        };
        let current = history.position();
        self.idle_since = None;
        self.subscribers.remove(&subscribe.session);
        let Some(since) = subscribe.since else {
            self.add_subscriber(subscribe, current, 0, ctx);
            return;
        };
        if since.epoch == current.epoch && since.seq > current.seq {
            // The page saw events this instance has not received yet: skip them when they come.
            let seen = since.seq;
            self.add_subscriber(subscribe, since, seen, ctx);
            return;
        }
        match history.since(since, Instant::now()) {
            Recovery::Events(frames) => {
                for frame in frames {
                    if let Ok(frame) = ByteString::try_from(frame) {
                        self.send(&subscribe.addr, frame);
                    }
                }
                self.add_subscriber(subscribe, current, 0, ctx);
            }
            Recovery::Resync if since.epoch == current.epoch => {
                // Older than this instance's history: ask the shared one.
                let bus = self.hub.bus().clone();
                let key = self.key.clone();
                ctx.wait(
                    async move { bus.recover(&key, since).await }
                        .into_actor(self)
                        .map(move |result, actor, ctx| {
                            let now = actor
                                .history
                                .as_ref()
                                .map(History::position)
                                .unwrap_or_default();
                            match result {
                                Ok(Recovered::Events(events)) => {
                                    for (position, payload) in
                                        events.into_iter().filter(|(p, _)| p.seq <= now.seq)
                                    {
                                        actor.send(
                                            &subscribe.addr,
                                            event_frame(&actor.key, position, &payload),
                                        );
                                    }
                                    actor.add_subscriber(subscribe, now, 0, ctx);
                                }
                                _ => {
                                    actor.send(&subscribe.addr, resync_frame(&actor.key, now));
                                    actor.add_subscriber_quietly(subscribe, ctx);
                                }
                            }
                        }),
                );
            }
            Recovery::Resync => {
                self.send(&subscribe.addr, resync_frame(&self.key, current));
                self.add_subscriber_quietly(subscribe, ctx);
            }
        }
    }

    fn add_subscriber(
        &mut self,
        subscribe: Subscribe,
        position: Position,
        seen: u64,
        ctx: &mut Context<Self>,
    ) {
        self.send(&subscribe.addr, subscribed_frame(&self.key, position));
        self.add(subscribe, seen, ctx);
    }

    /// After a resync frame, which already tells the page where it stands.
    fn add_subscriber_quietly(&mut self, subscribe: Subscribe, ctx: &mut Context<Self>) {
        self.add(subscribe, 0, ctx);
    }

    fn add(&mut self, subscribe: Subscribe, seen: u64, ctx: &mut Context<Self>) {
        let presence = if self.presence_enabled() {
            subscribe.presence
        } else {
            None
        };
        let addr = subscribe.addr;
        let session = subscribe.session;
        if let Some(entry) = &presence {
            // What changed before this tab came is told first, so the update that follows
            // names only this tab's news (a page never learns of itself).
            if self.presence_due {
                let earlier = self.roster.settle();
                self.broadcast_presence(&earlier);
            }
            let instance = self.hub.instance();
            let changes = self.roster.join((instance, session), entry.clone());
            // The newcomer gets the whole roster at once; everyone else gets the change with
            // the next batch.
            let users = self.roster.users();
            self.send(
                &addr,
                presence_frame(&self.key, &users, &changes.joined, &[], &[]),
            );
            self.signal(
                ctx,
                PresenceSignal::Join {
                    i: instance,
                    s: session,
                    u: entry.user.to_string(),
                    n: entry.name.to_string(),
                    st: entry.state.clone(),
                },
            );
        }
        self.subscribers.insert(
            session,
            Subscriber {
                addr,
                seen_through: seen,
                presence: presence.is_some(),
                roster_seen: self.roster.version(),
            },
        );
    }

    fn on_signal(&mut self, message: &[u8], ctx: &mut Context<Self>) {
        let Ok(signal) = serde_json::from_slice::<PresenceSignal>(message) else {
            return;
        };
        self.apply_signal(signal, ctx);
    }

    fn apply_signal(&mut self, signal: PresenceSignal, ctx: &mut Context<Self>) {
        let me = self.hub.instance();
        let changes = match signal {
            PresenceSignal::Join { i, .. }
            | PresenceSignal::Change { i, .. }
            | PresenceSignal::Leave { i, .. }
            | PresenceSignal::Many { i, .. }
                if i == me =>
            {
                return;
            }
            PresenceSignal::Sync { i } if i == me => return,
            PresenceSignal::Join { i, s, u, n, st } => {
                self.hub.heard_from(i);
                self.roster.join(
                    (i, s),
                    Entry {
                        user: Arc::from(u),
                        name: Arc::from(n),
                        state: st,
                    },
                )
            }
            PresenceSignal::Change { i, s, st } => self.roster.change((i, s), st),
            PresenceSignal::Leave { i, s } => self.roster.leave((i, s)),
            PresenceSignal::Sync { i } => {
                self.hub.heard_from(i);
                self.announce(ctx);
                return;
            }
            PresenceSignal::Many { i, m } => {
                self.hub.heard_from(i);
                for signal in m {
                    // Only one level: a batch never holds batches.
                    if !matches!(signal, PresenceSignal::Many { .. }) {
                        self.apply_signal(signal, ctx);
                    }
                }
                return;
            }
        };
        if !changes.is_empty() {
            self.presence_changed(ctx);
        }
    }

    /// Re-announces this instance's tabs (to an instance asking, or after a reconnect).
    fn announce(&mut self, ctx: &mut Context<Self>) {
        let me = self.hub.instance();
        for (session, entry) in self.roster.tabs_of(me) {
            self.signal(
                ctx,
                PresenceSignal::Join {
                    i: me,
                    s: session,
                    u: entry.user.to_string(),
                    n: entry.name.to_string(),
                    st: entry.state,
                },
            );
        }
    }

    fn leave(&mut self, session: u64, ctx: &mut Context<Self>) {
        let before = self.subscribers.len();
        let had_presence = self
            .subscribers
            .remove(&session)
            .is_some_and(|s| s.presence);
        if had_presence {
            let me = self.hub.instance();
            self.roster.leave((me, session));
            self.signal(ctx, PresenceSignal::Leave { i: me, s: session });
        }
        if before > 0 && self.subscribers.is_empty() {
            self.idle_since = Some(Instant::now());
        }
    }

    fn tick(&mut self, ctx: &mut Context<Self>) {
        let hub = self.hub.clone();
        let changes = self.roster.drop_dead(|instance| hub.is_alive(instance));
        if !changes.is_empty() {
            self.presence_changed(ctx);
        }
        let idle = self.hub.config().topic_idle;
        if self.subscribers.is_empty()
            && self.idle_since.is_some_and(|since| since.elapsed() >= idle)
        {
            self.hub.remove_topic(&self.key, &ctx.address());
            ctx.stop();
        }
    }
}

impl Actor for TopicActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        let bus = self.hub.bus().clone();
        let key = self.key.clone();
        let presence = self.presence_enabled();
        let me = self.hub.instance();
        // Watch first, then read the position: an event between the two is both counted in
        // the position and delivered, and the duplicate is dropped by number.
        ctx.wait(
            async move {
                bus.watch(&key).await;
                if presence {
                    if let Ok(message) = serde_json::to_vec(&PresenceSignal::Sync { i: me }) {
                        let _ = bus.signal(&key, Bytes::from(message)).await;
                    }
                }
                bus.position(&key).await
            }
            .into_actor(self)
            .map(|result, actor, ctx| {
                let position = match result {
                    Ok(position) => position,
                    Err(error) => {
                        tracing::warn!(topic = %actor.key, %error, "topic position unavailable");
                        Position::default()
                    }
                };
                actor.history = Some(History::starting_at(position, actor.hub.config().history));
                for waiting in std::mem::take(&mut actor.waiting) {
                    match waiting {
                        Waiting::Subscribe(subscribe) => actor.on_subscribe(subscribe, ctx),
                        Waiting::Event(event) => actor.on_event(event, ctx),
                    }
                }
            }),
        );
        let every = self.hub.config().heartbeat;
        ctx.run_interval(every, |actor, ctx| actor.tick(ctx));
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        self.hub.bus().unwatch(&self.key);
    }
}

impl Handler<TopicEvent> for TopicActor {
    type Result = ();
    fn handle(&mut self, event: TopicEvent, ctx: &mut Self::Context) {
        self.on_event(event, ctx);
    }
}

impl Handler<TopicSignal> for TopicActor {
    type Result = ();
    fn handle(&mut self, signal: TopicSignal, ctx: &mut Self::Context) {
        if self.presence_enabled() {
            self.on_signal(&signal.message, ctx);
        }
    }
}

impl Handler<Reconnected> for TopicActor {
    type Result = ();
    fn handle(&mut self, _: Reconnected, ctx: &mut Self::Context) {
        self.recover(ctx);
        if self.presence_enabled() {
            // Signals sent while disconnected are lost: ask again and say again.
            let me = self.hub.instance();
            self.signal(ctx, PresenceSignal::Sync { i: me });
            self.announce(ctx);
        }
    }
}

impl Handler<Gone> for TopicActor {
    type Result = ();
    fn handle(&mut self, gone: Gone, ctx: &mut Self::Context) {
        let changes = self.roster.drop_instance(gone.instance);
        if !changes.is_empty() {
            self.presence_changed(ctx);
        }
    }
}

impl Handler<Subscribe> for TopicActor {
    type Result = ();
    fn handle(&mut self, subscribe: Subscribe, ctx: &mut Self::Context) {
        self.on_subscribe(subscribe, ctx);
    }
}

impl Handler<Unsubscribe> for TopicActor {
    type Result = ();
    fn handle(&mut self, unsubscribe: Unsubscribe, ctx: &mut Self::Context) {
        if unsubscribe.confirm {
            if let Some(subscriber) = self.subscribers.get(&unsubscribe.session) {
                self.send(&subscriber.addr, unsubscribed_frame(&self.key));
            }
        }
        self.leave(unsubscribe.session, ctx);
    }
}

impl Handler<Resubscribe> for TopicActor {
    type Result = ();
    fn handle(&mut self, resubscribe: Resubscribe, _: &mut Self::Context) {
        let current = self
            .history
            .as_ref()
            .map(History::position)
            .unwrap_or_default();
        if let Some(subscriber) = self.subscribers.get_mut(&resubscribe.session) {
            subscriber.seen_through = 0;
            subscriber
                .addr
                .do_send(Outbound(resync_frame(&self.key, current)));
        }
    }
}

impl Handler<SetPresence> for TopicActor {
    type Result = ();
    fn handle(&mut self, set: SetPresence, ctx: &mut Self::Context) {
        if !self
            .subscribers
            .get(&set.session)
            .is_some_and(|subscriber| subscriber.presence)
        {
            return;
        }
        let me = self.hub.instance();
        self.roster.change((me, set.session), set.state.clone());
        self.signal(
            ctx,
            PresenceSignal::Change {
                i: me,
                s: set.session,
                st: set.state,
            },
        );
    }
}
