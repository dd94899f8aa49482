//! The enrolment payment (DOMAIN.md §7 and §11 "Payment row attribution"): raised by a
//! QA2 or escalation accept. A row exists only for a case that was ever Approved; the first
//! such row of a participant is eligible, every later one is "Already paid". Contract and
//! location are the enrolment location's; the worker and tenant are the latest provider QA
//! entry's; the row carries the approval date and no payment period.
//!
//! The payments workflow applies these rules to whole batches in one SQL statement (see
//! `store::payments`); the integration tests check that its rows match `decide`.

use super::{Eligibility, IneligibilityReason};
use crate::domain::location::LocationType;

/// What is known about the case when its approval event is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnrolmentFacts {
    /// The case has at least one Approved enrolment-history row.
    pub ever_approved: bool,
    /// An eligible enrolment row already exists for the participant (or an earlier event of
    /// the same batch makes one).
    pub earlier_eligible_row: bool,
}

/// What handling an approval event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// No row at all: the case was never Approved.
    NoRow,
    /// A row with this eligibility.
    Row(Eligibility),
}

/// Decides an approval event, checks in DOMAIN.md §7 order: never approved → no row (the
/// original raises none rather than a "not yet approved" line); one eligible row per
/// participant ever, else "Already paid".
pub fn decide(facts: EnrolmentFacts) -> Decision {
    if !facts.ever_approved {
        return Decision::NoRow;
    }
    if facts.earlier_eligible_row {
        return Decision::Row(Eligibility::Ineligible(IneligibilityReason::AlreadyPaid));
    }
    Decision::Row(Eligibility::Eligible)
}

/// Custody or community, as enrolment rows are counted against contract targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// A custody location type.
    Custody,
    /// A community location type (hubs and satellites included).
    Community,
}

impl Setting {
    /// The name shown and exported.
    pub fn name(self) -> &'static str {
        match self {
            Setting::Custody => "Custody",
            Setting::Community => "Community",
        }
    }
}

/// The setting of an enrolment location type; none for the Unknown location.
pub fn setting_of(location_type: LocationType) -> Option<Setting> {
    if location_type.is_custody() {
        Some(Setting::Custody)
    } else if location_type.is_community() {
        Some(Setting::Community)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(ever_approved: bool, earlier_eligible_row: bool) -> EnrolmentFacts {
        EnrolmentFacts {
            ever_approved,
            earlier_eligible_row,
        }
    }

    #[test]
    fn a_case_never_approved_raises_no_row() {
        assert_eq!(decide(facts(false, false)), Decision::NoRow);
        // Not even when an earlier row exists: the approval check comes first.
        assert_eq!(decide(facts(false, true)), Decision::NoRow);
    }

    #[test]
    fn the_first_approval_is_eligible() {
        assert_eq!(
            decide(facts(true, false)),
            Decision::Row(Eligibility::Eligible)
        );
    }

    #[test]
    fn a_later_approval_is_already_paid() {
        let decision = decide(facts(true, true));
        assert_eq!(
            decision,
            Decision::Row(Eligibility::Ineligible(IneligibilityReason::AlreadyPaid))
        );
        let Decision::Row(eligibility) = decision else {
            panic!("a row is raised");
        };
        assert_eq!(
            eligibility.reason().map(IneligibilityReason::text),
            Some("Already paid")
        );
    }

    #[test]
    fn custody_and_community_follow_the_location_type() {
        for custody in [
            LocationType::Wing,
            LocationType::Feeder,
            LocationType::Outlying,
            LocationType::Female,
            LocationType::UnmappedCustody,
        ] {
            assert_eq!(setting_of(custody), Some(Setting::Custody), "{custody:?}");
        }
        for community in [
            LocationType::Community,
            LocationType::Hub,
            LocationType::Satellite,
            LocationType::UnmappedCommunity,
        ] {
            assert_eq!(
                setting_of(community),
                Some(Setting::Community),
                "{community:?}"
            );
        }
        assert_eq!(setting_of(LocationType::Unknown), None);
    }
}
