//! The case page keeps what it read of a case under the case's page stamp, which the database
//! moves whenever anything the page shows changes: every such table moves it, and a change
//! made straight in the database (no command, no event) shows on the next view.

use crate::support::{on_both_databases, TestApp};

on_both_databases!(
    every_table_the_case_page_shows_moves_the_stamp,
    a_change_made_in_the_database_alone_shows_on_the_next_view,
    a_transaction_writing_the_case_and_its_lines_shows_whole_and_later_lines_still_show,
    the_bell_on_the_case_page_counts_the_viewers_unread_notifications,
);

/// Each table the case page reads, a case that has rows in it, and a statement that rewrites
/// that case's rows without changing them.
fn tables() -> Vec<(&'static str, String, String)> {
    let by_case = |table: &'static str, column: &str| {
        let case = format!("(SELECT min(participant_id) FROM {table})");
        let touch = format!("UPDATE {table} SET {column} = {column} WHERE participant_id = {case}");
        (table, case, touch)
    };
    let by_assessment = |table: &'static str| {
        let assessment = format!("(SELECT min(assessment_id) FROM {table})");
        let case = format!("(SELECT participant_id FROM assessments WHERE id = {assessment})");
        let touch = format!(
            "UPDATE {table} SET assessment_id = assessment_id WHERE assessment_id = {assessment}"
        );
        (table, case, touch)
    };
    vec![
        (
            "participants",
            "(SELECT min(id) FROM participants)".to_owned(),
            "UPDATE participants SET notes = notes WHERE id = (SELECT min(id) FROM participants)"
                .to_owned(),
        ),
        by_case("participant_identifiers", "value"),
        by_case("timeline", "line1"),
        by_case("consents", "participant_id"),
        by_case("right_to_work", "participant_id"),
        by_case("assessments", "participant_id"),
        by_assessment("assessment_answers"),
        by_assessment("assessment_scores"),
    ]
}

async fn every_table_the_case_page_shows_moves_the_stamp(app: TestApp) {
    // A case with rows in every table (right to work added by hand: Dale is British).
    crate::enrolment::submitted_case(&app).await;
    app.sql(
        "INSERT INTO right_to_work (participant_id, valid_from, document_id, created_by, created_at) \
         SELECT participant_id, consent_date, document_id, created_by, created_at FROM consents",
    )
    .await;
    for (table, case, touch) in tables() {
        let stamp = format!("SELECT page_stamp FROM participants WHERE id = {case}");
        let rows = app
            .sql_one(&format!(
                "SELECT count(*) FROM participants WHERE id = {case}"
            ))
            .await;
        assert_eq!(rows, 1, "{table}: a case has rows here");
        let before = app.sql_one(&stamp).await;
        app.sql(&touch).await;
        let after = app.sql_one(&stamp).await;
        assert!(
            after > before,
            "{table}: a change moves the stamp ({before} → {after})"
        );
    }
    // A writer may move the stamp itself, as an edit does: it then moves once, not twice.
    let stamp = "SELECT page_stamp FROM participants WHERE id = (SELECT min(id) FROM participants)";
    let before = app.sql_one(stamp).await;
    app.sql(
        "UPDATE participants SET notes = notes, page_stamp = page_stamp + 1 \
         WHERE id = (SELECT min(id) FROM participants)",
    )
    .await;
    assert_eq!(
        app.sql_one(stamp).await,
        before + 1,
        "moved by the writer alone"
    );
}

async fn a_change_made_in_the_database_alone_shows_on_the_next_view(app: TestApp) {
    let worker = app.worker_with_case().await;
    let path = "/participants/1CATS0001";
    let first = worker.get(path).await;
    first.expect_status(200);
    assert!(!first.body.contains("Written behind the page"));
    app.sql(
        "UPDATE timeline SET line1 = 'Written behind the page' \
         WHERE participant_id = '1CATS0001'",
    )
    .await;
    let second = worker.get(path).await;
    assert!(
        second.body.contains("Written behind the page"),
        "the timeline moved"
    );
    app.sql("UPDATE participants SET preferred_name = 'Sunny' WHERE id = '1CATS0001'")
        .await;
    let third = worker.get(path).await;
    assert!(third.body.contains("Sunny"), "the case's own row moved");
}

/// PostgreSQL moves the stamp once per transaction (a case row the transaction already wrote
/// has moved it): what such a transaction wrote shows whole, and a line added later, by a
/// transaction that leaves the case row alone, still moves it.
async fn a_transaction_writing_the_case_and_its_lines_shows_whole_and_later_lines_still_show(
    app: TestApp,
) {
    let worker = app.worker_with_case().await;
    let path = "/participants/1CATS0001";
    worker.get(path).await.expect_status(200);
    let line = |text: &str| {
        format!(
            "INSERT INTO timeline (participant_id, kind, line1, occurred_at) \
             VALUES ('1CATS0001', 'Participant', '{text}', CURRENT_TIMESTAMP)"
        )
    };
    // `sql` runs its statements in one transaction.
    app.sql(&format!(
        "UPDATE participants SET preferred_name = 'Sunny' WHERE id = '1CATS0001'; {};",
        line("Written in one go")
    ))
    .await;
    let page = worker.get(path).await;
    assert!(page.body.contains("Sunny"), "the case row's change shows");
    assert!(page.body.contains("Written in one go"), "its line shows");
    app.sql(&line("Written later on its own")).await;
    let page = worker.get(path).await;
    assert!(
        page.body.contains("Written later on its own"),
        "a later line moves the stamp"
    );
}

/// The case page reads the bell's count on the connection it reads the case with: the count
/// is the viewer's, unread only, and moves with them, whether the case came from the
/// instance's copy or the database.
async fn the_bell_on_the_case_page_counts_the_viewers_unread_notifications(app: TestApp) {
    let worker = app.worker_with_case().await;
    let path = "/participants/1CATS0001";
    let before = worker.get(path).await;
    assert!(before.body.contains("Notifications, 0 unread"), "none yet");
    let me = app.user_id("worker@provider-a.example").await;
    let other = app.user_id("colleague@provider-a.example").await;
    let notify = |user: i64, read: &str| {
        format!(
            "INSERT INTO notifications (user_id, heading, details, created_at, read_at) \
             VALUES ({user}, 'Heads up', 'Details', CURRENT_TIMESTAMP, {read})"
        )
    };
    app.sql(&format!(
        "{}; {}; {}; {};",
        notify(me, "NULL"),
        notify(me, "NULL"),
        notify(me, "CURRENT_TIMESTAMP"),
        notify(other, "NULL")
    ))
    .await;
    // The case is unchanged, so this view is served from the instance's copy of it.
    let after = worker.get(path).await;
    assert!(
        after.body.contains("Notifications, 2 unread"),
        "the viewer's two unread ones"
    );
}
