//! `cats db seed --scale N` makes cases shaped like real ones: each carries the timeline of its
//! stage and, once approved, a submitted assessment with every question answered and its eight
//! pathway scores — what the benchmarks' case pages and edits then read.

use crate::support::{on_both_databases, TestApp};
use cats::domain::enrolment::EnrolmentStatus;
use cats::external::fake_data::generated;

on_both_databases!(synthetic_cases_carry_their_history_and_scored_assessments);

/// Three batches' worth, the last one partial.
const CASES: u32 = 1_050;

async fn synthetic_cases_carry_their_history_and_scored_assessments(app: TestApp) {
    cats::seed::scale::load(&app.store, CASES)
        .await
        .expect("scale seed");
    let ids: Vec<String> = (0..CASES)
        .map(|n| format!("'{}'", generated(n).record.upci))
        .collect();
    let synthetic = format!("p.id IN ({})", ids.join(", "));
    // Each case has the same owner on either database.
    for n in 0..8 {
        let owner = app
            .sql_text(&format!(
                "SELECT u.email FROM participants p JOIN users u ON u.id = p.owner_id \
                 WHERE p.id = '{}'",
                generated(n).record.upci
            ))
            .await;
        assert_eq!(owner, cats::seed::scale::OWNERS[n as usize % 4], "case {n}");
    }
    let lines = "(SELECT count(*) FROM timeline t WHERE t.participant_id = p.id)";
    let assessed = "p.current_location_id >= 1";
    for (status, expected) in [
        (EnrolmentStatus::Identified, "1".to_owned()),
        (EnrolmentStatus::Enrolling, "2".to_owned()),
        (
            EnrolmentStatus::Approved,
            format!("CASE WHEN {assessed} THEN 5 ELSE 2 END"),
        ),
    ] {
        let of_status = format!("{synthetic} AND p.enrolment_status = {}", status.value());
        let cases = app
            .sql_one(&format!(
                "SELECT count(*) FROM participants p WHERE {of_status}"
            ))
            .await;
        assert!(cases > 100, "{status:?}: {cases} synthetic cases");
        let wrong = app
            .sql_one(&format!(
                "SELECT count(*) FROM participants p WHERE {of_status} AND {lines} <> {expected}"
            ))
            .await;
        assert_eq!(wrong, 0, "{status:?}: cases with the wrong timeline");
    }

    let approved = format!(
        "{synthetic} AND p.enrolment_status = {} AND {assessed}",
        EnrolmentStatus::Approved.value()
    );
    let to_assess = app
        .sql_one(&format!(
            "SELECT count(*) FROM participants p WHERE {approved}"
        ))
        .await;
    assert!(
        to_assess > 100,
        "{to_assess} approved cases with a location"
    );
    let complete = app
        .sql_one(&format!(
            "SELECT count(*) FROM participants p JOIN assessments a ON a.participant_id = p.id \
             WHERE {approved} AND a.submitted_at IS NOT NULL \
             AND (SELECT count(DISTINCT question) FROM assessment_answers w WHERE w.assessment_id = a.id) = {} \
             AND (SELECT count(*) FROM assessment_scores s WHERE s.assessment_id = a.id) = 8",
            cats::domain::assessment::all_questions().len()
        ))
        .await;
    assert_eq!(complete, to_assess, "one complete, scored assessment each");
    let others = app
        .sql_one(&format!(
            "SELECT count(*) FROM assessments a JOIN participants p ON p.id = a.participant_id \
             WHERE {synthetic} AND NOT ({approved})"
        ))
        .await;
    assert_eq!(others, 0, "only approved cases are assessed");

    // The case page reads them like any other case.
    let worker = app.signed_in("worker@provider-a.example").await;
    let owner = app.user_id("worker@provider-a.example").await;
    let id = app
        .sql_text(&format!(
            "SELECT p.id FROM participants p WHERE {approved} AND p.owner_id = {owner} \
             ORDER BY p.id LIMIT 1"
        ))
        .await;
    let page = worker.get(&format!("/participants/{id}")).await;
    page.expect_status(200);
    assert!(
        page.body.contains("Assessment submitted and scored"),
        "timeline shown"
    );
    assert!(page.body.contains("Enrolment approved"), "timeline shown");
}
