//! Telling someone about a change to a case: the notification is written inside the change's
//! transaction, and their bell (on every instance) shows the new unread count once it commits.

use crate::live::queues;
use crate::store::notifications::{self, NewNotification};
use crate::store::{StoreError, Tx};
use time::OffsetDateTime;

/// Sends `to` a notification about case `participant`, linking to its page. With a
/// `dedupe_key`, it replaces an unread one with the same key.
pub async fn notify(
    tx: &mut Tx,
    to: i64,
    heading: &str,
    details: &str,
    participant: &str,
    dedupe_key: Option<&str>,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let link = format!("/participants/{participant}");
    notifications::send(
        tx,
        &NewNotification {
            user: to,
            heading,
            details,
            link: Some(&link),
            dedupe_key,
        },
        now,
    )
    .await?;
    queues::publish_bell_in(tx, to, now).await?;
    Ok(())
}
