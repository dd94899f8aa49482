//! Pre-release inventory commands (DOMAIN.md §2 "PRI"): a community worker issues the case's
//! code; a custody worker makes the PRI, assigned to the code's issuer or to themselves; the
//! people working on it (or above them) abandon it. Each runs in the case's actor and writes its
//! rows, the timeline line, any notification and the case's live event in one transaction.

use super::enrol::state_in;
use super::notify::notify;
use super::CaseError;
use crate::accounts::Principal;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::field::FieldError;
use crate::domain::location::LocationType;
use crate::domain::ownership::team_sees_location;
use crate::domain::pri::creation::{choose_assignee, Assignment, Candidate, CheckedPri};
use crate::domain::pri::{
    check_abandon, check_issue, may_abandon, may_create, AbandonReason, PriCode, PriStatus,
};
use crate::domain::user::UserStatus;
use crate::format::{display_date, full_name};
use crate::live::case_view;
use crate::store::ownership::{self, PersonRow};
use crate::store::{org, participants, pri, Store};
use time::OffsetDateTime;

fn invalid(error: FieldError) -> CaseError {
    CaseError::invalid(error.field, error.message)
}

/// Whether `user` is a community worker: their team works at a community location.
pub async fn is_community_worker(store: &Store, user: &Principal) -> Result<bool, CaseError> {
    let visible = org::locations_visible(&mut store.db(), &user.scope()).await?;
    Ok(visible.iter().any(|l| {
        LocationType::from_code(&l.location_type).is_some_and(|t| t.is_community() && t.is_mapped())
    }))
}

/// Issues a new code for case `id` (replacing any earlier one) and returns it.
pub async fn issue_code(store: &Store, user: &Principal, id: &str) -> Result<PriCode, CaseError> {
    let community_worker = is_community_worker(store, user).await?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let (_, status) = state_in(&mut tx, id).await?;
    let existing = pri::of_participant(&mut tx, id).await?.map(|p| p.status());
    check_issue(
        community_worker,
        status == EnrolmentStatus::Archived,
        existing,
    )
    .map_err(|refusal| CaseError::invalid("code", refusal.to_string()))?;
    let code = PriCode::from_random(rand::random());
    pri::issue_code(&mut tx, id, code, user.user_id, now).await?;
    tx.commit().await?;
    Ok(code)
}

fn candidate(person: &PersonRow, release: &[String]) -> Candidate {
    Candidate {
        id: person.id,
        active: UserStatus::from_code(&person.status) == Some(UserStatus::Active),
        sees_release: team_sees_location(&person.tenant_id, release),
    }
}

/// Makes the case's PRI from a checked form, assigned by the rules, and tells the assignee
/// when it is someone else.
pub async fn create(
    store: &Store,
    user: &Principal,
    id: &str,
    form: &CheckedPri,
) -> Result<(), CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let (_, status) = state_in(&mut tx, id).await?;
    if status == EnrolmentStatus::Archived {
        return Err(CaseError::invalid(
            "case",
            "The case is archived: unarchive it before making a PRI",
        ));
    }
    let existing = pri::of_participant(&mut tx, id).await?.map(|p| p.status());
    may_create(existing).map_err(|m| CaseError::invalid("case", m))?;
    let release = ownership::location_tenants(&mut tx, form.release_location).await?;
    let me = PersonRow {
        id: user.user_id,
        display_name: user.display_name.clone(),
        tenant_id: user.tenant.as_str().to_owned(),
        status: UserStatus::Active.code().to_owned(),
    };
    let issuer = match form.assignment {
        Assignment::Code(code) => match pri::live_code(&mut tx, id).await? {
            Some((live, by)) if live == code.value() => ownership::person(&mut tx, by).await?,
            _ => None,
        },
        Assignment::Myself => None,
    };
    let creator = candidate(&me, &release);
    let issuer_candidate = issuer.as_ref().map(|person| candidate(person, &release));
    let assignee = choose_assignee(form.assignment, creator, issuer_candidate).map_err(invalid)?;
    let assignee = if assignee == me.id {
        me.clone()
    } else {
        issuer.ok_or_else(|| CaseError::Internal("the assignee vanished".to_owned()))?
    };
    let accepted = PriStatus::Created
        .accept()
        .map_err(|e| CaseError::Internal(e.to_string()))?;
    pri::insert(
        &mut tx,
        id,
        form,
        (accepted, assignee.id),
        user.user_id,
        now,
    )
    .await?;
    pri::clear_code(&mut tx, id).await?;
    let place = org::location_names(&mut tx)
        .await?
        .remove(&form.release_location)
        .unwrap_or_default();
    let release_line = format!(
        "Expected release on {} to {place}",
        display_date(form.expected_release)
    );
    let assigned_line = format!("Assigned to {}", assignee.display_name);
    participants::insert_timeline(
        &mut tx,
        id,
        "PRI",
        [
            Some("PRI created"),
            Some(&release_line),
            Some(&assigned_line),
        ],
        Some(user.user_id),
        now,
    )
    .await?;
    if assignee.id != user.user_id {
        let name = participants::by_id(&mut tx, id)
            .await?
            .map(|p| full_name(&p.first_name, p.middle_name.as_deref(), &p.last_name))
            .unwrap_or_default();
        let details = format!(
            "{name} ({id}): you are their community support worker after release. {release_line}."
        );
        notify(
            &mut tx,
            assignee.id,
            "PRI assigned",
            &details,
            id,
            None,
            now,
        )
        .await?;
    }
    case_view::publish_in(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Abandons the case's PRI with a reason (Other: justified).
pub async fn abandon(
    store: &Store,
    user: &Principal,
    id: &str,
    reason: Option<AbandonReason>,
    justification: &str,
) -> Result<(), CaseError> {
    let (reason, justification) = check_abandon(reason, justification).map_err(invalid)?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let (_, status) = state_in(&mut tx, id).await?;
    if status == EnrolmentStatus::Archived {
        return Err(CaseError::invalid(
            "reason",
            "The case is archived: unarchive it before changing its PRI",
        ));
    }
    let row = pri::of_participant(&mut tx, id)
        .await?
        .ok_or_else(|| CaseError::invalid("reason", "This participant has no PRI"))?;
    let creator = ownership::person(&mut tx, row.created_by).await?;
    let assignee = match row.assigned_to {
        Some(a) => ownership::person(&mut tx, a).await?,
        None => None,
    };
    let creator = creator.map(|p| (p.id, p.tenant_id)).unwrap_or_default();
    let assignee = assignee.map(|p| (p.id, p.tenant_id));
    let allowed = may_abandon(
        user.user_id,
        user.tenant.as_str(),
        (creator.0, &creator.1),
        assignee.as_ref().map(|(a, t)| (*a, t.as_str())),
    );
    if !allowed {
        return Err(CaseError::invalid(
            "reason",
            "Only the PRI's custody or community support worker, or someone above them, can abandon it",
        ));
    }
    let from = row.status();
    from.abandon()
        .map_err(|e| CaseError::invalid("reason", e.to_string()))?;
    let text = justification.as_deref();
    if !pri::abandon(&mut tx, row.id, from, (reason, text), user.user_id, now).await? {
        return Err(CaseError::invalid(
            "reason",
            "Someone else changed this PRI: look at it again",
        ));
    }
    super::finish(
        tx,
        id,
        user.user_id,
        "PRI",
        [Some("PRI abandoned"), Some(reason.display_name()), text],
        now,
    )
    .await
}
