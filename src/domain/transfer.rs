//! Transfers (DOMAIN.md §2 "Transfers"): when the external data moves a case to another
//! location, the contract it arrives in gets an *incoming* entry to process (someone there
//! chooses the new owner), and the contract it leaves gets an *outgoing* entry so its staff see
//! who left. This module holds the rules; `cases::transfers` applies them.

use super::enrolment::EnrolmentStatus;
use super::location::LocationType;
use std::fmt;

/// The kind of a move, by the class of the two locations: community, custody or unmapped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferType {
    /// Community to community.
    CommunityToCommunity,
    /// Community to custody.
    CommunityToCustody,
    /// Custody to community.
    CustodyToCommunity,
    /// Custody to custody.
    CustodyToCustody,
    /// Custody to a location CATS has no mapping for.
    CustodyToUnmapped,
    /// Community to a location CATS has no mapping for.
    CommunityToUnmapped,
    /// From an unmapped location into custody.
    UnmappedToCustody,
    /// From an unmapped location into the community.
    UnmappedToCommunity,
    /// Between unmapped locations.
    UnmappedToUnmapped,
}

/// The class a location type falls in for transfers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Community,
    Custody,
    Unmapped,
}

fn class(kind: LocationType) -> Class {
    if !kind.is_mapped() {
        Class::Unmapped
    } else if kind.is_custody() {
        Class::Custody
    } else {
        Class::Community
    }
}

impl TransferType {
    /// Every type, by stored value.
    pub const ALL: [TransferType; 9] = [
        TransferType::CommunityToCommunity,
        TransferType::CommunityToCustody,
        TransferType::CustodyToCommunity,
        TransferType::CustodyToCustody,
        TransferType::CustodyToUnmapped,
        TransferType::CommunityToUnmapped,
        TransferType::UnmappedToCustody,
        TransferType::UnmappedToCommunity,
        TransferType::UnmappedToUnmapped,
    ];

    /// The type of a move between locations of these types.
    pub fn between(from: LocationType, to: LocationType) -> TransferType {
        use Class::*;
        match (class(from), class(to)) {
            (Community, Community) => TransferType::CommunityToCommunity,
            (Community, Custody) => TransferType::CommunityToCustody,
            (Custody, Community) => TransferType::CustodyToCommunity,
            (Custody, Custody) => TransferType::CustodyToCustody,
            (Custody, Unmapped) => TransferType::CustodyToUnmapped,
            (Community, Unmapped) => TransferType::CommunityToUnmapped,
            (Unmapped, Custody) => TransferType::UnmappedToCustody,
            (Unmapped, Community) => TransferType::UnmappedToCommunity,
            (Unmapped, Unmapped) => TransferType::UnmappedToUnmapped,
        }
    }

    /// The stored value (the original's numbering).
    pub fn value(self) -> i16 {
        match self {
            TransferType::CommunityToCommunity => 0,
            TransferType::CommunityToCustody => 1,
            TransferType::CustodyToCommunity => 2,
            TransferType::CustodyToCustody => 3,
            TransferType::CustodyToUnmapped => 4,
            TransferType::CommunityToUnmapped => 5,
            TransferType::UnmappedToCustody => 6,
            TransferType::UnmappedToCommunity => 7,
            TransferType::UnmappedToUnmapped => 8,
        }
    }

    /// The type with this stored value.
    pub fn from_value(value: i16) -> Option<TransferType> {
        TransferType::ALL.into_iter().find(|t| t.value() == value)
    }

    /// The name shown to people.
    pub fn display_name(self) -> &'static str {
        match self {
            TransferType::CommunityToCommunity => "Community to community",
            TransferType::CommunityToCustody => "Community to custody",
            TransferType::CustodyToCommunity => "Custody to community",
            TransferType::CustodyToCustody => "Custody to custody",
            TransferType::CustodyToUnmapped => "Custody to unmapped",
            TransferType::CommunityToUnmapped => "Community to unmapped",
            TransferType::UnmappedToCustody => "Unmapped to custody",
            TransferType::UnmappedToCommunity => "Unmapped to community",
            TransferType::UnmappedToUnmapped => "Unmapped to unmapped",
        }
    }
}

/// One end of a move: the location's type and its contract (none for unmapped locations).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The location's type.
    pub kind: LocationType,
    /// Its contract.
    pub contract: Option<String>,
}

/// The case's latest incoming entry, as the move rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestIncoming {
    /// Entry id.
    pub id: i64,
    /// Processed (or dismissed, or completed by a later move).
    pub completed: bool,
    /// The contract the case came from.
    pub from_contract: Option<String>,
    /// The contract it went to.
    pub to_contract: Option<String>,
}

/// An outgoing entry not yet replaced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenOutgoing {
    /// Entry id.
    pub id: i64,
    /// The contract the case left.
    pub from_contract: Option<String>,
}

/// What a move does to the transfer entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MovePlan {
    /// The kind of move.
    pub kind: TransferType,
    /// Outgoing entries that this move makes stale: the case leaves, or comes back to, the
    /// contract they were raised for.
    pub replace: Vec<i64>,
    /// An incoming entry nobody processed, overtaken by this move.
    pub complete_incoming: Option<i64>,
    /// Raise an outgoing entry for the contract the case leaves.
    pub outgoing: bool,
    /// Raise an incoming entry for the contract the case arrives in.
    pub incoming: bool,
}

/// The transfer entries a move from `from` to `to` raises and closes.
///
/// An outgoing entry is raised only when the case leaves a contract for another (or for no
/// contract), and only when the previous incoming entry was processed — or was a move inside
/// one contract — so a case bouncing between prisons before anyone processed it does not tell
/// the first contract twice. An incoming entry is raised whenever the case arrives in a
/// contract, even the same one: the team at the new location chooses its owner.
pub fn plan_move(
    from: &Place,
    to: &Place,
    latest_incoming: Option<&LatestIncoming>,
    open_outgoing: &[OpenOutgoing],
) -> MovePlan {
    let replace = open_outgoing
        .iter()
        .filter(|o| {
            o.from_contract.is_some()
                && (o.from_contract == from.contract || o.from_contract == to.contract)
        })
        .map(|o| o.id)
        .collect();
    let (complete_incoming, may_raise_outgoing) = match latest_incoming {
        Some(latest) if !latest.completed => {
            (Some(latest.id), latest.from_contract == latest.to_contract)
        }
        _ => (None, true),
    };
    let leaves_contract = from.contract.is_some() && from.contract != to.contract;
    MovePlan {
        kind: TransferType::between(from.kind, to.kind),
        replace,
        complete_incoming,
        outgoing: may_raise_outgoing && leaves_contract,
        incoming: to.contract.is_some(),
    }
}

/// Why an incoming transfer cannot be processed or dismissed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferRefusal {
    /// Someone already processed or dismissed it, or a later move overtook it.
    AlreadyCompleted,
    /// No assignee was chosen, or the chosen one does not exist.
    NoAssignee,
    /// The assignee's account is not active.
    AssigneeInactive,
    /// The assignee is outside the processing user's scope.
    AssigneeOutOfScope,
    /// The assignee's team does not work at the destination.
    AssigneeCannotSeeLocation,
    /// Only an archived case's transfer can be dismissed.
    NotArchived,
}

impl TransferRefusal {
    /// The form field the message belongs at.
    pub fn field(self) -> &'static str {
        match self {
            TransferRefusal::NoAssignee
            | TransferRefusal::AssigneeInactive
            | TransferRefusal::AssigneeOutOfScope
            | TransferRefusal::AssigneeCannotSeeLocation => "assignee",
            TransferRefusal::AlreadyCompleted | TransferRefusal::NotArchived => "transfer",
        }
    }
}

impl fmt::Display for TransferRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransferRefusal::AlreadyCompleted => {
                "This transfer has already been dealt with: look at the transfers list again"
            }
            TransferRefusal::NoAssignee => "Choose who the case goes to",
            TransferRefusal::AssigneeInactive => "That person's account is not active",
            TransferRefusal::AssigneeOutOfScope => "That person is not in your organisation",
            TransferRefusal::AssigneeCannotSeeLocation => {
                "That person's team does not work at the location the case moved to"
            }
            TransferRefusal::NotArchived => {
                "Only an archived case's transfer can be dismissed: process it instead"
            }
        })
    }
}

/// The person an incoming transfer would give the case to, as the rules see them.
#[derive(Debug, Clone, Copy)]
pub struct TransferAssignee {
    /// Whether the account is active.
    pub active: bool,
    /// Whether they are in the processing user's tenant scope.
    pub in_scope: bool,
    /// Whether their team sees the location the case moved to.
    pub sees_destination: bool,
}

/// Whether an incoming transfer may be processed, giving the case to `assignee`.
pub fn check_process(
    completed: bool,
    assignee: Option<&TransferAssignee>,
) -> Result<(), TransferRefusal> {
    if completed {
        return Err(TransferRefusal::AlreadyCompleted);
    }
    let assignee = assignee.ok_or(TransferRefusal::NoAssignee)?;
    if !assignee.active {
        return Err(TransferRefusal::AssigneeInactive);
    }
    if !assignee.in_scope {
        return Err(TransferRefusal::AssigneeOutOfScope);
    }
    if !assignee.sees_destination {
        return Err(TransferRefusal::AssigneeCannotSeeLocation);
    }
    Ok(())
}

/// Whether an incoming transfer may be dismissed (closed without choosing an owner): only
/// while the case is archived, when there is nobody to give it to.
pub fn check_dismiss(completed: bool, status: EnrolmentStatus) -> Result<(), TransferRefusal> {
    if completed {
        return Err(TransferRefusal::AlreadyCompleted);
    }
    if status != EnrolmentStatus::Archived {
        return Err(TransferRefusal::NotArchived);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(kind: LocationType, contract: Option<&str>) -> Place {
        Place {
            kind,
            contract: contract.map(str::to_owned),
        }
    }

    fn incoming(id: i64, completed: bool, from: Option<&str>, to: Option<&str>) -> LatestIncoming {
        LatestIncoming {
            id,
            completed,
            from_contract: from.map(str::to_owned),
            to_contract: to.map(str::to_owned),
        }
    }

    fn outgoing(id: i64, from: &str) -> OpenOutgoing {
        OpenOutgoing {
            id,
            from_contract: Some(from.to_owned()),
        }
    }

    #[test]
    fn the_nine_types_follow_the_class_of_each_end() {
        use LocationType::*;
        let cases = [
            (Community, Hub, TransferType::CommunityToCommunity),
            (Satellite, Wing, TransferType::CommunityToCustody),
            (Female, Community, TransferType::CustodyToCommunity),
            (Feeder, Outlying, TransferType::CustodyToCustody),
            (Wing, UnmappedCustody, TransferType::CustodyToUnmapped),
            (Hub, Unknown, TransferType::CommunityToUnmapped),
            (UnmappedCommunity, Wing, TransferType::UnmappedToCustody),
            (Unknown, Community, TransferType::UnmappedToCommunity),
            (
                UnmappedCustody,
                UnmappedCommunity,
                TransferType::UnmappedToUnmapped,
            ),
        ];
        for (from, to, kind) in cases {
            assert_eq!(TransferType::between(from, to), kind, "{from:?} → {to:?}");
        }
    }

    #[test]
    fn stored_values_round_trip() {
        for kind in TransferType::ALL {
            assert_eq!(TransferType::from_value(kind.value()), Some(kind));
        }
        assert_eq!(TransferType::from_value(9), None);
    }

    #[test]
    fn a_first_move_between_contracts_raises_both_entries() {
        let plan = plan_move(
            &place(LocationType::Wing, Some("a")),
            &place(LocationType::Community, Some("b")),
            None,
            &[],
        );
        assert_eq!(
            plan,
            MovePlan {
                kind: TransferType::CustodyToCommunity,
                replace: vec![],
                complete_incoming: None,
                outgoing: true,
                incoming: true,
            }
        );
    }

    #[test]
    fn a_move_inside_one_contract_raises_only_an_incoming_entry() {
        let plan = plan_move(
            &place(LocationType::Wing, Some("a")),
            &place(LocationType::Feeder, Some("a")),
            None,
            &[],
        );
        assert!(plan.incoming);
        assert!(!plan.outgoing);
    }

    #[test]
    fn a_move_out_of_every_contract_raises_only_an_outgoing_entry() {
        let plan = plan_move(
            &place(LocationType::Wing, Some("a")),
            &place(LocationType::UnmappedCustody, None),
            None,
            &[],
        );
        assert!(plan.outgoing);
        assert!(!plan.incoming);
    }

    #[test]
    fn a_move_from_nowhere_raises_no_outgoing_entry() {
        let plan = plan_move(
            &place(LocationType::Unknown, None),
            &place(LocationType::Wing, Some("a")),
            None,
            &[],
        );
        assert!(!plan.outgoing);
        assert!(plan.incoming);
    }

    #[test]
    fn an_unprocessed_incoming_entry_is_completed_by_the_next_move_and_holds_back_the_outgoing() {
        let latest = incoming(7, false, Some("a"), Some("b"));
        let plan = plan_move(
            &place(LocationType::Community, Some("b")),
            &place(LocationType::Community, Some("c")),
            Some(&latest),
            &[],
        );
        assert_eq!(plan.complete_incoming, Some(7));
        // Contract b never processed the case, so it is not told it left.
        assert!(!plan.outgoing);
        assert!(plan.incoming);
    }

    #[test]
    fn an_unprocessed_same_contract_incoming_entry_still_lets_the_outgoing_through() {
        let latest = incoming(7, false, Some("a"), Some("a"));
        let plan = plan_move(
            &place(LocationType::Wing, Some("a")),
            &place(LocationType::Community, Some("b")),
            Some(&latest),
            &[],
        );
        assert_eq!(plan.complete_incoming, Some(7));
        assert!(plan.outgoing);
    }

    #[test]
    fn a_processed_incoming_entry_is_left_alone() {
        let latest = incoming(7, true, Some("a"), Some("b"));
        let plan = plan_move(
            &place(LocationType::Community, Some("b")),
            &place(LocationType::Community, Some("c")),
            Some(&latest),
            &[],
        );
        assert_eq!(plan.complete_incoming, None);
        assert!(plan.outgoing);
    }

    #[test]
    fn outgoing_entries_of_the_contract_left_or_returned_to_are_replaced() {
        let open = [outgoing(1, "a"), outgoing(2, "b"), outgoing(3, "c")];
        let plan = plan_move(
            &place(LocationType::Community, Some("b")),
            &place(LocationType::Wing, Some("a")),
            None,
            &open,
        );
        assert_eq!(plan.replace, vec![1, 2]);
    }

    #[test]
    fn processing_needs_an_open_entry_and_an_active_assignee_in_scope_at_the_destination() {
        let good = TransferAssignee {
            active: true,
            in_scope: true,
            sees_destination: true,
        };
        assert_eq!(check_process(false, Some(&good)), Ok(()));
        assert_eq!(
            check_process(true, Some(&good)),
            Err(TransferRefusal::AlreadyCompleted)
        );
        assert_eq!(check_process(false, None), Err(TransferRefusal::NoAssignee));
        let inactive = TransferAssignee {
            active: false,
            ..good
        };
        assert_eq!(
            check_process(false, Some(&inactive)),
            Err(TransferRefusal::AssigneeInactive)
        );
        let outside = TransferAssignee {
            in_scope: false,
            ..good
        };
        assert_eq!(
            check_process(false, Some(&outside)),
            Err(TransferRefusal::AssigneeOutOfScope)
        );
        let elsewhere = TransferAssignee {
            sees_destination: false,
            ..good
        };
        assert_eq!(
            check_process(false, Some(&elsewhere)),
            Err(TransferRefusal::AssigneeCannotSeeLocation)
        );
    }

    #[test]
    fn only_an_archived_cases_open_transfer_can_be_dismissed() {
        assert_eq!(check_dismiss(false, EnrolmentStatus::Archived), Ok(()));
        assert_eq!(
            check_dismiss(false, EnrolmentStatus::Approved),
            Err(TransferRefusal::NotArchived)
        );
        assert_eq!(
            check_dismiss(true, EnrolmentStatus::Archived),
            Err(TransferRefusal::AlreadyCompleted)
        );
    }
}
