//! Who may decide an entry: the one who claimed it, never the case's support worker, and in
//! QA2 never the person whose QA1 decision created the entry. CATS-rs checks this when an entry
//! is taken and again when it is decided (the original only checked when taking).

use super::queue::Queue;

/// What the rules need to know about an entry.
#[derive(Debug, Clone, Copy)]
pub struct EntryFacts {
    /// The entry's queue.
    pub queue: Queue,
    /// The owner at submission.
    pub support_worker: i64,
    /// Who created the entry (for QA2: the QA1 reviewer).
    pub created_by: i64,
    /// Who has claimed it.
    pub claimed_by: Option<i64>,
    /// Whether it has been decided.
    pub completed: bool,
}

/// Why a reviewer may not decide an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReviewRefusal {
    /// Someone already decided it.
    #[error("This entry has already been decided by someone else")]
    AlreadyDecided,
    /// Not claimed by this reviewer.
    #[error("Take this entry before you decide it")]
    NotClaimed,
    /// Claimed by someone else.
    #[error("Someone else is reviewing this entry")]
    ClaimedByOther,
    /// The reviewer is the case's support worker.
    #[error("You cannot review a case you submitted as its support worker")]
    OwnWork,
    /// A QA2 reviewer deciding an entry they created at QA1.
    #[error("You made the QA1 decision on this case, so someone else must do QA2")]
    OwnQa1,
}

/// Whether `reviewer` may take the entry (it is open and theirs to take).
pub fn may_take(entry: &EntryFacts, reviewer: i64) -> Result<(), ReviewRefusal> {
    if entry.completed {
        return Err(ReviewRefusal::AlreadyDecided);
    }
    if entry.support_worker == reviewer {
        return Err(ReviewRefusal::OwnWork);
    }
    if entry.queue == Queue::Qa2 && entry.created_by == reviewer {
        return Err(ReviewRefusal::OwnQa1);
    }
    match entry.claimed_by {
        Some(other) if other != reviewer => Err(ReviewRefusal::ClaimedByOther),
        _ => Ok(()),
    }
}

/// Whether `reviewer` may decide the entry now: every rule of taking, and it is theirs.
pub fn may_decide(entry: &EntryFacts, reviewer: i64) -> Result<(), ReviewRefusal> {
    may_take(entry, reviewer)?;
    if entry.claimed_by != Some(reviewer) {
        return Err(ReviewRefusal::NotClaimed);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(queue: Queue) -> EntryFacts {
        EntryFacts {
            queue,
            support_worker: 1,
            created_by: 2,
            claimed_by: None,
            completed: false,
        }
    }

    #[test]
    fn a_qa2_reviewer_may_neither_take_nor_decide_their_own_qa1() {
        let mut qa2 = entry(Queue::Qa2);
        assert_eq!(may_take(&qa2, 2), Err(ReviewRefusal::OwnQa1));
        qa2.claimed_by = Some(2);
        assert_eq!(may_decide(&qa2, 2), Err(ReviewRefusal::OwnQa1));
        // In QA1 the creator (the PQA reviewer) is not excluded by this rule.
        let mut qa1 = entry(Queue::Qa1);
        qa1.claimed_by = Some(2);
        assert_eq!(may_decide(&qa1, 2), Ok(()));
    }

    #[test]
    fn the_support_worker_never_reviews_their_own_case() {
        for queue in Queue::ALL {
            let mut e = entry(queue);
            assert_eq!(may_take(&e, 1), Err(ReviewRefusal::OwnWork));
            e.claimed_by = Some(1);
            assert_eq!(may_decide(&e, 1), Err(ReviewRefusal::OwnWork));
        }
    }

    #[test]
    fn only_the_claimant_decides_an_open_entry() {
        let mut e = entry(Queue::Pqa);
        assert_eq!(may_decide(&e, 3), Err(ReviewRefusal::NotClaimed));
        e.claimed_by = Some(4);
        assert_eq!(may_take(&e, 3), Err(ReviewRefusal::ClaimedByOther));
        assert_eq!(may_decide(&e, 3), Err(ReviewRefusal::ClaimedByOther));
        assert_eq!(may_decide(&e, 4), Ok(()));
        e.completed = true;
        assert_eq!(may_decide(&e, 4), Err(ReviewRefusal::AlreadyDecided));
    }
}
