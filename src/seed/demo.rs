//! The demo data (DOMAIN.md "Minimum demo data", organisation and accounts): two providers with
//! a contract each, teams, locations of every type, DMS mappings, and one account per role.
//! Every demo account's password is `Cats-demo-2026!`.

use crate::accounts::hashing;
use crate::domain::role::{Role, Roles};
use crate::domain::user::UserStatus;
use crate::store::org::{self, ContractRow, LocationMappingRow, LocationRow, TenantRow};
use crate::store::users::{self, NewUser, LOCK_FAILED_ATTEMPTS};
use crate::store::{Store, Tx};
use time::macros::date;
use time::OffsetDateTime;

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "Cats-demo-2026!";

/// (id, name, description, domains)
const TENANTS: &[(&str, &str, &str, &[&str])] = &[
    (
        "1.",
        "CFO",
        "Creating Future Opportunities",
        &["justice.gov.uk"],
    ),
    (
        "1.1.",
        "CFO Evolution",
        "The Evolution programme",
        &["justice.gov.uk"],
    ),
    (
        "1.1.1.",
        "Provider A",
        "Demo provider A",
        &["provider-a.example"],
    ),
    (
        "1.1.1.1.",
        "Provider A North West",
        "North West contract",
        &["provider-a.example"],
    ),
    (
        "1.1.1.1.1.",
        "Provider A Manchester team",
        "Delivery team",
        &["provider-a.example"],
    ),
    (
        "1.1.1.1.2.",
        "Provider A Liverpool team",
        "Delivery team",
        &["provider-a.example"],
    ),
    (
        "1.1.2.",
        "Provider B",
        "Demo provider B",
        &["provider-b.example"],
    ),
    (
        "1.1.2.1.",
        "Provider B North East",
        "North East contract",
        &["provider-b.example"],
    ),
    (
        "1.1.2.1.1.",
        "Provider B Durham team",
        "Delivery team",
        &["provider-b.example"],
    ),
    (
        "1.1.2.1.2.",
        "Provider B Teesside team",
        "Delivery team",
        &["provider-b.example"],
    ),
];

/// (id, lot, description, tenant)
const CONTRACTS: &[(&str, i64, &str, &str)] = &[
    ("con_24036", 1, "North West", "1.1.1.1."),
    ("con_24037", 2, "North East", "1.1.2.1."),
];

/// (id, name, type, gender, contract, parent, tenants)
type LocationSeed = (
    i64,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<i64>,
    &'static [&'static str],
);

const A1: &str = "1.1.1.1.1.";
const A2: &str = "1.1.1.1.2.";
const B1: &str = "1.1.2.1.1.";
const B2: &str = "1.1.2.1.2.";

const LOCATIONS: &[LocationSeed] = &[
    (0, "Unmapped Location", "Unknown", "Any", None, None, &[]),
    (
        -1,
        "Unmapped Custody Location",
        "Unmapped Custody",
        "Any",
        None,
        None,
        &[],
    ),
    (
        -2,
        "Unmapped Community Location",
        "Unmapped Community",
        "Any",
        None,
        None,
        &[],
    ),
    // North West: the Liverpool team sees a subset.
    (
        1,
        "HMP Risley",
        "Wing",
        "Male",
        Some("con_24036"),
        None,
        &[A1, A2],
    ),
    (
        3,
        "HMP Forest Bank",
        "Feeder",
        "Male",
        Some("con_24036"),
        None,
        &[A1, A2],
    ),
    (
        7,
        "HMP Liverpool",
        "Outlying",
        "Male",
        Some("con_24036"),
        None,
        &[A1, A2],
    ),
    (
        14,
        "HMP Styal",
        "Female",
        "Female",
        Some("con_24036"),
        None,
        &[A1],
    ),
    (
        90,
        "North West Community",
        "Community",
        "Any",
        Some("con_24036"),
        None,
        &[A1, A2],
    ),
    (
        100,
        "Liverpool",
        "Hub",
        "Any",
        Some("con_24036"),
        None,
        &[A1],
    ),
    (
        101,
        "Warrington",
        "Satellite",
        "Any",
        Some("con_24036"),
        Some(100),
        &[A1],
    ),
    // North East: the Teesside team sees a subset.
    (
        15,
        "HMP Holme House",
        "Wing",
        "Male",
        Some("con_24037"),
        None,
        &[B1, B2],
    ),
    (
        17,
        "HMP Durham",
        "Feeder",
        "Male",
        Some("con_24037"),
        None,
        &[B1],
    ),
    (
        18,
        "HMP Northumberland",
        "Outlying",
        "Male",
        Some("con_24037"),
        None,
        &[B1],
    ),
    (
        19,
        "HMP Low Newton",
        "Female",
        "Female",
        Some("con_24037"),
        None,
        &[B1, B2],
    ),
    (
        91,
        "North East Community",
        "Community",
        "Any",
        Some("con_24037"),
        None,
        &[B1, B2],
    ),
    (105, "Durham", "Hub", "Any", Some("con_24037"), None, &[B1]),
    (
        106,
        "Sunderland",
        "Satellite",
        "Any",
        Some("con_24037"),
        Some(105),
        &[B1],
    ),
];

/// (code, type, description, region, location)
const MAPPINGS: &[(&str, &str, &str, &str, Option<i64>)] = &[
    ("RSI", "Prison", "Risley", "North West", Some(1)),
    ("FBI", "Prison", "Forest Bank", "North West", Some(3)),
    ("LPI", "Prison", "Liverpool", "North West", Some(7)),
    ("STI", "Prison", "Styal", "North West", Some(14)),
    ("HHI", "Prison", "Holme House", "North East", Some(15)),
    ("DMI", "Prison", "Durham", "North East", Some(17)),
    ("ACI", "Prison", "Northumberland", "North East", Some(18)),
    ("LNI", "Prison", "Low Newton", "North East", Some(19)),
    ("BAI", "Prison", "Belmarsh", "London", None),
    (
        "C02",
        "Probation",
        "CPA Cumbria and Lancashire",
        "North West",
        Some(90),
    ),
    (
        "C01",
        "Probation",
        "CPA Northumbria",
        "North East",
        Some(91),
    ),
    (
        "ALL",
        "Probation",
        "No Trust or Trust Unknown",
        "National",
        None,
    ),
];

/// How a demo account starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Start {
    Normal,
    Status(UserStatus),
    Locked,
}

/// (email, name, tenant, roles, start)
const USERS: &[(&str, &str, &str, &[Role], Start)] = &[
    (
        "admin@justice.gov.uk",
        "Sam Support",
        "1.",
        &[Role::SystemSupport],
        Start::Normal,
    ),
    (
        "smt@justice.gov.uk",
        "Morgan Senior",
        "1.1.",
        &[Role::Smt],
        Start::Normal,
    ),
    (
        "qa.manager@justice.gov.uk",
        "Quinn Manager",
        "1.1.",
        &[Role::QaManager],
        Start::Normal,
    ),
    (
        "qa.support@justice.gov.uk",
        "Sasha Support-Manager",
        "1.1.",
        &[Role::QaSupportManager],
        Start::Normal,
    ),
    (
        "qa.officer@justice.gov.uk",
        "Olu Officer",
        "1.1.",
        &[Role::QaOfficer],
        Start::Normal,
    ),
    (
        "qa.officer2@justice.gov.uk",
        "Oakley Officer",
        "1.1.",
        &[Role::QaOfficer],
        Start::Normal,
    ),
    (
        "cso@justice.gov.uk",
        "Casey Contract-Support",
        "1.1.",
        &[Role::ContractSupportOfficer],
        Start::Normal,
    ),
    (
        "cpm@justice.gov.uk",
        "Parker Performance",
        "1.1.",
        &[Role::ContractPerformanceManager],
        Start::Normal,
    ),
    (
        "cmpsm@justice.gov.uk",
        "Max Process-Support",
        "1.1.",
        &[Role::ContractManagementProcessSupportManager],
        Start::Normal,
    ),
    (
        "pqa@provider-a.example",
        "Pat Provider-QA",
        "1.1.1.1.",
        &[Role::QaFinance],
        Start::Normal,
    ),
    (
        "finance@provider-a.example",
        "Frankie Finance",
        "1.1.1.1.",
        &[Role::Finance],
        Start::Normal,
    ),
    (
        "worker@provider-a.example",
        "Alex Worker",
        A1,
        &[],
        Start::Normal,
    ),
    (
        "colleague@provider-a.example",
        "Kim Colleague",
        A1,
        &[],
        Start::Normal,
    ),
    (
        "worker2@provider-a.example",
        "Jamie Worker",
        A2,
        &[],
        Start::Normal,
    ),
    (
        "pqa@provider-b.example",
        "Robin Provider-QA",
        "1.1.2.1.",
        &[Role::QaFinance],
        Start::Normal,
    ),
    (
        "worker@provider-b.example",
        "Charlie Worker",
        B1,
        &[],
        Start::Normal,
    ),
    (
        "inactive@provider-a.example",
        "Ingrid Inactive",
        A1,
        &[],
        Start::Status(UserStatus::Inactive),
    ),
    (
        "pending@provider-a.example",
        "Pip Pending",
        A2,
        &[],
        Start::Status(UserStatus::PendingActivation),
    ),
    (
        "locked@provider-a.example",
        "Lou Locked",
        A1,
        &[],
        Start::Locked,
    ),
];

/// Loads the demo data into an empty database, in one transaction.
pub async fn load(store: &Store) -> Result<(), anyhow::Error> {
    // One hash for every demo account: they share a published password, so separate salts
    // would protect nothing, and hashing 18 times would slow every first start and test.
    let hash = tokio::task::spawn_blocking(|| hashing::hash_now(DEMO_PASSWORD)).await??;
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    load_organisation(&mut tx, now).await?;
    for (email, name, tenant, roles, start) in USERS {
        let status = match start {
            Start::Status(status) => *status,
            _ => UserStatus::Active,
        };
        let new = NewUser {
            email,
            display_name: name,
            tenant_id: tenant,
            status,
            password_hash: &hash,
            must_change_password: false,
        };
        let id = users::insert(&mut tx, &new, now).await?;
        users::set_roles(&mut tx, id, &Roles::new(roles.iter().copied())).await?;
        if *start == Start::Locked {
            users::set_failed_attempts(&mut tx, id, 5, now).await?;
            users::lock(&mut tx, id, LOCK_FAILED_ATTEMPTS, now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn load_organisation(tx: &mut Tx, now: OffsetDateTime) -> Result<(), anyhow::Error> {
    for (id, name, description, domains) in TENANTS {
        let parent = crate::domain::tenant::TenantId::parse(id)?
            .parent()
            .map(|p| p.as_str().to_owned());
        let row = TenantRow {
            id: (*id).to_owned(),
            name: (*name).to_owned(),
            description: (*description).to_owned(),
            parent_id: parent,
        };
        org::insert_tenant(tx, &row, domains, now).await?;
    }
    for (id, lot, description, tenant) in CONTRACTS {
        let row = ContractRow {
            id: (*id).to_owned(),
            lot: *lot,
            description: (*description).to_owned(),
            tenant_id: (*tenant).to_owned(),
            lifetime_start: date!(2024 - 08 - 01),
            lifetime_end: date!(2029 - 03 - 31),
        };
        org::insert_contract(tx, &row).await?;
    }
    for (id, name, location_type, gender, contract, parent, tenants) in LOCATIONS {
        let row = LocationRow {
            id: *id,
            name: (*name).to_owned(),
            location_type: (*location_type).to_owned(),
            gender_provision: (*gender).to_owned(),
            contract_id: contract.map(str::to_owned),
            parent_id: *parent,
            lifetime_start: date!(2024 - 08 - 01),
            lifetime_end: date!(2029 - 03 - 31),
        };
        org::insert_location(tx, &row, tenants).await?;
    }
    for (code, code_type, description, region, location) in MAPPINGS {
        let row = LocationMappingRow {
            code: (*code).to_owned(),
            code_type: (*code_type).to_owned(),
            description: (*description).to_owned(),
            region: Some((*region).to_owned()),
            location_id: *location,
        };
        org::insert_mapping(tx, &row).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::location::LocationType;
    use crate::domain::tenant::TenantId;
    use crate::domain::user::Email;

    #[test]
    fn every_demo_user_matches_a_domain_of_their_tenant() {
        for (email, _, tenant, roles, _) in USERS {
            let email = Email::parse(email).expect("valid demo email");
            let (_, _, _, domains) = TENANTS
                .iter()
                .find(|(id, ..)| id == tenant)
                .expect("demo tenant exists");
            assert!(email.domain_is_one_of(domains.iter().copied()), "{email}");
            for role in *roles {
                assert!(
                    !role.is_internal() || email.is_internal(),
                    "{email} holds {role:?}"
                );
            }
        }
    }

    #[test]
    fn demo_tenants_form_a_tree_and_locations_use_known_types() {
        for (id, ..) in TENANTS {
            let id = TenantId::parse(id).expect("valid id");
            if let Some(parent) = id.parent() {
                assert!(TENANTS.iter().any(|(p, ..)| *p == parent.as_str()), "{id}");
            }
        }
        for (_, name, location_type, ..) in LOCATIONS {
            assert!(LocationType::from_code(location_type).is_some(), "{name}");
        }
        let every_role_seeded = Role::ALL
            .into_iter()
            .filter(|r| r.is_grantable())
            .all(|role| USERS.iter().any(|(.., roles, _)| roles.contains(&role)));
        assert!(every_role_seeded);
    }
}
