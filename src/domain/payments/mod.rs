//! Payments (DOMAIN.md §7): the pure rules that decide whether a payable event raises a
//! ledger row and whether that row is eligible. A payment row is an eligibility line, never
//! an amount. Only enrolment is built so far.

pub mod enrolment;

/// Why a payment row is not eligible. The variants are declared in DOMAIN.md §7's check
/// order: a rule reports the first that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IneligibilityReason {
    /// No consent or no approval yet.
    NotYetApproved,
    /// The payable's limit was reached. Enrolment words it "Already paid", as the original.
    AlreadyPaid,
    /// The event took place before the consent date.
    BeforeConsent,
    /// Mandatory tasks are not done.
    MandatoryTasksNotCompleted,
    /// Mandatory tasks were not done within four weeks.
    NotCompletedWithinFourWeeks,
    /// The participant was never in the locations the payable needs.
    NeverInTheLocations,
    /// A reassessment within two months of the initial assessment.
    InitialAssessmentWithinTwoMonths,
}

impl IneligibilityReason {
    /// The reason as stored on the row and shown to Finance users.
    pub fn text(self) -> &'static str {
        match self {
            IneligibilityReason::NotYetApproved => {
                "The enrolment for this participant has not been approved yet."
            }
            IneligibilityReason::AlreadyPaid => "Already paid",
            IneligibilityReason::BeforeConsent => {
                "Events that take place before the consent date are not eligible for payment."
            }
            IneligibilityReason::MandatoryTasksNotCompleted => {
                "The mandatory tasks have not been completed"
            }
            IneligibilityReason::NotCompletedWithinFourWeeks => {
                "The mandatory tasks have not been completed within 4 weeks"
            }
            IneligibilityReason::NeverInTheLocations => {
                "The participant has never been in the specified locations"
            }
            IneligibilityReason::InitialAssessmentWithinTwoMonths => {
                "Reassessment took place within two months of initial assessment"
            }
        }
    }
}

/// Whether a row is payable, and if not, why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eligibility {
    /// Counts for payment.
    Eligible,
    /// Recorded, but not payable.
    Ineligible(IneligibilityReason),
}

impl Eligibility {
    /// Whether the row counts for payment.
    pub fn is_eligible(self) -> bool {
        matches!(self, Eligibility::Eligible)
    }

    /// The stored reason, for ineligible rows.
    pub fn reason(self) -> Option<IneligibilityReason> {
        match self {
            Eligibility::Eligible => None,
            Eligibility::Ineligible(reason) => Some(reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_declared_in_the_domain_check_order() {
        let mut reasons = [
            IneligibilityReason::InitialAssessmentWithinTwoMonths,
            IneligibilityReason::BeforeConsent,
            IneligibilityReason::NotYetApproved,
            IneligibilityReason::NeverInTheLocations,
            IneligibilityReason::AlreadyPaid,
            IneligibilityReason::NotCompletedWithinFourWeeks,
            IneligibilityReason::MandatoryTasksNotCompleted,
        ];
        reasons.sort();
        assert_eq!(
            reasons.map(IneligibilityReason::text)[..3],
            [
                "The enrolment for this participant has not been approved yet.",
                "Already paid",
                "Events that take place before the consent date are not eligible for payment.",
            ]
        );
        assert_eq!(
            reasons[6],
            IneligibilityReason::InitialAssessmentWithinTwoMonths
        );
    }

    #[test]
    fn only_ineligible_rows_carry_a_reason() {
        assert!(Eligibility::Eligible.is_eligible());
        assert_eq!(Eligibility::Eligible.reason(), None);
        let refused = Eligibility::Ineligible(IneligibilityReason::AlreadyPaid);
        assert!(!refused.is_eligible());
        assert_eq!(refused.reason(), Some(IneligibilityReason::AlreadyPaid));
    }
}
