//! Where a case's enrolment stands: which wizard step comes next, and what still stops it
//! being submitted to provider QA. Pages and commands both ask here, so what the checklist
//! shows is what the server enforces.

use super::status::EnrolmentStatus;
use super::transitions::{consent_allows_submission, SubmitChecks};
use crate::domain::assessment::{check_submission, justification_required};
use time::Date;

/// The latest assessment, as far as submission is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssessmentState {
    /// None started.
    None,
    /// Started, not yet submitted.
    InProgress {
        /// Questions answered.
        answered: usize,
        /// Questions in all.
        total: usize,
    },
    /// Submitted and scored.
    Scored {
        /// The eight scores.
        scores: Vec<u8>,
    },
}

/// The facts enrolment progress depends on.
#[derive(Debug, Clone)]
pub struct EnrolmentFacts {
    /// Status.
    pub status: EnrolmentStatus,
    /// An enrolment location is chosen.
    pub has_location: bool,
    /// The latest consent's date.
    pub latest_consent: Option<Date>,
    /// Consent granted (at a first approval).
    pub consent_granted: bool,
    /// Right-to-work evidence is needed for this nationality.
    pub right_to_work_needed: bool,
    /// Some right-to-work evidence is in force.
    pub right_to_work_active: bool,
    /// The latest assessment.
    pub assessment: AssessmentState,
    /// The owner has a tenant.
    pub owner_has_tenant: bool,
    /// Today.
    pub today: Date,
}

/// A step of the enrol wizard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardStep {
    /// Choose the enrolment location.
    Location,
    /// Record consent.
    Consent,
    /// Record right to work (or go on without it).
    RightToWork,
    /// Check and confirm.
    Confirm,
}

impl WizardStep {
    /// Its path under `/participants/{id}/enrol/`.
    pub fn path(self) -> &'static str {
        match self {
            WizardStep::Location => "location",
            WizardStep::Consent => "consent",
            WizardStep::RightToWork => "right-to-work",
            WizardStep::Confirm => "check",
        }
    }
}

impl EnrolmentFacts {
    /// The first wizard step not yet done (Confirm when everything is), while the case is
    /// Identified; `None` once the wizard is over.
    pub fn wizard_next(&self, right_to_work_seen: bool) -> Option<WizardStep> {
        if self.status != EnrolmentStatus::Identified {
            return None;
        }
        Some(if !self.has_location {
            WizardStep::Location
        } else if self.latest_consent.is_none() {
            WizardStep::Consent
        } else if self.right_to_work_needed && !self.right_to_work_active && !right_to_work_seen {
            WizardStep::RightToWork
        } else {
            WizardStep::Confirm
        })
    }

    /// What the wizard's confirmation still needs (empty: it can finish).
    pub fn wizard_missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if !self.has_location {
            missing.push("Choose the enrolment location");
        }
        if self.latest_consent.is_none() {
            missing.push("Add the participant's signed consent form");
        }
        missing
    }

    /// Whether the scores would need a justification to be submitted.
    pub fn justification_needed(&self) -> bool {
        match &self.assessment {
            AssessmentState::Scored { scores } => justification_required(scores.iter().copied()),
            _ => false,
        }
    }

    /// What stops submission to provider QA, in words; `justification` as typed.
    pub fn submission_missing(&self, justification: Option<&str>) -> Vec<String> {
        let mut missing = Vec::new();
        if self.status != EnrolmentStatus::Enrolling {
            missing.push(format!(
                "The case must be Enrolling (it is {})",
                self.status.display_name()
            ));
            return missing;
        }
        match &self.assessment {
            AssessmentState::None => missing.push("Start and complete the assessment".to_owned()),
            AssessmentState::InProgress { answered, total } => missing.push(format!(
                "Finish and submit the assessment ({answered} of {total} questions answered)"
            )),
            AssessmentState::Scored { scores } => {
                if let Err(error) =
                    check_submission(scores.iter().copied(), justification.or(Some("given")))
                {
                    missing.push(error.to_string());
                }
            }
        }
        if let Err(error) =
            consent_allows_submission(self.consent_granted, self.latest_consent, self.today)
        {
            missing.push(error.to_string());
        }
        if !self.owner_has_tenant {
            missing.push("The case needs an owner".to_owned());
        }
        missing
    }

    /// The status machine's checks for submission, with the justification typed.
    pub fn submit_checks(&self, justification: Option<&str>) -> SubmitChecks {
        let (scored, eligible) = match &self.assessment {
            AssessmentState::Scored { scores } => (
                true,
                check_submission(scores.iter().copied(), justification).is_ok(),
            ),
            _ => (false, false),
        };
        SubmitChecks {
            assessment_scored: scored,
            assessment_eligible: eligible,
            consent_granted: self.consent_granted,
            latest_consent: self.latest_consent,
            owner_has_tenant: self.owner_has_tenant,
            today: self.today,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn facts() -> EnrolmentFacts {
        EnrolmentFacts {
            status: EnrolmentStatus::Identified,
            has_location: false,
            latest_consent: None,
            consent_granted: false,
            right_to_work_needed: true,
            right_to_work_active: false,
            assessment: AssessmentState::None,
            owner_has_tenant: true,
            today: date!(2026 - 11 - 23),
        }
    }

    #[test]
    fn the_wizard_goes_location_consent_right_to_work_confirm() {
        let mut f = facts();
        assert_eq!(f.wizard_next(false), Some(WizardStep::Location));
        f.has_location = true;
        assert_eq!(f.wizard_next(false), Some(WizardStep::Consent));
        f.latest_consent = Some(date!(2026 - 11 - 20));
        assert_eq!(f.wizard_next(false), Some(WizardStep::RightToWork));
        assert_eq!(f.wizard_next(true), Some(WizardStep::Confirm));
        f.right_to_work_needed = false;
        assert_eq!(f.wizard_next(false), Some(WizardStep::Confirm));
        assert!(f.wizard_missing().is_empty());
        f.status = EnrolmentStatus::Enrolling;
        assert_eq!(f.wizard_next(false), None);
    }

    #[test]
    fn submission_lists_each_missing_thing() {
        let mut f = facts();
        f.status = EnrolmentStatus::Enrolling;
        f.has_location = true;
        let missing = f.submission_missing(None);
        assert_eq!(missing.len(), 2, "{missing:?}");
        assert!(missing[0].contains("assessment"));
        assert!(missing[1].contains("consent"));
        f.latest_consent = Some(date!(2026 - 11 - 20));
        f.assessment = AssessmentState::Scored {
            scores: vec![5, 5, 50, 50, 50, 50, 50, 50],
        };
        assert!(f.submission_missing(None).is_empty());
        assert!(f.submit_checks(None).assessment_eligible);
        assert_eq!(
            f.status.submit_to_provider(&f.submit_checks(None)),
            Ok(EnrolmentStatus::SubmittedToProvider)
        );
    }

    #[test]
    fn one_red_needs_a_justification_to_be_eligible() {
        let mut f = facts();
        f.status = EnrolmentStatus::Enrolling;
        f.latest_consent = Some(date!(2026 - 11 - 20));
        f.assessment = AssessmentState::Scored {
            scores: vec![5, 20, 50, 50, 50, 50, 50, 50],
        };
        assert!(f.justification_needed());
        assert!(
            f.submission_missing(None).is_empty(),
            "asked for at the form, not listed"
        );
        assert!(!f.submit_checks(None).assessment_eligible);
        assert!(f.submit_checks(Some("housing crisis")).assessment_eligible);
        f.assessment = AssessmentState::Scored {
            scores: vec![50; 8],
        };
        assert_eq!(f.submission_missing(None).len(), 1);
    }

    #[test]
    fn stale_consent_stops_submission() {
        let mut f = facts();
        f.status = EnrolmentStatus::Enrolling;
        f.latest_consent = Some(date!(2026 - 08 - 22));
        f.assessment = AssessmentState::Scored {
            scores: vec![5, 5, 50, 50, 50, 50, 50, 50],
        };
        assert_eq!(f.submission_missing(None).len(), 1);
        f.consent_granted = true;
        assert!(f.submission_missing(None).is_empty());
    }
}
