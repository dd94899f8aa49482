//! Refreshing one case from the feed: in one transaction, the feed's values (names in upper
//! case, identifiers, location with its history and the ownership rule, active flag with its
//! date), a DMS timeline line and a field-audit row per change, the auto-archive, the run's
//! cursor, a version bump and the case's live event.

use crate::cases::create::resolve_location;
use crate::cases::ownership::{record_change, OwnerChange};
use crate::cases::transfers;
use crate::domain::enrolment::{ArchiveReason, EnrolmentStatus};
use crate::domain::feed_refresh::{auto_archive_due, compare, FeedChange, FeedFacts, SyncField};
use crate::domain::location::LocationType;
use crate::domain::ownership::owner_after_move;
use crate::external::{DmsClient, OffenderRecord};
use crate::format::display_date;
use crate::store::feed_refresh::{self as rows, SyncRow};
use crate::store::transfers as transfers_rows;
use crate::store::{enrolment, org, ownership, participants, pri, Store, StoreError, Tx};
use std::collections::HashMap;
use time::OffsetDateTime;

/// What refreshing a case did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseOutcome {
    /// The feed agrees with the case.
    Unchanged,
    /// The case changed (fields, location, owner or status).
    Changed,
    /// The service could not answer for this case (or no longer knows it).
    Failed(String),
    /// Another holder of the run already did this case: nothing was written.
    AlreadyDone,
}

/// The feed's facts from a record and the CATS location its codes map to.
pub fn feed_facts(record: &OffenderRecord, location_id: i64) -> FeedFacts {
    FeedFacts {
        first_name: record.first_name.clone(),
        middle_name: record.middle_name.clone(),
        last_name: record.last_name.clone(),
        date_of_birth: record.date_of_birth,
        gender: record.gender.clone(),
        nationality: record.nationality.clone(),
        ethnicity: record.ethnicity.clone(),
        registration_details: serde_json::to_string(&record.registrations).ok(),
        active: record.active,
        identifiers: record
            .identifiers()
            .into_iter()
            .map(|(kind, value)| (kind.to_owned(), value.to_owned()))
            .collect(),
        location_id,
    }
}

/// Asks the feed about case `id`: its facts, or why it could not say.
async fn fetch(
    store: &Store,
    dms: &DmsClient,
    id: &str,
) -> Result<Result<FeedFacts, String>, StoreError> {
    match dms.record(id).await {
        Ok(Some(record)) => {
            let location = resolve_location(&mut store.db(), &record).await?;
            Ok(Ok(feed_facts(&record, location)))
        }
        Ok(None) => Ok(Err(
            "the offender data has no record for this case".to_owned()
        )),
        Err(error) => Ok(Err(error.to_string())),
    }
}

/// Refreshes case `id`; with `run`, also marks it done in that run (in the same transaction,
/// so a crash either keeps both or neither).
pub async fn refresh_case(
    store: &Store,
    dms: &DmsClient,
    id: &str,
    run: Option<i64>,
) -> Result<CaseOutcome, StoreError> {
    let feed = fetch(store, dms, id).await?;
    apply(store, id, run, move |_| feed).await
}

/// Moves case `id` to `location` as if the feed had said so (the rest of its facts
/// unchanged): the demo data's way to show a case that moved, through the refresh's own path.
pub async fn relocate(store: &Store, id: &str, location: i64) -> Result<CaseOutcome, StoreError> {
    apply(store, id, None, |current| {
        Ok(FeedFacts {
            location_id: location,
            ..current.clone()
        })
    })
    .await
}

/// Brings case `id` in line with what `feed` makes of its current facts (or records why the
/// feed could not say).
async fn apply(
    store: &Store,
    id: &str,
    run: Option<i64>,
    feed: impl FnOnce(&FeedFacts) -> Result<FeedFacts, String>,
) -> Result<CaseOutcome, StoreError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let Some((row, current)) = rows::sync_row(&mut tx, id).await? else {
        // The case is gone: nothing to refresh, but the run moves past it.
        if let Some(run) = run {
            if !rows::advance(&mut tx, run, id, false, false).await? {
                return Ok(CaseOutcome::AlreadyDone);
            }
            tx.commit().await?;
        }
        return Ok(CaseOutcome::Unchanged);
    };
    let feed = feed(&current);
    let mut changed = false;
    let mut deactivated = row.deactivated_in_feed;
    if let Ok(feed) = &feed {
        let plan = compare(&current, row.deactivated_in_feed, feed, now.date());
        if plan.is_empty() {
            rows::touch_synced(&mut tx, id, now).await?;
        } else {
            changed = true;
            deactivated = plan.deactivated_in_feed;
            let owner =
                owner_after(&mut tx, id, &row, plan.moved(row.current_location_id), now).await?;
            rows::write_facts(&mut tx, id, &plan.facts, deactivated, owner, now).await?;
            write_changes(&mut tx, id, row.version + 1, &plan.changes, now).await?;
        }
    }
    let status = EnrolmentStatus::from_value(row.enrolment_status);
    if let Some(status) = status.filter(|s| auto_archive_due(*s, deactivated, now.date())) {
        changed |= archive(&mut tx, id, status, now).await?;
    }
    if let Some(run) = run {
        if !rows::advance(&mut tx, run, id, changed, feed.is_err()).await? {
            // Dropping the transaction rolls this case's changes back.
            return Ok(CaseOutcome::AlreadyDone);
        }
    }
    if changed {
        crate::live::case_view::publish_in(&mut tx, id, now).await?;
    }
    tx.commit().await?;
    Ok(match feed {
        Err(reason) => CaseOutcome::Failed(reason),
        Ok(_) if changed => CaseOutcome::Changed,
        Ok(_) => CaseOutcome::Unchanged,
    })
}

/// Records a move in the location history, raises and closes its transfer entries, and applies
/// the ownership rule: the owner stays, except that a release from custody to the location of
/// an active PRI hands the case to the PRI's assignee; whoever it is must work at the new
/// location, or the case becomes unowned.
async fn owner_after(
    tx: &mut Tx,
    id: &str,
    row: &SyncRow,
    moved: Option<(i64, i64)>,
    now: OffsetDateTime,
) -> Result<Option<(i64, String)>, StoreError> {
    let owner = row.owner_id.zip(row.owner_tenant_id.clone());
    let Some((from, to)) = moved else {
        return Ok(owner);
    };
    rows::insert_move(tx, id, from, to, now).await?;
    let before = owner.as_ref().map(|(o, t)| (*o, t.as_str()));
    transfers::on_move(tx, id, (from, to), before, now).await?;
    let kinds = (location_type(tx, from).await?, location_type(tx, to).await?);
    let released = kinds.0.is_custody() && kinds.1.is_community();
    let assignee = if released {
        pri::active_assignee_at(tx, id, to).await?
    } else {
        None
    };
    let owner_sees = match &owner {
        Some((o, tenant)) => Some((*o, rows::tenant_sees_location(tx, tenant, to).await?)),
        None => None,
    };
    let assignee_sees = match &assignee {
        Some((a, tenant)) => Some((*a, rows::tenant_sees_location(tx, tenant, to).await?)),
        None => None,
    };
    let next = owner_after_move(owner_sees, kinds, assignee_sees);
    if next == row.owner_id {
        return Ok(owner);
    }
    let person = match next {
        Some(next) => ownership::person(tx, next).await?,
        None => None,
    };
    let why = match (&person, assignee.is_some()) {
        (Some(_), _) => "released to the location of the participant's PRI",
        (None, true) => "the PRI assignee's team does not work at the new location",
        (None, false) => "the owner's team does not work at the new location",
    };
    let change = OwnerChange {
        id,
        location: to,
        from: row.owner_id,
        to: person.as_ref(),
        by: None,
        why: Some(why),
    };
    record_change(tx, &change, now).await?;
    Ok(person.map(|p| (p.id, p.tenant_id)))
}

/// The type of location `id` (Unknown when it is not known).
async fn location_type(tx: &mut Tx, id: i64) -> Result<LocationType, StoreError> {
    let place = transfers_rows::place(tx, id).await?;
    Ok(place
        .and_then(|(kind, _)| LocationType::from_code(&kind))
        .unwrap_or(LocationType::Unknown))
}

/// A value as people read it on the timeline.
fn shown(field: &SyncField, value: Option<&str>, locations: &HashMap<i64, String>) -> String {
    let Some(value) = value else {
        return "(none)".to_owned();
    };
    match field {
        SyncField::DateOfBirth => time::Date::parse(
            value,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map(display_date)
        .unwrap_or_else(|_| value.to_owned()),
        SyncField::Location => value
            .parse::<i64>()
            .ok()
            .and_then(|l| locations.get(&l).cloned())
            .unwrap_or_else(|| value.to_owned()),
        SyncField::RegistrationDetails => {
            let list: Vec<String> = serde_json::from_str(value).unwrap_or_default();
            if list.is_empty() {
                "(none)".to_owned()
            } else {
                list.join(", ")
            }
        }
        _ => value.to_owned(),
    }
}

/// One DMS timeline line and one field-audit row (by nobody: the system) per change.
async fn write_changes(
    tx: &mut Tx,
    id: &str,
    version: i64,
    changes: &[FeedChange],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let locations = if changes.iter().any(|c| c.field == SyncField::Location) {
        org::location_names(tx).await?
    } else {
        HashMap::new()
    };
    for change in changes {
        if let SyncField::Identifier(kind) = &change.field {
            rows::set_identifier(tx, id, kind, change.new.as_deref()).await?;
        }
        let audit = participants::FieldAudit {
            field: &change.field.audit_name(),
            old: change.old.as_deref(),
            new: change.new.as_deref(),
        };
        participants::insert_field_audits(tx, id, &[audit], None, version, now).await?;
        let lines = if change.field == SyncField::ActiveInFeed {
            let line = if change.new.as_deref() == Some("true") {
                "Active again in the offender data"
            } else {
                "No longer active in the offender data"
            };
            [line.to_owned(), String::new(), String::new()]
        } else {
            [
                format!("{} changed", change.field.label()),
                format!(
                    "From: {}",
                    shown(&change.field, change.old.as_deref(), &locations)
                ),
                format!(
                    "To: {}",
                    shown(&change.field, change.new.as_deref(), &locations)
                ),
            ]
        };
        let [one, two, three] = &lines;
        fn opt(s: &str) -> Option<&str> {
            (!s.is_empty()).then_some(s)
        }
        participants::insert_timeline(
            tx,
            id,
            "DMS",
            [Some(one.as_str()), opt(two), opt(three)],
            None,
            now,
        )
        .await?;
    }
    Ok(())
}

/// Archives a case deactivated in the feed too long ("Licence end date reached"), by the
/// system; false when its status changed under us.
async fn archive(
    tx: &mut Tx,
    id: &str,
    from: EnrolmentStatus,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let reason = ArchiveReason::LicenceEndDateReached;
    if !enrolment::change_status(
        tx,
        id,
        from.value(),
        EnrolmentStatus::Archived.value(),
        None,
        Some((reason.value(), None)),
        now,
    )
    .await?
    {
        return Ok(false);
    }
    let why = format!("Reason: {}", reason.display_name());
    participants::insert_timeline(
        tx,
        id,
        "Enrolment",
        [
            Some("Archived automatically"),
            Some(why.as_str()),
            Some("Deactivated in the offender data more than 30 days ago"),
        ],
        None,
        now,
    )
    .await?;
    Ok(true)
}
