//! Transfers (DOMAIN.md §2): the entries a move in the external data raises and closes
//! (`on_move`, inside the refresh's transaction), and the two things people do with an
//! incoming entry: process it, choosing the case's owner at its new location, or dismiss it
//! while the case is archived.

use super::ownership::give;
use super::CaseError;
use crate::accounts::Principal;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::location::LocationType;
use crate::domain::ownership::team_sees_location;
use crate::domain::permission::Permission;
use crate::domain::tenant::TenantId;
use crate::domain::transfer::{
    check_dismiss, check_process, plan_move, Place, TransferAssignee, TransferRefusal,
};
use crate::domain::user::UserStatus;
use crate::live::case_view;
use crate::live::transfers::publish_transfers_in;
use crate::store::transfers::{self as rows, IncomingRow, NewTransfer};
use crate::store::{enrolment, ownership, participants, Store, StoreError, Tx};
use time::OffsetDateTime;

/// Raises and closes the transfer entries for case `id` moving from location `from` to `to`;
/// `owner` is who owned it (and their tenant) before the move.
pub async fn on_move(
    tx: &mut Tx,
    id: &str,
    (from, to): (i64, i64),
    owner: Option<(i64, &str)>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let (Some(from_place), Some(to_place)) = (place(tx, from).await?, place(tx, to).await?) else {
        return Ok(());
    };
    let latest = rows::latest_incoming(tx, id).await?;
    let open = rows::open_outgoing(tx, id).await?;
    let plan = plan_move(&from_place, &to_place, latest.as_ref(), &open);
    rows::replace_outgoing(tx, &plan.replace).await?;
    if let Some(incoming) = plan.complete_incoming {
        rows::complete_incoming(tx, incoming, None, false, now).await?;
    }
    let transfer = NewTransfer {
        participant: id,
        from_location: from,
        to_location: to,
        from_contract: from_place.contract.as_deref(),
        to_contract: to_place.contract.as_deref(),
        kind: plan.kind,
        moved_at: now,
    };
    if plan.outgoing {
        rows::insert_outgoing(tx, &transfer, owner).await?;
    }
    if plan.incoming {
        rows::insert_incoming(tx, &transfer).await?;
    }
    let changed = plan.incoming
        || plan.outgoing
        || plan.complete_incoming.is_some()
        || !plan.replace.is_empty();
    if changed {
        publish_transfers_in(tx, now).await?;
    }
    Ok(())
}

async fn place(tx: &mut Tx, location: i64) -> Result<Option<Place>, StoreError> {
    Ok(rows::place(tx, location)
        .await?
        .map(|(kind, contract)| Place {
            // An unknown type code is treated as unmapped: it has no contract either way.
            kind: LocationType::from_code(&kind).unwrap_or(LocationType::Unknown),
            contract,
        }))
}

/// Incoming entry `transfer` if `user` may act on it: they hold an additional role (any but
/// Finance) and their organisation works at the location the case moved to. Also returns the
/// tenants linked to that location, which choosing the new owner needs too.
pub async fn visible_incoming(
    q: &mut impl crate::store::Exec,
    user: &Principal,
    transfer: i64,
) -> Result<(IncomingRow, Vec<String>), CaseError> {
    if !user.roles.has_additional_role() {
        return Err(CaseError::Forbidden);
    }
    let row = rows::incoming(q, transfer)
        .await?
        .ok_or(CaseError::Store(StoreError::NotFound))?;
    let linked = ownership::location_tenants(q, row.moved.to_location_id).await?;
    if !team_sees_location(user.tenant.as_str(), &linked) {
        return Err(CaseError::Forbidden);
    }
    Ok((row, linked))
}

fn refused(refusal: TransferRefusal) -> CaseError {
    CaseError::invalid(refusal.field(), refusal.to_string())
}

/// Processes incoming entry `transfer`, giving its case to `assignee` (a user id from the
/// form). Returns the case's id.
pub async fn process(
    store: &Store,
    user: &Principal,
    transfer: i64,
    assignee: Option<i64>,
) -> Result<String, CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let (row, linked) = visible_incoming(&mut tx, user, transfer).await?;
    let person = match assignee {
        Some(assignee) => ownership::person(&mut tx, assignee).await?,
        None => None,
    };
    let checked = person.as_ref().map(|p| TransferAssignee {
        active: UserStatus::from_code(&p.status) == Some(UserStatus::Active),
        in_scope: TenantId::parse(&p.tenant_id)
            .map(|t| user.scope().contains(&t))
            .unwrap_or(false),
        sees_destination: team_sees_location(&p.tenant_id, &linked),
    });
    check_process(row.completed_at.is_some(), checked.as_ref()).map_err(refused)?;
    let person = person.ok_or_else(|| refused(TransferRefusal::NoAssignee))?;
    if !rows::complete_incoming(&mut tx, row.moved.id, Some(user.user_id), false, now).await? {
        return Err(refused(TransferRefusal::AlreadyCompleted));
    }
    let state = enrolment::case_state(&mut tx, &row.moved.participant_id)
        .await?
        .ok_or_else(|| CaseError::invalid("transfer", "This case no longer exists"))?;
    let owner_line = format!("Owner: {}", person.display_name);
    participants::insert_timeline(
        &mut tx,
        &row.moved.participant_id,
        "Participant",
        [Some("Incoming transfer processed"), Some(&owner_line), None],
        Some(user.user_id),
        now,
    )
    .await?;
    publish_transfers_in(&mut tx, now).await?;
    if state.owner_id == Some(person.id) {
        enrolment::touch(&mut tx, &row.moved.participant_id, now).await?;
        case_view::publish_in(&mut tx, &row.moved.participant_id, now).await?;
    } else {
        give(&mut tx, &state, Some(&person), Some(user.user_id), now).await?;
    }
    tx.commit().await?;
    Ok(row.moved.participant_id)
}

/// Dismisses incoming entry `transfer` of an archived case (Senior Internal only). Returns the
/// case's id.
pub async fn dismiss(store: &Store, user: &Principal, transfer: i64) -> Result<String, CaseError> {
    if !user.can(Permission::SeniorInternal) {
        return Err(CaseError::Forbidden);
    }
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let (row, _) = visible_incoming(&mut tx, user, transfer).await?;
    let status = EnrolmentStatus::from_value(row.moved.enrolment_status).ok_or_else(|| {
        CaseError::Internal(format!("unknown status {}", row.moved.enrolment_status))
    })?;
    check_dismiss(row.completed_at.is_some(), status).map_err(refused)?;
    if !rows::complete_incoming(&mut tx, row.moved.id, Some(user.user_id), true, now).await? {
        return Err(refused(TransferRefusal::AlreadyCompleted));
    }
    participants::insert_timeline(
        &mut tx,
        &row.moved.participant_id,
        "Participant",
        [
            Some("Incoming transfer dismissed"),
            Some("The case is archived"),
            None,
        ],
        Some(user.user_id),
        now,
    )
    .await?;
    enrolment::touch(&mut tx, &row.moved.participant_id, now).await?;
    case_view::publish_in(&mut tx, &row.moved.participant_id, now).await?;
    publish_transfers_in(&mut tx, now).await?;
    tx.commit().await?;
    Ok(row.moved.participant_id)
}
