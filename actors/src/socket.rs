//! The WebSocket under a session, on actix-http's frame codec directly: an outbox the session
//! actor fills and the connection's response body empties, and a stream of the client's frames
//! with continuations put together.
//!
//! actix-ws does the same through a tokio channel of 32 frames per socket, a boxed future to
//! poll it and a one-shot signal, about 2 KiB per socket before any frame is sent (decision
//! record 17). The actor and its connection run on the same worker thread (an actor starts on
//! the arbiter of the request that made it), so a queue shared behind an `Rc` is enough: one
//! small allocation, and a queue that holds memory only while frames wait.

use actix_codec::{Decoder, Encoder};
use actix_http::ws::{CloseReason, Codec, Frame, Item, Message, ProtocolError};
use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Payload;
use actix_web::{HttpRequest, HttpResponse};
use bytes::{Bytes, BytesMut};
use bytestring::ByteString;
use futures_util::Stream;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// A control frame's payload is at most 125 bytes (RFC 6455 §5.5).
const MAX_CONTROL_PAYLOAD: usize = 125;

/// What the outbox and the body share.
#[derive(Default)]
struct Shared {
    /// Frames the connection has not taken yet.
    frames: VecDeque<Message>,
    /// The body waiting for frames.
    waker: Option<Waker>,
    /// No more frames will come: a close frame is queued, or the actor let go of the outbox.
    done: bool,
    /// The connection dropped the body: frames can no longer be sent.
    gone: bool,
}

impl Shared {
    fn wake(&mut self) {
        if let Some(waker) = self.waker.take() {
            waker.wake();
        }
    }
}

/// The session's side: frames to send, in order.
pub(crate) struct Outbox(Rc<RefCell<Shared>>);

/// The connection is gone; the frame was not queued.
#[derive(Debug)]
pub(crate) struct Gone;

impl Outbox {
    /// Queues a frame for the connection. Frames after a close frame are dropped.
    pub(crate) fn push(&self, frame: Message) -> Result<(), Gone> {
        let mut shared = self.0.borrow_mut();
        if shared.gone {
            return Err(Gone);
        }
        if shared.done {
            return Ok(());
        }
        shared.frames.push_back(frame);
        shared.wake();
        Ok(())
    }

    /// Queues a close frame in place of whatever still waits; nothing is sent after it.
    pub(crate) fn close(&self, reason: Option<CloseReason>) {
        let mut shared = self.0.borrow_mut();
        if shared.done {
            return;
        }
        shared.frames.clear();
        shared.frames.push_back(Message::Close(reason));
        shared.done = true;
        shared.wake();
    }

    /// Frames waiting for the connection.
    pub(crate) fn len(&self) -> usize {
        self.0.borrow().frames.len()
    }

    /// Drops the waiting frames.
    pub(crate) fn clear(&self) {
        self.0.borrow_mut().frames.clear();
    }

    /// Lets go of an emptied queue's memory (a burst leaves its capacity behind).
    pub(crate) fn shrink(&self) {
        let mut shared = self.0.borrow_mut();
        if shared.frames.is_empty() && shared.frames.capacity() > 0 {
            shared.frames = VecDeque::new();
        }
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        // The body ends once it has sent what is queued.
        let mut shared = self.0.borrow_mut();
        shared.done = true;
        shared.wake();
    }
}

/// The connection's side: the response body, which encodes the queued frames as it takes them.
struct Body {
    shared: Rc<RefCell<Shared>>,
}

impl MessageBody for Body {
    type Error = ProtocolError;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        let mut shared = self.shared.borrow_mut();
        if shared.frames.is_empty() {
            if shared.done {
                return Poll::Ready(None);
            }
            match &shared.waker {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                _ => shared.waker = Some(cx.waker().clone()),
            }
            return Poll::Pending;
        }
        // Everything queued goes out as one chunk; the buffer is sized to it and handed over
        // whole, so nothing stays allocated here between bursts.
        let size: usize = shared.frames.iter().map(encoded_size).sum();
        let mut buf = BytesMut::with_capacity(size);
        let mut codec = Codec::new();
        while let Some(frame) = shared.frames.pop_front() {
            codec.encode(bounded(frame), &mut buf)?;
        }
        Poll::Ready(Some(Ok(buf.freeze())))
    }
}

impl Drop for Body {
    fn drop(&mut self) {
        self.shared.borrow_mut().gone = true;
    }
}

/// An upper bound of a frame's encoded size (header of at most 10 bytes; a server does not
/// mask).
fn encoded_size(frame: &Message) -> usize {
    let payload = match frame {
        Message::Text(text) => text.len(),
        Message::Binary(bytes) | Message::Ping(bytes) | Message::Pong(bytes) => bytes.len(),
        Message::Close(_) => MAX_CONTROL_PAYLOAD,
        Message::Continuation(_) | Message::Nop => 0,
    };
    payload + 10
}

/// Cuts control frames to the size browsers accept (a longer one is a protocol error).
fn bounded(frame: Message) -> Message {
    match frame {
        Message::Ping(bytes) if bytes.len() > MAX_CONTROL_PAYLOAD => {
            Message::Ping(bytes.slice(..MAX_CONTROL_PAYLOAD))
        }
        Message::Pong(bytes) if bytes.len() > MAX_CONTROL_PAYLOAD => {
            Message::Pong(bytes.slice(..MAX_CONTROL_PAYLOAD))
        }
        Message::Close(Some(mut reason)) => {
            if let Some(description) = reason.description.as_mut() {
                let mut end = description.len().min(MAX_CONTROL_PAYLOAD - 2);
                while !description.is_char_boundary(end) {
                    end -= 1;
                }
                description.truncate(end);
            }
            Message::Close(Some(reason))
        }
        other => other,
    }
}

/// A message from the client, continuations put together.
#[derive(Debug)]
pub(crate) enum Inbound {
    /// A text message.
    Text(ByteString),
    /// A binary message (not part of the protocol: its bytes are not kept).
    Binary,
    /// A ping, to be answered with its payload.
    Ping(Bytes),
    /// A pong.
    Pong,
    /// The client closes.
    Close(Option<CloseReason>),
}

/// The client's frames, decoded from the request's body as it arrives.
pub(crate) struct Frames {
    payload: Payload,
    buf: BytesMut,
    codec: Codec,
    /// Most bytes of one message, frames or continuations.
    max: usize,
    /// The parts of a message sent in continuations so far, and whether it is text.
    parts: Option<(BytesMut, bool)>,
    ended: bool,
}

impl Frames {
    fn next_frame(&mut self) -> Result<Option<Inbound>, ProtocolError> {
        while let Some(frame) = self.codec.decode(&mut self.buf)? {
            let message = match frame {
                Frame::Text(bytes) => Inbound::Text(text(bytes)?),
                Frame::Binary(_) => Inbound::Binary,
                Frame::Ping(bytes) => Inbound::Ping(bytes),
                Frame::Pong(_) => Inbound::Pong,
                Frame::Close(reason) => Inbound::Close(reason),
                Frame::Continuation(item) => match self.continued(item)? {
                    Some(message) => message,
                    None => continue,
                },
            };
            return Ok(Some(message));
        }
        Ok(None)
    }

    /// Adds a continuation frame; the whole message once its last part came.
    fn continued(&mut self, item: Item) -> Result<Option<Inbound>, ProtocolError> {
        let (bytes, first, last) = match item {
            Item::FirstText(bytes) => (bytes, Some(true), false),
            Item::FirstBinary(bytes) => (bytes, Some(false), false),
            Item::Continue(bytes) => (bytes, None, false),
            Item::Last(bytes) => (bytes, None, true),
        };
        if let Some(is_text) = first {
            self.parts = Some((BytesMut::new(), is_text));
        }
        let Some((parts, _)) = self.parts.as_mut() else {
            return Err(ProtocolError::ContinuationNotStarted);
        };
        if parts.len() + bytes.len() > self.max {
            self.parts = None;
            return Err(ProtocolError::Overflow);
        }
        parts.extend_from_slice(&bytes);
        if !last {
            return Ok(None);
        }
        let Some((parts, is_text)) = self.parts.take() else {
            return Ok(None);
        };
        Ok(Some(if is_text {
            Inbound::Text(text(parts.freeze())?)
        } else {
            Inbound::Binary
        }))
    }
}

/// A text frame's payload as a string; not UTF-8 is a protocol error.
fn text(bytes: Bytes) -> Result<ByteString, ProtocolError> {
    ByteString::try_from(bytes)
        .map_err(|err| ProtocolError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, err)))
}

impl Stream for Frames {
    type Item = Result<Inbound, ProtocolError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match this.next_frame() {
                Ok(Some(message)) => return Poll::Ready(Some(Ok(message))),
                Ok(None) => {}
                Err(err) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(err)));
                }
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.payload).poll_next(cx) {
                Poll::Ready(Some(Ok(bytes))) => {
                    if this.buf.is_empty() {
                        // Nothing half-read: no copy, and no buffer kept between messages.
                        this.buf = BytesMut::from(bytes);
                    } else {
                        this.buf.extend_from_slice(&bytes);
                    }
                }
                Poll::Ready(Some(Err(err))) => {
                    this.ended = true;
                    return Poll::Ready(Some(Err(ProtocolError::Io(std::io::Error::other(
                        err.to_string(),
                    )))));
                }
                Poll::Ready(None) => this.ended = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// Accepts a WebSocket upgrade: the response to send, the outbox to write to and the stream of
/// the client's messages (each at most `max` bytes).
pub(crate) fn accept(
    req: &HttpRequest,
    payload: Payload,
    max: usize,
) -> Result<(HttpResponse, Outbox, Frames), actix_web::Error> {
    let mut response = actix_http::ws::handshake(req.head())?;
    let shared = Rc::new(RefCell::new(Shared::default()));
    let body = Body {
        shared: shared.clone(),
    };
    let response = response.message_body(body.boxed())?;
    let frames = Frames {
        payload,
        buf: BytesMut::new(),
        codec: Codec::new().max_size(max),
        max,
        parts: None,
        ended: false,
    };
    Ok((response.into(), Outbox(shared), frames))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_http::ws::CloseCode;

    fn pair() -> (Outbox, Body) {
        let shared = Rc::new(RefCell::new(Shared::default()));
        (
            Outbox(shared.clone()),
            Body {
                shared: shared.clone(),
            },
        )
    }

    fn poll(body: &mut Body) -> Poll<Option<Bytes>> {
        let mut cx = Context::from_waker(Waker::noop());
        match Pin::new(body).poll_next(&mut cx) {
            Poll::Ready(Some(Ok(bytes))) => Poll::Ready(Some(bytes)),
            Poll::Ready(Some(Err(err))) => panic!("encoding failed: {err}"),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    #[test]
    fn queued_frames_go_out_in_order_as_one_chunk() {
        let (outbox, mut body) = pair();
        assert!(poll(&mut body).is_pending(), "nothing queued yet");
        outbox.push(Message::Text("one".into())).expect("open");
        outbox.push(Message::Text("two".into())).expect("open");
        assert_eq!(outbox.len(), 2);
        let Poll::Ready(Some(chunk)) = poll(&mut body) else {
            panic!("frames were queued");
        };
        // Unmasked text frames: FIN + opcode 1, length, payload.
        assert_eq!(&chunk[..], b"\x81\x03one\x81\x03two");
        assert_eq!(outbox.len(), 0);
        assert!(poll(&mut body).is_pending());
    }

    #[test]
    fn a_close_replaces_what_waits_and_ends_the_body() {
        let (outbox, mut body) = pair();
        outbox.push(Message::Text("stale".into())).expect("open");
        outbox.close(Some(CloseReason {
            code: CloseCode::Other(4003),
            description: Some("signed out".to_owned()),
        }));
        outbox
            .push(Message::Text("late".into()))
            .expect("dropped, not an error");
        let Poll::Ready(Some(chunk)) = poll(&mut body) else {
            panic!("the close frame was queued");
        };
        // FIN + opcode 8, length 12, code 4003, reason.
        assert_eq!(&chunk[..], b"\x88\x0c\x0f\xa3signed out");
        assert_eq!(poll(&mut body), Poll::Ready(None));
    }

    #[test]
    fn the_body_ends_when_the_session_lets_go_and_pushing_fails_once_it_is_gone() {
        let (outbox, mut body) = pair();
        outbox.push(Message::Text("last".into())).expect("open");
        drop(outbox);
        assert!(
            matches!(poll(&mut body), Poll::Ready(Some(_))),
            "sent first"
        );
        assert_eq!(poll(&mut body), Poll::Ready(None));

        let (outbox, body) = pair();
        drop(body);
        assert!(outbox.push(Message::Text("x".into())).is_err());
    }

    #[test]
    fn long_close_reasons_are_cut_to_a_control_frame() {
        let long = "é".repeat(100);
        let Message::Close(Some(reason)) = bounded(Message::Close(Some(CloseReason {
            code: CloseCode::Normal,
            description: Some(long),
        }))) else {
            panic!("still a close");
        };
        let description = reason.description.expect("kept");
        assert!(description.len() <= MAX_CONTROL_PAYLOAD - 2);
        assert!(
            description.chars().all(|c| c == 'é'),
            "cut on a character boundary"
        );
    }
}
