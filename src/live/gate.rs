//! Authenticates sockets with the page's session cookie and decides topic joins.

use super::topics::{case_of, may_join, FINANCE_TOPIC};
use crate::accounts::sessions::{authenticate, is_live, SessionPolicy};
use crate::domain::permission::Permission;
use crate::domain::tenant::TenantId;
use crate::domain::tenant::TenantScope;
use crate::http::current_user::SESSION_COOKIE;
use crate::store::Store;
use crate::store::{participants, users};
use actix_web::HttpRequest;
use cats_actors::{Gate, Member};
use futures_util::future::{BoxFuture, LocalBoxFuture};

/// The CATS gate.
pub struct CatsGate {
    /// The database.
    pub store: Store,
    /// Session rules.
    pub policy: SessionPolicy,
}

impl Gate for CatsGate {
    fn authenticate<'a>(&'a self, req: &'a HttpRequest) -> LocalBoxFuture<'a, Option<Member>> {
        Box::pin(async move {
            let token = req.cookie(SESSION_COOKIE)?.value().to_owned();
            let principal = authenticate(&self.store, &token, &self.policy, None)
                .await
                .ok()?
                .ok()?;
            if principal.must_change_password {
                return None;
            }
            let internal = principal.is_internal();
            Some(Member {
                user: principal.user_id.to_string(),
                name: principal.display_name,
                internal,
                session: principal.session_id,
                group: principal.tenant.to_string(),
            })
        })
    }

    fn may_join<'a>(&'a self, member: &'a Member, topic: &'a str) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let (Ok(user), Ok(tenant)) =
                (member.user.parse::<i64>(), TenantId::parse(&member.group))
            else {
                return false;
            };
            if topic == FINANCE_TOPIC {
                return users::roles_of(&mut self.store.db(), user)
                    .await
                    .map(|roles| roles.can(Permission::Finance))
                    .unwrap_or(false);
            }
            match case_of(topic) {
                // A case's topic: only for those who may see the case.
                Some(case) => {
                    let scope = TenantScope::of_user_tenant(tenant);
                    participants::get(&mut self.store.db(), &scope, member.internal, case)
                        .await
                        .map(|row| row.is_some())
                        .unwrap_or(false)
                }
                // The feed refresh's progress: for those who may run jobs (System Support).
                None if topic == crate::workflows::feed_refresh::TOPIC => {
                    crate::store::users::roles_of(&mut self.store.db(), user)
                        .await
                        .map(|roles| roles.can_run_jobs())
                        .unwrap_or(false)
                }
                None => may_join(user, &tenant, topic),
            }
        })
    }

    fn still_valid<'a>(&'a self, member: &'a Member) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            // A database failure is not a sign-out: keep the socket and check again later.
            is_live(&self.store, &member.session, &self.policy)
                .await
                .unwrap_or(true)
        })
    }
}
