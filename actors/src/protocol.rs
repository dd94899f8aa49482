//! The wire protocol between the browser and `/live` (documented in `actors/README.md`).
//! Client messages are parsed here; server frames are encoded here, once, as text.

use crate::position::Position;
use bytestring::ByteString;
use serde::{Deserialize, Serialize};

/// Longest topic name accepted.
pub const MAX_TOPIC_LEN: usize = 128;
/// Longest presence state accepted.
pub const MAX_STATE_LEN: usize = 200;

/// What a browser may send.
#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMessage {
    /// Start receiving a topic, replaying what was missed since `epoch`/`seq` when given.
    Subscribe {
        /// Topic name.
        topic: String,
        /// Epoch of the last event seen.
        epoch: Option<u64>,
        /// Sequence number of the last event seen.
        seq: Option<u64>,
    },
    /// Stop receiving a topic.
    Unsubscribe {
        /// Topic name.
        topic: String,
    },
    /// Set this tab's presence state on a topic (e.g. "editing Consent").
    Presence {
        /// Topic name.
        topic: String,
        /// Short free text; empty for "viewing".
        state: String,
    },
}

/// Why a client frame was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not JSON, or not one of the message types.
    #[error("malformed message: expected JSON with a known \"type\"")]
    Malformed,
    /// A topic name that is empty, too long, or reserved.
    #[error("invalid topic name")]
    BadTopic,
    /// The application does not let this user see the topic.
    #[error("not allowed to join this topic")]
    Forbidden,
    /// Too many topics on one socket.
    #[error("too many topics on one connection")]
    TooManyTopics,
    /// Presence on a topic the socket has not joined.
    #[error("not subscribed to this topic")]
    NotSubscribed,
    /// Presence state too long.
    #[error("presence state too long")]
    StateTooLong,
    /// Binary frames are not part of the protocol.
    #[error("binary frames are not accepted")]
    Binary,
}

impl ClientMessage {
    /// Parses and checks one text frame.
    pub fn parse(text: &str) -> Result<Self, Refusal> {
        let message: ClientMessage = serde_json::from_str(text).map_err(|_| Refusal::Malformed)?;
        let topic = match &message {
            ClientMessage::Subscribe { topic, .. }
            | ClientMessage::Unsubscribe { topic }
            | ClientMessage::Presence { topic, .. } => topic,
        };
        if !valid_topic(topic) {
            return Err(Refusal::BadTopic);
        }
        if let ClientMessage::Presence { state, .. } = &message {
            if state.chars().count() > MAX_STATE_LEN {
                return Err(Refusal::StateTooLong);
            }
        }
        Ok(message)
    }
}

/// A topic a client may name: 1–128 characters of letters, digits and `:._-`, not starting
/// with `_` (reserved for the engine's own topics).
pub fn valid_topic(topic: &str) -> bool {
    !topic.is_empty()
        && topic.len() <= MAX_TOPIC_LEN
        && !topic.starts_with('_')
        && topic
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b':' | b'.' | b'_' | b'-'))
}

/// One person present on a topic, as the browser sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentUser {
    /// The application's user id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free-text state, e.g. "editing Consent"; empty for "viewing".
    pub state: String,
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ServerFrame<'a> {
    Subscribed {
        topic: &'a str,
        epoch: u64,
        seq: u64,
    },
    Resync {
        topic: &'a str,
        epoch: u64,
        seq: u64,
    },
    Unsubscribed {
        topic: &'a str,
    },
    Presence {
        topic: &'a str,
        users: &'a [PresentUser],
        joined: &'a [String],
        left: &'a [String],
        changed: &'a [String],
    },
    Error {
        #[serde(skip_serializing_if = "Option::is_none")]
        topic: Option<&'a str>,
        reason: &'a str,
    },
}

fn encode(frame: &ServerFrame<'_>) -> ByteString {
    // Serialising these plain structs cannot fail.
    ByteString::from(serde_json::to_string(frame).unwrap_or_default())
}

/// `event`: the application's payload (already JSON) with its topic and position. Built by
/// hand so the payload is copied once, not parsed and re-serialised.
pub fn event_frame(topic: &str, position: Position, payload: &[u8]) -> ByteString {
    let topic = serde_json::to_string(topic).unwrap_or_default();
    let body = std::str::from_utf8(payload).unwrap_or("null");
    let body = if body.trim().is_empty() { "null" } else { body };
    ByteString::from(format!(
        "{{\"type\":\"event\",\"topic\":{topic},\"epoch\":{},\"seq\":{},\"body\":{body}}}",
        position.epoch, position.seq
    ))
}

/// `subscribed`: the topic is live from this position on.
pub fn subscribed_frame(topic: &str, position: Position) -> ByteString {
    encode(&ServerFrame::Subscribed {
        topic,
        epoch: position.epoch,
        seq: position.seq,
    })
}

/// `resync`: re-fetch the topic's state; continue from this position.
pub fn resync_frame(topic: &str, position: Position) -> ByteString {
    encode(&ServerFrame::Resync {
        topic,
        epoch: position.epoch,
        seq: position.seq,
    })
}

/// `unsubscribed`.
pub fn unsubscribed_frame(topic: &str) -> ByteString {
    encode(&ServerFrame::Unsubscribed { topic })
}

/// `presence`: who is on the topic now, and who joined, left or changed state.
pub fn presence_frame(
    topic: &str,
    users: &[PresentUser],
    joined: &[String],
    left: &[String],
    changed: &[String],
) -> ByteString {
    encode(&ServerFrame::Presence {
        topic,
        users,
        joined,
        left,
        changed,
    })
}

/// `error`: a refused frame; the socket stays open.
pub fn error_frame(topic: Option<&str>, refusal: &Refusal) -> ByteString {
    encode(&ServerFrame::Error {
        topic,
        reason: &refusal.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_client_messages() {
        assert_eq!(
            ClientMessage::parse(r#"{"type":"subscribe","topic":"case:1","epoch":5,"seq":9}"#),
            Ok(ClientMessage::Subscribe {
                topic: "case:1".into(),
                epoch: Some(5),
                seq: Some(9)
            })
        );
        assert_eq!(
            ClientMessage::parse(r#"{"type":"subscribe","topic":"case:1"}"#),
            Ok(ClientMessage::Subscribe {
                topic: "case:1".into(),
                epoch: None,
                seq: None
            })
        );
        assert!(matches!(
            ClientMessage::parse(r#"{"type":"presence","topic":"t","state":"editing"}"#),
            Ok(ClientMessage::Presence { .. })
        ));
    }

    #[test]
    fn refuses_malformed_and_unknown_messages() {
        assert_eq!(ClientMessage::parse("not json"), Err(Refusal::Malformed));
        assert_eq!(
            ClientMessage::parse(r#"{"type":"launch","topic":"t"}"#),
            Err(Refusal::Malformed)
        );
        assert_eq!(
            ClientMessage::parse(r#"{"type":"subscribe","topic":"t","extra":1}"#),
            Err(Refusal::Malformed)
        );
        assert_eq!(
            ClientMessage::parse(r#"{"type":"subscribe","topic":"_session:x"}"#),
            Err(Refusal::BadTopic)
        );
        assert_eq!(
            ClientMessage::parse(r#"{"type":"subscribe","topic":"a b"}"#),
            Err(Refusal::BadTopic)
        );
        let long = format!(
            r#"{{"type":"presence","topic":"t","state":"{}"}}"#,
            "x".repeat(201)
        );
        assert_eq!(ClientMessage::parse(&long), Err(Refusal::StateTooLong));
    }

    #[test]
    fn event_frames_embed_the_payload_once() {
        let frame = event_frame(
            "case:1",
            Position::new(3, 4),
            br#"{"fragments":{"a":"<b>x</b>"}}"#,
        );
        let value: serde_json::Value = serde_json::from_str(&frame).expect("valid JSON");
        assert_eq!(value["type"], "event");
        assert_eq!(value["topic"], "case:1");
        assert_eq!(value["epoch"], 3);
        assert_eq!(value["seq"], 4);
        assert_eq!(value["body"]["fragments"]["a"], "<b>x</b>");
    }
}
