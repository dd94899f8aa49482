//! A topic's bounded history: the last events, kept by count and by age, so a subscriber that
//! comes back with its last position gets exactly what it missed, or is told to resync.

use crate::position::Position;
use bytes::Bytes;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// One event as kept: its number and the encoded frame every subscriber receives.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Its sequence number (within the history's epoch).
    pub seq: u64,
    /// The encoded frame, shared by every subscriber.
    pub frame: Bytes,
    /// When it arrived, for the age limit.
    pub at: Instant,
}

/// What a subscriber coming back from a position gets.
#[derive(Debug, Clone, PartialEq)]
pub enum Recovery {
    /// Exactly the events after the position, in order (possibly none).
    Events(Vec<Bytes>),
    /// The missed events cannot be replayed: re-fetch the state.
    Resync,
}

/// Limits of a history.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most events kept.
    pub max_events: usize,
    /// Oldest event kept.
    pub max_age: Duration,
}

/// The bounded history of one topic on one instance.
#[derive(Debug)]
pub struct History {
    epoch: u64,
    last_seq: u64,
    events: VecDeque<Stored>,
    limits: Limits,
}

impl History {
    /// An empty history that starts after `position`.
    pub fn starting_at(position: Position, limits: Limits) -> Self {
        Self {
            epoch: position.epoch,
            last_seq: position.seq,
            events: VecDeque::new(),
            limits,
        }
    }

    /// The position of the last event.
    pub fn position(&self) -> Position {
        Position::new(self.epoch, self.last_seq)
    }

    /// Adds the next event. Returns false (and keeps nothing) when it is not the next in
    /// sequence, so the caller can recover the gap or resync.
    pub fn push(&mut self, position: Position, frame: Bytes, now: Instant) -> bool {
        if position.epoch != self.epoch || position.seq != self.last_seq + 1 {
            return false;
        }
        self.last_seq = position.seq;
        self.events.push_back(Stored {
            seq: position.seq,
            frame,
            at: now,
        });
        self.trim(now);
        true
    }

    /// Starts again at a new position, forgetting everything (after a lost epoch).
    pub fn restart(&mut self, position: Position) {
        self.epoch = position.epoch;
        self.last_seq = position.seq;
        self.events.clear();
    }

    /// Drops events beyond the count or age limit.
    pub fn trim(&mut self, now: Instant) {
        while self.events.len() > self.limits.max_events {
            self.events.pop_front();
        }
        while self
            .events
            .front()
            .is_some_and(|e| now.duration_since(e.at) > self.limits.max_age)
        {
            self.events.pop_front();
        }
    }

    /// What a subscriber whose last position is `since` missed.
    pub fn since(&self, since: Position, now: Instant) -> Recovery {
        if since.epoch != self.epoch || since.seq > self.last_seq {
            return Recovery::Resync;
        }
        if since.seq == self.last_seq {
            return Recovery::Events(Vec::new());
        }
        let fresh = |e: &&Stored| now.duration_since(e.at) <= self.limits.max_age;
        let kept: Vec<&Stored> = self
            .events
            .iter()
            .filter(|e| e.seq > since.seq)
            .filter(fresh)
            .collect();
        // Complete only if the first kept event is the one right after `since`.
        match kept.first() {
            Some(first)
                if first.seq == since.seq + 1 && kept.len() as u64 == self.last_seq - since.seq =>
            {
                Recovery::Events(kept.into_iter().map(|e| e.frame.clone()).collect())
            }
            _ => Recovery::Resync,
        }
    }

    /// How many events are held.
    pub fn len(&self) -> usize {
        self.events.len()
    }

    /// True when none are held.
    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_events: usize) -> Limits {
        Limits {
            max_events,
            max_age: Duration::from_secs(60),
        }
    }

    fn frame(n: u64) -> Bytes {
        Bytes::from(format!("event {n}"))
    }

    fn filled(count: u64, max: usize) -> (History, Instant) {
        let now = Instant::now();
        let mut history = History::starting_at(Position::new(9, 0), limits(max));
        for seq in 1..=count {
            assert!(history.push(Position::new(9, seq), frame(seq), now));
        }
        (history, now)
    }

    #[test]
    fn replays_exactly_the_missed_events_in_order() {
        let (history, now) = filled(10, 100);
        assert_eq!(
            history.since(Position::new(9, 7), now),
            Recovery::Events(vec![frame(8), frame(9), frame(10)])
        );
        assert_eq!(
            history.since(Position::new(9, 10), now),
            Recovery::Events(vec![])
        );
    }

    #[test]
    fn a_gap_beyond_the_history_is_a_resync() {
        let (history, now) = filled(10, 3);
        assert_eq!(history.len(), 3);
        assert_eq!(
            history.since(Position::new(9, 7), now),
            Recovery::Events(vec![frame(8), frame(9), frame(10)])
        );
        assert_eq!(history.since(Position::new(9, 6), now), Recovery::Resync);
    }

    #[test]
    fn another_epoch_or_a_future_position_is_a_resync() {
        let (history, now) = filled(3, 10);
        assert_eq!(history.since(Position::new(8, 2), now), Recovery::Resync);
        assert_eq!(history.since(Position::new(9, 4), now), Recovery::Resync);
    }

    #[test]
    fn events_older_than_the_age_limit_are_not_replayed() {
        let start = Instant::now();
        let mut history = History::starting_at(
            Position::new(1, 0),
            Limits {
                max_events: 10,
                max_age: Duration::from_secs(5),
            },
        );
        history.push(Position::new(1, 1), frame(1), start);
        history.push(
            Position::new(1, 2),
            frame(2),
            start + Duration::from_secs(4),
        );
        let later = start + Duration::from_secs(6);
        assert_eq!(
            history.since(Position::new(1, 1), later),
            Recovery::Events(vec![frame(2)])
        );
        assert_eq!(history.since(Position::new(1, 0), later), Recovery::Resync);
    }

    #[test]
    fn out_of_sequence_events_are_refused() {
        let (mut history, now) = filled(2, 10);
        assert!(!history.push(Position::new(9, 4), frame(4), now));
        assert!(!history.push(Position::new(8, 3), frame(3), now));
        assert_eq!(history.position(), Position::new(9, 2));
    }
}
