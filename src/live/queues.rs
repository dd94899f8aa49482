//! Live events for the queues and for people's notifications. A queue change tells every
//! queue page and dashboard to fetch its lists again (each through its own permission-checked
//! request, so one event serves every audience); a notification re-renders the recipient's
//! bell.

use super::topics::{user_topic, QUEUES_TOPIC};
use crate::store::{notifications, outbox, StoreError, Tx};
use time::OffsetDateTime;

/// The ids of the queue page parts that follow the queues.
pub const QUEUE_FRAGMENTS: [&str; 4] = [
    "queue-list",
    "queue-dashboard",
    "review-status",
    "qa-performance",
];

/// Tells every instance's queue pages that the queues changed (published on commit).
pub async fn publish_queues_in(tx: &mut Tx, now: OffsetDateTime) -> Result<(), StoreError> {
    let payload = serde_json::json!({ "refetch": QUEUE_FRAGMENTS }).to_string();
    outbox::enqueue(tx, QUEUES_TOPIC, &payload, now).await?;
    outbox::notify_in(tx).await
}

/// Sends `user` their bell with the unread count as it will be once `tx` commits.
pub async fn publish_bell_in(
    tx: &mut Tx,
    user: i64,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let unread = notifications::unread_count(tx, user).await?;
    let bell = cats_views::components::NotificationBell { unread };
    let payload = serde_json::json!({
        "fragments": { cats_views::components::NOTIFICATION_BELL: maud::Render::render(&bell).into_string() }
    })
    .to_string();
    outbox::enqueue(tx, &user_topic(user), &payload, now).await?;
    outbox::notify_in(tx).await
}
