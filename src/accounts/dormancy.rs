//! The dormant-accounts rule applied to the database: Active accounts with no sign-in for 30
//! days become Inactive, are signed out, and the change is audited as the system's.

use super::{AccountError, Revoked};
use crate::domain::identity_event::IdentityEvent;
use crate::domain::tenant::TenantScope;
use crate::domain::user::{is_dormant, UserStatus, DORMANT_AFTER_DAYS};
use crate::store::audit::{self, IdentityRecord};
use crate::store::sessions as session_store;
use crate::store::users;
use crate::store::Store;
use time::OffsetDateTime;

/// Makes dormant accounts Inactive; returns how many, and the sessions that ended.
pub async fn deactivate_dormant(
    store: &Store,
    now: OffsetDateTime,
) -> Result<(usize, Revoked), AccountError> {
    let cutoff = now - time::Duration::days(DORMANT_AFTER_DAYS);
    let candidates =
        users::dormant_candidates(&mut store.db(), &TenantScope::system(), cutoff).await?;
    let mut revoked = Vec::new();
    let mut count = 0;
    for user in candidates {
        // The query and the rule must agree; the rule is the authority.
        if !is_dormant(user.status(), user.last_login_at, user.created_at, now) {
            continue;
        }
        let mut tx = store.begin().await?;
        users::set_status(&mut tx, user.id, UserStatus::Inactive, now).await?;
        revoked.extend(
            session_store::revoke_all_for_user(&mut tx, user.id, "dormant account", now).await?,
        );
        let record = IdentityRecord {
            user_id: Some(user.id),
            email: Some(&user.email),
            ip: Some("overnight job"),
            detail: Some(format!(
                "no sign-in for {DORMANT_AFTER_DAYS} days: Active → Inactive"
            )),
            ..IdentityRecord::default()
        };
        audit::record(&mut tx, IdentityEvent::StatusChanged, &record, now).await?;
        tx.commit().await?;
        count += 1;
    }
    Ok((count, Revoked(revoked)))
}
