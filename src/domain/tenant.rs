//! Tenants: the organisation tree, addressed by dotted ids, and the scope rule built on it.

use std::fmt;

/// A tenant id: a dotted path of positive numbers that ends in a dot, e.g. `1.1.2.`.
///
/// The trailing dot matters: it makes "starts with" a true ancestor test (`1.1.` is an
/// ancestor of `1.1.12.`, but `1.1.1` would also prefix `1.1.12.`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TenantId(String);

/// Why a tenant id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TenantIdError {
    /// Nothing was given.
    #[error("Enter a tenant id")]
    Empty,
    /// The text is not of the form `1.2.3.`.
    #[error("A tenant id is numbers separated by dots and ending in a dot, like 1.1.2.")]
    Malformed,
}

impl TenantId {
    /// Parses `1.`, `1.1.`, `1.1.2.` …: each segment a positive number without leading zeros.
    pub fn parse(text: &str) -> Result<Self, TenantIdError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(TenantIdError::Empty);
        }
        let body = text.strip_suffix('.').ok_or(TenantIdError::Malformed)?;
        let well_formed = body.split('.').all(|segment| {
            !segment.is_empty()
                && segment.len() <= 9
                && segment.bytes().all(|b| b.is_ascii_digit())
                && !segment.starts_with('0')
        });
        if well_formed {
            Ok(Self(text.to_owned()))
        } else {
            Err(TenantIdError::Malformed)
        }
    }

    /// The id as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// How deep in the tree: `1.` is 1, `1.1.2.` is 3.
    pub fn depth(&self) -> usize {
        self.0.matches('.').count()
    }

    /// The parent tenant, or `None` for the root.
    pub fn parent(&self) -> Option<TenantId> {
        let body = &self.0[..self.0.len() - 1];
        body.rfind('.').map(|at| TenantId(self.0[..=at].to_owned()))
    }

    /// True when `self` is `other` or one of its ancestors.
    pub fn is_same_or_ancestor_of(&self, other: &TenantId) -> bool {
        other.0.starts_with(&self.0)
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a signed-in user may see: every row whose tenant id starts with the user's tenant id.
///
/// Store functions over scoped rows take a `&TenantScope`, so a scoped read cannot be written
/// without one. It is made from a signed-in user's tenant, or explicitly for system work.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantScope(TenantId);

impl TenantScope {
    /// The scope of a user whose tenant is `tenant`.
    pub fn of_user_tenant(tenant: TenantId) -> Self {
        Self(tenant)
    }

    /// The whole tree, for background work that acts for the system rather than a user.
    pub fn system() -> Self {
        Self(TenantId("1.".to_owned()))
    }

    /// The tenant at the top of this scope.
    pub fn root(&self) -> &TenantId {
        &self.0
    }

    /// True when a row owned by `tenant` is visible in this scope.
    pub fn contains(&self, tenant: &TenantId) -> bool {
        self.0.is_same_or_ancestor_of(tenant)
    }

    /// The SQL `LIKE` pattern for this scope. Safe because a parsed id holds only digits and
    /// dots, never `%` or `_`.
    pub fn like_pattern(&self) -> String {
        format!("{}%", self.0.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(text: &str) -> TenantId {
        TenantId::parse(text).expect("valid tenant id")
    }

    #[test]
    fn accepts_dotted_ids_ending_in_a_dot() {
        for ok in ["1.", "1.1.", "1.1.2.", "1.1.12.3.4."] {
            assert_eq!(id(ok).as_str(), ok);
        }
    }

    #[test]
    fn refuses_malformed_ids() {
        for bad in ["1", "1..", ".1.", "a.", "1.01.", "1.-2.", "1. 2.", "0x1."] {
            assert_eq!(TenantId::parse(bad), Err(TenantIdError::Malformed), "{bad}");
        }
        assert_eq!(TenantId::parse("  "), Err(TenantIdError::Empty));
    }

    #[test]
    fn parent_and_depth_walk_the_tree() {
        assert_eq!(id("1.1.2.").parent(), Some(id("1.1.")));
        assert_eq!(id("1.").parent(), None);
        assert_eq!(id("1.1.2.").depth(), 3);
    }

    #[test]
    fn scope_sees_own_tenant_and_descendants_only() {
        let scope = TenantScope::of_user_tenant(id("1.1.1."));
        assert!(scope.contains(&id("1.1.1.")));
        assert!(scope.contains(&id("1.1.1.2.")));
        assert!(!scope.contains(&id("1.1.")));
        assert!(!scope.contains(&id("1.1.2.")));
        // A sibling whose number merely starts with the same digit is not inside.
        assert!(!scope.contains(&id("1.1.12.")));
        assert_eq!(scope.like_pattern(), "1.1.1.%");
    }

    #[test]
    fn system_scope_sees_everything() {
        assert!(TenantScope::system().contains(&id("1.1.2.1.1.")));
    }
}
