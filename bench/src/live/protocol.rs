//! The line protocol between the benchmark and its client worker processes: one JSON command
//! per line on the worker's stdin, one JSON reply per line on its stdout. The worker prints
//! nothing else to stdout.

use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;
use std::time::{SystemTime, UNIX_EPOCH};

/// The body of every event the benchmarks publish. The server embeds it as the event frame's
/// `body`; a client subtracts `sent_ns` from its arrival time. Publisher and clients run on the
/// same machine, so both read the same clock (CLOCK_REALTIME).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct EventBody {
    /// The event's number within the run.
    pub i: u32,
    /// When the publisher called `publish`, in Unix nanoseconds.
    pub sent_ns: u64,
}

/// Now, in nanoseconds since the Unix epoch (CLOCK_REALTIME, the clock every process shares).
pub fn unix_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|since| u64::try_from(since.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// What the benchmark asks a worker to do.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    /// Open every socket of the plan and subscribe each to its topics. Replies [`Reply::Ready`]
    /// once every socket has been answered `subscribed` on all its topics, or has failed.
    Open(Plan),
    /// Every socket closes and connects again, re-subscribing. Replies [`Reply::Ready`].
    Churn,
    /// Forget the deliveries counted so far. Replies [`Reply::Done`].
    Reset,
    /// Replies [`Reply::Report`]; with `latencies`, every recorded delivery too.
    Report {
        /// Include the recorded deliveries.
        latencies: bool,
    },
    /// Close every socket. Replies [`Reply::Done`], then the worker exits.
    Close,
}

/// The sockets one worker holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Plan {
    /// The loopback address its sockets connect from.
    pub source: Ipv4Addr,
    /// Sockets, in groups that share a server, a cookie and topics.
    pub groups: Vec<Group>,
    /// Sockets connecting at once.
    pub concurrency: usize,
    /// What to record of each event.
    pub record: Record,
    /// Give up on one socket's connect-and-subscribe after this long.
    pub open_timeout_ms: u64,
}

/// Sockets alike: same server, same cookie, same topics.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Group {
    /// The server's port on 127.0.0.1.
    pub port: u16,
    /// The `cats_session` cookie's value.
    pub cookie: String,
    /// Topics each socket subscribes to.
    pub topics: Vec<String>,
    /// How many sockets.
    pub sockets: usize,
}

/// What a worker records of each event frame.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    /// Count deliveries, and the first and last arrival times.
    Count,
    /// Also keep each delivery's event number and latency (from the `sent_ns` in its body).
    Latency,
}

/// A worker's answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Reply {
    /// Sockets opened (or re-opened) and subscribed.
    Ready(Ready),
    /// Done.
    Done,
    /// What arrived so far.
    Report(Tally),
    /// The command could not be carried out.
    Failed {
        /// Why.
        error: String,
    },
}

/// The outcome of opening sockets.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Ready {
    /// Sockets open and subscribed to all their topics.
    pub subscribed: usize,
    /// Sockets that failed (refused, closed, timed out).
    pub failed: usize,
    /// Sockets that had not answered when the worker stopped waiting.
    pub missing: usize,
    /// From the command to the last socket's answer, in milliseconds.
    pub took_ms: f64,
    /// The first failure, to quote.
    pub first_error: Option<String>,
}

impl Ready {
    /// Two lines at most for the report: how many, how fast, and the first failure.
    pub fn describe(&self, what: &str) -> String {
        let seconds = self.took_ms / 1000.0;
        // usize → f64 is exact for any socket count.
        let rate = self.subscribed as f64 / seconds.max(1e-3);
        let mut text = format!(
            "{what} {} sockets in {seconds:.1} s ({rate:.0}/s); {} failed, {} unanswered",
            self.subscribed, self.failed, self.missing
        );
        if let Some(error) = &self.first_error {
            text.push_str(&format!("\n  first failure: {error}"));
        }
        text
    }

    /// True when every socket subscribed.
    pub fn complete(&self) -> bool {
        self.failed == 0 && self.missing == 0
    }

    /// Adds another worker's outcome (they worked at the same time: the slowest one counts).
    pub fn merge(&mut self, other: Ready) {
        self.subscribed += other.subscribed;
        self.failed += other.failed;
        self.missing += other.missing;
        self.took_ms = self.took_ms.max(other.took_ms);
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// One recorded delivery.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Delivery {
    /// The event's number (`i` in its body).
    pub event: u32,
    /// From `sent_ns` to arrival, in microseconds.
    pub micros: u32,
}

/// What arrived on a worker's sockets.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tally {
    /// Sockets open now.
    pub open: usize,
    /// Text frames of any type since the sockets opened.
    pub frames: u64,
    /// `presence` frames since the sockets opened.
    pub presence: u64,
    /// `resync` frames since the sockets opened (a slow socket's queue was dropped).
    pub resyncs: u64,
    /// `error` frames since the sockets opened.
    pub errors: u64,
    /// Sockets the server closed, or that dropped, without being asked to.
    pub dropped: u64,
    /// The first such close, to quote.
    pub first_drop: Option<String>,
    /// `event` frames since the last reset.
    pub deliveries: u64,
    /// Arrival of the first event since the last reset (Unix nanoseconds; 0 for none).
    pub first_ns: u64,
    /// Arrival of the last event since the last reset (Unix nanoseconds; 0 for none).
    pub last_ns: u64,
    /// Deliveries recorded (with [`Record::Latency`], when asked for).
    pub latencies: Vec<Delivery>,
    /// Deliveries not recorded because the record was full.
    pub unrecorded: u64,
}

impl Tally {
    /// One line on what the sockets saw besides events, for the report.
    pub fn summary(&self) -> String {
        let mut text = format!(
            "{} sockets open; {} frames: {} presence, {} resync, {} error; {} dropped",
            self.open, self.frames, self.presence, self.resyncs, self.errors, self.dropped
        );
        if let Some(first) = &self.first_drop {
            text.push_str(&format!(" (first: {first})"));
        }
        text
    }

    /// Adds another worker's tally.
    pub fn merge(&mut self, other: Tally) {
        self.open += other.open;
        self.frames += other.frames;
        self.presence += other.presence;
        self.resyncs += other.resyncs;
        self.errors += other.errors;
        self.dropped += other.dropped;
        if self.first_drop.is_none() {
            self.first_drop = other.first_drop;
        }
        self.deliveries += other.deliveries;
        self.first_ns = match (self.first_ns, other.first_ns) {
            (0, other) => other,
            (mine, 0) => mine,
            (mine, other) => mine.min(other),
        };
        self.last_ns = self.last_ns.max(other.last_ns);
        self.latencies.extend(other.latencies);
        self.unrecorded += other.unrecorded;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_travel_as_one_json_line() {
        let line = serde_json::to_string(&Command::Report { latencies: true }).ok();
        assert_eq!(
            line.as_deref(),
            Some(r#"{"command":"report","latencies":true}"#)
        );
        let back: Option<Command> = line.and_then(|line| serde_json::from_str(&line).ok());
        assert!(matches!(back, Some(Command::Report { latencies: true })));
    }

    #[test]
    fn merged_tallies_add_counts_and_widen_the_arrival_window() {
        let mut total = Tally {
            deliveries: 2,
            first_ns: 0,
            last_ns: 0,
            ..Tally::default()
        };
        total.merge(Tally {
            deliveries: 3,
            first_ns: 50,
            last_ns: 90,
            ..Tally::default()
        });
        total.merge(Tally {
            deliveries: 1,
            first_ns: 40,
            last_ns: 60,
            ..Tally::default()
        });
        assert_eq!(
            (total.deliveries, total.first_ns, total.last_ns),
            (6, 40, 90)
        );
    }
}
