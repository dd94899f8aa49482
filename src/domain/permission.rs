//! Permissions: what a role lets a user do (DOMAIN.md §1).

/// One permission. Roles grant sets of these; System Support holds them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Provider quality assurance queue.
    Pqa,
    /// First internal QA queue.
    Qa1,
    /// Second internal QA queue.
    Qa2,
    /// Escalation queue and labels administration.
    SeniorInternal,
    /// User administration.
    UserManagement,
    /// Service desk: outbox list, audit trails.
    ServiceDeskManagement,
    /// Reassign cases between workers.
    Reassign,
    /// Process transfers.
    Transfers,
    /// Payments and cumulative pages.
    Finance,
    /// Outcome-quality dip checks.
    DipChecks,
    /// Review stage of dip sampling.
    DipReview,
    /// Verification stage of dip sampling.
    DipVerification,
    /// Final stage of dip sampling.
    DipFinalise,
    /// Work with initiatives.
    Initiatives,
    /// Create and change initiatives.
    ManageInitiatives,
    /// Contract data administration.
    ContractData,
}

impl Permission {
    /// Every permission, in display order.
    pub const ALL: [Permission; 16] = [
        Permission::Pqa,
        Permission::Qa1,
        Permission::Qa2,
        Permission::SeniorInternal,
        Permission::UserManagement,
        Permission::ServiceDeskManagement,
        Permission::Reassign,
        Permission::Transfers,
        Permission::Finance,
        Permission::DipChecks,
        Permission::DipReview,
        Permission::DipVerification,
        Permission::DipFinalise,
        Permission::Initiatives,
        Permission::ManageInitiatives,
        Permission::ContractData,
    ];

    /// The name shown to people.
    pub fn display_name(self) -> &'static str {
        match self {
            Permission::Pqa => "Provider QA",
            Permission::Qa1 => "QA1",
            Permission::Qa2 => "QA2",
            Permission::SeniorInternal => "Senior Internal",
            Permission::UserManagement => "User Management",
            Permission::ServiceDeskManagement => "Service Desk Management",
            Permission::Reassign => "Reassign",
            Permission::Transfers => "Transfers",
            Permission::Finance => "Finance",
            Permission::DipChecks => "Dip Checks",
            Permission::DipReview => "Dip Review",
            Permission::DipVerification => "Dip Verification",
            Permission::DipFinalise => "Dip Finalise",
            Permission::Initiatives => "Initiatives",
            Permission::ManageInitiatives => "Manage Initiatives",
            Permission::ContractData => "Contract Data",
        }
    }
}
