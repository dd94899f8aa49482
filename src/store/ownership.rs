//! Case ownership: changing a case's owner (guarded by the owner the change was decided on, so
//! two people reassigning at once cannot both win), the ownership history, and the people a
//! case can be given to.

use super::db::Exec;
use super::schema::{LocationTenants, Locations, OwnershipHistory, Participants, Users};
use super::{StoreError, Tx};
use crate::domain::ownership::team_sees_location;
use crate::domain::tenant::TenantScope;
use crate::domain::user::UserStatus;
use sea_query::{Expr, ExprTrait, Order, Query};
use time::OffsetDateTime;

/// A possible owner, as the rules need them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PersonRow {
    /// User id.
    pub id: i64,
    /// Display name.
    pub display_name: String,
    /// Tenant id.
    pub tenant_id: String,
    /// Account status code.
    pub status: String,
}

/// One period of ownership.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OwnershipRow {
    /// The owner.
    pub owner_id: i64,
    /// Their tenant at the time.
    pub tenant_id: String,
    /// The contract of the case's location at the time.
    pub contract_id: Option<String>,
    /// From.
    pub started_at: OffsetDateTime,
    /// Until (open while they own it).
    pub ended_at: Option<OffsetDateTime>,
    /// Who made the change (none for the system).
    pub changed_by: Option<i64>,
}

/// The user with this id, whatever their scope (the caller checks it with the domain rules).
pub async fn person(q: &mut impl Exec, id: i64) -> Result<Option<PersonRow>, StoreError> {
    let query = Query::select()
        .columns([
            Users::Id,
            Users::DisplayName,
            Users::TenantId,
            Users::Status,
        ])
        .from(Users::Table)
        .and_where(Expr::col(Users::Id).eq(id))
        .to_owned();
    q.optional(&query).await
}

/// The tenants a location is linked to: a tenant sees the location when one of these is the
/// tenant itself or below it.
pub async fn location_tenants(q: &mut impl Exec, location: i64) -> Result<Vec<String>, StoreError> {
    let query = Query::select()
        .column(LocationTenants::TenantId)
        .from(LocationTenants::Table)
        .and_where(Expr::col(LocationTenants::LocationId).eq(location))
        .to_owned();
    let rows: Vec<(String,)> = q.all(&query).await?;
    Ok(rows.into_iter().map(|(t,)| t).collect())
}

/// Active people in `scope` whose team sees the location linked to `linked`, by name: who a
/// case at that location can be given to.
pub async fn candidates(
    q: &mut impl Exec,
    scope: &TenantScope,
    linked: &[String],
) -> Result<Vec<PersonRow>, StoreError> {
    let query = Query::select()
        .columns([
            Users::Id,
            Users::DisplayName,
            Users::TenantId,
            Users::Status,
        ])
        .from(Users::Table)
        .and_where(Expr::col(Users::TenantId).like(scope.like_pattern()))
        .and_where(Expr::col(Users::Status).eq(UserStatus::Active.code()))
        .order_by(Users::DisplayName, Order::Asc)
        .order_by(Users::Id, Order::Asc)
        .to_owned();
    let people: Vec<PersonRow> = q.all(&query).await?;
    Ok(people
        .into_iter()
        .filter(|p| team_sees_location(&p.tenant_id, linked))
        .collect())
}

/// Gives the case to `owner` (id and tenant) or leaves it unowned, if its owner is still
/// `expected`; moves the version on. False (nothing written) when someone changed the owner
/// first.
pub async fn set_owner(
    tx: &mut Tx,
    id: &str,
    expected: Option<i64>,
    owner: Option<(i64, &str)>,
    now: OffsetDateTime,
) -> Result<bool, StoreError> {
    let mut update = Query::update()
        .table(Participants::Table)
        .value(Participants::OwnerId, owner.map(|o| o.0))
        .value(Participants::OwnerTenantId, owner.map(|o| o.1.to_owned()))
        .value(
            Participants::Version,
            Expr::col(Participants::Version).add(1),
        )
        .value(Participants::UpdatedAt, now)
        .and_where(Expr::col(Participants::Id).eq(id))
        .to_owned();
    match expected {
        Some(expected) => update.and_where(Expr::col(Participants::OwnerId).eq(expected)),
        None => update.and_where(Expr::col(Participants::OwnerId).is_null()),
    };
    Ok(tx.execute(&update).await? == 1)
}

/// Records a change of owner in the history: the open period ends, and a new one starts when
/// the case has an owner. `location` is the case's current location, whose contract is noted.
pub async fn record(
    tx: &mut Tx,
    id: &str,
    owner: Option<(i64, &str)>,
    location: i64,
    by: Option<i64>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let close = Query::update()
        .table(OwnershipHistory::Table)
        .value(OwnershipHistory::EndedAt, now)
        .and_where(Expr::col(OwnershipHistory::ParticipantId).eq(id))
        .and_where(Expr::col(OwnershipHistory::EndedAt).is_null())
        .to_owned();
    tx.execute(&close).await?;
    let Some((owner, tenant)) = owner else {
        return Ok(());
    };
    let contract = Query::select()
        .column(Locations::ContractId)
        .from(Locations::Table)
        .and_where(Expr::col(Locations::Id).eq(location))
        .to_owned();
    let contract: Option<(Option<String>,)> = tx.fetch_optional(&contract).await?;
    let insert = Query::insert()
        .into_table(OwnershipHistory::Table)
        .columns([
            OwnershipHistory::ParticipantId,
            OwnershipHistory::OwnerId,
            OwnershipHistory::TenantId,
            OwnershipHistory::ContractId,
            OwnershipHistory::StartedAt,
            OwnershipHistory::ChangedBy,
        ])
        .values_panic([
            id.into(),
            owner.into(),
            tenant.into(),
            contract.and_then(|(c,)| c).into(),
            now.into(),
            by.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// A case's ownership history, oldest first.
pub async fn history(q: &mut impl Exec, id: &str) -> Result<Vec<OwnershipRow>, StoreError> {
    let query = Query::select()
        .columns([
            OwnershipHistory::OwnerId,
            OwnershipHistory::TenantId,
            OwnershipHistory::ContractId,
            OwnershipHistory::StartedAt,
            OwnershipHistory::EndedAt,
            OwnershipHistory::ChangedBy,
        ])
        .from(OwnershipHistory::Table)
        .and_where(Expr::col(OwnershipHistory::ParticipantId).eq(id))
        .order_by(OwnershipHistory::Id, Order::Asc)
        .to_owned();
    q.all(&query).await
}
