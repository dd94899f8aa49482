//! What enrolment commands read and write: the case's state, status changes with their
//! history rows, the enrolment location, documents (and their download audit), consents and
//! right-to-work evidence.

use super::db::Exec;
use super::schema::{
    Consents, DocumentDownloads, Documents, EnrolmentHistory, Participants, RightToWork,
};
use super::{StoreError, Tx};
use sea_query::{Expr, ExprTrait, Order, Query};
use time::{Date, OffsetDateTime};

/// The facts enrolment commands decide on.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseState {
    /// UPCI.
    pub id: String,
    /// Enrolment status value.
    pub enrolment_status: i64,
    /// `pending` or `granted`.
    pub consent_status: String,
    /// Date of first consent (stamped at the first approval).
    pub date_of_first_consent: Option<Date>,
    /// Current location.
    pub current_location_id: i64,
    /// Enrolment location, once chosen.
    pub enrolment_location_id: Option<i64>,
    /// Why it differs from the current location.
    pub enrolment_location_justification: Option<String>,
    /// Owner.
    pub owner_id: Option<i64>,
    /// Owner's tenant.
    pub owner_tenant_id: Option<String>,
    /// Nationality from the feed.
    pub nationality: Option<String>,
    /// Gender from the feed.
    pub gender: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// When the feed deactivated the record.
    pub deactivated_in_feed: Option<Date>,
    /// Version.
    pub version: i64,
}

/// The case's state.
pub async fn case_state(q: &mut impl Exec, id: &str) -> Result<Option<CaseState>, StoreError> {
    let query = Query::select()
        .columns([
            Participants::Id,
            Participants::EnrolmentStatus,
            Participants::ConsentStatus,
            Participants::DateOfFirstConsent,
            Participants::CurrentLocationId,
            Participants::EnrolmentLocationId,
            Participants::EnrolmentLocationJustification,
            Participants::OwnerId,
            Participants::OwnerTenantId,
            Participants::Nationality,
            Participants::Gender,
            Participants::DateOfBirth,
            Participants::DeactivatedInFeed,
            Participants::Version,
        ])
        .from(Participants::Table)
        .and_where(Expr::col(Participants::Id).eq(id))
        .to_owned();
    q.optional(&query).await
}

/// Marks the case changed: its version moves on (so a stale form elsewhere is told).
pub async fn touch(tx: &mut Tx, id: &str, now: OffsetDateTime) -> Result<(), StoreError> {
    let update = Query::update()
        .table(Participants::Table)
        .value(
            Participants::Version,
            Expr::col(Participants::Version).add(1),
        )
        .value(Participants::UpdatedAt, now)
        .and_where(Expr::col(Participants::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Moves the case from `from` to `to`: closes the open history row and opens one for the new
/// status. False (nothing written) when the case is no longer in `from`. `user` is `None` for
/// the system (the nightly auto-archive).
pub async fn change_status(
    tx: &mut Tx,
    id: &str,
    from: i64,
    to: i64,
    user: impl Into<Option<i64>>,
    reason: Option<(i64, Option<&str>)>,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let update = Query::update()
        .table(Participants::Table)
        .value(Participants::EnrolmentStatus, to)
        .value(
            Participants::Version,
            Expr::col(Participants::Version).add(1),
        )
        .value(Participants::UpdatedAt, now)
        .and_where(Expr::col(Participants::Id).eq(id))
        .and_where(Expr::col(Participants::EnrolmentStatus).eq(from))
        .to_owned();
    if tx.execute(&update).await? != 1 {
        return Ok(false);
    }
    let close = Query::update()
        .table(EnrolmentHistory::Table)
        .value(EnrolmentHistory::EndedAt, now)
        .and_where(Expr::col(EnrolmentHistory::ParticipantId).eq(id))
        .and_where(Expr::col(EnrolmentHistory::EndedAt).is_null())
        .to_owned();
    tx.execute(&close).await?;
    let (reason, detail) = reason.map_or((None, None), |(r, d)| (Some(r), d.map(str::to_owned)));
    let insert = Query::insert()
        .into_table(EnrolmentHistory::Table)
        .columns([
            EnrolmentHistory::ParticipantId,
            EnrolmentHistory::Status,
            EnrolmentHistory::StartedAt,
            EnrolmentHistory::UserId,
            EnrolmentHistory::Reason,
            EnrolmentHistory::Detail,
        ])
        .values_panic([
            id.into(),
            to.into(),
            now.into(),
            user.into().into(),
            reason.into(),
            detail.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(true)
}

/// Sets the enrolment location (and its justification, when it is not the current one).
pub async fn set_enrolment_location(
    tx: &mut Tx,
    id: &str,
    location: i64,
    justification: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let update = Query::update()
        .table(Participants::Table)
        .value(Participants::EnrolmentLocationId, location)
        .value(
            Participants::EnrolmentLocationJustification,
            justification.map(str::to_owned),
        )
        .value(
            Participants::Version,
            Expr::col(Participants::Version).add(1),
        )
        .value(Participants::UpdatedAt, now)
        .and_where(Expr::col(Participants::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// A stored document.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentRow {
    /// Id.
    pub id: i64,
    /// Whose.
    pub participant_id: String,
    /// `consent` or `right_to_work`.
    pub kind: String,
    /// Name to download it as.
    pub file_name: String,
    /// Key in object storage.
    pub storage_key: String,
    /// Size.
    pub size_bytes: i64,
}

/// A document to record.
pub struct NewDocument<'a> {
    /// Whose.
    pub participant: &'a str,
    /// `consent` or `right_to_work`.
    pub kind: &'a str,
    /// Name to download it as.
    pub file_name: &'a str,
    /// Key in object storage (already written).
    pub storage_key: &'a str,
    /// Size.
    pub size_bytes: i64,
    /// SHA-256 of the bytes, hex.
    pub sha256: &'a str,
    /// Uploader.
    pub user: i64,
}

/// Records a document; its id.
pub async fn insert_document(
    tx: &mut Tx,
    doc: &NewDocument<'_>,
    now: OffsetDateTime,
) -> Result<i64, StoreError> {
    let insert = Query::insert()
        .into_table(Documents::Table)
        .columns([
            Documents::ParticipantId,
            Documents::Kind,
            Documents::FileName,
            Documents::StorageKey,
            Documents::SizeBytes,
            Documents::Sha256,
            Documents::UploadedBy,
            Documents::UploadedAt,
        ])
        .values_panic([
            doc.participant.into(),
            doc.kind.into(),
            doc.file_name.into(),
            doc.storage_key.into(),
            doc.size_bytes.into(),
            doc.sha256.into(),
            doc.user.into(),
            now.into(),
        ])
        .returning_col(Documents::Id)
        .to_owned();
    let (id,): (i64,) = tx.fetch_one(&insert).await?;
    Ok(id)
}

/// A document by id.
pub async fn document(q: &mut impl Exec, id: i64) -> Result<Option<DocumentRow>, StoreError> {
    let query = Query::select()
        .columns([
            Documents::Id,
            Documents::ParticipantId,
            Documents::Kind,
            Documents::FileName,
            Documents::StorageKey,
            Documents::SizeBytes,
        ])
        .from(Documents::Table)
        .and_where(Expr::col(Documents::Id).eq(id))
        .to_owned();
    q.optional(&query).await
}

/// Records that someone downloaded a document.
pub async fn record_download(
    q: &mut impl Exec,
    document: i64,
    user: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(DocumentDownloads::Table)
        .columns([
            DocumentDownloads::DocumentId,
            DocumentDownloads::UserId,
            DocumentDownloads::OccurredAt,
        ])
        .values_panic([document.into(), user.into(), now.into()])
        .to_owned();
    q.run(&insert).await?;
    Ok(())
}

/// Downloads of a document recorded so far (for the audit).
pub async fn download_count(q: &mut impl Exec, document: i64) -> Result<i64, StoreError> {
    let query = Query::select()
        .expr(Expr::col(DocumentDownloads::Id).count())
        .from(DocumentDownloads::Table)
        .and_where(Expr::col(DocumentDownloads::DocumentId).eq(document))
        .to_owned();
    let (count,): (i64,) = q.optional(&query).await?.unwrap_or((0,));
    Ok(count)
}

/// A consent as listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsentRow {
    /// Signed on.
    pub consent_date: Date,
    /// Form version.
    pub form_version: String,
    /// Its document.
    pub document_id: i64,
    /// Recorded by.
    pub created_by: i64,
    /// Recorded at.
    pub created_at: OffsetDateTime,
}

/// Records a consent.
pub async fn insert_consent(
    tx: &mut Tx,
    participant: &str,
    date: Date,
    form_version: &str,
    document: i64,
    user: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(Consents::Table)
        .columns([
            Consents::ParticipantId,
            Consents::ConsentDate,
            Consents::FormVersion,
            Consents::DocumentId,
            Consents::CreatedBy,
            Consents::CreatedAt,
        ])
        .values_panic([
            participant.into(),
            date.into(),
            form_version.into(),
            document.into(),
            user.into(),
            now.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// A case's consents, latest first.
pub async fn consents(q: &mut impl Exec, participant: &str) -> Result<Vec<ConsentRow>, StoreError> {
    let query = Query::select()
        .columns([
            Consents::ConsentDate,
            Consents::FormVersion,
            Consents::DocumentId,
            Consents::CreatedBy,
            Consents::CreatedAt,
        ])
        .from(Consents::Table)
        .and_where(Expr::col(Consents::ParticipantId).eq(participant))
        .order_by(Consents::ConsentDate, Order::Desc)
        .order_by(Consents::Id, Order::Desc)
        .to_owned();
    q.all(&query).await
}

/// Right-to-work evidence as listed.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RightToWorkRow {
    /// From.
    pub valid_from: Date,
    /// To (none: indefinite).
    pub valid_to: Option<Date>,
    /// Its document.
    pub document_id: i64,
    /// Recorded by.
    pub created_by: i64,
    /// Recorded at.
    pub created_at: OffsetDateTime,
}

/// Records right-to-work evidence.
#[allow(clippy::too_many_arguments)]
pub async fn insert_right_to_work(
    tx: &mut Tx,
    participant: &str,
    from: Date,
    to: Option<Date>,
    document: i64,
    user: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(RightToWork::Table)
        .columns([
            RightToWork::ParticipantId,
            RightToWork::ValidFrom,
            RightToWork::ValidTo,
            RightToWork::DocumentId,
            RightToWork::CreatedBy,
            RightToWork::CreatedAt,
        ])
        .values_panic([
            participant.into(),
            from.into(),
            to.into(),
            document.into(),
            user.into(),
            now.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// A case's right-to-work evidence, latest first.
pub async fn rights_to_work(
    q: &mut impl Exec,
    participant: &str,
) -> Result<Vec<RightToWorkRow>, StoreError> {
    let query = Query::select()
        .columns([
            RightToWork::ValidFrom,
            RightToWork::ValidTo,
            RightToWork::DocumentId,
            RightToWork::CreatedBy,
            RightToWork::CreatedAt,
        ])
        .from(RightToWork::Table)
        .and_where(Expr::col(RightToWork::ParticipantId).eq(participant))
        .order_by(RightToWork::Id, Order::Desc)
        .to_owned();
    q.all(&query).await
}

/// Grants consent at a first approval: the date of first consent becomes the latest consent's
/// date, once; later approvals leave both alone.
pub async fn grant_consent(
    tx: &mut Tx,
    id: &str,
    latest_consent: Option<Date>,
) -> Result<(), StoreError> {
    let update = Query::update()
        .table(Participants::Table)
        .value(Participants::ConsentStatus, "granted")
        .value(Participants::DateOfFirstConsent, latest_consent)
        .and_where(Expr::col(Participants::Id).eq(id))
        .and_where(Expr::col(Participants::ConsentStatus).ne("granted"))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// The status the case held before its current one (the second-latest history row), which
/// an unarchive restores.
pub async fn previous_status(q: &mut impl Exec, id: &str) -> Result<Option<i64>, StoreError> {
    let query = Query::select()
        .column(EnrolmentHistory::Status)
        .from(EnrolmentHistory::Table)
        .and_where(Expr::col(EnrolmentHistory::ParticipantId).eq(id))
        .order_by(EnrolmentHistory::Id, Order::Desc)
        .limit(1)
        .offset(1)
        .to_owned();
    let row: Option<(i64,)> = q.optional(&query).await?;
    Ok(row.map(|(status,)| status))
}
