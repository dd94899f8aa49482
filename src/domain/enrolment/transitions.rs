//! The enrolment status machine (DOMAIN.md §2): each transition is a method that returns the
//! next status or says, in a typed error, which rule stopped it.

use super::reasons::{check_text, ArchiveReason, ReasonTextError};
use super::status::EnrolmentStatus;
use crate::domain::field::months_before;
use time::{Date, Duration};

/// Consent older than this (and never granted) no longer allows submission.
pub const CONSENT_VALID_MONTHS: u8 = 3;
/// Deactivated in the feed longer ago than this: no PQA accept, no unarchive.
pub const DEACTIVATION_GRACE_DAYS: i64 = 30;

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The case is not in a status this transition starts from.
    #[error("This cannot be done while the case is {0}")]
    WrongStatus(&'static str),
    /// The latest assessment is not fully scored.
    #[error("Complete and submit the assessment first")]
    AssessmentNotScored,
    /// The scores do not make the participant eligible.
    #[error("The assessment does not meet the eligibility rule")]
    NotEligible,
    /// Consent not granted and the latest consent is older than three months.
    #[error("The consent is more than 3 months old: add a new consent")]
    ConsentTooOld,
    /// No consent recorded.
    #[error("Add the participant's consent first")]
    NoConsent,
    /// The case has no owner with a tenant.
    #[error("The case needs an owner before it can be submitted")]
    NoOwner,
    /// Deactivated in the feed more than 30 days ago.
    #[error("The participant was deactivated in the offender data more than 30 days ago")]
    DeactivatedTooLongAgo,
    /// An incoming transfer is still open.
    #[error("Process the open incoming transfer first")]
    OpenIncomingTransfer,
    /// The reason's text is missing or too long.
    #[error("{0}")]
    ReasonText(#[from] ReasonTextError),
    /// Unarchive needs the status held before archiving.
    #[error("The status before archiving is not known")]
    NoPreviousStatus,
}

/// What submission to provider QA checks.
#[derive(Debug, Clone, Copy)]
pub struct SubmitChecks {
    /// The latest assessment is submitted and scored.
    pub assessment_scored: bool,
    /// Its scores meet the eligibility rule (with any justification it needs).
    pub assessment_eligible: bool,
    /// Consent was granted at a first approval.
    pub consent_granted: bool,
    /// Date of the latest consent.
    pub latest_consent: Option<Date>,
    /// The owner belongs to a tenant.
    pub owner_has_tenant: bool,
    /// Today.
    pub today: Date,
}

/// The outcome of a QA2 or escalation accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorityAcceptOutcome {
    /// Approved.
    Approved,
    /// Right to work is missing: back to provider QA (consent is still granted).
    BouncedForRightToWork,
}

/// True when the consent still allows submission: granted, or dated within three months.
pub fn consent_allows_submission(
    granted: bool,
    latest: Option<Date>,
    today: Date,
) -> Result<(), TransitionError> {
    if granted {
        return Ok(());
    }
    match latest {
        None => Err(TransitionError::NoConsent),
        Some(date) if date < months_before(today, CONSENT_VALID_MONTHS) => {
            Err(TransitionError::ConsentTooOld)
        }
        Some(_) => Ok(()),
    }
}

/// True when the participant was deactivated in the feed more than 30 days before `today`.
pub fn deactivated_too_long_ago(deactivated: Option<Date>, today: Date) -> bool {
    deactivated.is_some_and(|date| today - date > Duration::days(DEACTIVATION_GRACE_DAYS))
}

impl EnrolmentStatus {
    fn expect(self, allowed: &[EnrolmentStatus]) -> Result<(), TransitionError> {
        if allowed.contains(&self) {
            Ok(())
        } else {
            Err(TransitionError::WrongStatus(self.display_name()))
        }
    }

    /// Identified → Enrolling, at the end of the enrol wizard.
    pub fn begin_enrolment(self) -> Result<EnrolmentStatus, TransitionError> {
        self.expect(&[EnrolmentStatus::Identified])?;
        Ok(EnrolmentStatus::Enrolling)
    }

    /// Enrolling → Submitted to Provider ("Submit to Provider QA").
    pub fn submit_to_provider(
        self,
        checks: &SubmitChecks,
    ) -> Result<EnrolmentStatus, TransitionError> {
        self.expect(&[EnrolmentStatus::Enrolling])?;
        if !checks.assessment_scored {
            return Err(TransitionError::AssessmentNotScored);
        }
        if !checks.assessment_eligible {
            return Err(TransitionError::NotEligible);
        }
        consent_allows_submission(checks.consent_granted, checks.latest_consent, checks.today)?;
        if !checks.owner_has_tenant {
            return Err(TransitionError::NoOwner);
        }
        Ok(EnrolmentStatus::SubmittedToProvider)
    }

    /// Submitted to Provider → Submitted to Authority (PQA accept). Refused once the
    /// participant was deactivated in the feed more than 30 days ago; inside the 30 days it is
    /// allowed.
    pub fn provider_accept(
        self,
        deactivated: Option<Date>,
        today: Date,
    ) -> Result<EnrolmentStatus, TransitionError> {
        self.expect(&[EnrolmentStatus::SubmittedToProvider])?;
        if deactivated_too_long_ago(deactivated, today) {
            return Err(TransitionError::DeactivatedTooLongAgo);
        }
        Ok(EnrolmentStatus::SubmittedToAuthority)
    }

    /// Submitted to Provider → Enrolling (PQA return).
    pub fn provider_return(self) -> Result<EnrolmentStatus, TransitionError> {
        self.expect(&[EnrolmentStatus::SubmittedToProvider])?;
        Ok(EnrolmentStatus::Enrolling)
    }

    /// Submitted to Authority → Approved (QA2 or escalation accept), or back to provider QA
    /// when the automatic right-to-work check fails.
    pub fn authority_accept(
        self,
        right_to_work_ok: bool,
    ) -> Result<(EnrolmentStatus, AuthorityAcceptOutcome), TransitionError> {
        self.expect(&[EnrolmentStatus::SubmittedToAuthority])?;
        Ok(if right_to_work_ok {
            (EnrolmentStatus::Approved, AuthorityAcceptOutcome::Approved)
        } else {
            (
                EnrolmentStatus::SubmittedToProvider,
                AuthorityAcceptOutcome::BouncedForRightToWork,
            )
        })
    }

    /// Submitted to Authority → Submitted to Provider (QA2 or escalation return).
    pub fn authority_return(self) -> Result<EnrolmentStatus, TransitionError> {
        self.expect(&[EnrolmentStatus::SubmittedToAuthority])?;
        Ok(EnrolmentStatus::SubmittedToProvider)
    }

    /// Identified, Enrolling, Approved or Dormant → Archived, with a reason (Other justified).
    /// Who may archive (owner, anyone if unowned, an ancestor tenant of the owner) is checked
    /// by the caller, which knows the people.
    pub fn archive(
        self,
        reason: ArchiveReason,
        justification: Option<&str>,
        open_incoming_transfer: bool,
    ) -> Result<(EnrolmentStatus, Option<String>), TransitionError> {
        self.expect(&[
            EnrolmentStatus::Identified,
            EnrolmentStatus::Enrolling,
            EnrolmentStatus::Approved,
            EnrolmentStatus::Dormant,
        ])?;
        let justification = check_text(justification, reason.needs_justification())?;
        if open_incoming_transfer {
            return Err(TransitionError::OpenIncomingTransfer);
        }
        Ok((EnrolmentStatus::Archived, justification))
    }

    /// The nightly auto-archive: deactivated in the feed more than 30 days ago and not in QA
    /// (transfers and ownership are ignored; Dormant cases are archived too). `None` when the
    /// case is left alone.
    pub fn auto_archive(
        self,
        deactivated: Option<Date>,
        today: Date,
    ) -> Option<(EnrolmentStatus, ArchiveReason)> {
        let eligible = matches!(
            self,
            EnrolmentStatus::Identified
                | EnrolmentStatus::Enrolling
                | EnrolmentStatus::Approved
                | EnrolmentStatus::Dormant
        );
        (eligible && deactivated_too_long_ago(deactivated, today)).then_some((
            EnrolmentStatus::Archived,
            ArchiveReason::LicenceEndDateReached,
        ))
    }

    /// Archived → the status held before archiving (Dormant included). Every unarchive reason
    /// needs further information; refused when deactivated in the feed more than 30 days ago.
    pub fn unarchive(
        self,
        previous: Option<EnrolmentStatus>,
        information: Option<&str>,
        deactivated: Option<Date>,
        today: Date,
    ) -> Result<(EnrolmentStatus, String), TransitionError> {
        self.expect(&[EnrolmentStatus::Archived])?;
        let information = check_text(information, true)?.unwrap_or_default();
        if deactivated_too_long_ago(deactivated, today) {
            return Err(TransitionError::DeactivatedTooLongAgo);
        }
        match previous {
            Some(
                status @ (EnrolmentStatus::Identified
                | EnrolmentStatus::Enrolling
                | EnrolmentStatus::Approved
                | EnrolmentStatus::Dormant),
            ) => Ok((status, information)),
            _ => Err(TransitionError::NoPreviousStatus),
        }
    }

    /// Approved → Dormant ("suspend").
    pub fn suspend(self) -> Result<EnrolmentStatus, TransitionError> {
        self.expect(&[EnrolmentStatus::Approved])?;
        Ok(EnrolmentStatus::Dormant)
    }

    /// Dormant → Approved (allowed, though nothing triggers it).
    pub fn reactivate(self) -> Result<EnrolmentStatus, TransitionError> {
        self.expect(&[EnrolmentStatus::Dormant])?;
        Ok(EnrolmentStatus::Approved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use EnrolmentStatus::*;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn ready() -> SubmitChecks {
        SubmitChecks {
            assessment_scored: true,
            assessment_eligible: true,
            consent_granted: false,
            latest_consent: Some(date!(2026 - 11 - 01)),
            owner_has_tenant: true,
            today: TODAY,
        }
    }

    fn others(allowed: &[EnrolmentStatus]) -> impl Iterator<Item = EnrolmentStatus> + '_ {
        EnrolmentStatus::ALL
            .into_iter()
            .filter(move |s| !allowed.contains(s))
    }

    #[test]
    fn enrolment_begins_only_from_identified() {
        assert_eq!(Identified.begin_enrolment(), Ok(Enrolling));
        for status in others(&[Identified]) {
            assert!(
                matches!(
                    status.begin_enrolment(),
                    Err(TransitionError::WrongStatus(_))
                ),
                "{status:?}"
            );
        }
    }

    #[test]
    fn submission_checks_every_guard_in_order() {
        assert_eq!(
            Enrolling.submit_to_provider(&ready()),
            Ok(SubmittedToProvider)
        );
        let unscored = SubmitChecks {
            assessment_scored: false,
            ..ready()
        };
        assert_eq!(
            Enrolling.submit_to_provider(&unscored),
            Err(TransitionError::AssessmentNotScored)
        );
        let ineligible = SubmitChecks {
            assessment_eligible: false,
            ..ready()
        };
        assert_eq!(
            Enrolling.submit_to_provider(&ineligible),
            Err(TransitionError::NotEligible)
        );
        let old = SubmitChecks {
            latest_consent: Some(date!(2026 - 08 - 22)),
            ..ready()
        };
        assert_eq!(
            Enrolling.submit_to_provider(&old),
            Err(TransitionError::ConsentTooOld)
        );
        let edge = SubmitChecks {
            latest_consent: Some(date!(2026 - 08 - 23)),
            ..ready()
        };
        assert_eq!(
            Enrolling.submit_to_provider(&edge),
            Ok(SubmittedToProvider),
            "exactly three months"
        );
        let granted = SubmitChecks {
            consent_granted: true,
            ..old
        };
        assert_eq!(
            Enrolling.submit_to_provider(&granted),
            Ok(SubmittedToProvider)
        );
        let none = SubmitChecks {
            latest_consent: None,
            ..ready()
        };
        assert_eq!(
            Enrolling.submit_to_provider(&none),
            Err(TransitionError::NoConsent)
        );
        let unowned = SubmitChecks {
            owner_has_tenant: false,
            ..ready()
        };
        assert_eq!(
            Enrolling.submit_to_provider(&unowned),
            Err(TransitionError::NoOwner)
        );
        for status in others(&[Enrolling]) {
            assert!(matches!(
                status.submit_to_provider(&ready()),
                Err(TransitionError::WrongStatus(_))
            ));
        }
    }

    #[test]
    fn three_months_back_handles_short_months() {
        assert_eq!(
            months_before(date!(2026 - 05 - 31), 3),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            months_before(date!(2026 - 01 - 15), 3),
            date!(2025 - 10 - 15)
        );
    }

    #[test]
    fn provider_accept_is_refused_only_after_thirty_days_deactivated() {
        assert_eq!(
            SubmittedToProvider.provider_accept(None, TODAY),
            Ok(SubmittedToAuthority)
        );
        let thirty = Some(TODAY - Duration::days(30));
        assert_eq!(
            SubmittedToProvider.provider_accept(thirty, TODAY),
            Ok(SubmittedToAuthority)
        );
        let thirty_one = Some(TODAY - Duration::days(31));
        assert_eq!(
            SubmittedToProvider.provider_accept(thirty_one, TODAY),
            Err(TransitionError::DeactivatedTooLongAgo)
        );
        assert!(Enrolling.provider_accept(None, TODAY).is_err());
        assert_eq!(SubmittedToProvider.provider_return(), Ok(Enrolling));
        assert!(SubmittedToAuthority.provider_return().is_err());
    }

    #[test]
    fn authority_accept_approves_or_bounces_for_right_to_work() {
        assert_eq!(
            SubmittedToAuthority.authority_accept(true),
            Ok((Approved, AuthorityAcceptOutcome::Approved))
        );
        assert_eq!(
            SubmittedToAuthority.authority_accept(false),
            Ok((
                SubmittedToProvider,
                AuthorityAcceptOutcome::BouncedForRightToWork
            ))
        );
        assert_eq!(
            SubmittedToAuthority.authority_return(),
            Ok(SubmittedToProvider)
        );
        for status in others(&[SubmittedToAuthority]) {
            assert!(status.authority_accept(true).is_err());
            assert!(status.authority_return().is_err());
        }
    }

    #[test]
    fn archive_needs_a_reason_and_no_open_transfer() {
        for status in [Identified, Enrolling, Approved, Dormant] {
            assert_eq!(
                status.archive(ArchiveReason::Deceased, None, false),
                Ok((Archived, None))
            );
        }
        for status in [SubmittedToProvider, SubmittedToAuthority, Archived] {
            assert!(matches!(
                status.archive(ArchiveReason::Deceased, None, false),
                Err(TransitionError::WrongStatus(_))
            ));
        }
        assert_eq!(
            Enrolling.archive(ArchiveReason::Other, Some("  "), false),
            Err(TransitionError::ReasonText(ReasonTextError::Missing))
        );
        assert_eq!(
            Enrolling.archive(ArchiveReason::Other, Some("moved abroad"), false),
            Ok((Archived, Some("moved abroad".to_owned())))
        );
        assert_eq!(
            Enrolling.archive(ArchiveReason::Deceased, None, true),
            Err(TransitionError::OpenIncomingTransfer)
        );
    }

    #[test]
    fn auto_archive_skips_cases_in_qa_and_recent_deactivations() {
        let long_ago = Some(TODAY - Duration::days(31));
        assert_eq!(
            Dormant.auto_archive(long_ago, TODAY),
            Some((Archived, ArchiveReason::LicenceEndDateReached))
        );
        assert_eq!(
            Approved.auto_archive(long_ago, TODAY).map(|r| r.0),
            Some(Archived)
        );
        assert_eq!(SubmittedToProvider.auto_archive(long_ago, TODAY), None);
        assert_eq!(SubmittedToAuthority.auto_archive(long_ago, TODAY), None);
        assert_eq!(Archived.auto_archive(long_ago, TODAY), None);
        assert_eq!(
            Approved.auto_archive(Some(TODAY - Duration::days(30)), TODAY),
            None
        );
        assert_eq!(Approved.auto_archive(None, TODAY), None);
    }

    #[test]
    fn unarchive_restores_the_previous_status_dormant_included() {
        for previous in [Identified, Enrolling, Approved, Dormant] {
            assert_eq!(
                Archived.unarchive(Some(previous), Some("back"), None, TODAY),
                Ok((previous, "back".to_owned()))
            );
        }
        assert_eq!(
            Archived.unarchive(Some(Approved), None, None, TODAY),
            Err(TransitionError::ReasonText(ReasonTextError::Missing))
        );
        assert_eq!(
            Archived.unarchive(
                Some(Approved),
                Some("back"),
                Some(TODAY - Duration::days(31)),
                TODAY
            ),
            Err(TransitionError::DeactivatedTooLongAgo)
        );
        assert_eq!(
            Archived.unarchive(None, Some("back"), None, TODAY),
            Err(TransitionError::NoPreviousStatus)
        );
        assert!(Approved
            .unarchive(Some(Approved), Some("x"), None, TODAY)
            .is_err());
    }

    #[test]
    fn suspend_and_reactivate() {
        assert_eq!(Approved.suspend(), Ok(Dormant));
        assert_eq!(Dormant.reactivate(), Ok(Approved));
        assert!(Enrolling.suspend().is_err());
        assert!(Archived.reactivate().is_err());
    }
}
