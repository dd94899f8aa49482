//! Signing in and out, lockout, CSRF, idle expiry, session revocation and password changes.

use crate::support::{on_both_databases, TestApp, PASSWORD};

on_both_databases!(
    demo_account_signs_in_and_sees_home_for_their_role,
    wrong_password_is_refused_at_the_field_and_audited,
    five_wrong_passwords_lock_until_an_administrator_unlocks,
    sign_in_without_the_form_token_is_refused,
    state_changing_post_without_csrf_token_changes_nothing,
    idle_session_expires_and_is_audited,
    signed_out_session_cannot_be_reused,
    session_id_rotates_at_sign_in,
    password_change_signs_out_other_sessions_and_refuses_reuse,
    inactive_and_pending_accounts,
    sign_in_follows_only_local_next_paths,
);

async fn demo_account_signs_in_and_sees_home_for_their_role(app: TestApp) {
    let worker = app.signed_in("worker@provider-a.example").await;
    let home = worker.get("/").await;
    home.expect_status(200);
    assert!(home.body.contains("Welcome, Alex Worker"));
    assert!(home.body.contains("Support worker"));
    assert!(
        !home.body.contains("href=\"/admin/users\""),
        "workers get no admin navigation"
    );

    let admin = app.signed_in("qa.manager@justice.gov.uk").await;
    let home = admin.get("/").await;
    assert!(home.body.contains("CFO QA Manager"));
    assert!(home.body.contains("href=\"/admin/users\""));
    assert!(app
        .audit_events("qa.manager@justice.gov.uk")
        .await
        .contains(&"signed-in".to_owned()));
    assert!(app
        .user("worker@provider-a.example")
        .await
        .last_login_at
        .is_some());
}

async fn wrong_password_is_refused_at_the_field_and_audited(app: TestApp) {
    let client = app.client();
    let page = client
        .sign_in("worker@provider-a.example", "Not-the-password-1")
        .await;
    page.expect_status(422);
    assert!(page
        .body
        .contains("The email address or password is incorrect"));
    assert!(
        page.body.contains("href=\"#email\""),
        "error summary links to the field"
    );
    assert!(
        page.body.contains("value=\"worker@provider-a.example\""),
        "keeps what was typed"
    );
    assert_eq!(client.get("/").await.status, 303, "no session was started");
    assert_eq!(
        app.audit_events("worker@provider-a.example").await[0],
        "incorrect-password"
    );
    assert_eq!(
        app.user("worker@provider-a.example").await.failed_attempts,
        1
    );

    let unknown = client.sign_in("nobody@provider-a.example", PASSWORD).await;
    unknown.expect_status(422);
    assert!(
        unknown
            .body
            .contains("The email address or password is incorrect"),
        "does not say which"
    );
}

async fn five_wrong_passwords_lock_until_an_administrator_unlocks(app: TestApp) {
    let client = app.client();
    for attempt in 1..=5 {
        let page = client
            .sign_in("worker@provider-a.example", "Wrong-password-9!")
            .await;
        page.expect_status(422);
        if attempt == 5 {
            assert!(
                page.body.contains("Your account is locked"),
                "fifth attempt locks"
            );
        }
    }
    let right = client.sign_in("worker@provider-a.example", PASSWORD).await;
    right.expect_status(422);
    assert!(
        right.body.contains("Your account is locked"),
        "even the right password is refused"
    );
    let events = app.audit_events("worker@provider-a.example").await;
    assert!(events.contains(&"locked-out".to_owned()));

    let admin = app.signed_in("qa.manager@justice.gov.uk").await;
    let id = app.user_id("worker@provider-a.example").await;
    let path = format!("/admin/users/{id}");
    let unlocked = admin.submit(&path, &format!("{path}/unlock"), &[]).await;
    unlocked.expect_status(303);
    let row = app.user("worker@provider-a.example").await;
    assert!(row.locked_at.is_none());
    assert_eq!(row.failed_attempts, 0);
    assert_eq!(
        client
            .sign_in("worker@provider-a.example", PASSWORD)
            .await
            .status,
        303
    );
}

async fn sign_in_without_the_form_token_is_refused(app: TestApp) {
    // A cross-site form post carries no pre-session cookie and no token.
    let client = app.client();
    let page = client
        .post(
            "/sign-in",
            &[
                ("email", "worker@provider-a.example"),
                ("password", PASSWORD),
            ],
        )
        .await;
    page.expect_status(403);
    assert!(page.body.contains("Nothing was changed"));
    assert!(app
        .user("worker@provider-a.example")
        .await
        .last_login_at
        .is_none());
}

async fn state_changing_post_without_csrf_token_changes_nothing(app: TestApp) {
    let admin = app.signed_in("qa.manager@justice.gov.uk").await;
    let id = app.user_id("worker@provider-a.example").await;
    let missing = admin.post(&format!("/admin/users/{id}/lock"), &[]).await;
    missing.expect_status(403);
    let wrong = admin
        .post(
            &format!("/admin/users/{id}/lock"),
            &[("csrf_token", "forged")],
        )
        .await;
    wrong.expect_status(403);
    assert!(app
        .user("worker@provider-a.example")
        .await
        .locked_at
        .is_none());
    // And another user's valid token is not this user's token.
    let other = app.signed_in("qa.support@justice.gov.uk").await;
    let other_token = other.get("/").await.csrf();
    let borrowed = admin
        .post(
            &format!("/admin/users/{id}/lock"),
            &[("csrf_token", &other_token)],
        )
        .await;
    borrowed.expect_status(403);
    assert!(app
        .user("worker@provider-a.example")
        .await
        .locked_at
        .is_none());
}

async fn idle_session_expires_and_is_audited(app: TestApp) {
    let worker = app.signed_in("worker@provider-a.example").await;
    worker.get("/").await.expect_status(200);
    let id = app.user_id("worker@provider-a.example").await;
    let past = if app.backend == crate::support::Backend::Postgres {
        "now() - interval '21 minutes'".to_owned()
    } else {
        "strftime('%Y-%m-%d %H:%M:%f+00:00', 'now', '-21 minutes')".to_owned()
    };
    app.sql(&format!(
        "UPDATE sessions SET last_seen_at = {past} WHERE user_id = {id}"
    ))
    .await;
    // 21 minutes on, the copy the server read a moment ago would long since have been dropped.
    cats::store::recent_sessions::with(|recent| recent.clear());
    let page = worker.get("/").await;
    page.expect_status(303);
    assert!(page
        .location
        .as_deref()
        .unwrap_or("")
        .contains("reason=expired"));
    assert_eq!(
        app.audit_events("worker@provider-a.example").await[0],
        "session-expired"
    );
    // Expired for good: the session does not come back.
    assert_eq!(worker.get("/").await.status, 303);
}

async fn signed_out_session_cannot_be_reused(app: TestApp) {
    let cookie = sign_in_then_out(&app).await;
    // Replaying the signed-out cookie from another client finds a revoked session.
    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let response = replay
        .get(format!("{}/", app.address))
        .header("cookie", format!("cats_session={cookie}"))
        .send()
        .await
        .expect("GET");
    assert_eq!(response.status(), 303);
    assert!(app
        .audit_events("worker@provider-a.example")
        .await
        .contains(&"signed-out".to_owned()));
}

/// Signs in on a raw client (to read the Set-Cookie header), signs out, returns the cookie.
async fn sign_in_then_out(app: &TestApp) -> String {
    let header = app.session_set_cookie("worker@provider-a.example").await;
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Lax"),
        "{header}"
    );
    let value = crate::support::cookie_value(&header);
    let out = app
        .client_with_cookie(&value)
        .submit("/", "/sign-out", &[])
        .await;
    assert_eq!(out.status, 303);
    value
}

async fn session_id_rotates_at_sign_in(app: TestApp) {
    let client = app.signed_in("worker@provider-a.example").await;
    client.get("/").await.expect_status(200);
    let first = client.get("/").await.csrf();
    // Signing in again in the same browser replaces the old session with a new one.
    assert_eq!(
        client
            .sign_in("worker@provider-a.example", PASSWORD)
            .await
            .status,
        303
    );
    let second = client.get("/").await.csrf();
    assert_ne!(first, second, "a new session has a new token");
    let id = app.user_id("worker@provider-a.example").await;
    let live: Vec<(String,)> = match app.store.pool() {
        cats::store::Pool::Postgres(pool, _) => sqlx::query_as(&format!(
            "SELECT id FROM sessions WHERE user_id = {id} AND revoked_at IS NULL"
        ))
        .fetch_all(pool)
        .await
        .expect("query"),
        cats::store::Pool::Sqlite(pool) => sqlx::query_as(&format!(
            "SELECT id FROM sessions WHERE user_id = {id} AND revoked_at IS NULL"
        ))
        .fetch_all(pool)
        .await
        .expect("query"),
    };
    assert_eq!(live.len(), 1, "the replaced session was revoked");
}

async fn password_change_signs_out_other_sessions_and_refuses_reuse(app: TestApp) {
    let laptop = app.signed_in("worker@provider-a.example").await;
    let phone = app.signed_in("worker@provider-a.example").await;
    let new_password = "Brand-new-pass-42!";
    let weak = laptop
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "short"),
                ("confirm_password", "short"),
            ],
        )
        .await;
    weak.expect_status(422);
    assert!(weak.body.contains("at least 12 characters"));
    assert!(weak.body.contains("href=\"#new_password\""));

    let changed = laptop
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("new_password", new_password),
                ("confirm_password", new_password),
            ],
        )
        .await;
    changed.expect_status(303);
    assert_eq!(
        laptop.get("/").await.status,
        200,
        "the changer stays signed in"
    );
    assert_eq!(
        phone.get("/").await.status,
        303,
        "other sessions are signed out"
    );

    let back = laptop
        .submit(
            "/account",
            "/account/password",
            &[
                ("current_password", new_password),
                ("new_password", PASSWORD),
                ("confirm_password", PASSWORD),
            ],
        )
        .await;
    back.expect_status(422);
    assert!(back.body.contains("last 5 passwords"));
    let fresh = app.client();
    assert_eq!(
        fresh
            .sign_in("worker@provider-a.example", new_password)
            .await
            .status,
        303
    );
    assert!(app
        .audit_events("worker@provider-a.example")
        .await
        .contains(&"password-changed".to_owned()));
}

async fn inactive_and_pending_accounts(app: TestApp) {
    let client = app.client();
    let inactive = client
        .sign_in("inactive@provider-a.example", PASSWORD)
        .await;
    inactive.expect_status(422);
    assert!(inactive.body.contains("not active"));
    let locked = client.sign_in("locked@provider-a.example", PASSWORD).await;
    assert!(locked.body.contains("locked"));
    let pending = client.sign_in("pending@provider-a.example", PASSWORD).await;
    pending.expect_status(303);
    assert_eq!(
        app.user("pending@provider-a.example").await.status,
        "active",
        "first sign-in activates"
    );
}

async fn sign_in_follows_only_local_next_paths(app: TestApp) {
    let client = app.client();
    let page = client.get("/admin/users?page=2").await;
    page.expect_status(303);
    assert_eq!(
        page.location.as_deref(),
        Some("/sign-in?next=/admin/users%3Fpage%3D2")
    );
    let local = client
        .submit(
            "/sign-in?next=/account",
            "/sign-in",
            &[
                ("email", "worker@provider-a.example"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(local.location.as_deref(), Some("/account"));
    let other = app.client();
    let offsite = other
        .submit(
            "/sign-in",
            "/sign-in",
            &[
                ("email", "worker@provider-a.example"),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(offsite.location.as_deref(), Some("/"));
}
