//! Editing a case together: saved changes reach other viewers live (on the same instance or
//! another), edits to different fields merge, edits to the same field conflict and the second
//! writer is told who changed it, and nothing is ever overwritten silently.

use crate::socket::Socket;
use crate::support::{on_both_databases, redis_overrides, Backend, Client, Page, TestApp};
use serde_json::json;

on_both_databases!(
    a_saved_edit_reaches_another_viewer_live,
    edits_to_different_fields_both_land,
    an_edit_to_a_field_someone_else_changed_is_a_conflict_shown_at_the_field,
    bad_values_are_refused_at_their_field_and_change_nothing,
    another_tenant_cannot_edit_the_case,
    an_archived_case_refuses_edits_and_its_look_is_audited,
    published_events_are_deleted_after_a_day_and_undelivered_ones_kept,
);

const CASE: &str = "1CATS0001";

async fn open_case(app: &TestApp) -> (Client, Client) {
    let alex = app.worker_with_case().await;
    let kim = app.signed_in("colleague@provider-a.example").await;
    (alex, kim)
}

/// Posts the personal-details form as the page rendered it, with `changes` typed in.
async fn save(client: &Client, page: &Page, changes: &[(&str, &str)]) -> Page {
    let value_of = |name: &str| -> String {
        let marker = format!("name=\"base_{name}\" value=\"");
        page.body
            .find(&marker)
            .map(|at| {
                let start = at + marker.len();
                let end = page.body[start..].find('"').unwrap_or(0) + start;
                page.body[start..end].to_owned()
            })
            .unwrap_or_default()
    };
    let token = page.csrf();
    let mut fields: Vec<(String, String)> = vec![("csrf_token".into(), token)];
    for name in ["preferred_name", "pronouns", "notes"] {
        let base = value_of(name);
        let typed = changes
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.to_string())
            .unwrap_or(base.clone());
        fields.push((format!("base_{name}"), base));
        fields.push((name.to_owned(), typed));
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client
        .post(&format!("/participants/{CASE}/details"), &fields)
        .await
}

async fn stored(app: &TestApp) -> cats::store::participants::EditableRow {
    cats::store::participants::editable(&mut app.store.db(), CASE)
        .await
        .expect("query")
        .expect("case")
}

async fn a_saved_edit_reaches_another_viewer_live(app: TestApp) {
    let (alex, _) = open_case(&app).await;
    let kim_cookie = app.session_cookie("colleague@provider-a.example").await;
    let position = app.hub.position("case:1CATS0001").await.expect("position");
    let mut kim_socket = Socket::connect(&app.address, Some(&kim_cookie)).await;
    kim_socket
        .send(json!({ "type": "subscribe", "topic": "case:1CATS0001", "epoch": position.epoch, "seq": position.seq }))
        .await;
    kim_socket.next_of("subscribed").await;
    let page = alex.get(&format!("/participants/{CASE}")).await;
    save(&alex, &page, &[("pronouns", "they/them")])
        .await
        .expect_status(303);
    let event = kim_socket.next_of("event").await;
    let personal = event["body"]["fragments"]["case-personal"]
        .as_str()
        .expect("fragment");
    assert!(personal.contains("value=\"they/them\""), "{personal}");
    assert!(
        personal.contains("name=\"csrf_token\" value=\"\""),
        "no session's token in a shared fragment"
    );
    // The edit's timeline line, for the top of the timeline the page shows.
    let line = event["body"]["prepend"]["case-timeline-lines"]
        .as_str()
        .expect("the new timeline line");
    assert!(line.contains("Personal details updated") && line.contains("Alex Worker"));
    assert_eq!(line.matches("<li").count(), 1, "{line}");
    assert_eq!(stored(&app).await.version, 2);
}

async fn edits_to_different_fields_both_land(app: TestApp) {
    let (alex, kim) = open_case(&app).await;
    let alex_page = alex.get(&format!("/participants/{CASE}")).await;
    let kim_page = kim.get(&format!("/participants/{CASE}")).await;
    save(&alex, &alex_page, &[("pronouns", "he/him")])
        .await
        .expect_status(303);
    // Kim's page was loaded before Alex saved: a different field still merges.
    save(&kim, &kim_page, &[("preferred_name", "Del")])
        .await
        .expect_status(303);
    let row = stored(&app).await;
    assert_eq!(row.pronouns.as_deref(), Some("he/him"));
    assert_eq!(row.preferred_name.as_deref(), Some("Del"));
    assert_eq!(row.version, 3);
}

async fn an_edit_to_a_field_someone_else_changed_is_a_conflict_shown_at_the_field(app: TestApp) {
    let (alex, kim) = open_case(&app).await;
    let alex_page = alex.get(&format!("/participants/{CASE}")).await;
    let kim_page = kim.get(&format!("/participants/{CASE}")).await;
    save(&alex, &alex_page, &[("pronouns", "he/him")])
        .await
        .expect_status(303);
    let refused = save(
        &kim,
        &kim_page,
        &[("pronouns", "she/her"), ("preferred_name", "Del")],
    )
    .await;
    refused.expect_status(422);
    assert!(
        refused
            .body
            .contains("Alex Worker changed this to “he/him”"),
        "told who and what"
    );
    assert!(refused.body.contains("href=\"#pronouns\""));
    assert!(
        refused.body.contains("value=\"she/her\""),
        "Kim's own value is kept in the form"
    );
    let row = stored(&app).await;
    assert_eq!(
        row.pronouns.as_deref(),
        Some("he/him"),
        "nothing overwritten"
    );
    assert_eq!(
        row.preferred_name, None,
        "nothing of the refused save was written"
    );
    // The re-shown form carries the current value as its base: saving again is a choice.
    save(
        &kim,
        &refused,
        &[("pronouns", "she/her"), ("preferred_name", "Del")],
    )
    .await
    .expect_status(303);
    let row = stored(&app).await;
    assert_eq!(row.pronouns.as_deref(), Some("she/her"));
    assert_eq!(row.preferred_name.as_deref(), Some("Del"));
}

async fn bad_values_are_refused_at_their_field_and_change_nothing(app: TestApp) {
    let (alex, _) = open_case(&app).await;
    let page = alex.get(&format!("/participants/{CASE}")).await;
    let long = "n".repeat(1001);
    let refused = save(&alex, &page, &[("notes", &long), ("pronouns", "they/them")]).await;
    refused.expect_status(422);
    assert!(refused
        .body
        .contains("Notes must be 1000 characters or fewer"));
    assert_eq!(stored(&app).await.version, 1);
    let no_token = alex
        .post(
            &format!("/participants/{CASE}/details"),
            &[("pronouns", "x"), ("base_pronouns", "")],
        )
        .await;
    no_token.expect_status(403);
}

async fn an_archived_case_refuses_edits_and_its_look_is_audited(app: TestApp) {
    let (alex, _) = open_case(&app).await;
    let page = alex.get(&format!("/participants/{CASE}")).await;
    let archived = cats::domain::enrolment::EnrolmentStatus::Archived.value();
    app.sql(&format!(
        "UPDATE participants SET enrolment_status = {archived} WHERE id = '{CASE}'"
    ))
    .await;
    let user = app.user_id("worker@provider-a.example").await;
    let looks = format!(
        "SELECT count(*) FROM participant_access_audit \
         WHERE participant_id = '{CASE}' AND user_id = {user} AND allowed"
    );
    let before = app.sql_one(&looks).await;
    let refused = save(&alex, &page, &[("notes", "Too late")]).await;
    refused.expect_status(400);
    assert!(
        refused.body.contains("archived or dormant"),
        "{}",
        refused.body
    );
    let row = stored(&app).await;
    assert_eq!((row.version, row.notes), (1, None), "nothing written");
    assert_eq!(app.sql_one(&looks).await, before + 1, "the look is audited");
}

async fn another_tenant_cannot_edit_the_case(app: TestApp) {
    let (alex, _) = open_case(&app).await;
    let page = alex.get(&format!("/participants/{CASE}")).await;
    let outsider = app.signed_in("worker@provider-b.example").await;
    let token = outsider.get("/").await.csrf();
    let refused = outsider
        .post(
            &format!("/participants/{CASE}/details"),
            &[
                ("csrf_token", &token),
                ("pronouns", "x"),
                ("base_pronouns", ""),
            ],
        )
        .await;
    refused.expect_status(403);
    assert_eq!(stored(&app).await.version, 1);
    let outsider_id = app.user_id("worker@provider-b.example").await;
    let refusals = app
        .sql_one(&format!(
            "SELECT count(*) FROM participant_access_audit \
             WHERE participant_id = '{CASE}' AND user_id = {outsider_id} AND NOT allowed"
        ))
        .await;
    assert_eq!(refusals, 1, "the refused edit is audited once");
    drop(page);
}

#[tokio::test]
async fn an_edit_on_one_instance_reaches_a_viewer_on_another() {
    let Some(redis) = redis_overrides("case edits across instances") else {
        return;
    };
    let apps = TestApp::spawn_cluster(Backend::Sqlite, 2, &redis)
        .await
        .expect("cluster");
    let (a, b) = (&apps[0], &apps[1]);
    let alex = a.worker_with_case().await;
    let kim_cookie = b.session_cookie("colleague@provider-a.example").await;
    let mut kim_socket = Socket::connect(&b.address, Some(&kim_cookie)).await;
    kim_socket.subscribe("case:1CATS0001").await;
    let page = alex.get(&format!("/participants/{CASE}")).await;
    save(&alex, &page, &[("notes", "Met at the hub on Tuesday")])
        .await
        .expect_status(303);
    let event = kim_socket.next_of("event").await;
    assert!(event["body"]["fragments"]["case-personal"]
        .as_str()
        .unwrap_or_default()
        .contains("Met at the hub on Tuesday"));
}

#[tokio::test]
async fn an_event_left_in_the_outbox_is_published_by_the_dispatcher() {
    // As after a crash between commit and publish: the row is there, nobody signalled.
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let cookie = app.session_cookie("worker@provider-a.example").await;
    let topic = format!("user:{}", app.user_id("worker@provider-a.example").await);
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    socket.subscribe(&topic).await;
    app.sql(&format!(
        "INSERT INTO outbox (topic, payload, created_at, attempts, next_attempt_at)
         VALUES ('{topic}', '{{\"left\":\"behind\"}}', strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'), 0,
                 strftime('%Y-%m-%d %H:%M:%f+00:00', 'now'))"
    ))
    .await;
    let event = socket.next_of("event").await;
    assert_eq!(event["body"]["left"], "behind");
    // The row is marked published just after the publish that delivered it.
    assert_eq!(outbox_drained(&app).await, 0, "marked published");
}

/// Events still unpublished after waiting up to 3 s for the dispatcher to publish them all.
async fn outbox_drained(app: &TestApp) -> u64 {
    let mut pending = u64::MAX;
    for _ in 0..60 {
        pending = cats::store::outbox::pending(&mut app.store.db())
            .await
            .expect("count");
        if pending == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    pending
}

/// Two instances on PostgreSQL: one runs the outbox dispatcher (it holds the lease). An edit on
/// the other must wake it with a `NOTIFY`; an edit on the dispatcher's own instance wakes it in
/// process and notifies nobody.
#[tokio::test]
async fn only_an_instance_without_the_dispatcher_notifies_the_others() {
    let Some(apps) = TestApp::spawn_cluster(Backend::Postgres, 2, &[]).await else {
        return;
    };
    let workers = [
        apps[0].worker_with_case().await,
        apps[1].signed_in("worker@provider-a.example").await,
    ];
    let mut listener = sqlx::postgres::PgListener::connect(apps[0].database_url())
        .await
        .expect("listener");
    listener.listen("cats_outbox").await.expect("listen");
    let mut notified_by = Vec::new();
    for (n, (app, alex)) in apps.iter().zip(&workers).enumerate() {
        let page = alex.get(&format!("/participants/{CASE}")).await;
        save(alex, &page, &[("notes", &format!("Saved on instance {n}"))])
            .await
            .expect_status(303);
        assert_eq!(
            outbox_drained(app).await,
            0,
            "the edit on instance {n} was published"
        );
        let mut heard = Vec::new();
        while let Ok(Ok(notification)) =
            tokio::time::timeout(std::time::Duration::from_millis(500), listener.recv()).await
        {
            heard.push(notification.payload().to_owned());
        }
        notified_by.push(heard);
    }
    let ids: Vec<String> = apps
        .iter()
        .map(|app| app.hub.instance().to_string())
        .collect();
    let expected = match (&notified_by[0][..], &notified_by[1][..]) {
        ([], [_, ..]) => vec![vec![], vec![ids[1].clone()]],
        ([_, ..], []) => vec![vec![ids[0].clone()], vec![]],
        _ => panic!("exactly one instance should notify, heard {notified_by:?}"),
    };
    assert_eq!(notified_by, expected);
}

async fn published_events_are_deleted_after_a_day_and_undelivered_ones_kept(app: TestApp) {
    // Written straight to the table, with times far from now so the running dispatcher
    // leaves them alone: one published long ago, one published "later", one never delivered.
    app.sql(
        "INSERT INTO outbox (topic, payload, created_at, published_at, attempts, next_attempt_at, last_error) VALUES \
         ('test:old', '{}', '2020-01-01 00:00:00+00:00', '2020-01-01 00:00:01+00:00', 0, '2020-01-01 00:00:00+00:00', NULL), \
         ('test:recent', '{}', '2020-01-01 00:00:00+00:00', '2999-01-01 00:00:00+00:00', 0, '2020-01-01 00:00:00+00:00', NULL), \
         ('test:failing', '{}', '2020-01-01 00:00:00+00:00', NULL, 9, '2999-01-01 00:00:00+00:00', 'bus down');",
    )
    .await;
    let deleted = cats::workflows::outbox::prune(&app.store)
        .await
        .expect("prune");
    assert_eq!(deleted, 1);
    let left = |topic: &'static str| {
        let app = &app;
        async move {
            app.sql_one(&format!(
                "SELECT COUNT(*) FROM outbox WHERE topic = '{topic}'"
            ))
            .await
        }
    };
    assert_eq!(
        left("test:old").await,
        0,
        "published over a day ago: deleted"
    );
    assert_eq!(left("test:recent").await, 1);
    assert_eq!(left("test:failing").await, 1, "never delivered: kept");
}
