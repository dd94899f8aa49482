//! Changing a case's owner over HTTP, on both databases: only people with the Reassign
//! permission give a case away, to an active colleague in their organisation whose team works
//! at the case's location; anyone takes an unowned case at a location they work at; every
//! change is in the ownership history and the timeline, and the people concerned are told.

use crate::enrolment::CASE;
use crate::support::{on_both_databases, TestApp};

on_both_databases!(
    a_case_is_reassigned_to_a_colleague_and_both_owners_are_told,
    an_unowned_case_is_taken_by_someone_who_works_at_its_location,
);

const OWNER_PAGE: &str = "/participants/1CATS0001/owner";

async fn owner_of(app: &TestApp) -> i64 {
    app.sql_one(&format!(
        "SELECT COALESCE(owner_id, 0) FROM participants WHERE id = '{CASE}'"
    ))
    .await
}

async fn notifications(app: &TestApp, email: &str, heading: &str) -> i64 {
    let user = app.user_id(email).await;
    app.sql_one(&format!(
        "SELECT COUNT(*) FROM notifications WHERE user_id = {user} AND heading = '{heading}' AND link = '/participants/{CASE}'"
    ))
    .await
}

async fn a_case_is_reassigned_to_a_colleague_and_both_owners_are_told(app: TestApp) {
    assert_eq!(OWNER_PAGE, format!("/participants/{CASE}/owner"));
    let worker = app.worker_with_case().await;
    let alex = app.user_id("worker@provider-a.example").await;
    let kim = app.user_id("colleague@provider-a.example").await;
    assert_eq!(owner_of(&app).await, alex);
    assert!(worker
        .get(&format!("/participants/{CASE}"))
        .await
        .body
        .contains("Change owner"));

    // A support worker cannot give the case away: the page says who can, the server refuses.
    let page = worker.get(OWNER_PAGE).await;
    assert!(page.body.contains("Only people who can reassign cases"));
    assert!(!page.body.contains("name=\"assignee\""));
    let kim_id = kim.to_string();
    let refused = worker
        .post(
            OWNER_PAGE,
            &[("csrf_token", &page.csrf()), ("assignee", &kim_id)],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(owner_of(&app).await, alex);

    // Provider QA may reassign: only active people whose team works at the location are offered.
    let pqa = app.signed_in("pqa@provider-a.example").await;
    let form = pqa.get(OWNER_PAGE).await;
    assert!(form.body.contains("Kim Colleague"), "{}", form.body);
    assert!(!form.body.contains("Ingrid Inactive"));
    assert!(
        form.body.contains("Jamie Worker"),
        "another team at the same location"
    );
    assert!(!form.body.contains("Charlie Worker"), "another provider");

    // Bad choices are refused at the field and change nothing.
    for (assignee, message) in [
        (String::new(), "Choose who the case goes to"),
        (
            app.user_id("inactive@provider-a.example").await.to_string(),
            "That person's account is not active",
        ),
        (
            app.user_id("worker@provider-b.example").await.to_string(),
            "That person is not in your organisation",
        ),
        (alex.to_string(), "That person already owns the case"),
    ] {
        let bad = pqa
            .submit(OWNER_PAGE, OWNER_PAGE, &[("assignee", &assignee)])
            .await;
        assert_eq!(bad.status, 422, "{assignee}: {}", bad.body);
        assert!(bad.body.contains(message), "{message}: {}", bad.body);
        assert!(bad.body.contains("href=\"#assignee\""), "error summary");
    }
    assert_eq!(owner_of(&app).await, alex);
    // An administrator's scope holds every provider, but the case stays with people who work
    // at its location.
    let admin = app.signed_in("admin@justice.gov.uk").await;
    let charlie = app.user_id("worker@provider-b.example").await.to_string();
    let away = admin
        .submit(OWNER_PAGE, OWNER_PAGE, &[("assignee", &charlie)])
        .await;
    assert_eq!(away.status, 422, "{}", away.body);
    assert!(away
        .body
        .contains("That person's team does not work at the case's location"));
    assert_eq!(owner_of(&app).await, alex);

    // Given to Kim: the history, the timeline, and both owners told (not the one who did it).
    pqa.submit(OWNER_PAGE, OWNER_PAGE, &[("assignee", &kim_id)])
        .await
        .expect_status(303);
    assert_eq!(owner_of(&app).await, kim);
    assert_eq!(
        app.sql_one(&format!(
            "SELECT COUNT(*) FROM ownership_history WHERE participant_id = '{CASE}' AND owner_id = {alex} AND ended_at IS NOT NULL"
        ))
        .await,
        1
    );
    let pqa_id = app.user_id("pqa@provider-a.example").await;
    assert_eq!(
        app.sql_one(&format!(
            "SELECT COUNT(*) FROM ownership_history WHERE participant_id = '{CASE}' AND owner_id = {kim} AND ended_at IS NULL AND changed_by = {pqa_id} AND contract_id = 'con_24036'"
        ))
        .await,
        1
    );
    let case = worker.get(&format!("/participants/{CASE}")).await;
    assert!(case.body.contains("Caseworker reassigned"));
    assert!(case.body.contains("From Alex Worker"));
    assert!(case.body.contains("To Kim Colleague"));
    assert_eq!(
        notifications(&app, "colleague@provider-a.example", "Participant assigned").await,
        1
    );
    assert_eq!(
        notifications(&app, "worker@provider-a.example", "Participant unassigned").await,
        1
    );
    assert_eq!(
        app.sql_one(&format!(
            "SELECT COUNT(*) FROM notifications WHERE user_id = {pqa_id}"
        ))
        .await,
        0
    );

    // An archived case keeps its owner.
    app.sql(&format!(
        "UPDATE participants SET enrolment_status = 4 WHERE id = '{CASE}'"
    ))
    .await;
    let archived = pqa
        .submit(OWNER_PAGE, OWNER_PAGE, &[("assignee", &alex.to_string())])
        .await;
    assert_eq!(archived.status, 422);
    assert!(archived.body.contains("The case is archived"));
    assert_eq!(owner_of(&app).await, kim);
}

async fn an_unowned_case_is_taken_by_someone_who_works_at_its_location(app: TestApp) {
    let worker = app.worker_with_case().await;
    let alex = app.user_id("worker@provider-a.example").await;
    // The case has lost its owner (as the external-data refresh does after a move).
    app.sql(&format!(
        "UPDATE participants SET owner_id = NULL, owner_tenant_id = NULL WHERE id = '{CASE}'"
    ))
    .await;
    assert!(worker
        .get(&format!("/participants/{CASE}"))
        .await
        .body
        .contains("Take or assign this case"));
    // Another provider's worker does not work at the location, so does not even see the case.
    let elsewhere = app.signed_in("worker@provider-b.example").await;
    assert_eq!(elsewhere.get(OWNER_PAGE).await.status, 403);

    let page = worker.get(OWNER_PAGE).await;
    assert!(page.body.contains("Take this case"));
    worker
        .submit(OWNER_PAGE, &format!("/participants/{CASE}/take"), &[])
        .await
        .expect_status(303);
    assert_eq!(owner_of(&app).await, alex);
    let case = worker.get(&format!("/participants/{CASE}")).await;
    assert!(case.body.contains("Caseworker assigned"));
    assert!(case.body.contains("From unassigned"));
    assert_eq!(
        notifications(&app, "worker@provider-a.example", "Participant assigned").await,
        0,
        "nobody is told about what they did themselves"
    );

    // Now it has an owner, a colleague cannot take it.
    let colleague = app.signed_in("colleague@provider-a.example").await;
    let taken = colleague
        .submit(OWNER_PAGE, &format!("/participants/{CASE}/take"), &[])
        .await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains("Someone already owns this case"));
    assert_eq!(owner_of(&app).await, alex);
}
