//! Topic names and who may join them. A user joins only topics they may see.

use crate::domain::tenant::TenantId;

/// A user's own topic (their notifications; only they may join).
pub fn user_topic(user_id: i64) -> String {
    format!("user:{user_id}")
}

/// A tenant's topic (who is online in it; its members may join).
pub fn tenant_topic(tenant: &TenantId) -> String {
    format!("tenant:{tenant}")
}

/// Whether a user of `tenant` with id `user_id` may join `topic`.
pub fn may_join(user_id: i64, tenant: &TenantId, topic: &str) -> bool {
    if let Some(id) = topic.strip_prefix("user:") {
        return id.parse::<i64>().is_ok_and(|id| id == user_id);
    }
    if let Some(id) = topic.strip_prefix("tenant:") {
        return id == tenant.as_str();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(id: &str) -> TenantId {
        TenantId::parse(id).expect("tenant id")
    }

    #[test]
    fn users_join_only_their_own_user_topic() {
        assert!(may_join(7, &tenant("1.1."), "user:7"));
        assert!(!may_join(7, &tenant("1.1."), "user:8"));
        assert!(!may_join(7, &tenant("1.1."), "user:7x"));
    }

    #[test]
    fn users_join_only_their_own_tenant_topic() {
        let mine = tenant("1.1.1.1.1.");
        assert!(may_join(7, &mine, &tenant_topic(&mine)));
        assert!(!may_join(7, &mine, "tenant:1.1.1.1.2."));
        // A parent tenant's topic is not the user's own.
        assert!(!may_join(7, &mine, "tenant:1.1.1.1."));
    }

    #[test]
    fn unknown_topics_are_refused() {
        assert!(!may_join(7, &tenant("1."), "case:123"));
        assert!(!may_join(7, &tenant("1."), "anything"));
    }
}
