//! Organisation pages: tenants and contracts, locations and DMS mappings, in the user's scope.

use super::current_user::CurrentUser;
use super::error::HttpError;
use super::page::render;
use super::routes;
use super::state::AppState;
use crate::accounts::Principal;
use crate::domain::location::{lot_region, LocationType};
use crate::format::display_date;
use crate::store::org;
use actix_web::{web, HttpResponse};
use cats_views::pages::organisation::{
    locations as locations_page, organisation as organisation_page, ContractLine, LocationLine,
    LocationsPage, MappingLine, Organisation, TenantLine,
};
use std::collections::HashMap;

routes! {
    get "/admin/organisation" => organisation;
    get "/admin/locations" => locations;
}

fn require_admin(user: &Principal) -> Result<(), HttpError> {
    if user.roles.can_administer_users() {
        Ok(())
    } else {
        Err(HttpError::Forbidden)
    }
}

/// `GET /admin/organisation`
pub async fn organisation(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, HttpError> {
    require_admin(&user)?;
    let scope = user.scope();
    let mut db = state.store.db();
    let tenants = org::tenants_in_scope(&mut db, &scope).await?;
    let mut domains: HashMap<String, Vec<String>> = HashMap::new();
    for (tenant, domain) in org::domains_in_scope(&mut db, &scope).await? {
        domains
            .entry(tenant)
            .or_default()
            .push(format!("@{domain}"));
    }
    let names: HashMap<String, String> = tenants
        .iter()
        .map(|t| (t.id.clone(), t.name.clone()))
        .collect();
    let top = user.tenant.depth();
    let tenant_lines: Vec<TenantLine> = tenants
        .iter()
        .map(|t| TenantLine {
            depth: t.id.matches('.').count().saturating_sub(top) + 1,
            domains: domains.get(&t.id).map(|d| d.join(", ")).unwrap_or_default(),
            id: t.id.clone(),
            name: t.name.clone(),
        })
        .collect();
    let contracts = org::contracts_visible(&mut db, &scope).await?;
    let contract_lines: Vec<ContractLine> = contracts
        .into_iter()
        .map(|c| ContractLine {
            region: u8::try_from(c.lot)
                .ok()
                .and_then(lot_region)
                .unwrap_or("Unknown"),
            lifetime: format!(
                "{} to {}",
                display_date(c.lifetime_start),
                display_date(c.lifetime_end)
            ),
            tenant: names.get(&c.tenant_id).cloned().unwrap_or(c.tenant_id),
            id: c.id,
            lot: c.lot,
            description: c.description,
        })
        .collect();
    let view = Organisation {
        tenants: &tenant_lines,
        contracts: &contract_lines,
    };
    Ok(render(
        &state,
        &user,
        "Organisation",
        "/admin/organisation",
        organisation_page(&view),
    )
    .await)
}

/// `GET /admin/locations`
pub async fn locations(
    state: web::Data<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<HttpResponse, HttpError> {
    require_admin(&user)?;
    let scope = user.scope();
    let mut db = state.store.db();
    let locations = org::locations_visible(&mut db, &scope).await?;
    let tenant_names: HashMap<String, String> = org::tenants_in_scope(&mut db, &scope)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let mut links: HashMap<i64, Vec<String>> = HashMap::new();
    for link in org::location_links_in_scope(&mut db, &scope).await? {
        let name = tenant_names
            .get(&link.tenant_id)
            .cloned()
            .unwrap_or(link.tenant_id);
        links.entry(link.location_id).or_default().push(name);
    }
    let location_names: HashMap<i64, String> =
        locations.iter().map(|l| (l.id, l.name.clone())).collect();
    let lines: Vec<LocationLine> = locations
        .iter()
        .map(|l| LocationLine {
            id: l.id,
            name: l.name.clone(),
            location_type: LocationType::from_code(&l.location_type)
                .map(|t| t.code().to_owned())
                .unwrap_or_else(|| l.location_type.clone()),
            gender: l.gender_provision.clone(),
            contract: l.contract_id.clone().unwrap_or_default(),
            parent: l
                .parent_id
                .and_then(|p| location_names.get(&p).cloned())
                .unwrap_or_default(),
            tenants: links.get(&l.id).map(|t| t.join(", ")).unwrap_or_default(),
        })
        .collect();
    let mappings: Vec<MappingLine> = org::location_mappings(&mut db)
        .await?
        .into_iter()
        .map(|m| MappingLine {
            location: match m.location_id {
                Some(id) => location_names
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| format!("Location {id}")),
                None => "Unmapped".to_owned(),
            },
            code: m.code,
            code_type: m.code_type,
            description: m.description,
        })
        .collect();
    let view = LocationsPage {
        locations: &lines,
        mappings: &mappings,
    };
    Ok(render(
        &state,
        &user,
        "Locations",
        "/admin/organisation",
        locations_page(&view),
    )
    .await)
}
