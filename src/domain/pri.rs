//! The pre-release inventory (PRI, DOMAIN.md §2): a community worker issues a 6-digit code for
//! a case (one live code per case); a custody worker creates the PRI with its release plan and
//! the pre-release meeting, assigned to the code's issuer or to themselves; it is active while
//! Created or Accepted and ends Completed or Abandoned. A participant has one PRI ever: the
//! original refuses a new one even after the first was abandoned. The "Through the Gate"
//! objective and completing a PRI need the pathway plan, which CATS-rs does not have yet.

pub mod creation;

use std::fmt;

/// A PRI code: six digits, the first not zero when issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PriCode(u32);

/// Why a typed code is not a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Enter the 6-digit code the community worker gave you, like 482913")]
pub struct CodeFormatError;

impl PriCode {
    /// The smallest and largest codes issued.
    pub const RANGE: std::ops::RangeInclusive<u32> = 100_000..=999_999;

    /// The code for a random number, folded into [`PriCode::RANGE`] (the caller draws it: the
    /// domain does no I/O).
    pub fn from_random(n: u32) -> PriCode {
        let span = PriCode::RANGE.end() - PriCode::RANGE.start() + 1;
        PriCode(PriCode::RANGE.start() + n % span)
    }

    /// A code as typed: exactly six digits once spaces around it are trimmed.
    pub fn parse(typed: &str) -> Result<PriCode, CodeFormatError> {
        let typed = typed.trim();
        if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CodeFormatError);
        }
        typed.parse().map(PriCode).map_err(|_| CodeFormatError)
    }

    /// The stored value.
    pub fn value(self) -> i64 {
        i64::from(self.0)
    }

    /// The code for a stored value.
    pub fn from_value(value: i64) -> Option<PriCode> {
        u32::try_from(value)
            .ok()
            .filter(|v| *v <= 999_999)
            .map(PriCode)
    }
}

impl fmt::Display for PriCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

/// Where a PRI stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriStatus {
    /// Made, not yet assigned (the original assigns in the same step, so only for a moment).
    Created,
    /// Assigned to the community worker who takes the participant on after release.
    Accepted,
    /// Finished (needs the pathway plan's "Through the Gate" tasks: not offered yet).
    Completed,
    /// Given up, with a reason.
    Abandoned,
}

/// A PRI status change that is not allowed from where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("The PRI is {}: it cannot be {action}", .from.display_name().to_lowercase())]
pub struct PriTransitionError {
    /// Where it stood.
    pub from: PriStatus,
    /// What was tried ("accepted", "abandoned").
    pub action: &'static str,
}

impl PriStatus {
    /// Every status.
    pub const ALL: [PriStatus; 4] = [
        PriStatus::Created,
        PriStatus::Accepted,
        PriStatus::Completed,
        PriStatus::Abandoned,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            PriStatus::Created => "created",
            PriStatus::Accepted => "accepted",
            PriStatus::Completed => "completed",
            PriStatus::Abandoned => "abandoned",
        }
    }

    /// The status with this stored code.
    pub fn from_code(code: &str) -> Option<PriStatus> {
        PriStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The name people read.
    pub fn display_name(self) -> &'static str {
        match self {
            PriStatus::Created => "Created",
            PriStatus::Accepted => "Accepted",
            PriStatus::Completed => "Completed",
            PriStatus::Abandoned => "Abandoned",
        }
    }

    /// Created and Accepted PRIs are active: work on them goes on.
    pub fn is_active(self) -> bool {
        matches!(self, PriStatus::Created | PriStatus::Accepted)
    }

    /// Created → Accepted, when it is assigned.
    pub fn accept(self) -> Result<PriStatus, PriTransitionError> {
        match self {
            PriStatus::Created => Ok(PriStatus::Accepted),
            from => Err(PriTransitionError {
                from,
                action: "accepted",
            }),
        }
    }

    /// An active PRI → Abandoned.
    pub fn abandon(self) -> Result<PriStatus, PriTransitionError> {
        if self.is_active() {
            Ok(PriStatus::Abandoned)
        } else {
            Err(PriTransitionError {
                from: self,
                action: "abandoned",
            })
        }
    }
}

/// Why a PRI is abandoned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AbandonReason {
    /// It should never have been made.
    CreatedByAccident,
    /// Anything else: needs a justification.
    Other,
}

impl AbandonReason {
    /// Both reasons, in the order offered.
    pub const ALL: [AbandonReason; 2] = [AbandonReason::CreatedByAccident, AbandonReason::Other];

    /// The stored value (the original's).
    pub fn value(self) -> i64 {
        match self {
            AbandonReason::CreatedByAccident => 0,
            AbandonReason::Other => 1,
        }
    }

    /// The reason with this stored value.
    pub fn from_value(value: i64) -> Option<AbandonReason> {
        AbandonReason::ALL.into_iter().find(|r| r.value() == value)
    }

    /// The name people read.
    pub fn display_name(self) -> &'static str {
        match self {
            AbandonReason::CreatedByAccident => "Created by accident",
            AbandonReason::Other => "Other",
        }
    }
}

/// The longest justification or free text kept.
pub const MAX_TEXT: usize = 1000;

/// Checks the abandon form: a reason, and for "Other" a justification of at most
/// [`MAX_TEXT`] characters. Returns the reason and the trimmed justification, if any.
pub fn check_abandon(
    reason: Option<AbandonReason>,
    justification: &str,
) -> Result<(AbandonReason, Option<String>), crate::domain::field::FieldError> {
    use crate::domain::field::FieldError;
    let reason =
        reason.ok_or_else(|| FieldError::new("reason", "Choose why the PRI is abandoned"))?;
    let text = justification.trim();
    if text.chars().count() > MAX_TEXT {
        return Err(FieldError::new(
            "justification",
            format!("The justification must be {MAX_TEXT} characters or fewer"),
        ));
    }
    if reason == AbandonReason::Other && text.is_empty() {
        return Err(FieldError::new(
            "justification",
            "Say why the PRI is abandoned",
        ));
    }
    Ok((reason, (!text.is_empty()).then(|| text.to_owned())))
}

/// Whether a PRI may be made for a case whose PRI, if it has one, stands at `existing`: one
/// per participant ever, so an abandoned one blocks a new one too (as in the original).
pub fn may_create(existing: Option<PriStatus>) -> Result<(), &'static str> {
    match existing {
        None => Ok(()),
        Some(PriStatus::Abandoned) => {
            Err("This participant's PRI was abandoned: a participant has one PRI only")
        }
        Some(_) => Err("This participant already has a PRI"),
    }
}

/// Why a code cannot be issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IssueRefusal {
    /// Only a community worker (whose team works at a community location) issues codes.
    #[error("Only a community worker can issue a PRI code: your team does not work at a community location")]
    NotCommunityWorker,
    /// The case is archived.
    #[error("The case is archived: unarchive it first")]
    Archived,
    /// The case has (or had) a PRI, so a code would never be used.
    #[error("This participant already has a PRI: a code is no longer needed")]
    HasPri,
}

/// Whether a user may issue a code for a case: they are a community worker, the case is not
/// archived, and it has no PRI yet (one ever).
pub fn check_issue(
    community_worker: bool,
    archived: bool,
    existing: Option<PriStatus>,
) -> Result<(), IssueRefusal> {
    if !community_worker {
        return Err(IssueRefusal::NotCommunityWorker);
    }
    if archived {
        return Err(IssueRefusal::Archived);
    }
    if existing.is_some() {
        return Err(IssueRefusal::HasPri);
    }
    Ok(())
}

/// Who may abandon a PRI: its creator or assignee, or someone whose tenant is the same as or
/// above either of theirs (as archiving is for the owner's team and above).
pub fn may_abandon(
    user: i64,
    user_tenant: &str,
    creator: (i64, &str),
    assignee: Option<(i64, &str)>,
) -> bool {
    std::iter::once(creator)
        .chain(assignee)
        .any(|(id, tenant)| id == user || tenant.starts_with(user_tenant))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_issued_without_a_leading_zero() {
        assert_eq!(PriCode::parse(" 482913 ").map(|c| c.value()), Ok(482_913));
        assert_eq!(PriCode::parse("48291"), Err(CodeFormatError));
        assert_eq!(PriCode::parse("4829134"), Err(CodeFormatError));
        assert_eq!(PriCode::parse("48a913"), Err(CodeFormatError));
        assert_eq!(PriCode::parse("+48291"), Err(CodeFormatError));
        assert_eq!(PriCode::parse(""), Err(CodeFormatError));
        for n in [0, 1, 899_999, 900_000, u32::MAX] {
            assert!(PriCode::RANGE.contains(&(PriCode::from_random(n).value() as u32)));
        }
        assert_eq!(PriCode::from_random(0).to_string(), "100000");
        assert_eq!(
            PriCode::from_value(482_913).map(|c| c.to_string()),
            Some("482913".into())
        );
        assert_eq!(PriCode::from_value(-1), None);
    }

    #[test]
    fn a_pri_is_accepted_once_and_abandoned_only_while_active() {
        assert_eq!(PriStatus::Created.accept(), Ok(PriStatus::Accepted));
        assert!(PriStatus::Accepted.accept().is_err());
        assert_eq!(PriStatus::Created.abandon(), Ok(PriStatus::Abandoned));
        assert_eq!(PriStatus::Accepted.abandon(), Ok(PriStatus::Abandoned));
        let error = PriStatus::Abandoned.abandon().expect_err("ended");
        assert_eq!(
            error.to_string(),
            "The PRI is abandoned: it cannot be abandoned"
        );
        assert!(PriStatus::Completed.abandon().is_err());
        let active: Vec<_> = PriStatus::ALL
            .into_iter()
            .filter(|s| s.is_active())
            .collect();
        assert_eq!(active, [PriStatus::Created, PriStatus::Accepted]);
        for s in PriStatus::ALL {
            assert_eq!(PriStatus::from_code(s.code()), Some(s));
        }
    }

    #[test]
    fn abandoning_needs_a_reason_and_other_needs_a_justification() {
        assert_eq!(check_abandon(None, "x").map_err(|e| e.field), Err("reason"));
        assert_eq!(
            check_abandon(Some(AbandonReason::CreatedByAccident), "  "),
            Ok((AbandonReason::CreatedByAccident, None))
        );
        assert_eq!(
            check_abandon(Some(AbandonReason::Other), " ").map_err(|e| e.field),
            Err("justification")
        );
        assert_eq!(
            check_abandon(Some(AbandonReason::Other), " moved away "),
            Ok((AbandonReason::Other, Some("moved away".into())))
        );
        let long = "x".repeat(MAX_TEXT + 1);
        assert!(check_abandon(Some(AbandonReason::Other), &long).is_err());
        assert_eq!(AbandonReason::from_value(1), Some(AbandonReason::Other));
    }

    #[test]
    fn a_participant_has_one_pri_ever_even_after_abandoning_it() {
        assert_eq!(may_create(None), Ok(()));
        assert!(may_create(Some(PriStatus::Accepted)).is_err());
        assert!(may_create(Some(PriStatus::Abandoned))
            .expect_err("one ever")
            .contains("abandoned"));
    }

    #[test]
    fn only_a_community_worker_issues_a_code_for_a_live_case_without_a_pri() {
        assert_eq!(check_issue(true, false, None), Ok(()));
        assert_eq!(
            check_issue(false, false, None),
            Err(IssueRefusal::NotCommunityWorker)
        );
        assert_eq!(check_issue(true, true, None), Err(IssueRefusal::Archived));
        assert_eq!(
            check_issue(true, false, Some(PriStatus::Abandoned)),
            Err(IssueRefusal::HasPri)
        );
    }

    #[test]
    fn the_creator_the_assignee_and_their_seniors_may_abandon() {
        let creator = (1, "1.1.1.1.1.");
        let assignee = Some((2, "1.1.2.1.1."));
        assert!(may_abandon(1, "1.1.1.1.1.", creator, assignee));
        assert!(may_abandon(2, "1.1.2.1.1.", creator, assignee));
        assert!(may_abandon(9, "1.1.2.", creator, assignee));
        assert!(may_abandon(9, "1.1.", creator, None));
        assert!(!may_abandon(9, "1.1.1.1.2.", creator, assignee));
    }
}
