//! Submitting an enrolment to provider QA: Enrolling → Submitted to Provider once the
//! assessment is scored and eligible, consent is recent (or granted) and the case has an
//! owner; a PQA queue entry records the owner and their tenant at submission.

use super::CaseError;
use crate::accounts::Principal;
use crate::domain::enrolment::reasons::check_text;
use crate::live::case_view;
use crate::store::qa::{self, queue, NewEntry};
use crate::store::{assessments, Store};
use time::OffsetDateTime;

/// Submits the case to provider QA, with the justification typed (needed with one red).
pub async fn submit_to_provider(
    store: &Store,
    user: &Principal,
    id: &str,
    justification: Option<&str>,
) -> Result<(), CaseError> {
    let justification = check_text(justification, false)
        .map_err(|e| CaseError::invalid("justification", e.to_string()))?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let data = case_view::load(&mut tx, id)
        .await?
        .ok_or_else(|| CaseError::invalid("case", "This case no longer exists"))?;
    let facts = data.facts(now.date());
    let status = data.status();
    if facts.justification_needed() && justification.is_none() {
        return Err(CaseError::invalid(
            "justification",
            "With only one red pathway, explain why the participant should be enrolled",
        ));
    }
    let next = status
        .submit_to_provider(&facts.submit_checks(justification.as_deref()))
        .map_err(|e| CaseError::invalid("justification", e.to_string()))?;
    let (Some(owner), Some(tenant)) = (data.state.owner_id, data.state.owner_tenant_id.clone())
    else {
        return Err(CaseError::invalid(
            "justification",
            "The case needs an owner before it can be submitted",
        ));
    };
    if let Some((latest, _, _)) = &data.assessment {
        assessments::set_justification(&mut tx, latest.id, justification.as_deref()).await?;
    }
    super::change_status(
        &mut tx,
        id,
        (status, next),
        user.user_id,
        None,
        "justification",
        now,
    )
    .await?;
    qa::insert(
        &mut tx,
        &NewEntry {
            participant: id,
            queue: queue::PQA,
            tenant: &tenant,
            support_worker: owner,
            submitted_at: now,
            consent_date: facts.latest_consent,
            created_by: user.user_id,
        },
        now,
    )
    .await?;
    // The queues' event goes out with the case's, in the same commit.
    crate::live::queues::publish_queues_in(&mut tx, now).await?;
    super::finish(
        tx,
        id,
        user.user_id,
        "Enrolment",
        [
            Some("Submitted to provider QA"),
            Some("Status: Submitted to Provider"),
            None,
        ],
        now,
    )
    .await
}
