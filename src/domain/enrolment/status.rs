//! Enrolment statuses (DOMAIN.md §2): their stored values, display order and names.

/// Where a participant's enrolment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EnrolmentStatus {
    /// Found in the feed and created; nothing done yet.
    Identified,
    /// The enrol wizard is under way.
    Enrolling,
    /// Waiting for provider QA.
    SubmittedToProvider,
    /// Waiting for internal QA (QA1, QA2, escalation).
    SubmittedToAuthority,
    /// Enrolment approved.
    Approved,
    /// Closed: read-only until unarchived.
    Archived,
    /// Suspended: read-only.
    Dormant,
}

impl EnrolmentStatus {
    /// Every status, in display order.
    pub const ALL: [EnrolmentStatus; 7] = [
        EnrolmentStatus::Identified,
        EnrolmentStatus::Enrolling,
        EnrolmentStatus::SubmittedToProvider,
        EnrolmentStatus::SubmittedToAuthority,
        EnrolmentStatus::Approved,
        EnrolmentStatus::Archived,
        EnrolmentStatus::Dormant,
    ];

    /// The value the original stores (kept so data can be compared and migrated).
    pub fn value(self) -> i64 {
        match self {
            EnrolmentStatus::Identified => 0,
            EnrolmentStatus::SubmittedToProvider => 1,
            EnrolmentStatus::SubmittedToAuthority => 2,
            EnrolmentStatus::Approved => 3,
            EnrolmentStatus::Archived => 4,
            EnrolmentStatus::Dormant => 5,
            EnrolmentStatus::Enrolling => 6,
        }
    }

    /// The status with a stored value.
    pub fn from_value(value: i64) -> Option<EnrolmentStatus> {
        EnrolmentStatus::ALL
            .into_iter()
            .find(|s| s.value() == value)
    }

    /// Position in lists and filters.
    pub fn order(self) -> usize {
        EnrolmentStatus::ALL
            .iter()
            .position(|s| *s == self)
            .unwrap_or(0)
    }

    /// The name people see.
    pub fn display_name(self) -> &'static str {
        match self {
            EnrolmentStatus::Identified => "Identified",
            EnrolmentStatus::Enrolling => "Enrolling",
            EnrolmentStatus::SubmittedToProvider => "Submitted to Provider",
            EnrolmentStatus::SubmittedToAuthority => "Submitted to Authority",
            EnrolmentStatus::Approved => "Approved",
            EnrolmentStatus::Archived => "Archived",
            EnrolmentStatus::Dormant => "Dormant",
        }
    }

    /// Active cases can be worked on; Archived and Dormant ones are read-only.
    pub fn is_active(self) -> bool {
        !matches!(self, EnrolmentStatus::Archived | EnrolmentStatus::Dormant)
    }

    /// In a QA queue (provider or authority).
    pub fn is_in_qa(self) -> bool {
        matches!(
            self,
            EnrolmentStatus::SubmittedToProvider | EnrolmentStatus::SubmittedToAuthority
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_order_follow_the_original() {
        let values: Vec<i64> = EnrolmentStatus::ALL.iter().map(|s| s.value()).collect();
        assert_eq!(values, [0, 6, 1, 2, 3, 4, 5]);
        for status in EnrolmentStatus::ALL {
            assert_eq!(EnrolmentStatus::from_value(status.value()), Some(status));
        }
        assert_eq!(EnrolmentStatus::Enrolling.order(), 1);
        assert_eq!(EnrolmentStatus::from_value(7), None);
    }

    #[test]
    fn archived_and_dormant_are_inactive() {
        let inactive: Vec<_> = EnrolmentStatus::ALL
            .into_iter()
            .filter(|s| !s.is_active())
            .collect();
        assert_eq!(
            inactive,
            [EnrolmentStatus::Archived, EnrolmentStatus::Dormant]
        );
    }
}
