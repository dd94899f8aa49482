//! One WebSocket (one browser tab) at `/live`: an actix actor owning the `actix_ws::Session`.
//! It parses the client's frames, asks the application whether the user may join each topic,
//! writes frames through a small bounded queue (a slow client is resynced, never waited for),
//! pings every 15 s and drops a socket silent for 45 s, and closes when the sign-in session
//! behind it is revoked.

use crate::hub::Hub;
use crate::position::Position;
use crate::presence::Entry;
use crate::protocol::{error_frame, ClientMessage, Refusal};
use crate::topic::{Resubscribe, SetPresence, Subscribe, TopicActor, Unsubscribe};
use actix::{
    Actor, ActorContext, ActorFutureExt, Addr, AsyncContext, Context, Handler, Message,
    StreamHandler, WrapFuture,
};
use actix_web::{web, HttpRequest, HttpResponse};
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, Message as Frame, ProtocolError};
use bytes::Bytes;
use bytestring::ByteString;
use futures_util::future::{BoxFuture, LocalBoxFuture};
use futures_util::Sink;
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Poll, Waker};
use std::time::Instant;

/// Close code: no valid sign-in session.
pub const CLOSE_UNAUTHENTICATED: u16 = 4001;
/// Close code: the sign-in session was revoked or ended.
pub const CLOSE_REVOKED: u16 = 4003;
/// Close code: the socket was silent too long.
pub const CLOSE_TIMEOUT: u16 = 4008;

/// Timer ticks may come a little early; a tick this close to a due time counts.
const SLACK: std::time::Duration = std::time::Duration::from_millis(50);

/// Who a socket belongs to, as the application knows them.
#[derive(Debug, Clone)]
pub struct Member {
    /// The application's user id.
    pub user: String,
    /// Display name (shown in presence).
    pub name: String,
    /// The sign-in session's key, to close the socket when that session is revoked.
    pub session: String,
    /// An application-defined group the gate may use to decide joins (CATS: the tenant).
    pub group: String,
    /// An application-defined flag the gate may use (CATS: internal staff).
    pub internal: bool,
}

/// The application's rules for sockets.
pub trait Gate: Send + Sync + 'static {
    /// The member a WebSocket upgrade request belongs to (from its cookie), or `None`.
    fn authenticate<'a>(&'a self, req: &'a HttpRequest) -> LocalBoxFuture<'a, Option<Member>>;
    /// Whether the member may join a topic.
    fn may_join<'a>(&'a self, member: &'a Member, topic: &'a str) -> BoxFuture<'a, bool>;
    /// Whether the member's sign-in session is still valid (checked now and then).
    fn still_valid<'a>(&'a self, member: &'a Member) -> BoxFuture<'a, bool>;
}

/// A frame for the socket.
#[derive(Message)]
#[rtype(result = "()")]
pub struct Outbound(pub ByteString);

/// Close the socket (the sign-in session ended).
#[derive(Message)]
#[rtype(result = "()")]
pub struct Close {
    /// Said in the close frame.
    pub reason: String,
}

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);
static CHURN: AtomicU64 = AtomicU64::new(0);

/// Sockets started plus sockets ended in this process so far. A burst of either (a mass
/// reconnect) leaves freed memory behind (handshakes, sign-in checks, closed sockets) that
/// the server may want to give back to the system.
pub fn session_churn() -> u64 {
    CHURN.load(Ordering::Relaxed)
}

/// What became of a frame handed to the socket's writer.
enum Handed {
    /// Queued for the connection.
    Sent,
    /// The connection's own small queue is full: try again when it has room.
    Full(Frame),
    /// The connection is gone.
    Closed,
}

/// Hands a frame to the connection's writer if it has room now, without waiting. Most frames
/// go this way: no future, no queue entry, nothing allocated per frame.
fn try_send(ws: &mut actix_ws::Session, frame: Frame) -> Handed {
    let mut cx = std::task::Context::from_waker(Waker::noop());
    match Pin::new(&mut *ws).poll_ready(&mut cx) {
        Poll::Ready(Ok(())) => match Pin::new(ws).start_send(frame) {
            Ok(()) => Handed::Sent,
            Err(_) => Handed::Closed,
        },
        Poll::Ready(Err(_)) => Handed::Closed,
        Poll::Pending => Handed::Full(frame),
    }
}

/// One socket. Kept small: thousands are open at once (DESIGN.md "Budgets").
pub struct SessionActor {
    id: u64,
    hub: Hub,
    gate: Arc<dyn Gate>,
    member: Arc<Member>,
    /// This socket's presence entry, shared by every topic it joins.
    presence: Entry,
    /// Taken while waiting for room in the connection's queue.
    ws: Option<actix_ws::Session>,
    topics: Vec<(Arc<str>, Addr<TopicActor>)>,
    /// Frames waiting for room in the connection's queue (a slow reader).
    queue: VecDeque<Frame>,
    closing: Option<CloseReason>,
    last_heard: Instant,
    last_ping: Instant,
    last_checked: Instant,
}

impl SessionActor {
    fn enqueue(&mut self, frame: Frame, ctx: &mut Context<Self>) {
        if self.closing.is_some() {
            return;
        }
        let mut frame = frame;
        if self.queue.is_empty() {
            if let Some(ws) = self.ws.as_mut() {
                match try_send(ws, frame) {
                    Handed::Sent => return,
                    Handed::Closed => return ctx.stop(),
                    Handed::Full(again) => frame = again,
                }
            }
        }
        if self.queue.len() >= self.hub.config().outbound_queue {
            self.overflow();
            return;
        }
        self.queue.push_back(frame);
        self.write_next(ctx);
    }

    /// The client cannot keep up: drop what waits and resync every topic at its current
    /// position (the topics send the resync frames, in order with later events).
    fn overflow(&mut self) {
        tracing::debug!(session = self.id, "outbound queue overflowed; resyncing");
        self.queue.clear();
        for (_, topic) in &self.topics {
            topic.do_send(Resubscribe { session: self.id });
        }
    }

    /// Hands queued frames to the connection while it has room; when it has none, waits for
    /// room (one future at a time) and carries on. Sends the close frame once closing.
    fn write_next(&mut self, ctx: &mut Context<Self>) {
        let Some(mut ws) = self.ws.take() else {
            return; // a wait for room is under way; it carries on when done
        };
        if let Some(reason) = self.closing.take() {
            ctx.spawn(
                async move {
                    let _ = ws.close(Some(reason)).await;
                }
                .into_actor(self)
                .map(|_, _, ctx| ctx.stop()),
            );
            return;
        }
        while let Some(frame) = self.queue.pop_front() {
            match try_send(&mut ws, frame) {
                Handed::Sent => {}
                Handed::Closed => return ctx.stop(),
                Handed::Full(frame) => {
                    self.queue.push_front(frame);
                    ctx.spawn(
                        async move {
                            let ready =
                                std::future::poll_fn(|cx| Pin::new(&mut ws).poll_ready(cx)).await;
                            (ws, ready)
                        }
                        .into_actor(self)
                        .map(|(ws, ready), actor, ctx| {
                            if ready.is_err() {
                                ctx.stop();
                                return;
                            }
                            actor.ws = Some(ws);
                            actor.write_next(ctx);
                        }),
                    );
                    return;
                }
            }
        }
        self.ws = Some(ws);
    }

    fn close(&mut self, code: u16, reason: &str, ctx: &mut Context<Self>) {
        self.queue.clear();
        self.closing = Some(CloseReason {
            code: CloseCode::Other(code),
            description: Some(reason.to_owned()),
        });
        self.write_next(ctx);
    }

    fn refuse(&mut self, topic: Option<&str>, refusal: &Refusal, ctx: &mut Context<Self>) {
        self.enqueue(Frame::Text(error_frame(topic, refusal)), ctx);
    }

    fn on_text(&mut self, text: &str, ctx: &mut Context<Self>) {
        let message = match ClientMessage::parse(text) {
            Ok(message) => message,
            Err(refusal) => return self.refuse(None, &refusal, ctx),
        };
        match message {
            ClientMessage::Subscribe { topic, epoch, seq } => {
                let known = self.topics.iter().any(|(t, _)| **t == *topic);
                if !known && self.topics.len() >= self.hub.config().max_topics {
                    return self.refuse(Some(&topic), &Refusal::TooManyTopics, ctx);
                }
                let since = match (epoch, seq) {
                    (Some(epoch), Some(seq)) => Some(Position::new(epoch, seq)),
                    _ => None,
                };
                self.join(topic, since, ctx);
            }
            ClientMessage::Unsubscribe { topic } => {
                if let Some(index) = self.topics.iter().position(|(t, _)| **t == *topic) {
                    let (_, addr) = self.topics.swap_remove(index);
                    addr.do_send(Unsubscribe {
                        session: self.id,
                        confirm: true,
                    });
                } else {
                    self.refuse(Some(&topic), &Refusal::NotSubscribed, ctx);
                }
            }
            ClientMessage::Presence { topic, state } => {
                match self.topics.iter().find(|(t, _)| **t == *topic) {
                    Some((_, addr)) => addr.do_send(SetPresence {
                        session: self.id,
                        state,
                    }),
                    None => self.refuse(Some(&topic), &Refusal::NotSubscribed, ctx),
                }
            }
        }
    }

    /// Asks the gate, then joins the topic: one future for both, so a socket joining its
    /// topics holds few futures at once.
    fn join(&mut self, topic: String, since: Option<Position>, ctx: &mut Context<Self>) {
        let gate = self.gate.clone();
        let member = self.member.clone();
        let subscribe = Subscribe {
            session: self.id,
            addr: ctx.address(),
            since,
            presence: Some(self.presence.clone()),
        };
        let hub = self.hub.clone();
        ctx.spawn(
            async move {
                if !gate.may_join(&member, &topic).await {
                    return Err(topic);
                }
                // A topic that is stopping (idle) refuses the message; the hub then starts a
                // new one.
                for _ in 0..3 {
                    let (key, addr) = hub.topic(&topic);
                    if addr.send(subscribe.clone()).await.is_ok() {
                        return Ok(Some((key, addr)));
                    }
                }
                tracing::warn!(topic = %topic, "could not join topic");
                Ok(None)
            }
            .into_actor(self)
            .map(move |joined, actor, ctx| match joined {
                Err(topic) => actor.refuse(Some(&topic), &Refusal::Forbidden, ctx),
                Ok(Some((key, addr))) => {
                    actor.topics.retain(|(t, _)| *t != key);
                    actor.topics.push((key, addr));
                }
                Ok(None) => {}
            }),
        );
    }

    /// Every `ping_interval` (or `revalidate_every`, if shorter): ping, drop a silent socket,
    /// re-check the sign-in now and then, and let go of an emptied queue's memory. One timer
    /// for all of it, as each timer costs every socket its own allocation.
    fn tick(&mut self, ctx: &mut Context<Self>) {
        let config = self.hub.config();
        let (silence, ping, revalidate) = (
            config.silence_timeout,
            config.ping_interval,
            config.revalidate_every,
        );
        if self.last_heard.elapsed() > silence {
            return self.close(CLOSE_TIMEOUT, "no answer to ping", ctx);
        }
        if self.last_ping.elapsed() >= ping.saturating_sub(SLACK) {
            self.last_ping = Instant::now();
            self.enqueue(Frame::Ping(Bytes::new()), ctx);
        }
        if self.last_checked.elapsed() >= revalidate.saturating_sub(SLACK) {
            self.last_checked = Instant::now();
            let gate = self.gate.clone();
            let member = self.member.clone();
            ctx.spawn(
                async move { gate.still_valid(&member).await }
                    .into_actor(self)
                    .map(|valid, actor, ctx| {
                        if !valid {
                            actor.close(CLOSE_REVOKED, "signed out", ctx);
                        }
                    }),
            );
        }
        if self.queue.is_empty() && self.queue.capacity() > 0 {
            self.queue = VecDeque::new();
        }
    }
}

impl Actor for SessionActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.hub
            .register_session(&self.member.session, self.id, ctx.address().downgrade());
        let config = self.hub.config();
        let every = config.ping_interval.min(config.revalidate_every);
        ctx.run_interval(every, |actor, ctx| actor.tick(ctx));
        CHURN.fetch_add(1, Ordering::Relaxed);
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        for (_, topic) in self.topics.drain(..) {
            topic.do_send(Unsubscribe {
                session: self.id,
                confirm: false,
            });
        }
        self.hub.unregister_session(&self.member.session, self.id);
        CHURN.fetch_add(1, Ordering::Relaxed);
    }
}

impl StreamHandler<Result<AggregatedMessage, ProtocolError>> for SessionActor {
    fn handle(
        &mut self,
        message: Result<AggregatedMessage, ProtocolError>,
        ctx: &mut Self::Context,
    ) {
        self.last_heard = Instant::now();
        match message {
            Ok(AggregatedMessage::Text(text)) => self.on_text(&text, ctx),
            Ok(AggregatedMessage::Binary(_)) => self.refuse(None, &Refusal::Binary, ctx),
            Ok(AggregatedMessage::Ping(bytes)) => self.enqueue(Frame::Pong(bytes), ctx),
            Ok(AggregatedMessage::Pong(_)) => {}
            Ok(AggregatedMessage::Close(reason)) => {
                // Answer the close, as the protocol asks, so the browser sees a clean close
                // (its code) rather than a dropped connection.
                self.queue.clear();
                self.closing = Some(reason.unwrap_or(CloseReason {
                    code: CloseCode::Normal,
                    description: None,
                }));
                self.write_next(ctx);
            }
            Err(ProtocolError::Overflow) => self.close(1009, "frame too large", ctx),
            Err(_) => self.close(1002, "protocol error", ctx),
        }
    }

    fn finished(&mut self, ctx: &mut Self::Context) {
        ctx.stop();
    }
}

impl Handler<Outbound> for SessionActor {
    type Result = ();
    fn handle(&mut self, frame: Outbound, ctx: &mut Self::Context) {
        self.enqueue(Frame::Text(frame.0), ctx);
    }
}

impl Handler<Close> for SessionActor {
    type Result = ();
    fn handle(&mut self, close: Close, ctx: &mut Self::Context) {
        self.close(CLOSE_REVOKED, &close.reason, ctx);
    }
}

/// True when the request's `Origin` (if any) names the host it was sent to: a page on another
/// site must not open a socket with this site's cookie.
fn same_origin(req: &HttpRequest) -> bool {
    let Some(origin) = req.headers().get("origin").and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = req.connection_info().host().to_owned();
    origin
        .split_once("://")
        .is_some_and(|(_, origin_host)| origin_host.eq_ignore_ascii_case(&host))
}

/// Upgrades a request to a live socket. Without a valid sign-in the socket is accepted and
/// closed at once with code 4001, so the page can tell "sign in again" from a network fault.
pub async fn serve(
    req: HttpRequest,
    body: web::Payload,
    hub: Hub,
    gate: Arc<dyn Gate>,
) -> Result<HttpResponse, actix_web::Error> {
    if !same_origin(&req) {
        return Ok(HttpResponse::Forbidden().body("cross-site socket refused"));
    }
    let member = gate.authenticate(&req).await;
    let (response, session, stream) = actix_ws::handle(&req, body)?;
    let Some(member) = member else {
        actix_web::rt::spawn(async move {
            let reason = CloseReason {
                code: CloseCode::Other(CLOSE_UNAUTHENTICATED),
                description: Some("sign in required".to_owned()),
            };
            let _ = session.close(Some(reason)).await;
        });
        return Ok(response);
    };
    let max = hub.config().max_frame_bytes;
    let stream = stream
        .max_frame_size(max)
        .aggregate_continuations()
        .max_continuation_size(max);
    let presence = Entry {
        user: Arc::from(member.user.as_str()),
        name: Arc::from(member.name.as_str()),
        state: String::new(),
    };
    SessionActor::create(move |ctx| {
        ctx.add_stream(stream);
        let now = Instant::now();
        SessionActor {
            id: NEXT_SESSION.fetch_add(1, Ordering::Relaxed),
            hub,
            gate,
            member: Arc::new(member),
            presence,
            ws: Some(session),
            topics: Vec::new(),
            queue: VecDeque::new(),
            closing: None,
            last_heard: now,
            last_ping: now,
            last_checked: now,
        }
    });
    Ok(response)
}
