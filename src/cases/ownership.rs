//! Changing who owns a case (DOMAIN.md §2): reassigning it (the Reassign permission) and taking
//! an unowned one. One transaction changes the owner (only if it is still the one the rules
//! were checked against), closes and opens the ownership history, writes the timeline, tells
//! the people concerned and publishes the case to its open pages. The external-data refresh
//! records the owner it drops through `record_change`.

use super::notify::notify;
use super::CaseError;
use crate::accounts::Principal;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::ownership::{
    check_reassign, check_take, team_sees_location, timeline_lines, told, AssignRefusal, Assignee,
    CaseOwnership,
};
use crate::domain::permission::Permission;
use crate::domain::tenant::TenantId;
use crate::domain::user::UserStatus;
use crate::format::full_name;
use crate::live::case_view;
use crate::store::enrolment::{self, CaseState};
use crate::store::ownership::{self, PersonRow};
use crate::store::{participants, transfers, users, Store, StoreError, Tx};
use time::OffsetDateTime;

/// Gives case `id` to `assignee` (a user id from the form; `None` when nothing was chosen).
pub async fn reassign(
    store: &Store,
    user: &Principal,
    id: &str,
    assignee: Option<i64>,
) -> Result<(), CaseError> {
    if !user.can(Permission::Reassign) {
        return Err(CaseError::Forbidden);
    }
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let state = state_of(&mut tx, id).await?;
    let linked = ownership::location_tenants(&mut tx, state.current_location_id).await?;
    let person = match assignee {
        Some(assignee) => ownership::person(&mut tx, assignee).await?,
        None => None,
    };
    let candidate = match &person {
        Some(p) => Some(Assignee {
            id: p.id,
            active: UserStatus::from_code(&p.status) == Some(UserStatus::Active),
            tenant: TenantId::parse(&p.tenant_id)
                .map_err(|e| CaseError::Internal(e.to_string()))?,
            sees_location: team_sees_location(&p.tenant_id, &linked),
        }),
        None => None,
    };
    let case = facts(&mut tx, &state).await?;
    check_reassign(&case, &user.scope(), candidate.as_ref()).map_err(refused)?;
    // check_reassign refuses a missing assignee, so there is one here.
    let person = person.ok_or_else(|| refused(AssignRefusal::NoAssignee))?;
    give(&mut tx, &state, Some(&person), Some(user.user_id), now).await?;
    tx.commit().await?;
    Ok(())
}

/// The signed-in user takes unowned case `id`.
pub async fn take(store: &Store, user: &Principal, id: &str) -> Result<(), CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let state = state_of(&mut tx, id).await?;
    let linked = ownership::location_tenants(&mut tx, state.current_location_id).await?;
    let sees = team_sees_location(user.tenant.as_str(), &linked);
    check_take(&facts(&mut tx, &state).await?, sees).map_err(refused)?;
    let me = PersonRow {
        id: user.user_id,
        display_name: user.display_name.clone(),
        tenant_id: user.tenant.as_str().to_owned(),
        status: UserStatus::Active.code().to_owned(),
    };
    give(&mut tx, &state, Some(&me), Some(user.user_id), now).await?;
    tx.commit().await?;
    Ok(())
}

async fn state_of(tx: &mut Tx, id: &str) -> Result<CaseState, CaseError> {
    enrolment::case_state(tx, id)
        .await?
        .ok_or_else(|| CaseError::invalid("case", "This case no longer exists"))
}

async fn facts(tx: &mut Tx, state: &CaseState) -> Result<CaseOwnership, CaseError> {
    let status = EnrolmentStatus::from_value(state.enrolment_status)
        .ok_or_else(|| CaseError::Internal(format!("unknown status {}", state.enrolment_status)))?;
    Ok(CaseOwnership {
        status,
        owner: state.owner_id,
        incoming_transfer_open: transfers::open_incoming(tx, &state.id).await?.is_some(),
    })
}

fn refused(refusal: AssignRefusal) -> CaseError {
    CaseError::invalid(refusal.field(), refusal.to_string())
}

/// Moves the case from its owner in `state` to `to`, if nobody changed the owner since, and
/// records the change and publishes the case.
pub(super) async fn give(
    tx: &mut Tx,
    state: &CaseState,
    to: Option<&PersonRow>,
    by: Option<i64>,
    now: OffsetDateTime,
) -> Result<(), CaseError> {
    let owner = to.map(|p| (p.id, p.tenant_id.as_str()));
    if !ownership::set_owner(tx, &state.id, state.owner_id, owner, now).await? {
        return Err(CaseError::invalid(
            "case",
            "Someone else changed this case's owner: look at it again",
        ));
    }
    let change = OwnerChange {
        id: &state.id,
        location: state.current_location_id,
        from: state.owner_id,
        to,
        by,
        why: None,
    };
    record_change(tx, &change, now).await?;
    case_view::publish_in(tx, &state.id, now).await?;
    Ok(())
}

/// A change of owner already written to the case, to be recorded.
pub struct OwnerChange<'a> {
    /// The case.
    pub id: &'a str,
    /// Its current location (whose contract the history notes).
    pub location: i64,
    /// The previous owner.
    pub from: Option<i64>,
    /// The new owner.
    pub to: Option<&'a PersonRow>,
    /// Who made the change (`None`: the system).
    pub by: Option<i64>,
    /// Why, when the system made it.
    pub why: Option<&'a str>,
}

/// Records a change of owner already written to the case: the ownership history, the
/// timeline, and notifications to the new and previous owners.
pub async fn record_change(
    tx: &mut Tx,
    change: &OwnerChange<'_>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let id = change.id;
    let owner = change.to.map(|p| (p.id, p.tenant_id.as_str()));
    ownership::record(tx, id, owner, change.location, change.by, now).await?;
    let from = match change.from {
        Some(from) => users::display_names(tx, &[from]).await?.remove(&from),
        None => None,
    };
    let mut lines = timeline_lines(from.as_deref(), change.to.map(|p| p.display_name.as_str()));
    if let Some(why) = change.why {
        lines[2] = format!("{}: {why}", lines[2]);
    }
    participants::insert_timeline(
        tx,
        id,
        "Participant",
        [Some(&lines[0]), Some(&lines[1]), Some(&lines[2])],
        change.by,
        now,
    )
    .await?;
    let (assigned, unassigned) = told(change.by, change.from, change.to.map(|p| p.id));
    if assigned.is_none() && unassigned.is_none() {
        return Ok(());
    }
    let name = participants::by_id(tx, id)
        .await?
        .map(|p| full_name(&p.first_name, p.middle_name.as_deref(), &p.last_name))
        .unwrap_or_default();
    if let Some(to) = assigned {
        let details = format!("{name} ({id}) was assigned to you.");
        notify(tx, to, "Participant assigned", &details, id, None, now).await?;
    }
    if let Some(from) = unassigned {
        let details = format!("{name} ({id}), who you were working with, is no longer yours.");
        notify(tx, from, "Participant unassigned", &details, id, None, now).await?;
    }
    Ok(())
}
