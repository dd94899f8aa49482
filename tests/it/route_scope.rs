//! Every registered route, called anonymously and as users of another tenant, gives away no
//! data: anonymous callers are sent to sign in; another tenant's user is refused or finds
//! nothing, and nothing changes.

use crate::support::{on_both_databases, TestApp};
use cats::http::all_routes;

on_both_databases!(
    every_route_refuses_anonymous_and_other_tenant_callers,
    every_post_route_refuses_a_missing_csrf_token,
);

async fn every_post_route_refuses_a_missing_csrf_token(app: TestApp) {
    let target = app.user_id("worker@provider-a.example").await;
    let admin = app.signed_in("admin@justice.gov.uk").await;
    let posts: Vec<_> = all_routes()
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect();
    assert!(posts.len() >= 8);
    for route in posts {
        let path = route
            .path
            .replace("{id}", &target.to_string())
            .replace("{assessment}", "1")
            .replace("{pathway}", "A")
            .replace("{document}", "1")
            .replace("{queue}", "pqa");
        let page = admin
            .post(
                &path,
                &[
                    ("status", "left"),
                    ("roles", "finance"),
                    ("email", "worker@provider-a.example"),
                ],
            )
            .await;
        assert_eq!(page.status, 403, "POST {path} without a token");
    }
    let row = app.user("worker@provider-a.example").await;
    assert_eq!(row.status, "active");
    assert!(row.locked_at.is_none());
    admin.get("/").await.expect_status(200);
}

/// Text that identifies the provider-A account every `{id}` route is pointed at.
/// Text that identifies provider A's account and case that `{id}` routes are pointed at.
const SECRETS: [&str; 4] = [
    "worker@provider-a.example",
    "Alex Worker",
    "DALE ASHDOWN",
    "1CATS0001",
];

async fn every_route_refuses_anonymous_and_other_tenant_callers(app: TestApp) {
    let target = app.user_id("worker@provider-a.example").await;
    let before = app.user("worker@provider-a.example").await;
    // A user-administrator whose tenant is provider B: same role as head office, other scope.
    let hash = cats::accounts::hashing::hash_now(crate::support::PASSWORD).expect("hash");
    let mut tx = app.store.begin().await.expect("tx");
    let new = cats::store::users::NewUser {
        email: "scoped.officer@justice.gov.uk",
        display_name: "Scoped Officer",
        tenant_id: "1.1.2.",
        status: cats::domain::user::UserStatus::Active,
        password_hash: &hash,
        must_change_password: false,
    };
    let now = time::OffsetDateTime::now_utc();
    let officer_id = cats::store::users::insert(&mut tx, &new, now)
        .await
        .expect("insert");
    let roles = cats::domain::role::Roles::new([cats::domain::role::Role::QaOfficer]);
    cats::store::users::set_roles(&mut tx, officer_id, &roles)
        .await
        .expect("roles");
    tx.commit().await.expect("commit");

    // Provider A's worker has a case: routes about cases are pointed at it.
    app.worker_with_case().await;

    let anonymous = app.client();
    let other_worker = app.signed_in("worker@provider-b.example").await;
    let other_admin = app.signed_in("scoped.officer@justice.gov.uk").await;
    let routes = all_routes();
    assert!(routes.len() >= 15, "the route table lists every route");
    for route in routes {
        let id = if route.path.starts_with("/participants/") {
            "1CATS0001".to_owned()
        } else {
            target.to_string()
        };
        let path = route
            .path
            .replace("{id}", &id)
            .replace("{assessment}", "1")
            .replace("{pathway}", "A")
            .replace("{document}", "1")
            .replace("{queue}", "pqa")
            .replace("{name}", "missing.css");
        if route.public {
            continue;
        }
        let page = if route.method == "GET" {
            anonymous.get(&path).await
        } else {
            anonymous.post(&path, &[]).await
        };
        assert!(
            page.status == 303
                && page
                    .location
                    .as_deref()
                    .unwrap_or("")
                    .starts_with("/sign-in")
                || page.status == 403,
            "anonymous {} {path} gave {}",
            route.method,
            page.status
        );
        if path == "/sign-out" {
            // Acts only on the caller's own session; calling it would end these clients'.
            continue;
        }
        for client in [&other_worker, &other_admin] {
            let page = if route.method == "GET" {
                client.get(&path).await
            } else {
                let token = client.get("/").await.csrf();
                client
                    .post(
                        &path,
                        &[
                            ("csrf_token", token.as_str()),
                            ("status", "left"),
                            ("roles", "finance"),
                        ],
                    )
                    .await
            };
            for secret in SECRETS {
                assert!(
                    !page.body.contains(secret),
                    "{} {path} showed {secret}",
                    route.method
                );
            }
            assert!(
                // 400: `/live` opened as a page rather than a WebSocket.
                [200, 204, 303, 400, 403, 404, 422].contains(&page.status),
                "{} {path} gave {}",
                route.method,
                page.status
            );
        }
    }
    let row = app.user("worker@provider-a.example").await;
    assert_eq!(row.status, "active", "nothing changed");
    assert!(row.locked_at.is_none());
    assert_eq!(row.password_hash, before.password_hash);
    assert_eq!(row.must_change_password, before.must_change_password);
    let roles = cats::store::users::roles_of(&mut app.store.db(), target)
        .await
        .expect("roles");
    assert!(roles.is_empty());
}
