//! Saving assessment answers one at a time as they are chosen (the page script's autosave), on
//! both databases: a saved answer returns the base the next save starts from, a colleague's
//! answer in between is a conflict that names it and saves nothing, and a bad option is
//! refused with a message for the question.

use crate::enrolment::{answer_of, case_with_open_assessment, CASE};
use crate::support::{on_both_databases, Client, Page, TestApp};
use cats::domain::assessment::all_questions;

on_both_databases!(each_answer_is_saved_as_it_is_chosen_and_a_clash_is_told,);

async fn autosave(client: &Client, path: &str, token: &str, fields: &[(&str, &str)]) -> Page {
    let mut all = vec![("csrf_token", token)];
    all.extend_from_slice(fields);
    client
        .post_with_header(path, &all, ("X-Autosave", "1"))
        .await
}

fn json(page: &Page) -> serde_json::Value {
    serde_json::from_str(&page.body).expect("the reply is JSON")
}

async fn each_answer_is_saved_as_it_is_chosen_and_a_clash_is_told(app: TestApp) {
    let (worker, assessment) = case_with_open_assessment(&app).await;
    let path = format!("/participants/{CASE}/assessments/{assessment}/A");
    let a1 = all_questions().iter().find(|q| q.code == "A1").expect("A1");
    let (first, second) = (a1.options[0], a1.options[1]);
    let page = worker.get(&path).await;
    assert!(
        page.body.contains("data-autosave"),
        "the form saves as you go"
    );
    assert!(page.body.contains("data-autosave-for=\"A1\""));
    let token = page.csrf();

    // One answer, nothing else on the page: saved at once, and the reply is the new base.
    let saved = autosave(&worker, &path, &token, &[("base_A1", ""), ("A1", first)]).await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(json(&saved)["question"], "A1");
    assert_eq!(json(&saved)["base"], first);
    assert_eq!(answer_of(&app, &assessment, "A1").await, vec![first]);
    assert!(
        answer_of(&app, &assessment, "A2").await.is_empty(),
        "only the question sent is touched"
    );

    // A colleague changes it; the worker's next save still starts from the old base: a clash,
    // told with the colleague's answer, and nothing saved.
    let colleague = app.signed_in("colleague@provider-a.example").await;
    let theirs = colleague.get(&path).await.csrf();
    autosave(
        &colleague,
        &path,
        &theirs,
        &[("base_A1", first), ("A1", second)],
    )
    .await
    .expect_status(200);
    let clash = autosave(&worker, &path, &token, &[("base_A1", first), ("A1", first)]).await;
    assert_eq!(clash.status, 409, "{}", clash.body);
    let body = json(&clash);
    assert_eq!(body["base"], second, "their answer is the base from now on");
    assert_eq!(body["theirs"][0], second);
    assert!(body["message"].as_str().unwrap_or("").contains(second));
    assert_eq!(answer_of(&app, &assessment, "A1").await, vec![second]);

    // From their answer as base, the worker's choice is saved.
    autosave(
        &worker,
        &path,
        &token,
        &[("base_A1", second), ("A1", first)],
    )
    .await
    .expect_status(200);
    assert_eq!(answer_of(&app, &assessment, "A1").await, vec![first]);

    // An option the question does not have: refused with a message, nothing changed.
    let bad = autosave(
        &worker,
        &path,
        &token,
        &[("base_A1", first), ("A1", "Maybe")],
    )
    .await;
    assert_eq!(bad.status, 422, "{}", bad.body);
    assert!(json(&bad)["message"]
        .as_str()
        .unwrap_or("")
        .contains("is not one of this question's options"));
    assert_eq!(answer_of(&app, &assessment, "A1").await, vec![first]);

    // Without the header the same form still saves the page and moves on.
    let whole = worker
        .post(
            &path,
            &[
                ("csrf_token", &token),
                ("base_A2", ""),
                ("A2", all_questions()[1].options[0]),
            ],
        )
        .await;
    assert_eq!(whole.status, 303);
}
