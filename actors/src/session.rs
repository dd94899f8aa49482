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
use actix_ws::{AggregatedMessage, CloseCode, CloseReason, ProtocolError};
use bytes::Bytes;
use bytestring::ByteString;
use futures_util::future::{BoxFuture, LocalBoxFuture};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Close code: no valid sign-in session.
pub const CLOSE_UNAUTHENTICATED: u16 = 4001;
/// Close code: the sign-in session was revoked or ended.
pub const CLOSE_REVOKED: u16 = 4003;
/// Close code: the socket was silent too long.
pub const CLOSE_TIMEOUT: u16 = 4008;

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

enum Out {
    Text(ByteString),
    Ping,
    Pong(Bytes),
}

static NEXT_SESSION: AtomicU64 = AtomicU64::new(1);

/// One socket.
pub struct SessionActor {
    id: u64,
    hub: Hub,
    gate: Arc<dyn Gate>,
    member: Arc<Member>,
    /// Taken while a write is in flight.
    ws: Option<actix_ws::Session>,
    topics: Vec<(Arc<str>, Addr<TopicActor>)>,
    queue: VecDeque<Out>,
    closing: Option<CloseReason>,
    last_heard: Instant,
}

impl SessionActor {
    fn enqueue(&mut self, frame: Out, ctx: &mut Context<Self>) {
        if self.closing.is_some() {
            return;
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

    fn write_next(&mut self, ctx: &mut Context<Self>) {
        let Some(mut ws) = self.ws.take() else { return };
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
        let Some(frame) = self.queue.pop_front() else {
            self.ws = Some(ws);
            return;
        };
        ctx.spawn(
            async move {
                let sent = match frame {
                    Out::Text(text) => ws.text(text).await,
                    Out::Ping => ws.ping(b"").await,
                    Out::Pong(bytes) => ws.pong(&bytes).await,
                };
                (ws, sent)
            }
            .into_actor(self)
            .map(|(ws, sent), actor, ctx| {
                if sent.is_err() {
                    ctx.stop();
                    return;
                }
                actor.ws = Some(ws);
                actor.write_next(ctx);
            }),
        );
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
        self.enqueue(Out::Text(error_frame(topic, refusal)), ctx);
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
                let gate = self.gate.clone();
                let member = self.member.clone();
                ctx.spawn(
                    async move {
                        let allowed = gate.may_join(&member, &topic).await;
                        (topic, allowed)
                    }
                    .into_actor(self)
                    .map(move |(topic, allowed), actor, ctx| {
                        if !allowed {
                            actor.refuse(Some(&topic), &Refusal::Forbidden, ctx);
                            return;
                        }
                        actor.join(Arc::from(topic.as_str()), since, ctx);
                    }),
                );
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

    fn join(&mut self, topic: Arc<str>, since: Option<Position>, ctx: &mut Context<Self>) {
        let subscribe = Subscribe {
            session: self.id,
            addr: ctx.address(),
            since,
            presence: Some(Entry {
                user: self.member.user.clone(),
                name: self.member.name.clone(),
                state: String::new(),
            }),
        };
        self.topics.retain(|(t, _)| *t != topic);
        let hub = self.hub.clone();
        let key = topic.clone();
        // A topic that is stopping (idle) refuses the message; the hub then starts a new one.
        ctx.spawn(
            async move {
                for _ in 0..3 {
                    let addr = hub.topic(&key);
                    if addr.send(subscribe.clone()).await.is_ok() {
                        return Some(addr);
                    }
                }
                None
            }
            .into_actor(self)
            .map(move |addr, actor, _| match addr {
                Some(addr) => actor.topics.push((topic, addr)),
                None => tracing::warn!(topic = %topic, "could not join topic"),
            }),
        );
    }
}

impl Actor for SessionActor {
    type Context = Context<Self>;

    fn started(&mut self, ctx: &mut Self::Context) {
        self.hub
            .register_session(&self.member.session, ctx.address());
        let config = self.hub.config().clone();
        ctx.run_interval(config.ping_interval, move |actor, ctx| {
            if actor.last_heard.elapsed() > config.silence_timeout {
                actor.close(CLOSE_TIMEOUT, "no answer to ping", ctx);
            } else {
                actor.enqueue(Out::Ping, ctx);
            }
        });
        ctx.run_interval(self.hub.config().revalidate_every, |actor, ctx| {
            let gate = actor.gate.clone();
            let member = actor.member.clone();
            ctx.spawn(
                async move { gate.still_valid(&member).await }
                    .into_actor(actor)
                    .map(|valid, actor, ctx| {
                        if !valid {
                            actor.close(CLOSE_REVOKED, "signed out", ctx);
                        }
                    }),
            );
        });
    }

    fn stopped(&mut self, ctx: &mut Self::Context) {
        for (_, topic) in self.topics.drain(..) {
            topic.do_send(Unsubscribe {
                session: self.id,
                confirm: false,
            });
        }
        self.hub
            .unregister_session(&self.member.session, &ctx.address());
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
            Ok(AggregatedMessage::Ping(bytes)) => self.enqueue(Out::Pong(bytes), ctx),
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
        self.enqueue(Out::Text(frame.0), ctx);
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
    SessionActor::create(move |ctx| {
        ctx.add_stream(stream);
        SessionActor {
            id: NEXT_SESSION.fetch_add(1, Ordering::Relaxed),
            hub,
            gate,
            member: Arc::new(member),
            ws: Some(session),
            topics: Vec::new(),
            queue: VecDeque::new(),
            closing: None,
            last_heard: Instant::now(),
        }
    });
    Ok(response)
}
