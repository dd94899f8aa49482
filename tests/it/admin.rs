//! User administration: each action works for a role that may do it, is refused to one that
//! may not, and revokes the person's sessions where it should.

use crate::support::{on_both_databases, TestApp, PASSWORD};

on_both_databases!(
    administrator_lists_and_searches_users_in_scope,
    creating_a_user_checks_the_email_domain_and_shows_a_temporary_password,
    new_user_must_change_the_temporary_password_first,
    role_change_revokes_sessions_and_respects_seniority,
    status_change_revokes_sessions_and_in_review_needs_a_senior_role,
    lock_and_reset_password_sign_the_person_out,
    admin_pages_and_actions_are_refused_to_roles_without_user_management,
    audit_trail_shows_to_service_desk_managers_only,
    organisation_pages_show_the_tree_contracts_and_locations,
);

async fn administrator_lists_and_searches_users_in_scope(app: TestApp) {
    let admin = app.signed_in("qa.officer@justice.gov.uk").await;
    let all = admin.get("/admin/users").await;
    all.expect_status(200);
    assert!(all.body.contains("worker@provider-a.example"));
    assert!(all.body.contains("worker@provider-b.example"));
    let found = admin.get("/admin/users?search=PROVIDER-B").await;
    assert!(found.body.contains("worker@provider-b.example"));
    assert!(!found.body.contains("worker@provider-a.example"));
    let locked = admin.get("/admin/users?status=inactive").await;
    assert!(locked.body.contains("inactive@provider-a.example"));
    assert!(!locked.body.contains("worker@provider-b.example"));
    let literal = admin.get("/admin/users?search=%25").await;
    assert!(
        literal.body.contains("0 users"),
        "a % in the search is matched literally"
    );
}

async fn creating_a_user_checks_the_email_domain_and_shows_a_temporary_password(app: TestApp) {
    let admin = app.signed_in("qa.officer@justice.gov.uk").await;
    let wrong_domain = admin
        .submit(
            "/admin/users/new",
            "/admin/users",
            &[
                ("email", "new.worker@elsewhere.example"),
                ("display_name", "New Worker"),
                ("tenant", "1.1.1.1.1."),
            ],
        )
        .await;
    wrong_domain.expect_status(422);
    assert!(wrong_domain.body.contains("@provider-a.example"));
    assert!(wrong_domain.body.contains("href=\"#email\""));
    assert!(app
        .store
        .db()
        .fetch_optional::<(i64,)>(&user_by_email("new.worker@elsewhere.example"))
        .await
        .expect("query")
        .is_none());

    let internal_role = admin
        .submit(
            "/admin/users/new",
            "/admin/users",
            &[
                ("email", "new.worker@provider-a.example"),
                ("display_name", "New Worker"),
                ("tenant", "1.1.1.1.1."),
                ("roles", "qa-officer"),
            ],
        )
        .await;
    internal_role.expect_status(422);
    assert!(internal_role.body.contains("internal role"));

    let created = admin
        .submit(
            "/admin/users/new",
            "/admin/users",
            &[
                ("email", "New.Worker@Provider-A.example"),
                ("display_name", "New Worker"),
                ("tenant", "1.1.1.1.1."),
                ("roles", "finance"),
            ],
        )
        .await;
    created.expect_status(200);
    assert!(created.body.contains("Temporary password"));
    let row = app.user("new.worker@provider-a.example").await;
    assert_eq!(row.status, "pending-activation");
    assert!(row.must_change_password);
    assert!(app
        .audit_events("new.worker@provider-a.example")
        .await
        .contains(&"account-created".to_owned()));

    let duplicate = admin
        .submit(
            "/admin/users/new",
            "/admin/users",
            &[
                ("email", "new.worker@provider-a.example"),
                ("display_name", "Again"),
                ("tenant", "1.1.1.1.1."),
            ],
        )
        .await;
    duplicate.expect_status(422);
    assert!(duplicate.body.contains("already exists"));
}

fn user_by_email(email: &str) -> sea_query::SelectStatement {
    use sea_query::{Expr, ExprTrait, Query};
    Query::select()
        .column(cats::store::schema::Users::Id)
        .from(cats::store::schema::Users::Table)
        .and_where(Expr::col(cats::store::schema::Users::Email).eq(email))
        .to_owned()
}

fn temporary_password(body: &str) -> String {
    let marker = "id=\"temporary-password\">";
    let start = body.find(marker).expect("temporary password shown") + marker.len();
    let end = body[start..].find('<').expect("end") + start;
    body[start..end].to_owned()
}

async fn new_user_must_change_the_temporary_password_first(app: TestApp) {
    let admin = app.signed_in("qa.officer@justice.gov.uk").await;
    let created = admin
        .submit(
            "/admin/users/new",
            "/admin/users",
            &[
                ("email", "fresh@provider-b.example"),
                ("display_name", "Fresh Start"),
                ("tenant", "1.1.2.1.1."),
            ],
        )
        .await;
    let temporary = temporary_password(&created.body);
    let person = app.client();
    let signed_in = person.sign_in("fresh@provider-b.example", &temporary).await;
    assert_eq!(signed_in.location.as_deref(), Some("/account"));
    let blocked = person.get("/").await;
    assert_eq!(
        blocked.location.as_deref(),
        Some("/account"),
        "nothing else until the password changes"
    );
    let changed = person
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", &temporary),
                ("new_password", "My-own-password-7!"),
                ("confirm_password", "My-own-password-7!"),
            ],
        )
        .await;
    changed.expect_status(303);
    person.get("/").await.expect_status(200);
    assert_eq!(app.user("fresh@provider-b.example").await.status, "active");
}

async fn role_change_revokes_sessions_and_respects_seniority(app: TestApp) {
    let worker = app.signed_in("worker@provider-a.example").await;
    let officer = app.signed_in("qa.officer@justice.gov.uk").await;
    let id = app.user_id("worker@provider-a.example").await;
    let path = format!("/admin/users/{id}");

    let too_senior = officer
        .submit(&path, &format!("{path}/roles"), &[("roles", "qa-manager")])
        .await;
    too_senior.expect_status(422);
    assert!(too_senior.body.contains("more senior than your own role"));
    worker.get("/").await.expect_status(200);

    let granted = officer
        .submit(&path, &format!("{path}/roles"), &[("roles", "qa-finance")])
        .await;
    granted.expect_status(303);
    assert_eq!(
        worker.get("/").await.status,
        303,
        "the worker was signed out"
    );
    let again = app.signed_in("worker@provider-a.example").await;
    assert!(again.get("/").await.body.contains("QA + Finance"));
    assert!(app
        .audit_events("worker@provider-a.example")
        .await
        .contains(&"roles-changed".to_owned()));

    // The officer may not act on a more senior account at all.
    let manager = app.user_id("qa.manager@justice.gov.uk").await;
    let manager_path = format!("/admin/users/{manager}");
    let page = officer.get(&manager_path).await;
    page.expect_status(200);
    assert!(page.body.contains("You cannot change this account"));
    let token = page.csrf();
    let refused = officer
        .post(&format!("{manager_path}/lock"), &[("csrf_token", &token)])
        .await;
    refused.expect_status(403);
    assert!(app
        .user("qa.manager@justice.gov.uk")
        .await
        .locked_at
        .is_none());
}

async fn status_change_revokes_sessions_and_in_review_needs_a_senior_role(app: TestApp) {
    let worker = app.signed_in("worker@provider-a.example").await;
    let officer = app.signed_in("qa.officer@justice.gov.uk").await;
    let id = app.user_id("worker@provider-a.example").await;
    let path = format!("/admin/users/{id}");
    let in_review = officer
        .submit(&path, &format!("{path}/status"), &[("status", "in-review")])
        .await;
    in_review.expect_status(422);
    assert!(in_review.body.contains("In-Review"));
    assert_eq!(app.user("worker@provider-a.example").await.status, "active");

    let left = officer
        .submit(&path, &format!("{path}/status"), &[("status", "left")])
        .await;
    left.expect_status(303);
    assert_eq!(worker.get("/").await.status, 303, "signed out at once");
    let refused = app
        .client()
        .sign_in("worker@provider-a.example", PASSWORD)
        .await;
    assert!(refused.body.contains("not active"));

    let manager = app.signed_in("qa.manager@justice.gov.uk").await;
    let review = manager
        .submit(&path, &format!("{path}/status"), &[("status", "in-review")])
        .await;
    review.expect_status(303);
    assert_eq!(
        app.user("worker@provider-a.example").await.status,
        "in-review"
    );
}

async fn lock_and_reset_password_sign_the_person_out(app: TestApp) {
    let worker = app.signed_in("worker@provider-b.example").await;
    let admin = app.signed_in("admin@justice.gov.uk").await;
    let id = app.user_id("worker@provider-b.example").await;
    let path = format!("/admin/users/{id}");
    admin
        .submit(&path, &format!("{path}/lock"), &[])
        .await
        .expect_status(303);
    assert_eq!(worker.get("/").await.status, 303);
    let locked = app
        .client()
        .sign_in("worker@provider-b.example", PASSWORD)
        .await;
    assert!(locked.body.contains("locked"));
    admin
        .submit(&path, &format!("{path}/unlock"), &[])
        .await
        .expect_status(303);

    let worker = app.signed_in("worker@provider-b.example").await;
    let reset = admin
        .submit(&path, &format!("{path}/reset-password"), &[])
        .await;
    reset.expect_status(200);
    let temporary = temporary_password(&reset.body);
    assert_eq!(
        worker.get("/").await.status,
        303,
        "reset signs the person out"
    );
    let old = app
        .client()
        .sign_in("worker@provider-b.example", PASSWORD)
        .await;
    old.expect_status(422);
    let new = app
        .client()
        .sign_in("worker@provider-b.example", &temporary)
        .await;
    assert_eq!(new.location.as_deref(), Some("/account"));
    let events = app.audit_events("worker@provider-b.example").await;
    for event in ["account-locked", "account-unlocked", "password-reset"] {
        assert!(events.contains(&event.to_owned()), "{event} audited");
    }
}

async fn admin_pages_and_actions_are_refused_to_roles_without_user_management(app: TestApp) {
    let id = app.user_id("worker@provider-a.example").await;
    for email in [
        "finance@provider-a.example",
        "pqa@provider-a.example",
        "worker@provider-a.example",
        "cso@justice.gov.uk",
    ] {
        let client = app.signed_in(email).await;
        for path in [
            "/admin/users",
            "/admin/users/new",
            "/admin/organisation",
            "/admin/locations",
        ] {
            assert_eq!(client.get(path).await.status, 403, "{email} GET {path}");
        }
        assert_eq!(client.get(&format!("/admin/users/{id}")).await.status, 403);
        let token = client.get("/").await.csrf();
        for action in ["lock", "unlock", "reset-password", "roles", "status"] {
            let page = client
                .post(
                    &format!("/admin/users/{id}/{action}"),
                    &[("csrf_token", &token), ("status", "left")],
                )
                .await;
            assert_eq!(page.status, 403, "{email} POST {action}");
        }
        let create = client
            .post(
                "/admin/users",
                &[
                    ("csrf_token", &token),
                    ("email", "x@provider-a.example"),
                    ("display_name", "X"),
                    ("tenant", "1.1.1.1.1."),
                ],
            )
            .await;
        assert_eq!(create.status, 403);
    }
    let row = app.user("worker@provider-a.example").await;
    assert!(row.locked_at.is_none());
    assert_eq!(row.status, "active");
}

async fn audit_trail_shows_to_service_desk_managers_only(app: TestApp) {
    let _ = app
        .client()
        .sign_in("worker@provider-a.example", "Wrong-password-1!")
        .await;
    let id = app.user_id("worker@provider-a.example").await;
    let manager = app.signed_in("qa.manager@justice.gov.uk").await;
    let page = manager.get(&format!("/admin/users/{id}")).await;
    assert!(page.body.contains("Recent account events"));
    assert!(page.body.contains("Incorrect password entered"));
    let officer = app.signed_in("qa.officer@justice.gov.uk").await;
    let page = officer.get(&format!("/admin/users/{id}")).await;
    page.expect_status(200);
    assert!(!page.body.contains("Recent account events"));
}

async fn organisation_pages_show_the_tree_contracts_and_locations(app: TestApp) {
    let admin = app.signed_in("qa.support@justice.gov.uk").await;
    let page = admin.get("/admin/organisation").await;
    page.expect_status(200);
    for text in [
        "Provider A Manchester team",
        "con_24036",
        "North West",
        "@provider-b.example",
    ] {
        assert!(page.body.contains(text), "{text}");
    }
    let locations = admin.get("/admin/locations").await;
    for text in [
        "HMP Risley",
        "Warrington",
        "Liverpool",
        "Satellite",
        "Belmarsh",
        "Unmapped",
    ] {
        assert!(locations.body.contains(text), "{text}");
    }
}
