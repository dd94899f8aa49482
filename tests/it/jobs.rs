//! Background jobs: the dormant-accounts job.

use crate::socket::Socket;
use crate::support::{on_both_databases, Backend, TestApp, PASSWORD};
use cats::workflows::dormant_accounts::run_once;

on_both_databases!(dormant_accounts_become_inactive_and_are_signed_out);

fn days_ago(app: &TestApp, days: i64) -> String {
    if app.backend == Backend::Postgres {
        format!("now() - interval '{days} days'")
    } else {
        format!("strftime('%Y-%m-%d %H:%M:%f+00:00', 'now', '-{days} days')")
    }
}

async fn dormant_accounts_become_inactive_and_are_signed_out(app: TestApp) {
    let cookie = app.session_cookie("worker@provider-a.example").await;
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    socket
        .subscribe(&format!(
            "user:{}",
            app.user_id("worker@provider-a.example").await
        ))
        .await;
    let worker = app.user_id("worker@provider-a.example").await;
    let colleague = app.user_id("colleague@provider-a.example").await;
    let never = app.user_id("worker2@provider-a.example").await;
    app.sql(&format!(
        "UPDATE users SET last_login_at = {} WHERE id = {worker};
         UPDATE users SET last_login_at = {} WHERE id = {colleague};
         UPDATE users SET last_login_at = NULL, created_at = {} WHERE id = {never};",
        days_ago(&app, 31),
        days_ago(&app, 29),
        days_ago(&app, 45),
    ))
    .await;
    let count = run_once(&app.store, &app.hub).await.expect("job runs");
    assert_eq!(count, 2);
    assert_eq!(
        app.user("worker@provider-a.example").await.status,
        "inactive"
    );
    assert_eq!(
        app.user("worker2@provider-a.example").await.status,
        "inactive"
    );
    assert_eq!(
        app.user("colleague@provider-a.example").await.status,
        "active"
    );
    // Pending accounts are not touched, whatever their age.
    assert_eq!(
        app.user("pending@provider-a.example").await.status,
        "pending-activation"
    );
    assert_eq!(
        app.audit_events("worker@provider-a.example").await[0],
        "status-changed"
    );
    assert_eq!(socket.closed().await.0, 4003, "the live socket closes");
    let refused = app
        .client()
        .sign_in("worker@provider-a.example", PASSWORD)
        .await;
    assert!(refused.body.contains("not active"));
    // Running again changes nothing more.
    assert_eq!(run_once(&app.store, &app.hub).await.expect("job runs"), 0);
}
