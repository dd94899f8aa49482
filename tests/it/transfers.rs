//! Transfers, on both databases, driven by moves in a fake offender-data service: a move into
//! another contract raises an incoming entry there and an outgoing one for the contract left;
//! the destination's staff process it by choosing the owner; an open entry blocks taking,
//! reassigning and archiving the case; only an archived case's entry can be dismissed, by
//! Senior Internal; nobody outside the destination can act on it.

use crate::feed_refresh::{count, put, scenario, start};
use crate::socket::Socket;
use crate::support::{Client, TestApp};
use cats::external::fake::FakeDms;

with_fake!(
    a_move_to_another_contract_waits_there_for_an_owner_and_is_processed_once(false),
    an_open_transfer_blocks_archiving_and_only_an_archived_cases_can_be_dismissed(false),
);

const CASE: &str = "1CATS0001";

/// Moves the case to the prison with this code in the feed, and has QA sync it now.
async fn move_to(app: &TestApp, fake: &FakeDms, prison: &str) {
    let mut record = scenario(CASE);
    record.prison_code = Some(prison.to_owned());
    put(fake, &record).await;
    let qa = app.signed_in("qa.officer@justice.gov.uk").await;
    let sync = format!("/participants/{CASE}/sync");
    qa.submit(&sync, &sync, &[]).await.expect_status(303);
}

async fn open_incoming(app: &TestApp) -> i64 {
    count(
        app,
        &format!("SELECT COALESCE(MAX(id), 0) FROM incoming_transfers WHERE participant_id = '{CASE}' AND completed_at IS NULL"),
    )
    .await
}

async fn owner(app: &TestApp) -> i64 {
    count(
        app,
        &format!("SELECT COALESCE(owner_id, 0) FROM participants WHERE id = '{CASE}'"),
    )
    .await
}

async fn process(client: &Client, transfer: i64, assignee: &str) -> crate::support::Page {
    let page = format!("/transfers/{transfer}");
    client
        .submit(&page, &format!("{page}/process"), &[("assignee", assignee)])
        .await
}

async fn a_move_to_another_contract_waits_there_for_an_owner_and_is_processed_once(
    app: TestApp,
    fake: FakeDms,
) {
    let alex = app.user_id("worker@provider-a.example").await;
    let sam = app.user_id("worker@provider-b.example").await;
    app.worker_with_case().await;
    // Holme House (location 15) is provider B's contract.
    move_to(&app, &fake, "HHI").await;
    let transfer = open_incoming(&app).await;
    assert!(transfer > 0, "an incoming entry waits at Holme House");
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM incoming_transfers WHERE id = {transfer} AND to_location_id = 15 AND from_contract_id IS NOT NULL AND to_contract_id IS NOT NULL AND from_contract_id <> to_contract_id AND transfer_type = 3")).await,
        1,
        "custody to custody, between two contracts"
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM outgoing_transfers o JOIN users u ON u.id = o.previous_owner_id WHERE o.participant_id = '{CASE}' AND o.previous_owner_id = {alex} AND o.previous_tenant_id = u.tenant_id AND NOT o.replaced")).await,
        1,
        "the contract left gets an outgoing entry naming the previous owner"
    );

    // Who sees what: B's provider QA sees it coming in; A's sees it going out; a support
    // worker has no transfers page at all.
    let pqa_b = app.signed_in("pqa@provider-b.example").await;
    let pqa_a = app.signed_in("pqa@provider-a.example").await;
    let list_b = pqa_b.get("/transfers").await;
    list_b.expect_status(200);
    assert!(list_b.body.contains(&format!("/transfers/{transfer}")));
    let list_a = pqa_a.get("/transfers").await;
    assert!(!list_a.body.contains(&format!("/transfers/{transfer}")));
    assert!(
        list_a.body.contains(CASE),
        "A sees the case left: {}",
        list_a.body
    );
    let worker_b = app.signed_in("worker@provider-b.example").await;
    worker_b.get("/transfers").await.expect_status(403);
    pqa_a
        .get(&format!("/transfers/{transfer}"))
        .await
        .expect_status(403);

    // While it waits, nobody can take the (now unowned) case.
    assert_eq!(owner(&app).await, 0, "A's worker cannot see Holme House");
    let take = format!("/participants/{CASE}/take");
    let owner_page = format!("/participants/{CASE}/owner");
    assert!(pqa_b
        .get(&owner_page)
        .await
        .body
        .contains(&format!("href=\"/transfers/{transfer}\"")));
    let refused = pqa_b.submit(&owner_page, &take, &[]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("process the transfer"));
    assert_eq!(owner(&app).await, 0);

    // Bad choices are refused at the field and change nothing.
    let none = process(&pqa_b, transfer, "").await;
    assert_eq!(none.status, 422);
    assert!(none.body.contains("Choose who the case goes to"));
    let outsider = process(&pqa_b, transfer, &alex.to_string()).await;
    assert_eq!(outsider.status, 422);
    assert!(outsider.body.contains("not in your organisation"));
    assert_eq!(open_incoming(&app).await, transfer);

    // The form offers B's worker; processing gives them the case and closes the entry.
    // Whoever has a transfers page open is told to fetch it again when it is processed.
    let cookie = app.session_cookie("pqa@provider-a.example").await;
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    socket.subscribe("transfers").await;
    let form = pqa_b.get(&format!("/transfers/{transfer}")).await;
    assert!(
        form.body.contains(&format!("value=\"{sam}\"")),
        "{}",
        form.body
    );
    process(&pqa_b, transfer, &sam.to_string())
        .await
        .expect_status(303);
    assert_eq!(owner(&app).await, sam);
    assert_eq!(open_incoming(&app).await, 0);
    let event = socket.next_of("event").await;
    let refetch = event["body"]["refetch"].to_string();
    assert!(refetch.contains("transfers-incoming"), "{event}");
    let pqa_b_id = app.user_id("pqa@provider-b.example").await;
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM incoming_transfers WHERE id = {transfer} AND completed_by = {pqa_b_id} AND NOT dismissed")).await,
        1
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM timeline WHERE participant_id = '{CASE}' AND line1 = 'Incoming transfer processed'")).await,
        1
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM notifications WHERE user_id = {sam} AND heading = 'Participant assigned'")).await,
        1,
        "the new owner is told"
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM ownership_history WHERE participant_id = '{CASE}' AND owner_id = {sam} AND ended_at IS NULL")).await,
        1
    );
    // A second go (a stale form) is told it was dealt with.
    let again = process(&pqa_b, transfer, &sam.to_string()).await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("already been dealt with"));

    // Back to Risley: B gets an outgoing entry, A's old one is replaced, A gets an incoming one.
    move_to(&app, &fake, "RSI").await;
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM outgoing_transfers WHERE participant_id = '{CASE}' AND previous_owner_id = {alex} AND replaced")).await,
        1,
        "the case came back to the contract that entry was for"
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM outgoing_transfers WHERE participant_id = '{CASE}' AND previous_owner_id = {sam} AND NOT replaced")).await,
        1
    );
    assert!(open_incoming(&app).await > transfer);
}

async fn an_open_transfer_blocks_archiving_and_only_an_archived_cases_can_be_dismissed(
    app: TestApp,
    fake: FakeDms,
) {
    let worker = app.worker_with_case().await;
    let alex = app.user_id("worker@provider-a.example").await;
    // Forest Bank is in the same contract: the owner keeps the case, but the move still
    // waits for someone there to confirm who owns it.
    move_to(&app, &fake, "FBI").await;
    let transfer = open_incoming(&app).await;
    assert!(transfer > 0);
    assert_eq!(owner(&app).await, alex);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM outgoing_transfers WHERE participant_id = '{CASE}'")
        )
        .await,
        0,
        "no contract was left"
    );
    let archive = format!("/participants/{CASE}/archive");
    let deceased = cats::domain::enrolment::ArchiveReason::Deceased
        .value()
        .to_string();
    let blocked = worker
        .submit(
            &archive,
            &archive,
            &[("reason", &deceased), ("information", "")],
        )
        .await;
    assert_eq!(blocked.status, 422, "{}", blocked.body);
    assert!(blocked
        .body
        .contains("Process the open incoming transfer first"));
    let reassign = app.signed_in("pqa@provider-a.example").await;
    let kim = app.user_id("colleague@provider-a.example").await;
    let owner_page = format!("/participants/{CASE}/owner");
    let refused = reassign
        .submit(&owner_page, &owner_page, &[("assignee", &kim.to_string())])
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("process the transfer"));
    assert_eq!(owner(&app).await, alex);

    // A live case's transfer cannot be dismissed, even by Senior Internal.
    let manager = app.signed_in("qa.manager@justice.gov.uk").await;
    let page = format!("/transfers/{transfer}");
    let dismiss = format!("{page}/dismiss");
    let live = manager.submit(&page, &dismiss, &[]).await;
    assert_eq!(live.status, 422);
    assert!(live.body.contains("Only an archived case"));

    // Keeping the owner processes it; then the case can be archived.
    process(&reassign, transfer, &alex.to_string())
        .await
        .expect_status(303);
    assert_eq!(owner(&app).await, alex);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM ownership_history WHERE participant_id = '{CASE}'")
        )
        .await,
        1,
        "the owner did not change, so neither did the history"
    );
    worker
        .submit(
            &archive,
            &archive,
            &[("reason", &deceased), ("information", "")],
        )
        .await
        .expect_status(303);

    // An archived case that moves: its transfer can be dismissed, by Senior Internal only.
    move_to(&app, &fake, "RSI").await;
    let transfer = open_incoming(&app).await;
    assert!(transfer > 0);
    let page = format!("/transfers/{transfer}");
    let dismiss = format!("{page}/dismiss");
    assert!(manager
        .get(&page)
        .await
        .body
        .contains("Dismiss the transfer"));
    assert!(!reassign
        .get(&page)
        .await
        .body
        .contains("Dismiss the transfer"));
    let token = reassign.get(&page).await.csrf();
    reassign
        .post(&dismiss, &[("csrf_token", token.as_str())])
        .await
        .expect_status(403);
    assert_eq!(open_incoming(&app).await, transfer);
    manager
        .submit(&page, &dismiss, &[])
        .await
        .expect_status(303);
    assert_eq!(open_incoming(&app).await, 0);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM incoming_transfers WHERE id = {transfer} AND dismissed")
        )
        .await,
        1
    );
}
