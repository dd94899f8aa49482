//! The external-data refresh, on both databases, against a fake offender-data service the test
//! changes: a feed change reaches the case and its timeline, auto-archive, a run interrupted
//! half way resumes from its cursor, two holders do each case once, a service error is counted
//! and the run carries on, and who may start a refresh.

use crate::socket::Socket;
use crate::support::{toml_value::Value as Setting, Backend, TestApp};
use cats::external::client::DmsSettings;
use cats::external::fake::FakeDms;
use cats::external::fake_data::{generated, scenarios};
use cats::external::{DmsClient, OffenderRecord};
use cats::store::feed_refresh as rows;
use cats::workflows::feed_refresh::{refresh_case, FeedRefresh, TOPIC};
use std::sync::Arc;
use std::time::Duration;

/// One test per backend (also used by the transfer tests): `async fn name(app: TestApp, fake: FakeDms)`, the app using the fake;
/// with `jobs` false the app runs no refresh of its own (the test drives it).
macro_rules! with_fake {
    ($($name:ident($jobs:expr)),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some((app, fake)) = super::start(crate::support::Backend::Sqlite, $jobs).await {
                        super::$name(app, fake).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some((app, fake)) = super::start(crate::support::Backend::Postgres, $jobs).await {
                        super::$name(app, fake).await;
                    }
                }
            )*
        }
    };
}

with_fake!(
    a_feed_change_shows_on_the_case_and_in_the_timeline(true),
    only_system_support_refreshes_every_case_and_sees_its_progress_live(true),
    cases_deactivated_in_the_feed_over_thirty_days_ago_are_archived(false),
    an_interrupted_run_resumes_from_its_cursor_without_redoing_or_skipping(false),
    two_holders_of_one_run_refresh_each_case_exactly_once(false),
    a_service_error_for_one_case_is_counted_and_the_run_carries_on(false),
);

pub(crate) async fn start(backend: Backend, jobs: bool) -> Option<(TestApp, FakeDms)> {
    let fake = cats::external::fake::start("127.0.0.1:0", "", 1000)
        .await
        .expect("fake service starts");
    let app = TestApp::spawn_with(
        backend,
        &[
            ("external.url", Setting::Text(fake.url.clone())),
            ("jobs.enabled", Setting::Bool(jobs)),
        ],
    )
    .await?;
    Some((app, fake))
}

pub(crate) fn client(fake: &FakeDms) -> DmsClient {
    DmsClient::new(DmsSettings {
        base_url: fake.url.clone(),
        api_key: String::new(),
        timeout: Duration::from_secs(5),
        client_identity_pem: None,
    })
    .expect("client")
}

pub(crate) fn refresher(app: &TestApp, fake: &FakeDms) -> FeedRefresh {
    FeedRefresh {
        store: app.store.clone(),
        dms: client(fake),
        hub: app.hub.clone(),
        outbox_wake: Arc::new(tokio::sync::Notify::new()),
    }
}

/// Replaces the fake's record.
pub(crate) async fn put(fake: &FakeDms, record: &OffenderRecord) {
    let response = reqwest::Client::new()
        .put(format!("{}/fake/records/{}", fake.url, record.upci))
        .json(record)
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status(), 204);
}

/// Makes the fake fail for one record.
async fn fail(fake: &FakeDms, upci: &str) {
    let response = reqwest::Client::new()
        .put(format!("{}/fake/failures/{upci}", fake.url))
        .send()
        .await
        .expect("PUT");
    assert_eq!(response.status(), 204);
}

pub(crate) fn scenario(upci: &str) -> OffenderRecord {
    scenarios()
        .into_iter()
        .find(|p| p.record.upci == upci)
        .expect("scenario")
        .record
}

fn upci(n: u32) -> String {
    generated(n).record.upci
}

/// `count` synthetic cases (the fake's generated people 0..count).
async fn seed(app: &TestApp, count: u32) {
    cats::seed::scale::load(&app.store, count)
        .await
        .expect("scale seed");
}

/// Renames generated person `n` in the feed.
async fn rename(fake: &FakeDms, n: u32, last_name: &str) {
    let mut record = generated(n).record;
    record.last_name = last_name.to_owned();
    put(fake, &record).await;
}

pub(crate) async fn count(app: &TestApp, sql: &str) -> i64 {
    app.sql_one(sql).await
}

async fn last_name_changes(app: &TestApp, id: &str) -> i64 {
    count(
        app,
        &format!(
            "SELECT COUNT(*) FROM timeline WHERE participant_id = '{id}' AND kind = 'DMS' AND line1 = 'Last name changed'"
        ),
    )
    .await
}

async fn last_name(app: &TestApp, id: &str) -> String {
    cats::store::participants::by_id(&mut app.store.db(), id)
        .await
        .expect("read")
        .expect("case")
        .last_name
}

async fn a_feed_change_shows_on_the_case_and_in_the_timeline(app: TestApp, fake: FakeDms) {
    let worker = app.worker_with_case().await;
    let mut record = scenario("1CATS0001");
    record.last_name = "Ashdown-Smith".to_owned();
    record.nationality = Some("Irish".to_owned());
    record.pnc_number = Some("2001/0000001A".to_owned());
    // Forest Bank: a prison the owner's team also sees.
    record.prison_code = Some("FBI".to_owned());
    put(&fake, &record).await;

    // Forcing one case's sync needs QA1: a support worker is refused and nothing changes.
    let token = worker.get("/participants/1CATS0001").await.csrf();
    worker
        .post(
            "/participants/1CATS0001/sync",
            &[("csrf_token", token.as_str())],
        )
        .await
        .expect_status(403);
    worker
        .get("/participants/1CATS0001/sync")
        .await
        .expect_status(403);
    assert_eq!(last_name(&app, "1CATS0001").await, "ASHDOWN");

    let qa = app.signed_in("qa.officer@justice.gov.uk").await;
    assert!(qa
        .get("/participants/1CATS0001")
        .await
        .body
        .contains("/participants/1CATS0001/sync"));
    let done = qa
        .submit(
            "/participants/1CATS0001/sync",
            "/participants/1CATS0001/sync",
            &[],
        )
        .await;
    done.expect_status(303);
    assert!(done
        .location
        .as_deref()
        .unwrap_or("")
        .ends_with("outcome=changed"));

    let case = worker.get("/participants/1CATS0001").await;
    case.expect_status(200);
    for shown in [
        "ASHDOWN-SMITH",
        "Last name changed",
        "From: ASHDOWN",
        "Irish",
        "2001/0000001A",
        "HMP Forest Bank",
    ] {
        assert!(case.body.contains(shown), "the case page shows {shown}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM participant_field_audit WHERE participant_id = '1CATS0001' AND field = 'last_name' AND user_id IS NULL AND new_value = 'ASHDOWN-SMITH'").await,
        1,
        "the change is audited as the system's"
    );
    assert_eq!(
        count(
            &app,
            "SELECT location_id FROM participant_locations WHERE participant_id = '1CATS0001'"
        )
        .await,
        3,
        "the move is in the location history"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM participants WHERE id = '1CATS0001' AND owner_id IS NOT NULL AND last_sync_at IS NOT NULL").await,
        1,
        "the owner still sees the new location, so keeps the case"
    );

    // Holme House is provider B's: the owner cannot see it, so the case becomes unowned.
    record.prison_code = Some("HHI".to_owned());
    put(&fake, &record).await;
    qa.submit(
        "/participants/1CATS0001/sync",
        "/participants/1CATS0001/sync",
        &[],
    )
    .await
    .expect_status(303);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM participants WHERE id = '1CATS0001' AND owner_id IS NULL AND owner_tenant_id IS NULL AND current_location_id = 15").await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM timeline WHERE participant_id = '1CATS0001' AND line1 = 'Caseworker reassigned' AND line3 = 'To unassigned: the owner''s team does not work at the new location'").await,
        1,
        "the timeline says why the case lost its owner"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM ownership_history WHERE participant_id = '1CATS0001' AND ended_at IS NULL").await,
        0,
        "the owner's period in the ownership history is closed"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM ownership_history WHERE participant_id = '1CATS0001' AND ended_at IS NOT NULL").await,
        1
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM notifications n JOIN participants p ON p.id = '1CATS0001' WHERE n.heading = 'Participant unassigned' AND n.link = '/participants/1CATS0001'").await,
        1,
        "the previous owner is told"
    );
    // Nothing new in the feed: a sync changes nothing.
    let again = qa
        .submit(
            "/participants/1CATS0001/sync",
            "/participants/1CATS0001/sync",
            &[],
        )
        .await;
    assert!(again
        .location
        .as_deref()
        .unwrap_or("")
        .ends_with("outcome=unchanged"));
    assert_eq!(last_name_changes(&app, "1CATS0001").await, 1);
}

async fn wait_for_finished_run(app: &TestApp) -> rows::RunRow {
    for _ in 0..200 {
        if let Some(run) = rows::latest_run(&mut app.store.db()).await.expect("read") {
            if run.finished_at.is_some() {
                return run;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the refresh did not finish");
}

async fn only_system_support_refreshes_every_case_and_sees_its_progress_live(
    app: TestApp,
    fake: FakeDms,
) {
    seed(&app, 3).await;
    rename(&fake, 1, "Renamed").await;
    let officer = app.signed_in("qa.officer@justice.gov.uk").await;
    officer.get("/admin/feed-refresh").await.expect_status(403);
    let token = officer.get("/").await.csrf();
    officer
        .post("/admin/feed-refresh", &[("csrf_token", token.as_str())])
        .await
        .expect_status(403);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM feed_refresh_runs").await,
        0,
        "a refused request starts nothing"
    );
    // Nor may anyone but System Support follow the progress.
    let officer_cookie = app.session_cookie("qa.officer@justice.gov.uk").await;
    let mut refused = Socket::connect(&app.address, Some(&officer_cookie)).await;
    refused
        .send(serde_json::json!({ "type": "subscribe", "topic": TOPIC }))
        .await;
    assert_eq!(refused.next_of("error").await["topic"], TOPIC);

    let cookie = app.session_cookie("admin@justice.gov.uk").await;
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    socket.subscribe(TOPIC).await;
    let admin = app.signed_in("admin@justice.gov.uk").await;
    let page = admin.get("/admin/feed-refresh").await;
    page.expect_status(200);
    assert!(page.body.contains("No refresh has run yet"));
    admin
        .submit("/admin/feed-refresh", "/admin/feed-refresh", &[])
        .await
        .expect_status(303);
    let event = socket.next_of("event").await.to_string();
    assert!(event.contains("feed-refresh-progress"), "{event}");

    let run = wait_for_finished_run(&app).await;
    assert_eq!((run.total, run.done, run.errors), (3, 3, 0));
    assert_eq!(run.kind, "manual");
    assert_eq!(last_name(&app, &upci(1)).await, "RENAMED");
    let page = admin.get("/admin/feed-refresh").await;
    assert!(page.body.contains("Last refresh"));
    assert!(page.body.contains("requested by Sam Support"));
}

fn days_ago(days: i64) -> String {
    (time::OffsetDateTime::now_utc().date() - time::Duration::days(days)).to_string()
}

async fn cases_deactivated_in_the_feed_over_thirty_days_ago_are_archived(
    app: TestApp,
    fake: FakeDms,
) {
    seed(&app, 4).await;
    for n in 0..4 {
        let mut record = generated(n).record;
        record.active = false;
        put(&fake, &record).await;
    }
    let (long, with_qa, recent, now) = (upci(0), upci(1), upci(2), upci(3));
    app.sql(&format!(
        "UPDATE participants SET active_in_feed = false, deactivated_in_feed = '{}' WHERE id IN ('{long}', '{with_qa}');
         UPDATE participants SET enrolment_status = 1 WHERE id = '{with_qa}';
         UPDATE participants SET active_in_feed = false, deactivated_in_feed = '{}' WHERE id = '{recent}';",
        days_ago(31),
        days_ago(10),
    ))
    .await;
    let refresh = refresher(&app, &fake);
    refresh.request("nightly", None).await.expect("run");
    refresh.work().await.expect("work");

    let status = |id: String| {
        let app = &app;
        async move {
            count(
                app,
                &format!("SELECT enrolment_status FROM participants WHERE id = '{id}'"),
            )
            .await
        }
    };
    assert_eq!(status(long.clone()).await, 4, "archived");
    assert_eq!(status(with_qa).await, 1, "a case with QA waits");
    assert_ne!(status(recent).await, 4, "not yet 30 days");
    assert_ne!(status(now.clone()).await, 4);
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM enrolment_history WHERE participant_id = '{long}' AND status = 4 AND reason = 2 AND user_id IS NULL AND ended_at IS NULL")).await,
        1,
        "history says Licence end date reached, by the system"
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM timeline WHERE participant_id = '{long}' AND line1 = 'Archived automatically' AND line2 = 'Reason: Licence end date reached'")).await,
        1
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM participants WHERE id = '{now}' AND active_in_feed = false AND deactivated_in_feed = '{}'", days_ago(0))).await,
        1,
        "going inactive stamps today"
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM timeline WHERE participant_id = '{now}' AND kind = 'DMS' AND line1 = 'No longer active in the offender data'")).await,
        1
    );
    // Back in the feed: the date is cleared.
    put(&fake, &generated(3).record).await;
    refresh_case(&app.store, &refresh.dms, &now, None)
        .await
        .expect("refresh");
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM participants WHERE id = '{now}' AND active_in_feed = true AND deactivated_in_feed IS NULL")).await,
        1
    );
}

async fn an_interrupted_run_resumes_from_its_cursor_without_redoing_or_skipping(
    app: TestApp,
    fake: FakeDms,
) {
    seed(&app, 10).await;
    for n in 0..10 {
        rename(&fake, n, "Renamed").await;
    }
    let refresh = refresher(&app, &fake);
    let run = refresh.request("nightly", None).await.expect("run");
    assert_eq!(run.total, 10);
    // A holder does half the cases, then dies.
    let ids = rows::next_cases(&mut app.store.db(), None, 100)
        .await
        .expect("ids");
    for id in &ids[..5] {
        refresh_case(&app.store, &refresh.dms, id, Some(run.id))
            .await
            .expect("refresh");
    }
    let half = rows::run(&mut app.store.db(), run.id)
        .await
        .expect("read")
        .expect("run");
    assert_eq!(half.done, 5);
    assert_eq!(half.cursor.as_deref(), Some(ids[4].as_str()));
    assert!(half.finished_at.is_none());
    // Had the first half been done again, it would now take this name.
    for n in 0..5 {
        rename(&fake, n, "Again").await;
    }
    // The next holder resumes.
    refresher(&app, &fake).work().await.expect("work");
    let run = rows::run(&mut app.store.db(), run.id)
        .await
        .expect("read")
        .expect("run");
    assert!(run.finished_at.is_some());
    assert_eq!((run.done, run.errors), (10, 0));
    for id in &ids {
        assert_eq!(
            last_name(&app, id).await,
            "RENAMED",
            "{id}: done once, not skipped"
        );
        assert_eq!(last_name_changes(&app, id).await, 1);
    }
    assert!(
        rows::open_run(&mut app.store.db())
            .await
            .expect("read")
            .is_none(),
        "nothing left open"
    );
}

async fn two_holders_of_one_run_refresh_each_case_exactly_once(app: TestApp, fake: FakeDms) {
    seed(&app, 12).await;
    for n in 0..12 {
        rename(&fake, n, "Renamed").await;
    }
    let (first, second) = (refresher(&app, &fake), refresher(&app, &fake));
    let run = first.request("manual", None).await.expect("run");
    // Asking again while it is open gives the same run.
    assert_eq!(
        second.request("manual", None).await.expect("run").id,
        run.id
    );
    let (a, b) = tokio::join!(first.work(), second.work());
    a.expect("first holder");
    b.expect("second holder");
    let run = rows::run(&mut app.store.db(), run.id)
        .await
        .expect("read")
        .expect("run");
    assert_eq!(run.done, 12, "each case counted once");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM timeline WHERE kind = 'DMS' AND line1 = 'Last name changed'"
        )
        .await,
        12,
        "each case changed once"
    );
}

async fn a_service_error_for_one_case_is_counted_and_the_run_carries_on(
    app: TestApp,
    fake: FakeDms,
) {
    seed(&app, 3).await;
    rename(&fake, 2, "Renamed").await;
    fail(&fake, &upci(1)).await;
    let refresh = refresher(&app, &fake);
    let run = refresh.request("manual", None).await.expect("run");
    refresh.work().await.expect("work");
    let run = rows::run(&mut app.store.db(), run.id)
        .await
        .expect("read")
        .expect("run");
    assert_eq!((run.done, run.errors), (3, 1));
    assert!(run.finished_at.is_some());
    assert_eq!(
        last_name(&app, &upci(2)).await,
        "RENAMED",
        "the run carried on"
    );
    let admin = app.signed_in("admin@justice.gov.uk").await;
    let page = admin.get("/admin/feed-refresh").await;
    assert!(
        page.body.contains("could not be refreshed"),
        "the page says so"
    );
}

/// Two instances on one PostgreSQL with Redis: a requested run is done by one holder of the
/// lease, each case exactly once.
#[tokio::test]
async fn two_instances_refresh_each_case_exactly_once() {
    let Some(mut overrides) = crate::support::redis_overrides("feed refresh on two instances")
    else {
        return;
    };
    let fake = cats::external::fake::start("127.0.0.1:0", "", 1000)
        .await
        .expect("fake");
    overrides.push(("external.url", Setting::Text(fake.url.clone())));
    let Some(apps) = TestApp::spawn_cluster(Backend::Postgres, 2, &overrides).await else {
        return;
    };
    seed(&apps[0], 20).await;
    for n in 0..20 {
        rename(&fake, n, "Renamed").await;
    }
    let admin = apps[1].signed_in("admin@justice.gov.uk").await;
    admin
        .submit("/admin/feed-refresh", "/admin/feed-refresh", &[])
        .await
        .expect_status(303);
    let run = wait_for_finished_run(&apps[0]).await;
    assert_eq!((run.total, run.done, run.errors), (20, 20, 0));
    assert_eq!(
        count(
            &apps[0],
            "SELECT COUNT(*) FROM timeline WHERE kind = 'DMS' AND line1 = 'Last name changed'"
        )
        .await,
        20
    );
    for n in 0..20 {
        assert_eq!(last_name_changes(&apps[0], &upci(n)).await, 1);
    }
}
