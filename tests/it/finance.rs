//! The Finance payments page and its CSV export over HTTP, on both databases: only users
//! with the Finance permission (System Support has every permission) get them, each sees
//! the rows of their tenant scope, filters and the export agree, and the live count topic is
//! gated the same way.

use crate::payments::{approval_event, case, wait_until_handled, WING};
use crate::support::{on_both_databases, TestApp};
use cats::live::topics::FINANCE_TOPIC;
use cats_actors::{Gate, Member};

on_both_databases!(
    only_finance_users_get_the_payments_page_and_each_sees_their_tenant_scope,
    filters_and_the_csv_export_list_the_same_rows,
    a_committed_batch_tells_finance_pages_and_only_finance_users_may_listen,
);

/// HMP Durham: a Feeder of contract con_24037 (provider B).
const DURHAM: i64 = 17;

/// A paid case of provider A, one of provider B, and provider A's case approved twice.
async fn ledger(app: &TestApp) {
    case(
        &app.store,
        "1FINA0001",
        "worker@provider-a.example",
        WING,
        true,
    )
    .await;
    case(
        &app.store,
        "1FINB0001",
        "worker@provider-b.example",
        DURHAM,
        true,
    )
    .await;
    approval_event(&app.store, "1FINA0001").await;
    approval_event(&app.store, "1FINB0001").await;
    // The server's own payments workflow raises the rows.
    wait_until_handled(&app.store).await;
    approval_event(&app.store, "1FINA0001").await;
    wait_until_handled(&app.store).await;
}

async fn only_finance_users_get_the_payments_page_and_each_sees_their_tenant_scope(app: TestApp) {
    ledger(&app).await;
    // Provider A's Finance user: provider A's rows only.
    let finance = app.signed_in("finance@provider-a.example").await;
    let page = finance.get("/finance/payments").await;
    page.expect_status(200);
    assert!(page.body.contains("1FINA0001"));
    assert!(
        !page.body.contains("1FINB0001"),
        "provider B's row is out of scope"
    );
    assert!(page.body.contains("2 rows"), "both of provider A's rows");
    assert!(finance
        .get("/")
        .await
        .body
        .contains("href=\"/finance/payments\""));
    // System Support holds every permission and sees everything from the root tenant; so
    // does the CFO QA Manager, whose role grants Finance.
    for email in ["admin@justice.gov.uk", "qa.manager@justice.gov.uk"] {
        let page = app.signed_in(email).await.get("/finance/payments").await;
        page.expect_status(200);
        assert!(
            page.body.contains("1FINA0001") && page.body.contains("1FINB0001"),
            "{email}"
        );
    }
    // No Finance permission: refused on the server, page and export alike. Provider QA
    // ("QA + Finance") is named for finance but holds no Finance permission.
    for email in [
        "worker@provider-a.example",
        "pqa@provider-a.example",
        "cso@justice.gov.uk",
    ] {
        let client = app.signed_in(email).await;
        client.get("/finance/payments").await.expect_status(403);
        client.get("/finance/payments.csv").await.expect_status(403);
        assert!(
            !client.get("/").await.body.contains("/finance/payments"),
            "{email} is not offered the page"
        );
    }
}

async fn filters_and_the_csv_export_list_the_same_rows(app: TestApp) {
    ledger(&app).await;
    let admin = app.signed_in("admin@justice.gov.uk").await;
    let csv = admin.get("/finance/payments.csv").await;
    csv.expect_status(200);
    let mut reader = csv::Reader::from_reader(csv.body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header[0], "Approved");
    assert_eq!(header[10], "Eligible");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(rows.len(), 3);
    let a_rows: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[1] == "1FINA0001").collect();
    assert_eq!(a_rows.len(), 2);
    // Newest first: the second approval of the same case is already paid.
    assert_eq!((&a_rows[0][10], &a_rows[0][11]), ("No", "Already paid"));
    assert_eq!((&a_rows[1][10], &a_rows[1][11]), ("Yes", ""));
    let first = a_rows[1];
    assert_eq!(&first[0], "2026-11-20");
    assert_eq!(&first[2], "con_24036");
    assert_eq!(&first[4], "HMP Risley");
    assert_eq!(&first[5], "Wing");
    assert_eq!(&first[6], "Custody");
    assert_eq!(&first[7], "1.1.1.1.1.");
    assert_eq!(&first[8], "Alex Worker");
    assert_eq!(&first[9], "2026-11-01");
    // Filters narrow the page and the export alike.
    let eligible = admin
        .get("/finance/payments.csv?eligibility=eligible&contract=con_24036")
        .await;
    let lines: Vec<&str> = eligible.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", eligible.body);
    assert!(lines[1].contains("1FINA0001") && lines[1].contains(",Yes,"));
    let page = admin.get("/finance/payments?eligibility=ineligible").await;
    assert!(page.body.contains("1 row"));
    assert!(page.body.contains("Already paid"));
    assert!(
        page.body.contains("eligibility=ineligible"),
        "the export link keeps the filter"
    );
    let later = admin.get("/finance/payments.csv?from=2026-11-21").await;
    assert_eq!(later.body.lines().count(), 1, "only the header");
    let within = admin
        .get("/finance/payments?from=2026-11-20&to=2026-11-20&contract=con_24037")
        .await;
    assert!(within.body.contains("1FINB0001") && !within.body.contains("1FINA0001"));
    // A date that is not one is shown at its field, and nothing is listed.
    let wrong = admin.get("/finance/payments?from=2026-13-01").await;
    wrong.expect_status(422);
    assert!(wrong.body.contains("There is a problem"));
    assert!(wrong.body.contains("from-error"));
    assert!(!wrong.body.contains("1FINA0001"));
    let backwards = admin
        .get("/finance/payments?from=2026-11-20&to=2026-11-01")
        .await;
    backwards.expect_status(422);
    assert!(backwards.body.contains("to-error"));
}

async fn a_committed_batch_tells_finance_pages_and_only_finance_users_may_listen(app: TestApp) {
    let finance = app.signed_in("finance@provider-a.example").await;
    let before = finance.get("/finance/payments").await;
    assert!(before
        .body
        .contains("0</strong> enrolment payment rows raised today"));
    assert!(
        before.body.contains(FINANCE_TOPIC),
        "the page listens on the topic"
    );
    ledger(&app).await;
    let events = app
        .sql_one(&format!(
            "SELECT COUNT(*) FROM outbox WHERE topic = '{FINANCE_TOPIC}'"
        ))
        .await;
    assert!(events >= 1, "each batch that raised rows publishes");
    let after = finance.get("/finance/payments").await;
    assert!(after
        .body
        .contains("2</strong> enrolment payment rows raised today"));
    let gate = cats::live::gate::CatsGate {
        store: app.store.clone(),
        policy: cats::accounts::sessions::SessionPolicy {
            idle_timeout: time::Duration::minutes(30),
            auto_unlock_after: None,
        },
    };
    for (email, tenant, allowed) in [
        ("finance@provider-a.example", "1.1.1.1.", true),
        ("admin@justice.gov.uk", "1.", true),
        ("worker@provider-a.example", "1.1.1.1.1.", false),
    ] {
        let member = Member {
            user: app.user_id(email).await.to_string(),
            name: email.to_owned(),
            session: String::new(),
            group: tenant.to_owned(),
            internal: email.ends_with("@justice.gov.uk"),
        };
        assert_eq!(
            gate.may_join(&member, FINANCE_TOPIC).await,
            allowed,
            "{email}"
        );
    }
}
