//! The recorder every socket of a worker reports what arrives to: it tells `subscribed` and
//! `error` frames apart for the socket opening, counts presence and resyncs, and notes each
//! event's arrival, with its latency when the event is a benchmark's (see [`EventBody`]).

use super::protocol::{Delivery, EventBody, Record, Tally};
use serde::Deserialize;
use std::borrow::Cow;
use std::sync::{Mutex, MutexGuard};

/// Most deliveries one worker keeps for latencies (8 bytes each).
const MAX_RECORDED: usize = 4_000_000;

/// What a frame was, as far as opening a socket is concerned.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    /// `subscribed` to this topic.
    Subscribed(String),
    /// An `error` frame, with its reason.
    Refused(String),
    /// Anything else.
    Other,
}

/// The parts of a server frame the benchmarks read.
#[derive(Deserialize)]
struct Frame<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(default, borrow)]
    topic: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    reason: Option<Cow<'a, str>>,
    #[serde(default)]
    body: Option<Probe>,
}

/// A benchmark's [`EventBody`] when the body is an object holding one; nothing otherwise (an
/// application's body, or a body of another shape).
struct Probe(Option<EventBody>);

impl<'de> Deserialize<'de> for Probe {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ProbeVisitor)
    }
}

struct ProbeVisitor;

impl<'de> serde::de::Visitor<'de> for ProbeVisitor {
    type Value = Probe;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Probe, A::Error> {
        let (mut i, mut sent_ns) = (None, None);
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "i" => i = map.next_value::<u32>().ok(),
                "sent_ns" => sent_ns = map.next_value::<u64>().ok(),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(Probe(
            i.zip(sent_ns).map(|(i, sent_ns)| EventBody { i, sent_ns }),
        ))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Probe, A::Error> {
        while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {}
        Ok(Probe(None))
    }

    fn visit_bool<E>(self, _: bool) -> Result<Probe, E> {
        Ok(Probe(None))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Probe, E> {
        Ok(Probe(None))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Probe, E> {
        Ok(Probe(None))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Probe, E> {
        Ok(Probe(None))
    }

    fn visit_str<E>(self, _: &str) -> Result<Probe, E> {
        Ok(Probe(None))
    }

    fn visit_unit<E>(self) -> Result<Probe, E> {
        Ok(Probe(None))
    }
}

/// The frame without its body, for events whose body is not a benchmark's.
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
}

/// Counts what a worker's sockets receive. Shared by all of them.
#[derive(Debug)]
pub struct Recorder {
    record: Record,
    tally: Mutex<Tally>,
}

impl Recorder {
    /// A recorder keeping `record` of each event.
    pub fn new(record: Record) -> Self {
        Self {
            record,
            tally: Mutex::new(Tally::default()),
        }
    }

    fn tally(&self) -> MutexGuard<'_, Tally> {
        self.tally
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes one text frame that has just arrived.
    pub fn frame(&self, text: &str) -> Seen {
        let arrived = super::protocol::unix_nanos();
        let frame = serde_json::from_str::<Frame<'_>>(text);
        let mut tally = self.tally();
        tally.frames += 1;
        let frame = match frame {
            Ok(frame) => frame,
            Err(_) => {
                if let Ok(head) = serde_json::from_str::<Head<'_>>(text) {
                    if head.kind == "event" {
                        count_delivery(&mut tally, arrived);
                    }
                }
                return Seen::Other;
            }
        };
        match frame.kind.as_ref() {
            "event" => {
                count_delivery(&mut tally, arrived);
                let body = frame.body.and_then(|probe| probe.0);
                if let (Record::Latency, Some(body)) = (self.record, body) {
                    if tally.latencies.len() < MAX_RECORDED {
                        let nanos = arrived.saturating_sub(body.sent_ns);
                        let micros = u32::try_from(nanos / 1_000).unwrap_or(u32::MAX);
                        tally.latencies.push(Delivery {
                            event: body.i,
                            micros,
                        });
                    } else {
                        tally.unrecorded += 1;
                    }
                }
                Seen::Other
            }
            "subscribed" => Seen::Subscribed(frame.topic.unwrap_or_default().into_owned()),
            "presence" => {
                tally.presence += 1;
                Seen::Other
            }
            "resync" => {
                tally.resyncs += 1;
                Seen::Other
            }
            "error" => {
                tally.errors += 1;
                Seen::Refused(frame.reason.unwrap_or_default().into_owned())
            }
            _ => Seen::Other,
        }
    }

    /// A socket is open (or open again).
    pub fn opened(&self) {
        self.tally().open += 1;
    }

    /// A socket was closed on purpose.
    pub fn closed(&self) {
        let mut tally = self.tally();
        tally.open = tally.open.saturating_sub(1);
    }

    /// A socket was closed by the server or dropped, unasked.
    pub fn dropped(&self, why: String) {
        let mut tally = self.tally();
        tally.open = tally.open.saturating_sub(1);
        tally.dropped += 1;
        if tally.first_drop.is_none() {
            tally.first_drop = Some(why);
        }
    }

    /// Forgets the deliveries so far (the other counters run on).
    pub fn reset(&self) {
        let mut tally = self.tally();
        tally.deliveries = 0;
        tally.first_ns = 0;
        tally.last_ns = 0;
        tally.latencies = Vec::new();
        tally.unrecorded = 0;
    }

    /// A copy of the tally; the recorded deliveries only when asked for.
    pub fn report(&self, latencies: bool) -> Tally {
        let mut tally = self.tally();
        // Set aside while cloning, so a report without latencies does not copy them.
        let recorded = std::mem::take(&mut tally.latencies);
        let mut copy = tally.clone();
        if latencies {
            copy.latencies = recorded.clone();
        }
        tally.latencies = recorded;
        copy
    }
}

fn count_delivery(tally: &mut Tally, arrived: u64) {
    tally.deliveries += 1;
    if tally.first_ns == 0 {
        tally.first_ns = arrived;
    }
    tally.last_ns = arrived;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_from_a_benchmark_records_its_latency() {
        let recorder = Recorder::new(Record::Latency);
        let sent = super::super::protocol::unix_nanos();
        let frame = format!(
            r#"{{"type":"event","topic":"tenant:1.","epoch":1,"seq":2,"body":{{"i":7,"sent_ns":{sent}}}}}"#
        );
        assert_eq!(recorder.frame(&frame), Seen::Other);
        let tally = recorder.report(true);
        assert_eq!(tally.deliveries, 1);
        assert_eq!(tally.latencies.len(), 1);
        assert_eq!(tally.latencies.first().map(|d| d.event), Some(7));
    }

    #[test]
    fn an_application_event_is_counted_without_a_latency() {
        let recorder = Recorder::new(Record::Latency);
        let frame =
            r#"{"type":"event","topic":"case:1","epoch":1,"seq":2,"body":{"fragments":{}}}"#;
        recorder.frame(frame);
        let other = r#"{"type":"event","topic":"case:1","epoch":1,"seq":3,"body":[1,2]}"#;
        recorder.frame(other);
        let text = r#"{"type":"event","topic":"case:1","epoch":1,"seq":4,"body":"x"}"#;
        recorder.frame(text);
        let tally = recorder.report(true);
        assert_eq!((tally.deliveries, tally.latencies.len()), (3, 0));
    }

    #[test]
    fn subscribed_and_error_frames_are_told_apart() {
        let recorder = Recorder::new(Record::Count);
        assert_eq!(
            recorder.frame(r#"{"type":"subscribed","topic":"user:3","epoch":1,"seq":0}"#),
            Seen::Subscribed("user:3".to_owned())
        );
        assert_eq!(
            recorder.frame(r#"{"type":"error","reason":"not allowed","topic":"user:4"}"#),
            Seen::Refused("not allowed".to_owned())
        );
        recorder.frame(r#"{"type":"presence","topic":"tenant:1.","users":[],"joined":[],"left":[],"changed":[]}"#);
        let tally = recorder.report(false);
        assert_eq!((tally.frames, tally.presence, tally.errors), (3, 1, 1));
    }

    #[test]
    fn a_reset_forgets_deliveries_only() {
        let recorder = Recorder::new(Record::Count);
        recorder.opened();
        recorder.frame(r#"{"type":"event","topic":"t","epoch":1,"seq":1,"body":null}"#);
        recorder.reset();
        let tally = recorder.report(false);
        assert_eq!((tally.open, tally.frames, tally.deliveries), (1, 1, 0));
    }
}
