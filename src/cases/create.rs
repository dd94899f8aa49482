//! Candidate search and case creation (DOMAIN.md §2 "(new) → Identified" and §9).

use super::CaseError;
use crate::accounts::Principal;
use crate::domain::candidate::{
    choose, locate, CandidateSearch, LocationCode, Match, MatchOutcome,
};
use crate::domain::enrolment::EnrolmentStatus;
use crate::external::{DmsClient, OffenderRecord};
use crate::store::participants::{self, NewParticipant};
use crate::store::{org, Db, Store, StoreError};
use time::OffsetDateTime;

/// The unmapped locations (DOMAIN.md §1).
const UNKNOWN_LOCATION: i64 = 0;
const UNMAPPED_CUSTODY: i64 = -1;
const UNMAPPED_COMMUNITY: i64 = -2;

/// What a candidate search found.
#[derive(Debug, Clone)]
pub enum CandidateOutcome {
    /// Nobody matched.
    NoMatch,
    /// One weak match: more information is needed.
    MoreInformationNeeded,
    /// Several uncertain matches.
    TooManyResults,
    /// The person already has a case (with its id when the user may see it).
    AlreadyParticipant {
        /// The case id, when visible to the user.
        visible_id: Option<String>,
    },
    /// Found, but not active in the feed: not eligible.
    NotActive(OffenderRecord),
    /// Found and eligible: a case can be created.
    Eligible(OffenderRecord),
}

/// Searches the offender data and says what can be done.
pub async fn find_candidate(
    store: &Store,
    dms: &DmsClient,
    user: &Principal,
    search: &CandidateSearch,
) -> Result<CandidateOutcome, CaseError> {
    let matches: Vec<Match> = dms
        .search(&search.identifier, &search.last_name, search.date_of_birth)
        .await?
        .into_iter()
        .map(|m| Match {
            upci: m.upci,
            precedence: m.precedence,
        })
        .collect();
    let upci = match choose(&matches) {
        MatchOutcome::NoMatch => return Ok(CandidateOutcome::NoMatch),
        MatchOutcome::MoreInformationNeeded => return Ok(CandidateOutcome::MoreInformationNeeded),
        MatchOutcome::TooManyResults => return Ok(CandidateOutcome::TooManyResults),
        MatchOutcome::Found(upci) => upci,
    };
    let mut db = store.db();
    if participants::exists(&mut db, &upci).await? {
        let visible = participants::get(&mut db, &user.scope(), user.is_internal(), &upci).await?;
        return Ok(CandidateOutcome::AlreadyParticipant {
            visible_id: visible.map(|p| p.id),
        });
    }
    let Some(record) = dms.record(&upci).await? else {
        return Ok(CandidateOutcome::NoMatch);
    };
    Ok(if record.active {
        CandidateOutcome::Eligible(record)
    } else {
        CandidateOutcome::NotActive(record)
    })
}

/// The CATS location for where the feed says someone is.
pub async fn resolve_location(db: &mut Db<'_>, record: &OffenderRecord) -> Result<i64, StoreError> {
    Ok(match locate(&record.feed_location()) {
        LocationCode::Prison(code) => org::mapped_location(db, &code, "Prison")
            .await?
            .unwrap_or(UNMAPPED_CUSTODY),
        LocationCode::Probation(code) => org::mapped_location(db, &code, "Probation")
            .await?
            .unwrap_or(UNMAPPED_COMMUNITY),
        LocationCode::Unknown => UNKNOWN_LOCATION,
    })
}

/// Creates the case of the person with cluster id `upci`: Identified, owned by the creator.
/// The record is fetched again here: nothing from the form is trusted.
pub async fn create_participant(
    store: &Store,
    dms: &DmsClient,
    user: &Principal,
    upci: &str,
) -> Result<String, CaseError> {
    let invalid = |message: &str| CaseError::invalid("upci", message);
    let record = dms
        .record(upci)
        .await?
        .ok_or_else(|| invalid("The offender data has no record with this id: search again"))?;
    if !record.active {
        return Err(invalid(
            "This person is not active in the offender data, so is not eligible",
        ));
    }
    let mut db = store.db();
    if participants::exists(&mut db, &record.upci).await? {
        return Err(invalid("This person is already a participant"));
    }
    let location = resolve_location(&mut db, &record).await?;
    let now = OffsetDateTime::now_utc();
    let registrations = serde_json::to_string(&record.registrations).ok();
    let new = NewParticipant {
        id: &record.upci,
        first_name: &record.first_name,
        middle_name: record.middle_name.as_deref(),
        last_name: &record.last_name,
        date_of_birth: record.date_of_birth,
        gender: &record.gender,
        nationality: record.nationality.as_deref(),
        ethnicity: record.ethnicity.as_deref(),
        enrolment_status: EnrolmentStatus::Identified.value(),
        location_id: location,
        owner_id: user.user_id,
        owner_tenant_id: user.tenant.as_str(),
        primary_record: &record.primary_record,
        registration_details: registrations,
    };
    let mut tx = store.begin().await?;
    match participants::insert(&mut tx, &new, user.user_id, now).await {
        Ok(()) => {}
        Err(StoreError::Conflict) => return Err(invalid("This person is already a participant")),
        Err(other) => return Err(other.into()),
    }
    for (kind, value) in record.identifiers() {
        participants::insert_identifier(&mut tx, &record.upci, kind, value).await?;
    }
    participants::insert_history(
        &mut tx,
        &record.upci,
        EnrolmentStatus::Identified.value(),
        user.user_id,
        now,
    )
    .await?;
    crate::store::ownership::record(
        &mut tx,
        &record.upci,
        Some((user.user_id, user.tenant.as_str())),
        location,
        Some(user.user_id),
        now,
    )
    .await?;
    let owner = format!("Owner: {}", user.display_name);
    participants::insert_timeline(
        &mut tx,
        &record.upci,
        "Participant",
        [Some("Participant created"), Some(owner.as_str()), None],
        Some(user.user_id),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(record.upci)
}
