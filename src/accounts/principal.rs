//! The signed-in user, as every request sees them.

use crate::domain::permission::Permission;
use crate::domain::role::Roles;
use crate::domain::tenant::{TenantId, TenantScope};

/// Who is making a request, from their session.
#[derive(Debug, Clone)]
pub struct Principal {
    /// User id.
    pub user_id: i64,
    /// E-mail.
    pub email: String,
    /// Display name.
    pub display_name: String,
    /// Tenant.
    pub tenant: TenantId,
    /// Tenant's name.
    pub tenant_name: String,
    /// Roles.
    pub roles: Roles,
    /// The session's id (the hash of its token).
    pub session_id: String,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// Must set a new password before doing anything else.
    pub must_change_password: bool,
}

impl Principal {
    /// The rows this user may see.
    pub fn scope(&self) -> TenantScope {
        TenantScope::of_user_tenant(self.tenant.clone())
    }

    /// True when the user's roles grant `permission`.
    pub fn can(&self, permission: Permission) -> bool {
        self.roles.can(permission)
    }

    /// Internal staff have `@justice.gov.uk` addresses.
    pub fn is_internal(&self) -> bool {
        self.email.ends_with("@justice.gov.uk")
    }
}
