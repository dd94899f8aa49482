//! Why a case is archived or unarchived (the original's display texts), and the free text that
//! must go with them.

/// Longest justification or further information accepted.
pub const MAX_REASON_TEXT: usize = 1000;

/// Why a case is archived. Only "Other" needs a justification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArchiveReason {
    /// "Caseload for this location is too high"
    CaseloadTooHigh,
    /// "Deceased"
    Deceased,
    /// "Licence end date reached" (also the nightly auto-archive's reason)
    LicenceEndDateReached,
    /// "Moved outside of provider delivery catchment area"
    MovedOutsideCatchment,
    /// "Moved to non-CFO location"
    MovedToNonCfoLocation,
    /// "No further support required"
    NoFurtherSupportRequired,
    /// "No supporting right to live / work documentation"
    NoRightToWorkDocumentation,
    /// "Participant has stated they do not wish to participate"
    DoesNotWishToParticipate,
    /// "Participant is no longer engaging with provision"
    NoLongerEngaging,
    /// "Personal circumstances"
    PersonalCircumstances,
    /// "Other" (justified)
    Other,
}

impl ArchiveReason {
    /// Every reason, in the original's order.
    pub const ALL: [ArchiveReason; 11] = [
        ArchiveReason::CaseloadTooHigh,
        ArchiveReason::Deceased,
        ArchiveReason::LicenceEndDateReached,
        ArchiveReason::MovedOutsideCatchment,
        ArchiveReason::MovedToNonCfoLocation,
        ArchiveReason::NoFurtherSupportRequired,
        ArchiveReason::NoRightToWorkDocumentation,
        ArchiveReason::DoesNotWishToParticipate,
        ArchiveReason::NoLongerEngaging,
        ArchiveReason::PersonalCircumstances,
        ArchiveReason::Other,
    ];

    /// The stored value (the original's).
    pub fn value(self) -> i64 {
        ArchiveReason::ALL
            .iter()
            .position(|r| *r == self)
            .unwrap_or(0) as i64
    }

    /// The reason with a stored value.
    pub fn from_value(value: i64) -> Option<ArchiveReason> {
        usize::try_from(value)
            .ok()
            .and_then(|i| ArchiveReason::ALL.get(i).copied())
    }

    /// The text people see.
    pub fn display_name(self) -> &'static str {
        match self {
            ArchiveReason::CaseloadTooHigh => "Caseload for this location is too high",
            ArchiveReason::Deceased => "Deceased",
            ArchiveReason::LicenceEndDateReached => "Licence end date reached",
            ArchiveReason::MovedOutsideCatchment => {
                "Moved outside of provider delivery catchment area"
            }
            ArchiveReason::MovedToNonCfoLocation => "Moved to non-CFO location",
            ArchiveReason::NoFurtherSupportRequired => "No further support required",
            ArchiveReason::NoRightToWorkDocumentation => {
                "No supporting right to live / work documentation"
            }
            ArchiveReason::DoesNotWishToParticipate => {
                "Participant has stated they do not wish to participate"
            }
            ArchiveReason::NoLongerEngaging => "Participant is no longer engaging with provision",
            ArchiveReason::PersonalCircumstances => "Personal circumstances",
            ArchiveReason::Other => "Other",
        }
    }

    /// Only "Other" must be explained.
    pub fn needs_justification(self) -> bool {
        self == ArchiveReason::Other
    }

    /// Whether a person may choose it: "Licence end date reached" is the nightly job's.
    pub fn chosen_by_people(self) -> bool {
        self != ArchiveReason::LicenceEndDateReached
    }
}

/// Why a case is unarchived. Every reason needs further information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnarchiveReason {
    /// "Provider caseload now at a manageable level"
    CaseloadManageable,
    /// "Participant is serving a new sentence"
    NewSentence,
    /// "Participant moved back into provider catchment area"
    MovedBackIntoCatchment,
    /// "Participant moved back to CFO location"
    MovedBackToCfoLocation,
    /// "Participant requested further support"
    RequestedFurtherSupport,
    /// "RTW documentation now available"
    RightToWorkNowAvailable,
    /// "Participant would like to re-establish support"
    ReestablishSupport,
    /// "Participant has re-engaged"
    ReEngaged,
    /// "Change in participants personal circumstances"
    ChangeInCircumstances,
    /// "Archived in error"
    ArchivedInError,
    /// "Other"
    Other,
}

impl UnarchiveReason {
    /// Every reason, in the original's order.
    pub const ALL: [UnarchiveReason; 11] = [
        UnarchiveReason::CaseloadManageable,
        UnarchiveReason::NewSentence,
        UnarchiveReason::MovedBackIntoCatchment,
        UnarchiveReason::MovedBackToCfoLocation,
        UnarchiveReason::RequestedFurtherSupport,
        UnarchiveReason::RightToWorkNowAvailable,
        UnarchiveReason::ReestablishSupport,
        UnarchiveReason::ReEngaged,
        UnarchiveReason::ChangeInCircumstances,
        UnarchiveReason::ArchivedInError,
        UnarchiveReason::Other,
    ];

    /// The stored value (the original's).
    pub fn value(self) -> i64 {
        UnarchiveReason::ALL
            .iter()
            .position(|r| *r == self)
            .unwrap_or(0) as i64
    }

    /// The reason with a stored value.
    pub fn from_value(value: i64) -> Option<UnarchiveReason> {
        usize::try_from(value)
            .ok()
            .and_then(|i| UnarchiveReason::ALL.get(i).copied())
    }

    /// The text people see.
    pub fn display_name(self) -> &'static str {
        match self {
            UnarchiveReason::CaseloadManageable => "Provider caseload now at a manageable level",
            UnarchiveReason::NewSentence => "Participant is serving a new sentence",
            UnarchiveReason::MovedBackIntoCatchment => {
                "Participant moved back into provider catchment area"
            }
            UnarchiveReason::MovedBackToCfoLocation => "Participant moved back to CFO location",
            UnarchiveReason::RequestedFurtherSupport => "Participant requested further support",
            UnarchiveReason::RightToWorkNowAvailable => "RTW documentation now available",
            UnarchiveReason::ReestablishSupport => "Participant would like to re-establish support",
            UnarchiveReason::ReEngaged => "Participant has re-engaged",
            UnarchiveReason::ChangeInCircumstances => {
                "Change in participants personal circumstances"
            }
            UnarchiveReason::ArchivedInError => "Archived in error",
            UnarchiveReason::Other => "Other",
        }
    }
}

/// Checks a required or optional explanation: trimmed, not blank when required, bounded.
pub fn check_text(text: Option<&str>, required: bool) -> Result<Option<String>, ReasonTextError> {
    let text = text.map(str::trim).filter(|t| !t.is_empty());
    match text {
        None if required => Err(ReasonTextError::Missing),
        None => Ok(None),
        Some(t) if t.chars().count() > MAX_REASON_TEXT => Err(ReasonTextError::TooLong),
        Some(t) => Ok(Some(t.to_owned())),
    }
}

/// What is wrong with an explanation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReasonTextError {
    /// Blank where it is required.
    #[error("Explain the reason")]
    Missing,
    /// Over 1000 characters.
    #[error("The explanation must be 1000 characters or fewer")]
    TooLong,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_nightly_job_archives_for_licence_end() {
        let offered: Vec<_> = ArchiveReason::ALL
            .into_iter()
            .filter(|r| r.chosen_by_people())
            .collect();
        assert_eq!(offered.len(), ArchiveReason::ALL.len() - 1);
        assert!(!offered.contains(&ArchiveReason::LicenceEndDateReached));
    }

    #[test]
    fn reason_values_round_trip() {
        for reason in ArchiveReason::ALL {
            assert_eq!(ArchiveReason::from_value(reason.value()), Some(reason));
        }
        for reason in UnarchiveReason::ALL {
            assert_eq!(UnarchiveReason::from_value(reason.value()), Some(reason));
        }
        assert_eq!(ArchiveReason::Other.value(), 10);
        assert_eq!(ArchiveReason::from_value(11), None);
    }

    #[test]
    fn only_other_archive_reason_needs_a_justification() {
        let justified: Vec<_> = ArchiveReason::ALL
            .into_iter()
            .filter(|r| r.needs_justification())
            .collect();
        assert_eq!(justified, [ArchiveReason::Other]);
    }

    #[test]
    fn explanations_are_trimmed_required_and_bounded() {
        assert_eq!(check_text(Some("  why "), true), Ok(Some("why".to_owned())));
        assert_eq!(check_text(Some("   "), true), Err(ReasonTextError::Missing));
        assert_eq!(check_text(None, false), Ok(None));
        assert_eq!(
            check_text(Some(&"x".repeat(1001)), false),
            Err(ReasonTextError::TooLong)
        );
    }
}
