//! Editing a case's fields: one transaction writes the fields, bumps the case version, writes
//! the field-level audit, a timeline line and the outbox event. When another writer got there
//! first (the version moved), the edit is re-applied against the new values if every changed
//! field still holds what the person saw; a field someone else changed is a conflict, returned
//! with the other value and who wrote it, never overwritten.
//!
//! The transaction is kept to a few statements (read with the visibility check, the access
//! audit row, conditional update, one audit insert for all fields, the timeline line, the event
//! read and the outbox row): an edit's cost is mostly
//! round trips and the commit. It sends no `NOTIFY` from inside the transaction (that would
//! hold PostgreSQL's notify lock across the commit and serialise every editor behind one
//! flush): the case actor wakes the dispatcher once the edit has committed, and the wake relay
//! tells other instances (`workflows::outbox::relay`).

use super::CaseError;
use crate::accounts::Principal;
use crate::domain::case_edit::{decide, CaseField, Decision, FieldChange};
use crate::domain::enrolment::EnrolmentStatus;
use crate::store::access_audit::{self, Access};
use crate::store::participants;
use crate::store::{users, Store};
use time::OffsetDateTime;

/// Attempts when other writers keep moving the version.
const ATTEMPTS: usize = 5;

/// A field someone else changed since the person loaded it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The field.
    pub field: CaseField,
    /// Its value now.
    pub theirs: Option<String>,
    /// Who wrote it.
    pub by: String,
    /// When.
    pub at: Option<OffsetDateTime>,
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOutcome {
    /// Saved (or nothing needed saving); the case is now at this version.
    Saved {
        /// The case's version after the edit.
        version: i64,
    },
    /// Nothing was saved: these fields were changed by someone else.
    Conflicts(Vec<Conflict>),
}

/// Applies `changes` to case `id` for `user`, or refuses with [`CaseError::Forbidden`] when
/// the user may not see the case (or it does not exist; the caller audits the refusal). The
/// user's look at the case is audited in the edit's own transaction.
pub async fn edit_fields(
    store: &Store,
    user: &Principal,
    id: &str,
    changes: &[FieldChange],
) -> Result<EditOutcome, CaseError> {
    for _ in 0..ATTEMPTS {
        let now = OffsetDateTime::now_utc();
        let mut tx = store.begin().await?;
        let scope = user.scope();
        let current = participants::editable_in(&mut tx, id, (&scope, user.is_internal()))
            .await?
            .ok_or(CaseError::Forbidden)?;
        let access = Access {
            participant_id: id.to_owned(),
            user_id: user.user_id,
            allowed: true,
            at: now,
        };
        access_audit::insert_in(&mut tx, &access).await?;
        let status = EnrolmentStatus::from_value(current.enrolment_status);
        if !status.is_some_and(EnrolmentStatus::is_active) {
            tx.commit().await?;
            return Err(CaseError::invalid(
                "case",
                "This case is archived or dormant, so it cannot be changed",
            ));
        }
        let mut apply = Vec::new();
        let mut conflicts = Vec::new();
        for change in changes {
            match decide(current.value(change.field), change) {
                Decision::Apply => apply.push(change),
                Decision::Unchanged => {}
                Decision::Conflict => conflicts.push(change.field),
            }
        }
        if !conflicts.is_empty() {
            let mut found = Vec::new();
            for field in conflicts {
                let last = participants::last_field_change(&mut tx, id, field.name()).await?;
                let by = match last {
                    Some((Some(user_id), _)) => users::display_names_in(&mut tx, &[user_id])
                        .await?
                        .remove(&user_id)
                        .unwrap_or_else(|| "Someone".to_owned()),
                    Some((None, _)) | None => "The offender data refresh".to_owned(),
                };
                found.push(Conflict {
                    field,
                    theirs: current.value(field).map(str::to_owned),
                    by,
                    at: last.map(|(_, at)| at),
                });
            }
            tx.commit().await?;
            return Ok(EditOutcome::Conflicts(found));
        }
        if apply.is_empty() {
            tx.commit().await?;
            return Ok(EditOutcome::Saved {
                version: current.version,
            });
        }
        let values: Vec<(CaseField, Option<String>)> =
            apply.iter().map(|c| (c.field, c.value.clone())).collect();
        if !participants::update_fields(&mut tx, id, current.version, &values, now).await? {
            // Another writer moved the version between our read and write: start again
            // against their values.
            continue;
        }
        let version = current.version + 1;
        let audit: Vec<participants::FieldAudit<'_>> = apply
            .iter()
            .map(|change| participants::FieldAudit {
                field: change.field.name(),
                old: current.value(change.field),
                new: change.value.as_deref(),
            })
            .collect();
        participants::insert_field_audits(&mut tx, id, &audit, Some(user.user_id), version, now)
            .await?;
        let labels: Vec<&str> = apply.iter().map(|c| c.field.label()).collect();
        let line = format!("Changed: {}", labels.join(", "));
        participants::insert_timeline(
            &mut tx,
            id,
            "Participant",
            [Some("Personal details updated"), Some(line.as_str()), None],
            Some(user.user_id),
            now,
        )
        .await?;
        // The case as it now stands is what was read plus what was written: no need to read
        // it again to render the sections the edit changed.
        let mut edited = current.clone();
        edited.version = version;
        for (field, value) in values {
            edited.set(field, value);
        }
        crate::live::case_view::publish_personal_in(&mut tx, id, &edited, store.reference(), now)
            .await?;
        tx.commit().await?;
        return Ok(EditOutcome::Saved { version });
    }
    Err(CaseError::invalid(
        "case",
        "The case is being changed by several people at once. Try again.",
    ))
}
