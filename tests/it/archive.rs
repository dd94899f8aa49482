//! Archiving and unarchiving over HTTP, on both databases: a reason is required (Other
//! justified, unarchive always explained), only the owner's team or above may archive, a case
//! in QA cannot be archived, and unarchive restores the status held before.

use crate::enrolment::{submitted_case, CASE};
use crate::support::{on_both_databases, TestApp};

on_both_databases!(
    a_case_is_archived_with_a_reason_and_unarchived_to_its_previous_status,
    a_case_in_qa_cannot_be_archived,
);

async fn status_of(app: &TestApp) -> i64 {
    app.sql_one(&format!(
        "SELECT enrolment_status FROM participants WHERE id = '{CASE}'"
    ))
    .await
}

async fn a_case_is_archived_with_a_reason_and_unarchived_to_its_previous_status(app: TestApp) {
    let worker = app.worker_with_case().await;
    let page = format!("/participants/{CASE}/archive");
    assert!(worker
        .get(&format!("/participants/{CASE}"))
        .await
        .body
        .contains("Archive this case"));
    // No reason; then Other without a justification: refused at the field, nothing changes.
    let none = worker.submit(&page, &page, &[("information", "")]).await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("Choose why the case is archived"));
    let other = cats::domain::enrolment::ArchiveReason::Other
        .value()
        .to_string();
    let unexplained = worker
        .submit(&page, &page, &[("reason", &other), ("information", " ")])
        .await;
    assert_eq!(unexplained.status, 422, "{}", unexplained.body);
    assert!(unexplained.body.contains("Explain the reason"));
    assert_eq!(status_of(&app).await, 0);
    // Someone in another team of the provider cannot see the case, so cannot archive it.
    let other_team = app.signed_in("worker2@provider-a.example").await;
    assert_eq!(other_team.get(&page).await.status, 403);
    // The owner archives it with a reason.
    let deceased = cats::domain::enrolment::ArchiveReason::Deceased
        .value()
        .to_string();
    worker
        .submit(&page, &page, &[("reason", &deceased), ("information", "")])
        .await
        .expect_status(303);
    assert_eq!(status_of(&app).await, 4, "Archived");
    let case = worker.get(&format!("/participants/{CASE}")).await;
    assert!(case.body.contains("Case archived"));
    assert!(case.body.contains("Unarchive this case"));
    // Unarchive needs further information, then restores Identified.
    let colleague = app.signed_in("colleague@provider-a.example").await;
    let back = format!("/participants/{CASE}/unarchive");
    let reason = cats::domain::enrolment::UnarchiveReason::ALL[0]
        .value()
        .to_string();
    let bare = colleague
        .submit(&back, &back, &[("reason", &reason), ("information", "")])
        .await;
    assert_eq!(bare.status, 422);
    assert_eq!(status_of(&app).await, 4);
    colleague
        .submit(
            &back,
            &back,
            &[
                ("reason", &reason),
                ("information", "Re-engaged with the hub"),
            ],
        )
        .await
        .expect_status(303);
    assert_eq!(status_of(&app).await, 0, "back to Identified");
    assert_eq!(
        app.sql_one(&format!(
            "SELECT COUNT(*) FROM enrolment_history WHERE participant_id = '{CASE}'"
        ))
        .await,
        3,
        "created, archived, unarchived"
    );
}

async fn a_case_in_qa_cannot_be_archived(app: TestApp) {
    let worker = submitted_case(&app).await;
    let page = format!("/participants/{CASE}/archive");
    let reason = cats::domain::enrolment::ArchiveReason::Deceased
        .value()
        .to_string();
    let refused = worker
        .submit(&page, &page, &[("reason", &reason), ("information", "")])
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused
        .body
        .contains("This cannot be done while the case is Submitted to Provider"));
    assert_eq!(status_of(&app).await, 1);
}
