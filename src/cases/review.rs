//! Reviewing queue entries (DOMAIN.md §6): taking the next entry or a listed one, giving it
//! back, and deciding it. Each runs in one transaction that also tells the queues, the case and
//! anyone notified, so every page watching moves at once; a decision re-checks every rule on
//! the rows it changes, so a stale form or a reviewer who lost a race changes nothing.

use super::notify::notify;
use super::CaseError;
use crate::accounts::Principal;
use crate::domain::enrolment::transitions::consent_allows_submission;
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::qa::{may_decide, may_take, Decision, FeedbackType, Qa1Feedback, Queue};
use crate::live::{case_view, queues};
use crate::store::qa::{self, EntryRow, NewEntry, Taker};
use crate::store::qa_notes::{self, NewNote, NewProviderFeedback, NewQa1Feedback};
use crate::store::{enrolment, integration_events, participants, Store, Tx};
use time::OffsetDateTime;

/// The entry's queue, when the user may work it and the entry is in their scope.
fn queue_for(user: &Principal, entry: &EntryRow) -> Result<Queue, CaseError> {
    let queue = Queue::parse(&entry.queue).ok_or(CaseError::Forbidden)?;
    if !user.can(queue.permission()) || !entry.in_scope(&user.scope()) {
        return Err(CaseError::Forbidden);
    }
    Ok(queue)
}

/// "Next" in QA1 or QA2: the reviewer's own open entry, else the oldest they may take,
/// claimed for them. `None` when the queue has nothing for them.
pub async fn take_next(
    store: &Store,
    user: &Principal,
    queue: Queue,
) -> Result<Option<i64>, CaseError> {
    if !queue.takes_next() || !user.can(queue.permission()) {
        return Err(CaseError::Forbidden);
    }
    let now = OffsetDateTime::now_utc();
    let scope = user.scope();
    let mut tx = store.begin().await?;
    let taken = qa::claim_next(
        &mut tx,
        queue.as_str(),
        &Taker {
            user: user.user_id,
            scope: &scope,
            exclude_own_qa1: queue == Queue::Qa2,
        },
        now,
    )
    .await?;
    if let Some(id) = taken {
        announce_claim(&mut tx, id, now).await?;
    }
    tx.commit().await?;
    Ok(taken)
}

/// Takes a listed entry (PQA and escalation open entries from the list).
pub async fn take(store: &Store, user: &Principal, id: i64) -> Result<(), CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let entry = qa::entry(&mut tx, id).await?.ok_or(CaseError::Forbidden)?;
    let queue = queue_for(user, &entry)?;
    may_take(&entry.facts(queue), user.user_id)
        .map_err(|e| CaseError::invalid("entry", e.to_string()))?;
    if entry.claimed_by == Some(user.user_id) {
        return Ok(());
    }
    if !qa::claim(&mut tx, id, user.user_id, now).await? {
        return Err(CaseError::invalid(
            "entry",
            "Someone else took this entry a moment ago",
        ));
    }
    announce_claim(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a claimed entry back to its queue.
pub async fn release(store: &Store, user: &Principal, id: i64) -> Result<(), CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let entry = qa::entry(&mut tx, id).await?.ok_or(CaseError::Forbidden)?;
    queue_for(user, &entry)?;
    if !qa::release(&mut tx, id, user.user_id).await? {
        return Err(CaseError::invalid(
            "entry",
            "This entry is not yours to give back",
        ));
    }
    announce_claim(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(())
}

async fn announce_claim(tx: &mut Tx, id: i64, now: OffsetDateTime) -> Result<(), CaseError> {
    queues::publish_queues_in(tx, now).await?;
    if let Some(entry) = qa::entry(tx, id).await? {
        case_view::publish_in(tx, &entry.participant_id, now).await?;
    }
    Ok(())
}

/// A decision as the reviewer made it.
pub struct Decide<'a> {
    /// The entry.
    pub entry: i64,
    /// The case version the reviewer looked at: a case changed since is looked at again.
    pub seen_version: i64,
    /// What they decided.
    pub decision: &'a Decision,
    /// Feedback for the QA1 reviewer.
    pub qa1_feedback: Option<&'a Qa1Feedback>,
}

/// What a decision did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decided {
    /// A note was added; the entry is still the reviewer's.
    Commented,
    /// The entry is finished; the case moved on or back.
    Completed,
    /// Accepted, but the right to work is missing: back to provider QA.
    BouncedForRightToWork,
}

/// Decides an entry: every rule is checked again here, on the rows being changed.
pub async fn decide(
    store: &Store,
    user: &Principal,
    decide: &Decide<'_>,
) -> Result<Decided, CaseError> {
    let now = OffsetDateTime::now_utc();
    let today = now.date();
    let mut tx = store.begin().await?;
    let entry = qa::entry(&mut tx, decide.entry)
        .await?
        .ok_or(CaseError::Forbidden)?;
    let queue = queue_for(user, &entry)?;
    may_decide(&entry.facts(queue), user.user_id)
        .map_err(|e| CaseError::invalid("outcome", e.to_string()))?;
    let id = entry.participant_id.clone();
    let data = case_view::load(&mut tx, &id)
        .await?
        .ok_or_else(|| CaseError::invalid("outcome", "This case no longer exists"))?;
    if data.state.version != decide.seen_version {
        return Err(CaseError::invalid(
            "outcome",
            "The case changed while you were reviewing it: check it again, then decide",
        ));
    }
    let status = data.status();
    if queue.is_internal() && status != EnrolmentStatus::SubmittedToAuthority {
        return Err(CaseError::invalid(
            "outcome",
            format!(
                "This case is {}, not with CFO: it cannot be decided here",
                status.display_name()
            ),
        ));
    }
    let decision = decide.decision;
    let uid = user.user_id;
    let kind = decision.outcome();
    let mut outcome = Decided::Completed;
    match (queue, decision) {
        (_, Decision::Comment { message, internal }) => {
            qa_notes::insert(
                &mut tx,
                &note(&entry, uid, kind, Some(message), *internal),
                now,
            )
            .await?;
            outcome = Decided::Commented;
        }
        (
            Queue::Pqa,
            Decision::Accept {
                message, internal, ..
            },
        ) => {
            let next = status
                .provider_accept(data.state.deactivated_in_feed, today)
                .map_err(|e| CaseError::invalid("outcome", e.to_string()))?;
            let facts = data.facts(today);
            consent_allows_submission(facts.consent_granted, facts.latest_consent, today)
                .map_err(|e| CaseError::invalid("outcome", e.to_string()))?;
            finish(&mut tx, &entry, user, decision, now).await?;
            move_status(&mut tx, &id, status, next, user, now).await?;
            follow_on(&mut tx, &entry, Queue::Qa1, user, now).await?;
            qa_notes::insert(
                &mut tx,
                &note(&entry, uid, kind, message.as_deref(), *internal),
                now,
            )
            .await?;
            timeline(
                &mut tx,
                &id,
                user,
                "Provider QA accepted",
                "Submitted to CFO (QA1)",
                now,
            )
            .await?;
        }
        (
            Queue::Pqa,
            Decision::Return {
                message, internal, ..
            },
        ) => {
            let next = status
                .provider_return()
                .map_err(|e| CaseError::invalid("outcome", e.to_string()))?;
            finish(&mut tx, &entry, user, decision, now).await?;
            move_status(&mut tx, &id, status, next, user, now).await?;
            qa_notes::insert(
                &mut tx,
                &note(&entry, uid, kind, Some(message), *internal),
                now,
            )
            .await?;
            timeline(&mut tx, &id, user, "Returned by provider QA", message, now).await?;
            if let Some(owner) = data.state.owner_id {
                notify(
                    &mut tx,
                    owner,
                    "Enrolment returned",
                    &format!("{} was returned by provider QA: {message}", data.name()),
                    &id,
                    None,
                    now,
                )
                .await?;
            }
        }
        (Queue::Qa1, Decision::Accept { .. } | Decision::Return { .. }) => {
            let (text, internal, line) = match decision {
                Decision::Return {
                    message, internal, ..
                } => (Some(message.as_str()), *internal, "QA1 returned"),
                Decision::Accept {
                    message, internal, ..
                } => (message.as_deref(), *internal, "QA1 accepted"),
                _ => (None, true, "QA1 decided"),
            };
            finish(&mut tx, &entry, user, decision, now).await?;
            follow_on(&mut tx, &entry, Queue::Qa2, user, now).await?;
            qa_notes::insert(&mut tx, &note(&entry, uid, kind, text, internal), now).await?;
            timeline(&mut tx, &id, user, line, "Passed to QA2", now).await?;
        }
        (Queue::Qa2, Decision::Escalate { message }) => {
            finish(&mut tx, &entry, user, decision, now).await?;
            follow_on(&mut tx, &entry, Queue::Escalation, user, now).await?;
            qa_notes::insert(&mut tx, &note(&entry, uid, kind, Some(message), true), now).await?;
            timeline(
                &mut tx,
                &id,
                user,
                "Escalated",
                "Passed to senior review",
                now,
            )
            .await?;
        }
        (
            Queue::Qa2 | Queue::Escalation,
            Decision::Accept {
                feedback,
                message,
                internal,
            },
        ) => {
            let facts = data.facts(today);
            let (next, _) = status
                .authority_accept(!facts.right_to_work_needed || facts.right_to_work_active)
                .map_err(|e| CaseError::invalid("outcome", e.to_string()))?;
            finish(&mut tx, &entry, user, decision, now).await?;
            move_status(&mut tx, &id, status, next, user, now).await?;
            // Consent is granted at the first approval, even when the right to work bounces it;
            // "approved at QA" is raised either way, and the payments workflow pays only a case
            // that has ever been Approved.
            enrolment::grant_consent(&mut tx, &id, facts.latest_consent).await?;
            integration_events::record_in(
                &mut tx,
                integration_events::ENROLMENT_APPROVED,
                &id,
                now,
            )
            .await?;
            let mut accept_note = note(&entry, uid, kind, message.as_deref(), *internal);
            accept_note.feedback_type = Some(feedback.as_str());
            qa_notes::insert(&mut tx, &accept_note, now).await?;
            if *feedback != FeedbackType::NoFeedback {
                provider_feedback(
                    &mut tx,
                    &entry,
                    user,
                    feedback.as_str(),
                    None,
                    message.as_deref(),
                    now,
                )
                .await?;
            }
            if next == EnrolmentStatus::Approved {
                timeline(
                    &mut tx,
                    &id,
                    user,
                    "Enrolment approved",
                    "Status: Approved",
                    now,
                )
                .await?;
                if let Some(owner) = data.state.owner_id {
                    notify(
                        &mut tx,
                        owner,
                        "Enrolment approved",
                        &format!("{}'s enrolment was approved", data.name()),
                        &id,
                        None,
                        now,
                    )
                    .await?;
                }
            } else {
                follow_on(&mut tx, &entry, Queue::Pqa, user, now).await?;
                timeline(
                    &mut tx,
                    &id,
                    user,
                    "Accepted, but the right to work is missing",
                    "Returned to provider QA",
                    now,
                )
                .await?;
                outcome = Decided::BouncedForRightToWork;
            }
        }
        (
            Queue::Qa2 | Queue::Escalation,
            Decision::Return {
                reason, message, ..
            },
        ) => {
            let next = status
                .authority_return()
                .map_err(|e| CaseError::invalid("outcome", e.to_string()))?;
            finish(&mut tx, &entry, user, decision, now).await?;
            move_status(&mut tx, &id, status, next, user, now).await?;
            follow_on(&mut tx, &entry, Queue::Pqa, user, now).await?;
            let mut return_note = note(&entry, uid, kind, Some(message), false);
            return_note.return_reason = *reason;
            qa_notes::insert(&mut tx, &return_note, now).await?;
            provider_feedback(
                &mut tx,
                &entry,
                user,
                "returned",
                *reason,
                Some(message),
                now,
            )
            .await?;
            timeline(
                &mut tx,
                &id,
                user,
                "Returned by CFO",
                reason.unwrap_or("Returned"),
                now,
            )
            .await?;
            // The previous provider QA reviewer hears of it, once while unread.
            if let Some(pqa) = qa::latest_completed(&mut tx, &id, Queue::Pqa.as_str()).await? {
                if let Some(reviewer) = pqa.claimed_by {
                    let key = format!("returned-from-authority:{id}");
                    notify(
                        &mut tx,
                        reviewer,
                        "Enrolment returned from CFO",
                        &format!("{} was returned: {message}", data.name()),
                        &id,
                        Some(&key),
                        now,
                    )
                    .await?;
                }
            }
        }
        _ => {
            return Err(CaseError::invalid(
                "outcome",
                format!("That is not a decision {} can make", queue.display_name()),
            ))
        }
    }
    if let Some(feedback) = decide.qa1_feedback {
        send_qa1_feedback(&mut tx, &id, user, feedback, now).await?;
    }
    queues::publish_queues_in(&mut tx, now).await?;
    case_view::publish_in(&mut tx, &id, now).await?;
    tx.commit().await?;
    crate::workflows::payments::wake();
    Ok(outcome)
}

/// A note on the entry being decided.
fn note<'a>(
    entry: &'a EntryRow,
    user: i64,
    outcome: &'static str,
    message: Option<&'a str>,
    internal: bool,
) -> NewNote<'a> {
    NewNote {
        entry: entry.id,
        participant: &entry.participant_id,
        user,
        outcome,
        message,
        internal,
        return_reason: None,
        feedback_type: None,
    }
}

/// Completes the entry; refused when it stopped being the reviewer's.
async fn finish(
    tx: &mut Tx,
    entry: &EntryRow,
    user: &Principal,
    decision: &Decision,
    now: OffsetDateTime,
) -> Result<(), CaseError> {
    if qa::complete(tx, entry.id, user.user_id, decision.outcome(), now).await? {
        Ok(())
    } else {
        Err(CaseError::invalid(
            "outcome",
            "This entry has already been decided by someone else",
        ))
    }
}

async fn move_status(
    tx: &mut Tx,
    id: &str,
    from: EnrolmentStatus,
    to: EnrolmentStatus,
    user: &Principal,
    now: OffsetDateTime,
) -> Result<(), CaseError> {
    if enrolment::change_status(tx, id, from.value(), to.value(), user.user_id, None, now).await? {
        Ok(())
    } else {
        Err(CaseError::invalid(
            "outcome",
            "Someone else changed this case's status: check it again",
        ))
    }
}

/// The entry the decision hands the case on to: same tenant, worker, submission and consent.
async fn follow_on(
    tx: &mut Tx,
    entry: &EntryRow,
    queue: Queue,
    user: &Principal,
    now: OffsetDateTime,
) -> Result<(), CaseError> {
    qa::insert(
        tx,
        &NewEntry {
            participant: &entry.participant_id,
            queue: queue.as_str(),
            tenant: &entry.tenant_id,
            support_worker: entry.support_worker_id,
            submitted_at: entry.submitted_at,
            consent_date: entry.consent_date,
            created_by: user.user_id,
        },
        now,
    )
    .await?;
    Ok(())
}

async fn timeline(
    tx: &mut Tx,
    id: &str,
    user: &Principal,
    line1: &str,
    line2: &str,
    now: OffsetDateTime,
) -> Result<(), CaseError> {
    participants::insert_timeline(
        tx,
        id,
        "Enrolment",
        [Some(line1), Some(line2), None],
        Some(user.user_id),
        now,
    )
    .await?;
    Ok(())
}

async fn provider_feedback(
    tx: &mut Tx,
    entry: &EntryRow,
    user: &Principal,
    kind: &str,
    reason: Option<&str>,
    message: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), CaseError> {
    qa_notes::insert_provider_feedback(
        tx,
        &NewProviderFeedback {
            participant: &entry.participant_id,
            entry: entry.id,
            kind,
            reason,
            message,
            tenant: &entry.tenant_id,
            support_worker: entry.support_worker_id,
            reviewer: user.user_id,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Feedback to the reviewer of the case's latest QA1 decision.
async fn send_qa1_feedback(
    tx: &mut Tx,
    id: &str,
    user: &Principal,
    feedback: &Qa1Feedback,
    now: OffsetDateTime,
) -> Result<(), CaseError> {
    let Some(qa1) = qa::latest_completed(tx, id, Queue::Qa1.as_str()).await? else {
        return Err(CaseError::invalid(
            "qa1_feedback_reason",
            "This case has no QA1 decision to give feedback on",
        ));
    };
    let Some(recipient) = qa1.claimed_by else {
        return Ok(());
    };
    let message = (!feedback.message.is_empty()).then_some(feedback.message.as_str());
    qa_notes::insert_qa1_feedback(
        tx,
        &NewQa1Feedback {
            participant: id,
            entry: qa1.id,
            recipient,
            sender: user.user_id,
            reason: feedback.reason,
            message,
        },
        now,
    )
    .await?;
    notify(
        tx,
        recipient,
        "Feedback on your QA1 decision",
        feedback.reason,
        id,
        None,
        now,
    )
    .await?;
    Ok(())
}
