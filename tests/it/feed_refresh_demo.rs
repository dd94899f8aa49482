//! The demo cases agree with the fake offender data they were made from: a refresh right after
//! seeding them changes only the case the demo moved by mistake (`transfer_in`), on both
//! databases.

use crate::feed_refresh::{client, count, refresher, start};
use crate::support::TestApp;
use cats::external::fake::FakeDms;
use cats::store::enrolment;
use cats::store::feed_refresh as rows;
use cats::store::files::Files;

with_fake!(a_refresh_right_after_the_demo_data_moves_only_the_mistaken_case(false));

/// What a refresh could change on a case: location, owner, status and the feed's active flag.
#[derive(Debug, PartialEq, Eq)]
struct Snapshot {
    location: i64,
    owner: Option<i64>,
    status: i64,
    deactivated: Option<time::Date>,
    active: i64,
    version: i64,
}

async fn snapshot(app: &TestApp) -> Vec<(String, Snapshot)> {
    let ids = rows::next_cases(&mut app.store.db(), None, 1_000)
        .await
        .expect("ids");
    let mut cases = Vec::new();
    for id in ids {
        let state = enrolment::case_state(&mut app.store.db(), &id)
            .await
            .expect("read")
            .expect("case");
        let active = count(
            app,
            &format!("SELECT COUNT(*) FROM participants WHERE id = '{id}' AND active_in_feed"),
        )
        .await;
        cases.push((
            id,
            Snapshot {
                location: state.current_location_id,
                owner: state.owner_id,
                status: state.enrolment_status,
                deactivated: state.deactivated_in_feed,
                active,
                version: state.version,
            },
        ));
    }
    cases
}

async fn a_refresh_right_after_the_demo_data_moves_only_the_mistaken_case(
    app: TestApp,
    fake: FakeDms,
) {
    let documents = tempfile::tempdir().expect("temp dir");
    let files = Files::local(documents.path()).expect("documents");
    cats::seed::cases::load(&app.store, &client(&fake), &files, &fake)
        .await
        .expect("demo cases");
    // The released PRI case: with the release location and owned by the PRI's community worker.
    let released = app
        .sql_text(
        "SELECT r.participant_id FROM pris r JOIN participants p ON p.id = r.participant_id WHERE p.current_location_id = r.release_location_id AND p.owner_id = r.assigned_to AND p.owner_id <> r.created_by",
    )
    .await;
    // The case moved into provider A's contract by mistake: its transfer is still open.
    let mistaken = app
        .sql_text("SELECT participant_id FROM incoming_transfers WHERE completed_at IS NULL")
        .await;
    let before = snapshot(&app).await;
    let dms_lines = format!(
        "SELECT COUNT(*) FROM timeline WHERE kind = 'DMS' AND participant_id <> '{mistaken}'"
    );
    let dms_lines_before = count(&app, &dms_lines).await;

    let refresh = refresher(&app, &fake);
    refresh.request("manual", None).await.expect("run");
    refresh.work().await.expect("work");

    let after = snapshot(&app).await;
    let find = |cases: &[(String, Snapshot)], id: &str| {
        cases
            .iter()
            .find(|(c, _)| c == id)
            .map(|(_, s)| (s.location, s.owner, s.status))
            .expect("case")
    };
    let changed: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|((_, b), (_, a))| a != b)
        .map(|((id, _), _)| id.as_str())
        .collect();
    assert_eq!(changed, [mistaken.as_str()], "no other demo case changes");
    assert_eq!(
        find(&after, &released),
        find(&before, &released),
        "the released PRI case stays where its release put it, with its owner and status"
    );
    let moved: Vec<&str> = before
        .iter()
        .zip(&after)
        .filter(|((_, b), (_, a))| a.location != b.location)
        .map(|((id, _), _)| id.as_str())
        .collect();
    assert_eq!(
        moved,
        [mistaken.as_str()],
        "only the mistaken move is undone"
    );
    let run = rows::latest_run(&mut app.store.db())
        .await
        .expect("read")
        .expect("run");
    assert_eq!((run.done, run.changed, run.errors), (run.total, 1, 0));
    assert_eq!(
        count(&app, &dms_lines).await,
        dms_lines_before,
        "no timeline line from the refresh on any other case"
    );
}
