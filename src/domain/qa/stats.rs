//! The QA performance figures managers watch: decisions per day, the median time an entry
//! waits in each queue, and why cases were returned. Pure: it counts the rows it is given.

use super::queue::Queue;
use std::collections::BTreeMap;
use time::{Date, Duration, OffsetDateTime};

/// A decided entry.
#[derive(Debug, Clone)]
pub struct Decided {
    /// Its queue.
    pub queue: Queue,
    /// `accept`, `return`, `escalate`.
    pub outcome: String,
    /// When it arrived.
    pub created_at: OffsetDateTime,
    /// When it was decided.
    pub completed_at: OffsetDateTime,
    /// The picklist reason of an authority return.
    pub return_reason: Option<String>,
}

/// The figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Performance {
    /// Decisions per day, oldest first, every day of the window (zero days included).
    pub per_day: Vec<(Date, u32)>,
    /// Median minutes from arrival to decision, per queue that decided anything.
    pub median_minutes: Vec<(Queue, i64)>,
    /// Returns by reason, most first ("No reason given" for provider QA and QA1 returns).
    pub returns_by_reason: Vec<(String, u32)>,
}

/// The median of `values` (the lower middle of an even count); `None` when empty.
fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    Some(values[(values.len() - 1) / 2])
}

/// Counts the decisions made in the `days` days up to and including `today`.
pub fn summarise(decided: &[Decided], today: Date, days: u16) -> Performance {
    let first = today - Duration::days(i64::from(days.max(1)) - 1);
    let window: Vec<&Decided> = decided
        .iter()
        .filter(|d| d.completed_at.date() >= first && d.completed_at.date() <= today)
        .collect();
    let mut per_day: BTreeMap<Date, u32> = (0..i64::from(days.max(1)))
        .map(|n| (first + Duration::days(n), 0))
        .collect();
    for d in &window {
        *per_day.entry(d.completed_at.date()).or_default() += 1;
    }
    let median_minutes = Queue::ALL
        .into_iter()
        .filter_map(|queue| {
            let waits = window
                .iter()
                .filter(|d| d.queue == queue)
                .map(|d| (d.completed_at - d.created_at).whole_minutes())
                .collect();
            median(waits).map(|m| (queue, m))
        })
        .collect();
    let mut reasons: BTreeMap<String, u32> = BTreeMap::new();
    for d in window.iter().filter(|d| d.outcome == "return") {
        let reason = d
            .return_reason
            .clone()
            .unwrap_or_else(|| "No reason given".to_owned());
        *reasons.entry(reason).or_default() += 1;
    }
    let mut returns_by_reason: Vec<(String, u32)> = reasons.into_iter().collect();
    returns_by_reason.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Performance {
        per_day: per_day.into_iter().collect(),
        median_minutes,
        returns_by_reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn decided(queue: Queue, outcome: &str, minutes: i64, at: OffsetDateTime) -> Decided {
        Decided {
            queue,
            outcome: outcome.to_owned(),
            created_at: at - Duration::minutes(minutes),
            completed_at: at,
            return_reason: None,
        }
    }

    #[test]
    fn decisions_are_counted_per_day_with_empty_days_shown() {
        let today = datetime!(2026-11-23 12:00 UTC);
        let rows = [
            decided(Queue::Pqa, "accept", 10, today),
            decided(Queue::Qa1, "accept", 10, today),
            decided(Queue::Qa1, "accept", 10, today - Duration::days(2)),
            // Outside the window.
            decided(Queue::Qa1, "accept", 10, today - Duration::days(9)),
        ];
        let p = summarise(&rows, today.date(), 3);
        assert_eq!(
            p.per_day.iter().map(|(_, n)| *n).collect::<Vec<_>>(),
            [1, 0, 2]
        );
    }

    #[test]
    fn the_median_wait_is_per_queue_and_returns_are_grouped_by_reason() {
        let at = datetime!(2026-11-23 12:00 UTC);
        let mut rows = vec![
            decided(Queue::Qa1, "accept", 30, at),
            decided(Queue::Qa1, "return", 60, at),
            decided(Queue::Qa1, "accept", 600, at),
            decided(Queue::Pqa, "return", 5, at),
        ];
        let mut authority = decided(Queue::Qa2, "return", 90, at);
        authority.return_reason = Some("Ineligible Claim".into());
        rows.push(authority);
        let p = summarise(&rows, at.date(), 7);
        assert_eq!(
            p.median_minutes,
            [(Queue::Pqa, 5), (Queue::Qa1, 60), (Queue::Qa2, 90)]
        );
        assert_eq!(
            p.returns_by_reason,
            [
                ("No reason given".to_owned(), 2),
                ("Ineligible Claim".to_owned(), 1)
            ]
        );
    }
}
