//! Where a topic's stream stands: an epoch and a sequence number.
//!
//! Sequence numbers are assigned once, where an event is published, so every instance sees the
//! same numbers for the same events. The epoch names one unbroken run of numbers: when the
//! shared history is lost (a Redis restart, a topic idle past its time to live) numbering starts
//! again under a new epoch, and anyone holding a position from the old epoch must resync.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A position in a topic's stream: the last event seen (or `seq` 0 before the first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Position {
    /// Names one unbroken run of sequence numbers.
    pub epoch: u64,
    /// The number of the last event; events are numbered from 1.
    pub seq: u64,
}

impl Position {
    /// A position.
    pub fn new(epoch: u64, seq: u64) -> Self {
        Self { epoch, seq }
    }

    /// The position after one more event.
    pub fn next(self) -> Self {
        Self {
            epoch: self.epoch,
            seq: self.seq + 1,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.epoch, self.seq)
    }
}

/// A fresh random epoch (never 0, which marks "no position yet").
pub fn new_epoch() -> u64 {
    loop {
        let epoch = rand::random::<u64>() >> 11; // fits a JavaScript number exactly
        if epoch != 0 {
            return epoch;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epochs_are_nonzero_and_safe_in_javascript() {
        for _ in 0..1000 {
            let epoch = new_epoch();
            assert!(epoch > 0 && epoch < (1 << 53));
        }
    }

    #[test]
    fn next_keeps_the_epoch() {
        assert_eq!(Position::new(7, 3).next(), Position::new(7, 4));
    }
}
