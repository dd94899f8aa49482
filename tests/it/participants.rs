//! Finding a person in the offender data (the fake service, a real HTTP server), creating
//! their case, listing cases in scope, and opening a case (scoped and audited).

use crate::support::{on_both_databases, toml_value::Value as Setting, Backend, TestApp};

on_both_databases!(
    a_worker_finds_a_candidate_and_creates_their_case,
    every_search_outcome_is_explained,
    bad_search_input_is_shown_at_its_field,
    another_tenants_case_is_refused_and_the_attempt_is_audited,
    made_up_or_inactive_people_cannot_be_created,
    a_location_added_after_the_first_page_is_named_on_the_next,
);

const DALE: [(&str, &str); 6] = [
    ("identifier", "a1234bc"),
    ("first_name", "Dale"),
    ("last_name", "Ashdown"),
    ("day", "27"),
    ("month", "3"),
    ("year", "1985"),
];

fn search_path(fields: &[(&str, &str)]) -> String {
    format!(
        "/participants/search?{}",
        serde_html_form::to_string(fields).expect("query")
    )
}

async fn create(
    client: &crate::support::Client,
    fields: &[(&str, &str)],
    upci: &str,
) -> crate::support::Page {
    client
        .submit(&search_path(fields), "/participants", &[("upci", upci)])
        .await
}

async fn a_worker_finds_a_candidate_and_creates_their_case(app: TestApp) {
    let worker = app.signed_in("worker@provider-a.example").await;
    let found = worker.get(&search_path(&DALE)).await;
    found.expect_status(200);
    assert!(found.body.contains("DALE ASHDOWN"));
    assert!(
        found.body.contains("HMP Risley"),
        "the location rule and mapping name the prison"
    );
    assert!(found.body.contains("Create participant"));
    let created = create(&worker, &DALE, "1CATS0001").await;
    created.expect_status(303);
    assert_eq!(created.location.as_deref(), Some("/participants/1CATS0001"));
    let case = worker.get("/participants/1CATS0001").await;
    case.expect_status(200);
    for text in [
        "DALE ASHDOWN",
        "Identified",
        "Alex Worker",
        "A1234BC",
        "X123456",
        "Participant created",
        "HMP Risley",
    ] {
        assert!(case.body.contains(text), "case page shows {text}");
    }
    let list = worker.get("/participants").await;
    assert!(list.body.contains("/participants/1CATS0001"));
    assert!(list.body.contains("1 participant"));
    let filtered = worker.get("/participants?status=6").await;
    assert!(filtered.body.contains("0 participants"), "not Enrolling");
}

async fn every_search_outcome_is_explained(app: TestApp) {
    let worker = app.signed_in("worker@provider-a.example").await;
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("identifier", "A1234BC"),
                ("first_name", "Dale"),
                ("last_name", "Ashdown"),
                ("day", "28"),
                ("month", "3"),
                ("year", "1985"),
            ],
            "No match found",
        ),
        (
            &[
                ("identifier", "M000001"),
                ("first_name", "Hugh"),
                ("last_name", "Elverson"),
                ("day", "5"),
                ("month", "5"),
                ("year", "1975"),
            ],
            "More information needed",
        ),
        (
            &[
                ("identifier", "T000001"),
                ("first_name", "Kit"),
                ("last_name", "Hollins"),
                ("day", "12"),
                ("month", "12"),
                ("year", "1992"),
            ],
            "Too many results",
        ),
        (
            &[
                ("identifier", "A0000IN"),
                ("first_name", "Gail"),
                ("last_name", "Denholm"),
                ("day", "30"),
                ("month", "1"),
                ("year", "1982"),
            ],
            "Not eligible",
        ),
        (
            &[
                ("identifier", "A3456DE"),
                ("first_name", "Iris"),
                ("last_name", "Fairbairn"),
                ("day", "9"),
                ("month", "9"),
                ("year", "1988"),
            ],
            "Unmapped Custody Location",
        ),
    ];
    for (fields, expected) in cases {
        let page = worker.get(&search_path(fields)).await;
        page.expect_status(200);
        assert!(page.body.contains(expected), "{expected}");
    }
    create(&worker, &DALE, "1CATS0001").await.expect_status(303);
    let again = worker.get(&search_path(&DALE)).await;
    assert!(again.body.contains("Already a participant"));
    assert!(again.body.contains("href=\"/participants/1CATS0001\""));
    let other = app.signed_in("worker@provider-b.example").await;
    let theirs = other.get(&search_path(&DALE)).await;
    assert!(theirs.body.contains("held by another organisation"));
    assert!(!theirs.body.contains("href=\"/participants/1CATS0001\""));
}

async fn bad_search_input_is_shown_at_its_field(app: TestApp) {
    let worker = app.signed_in("worker@provider-a.example").await;
    let bad_id = worker
        .get(&search_path(&[
            ("identifier", "abc"),
            ("first_name", "A"),
            ("last_name", "B"),
            ("day", "1"),
            ("month", "1"),
            ("year", "1990"),
        ]))
        .await;
    bad_id.expect_status(422);
    assert!(bad_id.body.contains("href=\"#identifier\""));
    assert!(bad_id.body.contains("7 letters and numbers"));
    assert!(
        bad_id.body.contains("value=\"abc\""),
        "what was typed is kept"
    );
    let young = worker
        .get(&search_path(&[
            ("identifier", "A1234BC"),
            ("first_name", "A"),
            ("last_name", "B"),
            ("day", "1"),
            ("month", "1"),
            ("year", "2015"),
        ]))
        .await;
    young.expect_status(422);
    assert!(young.body.contains("at least 18 years old"));
}

async fn another_tenants_case_is_refused_and_the_attempt_is_audited(app: TestApp) {
    let worker = app.signed_in("worker@provider-a.example").await;
    create(&worker, &DALE, "1CATS0001").await.expect_status(303);
    let other = app.signed_in("worker@provider-b.example").await;
    other
        .get("/participants/1CATS0001")
        .await
        .expect_status(403);
    // A case that does not exist is simply not found.
    other
        .get("/participants/1CATS9999")
        .await
        .expect_status(404);
    assert!(!other.get("/participants").await.body.contains("1CATS0001"));
    let head_office = app.signed_in("qa.officer@justice.gov.uk").await;
    head_office
        .get("/participants/1CATS0001")
        .await
        .expect_status(200);
    let refused = app.user_id("worker@provider-b.example").await;
    let audit: Vec<(bool,)> = match app.store.pool() {
        cats::store::Pool::Postgres(pool, _) => sqlx::query_as(&format!(
            "SELECT allowed FROM participant_access_audit WHERE participant_id = '1CATS0001' AND user_id = {refused}"
        ))
        .fetch_all(pool)
        .await
        .expect("audit"),
        cats::store::Pool::Sqlite(pool) => sqlx::query_as(&format!(
            "SELECT allowed FROM participant_access_audit WHERE participant_id = '1CATS0001' AND user_id = {refused}"
        ))
        .fetch_all(pool)
        .await
        .expect("audit"),
    };
    assert_eq!(audit, [(false,)], "the refused view is audited");
}

async fn made_up_or_inactive_people_cannot_be_created(app: TestApp) {
    let worker = app.signed_in("worker@provider-a.example").await;
    let inactive = create(&worker, &DALE, "1CATS0004").await;
    inactive.expect_status(400);
    assert!(inactive.body.contains("not active"));
    let made_up = create(&worker, &DALE, "9NOBODY99").await;
    made_up.expect_status(400);
    create(&worker, &DALE, "1CATS0001").await.expect_status(303);
    let twice = create(&worker, &DALE, "1CATS0001").await;
    twice.expect_status(400);
    assert!(twice.body.contains("already a participant"));
    let list = worker.get("/participants").await;
    assert!(list.body.contains("1 participant"));
}

#[tokio::test]
async fn a_clear_message_when_the_offender_data_service_is_down() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[(
            "external.url",
            Setting::Text("http://127.0.0.1:1".to_owned()),
        )],
    )
    .await
    .expect("app");
    let worker = app.signed_in("worker@provider-a.example").await;
    let page = worker.get(&search_path(&DALE)).await;
    page.expect_status(422);
    assert!(page.body.contains("not available right now"));
}

async fn a_location_added_after_the_first_page_is_named_on_the_next(app: TestApp) {
    // The case page keeps location names in process: a name it has not seen yet must be read,
    // not shown blank.
    let worker = app.signed_in("worker@provider-a.example").await;
    create(&worker, &DALE, "1CATS0001").await.expect_status(303);
    let before = worker.get("/participants/1CATS0001").await;
    before.expect_status(200);
    assert!(before.body.contains("HMP Risley"));
    app.sql(
        "INSERT INTO locations (id, name, location_type, gender_provision, contract_id, \
         parent_id, lifetime_start, lifetime_end) SELECT 990001, 'HMP Newbuild', location_type, \
         gender_provision, contract_id, NULL, lifetime_start, lifetime_end FROM locations \
         WHERE name = 'HMP Risley'",
    )
    .await;
    app.sql("UPDATE participants SET current_location_id = 990001 WHERE id = '1CATS0001'")
        .await;
    let after = worker.get("/participants/1CATS0001").await;
    after.expect_status(200);
    assert!(
        after.body.contains("HMP Newbuild"),
        "the new location is named"
    );
}
