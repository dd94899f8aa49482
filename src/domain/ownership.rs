//! Who owns a case, and the rules for changing it (DOMAIN.md §2 "Location & ownership"): a
//! user with the Reassign permission gives a case to an active colleague in their scope; anyone
//! takes an unowned case at a location they see. Neither while the case is archived or has an
//! open incoming transfer. The new owner's team must see the case's location, the same rule the
//! external-data refresh applies after a move (otherwise the next move would unassign them).

use super::enrolment::EnrolmentStatus;
use super::location::LocationType;
use super::tenant::{TenantId, TenantScope};
use std::fmt;

/// The person a case would be given to, as the rules see them.
#[derive(Debug, Clone)]
pub struct Assignee {
    /// User id.
    pub id: i64,
    /// Whether the account is active.
    pub active: bool,
    /// Their tenant.
    pub tenant: TenantId,
    /// Whether their tenant sees the case's current location.
    pub sees_location: bool,
}

/// The case, as the rules see it.
#[derive(Debug, Clone, Copy)]
pub struct CaseOwnership {
    /// Its enrolment status.
    pub status: EnrolmentStatus,
    /// Its owner, if any.
    pub owner: Option<i64>,
    /// Whether an incoming transfer is waiting to be processed.
    pub incoming_transfer_open: bool,
}

/// Why the owner cannot be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignRefusal {
    /// The case is archived.
    Archived,
    /// An incoming transfer must be processed first.
    IncomingTransfer,
    /// No assignee was chosen, or the chosen one does not exist.
    NoAssignee,
    /// The assignee's account is not active.
    AssigneeInactive,
    /// The assignee is outside the reassigning user's tenant scope.
    AssigneeOutOfScope,
    /// The assignee's team does not see the case's location.
    AssigneeCannotSeeLocation,
    /// The assignee already owns the case.
    AlreadyOwner,
    /// Only an unowned case can be taken.
    AlreadyOwned,
    /// The user taking the case does not see its location.
    CannotSeeLocation,
}

impl AssignRefusal {
    /// The form field the message belongs at.
    pub fn field(self) -> &'static str {
        match self {
            AssignRefusal::NoAssignee
            | AssignRefusal::AssigneeInactive
            | AssignRefusal::AssigneeOutOfScope
            | AssignRefusal::AssigneeCannotSeeLocation
            | AssignRefusal::AlreadyOwner => "assignee",
            _ => "case",
        }
    }
}

impl fmt::Display for AssignRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AssignRefusal::Archived => {
                "The case is archived: unarchive it before changing its owner"
            }
            AssignRefusal::IncomingTransfer => {
                "The case has an incoming transfer: process the transfer before changing its owner"
            }
            AssignRefusal::NoAssignee => "Choose who the case goes to",
            AssignRefusal::AssigneeInactive => "That person's account is not active",
            AssignRefusal::AssigneeOutOfScope => "That person is not in your organisation",
            AssignRefusal::AssigneeCannotSeeLocation => {
                "That person's team does not work at the case's location"
            }
            AssignRefusal::AlreadyOwner => "That person already owns the case",
            AssignRefusal::AlreadyOwned => {
                "Someone already owns this case: ask a colleague who can reassign cases"
            }
            AssignRefusal::CannotSeeLocation => "Your team does not work at the case's location",
        })
    }
}

fn open_for_change(case: &CaseOwnership) -> Result<(), AssignRefusal> {
    if case.status == EnrolmentStatus::Archived {
        return Err(AssignRefusal::Archived);
    }
    if case.incoming_transfer_open {
        return Err(AssignRefusal::IncomingTransfer);
    }
    Ok(())
}

/// Whether a user whose scope is `scope` (holding the Reassign permission) may give the case
/// to `assignee`.
pub fn check_reassign(
    case: &CaseOwnership,
    scope: &TenantScope,
    assignee: Option<&Assignee>,
) -> Result<(), AssignRefusal> {
    open_for_change(case)?;
    let assignee = assignee.ok_or(AssignRefusal::NoAssignee)?;
    if !assignee.active {
        return Err(AssignRefusal::AssigneeInactive);
    }
    if !scope.contains(&assignee.tenant) {
        return Err(AssignRefusal::AssigneeOutOfScope);
    }
    if case.owner == Some(assignee.id) {
        return Err(AssignRefusal::AlreadyOwner);
    }
    if !assignee.sees_location {
        return Err(AssignRefusal::AssigneeCannotSeeLocation);
    }
    Ok(())
}

/// Whether a user may take an unowned case; `sees_location` is whether their team sees its
/// current location.
pub fn check_take(case: &CaseOwnership, sees_location: bool) -> Result<(), AssignRefusal> {
    open_for_change(case)?;
    if case.owner.is_some() {
        return Err(AssignRefusal::AlreadyOwned);
    }
    if !sees_location {
        return Err(AssignRefusal::CannotSeeLocation);
    }
    Ok(())
}

/// Whether a team whose tenant id is `tenant` sees a location linked to the tenants `linked`:
/// one of them is the team itself or below it.
pub fn team_sees_location(tenant: &str, linked: &[String]) -> bool {
    linked.iter().any(|l| l.starts_with(tenant))
}

/// Someone who could own a case after a move: their id, and whether their team works at the
/// new location.
pub type MoveCandidate = (i64, bool);

/// Who owns a case after it moves from a location of type `from` to one of type `to` (DOMAIN.md
/// §2): the owner stays, except that a move from custody to the community makes the assignee
/// of an active PRI whose release location is the new one (`pri_assignee`) the owner; whoever
/// it is must work at the new location, or the case becomes unowned.
pub fn owner_after_move(
    owner: Option<MoveCandidate>,
    (from, to): (LocationType, LocationType),
    pri_assignee: Option<MoveCandidate>,
) -> Option<i64> {
    let released = from.is_custody() && to.is_community();
    let next = match pri_assignee {
        Some(assignee) if released => Some(assignee),
        _ => owner,
    };
    next.filter(|(_, sees)| *sees).map(|(id, _)| id)
}

/// The timeline's three lines for a change of owner (names, or `None` for unassigned).
pub fn timeline_lines(from: Option<&str>, to: Option<&str>) -> [String; 3] {
    let heading = if from.is_some() {
        "Caseworker reassigned"
    } else {
        "Caseworker assigned"
    };
    [
        heading.to_owned(),
        format!("From {}", from.unwrap_or("unassigned")),
        format!("To {}", to.unwrap_or("unassigned")),
    ]
}

/// Who is told about a change of owner made by `by`: the new owner that they were given the
/// case, the previous owner that it was taken from them, never the person who made the change.
pub fn told(by: Option<i64>, from: Option<i64>, to: Option<i64>) -> (Option<i64>, Option<i64>) {
    let assigned = to.filter(|t| Some(*t) != by && Some(*t) != from);
    let unassigned = from.filter(|f| Some(*f) != by && Some(*f) != to);
    (assigned, unassigned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(id: &str) -> TenantId {
        TenantId::parse(id).expect("tenant")
    }

    fn case(status: EnrolmentStatus, owner: Option<i64>) -> CaseOwnership {
        CaseOwnership {
            status,
            owner,
            incoming_transfer_open: false,
        }
    }

    fn colleague(id: i64) -> Assignee {
        Assignee {
            id,
            active: true,
            tenant: tenant("1.2.1."),
            sees_location: true,
        }
    }

    fn provider_scope() -> TenantScope {
        TenantScope::of_user_tenant(tenant("1.2."))
    }

    #[test]
    fn a_colleague_in_scope_who_sees_the_location_can_be_given_the_case() {
        let c = case(EnrolmentStatus::Enrolling, Some(1));
        assert_eq!(
            check_reassign(&c, &provider_scope(), Some(&colleague(2))),
            Ok(())
        );
    }

    #[test]
    fn archived_cases_and_open_transfers_block_every_change() {
        let archived = case(EnrolmentStatus::Archived, Some(1));
        assert_eq!(
            check_reassign(&archived, &provider_scope(), Some(&colleague(2))),
            Err(AssignRefusal::Archived)
        );
        assert_eq!(
            check_take(&case(EnrolmentStatus::Archived, None), true),
            Err(AssignRefusal::Archived)
        );
        let transfer = CaseOwnership {
            incoming_transfer_open: true,
            ..case(EnrolmentStatus::Approved, None)
        };
        assert_eq!(
            check_take(&transfer, true),
            Err(AssignRefusal::IncomingTransfer)
        );
    }

    #[test]
    fn the_assignee_must_be_chosen_active_in_scope_new_and_at_the_location() {
        let c = case(EnrolmentStatus::Identified, Some(1));
        let scope = provider_scope();
        assert_eq!(
            check_reassign(&c, &scope, None),
            Err(AssignRefusal::NoAssignee)
        );
        let inactive = Assignee {
            active: false,
            ..colleague(2)
        };
        assert_eq!(
            check_reassign(&c, &scope, Some(&inactive)),
            Err(AssignRefusal::AssigneeInactive)
        );
        let elsewhere = Assignee {
            tenant: tenant("1.3."),
            ..colleague(2)
        };
        assert_eq!(
            check_reassign(&c, &scope, Some(&elsewhere)),
            Err(AssignRefusal::AssigneeOutOfScope)
        );
        assert_eq!(
            check_reassign(&c, &scope, Some(&colleague(1))),
            Err(AssignRefusal::AlreadyOwner)
        );
        let away = Assignee {
            sees_location: false,
            ..colleague(2)
        };
        assert_eq!(
            check_reassign(&c, &scope, Some(&away)),
            Err(AssignRefusal::AssigneeCannotSeeLocation)
        );
        assert_eq!(AssignRefusal::AssigneeCannotSeeLocation.field(), "assignee");
    }

    #[test]
    fn only_an_unowned_case_at_a_location_you_see_can_be_taken() {
        assert_eq!(
            check_take(&case(EnrolmentStatus::Enrolling, None), true),
            Ok(())
        );
        assert_eq!(
            check_take(&case(EnrolmentStatus::Enrolling, Some(4)), true),
            Err(AssignRefusal::AlreadyOwned)
        );
        assert_eq!(
            check_take(&case(EnrolmentStatus::Enrolling, None), false),
            Err(AssignRefusal::CannotSeeLocation)
        );
    }

    #[test]
    fn a_team_sees_locations_linked_to_it_or_below_it() {
        let linked = vec!["1.2.1.".to_owned()];
        assert!(team_sees_location("1.2.", &linked));
        assert!(team_sees_location("1.2.1.", &linked));
        assert!(!team_sees_location("1.2.2.", &linked));
        assert!(!team_sees_location("1.2.", &[]));
    }

    #[test]
    fn the_owner_stays_after_a_move_unless_they_cannot_see_the_new_location() {
        use LocationType::*;
        assert_eq!(
            owner_after_move(Some((7, true)), (Wing, Feeder), None),
            Some(7)
        );
        assert_eq!(
            owner_after_move(Some((7, false)), (Wing, Community), None),
            None
        );
        assert_eq!(owner_after_move(None, (Wing, Community), None), None);
    }

    #[test]
    fn release_to_a_pris_location_gives_the_case_to_the_pri_assignee() {
        use LocationType::*;
        let owner = Some((7, true));
        assert_eq!(
            owner_after_move(owner, (Wing, Community), Some((8, true))),
            Some(8)
        );
        assert_eq!(
            owner_after_move(owner, (Female, Hub), Some((8, true))),
            Some(8)
        );
        assert_eq!(
            owner_after_move(None, (Outlying, Satellite), Some((8, true))),
            Some(8)
        );
        // The assignee must work at the new location, or nobody owns the case.
        assert_eq!(
            owner_after_move(owner, (Wing, Community), Some((8, false))),
            None
        );
        // Only a release from custody to the community hands the case over.
        assert_eq!(
            owner_after_move(owner, (Community, Community), Some((8, true))),
            Some(7)
        );
        assert_eq!(
            owner_after_move(owner, (Wing, Feeder), Some((8, true))),
            Some(7)
        );
    }

    #[test]
    fn the_timeline_says_from_whom_to_whom() {
        assert_eq!(
            timeline_lines(None, Some("Sam")),
            [
                "Caseworker assigned".to_owned(),
                "From unassigned".to_owned(),
                "To Sam".to_owned()
            ]
        );
        assert_eq!(
            timeline_lines(Some("Sam"), None)[0],
            "Caseworker reassigned"
        );
        assert_eq!(timeline_lines(Some("Sam"), None)[2], "To unassigned");
    }

    #[test]
    fn nobody_is_told_about_their_own_change() {
        // A manager moves a case from 1 to 2: both are told.
        assert_eq!(told(Some(9), Some(1), Some(2)), (Some(2), Some(1)));
        // Someone takes an unowned case: nobody is told.
        assert_eq!(told(Some(2), None, Some(2)), (None, None));
        // The owner gives their case away: only the new owner is told.
        assert_eq!(told(Some(1), Some(1), Some(2)), (Some(2), None));
        // The refresh unassigns a case: the old owner is told.
        assert_eq!(told(None, Some(1), None), (None, Some(1)));
    }
}
