//! One WebSocket (one browser tab) at `/live`: an actix actor owning the socket's outbox
//! (`socket`). It parses the client's frames, asks the application whether the user may join each topic,
//! writes frames through a small bounded queue (a slow client is resynced, never waited for),
//! pings every 15 s and drops a socket silent for 45 s, and closes when the sign-in session
//! behind it is revoked.

use crate::hub::Hub;
use crate::position::Position;
use crate::presence::Entry;
use crate::protocol::{error_frame, ClientMessage, Refusal};
use crate::socket::{self, Inbound, Outbox};
use crate::topic::{Resubscribe, SetPresence, Subscribe, TopicActor, Unsubscribe};
use actix::{
    Actor, ActorContext, ActorFutureExt, Addr, AsyncContext, Context, Handler, Message,
    StreamHandler, WrapFuture,
};
use actix_http::ws::{CloseCode, CloseReason, Message as Frame, ProtocolError};
use actix_web::{web, HttpRequest, HttpResponse};
use bytes::Bytes;
use bytestring::ByteString;
use futures_util::future::{BoxFuture, LocalBoxFuture};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
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
/// One socket. Kept small: thousands are open at once (DESIGN.md "Budgets").
pub struct SessionActor {
    id: u64,
    hub: Hub,
    gate: Arc<dyn Gate>,
    member: Arc<Member>,
    /// This socket's presence entry, shared by every topic it joins.
    presence: Entry,
    /// Frames the connection has not taken yet (a slow reader's wait here).
    outbox: Outbox,
    topics: Vec<(Arc<str>, Addr<TopicActor>)>,
    last_heard: Instant,
    last_ping: Instant,
    last_checked: Instant,
}

impl SessionActor {
    fn enqueue(&mut self, frame: Frame, ctx: &mut Context<Self>) {
        if self.outbox.len() >= self.hub.config().outbound_queue {
            self.overflow();
            return;
        }
        if self.outbox.push(frame).is_err() {
            ctx.stop();
        }
    }

    /// The client cannot keep up: drop what waits and resync every topic at its current
    /// position (the topics send the resync frames, in order with later events).
    fn overflow(&mut self) {
        tracing::debug!(session = self.id, "outbound queue overflowed; resyncing");
        self.outbox.clear();
        for (_, topic) in &self.topics {
            topic.do_send(Resubscribe { session: self.id });
        }
    }

    /// Sends a close frame in place of whatever still waits, and stops.
    fn close(&mut self, code: u16, reason: &str, ctx: &mut Context<Self>) {
        self.outbox.close(Some(CloseReason {
            code: CloseCode::Other(code),
            description: Some(reason.to_owned()),
        }));
        ctx.stop();
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
        self.outbox.shrink();
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
    }

    fn stopped(&mut self, _: &mut Self::Context) {
        for (_, topic) in self.topics.drain(..) {
            topic.do_send(Unsubscribe {
                session: self.id,
                confirm: false,
            });
        }
        self.hub.unregister_session(&self.member.session, self.id);
    }
}

impl StreamHandler<Result<Inbound, ProtocolError>> for SessionActor {
    fn handle(&mut self, message: Result<Inbound, ProtocolError>, ctx: &mut Self::Context) {
        self.last_heard = Instant::now();
        match message {
            Ok(Inbound::Text(text)) => self.on_text(&text, ctx),
            Ok(Inbound::Binary) => self.refuse(None, &Refusal::Binary, ctx),
            Ok(Inbound::Ping(bytes)) => self.enqueue(Frame::Pong(bytes), ctx),
            Ok(Inbound::Pong) => {}
            Ok(Inbound::Close(reason)) => {
                // Answer the close, as the protocol asks, so the browser sees a clean close
                // (its code) rather than a dropped connection.
                self.outbox.close(Some(reason.unwrap_or(CloseReason {
                    code: CloseCode::Normal,
                    description: None,
                })));
                ctx.stop();
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
    let max = hub.config().max_frame_bytes;
    let (response, outbox, stream) = socket::accept(&req, body, max)?;
    let Some(member) = member else {
        // The connection sends the close frame and ends; nothing else is kept.
        outbox.close(Some(CloseReason {
            code: CloseCode::Other(CLOSE_UNAUTHENTICATED),
            description: Some("sign in required".to_owned()),
        }));
        return Ok(response);
    };
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
            outbox,
            topics: Vec::new(),
            last_heard: now,
            last_ping: now,
            last_checked: now,
        }
    });
    Ok(response)
}
