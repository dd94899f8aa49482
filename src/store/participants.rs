//! Participants (cases): reading them in the user's scope, creating them, their identifiers,
//! enrolment history and timeline (the audit of every view is written by `access_audit`).

use super::schema::{
    EnrolmentHistory, LocationTenants, ParticipantFieldAudit, ParticipantIdentifiers, Participants,
    Timeline,
};
use super::{Db, StoreError, Tx};
use crate::domain::tenant::TenantScope;
use sea_query::{
    Cond, Expr, ExprTrait, InsertStatement, Order, Query, SelectStatement, UpdateStatement,
};
use time::{Date, OffsetDateTime};

/// A participant as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParticipantRow {
    /// UPCI.
    pub id: String,
    /// First name.
    pub first_name: String,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Gender.
    pub gender: String,
    /// Nationality.
    pub nationality: Option<String>,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// Enrolment status value.
    pub enrolment_status: i64,
    /// `pending` or `granted`.
    pub consent_status: String,
    /// Current location.
    pub current_location_id: i64,
    /// Owner.
    pub owner_id: Option<i64>,
    /// Owner's tenant.
    pub owner_tenant_id: Option<String>,
    /// Active in the feed.
    pub active_in_feed: bool,
    /// Version, bumped by every change.
    pub version: i64,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// When the next risk review is due.
    pub risk_due: Option<Date>,
}

/// A new participant.
pub struct NewParticipant<'a> {
    /// UPCI.
    pub id: &'a str,
    /// First name.
    pub first_name: &'a str,
    /// Middle name.
    pub middle_name: Option<&'a str>,
    /// Last name.
    pub last_name: &'a str,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Gender.
    pub gender: &'a str,
    /// Nationality.
    pub nationality: Option<&'a str>,
    /// Ethnicity.
    pub ethnicity: Option<&'a str>,
    /// Enrolment status value.
    pub enrolment_status: i64,
    /// Current location.
    pub location_id: i64,
    /// Owner (the creator).
    pub owner_id: i64,
    /// Owner's tenant.
    pub owner_tenant_id: &'a str,
    /// `NOMIS` or `DELIUS`.
    pub primary_record: &'a str,
    /// Registrations from the feed (JSON).
    pub registration_details: Option<String>,
}

/// A timeline line.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimelineRow {
    /// Id (with `occurred_at`, the line's place in the timeline's order).
    pub id: i64,
    /// Kind (Participant, Enrolment, …).
    pub kind: String,
    /// First line.
    pub line1: String,
    /// Second line.
    pub line2: Option<String>,
    /// Third line.
    pub line3: Option<String>,
    /// Who.
    pub user_id: Option<i64>,
    /// When.
    pub occurred_at: OffsetDateTime,
}

/// The columns of a [`ParticipantRow`].
pub(super) const COLUMNS: [Participants; 18] = [
    Participants::Id,
    Participants::FirstName,
    Participants::MiddleName,
    Participants::LastName,
    Participants::DateOfBirth,
    Participants::Gender,
    Participants::Nationality,
    Participants::Ethnicity,
    Participants::EnrolmentStatus,
    Participants::ConsentStatus,
    Participants::CurrentLocationId,
    Participants::OwnerId,
    Participants::OwnerTenantId,
    Participants::ActiveInFeed,
    Participants::Version,
    Participants::CreatedAt,
    Participants::UpdatedAt,
    Participants::RiskDue,
];

/// Who sees a participant: the owner's tenant is in scope; an unowned case is seen by internal
/// users and by anyone who sees its current location.
pub(super) fn visible(scope: &TenantScope, internal: bool) -> Cond {
    let at_visible_location = Query::select()
        .column(LocationTenants::LocationId)
        .from(LocationTenants::Table)
        .and_where(Expr::col(LocationTenants::TenantId).like(scope.like_pattern()))
        .to_owned();
    let unowned = Expr::col((Participants::Table, Participants::OwnerId)).is_null();
    let unowned_seen = if internal {
        Cond::all().add(unowned)
    } else {
        Cond::all().add(unowned).add(
            Expr::col((Participants::Table, Participants::CurrentLocationId))
                .in_subquery(at_visible_location),
        )
    };
    Cond::any()
        .add(
            Expr::col((Participants::Table, Participants::OwnerTenantId))
                .like(scope.like_pattern()),
        )
        .add(unowned_seen)
}

fn select() -> SelectStatement {
    Query::select()
        .columns(COLUMNS.map(|c| (Participants::Table, c)))
        .from(Participants::Table)
        .to_owned()
}

/// A participant by id, whoever may see it (for commands and live fragments, after the caller
/// has checked access).
pub async fn by_id(
    db: &mut impl super::Exec,
    id: &str,
) -> Result<Option<ParticipantRow>, StoreError> {
    let query = select()
        .and_where(Expr::col((Participants::Table, Participants::Id)).eq(id))
        .to_owned();
    db.optional(&query).await
}

/// Whether a participant with this id exists at all (for "already a participant").
pub async fn exists(db: &mut Db<'_>, id: &str) -> Result<bool, StoreError> {
    let query = Query::select()
        .column(Participants::Id)
        .from(Participants::Table)
        .and_where(Expr::col(Participants::Id).eq(id))
        .to_owned();
    Ok(db.fetch_optional::<(String,)>(&query).await?.is_some())
}

/// Everything the case page reads from the participant's own row: the row, the enrolment state
/// and the editable fields, in one read instead of three (they are the same table row).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CaseRows {
    /// The participant.
    #[sqlx(flatten)]
    pub row: ParticipantRow,
    /// Enrolment facts.
    #[sqlx(flatten)]
    pub state: super::enrolment::CaseState,
    /// Personal details and version.
    #[sqlx(flatten)]
    pub editable: EditableRow,
}

/// The case's [`CaseRows`] (the caller has checked the user may see it).
pub async fn case_rows(q: &mut impl super::Exec, id: &str) -> Result<Option<CaseRows>, StoreError> {
    let query = select()
        .columns(
            [
                Participants::DateOfFirstConsent,
                Participants::EnrolmentLocationId,
                Participants::EnrolmentLocationJustification,
                Participants::DeactivatedInFeed,
                Participants::PreferredName,
                Participants::Pronouns,
                Participants::Notes,
            ]
            .map(|c| (Participants::Table, c)),
        )
        .and_where(Expr::col((Participants::Table, Participants::Id)).eq(id))
        .to_owned();
    q.optional(&query).await
}

/// What a view of the case page reads first, in one round trip: the case's page stamp (moved
/// by the database whenever anything the case page shows changes: migration 0017), if the
/// scope (internal or not) may see the case, and the viewer's unread notifications for the
/// bell.
pub async fn page_check(
    q: &mut impl super::Exec,
    id: &str,
    (scope, internal): (&TenantScope, bool),
    viewer: i64,
) -> Result<Option<PageCheck>, StoreError> {
    let query = Query::select()
        .column((Participants::Table, Participants::PageStamp))
        .expr(super::notifications::unread_query(viewer))
        .from(Participants::Table)
        .and_where(Expr::col((Participants::Table, Participants::Id)).eq(id))
        .cond_where(visible(scope, internal))
        .to_owned();
    let found: Option<(i64, i64)> = q.optional(&query).await?;
    Ok(found.map(|(stamp, unread)| PageCheck { stamp, unread }))
}

/// A case page's first read ([`page_check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageCheck {
    /// The case's page stamp.
    pub stamp: i64,
    /// The viewer's unread notifications.
    pub unread: i64,
}

/// The participant, if the user may see it.
pub async fn get(
    db: &mut Db<'_>,
    scope: &TenantScope,
    internal: bool,
    id: &str,
) -> Result<Option<ParticipantRow>, StoreError> {
    let query = select()
        .and_where(Expr::col((Participants::Table, Participants::Id)).eq(id))
        .cond_where(visible(scope, internal))
        .to_owned();
    db.fetch_optional(&query).await
}

/// Creates a participant at version 1.
pub async fn insert(
    tx: &mut Tx,
    p: &NewParticipant<'_>,
    by: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(Participants::Table)
        .columns([
            Participants::Id,
            Participants::FirstName,
            Participants::MiddleName,
            Participants::LastName,
            Participants::DateOfBirth,
            Participants::Gender,
            Participants::Nationality,
            Participants::Ethnicity,
            Participants::EnrolmentStatus,
            Participants::ConsentStatus,
            Participants::CurrentLocationId,
            Participants::OwnerId,
            Participants::OwnerTenantId,
            Participants::PrimaryRecord,
            Participants::ActiveInFeed,
            Participants::RegistrationDetails,
            Participants::LastSyncAt,
            Participants::Version,
            Participants::CreatedAt,
            Participants::CreatedBy,
            Participants::UpdatedAt,
        ])
        .values_panic([
            p.id.into(),
            p.first_name.into(),
            p.middle_name.map(str::to_owned).into(),
            p.last_name.into(),
            p.date_of_birth.into(),
            p.gender.into(),
            p.nationality.map(str::to_owned).into(),
            p.ethnicity.map(str::to_owned).into(),
            p.enrolment_status.into(),
            "pending".into(),
            p.location_id.into(),
            Some(p.owner_id).into(),
            Some(p.owner_tenant_id.to_owned()).into(),
            p.primary_record.into(),
            true.into(),
            p.registration_details.clone().into(),
            Some(now).into(),
            1i64.into(),
            now.into(),
            by.into(),
            now.into(),
        ])
        .to_owned();
    match tx.execute(&insert).await {
        Err(StoreError::Conflict) => Err(StoreError::Conflict),
        other => other.map(|_| ()),
    }
}

/// Records an external identifier (NOMIS Number, Delius CRN, PNC Number).
pub async fn insert_identifier(
    tx: &mut Tx,
    participant: &str,
    kind: &str,
    value: &str,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(ParticipantIdentifiers::Table)
        .columns([
            ParticipantIdentifiers::ParticipantId,
            ParticipantIdentifiers::Kind,
            ParticipantIdentifiers::Value,
        ])
        .values_panic([participant.into(), kind.into(), value.into()])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// A participant's identifiers, (kind, value).
pub async fn identifiers(
    db: &mut impl super::Exec,
    participant: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    let query = Query::select()
        .columns([ParticipantIdentifiers::Kind, ParticipantIdentifiers::Value])
        .from(ParticipantIdentifiers::Table)
        .and_where(Expr::col(ParticipantIdentifiers::ParticipantId).eq(participant))
        .order_by(ParticipantIdentifiers::Kind, Order::Asc)
        .to_owned();
    db.all(&query).await
}

/// Opens an enrolment-history row (the previous one is closed by the caller's transition).
pub async fn insert_history(
    tx: &mut Tx,
    participant: &str,
    status: i64,
    user: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(EnrolmentHistory::Table)
        .columns([
            EnrolmentHistory::ParticipantId,
            EnrolmentHistory::Status,
            EnrolmentHistory::StartedAt,
            EnrolmentHistory::UserId,
        ])
        .values_panic([participant.into(), status.into(), now.into(), user.into()])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// Adds a timeline line.
pub async fn insert_timeline(
    tx: &mut Tx,
    participant: &str,
    kind: &str,
    lines: [Option<&str>; 3],
    user: Option<i64>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut insert = timeline_insert();
    add_timeline_line(&mut insert, participant, kind, lines, user, now);
    tx.execute(&insert).await?;
    Ok(())
}

/// An insert of timeline lines, none added yet: [`add_timeline_line`] adds them, so that many
/// lines (a bulk load's) go in one statement.
pub fn timeline_insert() -> InsertStatement {
    Query::insert()
        .into_table(Timeline::Table)
        .columns(TIMELINE_COLUMNS)
        .to_owned()
}

/// Adds a line (its first text required, the others optional) to an insert from
/// [`timeline_insert`].
pub fn add_timeline_line(
    insert: &mut InsertStatement,
    participant: &str,
    kind: &str,
    lines: [Option<&str>; 3],
    user: Option<i64>,
    at: OffsetDateTime,
) {
    insert.values_panic(timeline_values(participant, kind, lines, user, at));
}

/// The columns of a timeline line, in the order of [`timeline_values`].
pub(super) const TIMELINE_COLUMNS: [Timeline; 7] = [
    Timeline::ParticipantId,
    Timeline::Kind,
    Timeline::Line1,
    Timeline::Line2,
    Timeline::Line3,
    Timeline::UserId,
    Timeline::OccurredAt,
];

/// A timeline line's values, for [`TIMELINE_COLUMNS`].
pub(super) fn timeline_values(
    participant: &str,
    kind: &str,
    [line1, line2, line3]: [Option<&str>; 3],
    user: Option<i64>,
    at: OffsetDateTime,
) -> [Expr; 7] {
    [
        participant.into(),
        kind.into(),
        line1.unwrap_or_default().into(),
        line2.map(str::to_owned).into(),
        line3.map(str::to_owned).into(),
        user.into(),
        at.into(),
    ]
}

/// Lines of a timeline, newest first, and whether there are older ones past them.
#[derive(Debug, Clone, Default)]
pub struct TimelinePage {
    /// The lines.
    pub rows: Vec<TimelineRow>,
    /// Whether older lines follow the last of `rows`.
    pub more: bool,
}

/// Newest first; after the line `before` (keyset paging on `(occurred_at, id)`, the order
/// itself) when given; one line more than `limit`, to tell whether there are more.
///
/// The cursor is the line's id alone and its `occurred_at` is read in the same statement:
/// on SQLite a time is text, and a time taken from a link and bound again may not be spelt
/// as the stored one, while the stored value always compares as the order sorts it.
fn timeline_query(participant: &str, before: Option<i64>, limit: u64) -> SelectStatement {
    // A line's id and what it was written with, but for the case it belongs to.
    let written = TIMELINE_COLUMNS
        .into_iter()
        .filter(|c| !matches!(c, Timeline::ParticipantId));
    let mut query = Query::select()
        .column(Timeline::Id)
        .columns(written)
        .from(Timeline::Table)
        .and_where(Expr::col(Timeline::ParticipantId).eq(participant))
        .order_by(Timeline::OccurredAt, Order::Desc)
        .order_by(Timeline::Id, Order::Desc)
        .limit(limit + 1)
        .to_owned();
    if let Some(before) = before {
        let at = Query::select()
            .column(Timeline::OccurredAt)
            .from(Timeline::Table)
            .and_where(Expr::col(Timeline::Id).eq(before))
            .and_where(Expr::col(Timeline::ParticipantId).eq(participant))
            .to_owned();
        // `occurred_at <= at` bounds the index range; the rest breaks ties on the id.
        query
            .and_where(Expr::col(Timeline::OccurredAt).lte(at.clone()))
            .cond_where(
                Cond::any()
                    .add(Expr::col(Timeline::OccurredAt).lt(at))
                    .add(Expr::col(Timeline::Id).lt(before)),
            );
    }
    query
}

/// At most `limit` lines of a participant's timeline, newest first, older than the line
/// `before` when given (read with a `LIMIT`, never the whole timeline). `None` when `before`
/// is not a line of this participant's timeline.
pub async fn timeline(
    q: &mut impl super::Exec,
    participant: &str,
    before: Option<i64>,
    limit: u64,
) -> Result<Option<TimelinePage>, StoreError> {
    let mut rows: Vec<TimelineRow> = q.all(&timeline_query(participant, before, limit)).await?;
    if let (Some(before), true) = (before, rows.is_empty()) {
        // Nothing older: the last line, or no line of this case at all.
        let line = Query::select()
            .column(Timeline::Id)
            .from(Timeline::Table)
            .and_where(Expr::col(Timeline::Id).eq(before))
            .and_where(Expr::col(Timeline::ParticipantId).eq(participant))
            .to_owned();
        if q.optional::<(i64,)>(&line).await?.is_none() {
            return Ok(None);
        }
    }
    let more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    Ok(Some(TimelinePage { rows, more }))
}

/// The editable fields of a case and its version, read inside a transaction.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EditableRow {
    /// Version.
    pub version: i64,
    /// Enrolment status value.
    pub enrolment_status: i64,
    /// Preferred name.
    pub preferred_name: Option<String>,
    /// Pronouns.
    pub pronouns: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

impl EditableRow {
    /// A field's current value.
    pub fn value(&self, field: crate::domain::case_edit::CaseField) -> Option<&str> {
        use crate::domain::case_edit::CaseField;
        match field {
            CaseField::PreferredName => self.preferred_name.as_deref(),
            CaseField::Pronouns => self.pronouns.as_deref(),
            CaseField::Notes => self.notes.as_deref(),
        }
    }

    /// Sets a field's value (as a write of it leaves the row).
    pub fn set(&mut self, field: crate::domain::case_edit::CaseField, value: Option<String>) {
        use crate::domain::case_edit::CaseField;
        match field {
            CaseField::PreferredName => self.preferred_name = value,
            CaseField::Pronouns => self.pronouns = value,
            CaseField::Notes => self.notes = value,
        }
    }
}

fn column_of(field: crate::domain::case_edit::CaseField) -> Participants {
    use crate::domain::case_edit::CaseField;
    match field {
        CaseField::PreferredName => Participants::PreferredName,
        CaseField::Pronouns => Participants::Pronouns,
        CaseField::Notes => Participants::Notes,
    }
}

fn editable_query(id: &str) -> SelectStatement {
    Query::select()
        .columns([
            Participants::Version,
            Participants::EnrolmentStatus,
            Participants::PreferredName,
            Participants::Pronouns,
            Participants::Notes,
        ])
        .from(Participants::Table)
        .and_where(Expr::col(Participants::Id).eq(id))
        .to_owned()
}

/// The editable fields; none when the case does not exist or the user (tenant scope,
/// internal or not) may not see it.
pub async fn editable_visible(
    q: &mut impl super::Exec,
    id: &str,
    (scope, internal): (&TenantScope, bool),
) -> Result<Option<EditableRow>, StoreError> {
    let mut query = editable_query(id);
    query.cond_where(visible(scope, internal));
    q.optional(&query).await
}

/// The editable fields, outside a transaction (for pages).
pub async fn editable(
    db: &mut impl super::Exec,
    id: &str,
) -> Result<Option<EditableRow>, StoreError> {
    db.optional(&editable_query(id)).await
}

/// Writes fields if the case is still at `version`, bumping it (a statement matching no row when
/// another writer got there first). It moves the page stamp itself, which spares the stamp's
/// row trigger (a PL/pgSQL call on PostgreSQL, a second update on SQLite).
pub(super) fn fields_update(
    id: &str,
    version: i64,
    values: &[(crate::domain::case_edit::CaseField, Option<String>)],
    now: OffsetDateTime,
) -> UpdateStatement {
    let mut update = Query::update()
        .table(Participants::Table)
        .value(Participants::Version, version + 1)
        .value(Participants::UpdatedAt, now)
        .value(
            Participants::PageStamp,
            Expr::col(Participants::PageStamp).add(1),
        )
        .and_where(Expr::col(Participants::Id).eq(id))
        .and_where(Expr::col(Participants::Version).eq(version))
        .to_owned();
    for (field, value) in values {
        update.value(column_of(*field), value.clone());
    }
    update
}

/// One field's change for the field audit.
#[derive(Debug, Clone, Copy)]
pub struct FieldAudit<'a> {
    /// The field's stored name.
    pub field: &'a str,
    /// Its value before.
    pub old: Option<&'a str>,
    /// Its value after.
    pub new: Option<&'a str>,
}

/// Records the changes of one write (who (none: the system), at which version) in one
/// statement, one row per field.
pub async fn insert_field_audits(
    tx: &mut Tx,
    id: &str,
    changes: &[FieldAudit<'_>],
    user: Option<i64>,
    version: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    let mut insert = Query::insert()
        .into_table(ParticipantFieldAudit::Table)
        .columns(FIELD_AUDIT_COLUMNS)
        .to_owned();
    for change in changes {
        insert.values_panic(field_audit_values(id, change, user, version, now));
    }
    tx.execute(&insert).await?;
    Ok(())
}

/// The columns of a field-audit row, in the order of [`field_audit_values`].
pub(super) const FIELD_AUDIT_COLUMNS: [ParticipantFieldAudit; 7] = [
    ParticipantFieldAudit::ParticipantId,
    ParticipantFieldAudit::Field,
    ParticipantFieldAudit::OldValue,
    ParticipantFieldAudit::NewValue,
    ParticipantFieldAudit::UserId,
    ParticipantFieldAudit::Version,
    ParticipantFieldAudit::OccurredAt,
];

/// A field-audit row's values, for [`FIELD_AUDIT_COLUMNS`].
pub(super) fn field_audit_values(
    id: &str,
    change: &FieldAudit<'_>,
    user: Option<i64>,
    version: i64,
    now: OffsetDateTime,
) -> [Expr; 7] {
    [
        id.into(),
        change.field.into(),
        change.old.map(str::to_owned).into(),
        change.new.map(str::to_owned).into(),
        user.into(),
        version.into(),
        now.into(),
    ]
}

/// The last change to a field: who made it (none: the offender data refresh) and when.
pub async fn last_field_change(
    q: &mut impl super::Exec,
    id: &str,
    field: &str,
) -> Result<Option<(Option<i64>, OffsetDateTime)>, StoreError> {
    let query = Query::select()
        .columns([
            ParticipantFieldAudit::UserId,
            ParticipantFieldAudit::OccurredAt,
        ])
        .from(ParticipantFieldAudit::Table)
        .and_where(Expr::col(ParticipantFieldAudit::ParticipantId).eq(id))
        .and_where(Expr::col(ParticipantFieldAudit::Field).eq(field))
        .order_by(ParticipantFieldAudit::Id, Order::Desc)
        .limit(1)
        .to_owned();
    q.optional(&query).await
}
