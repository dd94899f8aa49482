//! The enrolment location: the participant's current location, or another one with a
//! justification. Set in the enrol wizard; changeable later only while the enrolment is still
//! with the provider and consent has not been granted.

use super::reasons::{check_text, ReasonTextError};
use super::status::EnrolmentStatus;
use crate::domain::field::FieldError;

/// Whether the enrolment location may be set or changed now.
pub fn may_set(status: EnrolmentStatus, consent_granted: bool) -> bool {
    match status {
        EnrolmentStatus::Identified => true,
        EnrolmentStatus::Enrolling | EnrolmentStatus::SubmittedToProvider => !consent_granted,
        _ => false,
    }
}

/// The chosen location and its justification (only when it is not the current one).
pub fn check_choice(
    chosen: Option<i64>,
    current: i64,
    justification: &str,
) -> Result<(i64, Option<String>), FieldError> {
    let chosen = chosen.ok_or_else(|| {
        FieldError::new("location", "Select where the participant is being enrolled")
    })?;
    if chosen == current {
        return Ok((chosen, None));
    }
    match check_text(Some(justification), true) {
        Ok(text) => Ok((chosen, text)),
        Err(ReasonTextError::Missing) => Err(FieldError::new(
            "justification",
            "Explain why the participant is enrolled somewhere other than their current location",
        )),
        Err(ReasonTextError::TooLong) => Err(FieldError::new(
            "justification",
            ReasonTextError::TooLong.to_string(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_is_settable_until_consent_is_granted_at_approval() {
        assert!(may_set(EnrolmentStatus::Identified, false));
        assert!(may_set(EnrolmentStatus::Enrolling, false));
        assert!(may_set(EnrolmentStatus::SubmittedToProvider, false));
        assert!(!may_set(EnrolmentStatus::SubmittedToProvider, true));
        assert!(!may_set(EnrolmentStatus::SubmittedToAuthority, false));
        assert!(!may_set(EnrolmentStatus::Approved, false));
        assert!(!may_set(EnrolmentStatus::Archived, false));
    }

    #[test]
    fn another_location_needs_a_justification() {
        assert_eq!(check_choice(Some(4), 4, ""), Ok((4, None)));
        assert_eq!(
            check_choice(Some(5), 4, " moving next week "),
            Ok((5, Some("moving next week".to_owned())))
        );
        assert_eq!(
            check_choice(Some(5), 4, "  ").expect_err("refused").field,
            "justification"
        );
        assert_eq!(
            check_choice(None, 4, "").expect_err("refused").field,
            "location"
        );
        assert_eq!(
            check_choice(Some(5), 4, &"x".repeat(1001))
                .expect_err("refused")
                .field,
            "justification"
        );
    }
}
