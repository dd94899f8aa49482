//! Live events for the transfers pages: a transfer raised, processed or dismissed tells every
//! instance's transfers pages to fetch their lists again. The event carries no data, so one
//! event serves every audience; each page's own request decides what it shows.

use super::topics::TRANSFERS_TOPIC;
use crate::store::{outbox, StoreError, Tx};
use time::OffsetDateTime;

/// The ids of the transfers page parts that follow the transfers.
pub const TRANSFER_FRAGMENTS: [&str; 3] = [
    "transfers-incoming",
    "transfers-outgoing",
    "transfer-actions",
];

/// Tells every transfers page that the transfers changed (published on commit).
pub async fn publish_transfers_in(tx: &mut Tx, now: OffsetDateTime) -> Result<(), StoreError> {
    let payload = serde_json::json!({ "refetch": TRANSFER_FRAGMENTS }).to_string();
    outbox::enqueue(tx, TRANSFERS_TOPIC, &payload, now).await?;
    outbox::notify_in(tx).await
}
