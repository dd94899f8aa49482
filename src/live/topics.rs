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

/// The Finance topic: a payments batch committed (Finance pages re-fetch their counts; the
/// event carries no rows). Only users with the Finance permission may join: the gate asks
/// the store for their roles.
pub const FINANCE_TOPIC: &str = "finance:payments";

/// A case's topic (its changes and who is viewing it; those who may see the case may join).
pub fn case_topic(participant: &str) -> String {
    format!("case:{participant}")
}

/// The queues' topic. Its events name the parts of queue pages to fetch again and carry no
/// data, so any signed-in user may join; what each page then shows is decided by its own
/// permission-checked request.
pub const QUEUES_TOPIC: &str = "qa:queues";

/// The transfers' topic: like the queues', its events only name page parts to fetch again.
pub const TRANSFERS_TOPIC: &str = "transfers";

/// The case a topic is about, if it is a case topic.
pub fn case_of(topic: &str) -> Option<&str> {
    topic.strip_prefix("case:").filter(|id| !id.is_empty())
}

/// Whether a user of `tenant` with id `user_id` may join `topic`, for topics decided by name
/// alone (case topics also need the case to be visible: the gate asks the store).
pub fn may_join(user_id: i64, tenant: &TenantId, topic: &str) -> bool {
    if let Some(id) = topic.strip_prefix("user:") {
        return id.parse::<i64>().is_ok_and(|id| id == user_id);
    }
    if let Some(id) = topic.strip_prefix("tenant:") {
        return id == tenant.as_str();
    }
    topic == QUEUES_TOPIC || topic == TRANSFERS_TOPIC
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
    fn anyone_signed_in_may_join_the_queues_and_transfers_topics_but_no_other_qa_topic() {
        assert!(may_join(7, &tenant("1.1.1.1.1."), QUEUES_TOPIC));
        assert!(may_join(7, &tenant("1.1.1.1.1."), TRANSFERS_TOPIC));
        assert!(!may_join(7, &tenant("1.1.1.1.1."), "qa:secret"));
        assert!(!may_join(7, &tenant("1.1.1.1.1."), "transfers:x"));
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
    fn case_topics_name_their_case() {
        assert_eq!(case_of(&case_topic("1CATS0001")), Some("1CATS0001"));
        assert_eq!(case_of("case:"), None);
        assert_eq!(case_of("user:1"), None);
    }

    #[test]
    fn unknown_topics_are_refused() {
        assert!(
            !may_join(7, &tenant("1."), "case:123"),
            "case topics need the store"
        );
        assert!(!may_join(7, &tenant("1."), "anything"));
    }
}
