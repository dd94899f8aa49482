//! The organisation: tenants and their e-mail domains, contracts, locations and DMS location
//! mappings. Reads of tenant-owned rows take a `TenantScope`.

use super::schema::{
    Contracts, LocationMappings, LocationTenants, Locations, TenantDomains, Tenants,
};
use super::{Db, StoreError, Tx};
use crate::domain::tenant::{TenantId, TenantScope};
use sea_query::{Expr, ExprTrait, Order, Query};
use time::{Date, OffsetDateTime};

/// A tenant as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TenantRow {
    /// Dotted id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Parent tenant id; none for the root.
    pub parent_id: Option<String>,
}

/// A contract as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ContractRow {
    /// E.g. `con_24036`.
    pub id: String,
    /// Lot 1–9.
    pub lot: i64,
    /// Description.
    pub description: String,
    /// The owning (contract) tenant.
    pub tenant_id: String,
    /// First day of the contract.
    pub lifetime_start: Date,
    /// Last day of the contract.
    pub lifetime_end: Date,
}

/// A location as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LocationRow {
    /// Id (0, −1 and −2 are the unmapped buckets).
    pub id: i64,
    /// Name.
    pub name: String,
    /// Location type code.
    pub location_type: String,
    /// Gender provision code.
    pub gender_provision: String,
    /// The contract, for mapped locations.
    pub contract_id: Option<String>,
    /// The hub of a satellite.
    pub parent_id: Option<i64>,
    /// First day of operation.
    pub lifetime_start: Date,
    /// Last day of operation.
    pub lifetime_end: Date,
}

/// A DMS code's mapping to a location.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LocationMappingRow {
    /// Prison or probation code.
    pub code: String,
    /// `Prison` or `Probation`.
    pub code_type: String,
    /// The code's description.
    pub description: String,
    /// Delivery region.
    pub region: Option<String>,
    /// The mapped location; none means unmapped.
    pub location_id: Option<i64>,
}

/// Which tenants each location is linked to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LocationTenantRow {
    /// Location id.
    pub location_id: i64,
    /// Tenant id.
    pub tenant_id: String,
}

/// Tenants in scope, in tree order.
pub async fn tenants_in_scope(
    db: &mut Db<'_>,
    scope: &TenantScope,
) -> Result<Vec<TenantRow>, StoreError> {
    let query = Query::select()
        .columns([
            Tenants::Id,
            Tenants::Name,
            Tenants::Description,
            Tenants::ParentId,
        ])
        .from(Tenants::Table)
        .and_where(Expr::col(Tenants::Id).like(scope.like_pattern()))
        .order_by(Tenants::Id, Order::Asc)
        .to_owned();
    db.fetch_all(&query).await
}

/// One tenant, if it is in scope.
pub async fn tenant(
    db: &mut Db<'_>,
    scope: &TenantScope,
    id: &TenantId,
) -> Result<Option<TenantRow>, StoreError> {
    if !scope.contains(id) {
        return Ok(None);
    }
    let query = Query::select()
        .columns([
            Tenants::Id,
            Tenants::Name,
            Tenants::Description,
            Tenants::ParentId,
        ])
        .from(Tenants::Table)
        .and_where(Expr::col(Tenants::Id).eq(id.as_str()))
        .to_owned();
    db.fetch_optional(&query).await
}

/// The e-mail domains allowed for users of a tenant.
pub async fn tenant_domains(db: &mut Db<'_>, tenant: &TenantId) -> Result<Vec<String>, StoreError> {
    let query = Query::select()
        .column(TenantDomains::Domain)
        .from(TenantDomains::Table)
        .and_where(Expr::col(TenantDomains::TenantId).eq(tenant.as_str()))
        .order_by(TenantDomains::Domain, Order::Asc)
        .to_owned();
    let rows: Vec<(String,)> = db.fetch_all(&query).await?;
    Ok(rows.into_iter().map(|(d,)| d).collect())
}

/// Every tenant's domains in scope, for the organisation page.
pub async fn domains_in_scope(
    db: &mut Db<'_>,
    scope: &TenantScope,
) -> Result<Vec<(String, String)>, StoreError> {
    let query = Query::select()
        .columns([TenantDomains::TenantId, TenantDomains::Domain])
        .from(TenantDomains::Table)
        .and_where(Expr::col(TenantDomains::TenantId).like(scope.like_pattern()))
        .order_by(TenantDomains::TenantId, Order::Asc)
        .to_owned();
    db.fetch_all(&query).await
}

/// Contracts visible in scope: owned by a tenant in scope, or by an ancestor of the scope's
/// tenant (a delivery team sees its own contract).
pub async fn contracts_visible(
    db: &mut Db<'_>,
    scope: &TenantScope,
) -> Result<Vec<ContractRow>, StoreError> {
    let mut ancestors = Vec::new();
    let mut next = scope.root().parent();
    while let Some(tenant) = next {
        next = tenant.parent();
        ancestors.push(tenant.as_str().to_owned());
    }
    let query = Query::select()
        .columns([
            Contracts::Id,
            Contracts::Lot,
            Contracts::Description,
            Contracts::TenantId,
            Contracts::LifetimeStart,
            Contracts::LifetimeEnd,
        ])
        .from(Contracts::Table)
        .and_where(
            Expr::col(Contracts::TenantId)
                .like(scope.like_pattern())
                .or(Expr::col(Contracts::TenantId).is_in(ancestors)),
        )
        .order_by(Contracts::Lot, Order::Asc)
        .to_owned();
    db.fetch_all(&query).await
}

/// Locations visible in scope: linked to at least one tenant in scope.
pub async fn locations_visible(
    db: &mut Db<'_>,
    scope: &TenantScope,
) -> Result<Vec<LocationRow>, StoreError> {
    let linked = Query::select()
        .column(LocationTenants::LocationId)
        .from(LocationTenants::Table)
        .and_where(Expr::col(LocationTenants::TenantId).like(scope.like_pattern()))
        .to_owned();
    let query = Query::select()
        .columns([
            Locations::Id,
            Locations::Name,
            Locations::LocationType,
            Locations::GenderProvision,
            Locations::ContractId,
            Locations::ParentId,
            Locations::LifetimeStart,
            Locations::LifetimeEnd,
        ])
        .from(Locations::Table)
        .and_where(Expr::col(Locations::Id).in_subquery(linked))
        .order_by(Locations::ContractId, Order::Asc)
        .order_by(Locations::Name, Order::Asc)
        .to_owned();
    db.fetch_all(&query).await
}

/// Location-to-tenant links for tenants in scope.
pub async fn location_links_in_scope(
    db: &mut Db<'_>,
    scope: &TenantScope,
) -> Result<Vec<LocationTenantRow>, StoreError> {
    let query = Query::select()
        .columns([LocationTenants::LocationId, LocationTenants::TenantId])
        .from(LocationTenants::Table)
        .and_where(Expr::col(LocationTenants::TenantId).like(scope.like_pattern()))
        .order_by(LocationTenants::TenantId, Order::Asc)
        .to_owned();
    db.fetch_all(&query).await
}

/// Every DMS code mapping (reference data, not tenant-owned).
pub async fn location_mappings(db: &mut Db<'_>) -> Result<Vec<LocationMappingRow>, StoreError> {
    let query = Query::select()
        .columns([
            LocationMappings::Code,
            LocationMappings::CodeType,
            LocationMappings::Description,
            LocationMappings::Region,
            LocationMappings::LocationId,
        ])
        .from(LocationMappings::Table)
        .order_by(LocationMappings::CodeType, Order::Asc)
        .order_by(LocationMappings::Code, Order::Asc)
        .to_owned();
    db.fetch_all(&query).await
}

/// Adds a tenant with its allowed e-mail domains.
pub async fn insert_tenant(
    tx: &mut Tx,
    tenant: &TenantRow,
    domains: &[&str],
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(Tenants::Table)
        .columns([
            Tenants::Id,
            Tenants::Name,
            Tenants::Description,
            Tenants::ParentId,
            Tenants::CreatedAt,
        ])
        .values_panic([
            tenant.id.clone().into(),
            tenant.name.clone().into(),
            tenant.description.clone().into(),
            tenant.parent_id.clone().into(),
            now.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    for domain in domains {
        let insert = Query::insert()
            .into_table(TenantDomains::Table)
            .columns([TenantDomains::TenantId, TenantDomains::Domain])
            .values_panic([tenant.id.clone().into(), (*domain).into()])
            .to_owned();
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// Adds a contract.
pub async fn insert_contract(tx: &mut Tx, contract: &ContractRow) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(Contracts::Table)
        .columns([
            Contracts::Id,
            Contracts::Lot,
            Contracts::Description,
            Contracts::TenantId,
            Contracts::LifetimeStart,
            Contracts::LifetimeEnd,
        ])
        .values_panic([
            contract.id.clone().into(),
            contract.lot.into(),
            contract.description.clone().into(),
            contract.tenant_id.clone().into(),
            contract.lifetime_start.into(),
            contract.lifetime_end.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// Adds a location and links it to tenants.
pub async fn insert_location(
    tx: &mut Tx,
    location: &LocationRow,
    tenants: &[&str],
) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(Locations::Table)
        .columns([
            Locations::Id,
            Locations::Name,
            Locations::LocationType,
            Locations::GenderProvision,
            Locations::ContractId,
            Locations::ParentId,
            Locations::LifetimeStart,
            Locations::LifetimeEnd,
        ])
        .values_panic([
            location.id.into(),
            location.name.clone().into(),
            location.location_type.clone().into(),
            location.gender_provision.clone().into(),
            location.contract_id.clone().into(),
            location.parent_id.into(),
            location.lifetime_start.into(),
            location.lifetime_end.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    for tenant in tenants {
        let link = Query::insert()
            .into_table(LocationTenants::Table)
            .columns([LocationTenants::LocationId, LocationTenants::TenantId])
            .values_panic([location.id.into(), (*tenant).into()])
            .to_owned();
        tx.execute(&link).await?;
    }
    Ok(())
}

/// Adds a DMS code mapping.
pub async fn insert_mapping(tx: &mut Tx, mapping: &LocationMappingRow) -> Result<(), StoreError> {
    let insert = Query::insert()
        .into_table(LocationMappings::Table)
        .columns([
            LocationMappings::Code,
            LocationMappings::CodeType,
            LocationMappings::Description,
            LocationMappings::Region,
            LocationMappings::LocationId,
        ])
        .values_panic([
            mapping.code.clone().into(),
            mapping.code_type.clone().into(),
            mapping.description.clone().into(),
            mapping.region.clone().into(),
            mapping.location_id.into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    Ok(())
}

/// The CATS location a DMS code maps to; `None` when the code is unknown or mapped to no
/// location (the caller then uses the matching unmapped location).
pub async fn mapped_location(
    db: &mut Db<'_>,
    code: &str,
    code_type: &str,
) -> Result<Option<i64>, StoreError> {
    let query = Query::select()
        .column(LocationMappings::LocationId)
        .from(LocationMappings::Table)
        .and_where(Expr::col(LocationMappings::Code).eq(code.to_uppercase()))
        .and_where(Expr::col(LocationMappings::CodeType).eq(code_type))
        .to_owned();
    let row: Option<(Option<i64>,)> = db.fetch_optional(&query).await?;
    Ok(row.and_then(|(location,)| location))
}

/// Every location's name (reference data: a case may sit at a location the viewer does not
/// otherwise see).
pub async fn location_names(
    db: &mut impl super::Exec,
) -> Result<std::collections::HashMap<i64, String>, StoreError> {
    let query = Query::select()
        .columns([Locations::Id, Locations::Name])
        .from(Locations::Table)
        .to_owned();
    let rows: Vec<(i64, String)> = db.all(&query).await?;
    Ok(rows.into_iter().collect())
}

/// Whether any tenant exists yet (an empty database gets the demo data on first start).
pub async fn is_empty(db: &mut Db<'_>) -> Result<bool, StoreError> {
    let query = Query::select()
        .column(Tenants::Id)
        .from(Tenants::Table)
        .limit(1)
        .to_owned();
    let row: Option<(String,)> = db.fetch_optional(&query).await?;
    Ok(row.is_none())
}

/// The lot of a location's contract (the assessment's scoring region); `None` when the
/// location has no contract.
pub async fn lot_of_location(
    db: &mut impl super::Exec,
    location: i64,
) -> Result<Option<i64>, StoreError> {
    let query = Query::select()
        .column((Contracts::Table, Contracts::Lot))
        .from(Locations::Table)
        .inner_join(
            Contracts::Table,
            Expr::col((Contracts::Table, Contracts::Id))
                .equals((Locations::Table, Locations::ContractId)),
        )
        .and_where(Expr::col((Locations::Table, Locations::Id)).eq(location))
        .to_owned();
    Ok(db.optional::<(i64,)>(&query).await?.map(|(lot,)| lot))
}
