//! Editing a case's fields: the fields, the case version's bump, the field-level audit, the
//! record of the look, a timeline line and the outbox event are written together
//! (`store::case_edits`), and only if the case is still at the version the edit was decided on.
//! When another writer got there first (the version moved), the edit is decided again against
//! the new values: it still lands if every changed field holds what the person saw; a field
//! someone else changed is a conflict, returned with the other value and who wrote it, never
//! overwritten.
//!
//! An edit costs two round trips: the read (with the visibility check) and the write, one
//! statement on PostgreSQL (decision record 22). It sends no `NOTIFY` with the write (that
//! would hold PostgreSQL's notify lock across the commit and serialise every editor behind
//! one flush): the case actor wakes the dispatcher once the edit has committed, and the wake
//! relay tells other instances (`workflows::outbox::relay`).

use super::CaseError;
use crate::accounts::Principal;
use crate::domain::case_edit::{decide, CaseField, Decision, FieldChange};
use crate::domain::enrolment::EnrolmentStatus;
use crate::format::display_time;
use crate::live::case_view::personal_edit_event;
use crate::live::topics::case_topic;
use crate::store::case_edits::{self, EditWrite};
use crate::store::participants::{self, EditableRow};
use crate::store::{users, Held, Store};
use cats_views::pages::participants::TimelineLine;
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
/// user's look at the case is audited with the edit's writes, or on its own when nothing is
/// written.
pub async fn edit_fields(
    store: &Store,
    user: &Principal,
    id: &str,
    changes: &[FieldChange],
) -> Result<EditOutcome, CaseError> {
    for _ in 0..ATTEMPTS {
        let now = OffsetDateTime::now_utc();
        let mut db = store.held().await?;
        let scope = user.scope();
        let current = participants::editable_visible(&mut db, id, (&scope, user.is_internal()))
            .await?
            .ok_or(CaseError::Forbidden)?;
        let mut apply = Vec::new();
        let mut conflicts = Vec::new();
        for change in changes {
            match decide(current.value(change.field), change) {
                Decision::Apply => apply.push(change),
                Decision::Unchanged => {}
                Decision::Conflict => conflicts.push(change.field),
            }
        }
        let status = EnrolmentStatus::from_value(current.enrolment_status);
        let unwritten = if !status.is_some_and(EnrolmentStatus::is_active) {
            Some(Err(CaseError::invalid(
                "case",
                "This case is archived or dormant, so it cannot be changed",
            )))
        } else if !conflicts.is_empty() {
            let found = who_changed(&mut db, id, &current, conflicts).await?;
            Some(Ok(EditOutcome::Conflicts(found)))
        } else if apply.is_empty() {
            Some(Ok(EditOutcome::Saved {
                version: current.version,
            }))
        } else {
            None
        };
        if let Some(outcome) = unwritten {
            drop(db);
            // Nothing to write: the look is audited on its own, as a page view's is.
            store.record_access(id, user.user_id, true, now).await?;
            return outcome;
        }
        let values: Vec<(CaseField, Option<String>)> =
            apply.iter().map(|c| (c.field, c.value.clone())).collect();
        let audits: Vec<participants::FieldAudit<'_>> = apply
            .iter()
            .map(|change| participants::FieldAudit {
                field: change.field.name(),
                old: current.value(change.field),
                new: change.value.as_deref(),
            })
            .collect();
        let labels: Vec<&str> = apply.iter().map(|c| c.field.label()).collect();
        let changed = format!("Changed: {}", labels.join(", "));
        let line = [
            Some("Personal details updated"),
            Some(changed.as_str()),
            None,
        ];
        // The case as it now stands is what was read plus what is written: the event is
        // rendered before the write, which then lands only if nobody moved the version.
        let mut edited = current.clone();
        edited.version = current.version + 1;
        for (field, value) in &values {
            edited.set(*field, value.clone());
        }
        let shown = TimelineLine {
            kind: "Participant".to_owned(),
            when: display_time(Some(now)),
            who: user.display_name.clone(),
            lines: line
                .iter()
                .flatten()
                .map(|text| (*text).to_owned())
                .collect(),
        };
        let event = personal_edit_event(id, &edited, &shown);
        let write = EditWrite {
            id,
            version: current.version,
            values: &values,
            audits: &audits,
            user: user.user_id,
            line: ("Participant", line),
            event: (&case_topic(id), &event),
            now,
        };
        if !case_edits::write(store, db, &write).await? {
            // Another writer moved the version between our read and write: start again
            // against their values.
            continue;
        }
        return Ok(EditOutcome::Saved {
            version: edited.version,
        });
    }
    Err(CaseError::invalid(
        "case",
        "The case is being changed by several people at once. Try again.",
    ))
}

/// The conflicts for `fields`: each one's value now, and who changed it last and when.
async fn who_changed(
    db: &mut Held,
    id: &str,
    current: &EditableRow,
    fields: Vec<CaseField>,
) -> Result<Vec<Conflict>, CaseError> {
    let mut found = Vec::new();
    for field in fields {
        let last = participants::last_field_change(db, id, field.name()).await?;
        let by = match last {
            Some((Some(user_id), _)) => users::display_names(db, &[user_id])
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
    Ok(found)
}
