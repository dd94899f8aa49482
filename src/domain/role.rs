//! Roles, their ranks and the permissions they grant (DOMAIN.md §1).

use super::permission::Permission;
use std::collections::BTreeSet;

/// A role a user can hold. A user with no role is a provider support worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Everything, including contract data.
    SystemSupport,
    /// Senior management: QA Manager's permissions plus dip sampling and initiatives.
    Smt,
    /// Runs internal QA and user administration.
    QaManager,
    /// Supports the QA manager.
    QaSupportManager,
    /// Reviews at QA1.
    QaOfficer,
    /// Contract Support Officer.
    ContractSupportOfficer,
    /// Contract Performance Manager.
    ContractPerformanceManager,
    /// Contract Management Process Support Manager.
    ContractManagementProcessSupportManager,
    /// Provider quality assurance (named "QA + Finance" in the original).
    QaFinance,
    /// Provider finance.
    Finance,
    /// Named in the original but never seeded; holds no permission and cannot be granted.
    PerformanceManager,
}

impl Role {
    /// Every role, most senior first.
    pub const ALL: [Role; 11] = [
        Role::SystemSupport,
        Role::Smt,
        Role::QaManager,
        Role::QaSupportManager,
        Role::QaOfficer,
        Role::ContractSupportOfficer,
        Role::ContractPerformanceManager,
        Role::ContractManagementProcessSupportManager,
        Role::QaFinance,
        Role::Finance,
        Role::PerformanceManager,
    ];

    /// The display name, as the original shows it.
    pub fn display_name(self) -> &'static str {
        match self {
            Role::SystemSupport => "System Support",
            Role::Smt => "SMT",
            Role::QaManager => "CFO QA Manager",
            Role::QaSupportManager => "CFO QA Support Manager",
            Role::QaOfficer => "CFO QA Officer",
            Role::ContractSupportOfficer => "Contract Support Officer",
            Role::ContractPerformanceManager => "Contract Performance Manager",
            Role::ContractManagementProcessSupportManager => {
                "Contract Management Process Support Manager"
            }
            Role::QaFinance => "QA + Finance",
            Role::Finance => "Finance",
            Role::PerformanceManager => "Performance Manager",
        }
    }

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::SystemSupport => "system-support",
            Role::Smt => "smt",
            Role::QaManager => "qa-manager",
            Role::QaSupportManager => "qa-support-manager",
            Role::QaOfficer => "qa-officer",
            Role::ContractSupportOfficer => "cso",
            Role::ContractPerformanceManager => "cpm",
            Role::ContractManagementProcessSupportManager => "cmpsm",
            Role::QaFinance => "qa-finance",
            Role::Finance => "finance",
            Role::PerformanceManager => "performance-manager",
        }
    }

    /// The role with this stored code.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    /// Seniority: lower is more senior. `None` for a role the original never ranks.
    pub fn rank(self) -> Option<u32> {
        match self {
            Role::SystemSupport => Some(0),
            Role::Smt => Some(10),
            Role::QaManager => Some(20),
            Role::QaSupportManager => Some(40),
            Role::QaOfficer
            | Role::ContractSupportOfficer
            | Role::ContractPerformanceManager
            | Role::ContractManagementProcessSupportManager => Some(60),
            Role::QaFinance | Role::Finance => Some(9999),
            Role::PerformanceManager => None,
        }
    }

    /// True for roles held only by internal (`@justice.gov.uk`) staff.
    pub fn is_internal(self) -> bool {
        !matches!(self, Role::QaFinance | Role::Finance)
    }

    /// The permissions this role grants on its own.
    pub fn permissions(self) -> BTreeSet<Permission> {
        use Permission::*;
        let list: &[Permission] = match self {
            Role::SystemSupport => &Permission::ALL,
            Role::Smt => &[
                Pqa,
                Qa1,
                Qa2,
                SeniorInternal,
                UserManagement,
                ServiceDeskManagement,
                Reassign,
                Transfers,
                Finance,
                DipChecks,
                DipReview,
                DipVerification,
                DipFinalise,
                Initiatives,
                ManageInitiatives,
            ],
            Role::QaManager => &[
                Pqa,
                Qa1,
                Qa2,
                SeniorInternal,
                UserManagement,
                ServiceDeskManagement,
                Reassign,
                Transfers,
                Finance,
            ],
            Role::QaSupportManager => &[
                Pqa,
                Qa1,
                Qa2,
                UserManagement,
                ServiceDeskManagement,
                Reassign,
                Transfers,
            ],
            Role::QaOfficer => &[Qa1, UserManagement, Reassign, Transfers],
            Role::ContractSupportOfficer => &[DipChecks, DipReview, Transfers, Initiatives],
            Role::ContractPerformanceManager => {
                &[DipChecks, DipVerification, Transfers, Initiatives]
            }
            // Dip Verification is granted only together with CPM, SMT or System Support: see
            // `Roles::permissions`.
            Role::ContractManagementProcessSupportManager => &[
                DipChecks,
                DipReview,
                DipFinalise,
                Initiatives,
                ManageInitiatives,
            ],
            Role::QaFinance => &[Pqa, Reassign, Transfers],
            Role::Finance => &[Finance],
            Role::PerformanceManager => &[],
        };
        list.iter().copied().collect()
    }

    /// Whether an administrator may grant this role through the application at all.
    pub fn is_grantable(self) -> bool {
        self.rank().is_some()
    }
}

/// The set of roles one user holds, and the rules that depend on the whole set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Roles(BTreeSet<Role>);

impl Roles {
    /// A set from any roles.
    pub fn new(roles: impl IntoIterator<Item = Role>) -> Self {
        Self(roles.into_iter().collect())
    }

    /// The roles, most senior first.
    pub fn iter(&self) -> impl Iterator<Item = Role> + '_ {
        self.0.iter().copied()
    }

    /// True when the user holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.0.contains(&role)
    }

    /// True when no role is held: a provider support worker.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The rank of the most senior role; a support worker (no role) ranks below everyone.
    pub fn most_senior_rank(&self) -> u32 {
        self.0
            .iter()
            .filter_map(|role| role.rank())
            .min()
            .unwrap_or(u32::MAX)
    }

    /// Every permission the roles grant together.
    pub fn permissions(&self) -> BTreeSet<Permission> {
        let mut all: BTreeSet<Permission> =
            self.0.iter().flat_map(|role| role.permissions()).collect();
        // CMPSM verifies dips only when also CPM, SMT or System Support (DOMAIN.md §1 footnote);
        // those roles grant Dip Verification themselves, so the union is already right.
        if self.has(Role::ContractManagementProcessSupportManager)
            && (self.has(Role::ContractPerformanceManager)
                || self.has(Role::Smt)
                || self.has(Role::SystemSupport))
        {
            all.insert(Permission::DipVerification);
        }
        all
    }

    /// True when the roles grant `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }

    /// Tenants, picklists and users administration (role rule, DOMAIN.md §1).
    pub fn can_administer_users(&self) -> bool {
        [
            Role::SystemSupport,
            Role::Smt,
            Role::QaManager,
            Role::QaSupportManager,
            Role::QaOfficer,
        ]
        .into_iter()
        .any(|role| self.has(role))
    }

    /// Marking a user In-Review (role rule, DOMAIN.md §1).
    pub fn can_mark_in_review(&self) -> bool {
        [Role::SystemSupport, Role::Smt, Role::QaManager]
            .into_iter()
            .any(|role| self.has(role))
    }

    /// Jobs, cache and outbox actions.
    pub fn can_run_jobs(&self) -> bool {
        self.has(Role::SystemSupport)
    }

    /// "Additional roles" pages (workload, transfer processing, reassign): any role but Finance.
    pub fn has_additional_role(&self) -> bool {
        self.0.iter().any(|role| *role != Role::Finance)
    }

    /// A user may grant a role only if it is not more senior than their own most senior role.
    pub fn may_grant(&self, role: Role) -> bool {
        match role.rank() {
            Some(rank) => rank >= self.most_senior_rank(),
            None => false,
        }
    }

    /// A user may act on another account (reset its password, change its roles or status) only
    /// when that account is not more senior than their own.
    pub fn may_manage(&self, other: &Roles) -> bool {
        other.most_senior_rank() >= self.most_senior_rank()
    }
}

/// Why a change to someone's roles was refused, in the words shown at the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RoleChangeError {
    /// The role is more senior than the administrator's own.
    #[error("You cannot grant or remove {0}: it is more senior than your own role")]
    TooSenior(&'static str),
    /// Internal roles are for `@justice.gov.uk` accounts only.
    #[error("{0} is an internal role: only @justice.gov.uk accounts can hold it")]
    InternalOnly(&'static str),
}

/// Checks that an administrator holding `actor` may change `current` roles into `proposed` for
/// an account whose e-mail is internal or not. Only the roles that change are checked, so an
/// administrator can edit an account that keeps a role they could not grant themselves.
pub fn check_role_change(
    actor: &Roles,
    current: &Roles,
    proposed: &Roles,
    target_is_internal: bool,
) -> Result<(), RoleChangeError> {
    for role in Role::ALL {
        let changes = current.has(role) != proposed.has(role);
        if !changes {
            continue;
        }
        if !actor.may_grant(role) {
            return Err(RoleChangeError::TooSenior(role.display_name()));
        }
        if proposed.has(role) && role.is_internal() && !target_is_internal {
            return Err(RoleChangeError::InternalOnly(role.display_name()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_for_every_role() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("nobody"), None);
    }

    #[test]
    fn system_support_holds_every_permission() {
        let roles = Roles::new([Role::SystemSupport]);
        for permission in Permission::ALL {
            assert!(roles.can(permission), "{permission:?}");
        }
    }

    #[test]
    fn smt_has_qa_managers_permissions_and_dips_but_not_contract_data() {
        let smt = Role::Smt.permissions();
        assert!(Role::QaManager.permissions().is_subset(&smt));
        assert!(smt.contains(&Permission::DipFinalise));
        assert!(!smt.contains(&Permission::ContractData));
    }

    #[test]
    fn qa_officer_has_qa1_but_not_qa2_or_pqa() {
        let officer = Roles::new([Role::QaOfficer]);
        assert!(officer.can(Permission::Qa1));
        assert!(!officer.can(Permission::Qa2));
        assert!(!officer.can(Permission::Pqa));
        assert!(officer.can_administer_users());
        assert!(!officer.can_mark_in_review());
    }

    #[test]
    fn cmpsm_verifies_dips_only_alongside_cpm() {
        let alone = Roles::new([Role::ContractManagementProcessSupportManager]);
        assert!(!alone.can(Permission::DipVerification));
        let with_cpm = Roles::new([
            Role::ContractManagementProcessSupportManager,
            Role::ContractPerformanceManager,
        ]);
        assert!(with_cpm.can(Permission::DipVerification));
    }

    #[test]
    fn provider_qa_is_not_internal_and_has_no_finance() {
        assert!(!Role::QaFinance.is_internal());
        let pqa = Roles::new([Role::QaFinance]);
        assert!(pqa.can(Permission::Pqa));
        assert!(!pqa.can(Permission::Finance));
        assert!(!pqa.can_administer_users());
    }

    #[test]
    fn finance_alone_has_no_additional_role() {
        assert!(!Roles::new([Role::Finance]).has_additional_role());
        assert!(Roles::new([Role::QaFinance]).has_additional_role());
        assert!(!Roles::default().has_additional_role());
    }

    #[test]
    fn grants_only_roles_not_more_senior_than_own() {
        let officer = Roles::new([Role::QaOfficer]);
        assert!(officer.may_grant(Role::QaOfficer));
        assert!(officer.may_grant(Role::Finance));
        assert!(officer.may_grant(Role::ContractSupportOfficer));
        assert!(!officer.may_grant(Role::QaSupportManager));
        assert!(!officer.may_grant(Role::SystemSupport));
        assert!(!officer.may_grant(Role::PerformanceManager));
        let worker = Roles::default();
        assert!(!worker.may_grant(Role::Finance));
    }

    #[test]
    fn role_change_checks_only_the_roles_that_change() {
        let officer = Roles::new([Role::QaOfficer]);
        let current = Roles::new([Role::QaManager]);
        // Keeping a senior role the officer could not grant is not a change they make.
        let proposed = Roles::new([Role::QaManager, Role::QaOfficer]);
        assert_eq!(
            check_role_change(&officer, &current, &proposed, true),
            Ok(())
        );
        let removing = Roles::default();
        assert_eq!(
            check_role_change(&officer, &current, &removing, true),
            Err(RoleChangeError::TooSenior("CFO QA Manager"))
        );
    }

    #[test]
    fn internal_roles_need_an_internal_account() {
        let admin = Roles::new([Role::SystemSupport]);
        let none = Roles::default();
        assert_eq!(
            check_role_change(&admin, &none, &Roles::new([Role::QaOfficer]), false),
            Err(RoleChangeError::InternalOnly("CFO QA Officer"))
        );
        assert_eq!(
            check_role_change(&admin, &none, &Roles::new([Role::QaFinance]), false),
            Ok(())
        );
    }

    #[test]
    fn manages_only_accounts_not_more_senior() {
        let manager = Roles::new([Role::QaManager]);
        assert!(manager.may_manage(&Roles::new([Role::QaOfficer])));
        assert!(manager.may_manage(&Roles::default()));
        assert!(manager.may_manage(&Roles::new([Role::QaManager])));
        assert!(!manager.may_manage(&Roles::new([Role::Smt])));
    }
}
