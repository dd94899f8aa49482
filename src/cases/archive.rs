//! Archiving a case and bringing it back (DOMAIN.md §2): archive needs a reason (Other
//! justified) and is for the owner, anyone when the case is unowned, or someone in the same or
//! an ancestor tenant of the owner; unarchive, for anyone who sees the case, restores the
//! status held before archiving, with a reason and further information. Suspending an approved
//! case makes it Dormant.

use super::CaseError;
use crate::accounts::Principal;
use crate::domain::enrolment::{ArchiveReason, EnrolmentStatus, UnarchiveReason};
use crate::store::{enrolment, Store};
use time::OffsetDateTime;

/// Whether `user` may archive a case with this owner and owner's tenant.
pub fn may_archive(user: &Principal, owner: Option<i64>, owner_tenant: Option<&str>) -> bool {
    match owner {
        None => true,
        Some(owner) if owner == user.user_id => true,
        Some(_) => owner_tenant.is_some_and(|tenant| tenant.starts_with(user.tenant.as_str())),
    }
}

/// Archives the case.
pub async fn archive(
    store: &Store,
    user: &Principal,
    id: &str,
    reason: Option<ArchiveReason>,
    justification: &str,
) -> Result<(), CaseError> {
    let reason =
        reason.ok_or_else(|| CaseError::invalid("reason", "Choose why the case is archived"))?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let state = enrolment::case_state(&mut tx, id)
        .await?
        .ok_or_else(|| CaseError::invalid("reason", "This case no longer exists"))?;
    if !may_archive(user, state.owner_id, state.owner_tenant_id.as_deref()) {
        return Err(CaseError::invalid(
            "reason",
            "Only the case's owner, or someone in their team or above it, can archive it",
        ));
    }
    let status = EnrolmentStatus::from_value(state.enrolment_status)
        .ok_or_else(|| CaseError::Internal(format!("unknown status {}", state.enrolment_status)))?;
    let transfer_open = crate::store::transfers::open_incoming(&mut tx, id)
        .await?
        .is_some();
    let (next, justification) = status
        .archive(reason, Some(justification), transfer_open)
        .map_err(|e| CaseError::invalid(field_of(&e), e.to_string()))?;
    super::change_status(
        &mut tx,
        id,
        (status, next),
        user.user_id,
        Some((reason.value(), justification.as_deref())),
        "reason",
        now,
    )
    .await?;
    super::finish(
        tx,
        id,
        user.user_id,
        "Enrolment",
        [
            Some("Case archived"),
            Some(reason.display_name()),
            justification.as_deref(),
        ],
        now,
    )
    .await
}

/// Brings an archived case back to the status it held before.
pub async fn unarchive(
    store: &Store,
    user: &Principal,
    id: &str,
    reason: Option<UnarchiveReason>,
    information: &str,
) -> Result<(), CaseError> {
    let reason =
        reason.ok_or_else(|| CaseError::invalid("reason", "Choose why the case is unarchived"))?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let state = enrolment::case_state(&mut tx, id)
        .await?
        .ok_or_else(|| CaseError::invalid("reason", "This case no longer exists"))?;
    let status = EnrolmentStatus::from_value(state.enrolment_status)
        .ok_or_else(|| CaseError::Internal(format!("unknown status {}", state.enrolment_status)))?;
    let previous = enrolment::previous_status(&mut tx, id)
        .await?
        .and_then(EnrolmentStatus::from_value);
    let (next, information) = status
        .unarchive(
            previous,
            Some(information),
            state.deactivated_in_feed,
            now.date(),
        )
        .map_err(|e| CaseError::invalid(field_of(&e), e.to_string()))?;
    super::change_status(
        &mut tx,
        id,
        (status, next),
        user.user_id,
        Some((reason.value(), Some(&information))),
        "reason",
        now,
    )
    .await?;
    let line2 = format!("Status: {}", next.display_name());
    super::finish(
        tx,
        id,
        user.user_id,
        "Enrolment",
        [
            Some("Case unarchived"),
            Some(&line2),
            Some(reason.display_name()),
        ],
        now,
    )
    .await
}

/// Suspends an approved case (Approved → Dormant, DOMAIN.md §2): the command exists, as in the
/// original, though no page offers it; the demo data uses it to show a dormant case.
pub async fn suspend(store: &Store, user: &Principal, id: &str) -> Result<(), CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let state = enrolment::case_state(&mut tx, id)
        .await?
        .ok_or_else(|| CaseError::invalid("case", "This case no longer exists"))?;
    let status = EnrolmentStatus::from_value(state.enrolment_status)
        .ok_or_else(|| CaseError::Internal(format!("unknown status {}", state.enrolment_status)))?;
    let next = status
        .suspend()
        .map_err(|e| CaseError::invalid("case", e.to_string()))?;
    super::change_status(&mut tx, id, (status, next), user.user_id, None, "case", now).await?;
    super::finish(
        tx,
        id,
        user.user_id,
        "Enrolment",
        [Some("Case suspended"), Some("Status: Dormant"), None],
        now,
    )
    .await
}

/// The form field a refusal belongs at.
fn field_of(error: &crate::domain::enrolment::TransitionError) -> &'static str {
    match error {
        crate::domain::enrolment::TransitionError::ReasonText(_) => "information",
        _ => "reason",
    }
}
