//! The external-data refresh's rows: its runs (progress and the resume cursor), the feed-owned
//! facts of a case, writing the feed's values back, and the case's location history.

use super::schema::{
    FeedRefreshRuns, LocationTenants, ParticipantIdentifiers, ParticipantLocations, Participants,
};
use super::{Exec, StoreError, Tx};
use crate::domain::feed_refresh::FeedFacts;
use crate::domain::tenant::{TenantId, TenantScope};
use sea_query::{Expr, ExprTrait, Func, Order, Query};
use time::{Date, OffsetDateTime};

/// A refresh run.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RunRow {
    /// Id.
    pub id: i64,
    /// `nightly` or `manual`.
    pub kind: String,
    /// Who asked for it (a manual run).
    pub started_by: Option<i64>,
    /// Started.
    pub started_at: OffsetDateTime,
    /// Finished, once every case is done.
    pub finished_at: Option<OffsetDateTime>,
    /// Cases when it started.
    pub total: i64,
    /// Cases done (errors included).
    pub done: i64,
    /// Cases the feed changed.
    pub changed: i64,
    /// Cases the service could not answer for.
    pub errors: i64,
    /// The last case done: the run resumes after it.
    pub cursor: Option<String>,
}

const RUN_COLUMNS: [FeedRefreshRuns; 10] = [
    FeedRefreshRuns::Id,
    FeedRefreshRuns::Kind,
    FeedRefreshRuns::StartedBy,
    FeedRefreshRuns::StartedAt,
    FeedRefreshRuns::FinishedAt,
    FeedRefreshRuns::Total,
    FeedRefreshRuns::Done,
    FeedRefreshRuns::Changed,
    FeedRefreshRuns::Errors,
    FeedRefreshRuns::Cursor,
];

fn runs() -> sea_query::SelectStatement {
    Query::select()
        .columns(RUN_COLUMNS)
        .from(FeedRefreshRuns::Table)
        .to_owned()
}

/// The oldest unfinished run: the one to work on (or resume).
pub async fn open_run(q: &mut impl Exec) -> Result<Option<RunRow>, StoreError> {
    let query = runs()
        .and_where(Expr::col(FeedRefreshRuns::FinishedAt).is_null())
        .order_by(FeedRefreshRuns::Id, Order::Asc)
        .limit(1)
        .to_owned();
    q.optional(&query).await
}

/// The latest run, finished or not (for the admin page).
pub async fn latest_run(q: &mut impl Exec) -> Result<Option<RunRow>, StoreError> {
    let query = runs()
        .order_by(FeedRefreshRuns::Id, Order::Desc)
        .limit(1)
        .to_owned();
    q.optional(&query).await
}

/// A run by id.
pub async fn run(q: &mut impl Exec, id: i64) -> Result<Option<RunRow>, StoreError> {
    let query = runs()
        .and_where(Expr::col(FeedRefreshRuns::Id).eq(id))
        .to_owned();
    q.optional(&query).await
}

/// Starts a run over every case, unless one is already open: then that one is returned, so
/// asking twice (two administrators, or the nightly schedule during a manual run) never runs
/// the cases twice.
pub async fn start_run(
    tx: &mut Tx,
    kind: &str,
    by: Option<i64>,
    now: OffsetDateTime,
) -> Result<RunRow, StoreError> {
    if let Some(open) = open_run(tx).await? {
        return Ok(open);
    }
    let count = Query::select()
        .expr(Func::count(Expr::col(Participants::Id)))
        .from(Participants::Table)
        .to_owned();
    let (total,): (i64,) = tx.fetch_one(&count).await?;
    let insert = Query::insert()
        .into_table(FeedRefreshRuns::Table)
        .columns([
            FeedRefreshRuns::Kind,
            FeedRefreshRuns::StartedBy,
            FeedRefreshRuns::StartedAt,
            FeedRefreshRuns::Total,
            FeedRefreshRuns::Done,
            FeedRefreshRuns::Changed,
            FeedRefreshRuns::Errors,
        ])
        .values_panic([
            kind.into(),
            by.into(),
            now.into(),
            total.into(),
            0i64.into(),
            0i64.into(),
            0i64.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    open_run(tx).await?.ok_or(StoreError::NotFound)
}

/// The next `limit` case ids after `cursor`, in id order.
pub async fn next_cases(
    q: &mut impl Exec,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Vec<String>, StoreError> {
    let mut query = Query::select()
        .column(Participants::Id)
        .from(Participants::Table)
        .order_by(Participants::Id, Order::Asc)
        .limit(limit)
        .to_owned();
    if let Some(cursor) = cursor {
        query.and_where(Expr::col(Participants::Id).gt(cursor));
    }
    let rows: Vec<(String,)> = q.all(&query).await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Marks case `id` done in the run, inside the case's own transaction: the cursor moves to it
/// only if it is still before it. False when another holder already did this case (the caller
/// then rolls back its changes), so a case is never done twice, even by two overlapping holders.
pub async fn advance(
    tx: &mut Tx,
    run: i64,
    id: &str,
    changed: bool,
    error: bool,
) -> Result<bool, StoreError> {
    let update = Query::update()
        .table(FeedRefreshRuns::Table)
        .value(FeedRefreshRuns::Cursor, id)
        .value(
            FeedRefreshRuns::Done,
            Expr::col(FeedRefreshRuns::Done).add(1),
        )
        .value(
            FeedRefreshRuns::Changed,
            Expr::col(FeedRefreshRuns::Changed).add(i64::from(changed)),
        )
        .value(
            FeedRefreshRuns::Errors,
            Expr::col(FeedRefreshRuns::Errors).add(i64::from(error)),
        )
        .and_where(Expr::col(FeedRefreshRuns::Id).eq(run))
        .and_where(Expr::col(FeedRefreshRuns::FinishedAt).is_null())
        .cond_where(
            sea_query::Cond::any()
                .add(Expr::col(FeedRefreshRuns::Cursor).is_null())
                .add(Expr::col(FeedRefreshRuns::Cursor).lt(id)),
        )
        .to_owned();
    Ok(tx.execute(&update).await? == 1)
}

/// Closes a run (no case left after its cursor).
pub async fn finish(q: &mut impl Exec, run: i64, now: OffsetDateTime) -> Result<(), StoreError> {
    let update = Query::update()
        .table(FeedRefreshRuns::Table)
        .value(FeedRefreshRuns::FinishedAt, now)
        .and_where(Expr::col(FeedRefreshRuns::Id).eq(run))
        .and_where(Expr::col(FeedRefreshRuns::FinishedAt).is_null())
        .to_owned();
    q.run(&update).await?;
    Ok(())
}

/// A case's feed-owned facts and what the refresh decides on, read in its transaction.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SyncRow {
    /// First name.
    pub first_name: String,
    /// Middle names.
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
    /// Registrations (JSON).
    pub registration_details: Option<String>,
    /// Active in the feed.
    pub active_in_feed: bool,
    /// When it went inactive in the feed.
    pub deactivated_in_feed: Option<Date>,
    /// Current location.
    pub current_location_id: i64,
    /// Owner.
    pub owner_id: Option<i64>,
    /// Owner's tenant.
    pub owner_tenant_id: Option<String>,
    /// Enrolment status value.
    pub enrolment_status: i64,
    /// Version.
    pub version: i64,
}

/// The case's feed-owned facts, with its identifiers.
pub async fn sync_row(tx: &mut Tx, id: &str) -> Result<Option<(SyncRow, FeedFacts)>, StoreError> {
    let query = Query::select()
        .columns([
            Participants::FirstName,
            Participants::MiddleName,
            Participants::LastName,
            Participants::DateOfBirth,
            Participants::Gender,
            Participants::Nationality,
            Participants::Ethnicity,
            Participants::RegistrationDetails,
            Participants::ActiveInFeed,
            Participants::DeactivatedInFeed,
            Participants::CurrentLocationId,
            Participants::OwnerId,
            Participants::OwnerTenantId,
            Participants::EnrolmentStatus,
            Participants::Version,
        ])
        .from(Participants::Table)
        .and_where(Expr::col(Participants::Id).eq(id))
        .to_owned();
    let Some(row): Option<SyncRow> = tx.fetch_optional(&query).await? else {
        return Ok(None);
    };
    let identifiers = super::participants::identifiers(tx, id)
        .await?
        .into_iter()
        .collect();
    let facts = FeedFacts {
        first_name: row.first_name.clone(),
        middle_name: row.middle_name.clone(),
        last_name: row.last_name.clone(),
        date_of_birth: row.date_of_birth,
        gender: row.gender.clone(),
        nationality: row.nationality.clone(),
        ethnicity: row.ethnicity.clone(),
        registration_details: row.registration_details.clone(),
        active: row.active_in_feed,
        identifiers,
        location_id: row.current_location_id,
    };
    Ok(Some((row, facts)))
}

/// Writes the feed's facts, the deactivated date and the owner, bumping the version.
pub async fn write_facts(
    tx: &mut Tx,
    id: &str,
    facts: &FeedFacts,
    deactivated: Option<Date>,
    owner: Option<(i64, String)>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let (owner_id, owner_tenant) = owner.map_or((None, None), |(o, t)| (Some(o), Some(t)));
    let update = Query::update()
        .table(Participants::Table)
        .value(Participants::FirstName, facts.first_name.clone())
        .value(Participants::MiddleName, facts.middle_name.clone())
        .value(Participants::LastName, facts.last_name.clone())
        .value(Participants::DateOfBirth, facts.date_of_birth)
        .value(Participants::Gender, facts.gender.clone())
        .value(Participants::Nationality, facts.nationality.clone())
        .value(Participants::Ethnicity, facts.ethnicity.clone())
        .value(
            Participants::RegistrationDetails,
            facts.registration_details.clone(),
        )
        .value(Participants::ActiveInFeed, facts.active)
        .value(Participants::DeactivatedInFeed, deactivated)
        .value(Participants::CurrentLocationId, facts.location_id)
        .value(Participants::OwnerId, owner_id)
        .value(Participants::OwnerTenantId, owner_tenant)
        .value(Participants::LastSyncAt, now)
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

/// Records that the case was refreshed without any change (no version bump: pages need not
/// change for it).
pub async fn touch_synced(tx: &mut Tx, id: &str, now: OffsetDateTime) -> Result<(), StoreError> {
    let update = Query::update()
        .table(Participants::Table)
        .value(Participants::LastSyncAt, now)
        .and_where(Expr::col(Participants::Id).eq(id))
        .to_owned();
    tx.execute(&update).await?;
    Ok(())
}

/// Sets (or with `None` removes) one external identifier.
pub async fn set_identifier(
    tx: &mut Tx,
    id: &str,
    kind: &str,
    value: Option<&str>,
) -> Result<(), StoreError> {
    let delete = Query::delete()
        .from_table(ParticipantIdentifiers::Table)
        .and_where(Expr::col(ParticipantIdentifiers::ParticipantId).eq(id))
        .and_where(Expr::col(ParticipantIdentifiers::Kind).eq(kind))
        .to_owned();
    tx.execute(&delete).await?;
    if let Some(value) = value {
        super::participants::insert_identifier(tx, id, kind, value).await?;
    }
    Ok(())
}

/// Adds a move to the case's location history.
pub async fn insert_move(
    tx: &mut Tx,
    id: &str,
    from: i64,
    to: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(ParticipantLocations::Table)
        .columns([
            ParticipantLocations::ParticipantId,
            ParticipantLocations::LocationId,
            ParticipantLocations::PreviousId,
            ParticipantLocations::MovedAt,
        ])
        .values_panic([id.into(), to.into(), Some(from).into(), now.into()])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// A case's location history, (from, to), oldest first.
pub async fn moves(q: &mut impl Exec, id: &str) -> Result<Vec<(Option<i64>, i64)>, StoreError> {
    let query = Query::select()
        .columns([
            ParticipantLocations::PreviousId,
            ParticipantLocations::LocationId,
        ])
        .from(ParticipantLocations::Table)
        .and_where(Expr::col(ParticipantLocations::ParticipantId).eq(id))
        .order_by(ParticipantLocations::Id, Order::Asc)
        .to_owned();
    q.all(&query).await
}

/// Whether users of `tenant` see `location` (it is linked to a tenant in their scope).
pub async fn tenant_sees_location(
    tx: &mut Tx,
    tenant: &str,
    location: i64,
) -> Result<bool, StoreError> {
    let Ok(tenant) = TenantId::parse(tenant) else {
        return Ok(false);
    };
    let scope = TenantScope::of_user_tenant(tenant);
    let query = Query::select()
        .column(LocationTenants::LocationId)
        .from(LocationTenants::Table)
        .and_where(Expr::col(LocationTenants::LocationId).eq(location))
        .and_where(Expr::col(LocationTenants::TenantId).like(scope.like_pattern()))
        .limit(1)
        .to_owned();
    let row: Option<(i64,)> = tx.fetch_optional(&query).await?;
    Ok(row.is_some())
}

/// When the case was last refreshed from the feed.
pub async fn last_sync(q: &mut impl Exec, id: &str) -> Result<Option<OffsetDateTime>, StoreError> {
    let query = Query::select()
        .column(Participants::LastSyncAt)
        .from(Participants::Table)
        .and_where(Expr::col(Participants::Id).eq(id))
        .to_owned();
    let row: Option<(Option<OffsetDateTime>,)> = q.optional(&query).await?;
    Ok(row.and_then(|(at,)| at))
}
