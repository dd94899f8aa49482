//! The enrol wizard's commands: choose the enrolment location, record consent and right to
//! work (their PDFs kept in object storage), and confirm the enrolment (Identified →
//! Enrolling). Each runs in the case's actor and writes its rows, the timeline line and the
//! case's live event in one transaction.

use super::CaseError;
use crate::accounts::Principal;
use crate::domain::document::{clean_file_name, Upload};
use crate::domain::enrolment::consent::Consent;
use crate::domain::enrolment::location::{check_choice, may_set};
use crate::domain::enrolment::right_to_work::Period;
use crate::domain::enrolment::EnrolmentStatus;
use crate::format::display_date;
use crate::live::case_view;
use crate::store::enrolment::{self, CaseState, NewDocument};
use crate::store::files::Files;
use crate::store::{org, participants, Store, Tx};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The case's state, read in the command's transaction.
pub(super) async fn state_in(
    tx: &mut Tx,
    id: &str,
) -> Result<(CaseState, EnrolmentStatus), CaseError> {
    let state = enrolment::case_state(tx, id)
        .await?
        .ok_or_else(|| CaseError::invalid("case", "This case no longer exists"))?;
    let status = EnrolmentStatus::from_value(state.enrolment_status)
        .ok_or_else(|| CaseError::invalid("case", "This case's status is not known"))?;
    Ok((state, status))
}

/// Sets the enrolment location: the current one, or another the user can see with a
/// justification.
pub async fn set_location(
    store: &Store,
    user: &Principal,
    id: &str,
    chosen: Option<i64>,
    justification: &str,
) -> Result<(), CaseError> {
    let visible = org::locations_visible(&mut store.db(), &user.scope()).await?;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let (state, status) = state_in(&mut tx, id).await?;
    if !may_set(status, state.consent_status == "granted") {
        return Err(CaseError::invalid(
            "location",
            format!(
                "The enrolment location cannot be changed while the case is {}",
                status.display_name()
            ),
        ));
    }
    let (location, justification) = check_choice(chosen, state.current_location_id, justification)
        .map_err(|e| CaseError::invalid(e.field, e.message))?;
    let name = visible
        .iter()
        .find(|l| l.id == location)
        .map(|l| l.name.clone())
        .or_else(|| (location == state.current_location_id).then(String::new))
        .ok_or_else(|| CaseError::invalid("location", "Select one of the locations listed"))?;
    enrolment::set_enrolment_location(&mut tx, id, location, justification.as_deref(), now).await?;
    let line = if name.is_empty() {
        "The current location".to_owned()
    } else {
        name
    };
    super::finish(
        tx,
        id,
        user.user_id,
        "Enrolment",
        [
            Some("Enrolment location set"),
            Some(line.as_str()),
            justification.as_deref(),
        ],
        now,
    )
    .await
}

/// Writes the file, then its row; if the row does not commit the file is removed again.
async fn store_document(
    files: &Files,
    tx: &mut Tx,
    id: &str,
    kind: &str,
    upload: &Upload,
    user: i64,
    now: OffsetDateTime,
) -> Result<(i64, String), CaseError> {
    let key = Files::new_key(id);
    files
        .put(&key, upload.bytes.clone())
        .await
        .map_err(|e| CaseError::Internal(e.to_string()))?;
    let digest = hex::encode(Sha256::digest(&upload.bytes));
    let name = clean_file_name(&upload.file_name);
    let document = enrolment::insert_document(
        tx,
        &NewDocument {
            participant: id,
            kind,
            file_name: &name,
            storage_key: &key,
            size_bytes: i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX),
            sha256: &digest,
            user,
        },
        now,
    )
    .await?;
    Ok((document, key))
}

async fn commit_or_forget(files: &Files, tx: Tx, key: &str) -> Result<(), CaseError> {
    if let Err(error) = tx.commit().await {
        let _ = files.delete(key).await;
        return Err(error.into());
    }
    Ok(())
}

/// Records a signed consent with its PDF (already checked).
pub async fn add_consent(
    store: &Store,
    files: &Files,
    user: &Principal,
    id: &str,
    consent: &Consent,
    upload: &Upload,
) -> Result<(), CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let (state, status) = state_in(&mut tx, id).await?;
    if !status.is_active() || state.consent_status == "granted" {
        return Err(CaseError::invalid(
            "consent_date",
            format!(
                "Consent cannot be added while the case is {}",
                status.display_name()
            ),
        ));
    }
    let (document, key) =
        store_document(files, &mut tx, id, "consent", upload, user.user_id, now).await?;
    enrolment::insert_consent(
        &mut tx,
        id,
        consent.date,
        consent.form_version,
        document,
        user.user_id,
        now,
    )
    .await?;
    enrolment::touch(&mut tx, id, now).await?;
    let signed = format!(
        "Signed {} (form {})",
        display_date(consent.date),
        consent.form_version
    );
    participants::insert_timeline(
        &mut tx,
        id,
        "Consent",
        [Some("Consent added"), Some(signed.as_str()), None],
        Some(user.user_id),
        now,
    )
    .await?;
    case_view::publish_in(&mut tx, id, now).await?;
    commit_or_forget(files, tx, &key).await
}

/// Records right-to-work evidence with its PDF (already checked).
pub async fn add_right_to_work(
    store: &Store,
    files: &Files,
    user: &Principal,
    id: &str,
    period: &Period,
    upload: &Upload,
) -> Result<(), CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let (_, status) = state_in(&mut tx, id).await?;
    if !matches!(
        status,
        EnrolmentStatus::Identified | EnrolmentStatus::Enrolling | EnrolmentStatus::Approved
    ) {
        return Err(CaseError::invalid(
            "valid_from",
            format!(
                "Right to work cannot be added while the case is {}",
                status.display_name()
            ),
        ));
    }
    let (document, key) = store_document(
        files,
        &mut tx,
        id,
        "right_to_work",
        upload,
        user.user_id,
        now,
    )
    .await?;
    enrolment::insert_right_to_work(
        &mut tx,
        id,
        period.from,
        period.to,
        document,
        user.user_id,
        now,
    )
    .await?;
    enrolment::touch(&mut tx, id, now).await?;
    let until = period.to.map_or("indefinite leave".to_owned(), |to| {
        format!("until {}", display_date(to))
    });
    let line = format!("From {} ({until})", display_date(period.from));
    participants::insert_timeline(
        &mut tx,
        id,
        "Enrolment",
        [Some("Right to work added"), Some(line.as_str()), None],
        Some(user.user_id),
        now,
    )
    .await?;
    case_view::publish_in(&mut tx, id, now).await?;
    commit_or_forget(files, tx, &key).await
}

/// Ends the wizard: Identified → Enrolling, once the location and consent are recorded.
pub async fn confirm_enrolment(store: &Store, user: &Principal, id: &str) -> Result<(), CaseError> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let data = case_view::load(&mut tx, id)
        .await?
        .ok_or_else(|| CaseError::invalid("case", "This case no longer exists"))?;
    let status = data.status();
    let next = status
        .begin_enrolment()
        .map_err(|e| CaseError::invalid("case", e.to_string()))?;
    if let Some(missing) = data.facts(now.date()).wizard_missing().first() {
        return Err(CaseError::invalid("case", *missing));
    }
    super::change_status(&mut tx, id, (status, next), user.user_id, None, "case", now).await?;
    super::finish(
        tx,
        id,
        user.user_id,
        "Enrolment",
        [Some("Enrolment started"), Some("Status: Enrolling"), None],
        now,
    )
    .await
}
