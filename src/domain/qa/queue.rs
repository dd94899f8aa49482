//! The queues an enrolment passes through, and the permission each needs.

use crate::domain::permission::Permission;

/// A quality-assurance queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Queue {
    /// Provider QA: the provider checks its own submission first.
    Pqa,
    /// The first internal check.
    Qa1,
    /// The second internal check, by someone other than the QA1 reviewer.
    Qa2,
    /// Senior internal review of what QA2 escalated.
    Escalation,
}

impl Queue {
    /// Every queue, in the order a case passes through them.
    pub const ALL: [Queue; 4] = [Queue::Pqa, Queue::Qa1, Queue::Qa2, Queue::Escalation];

    /// The stored (and URL) value.
    pub fn as_str(self) -> &'static str {
        match self {
            Queue::Pqa => "pqa",
            Queue::Qa1 => "qa1",
            Queue::Qa2 => "qa2",
            Queue::Escalation => "escalation",
        }
    }

    /// Parses a stored or URL value.
    pub fn parse(value: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.as_str() == value)
    }

    /// The name people know it by.
    pub fn display_name(self) -> &'static str {
        match self {
            Queue::Pqa => "Provider QA",
            Queue::Qa1 => "QA1",
            Queue::Qa2 => "QA2",
            Queue::Escalation => "Escalation",
        }
    }

    /// The permission a reviewer needs to work the queue.
    pub fn permission(self) -> Permission {
        match self {
            Queue::Pqa => Permission::Pqa,
            Queue::Qa1 => Permission::Qa1,
            Queue::Qa2 => Permission::Qa2,
            // Senior Internal for enrolments and activities alike (DOMAIN.md §12).
            Queue::Escalation => Permission::SeniorInternal,
        }
    }

    /// QA1 and QA2 hand out work with "next"; PQA and escalation entries are opened from the
    /// list.
    pub fn takes_next(self) -> bool {
        matches!(self, Queue::Qa1 | Queue::Qa2)
    }

    /// Internal queues decide on a case already Submitted to Authority.
    pub fn is_internal(self) -> bool {
        !matches!(self, Queue::Pqa)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_values_round_trip_and_unknown_values_are_refused() {
        for queue in Queue::ALL {
            assert_eq!(Queue::parse(queue.as_str()), Some(queue));
        }
        assert_eq!(Queue::parse("QA1"), None);
        assert_eq!(Queue::parse(""), None);
    }

    #[test]
    fn escalation_needs_senior_internal_and_only_qa1_and_qa2_take_next() {
        assert_eq!(Queue::Escalation.permission(), Permission::SeniorInternal);
        assert_eq!(Queue::Pqa.permission(), Permission::Pqa);
        assert!(Queue::Qa1.takes_next() && Queue::Qa2.takes_next());
        assert!(!Queue::Pqa.takes_next() && !Queue::Escalation.takes_next());
    }
}
