//! The organisation pages: tenant tree and contracts; locations and DMS mappings.

use maud::{html, Markup};

/// One tenant in the tree.
pub struct TenantLine {
    /// Dotted id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Depth below the top of the user's scope (for indenting).
    pub depth: usize,
    /// Allowed e-mail domains.
    pub domains: String,
}

/// One contract.
pub struct ContractLine {
    /// Id.
    pub id: String,
    /// Lot.
    pub lot: i64,
    /// Region of the lot.
    pub region: &'static str,
    /// Description.
    pub description: String,
    /// Owning tenant name.
    pub tenant: String,
    /// "1 Aug 2024 to 31 Mar 2029".
    pub lifetime: String,
}

/// The organisation page.
pub struct Organisation<'a> {
    /// Tenants in scope.
    pub tenants: &'a [TenantLine],
    /// Contracts visible.
    pub contracts: &'a [ContractLine],
}

/// Renders tenants and contracts.
pub fn organisation(page: &Organisation<'_>) -> Markup {
    html! {
        h1 { "Organisation" }
        p { a href="/admin/locations" { "Locations and DMS mappings" } }
        h2 { "Tenants" }
        table.table {
            thead { tr { th scope="col" { "Tenant" } th scope="col" { "Id" } th scope="col" { "Email domains" } } }
            tbody {
                @for tenant in page.tenants {
                    tr {
                        td { span class={ "indent indent--" (tenant.depth.min(6)) } { (tenant.name) } }
                        td { code { (tenant.id) } }
                        td { (tenant.domains) }
                    }
                }
            }
        }
        h2 { "Contracts" }
        table.table {
            thead { tr { th scope="col" { "Contract" } th scope="col" { "Lot" } th scope="col" { "Description" } th scope="col" { "Tenant" } th scope="col" { "Lifetime" } } }
            tbody {
                @for c in page.contracts {
                    tr { td { code { (c.id) } } td { (c.lot) " – " (c.region) } td { (c.description) } td { (c.tenant) } td { (c.lifetime) } }
                }
            }
        }
    }
}

/// One location.
pub struct LocationLine {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Type name.
    pub location_type: String,
    /// Gender provision.
    pub gender: String,
    /// Contract id.
    pub contract: String,
    /// Hub of a satellite.
    pub parent: String,
    /// Linked tenant names.
    pub tenants: String,
}

/// One DMS code mapping.
pub struct MappingLine {
    /// Code.
    pub code: String,
    /// Prison or Probation.
    pub code_type: String,
    /// Description.
    pub description: String,
    /// Mapped location's name, or "Unmapped".
    pub location: String,
}

/// The locations page.
pub struct LocationsPage<'a> {
    /// Visible locations.
    pub locations: &'a [LocationLine],
    /// DMS mappings.
    pub mappings: &'a [MappingLine],
}

/// Renders locations and mappings.
pub fn locations(page: &LocationsPage<'_>) -> Markup {
    html! {
        h1 { "Locations" }
        p { a href="/admin/organisation" { "Tenants and contracts" } }
        table.table {
            thead { tr { th scope="col" { "Location" } th scope="col" { "Type" } th scope="col" { "Gender" } th scope="col" { "Contract" } th scope="col" { "Hub" } th scope="col" { "Teams" } } }
            tbody {
                @for l in page.locations {
                    tr { td { (l.name) } td { (l.location_type) } td { (l.gender) } td { (l.contract) } td { (l.parent) } td { (l.tenants) } }
                }
            }
        }
        h2 { "DMS location mappings" }
        table.table {
            thead { tr { th scope="col" { "Code" } th scope="col" { "Type" } th scope="col" { "Description" } th scope="col" { "Location" } } }
            tbody {
                @for m in page.mappings {
                    tr { td { code { (m.code) } } td { (m.code_type) } td { (m.description) } td { (m.location) } }
                }
            }
        }
    }
}
