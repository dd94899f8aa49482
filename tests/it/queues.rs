//! Enrolment QA over HTTP, on both databases: a submitted case passes provider QA, QA1 and
//! QA2 (or escalation) to approval; every return sends it back with its message; a reviewer
//! never decides their own QA1, an entry they have not taken, or a stale form; and "next" never
//! hands one entry to two reviewers on two instances.

use crate::enrolment::{submitted_case, CASE};
use crate::support::{on_both_databases, Backend, Client, Page, TestApp};

on_both_databases!(
    an_enrolment_passes_provider_qa_qa1_and_qa2_to_approval,
    every_return_sends_the_case_back_with_its_message_and_escalation_approves,
    a_qa2_reviewer_never_decides_their_own_qa1_entry,
    a_decision_on_an_entry_not_taken_or_on_a_stale_form_changes_nothing,
    internal_notes_are_never_shown_to_provider_users,
    an_accept_without_the_right_to_work_returns_the_case_to_provider_qa_with_consent_granted,
    comments_keep_the_entry_open_and_escalation_can_return_the_case,
);

/// The case's open entry in `queue`.
async fn open_entry(app: &TestApp, queue: &str) -> i64 {
    app.sql_one(&format!(
        "SELECT id FROM qa_entries WHERE participant_id = '{CASE}' AND queue = '{queue}' AND completed_at IS NULL"
    ))
    .await
}

async fn status_of(app: &TestApp) -> i64 {
    app.sql_one(&format!(
        "SELECT enrolment_status FROM participants WHERE id = '{CASE}'"
    ))
    .await
}

/// The hidden case version on a review page.
fn version_of(page: &Page) -> String {
    let marker = "name=\"version\" value=\"";
    let at = page.body.find(marker).expect("decision form") + marker.len();
    page.body[at..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Posts a decision from the review page as it stands now.
async fn decide(client: &Client, entry: i64, fields: &[(&str, &str)]) -> Page {
    let path = format!("/queues/entries/{entry}");
    let page = client.get(&path).await;
    page.expect_status(200);
    let version = version_of(&page);
    let token = page.csrf();
    let mut all = vec![
        ("csrf_token", token.as_str()),
        ("version", version.as_str()),
    ];
    all.extend_from_slice(fields);
    client.post(&path, &all).await
}

/// Takes a listed entry (provider QA, escalation).
async fn take(client: &Client, entry: i64) {
    let path = format!("/queues/entries/{entry}");
    client
        .submit(&path, &format!("{path}/take"), &[])
        .await
        .expect_status(303);
}

/// Provider QA takes the case's open entry and accepts it.
async fn pqa_accepts(app: &TestApp, pqa: &Client) {
    let entry = open_entry(app, "pqa").await;
    take(pqa, entry).await;
    decide(pqa, entry, &[("outcome", "accept")])
        .await
        .expect_status(303);
}

/// A QA officer reviews the next QA1 entry and accepts it.
async fn qa1_accepts(officer: &Client) {
    let qa1 = next(officer, "qa1").await.expect("QA1 entry");
    decide(officer, qa1, &[("outcome", "accept")])
        .await
        .expect_status(303);
}

/// "Review the next entry": the entry handed out.
async fn next(client: &Client, queue: &str) -> Option<i64> {
    let page = client
        .submit(
            &format!("/queues/{queue}"),
            &format!("/queues/{queue}/next"),
            &[],
        )
        .await;
    page.expect_status(303);
    let location = page.location.expect("redirect");
    location
        .strip_prefix("/queues/entries/")
        .map(|id| id.parse().expect("entry id"))
}

async fn an_enrolment_passes_provider_qa_qa1_and_qa2_to_approval(app: TestApp) {
    let worker = submitted_case(&app).await;
    // Provider QA: the entry is listed for the provider's QA user, who takes and accepts it.
    let pqa = app.signed_in("pqa@provider-a.example").await;
    let list = pqa.get("/queues/pqa").await;
    list.expect_status(200);
    assert!(list.body.contains(CASE), "the PQA queue lists the case");
    let entry = open_entry(&app, "pqa").await;
    // The QA manager's dashboard counts it waiting in provider QA, then being reviewed.
    let manager = app.signed_in("qa.manager@justice.gov.uk").await;
    let dashboard = manager.get("/queues").await;
    dashboard.expect_status(200);
    assert!(dashboard
        .body
        .contains("<span data-count=\"pqa-unclaimed\">1</span>"));
    take(&pqa, entry).await;
    assert!(manager
        .get("/queues")
        .await
        .body
        .contains("<span data-count=\"pqa-claimed\">1</span>"));
    assert!(pqa
        .get("/queues/pqa")
        .await
        .body
        .contains("Being reviewed by you"));
    decide(&pqa, entry, &[("outcome", "accept")])
        .await
        .expect_status(303);
    assert_eq!(status_of(&app).await, 2, "Submitted to Authority");
    // QA1: "next" hands the officer the entry; they accept it and it moves to QA2.
    let officer = app.signed_in("qa.officer@justice.gov.uk").await;
    let qa1 = next(&officer, "qa1").await.expect("a QA1 entry");
    assert_eq!(qa1, open_entry(&app, "qa1").await);
    decide(
        &officer,
        qa1,
        &[
            ("outcome", "accept"),
            ("message", "Consent and scores checked"),
        ],
    )
    .await
    .expect_status(303);
    assert_eq!(status_of(&app).await, 2, "QA1 leaves the status alone");
    // QA2: accepted with no feedback: approved, consent granted, the worker told.
    let support = app.signed_in("qa.support@justice.gov.uk").await;
    let qa2 = next(&support, "qa2").await.expect("a QA2 entry");
    decide(
        &support,
        qa2,
        &[("outcome", "accept"), ("feedback_type", "none")],
    )
    .await
    .expect_status(303);
    assert_eq!(status_of(&app).await, 3, "Approved");
    assert_eq!(
        app.sql_one(&format!("SELECT COUNT(*) FROM participants WHERE id = '{CASE}' AND consent_status = 'granted' AND date_of_first_consent IS NOT NULL")).await,
        1
    );
    assert_eq!(
        app.sql_one(&format!("SELECT COUNT(*) FROM qa_entries WHERE participant_id = '{CASE}' AND completed_at IS NULL")).await,
        0,
        "no queue holds the approved case"
    );
    // The approval raises the enrolment payment once, which Finance sees.
    let mut paid = 0;
    for _ in 0..100 {
        paid = app
            .sql_one(&format!("SELECT COUNT(*) FROM enrolment_payments WHERE participant_id = '{CASE}' AND eligible"))
            .await;
        if paid > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(paid, 1, "one eligible enrolment payment row");
    let finance = app.signed_in("finance@provider-a.example").await;
    let ledger = finance.get("/finance/payments").await;
    ledger.expect_status(200);
    assert!(
        ledger.body.contains(CASE),
        "the finance page lists the payment"
    );
    let bell = worker.get("/notifications").await;
    assert!(bell.body.contains("Enrolment approved"));
    assert!(bell.body.contains("Notifications, 1 unread"));
    let case = worker.get(&format!("/participants/{CASE}")).await;
    assert!(case.body.contains("Enrolment approved"));
    // Reading it clears the count.
    worker
        .submit("/notifications", "/notifications/read", &[])
        .await
        .expect_status(303);
    assert!(worker
        .get("/")
        .await
        .body
        .contains("Notifications, 0 unread"));
}

async fn every_return_sends_the_case_back_with_its_message_and_escalation_approves(app: TestApp) {
    let worker = submitted_case(&app).await;
    let pqa = app.signed_in("pqa@provider-a.example").await;
    let entry = open_entry(&app, "pqa").await;
    take(&pqa, entry).await;
    // A return without a message is refused at the field, and nothing changes.
    let refused = decide(&pqa, entry, &[("outcome", "return"), ("message", " ")]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("Explain why the case is returned"));
    assert_eq!(status_of(&app).await, 1);
    // With one, the case goes back to Enrolling and the owner is told why.
    decide(
        &pqa,
        entry,
        &[
            ("outcome", "return"),
            ("message", "Consent form is unsigned"),
        ],
    )
    .await
    .expect_status(303);
    assert_eq!(status_of(&app).await, 6, "Enrolling");
    let told = worker.get("/notifications").await;
    assert!(told.body.contains("Consent form is unsigned"));
    // Resubmitted, accepted by PQA, returned by QA1 (still goes to QA2), returned by QA2.
    worker
        .submit(
            &format!("/participants/{CASE}"),
            &format!("/participants/{CASE}/submit"),
            &[("justification", "Needs help with housing and money")],
        )
        .await
        .expect_status(303);
    pqa_accepts(&app, &pqa).await;
    let officer = app.signed_in("qa.officer@justice.gov.uk").await;
    let qa1 = next(&officer, "qa1").await.expect("QA1 entry");
    let no_message = decide(&officer, qa1, &[("outcome", "return")]).await;
    assert_eq!(no_message.status, 422);
    decide(
        &officer,
        qa1,
        &[("outcome", "return"), ("message", "Right to work unclear")],
    )
    .await
    .expect_status(303);
    let support = app.signed_in("qa.support@justice.gov.uk").await;
    let qa2 = next(&support, "qa2").await.expect("QA2 entry");
    let no_reason = decide(
        &support,
        qa2,
        &[("outcome", "return"), ("message", "Please fix")],
    )
    .await;
    assert_eq!(no_reason.status, 422);
    assert!(no_reason.body.contains("Choose why the case is returned"));
    decide(
        &support,
        qa2,
        &[
            ("outcome", "return"),
            ("return_reason", "Incorrect / Missing Paperwork"),
            ("message", "Upload the signed consent"),
        ],
    )
    .await
    .expect_status(303);
    assert_eq!(status_of(&app).await, 1, "back to Submitted to Provider");
    assert_eq!(
        app.sql_one(&format!("SELECT COUNT(*) FROM provider_feedback WHERE participant_id = '{CASE}' AND kind = 'returned' AND reason = 'Incorrect / Missing Paperwork'")).await,
        1
    );
    // The previous PQA reviewer hears of it.
    assert!(pqa
        .get("/notifications")
        .await
        .body
        .contains("Enrolment returned from CFO"));
    // Round again: PQA accept, QA1 accept, QA2 escalates, the QA manager approves.
    pqa_accepts(&app, &pqa).await;
    qa1_accepts(&officer).await;
    let qa2 = next(&support, "qa2").await.expect("QA2 entry");
    let bare = decide(&support, qa2, &[("outcome", "escalate")]).await;
    assert_eq!(bare.status, 422);
    decide(
        &support,
        qa2,
        &[("outcome", "escalate"), ("message", "Second opinion")],
    )
    .await
    .expect_status(303);
    let manager = app.signed_in("qa.manager@justice.gov.uk").await;
    let escalated = open_entry(&app, "escalation").await;
    take(&manager, escalated).await;
    decide(
        &manager,
        escalated,
        &[
            ("outcome", "accept"),
            ("feedback_type", "advisory"),
            ("message", "Keep consent forms legible"),
            ("qa1_feedback_reason", "Positive Recognition"),
            ("qa1_feedback_message", "Good catch"),
        ],
    )
    .await
    .expect_status(303);
    assert_eq!(status_of(&app).await, 3, "Approved");
    assert_eq!(
        app.sql_one(&format!("SELECT COUNT(*) FROM provider_feedback WHERE participant_id = '{CASE}' AND kind = 'advisory'")).await,
        1
    );
    // The QA manager's performance charts count the returns by reason; provider QA may not see them.
    let charts = manager.get("/queues/performance").await;
    charts.expect_status(200);
    assert!(charts.body.contains("Returns by reason"));
    assert!(
        charts
            .body
            .contains("<th scope=\"row\">Incorrect / Missing Paperwork</th><td>1</td>"),
        "{}",
        charts.body
    );
    assert!(charts
        .body
        .contains("<th scope=\"row\">No reason given</th><td>2</td>"));
    assert_eq!(pqa.get("/queues/performance").await.status, 403);
    let officer_id = app.user_id("qa.officer@justice.gov.uk").await;
    assert_eq!(
        app.sql_one(&format!("SELECT COUNT(*) FROM qa1_feedback WHERE recipient_id = {officer_id} AND reason = 'Positive Recognition'")).await,
        1
    );
}

async fn a_qa2_reviewer_never_decides_their_own_qa1_entry(app: TestApp) {
    submitted_case(&app).await;
    let pqa = app.signed_in("pqa@provider-a.example").await;
    let entry = open_entry(&app, "pqa").await;
    take(&pqa, entry).await;
    decide(&pqa, entry, &[("outcome", "accept")])
        .await
        .expect_status(303);
    // The QA support manager does QA1 ...
    let support = app.signed_in("qa.support@justice.gov.uk").await;
    let qa1 = next(&support, "qa1").await.expect("QA1 entry");
    decide(&support, qa1, &[("outcome", "accept")])
        .await
        .expect_status(303);
    // ... so "next" in QA2 has nothing for them.
    assert_eq!(next(&support, "qa2").await, None);
    let empty = support.get("/queues/qa2?notice=empty").await;
    assert!(empty.body.contains("no entry waiting that you may review"));
    // Even holding the entry (claimed behind the rules' back), the decision is refused.
    let qa2 = open_entry(&app, "qa2").await;
    let support_id = app.user_id("qa.support@justice.gov.uk").await;
    app.sql(&format!(
        "UPDATE qa_entries SET claimed_by = {support_id} WHERE id = {qa2}"
    ))
    .await;
    let path = format!("/queues/entries/{qa2}");
    let token = support.get("/queues/qa2").await.csrf();
    let version = app
        .sql_one(&format!(
            "SELECT version FROM participants WHERE id = '{CASE}'"
        ))
        .await
        .to_string();
    let refused = support
        .post(
            &path,
            &[
                ("csrf_token", &token),
                ("version", &version),
                ("outcome", "accept"),
                ("feedback_type", "none"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("someone else must do QA2"));
    assert_eq!(status_of(&app).await, 2, "still Submitted to Authority");
    assert_eq!(
        open_entry(&app, "qa2").await,
        qa2,
        "the entry is still open"
    );
}

async fn a_decision_on_an_entry_not_taken_or_on_a_stale_form_changes_nothing(app: TestApp) {
    let worker = submitted_case(&app).await;
    let pqa = app.signed_in("pqa@provider-a.example").await;
    let entry = open_entry(&app, "pqa").await;
    let path = format!("/queues/entries/{entry}");
    // Not taken: the page offers to take it, and a posted decision is refused.
    let page = pqa.get(&path).await;
    assert!(page.body.contains("Review this entry"));
    let version = app
        .sql_one(&format!(
            "SELECT version FROM participants WHERE id = '{CASE}'"
        ))
        .await
        .to_string();
    let refused = pqa
        .post(
            &path,
            &[
                ("csrf_token", &page.csrf()),
                ("version", &version),
                ("outcome", "accept"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused
        .body
        .contains("Take this entry before you decide it"));
    assert_eq!(status_of(&app).await, 1);
    // Taken, but the case changed since the form was loaded: look again first.
    take(&pqa, entry).await;
    let form = pqa.get(&path).await;
    let stale_version = version_of(&form);
    worker
        .submit(
            &format!("/participants/{CASE}"),
            &format!("/participants/{CASE}/details"),
            &[("notes", "Moved wing"), ("base_notes", "")],
        )
        .await;
    let stale = pqa
        .post(
            &path,
            &[
                ("csrf_token", &form.csrf()),
                ("version", &stale_version),
                ("outcome", "accept"),
            ],
        )
        .await;
    assert_eq!(stale.status, 422, "{}", stale.body);
    assert!(stale
        .body
        .contains("The case changed while you were reviewing it"));
    assert_eq!(status_of(&app).await, 1);
    // The worker may not review their own case; another provider's QA may not see the entry.
    let own = worker.get(&path).await;
    assert_eq!(own.status, 403, "a support worker has no PQA permission");
    let other = app.signed_in("pqa@provider-b.example").await;
    assert_eq!(other.get(&path).await.status, 404);
    assert!(!other.get("/queues/pqa").await.body.contains(CASE));
}

async fn internal_notes_are_never_shown_to_provider_users(app: TestApp) {
    submitted_case(&app).await;
    let pqa = app.signed_in("pqa@provider-a.example").await;
    let entry = open_entry(&app, "pqa").await;
    take(&pqa, entry).await;
    decide(
        &pqa,
        entry,
        &[("outcome", "accept"), ("message", "Provider checked")],
    )
    .await
    .expect_status(303);
    let officer = app.signed_in("qa.officer@justice.gov.uk").await;
    let qa1 = next(&officer, "qa1").await.expect("QA1 entry");
    decide(
        &officer,
        qa1,
        &[
            ("outcome", "accept"),
            ("message", "Internal remark about the provider"),
            ("internal", "yes"),
        ],
    )
    .await
    .expect_status(303);
    let support = app.signed_in("qa.support@justice.gov.uk").await;
    let qa2 = next(&support, "qa2").await.expect("QA2 entry");
    let internal_view = support.get(&format!("/queues/entries/{qa2}")).await;
    assert!(internal_view
        .body
        .contains("Internal remark about the provider"));
    assert!(internal_view.body.contains("Provider checked"));
    // Returned to the provider: the PQA user reviews it again and sees only external notes.
    decide(
        &support,
        qa2,
        &[
            ("outcome", "return"),
            ("return_reason", "Other"),
            ("message", "See the notes"),
        ],
    )
    .await
    .expect_status(303);
    let again = open_entry(&app, "pqa").await;
    let provider_view = pqa.get(&format!("/queues/entries/{again}")).await;
    provider_view.expect_status(200);
    assert!(provider_view.body.contains("Provider checked"));
    assert!(provider_view.body.contains("See the notes"));
    assert!(!provider_view
        .body
        .contains("Internal remark about the provider"));
}

async fn an_accept_without_the_right_to_work_returns_the_case_to_provider_qa_with_consent_granted(
    app: TestApp,
) {
    submitted_case(&app).await;
    let pqa = app.signed_in("pqa@provider-a.example").await;
    let entry = open_entry(&app, "pqa").await;
    pqa_accepts(&app, &pqa).await;
    qa1_accepts(&app.signed_in("qa.officer@justice.gov.uk").await).await;
    // The feed now says the participant is not of an exempt nationality, and no right-to-work
    // evidence is on file.
    app.sql(&format!(
        "UPDATE participants SET nationality = 'French' WHERE id = '{CASE}'"
    ))
    .await;
    let support = app.signed_in("qa.support@justice.gov.uk").await;
    let qa2 = next(&support, "qa2").await.expect("QA2 entry");
    decide(
        &support,
        qa2,
        &[("outcome", "accept"), ("feedback_type", "none")],
    )
    .await
    .expect_status(303);
    assert_eq!(status_of(&app).await, 1, "back to Submitted to Provider");
    assert!(
        open_entry(&app, "pqa").await > entry,
        "a new provider QA entry"
    );
    assert_eq!(
        app.sql_one(&format!("SELECT COUNT(*) FROM participants WHERE id = '{CASE}' AND consent_status = 'granted' AND date_of_first_consent IS NOT NULL")).await,
        1,
        "consent is granted even so"
    );
    assert_eq!(
        app.sql_one(&format!(
            "SELECT COUNT(*) FROM enrolment_history WHERE participant_id = '{CASE}' AND status = 3"
        ))
        .await,
        0,
        "never approved"
    );
}

async fn comments_keep_the_entry_open_and_escalation_can_return_the_case(app: TestApp) {
    submitted_case(&app).await;
    let pqa = app.signed_in("pqa@provider-a.example").await;
    let entry = open_entry(&app, "pqa").await;
    take(&pqa, entry).await;
    // A provider QA comment needs a message, and leaves the entry open with the reviewer.
    assert_eq!(
        decide(&pqa, entry, &[("outcome", "comment")]).await.status,
        422
    );
    decide(
        &pqa,
        entry,
        &[
            ("outcome", "comment"),
            ("message", "Checking the consent date"),
        ],
    )
    .await
    .expect_status(303);
    assert_eq!(open_entry(&app, "pqa").await, entry, "still open");
    assert!(pqa
        .get(&format!("/queues/entries/{entry}"))
        .await
        .body
        .contains("Checking the consent date"));
    assert_eq!(status_of(&app).await, 1);
    decide(&pqa, entry, &[("outcome", "accept")])
        .await
        .expect_status(303);
    qa1_accepts(&app.signed_in("qa.officer@justice.gov.uk").await).await;
    let support = app.signed_in("qa.support@justice.gov.uk").await;
    let qa2 = next(&support, "qa2").await.expect("QA2 entry");
    decide(
        &support,
        qa2,
        &[("outcome", "escalate"), ("message", "Unsure of the scores")],
    )
    .await
    .expect_status(303);
    // Escalation: an internal comment keeps it open; a return needs a reason and a message.
    let manager = app.signed_in("qa.manager@justice.gov.uk").await;
    let escalated = open_entry(&app, "escalation").await;
    take(&manager, escalated).await;
    decide(
        &manager,
        escalated,
        &[("outcome", "comment"), ("message", "Asked the provider")],
    )
    .await
    .expect_status(303);
    assert_eq!(open_entry(&app, "escalation").await, escalated);
    let bare = decide(
        &manager,
        escalated,
        &[("outcome", "return"), ("message", "Fix it")],
    )
    .await;
    assert_eq!(bare.status, 422);
    decide(
        &manager,
        escalated,
        &[
            ("outcome", "return"),
            ("return_reason", "Information incomplete"),
            ("message", "Scores do not match the notes"),
        ],
    )
    .await
    .expect_status(303);
    assert_eq!(status_of(&app).await, 1, "back to Submitted to Provider");
    assert!(
        open_entry(&app, "pqa").await > entry,
        "a new provider QA entry"
    );
    // The escalation comment was internal: provider QA never sees it.
    let again = open_entry(&app, "pqa").await;
    let provider_view = pqa.get(&format!("/queues/entries/{again}")).await;
    assert!(provider_view.body.contains("Scores do not match the notes"));
    assert!(!provider_view.body.contains("Asked the provider"));
    assert!(!provider_view.body.contains("Unsure of the scores"));
}

/// 100 reviewers on two instances ask for "next" at once: each entry goes to one of them.
#[tokio::test]
async fn grab_next_never_gives_one_entry_to_two_reviewers() {
    let Some(apps) = TestApp::spawn_cluster(Backend::Postgres, 2, &[]).await else {
        return;
    };
    const ENTRIES: usize = 40;
    const REVIEWERS: usize = 100;
    cats::seed::scale::load(&apps[0].store, ENTRIES as u32)
        .await
        .expect("participants");
    apps[0]
        .sql(&format!(
            "INSERT INTO qa_entries (participant_id, queue, tenant_id, support_worker_id, submitted_at, created_by, created_at)
             SELECT id, 'qa1', owner_tenant_id, owner_id, now(), owner_id, now()
             FROM participants WHERE owner_id IS NOT NULL ORDER BY id LIMIT {ENTRIES}"
        ))
        .await;
    let available = apps[0]
        .sql_one("SELECT COUNT(*) FROM qa_entries WHERE queue = 'qa1'")
        .await as usize;
    assert!(available >= ENTRIES / 2, "seeded entries: {available}");
    let mut reviewers = Vec::new();
    let mut tx = apps[0].store.begin().await.expect("tx");
    let now = time::OffsetDateTime::now_utc();
    for n in 0..REVIEWERS {
        let email = format!("reviewer{n}@justice.gov.uk");
        let id = cats::store::users::insert(
            &mut tx,
            &cats::store::users::NewUser {
                email: &email,
                display_name: &format!("Reviewer {n}"),
                tenant_id: "1.1.",
                status: cats::domain::user::UserStatus::Active,
                password_hash: "not-used",
                must_change_password: false,
            },
            now,
        )
        .await
        .expect("user");
        reviewers.push(cats::accounts::Principal {
            user_id: id,
            email,
            display_name: format!("Reviewer {n}"),
            tenant: cats::domain::tenant::TenantId::parse("1.1.").expect("tenant"),
            tenant_name: "CFO Evolution".into(),
            roles: cats::domain::role::Roles::new([cats::domain::role::Role::QaOfficer]),
            session_id: String::new(),
            csrf_token: String::new(),
            must_change_password: false,
        });
    }
    tx.commit().await.expect("commit");
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(REVIEWERS));
    let mut tasks = Vec::new();
    for (n, reviewer) in reviewers.into_iter().enumerate() {
        let store = apps[n % 2].store.clone();
        let barrier = barrier.clone();
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let taken =
                cats::cases::review::take_next(&store, &reviewer, cats::domain::qa::Queue::Qa1)
                    .await
                    .expect("next");
            (reviewer.user_id, taken)
        }));
    }
    let mut given = std::collections::HashMap::new();
    for task in tasks {
        let (reviewer, taken) = task.await.expect("task");
        if let Some(entry) = taken {
            assert!(
                given.insert(entry, reviewer).is_none(),
                "entry {entry} was given to two reviewers"
            );
        }
    }
    assert_eq!(given.len(), available, "every entry was handed out, once");
    for (entry, reviewer) in given {
        let holder = apps[1]
            .sql_one(&format!(
                "SELECT claimed_by FROM qa_entries WHERE id = {entry}"
            ))
            .await;
        assert_eq!(holder, reviewer);
    }
}

/// The embedded default's first start makes demo cases at every stage, through the real
/// commands: something waiting in every queue, one taken, and one approved.
#[tokio::test]
async fn the_first_embedded_start_has_cases_waiting_in_every_queue() {
    let Some(database) = crate::support::TestDatabase::create(Backend::Sqlite, "demo cases").await
    else {
        return;
    };
    let settings = crate::support::test_settings(
        &database.url,
        &[(
            "demo_data_on_first_start",
            crate::support::toml_value::Value::Bool(true),
        )],
    );
    let app = cats::startup::Application::build(settings)
        .await
        .expect("first start");
    let cats::store::Pool::Sqlite(pool) = app.store().pool() else {
        panic!("the embedded default is SQLite");
    };
    let count = |sql: String| async move {
        let n: i64 = sqlx::query_scalar(&sql)
            .fetch_one(pool)
            .await
            .expect("count");
        n
    };
    assert_eq!(count("SELECT COUNT(*) FROM participants".into()).await, 19);
    for (queue, open) in [("pqa", 3), ("qa1", 2), ("qa2", 2), ("escalation", 1)] {
        let sql = format!(
            "SELECT COUNT(*) FROM qa_entries WHERE queue = '{queue}' AND completed_at IS NULL"
        );
        assert_eq!(count(sql).await, open, "open {queue} entries");
    }
    // (what the demo data must hold, how many, the query that counts it)
    let expected = [
        ("one QA1 entry being reviewed", 1, "SELECT COUNT(*) FROM qa_entries WHERE queue = 'qa1' AND completed_at IS NULL AND claimed_by IS NOT NULL"),
        ("one case at provider QA deactivated in the feed over 30 days ago", 1, "SELECT COUNT(*) FROM qa_entries q JOIN participants p ON p.id = q.participant_id WHERE q.queue = 'pqa' AND q.completed_at IS NULL AND p.deactivated_in_feed < date('now', '-30 days')"),
        ("one case at QA2 needing right-to-work evidence, with none", 1, "SELECT COUNT(*) FROM qa_entries q JOIN participants p ON p.id = q.participant_id WHERE q.queue = 'qa2' AND q.completed_at IS NULL AND p.nationality NOT IN ('British', 'Irish') AND NOT EXISTS (SELECT 1 FROM right_to_work r WHERE r.participant_id = p.id)"),
        ("one approved case", 1, "SELECT COUNT(*) FROM participants WHERE enrolment_status = 3"),
        ("two ready to submit and one ineligible", 3, "SELECT COUNT(*) FROM participants WHERE enrolment_status = 6"),
        ("the ineligible case has no red pathway", 1, "SELECT COUNT(*) FROM participants p WHERE enrolment_status = 6 AND NOT EXISTS (SELECT 1 FROM assessment_scores s JOIN assessments a ON a.id = s.assessment_id WHERE a.participant_id = p.id AND s.score < 10)"),
        ("one archived case", 1, "SELECT COUNT(*) FROM participants WHERE enrolment_status = 4"),
        ("one dormant case", 1, "SELECT COUNT(*) FROM participants WHERE enrolment_status = 5"),
        ("the archived case keeps its history", 2, "SELECT COUNT(*) FROM enrolment_history h JOIN participants p ON p.id = h.participant_id WHERE p.enrolment_status = 4"),
        ("one unowned case to take, and the one that moved in", 2, "SELECT COUNT(*) FROM participants WHERE owner_id IS NULL"),
        ("a case moved into provider A's contract waits there for an owner", 1, "SELECT COUNT(DISTINCT t.id) FROM incoming_transfers t JOIN location_tenants lt ON lt.location_id = t.to_location_id WHERE t.completed_at IS NULL AND lt.tenant_id LIKE '1.1.1.%'"),
        ("provider B sees it left", 1, "SELECT COUNT(*) FROM outgoing_transfers WHERE previous_tenant_id LIKE '1.1.2.%' AND NOT replaced"),
        ("an active PRI with its expected release date, released to its location and owned by its community worker", 1, "SELECT COUNT(*) FROM pris r JOIN participants p ON p.id = r.participant_id WHERE r.status = 'accepted' AND r.expected_release_date >= date('now') AND p.current_location_id = r.release_location_id AND p.owner_id = r.assigned_to AND p.owner_id <> r.created_by"),
        ("its location history shows the prison, then the release location", 1, "SELECT COUNT(*) FROM pris r JOIN participant_locations l ON l.participant_id = r.participant_id WHERE l.previous_id = r.custody_location_id AND l.location_id = r.release_location_id"),
        ("a live PRI code waits for a custody worker", 1, "SELECT COUNT(*) FROM pri_codes c WHERE NOT EXISTS (SELECT 1 FROM pris r WHERE r.participant_id = c.participant_id)"),
    ];
    for (what, n, sql) in expected {
        assert_eq!(count(sql.into()).await, n, "{what}");
    }
}
