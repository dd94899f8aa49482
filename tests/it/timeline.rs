//! A case's timeline in pages: the case page shows the newest lines and links to the older
//! ones, whose pages go through the rest exactly once; the older pages are checked and audited
//! as the case page is; a whole-case live update carries the page's lines and link, and an
//! edit's carries its one new line for the top of the list.

use crate::socket::Socket;
use crate::support::{on_both_databases, Client, TestApp};
use serde_json::json;

on_both_databases!(
    a_long_timeline_shows_its_newest_lines_and_a_link,
    the_links_go_through_every_line_once_in_order,
    a_short_timeline_has_no_link,
    another_provider_is_refused_the_older_lines_and_it_is_audited,
    a_bad_link_is_told_so,
    a_live_update_adds_the_new_line_and_keeps_the_link,
);

const CASE: &str = "1CATS0001";
const LINK: &str = "Show older entries";

/// Provider A's worker, with case `CASE` whose timeline is exactly `total` lines, "Entry 1"
/// (oldest) to "Entry {total}" (newest). Lines come three to a second, so lines sharing a time
/// (ordered by their id) fall on both sides of a page's end.
async fn case_with_lines(app: &TestApp, total: usize) -> Client {
    let worker = app.worker_with_case().await;
    replace_lines(app, total).await;
    worker
}

/// Replaces the timeline of case `CASE` (see [`case_with_lines`]): three lines a second.
async fn replace_lines(app: &TestApp, total: usize) {
    let start = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("time")
        - time::Duration::days(1);
    write_lines(app, total, |n| {
        start + time::Duration::seconds((n / 3) as i64)
    })
    .await;
}

/// Replaces the timeline of case `CASE` with lines "Entry 1" to "Entry {total}", line `n`
/// written at `at(n)`.
async fn write_lines(app: &TestApp, total: usize, at: impl Fn(usize) -> time::OffsetDateTime) {
    app.sql(&format!(
        "DELETE FROM timeline WHERE participant_id = '{CASE}'"
    ))
    .await;
    let mut tx = app.store.begin().await.expect("tx");
    for n in 1..=total {
        let line = format!("Entry {n}");
        cats::store::participants::insert_timeline(
            &mut tx,
            CASE,
            "Participant",
            [Some(&line), None, None],
            None,
            at(n),
        )
        .await
        .expect("line");
    }
    tx.commit().await.expect("commit");
}

/// The entry numbers a page's timeline shows, in the order shown.
fn entries(html: &str) -> Vec<usize> {
    html.split("<p>Entry ")
        .skip(1)
        .map(|rest| {
            rest[..rest.find('<').expect("end of line")]
                .parse()
                .expect("entry number")
        })
        .collect()
}

/// How many timeline lines a page or fragment shows.
fn line_count(html: &str) -> usize {
    html.matches("class=\"timeline__item\"").count()
}

/// Where the page's "Show older entries" link goes, if it has one.
fn older_link(html: &str) -> Option<String> {
    let end = html.find(&format!(">{LINK}</a>"))?;
    let start = html[..end].rfind("href=\"")? + "href=\"".len();
    Some(html[start..end - 1].replace("&amp;", "&"))
}

async fn a_long_timeline_shows_its_newest_lines_and_a_link(app: TestApp) {
    let worker = case_with_lines(&app, 45).await;
    let page = worker.get(&format!("/participants/{CASE}")).await;
    page.expect_status(200);
    assert_eq!(line_count(&page.body), 20, "the newest 20 lines");
    assert_eq!(entries(&page.body), (26..=45).rev().collect::<Vec<_>>());
    let link = older_link(&page.body).expect("a link to the older lines");
    assert!(
        link.starts_with(&format!("/participants/{CASE}/timeline?before=")),
        "{link}"
    );
}

/// Follows the links from the case page to the end; the entries of each page.
async fn every_page(worker: &Client) -> Vec<Vec<usize>> {
    let mut pages = Vec::new();
    let mut next = Some(format!("/participants/{CASE}"));
    while let Some(path) = next {
        let page = worker.get(&path).await;
        page.expect_status(200);
        if !pages.is_empty() {
            assert!(page.body.contains(&format!("href=\"/participants/{CASE}")));
            assert!(page.body.contains("Back to the case"));
        }
        pages.push(entries(&page.body));
        next = older_link(&page.body);
        assert!(pages.len() <= 10, "the links end");
    }
    pages
}

async fn the_links_go_through_every_line_once_in_order(app: TestApp) {
    let worker = case_with_lines(&app, 45).await;
    let pages = every_page(&worker).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [20, 25], "the case page's 20, then up to 50 a page");
    let all: Vec<usize> = pages.concat();
    assert_eq!(
        all,
        (1..=45).rev().collect::<Vec<_>>(),
        "each once, newest first"
    );

    // Longer: the older pages link on to each other. All at one time: the order is the ids'
    // alone.
    let at = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .expect("time");
    write_lines(&app, 125, |_| at).await;
    let pages = every_page(&worker).await;
    let sizes: Vec<usize> = pages.iter().map(Vec::len).collect();
    assert_eq!(sizes, [20, 50, 50, 5]);
    assert_eq!(pages.concat(), (1..=125).rev().collect::<Vec<_>>());
}

async fn a_short_timeline_has_no_link(app: TestApp) {
    // A new case's own lines.
    let worker = app.worker_with_case().await;
    let page = worker.get(&format!("/participants/{CASE}")).await;
    page.expect_status(200);
    assert!(line_count(&page.body) >= 1);
    assert!(!page.body.contains(LINK));
    // Exactly as many as the page shows.
    replace_lines(&app, 20).await;
    let page = worker.get(&format!("/participants/{CASE}")).await;
    assert_eq!(entries(&page.body), (1..=20).rev().collect::<Vec<_>>());
    assert!(!page.body.contains(LINK), "nothing older to show");
}

async fn access_rows(app: &TestApp, user: i64, allowed: bool) -> i64 {
    let allowed = if allowed { "allowed" } else { "NOT allowed" };
    app.sql_one(&format!(
        "SELECT count(*) FROM participant_access_audit \
         WHERE participant_id = '{CASE}' AND user_id = {user} AND {allowed}"
    ))
    .await
}

async fn another_provider_is_refused_the_older_lines_and_it_is_audited(app: TestApp) {
    let worker = case_with_lines(&app, 45).await;
    let page = worker.get(&format!("/participants/{CASE}")).await;
    let link = older_link(&page.body).expect("link");

    // A permitted look is audited as the case page's is.
    let alex = app.user_id("worker@provider-a.example").await;
    let before = access_rows(&app, alex, true).await;
    worker.get(&link).await.expect_status(200);
    assert_eq!(access_rows(&app, alex, true).await, before + 1);

    let other = app.signed_in("worker@provider-b.example").await;
    let sam = app.user_id("worker@provider-b.example").await;
    let before = access_rows(&app, sam, false).await;
    for path in [link.clone(), format!("/participants/{CASE}/timeline")] {
        let refused = other.get(&path).await;
        refused.expect_status(403);
        for secret in ["Entry", "DALE ASHDOWN", "Ashdown"] {
            assert!(!refused.body.contains(secret), "{path} showed {secret}");
        }
    }
    assert_eq!(
        access_rows(&app, sam, false).await,
        before + 2,
        "each refusal audited"
    );
    assert_eq!(access_rows(&app, sam, true).await, 0);
    // A case that does not exist: not found, and audited too.
    let missing = other.get("/participants/9CATS9999/timeline?before=1").await;
    missing.expect_status(404);
}

async fn a_bad_link_is_told_so(app: TestApp) {
    let worker = case_with_lines(&app, 45).await;
    let other_line = app
        .sql_one("SELECT max(id) + 1000 FROM timeline")
        .await
        .to_string();
    for cursor in ["abc", "-1", "0", "1.5", "", other_line.as_str()] {
        let page = worker
            .get(&format!("/participants/{CASE}/timeline?before={cursor}"))
            .await;
        page.expect_status(400);
        assert!(
            page.body.contains("not valid for this case"),
            "{cursor}: {}",
            page.body
        );
        assert!(!page.body.contains("Entry"));
    }
}

async fn a_live_update_adds_the_new_line_and_keeps_the_link(app: TestApp) {
    let worker = case_with_lines(&app, 45).await;
    let kim = app.session_cookie("colleague@provider-a.example").await;
    let topic = format!("case:{CASE}");
    let position = app.hub.position(&topic).await.expect("position");
    let mut socket = Socket::connect(&app.address, Some(&kim)).await;
    socket
        .send(json!({ "type": "subscribe", "topic": topic, "epoch": position.epoch, "seq": position.seq }))
        .await;
    socket.next_of("subscribed").await;

    let page = worker.get(&format!("/participants/{CASE}")).await;
    worker
        .post(
            &format!("/participants/{CASE}/details"),
            &[
                ("csrf_token", page.csrf().as_str()),
                ("base_pronouns", ""),
                ("pronouns", "they/them"),
            ],
        )
        .await
        .expect_status(303);
    let event = socket.next_of("event").await;
    // The edit's event carries its one new line for the top of the list; the lines and the
    // link a page already shows stay as they are.
    let line = event["body"]["prepend"]["case-timeline-lines"]
        .as_str()
        .expect("the new line");
    assert_eq!(line_count(line), 1);
    assert!(line.contains("Personal details updated"), "{line}");
    assert!(
        event["body"]["fragments"].get("case-timeline").is_none(),
        "the shown lines are not replaced"
    );

    // A page loaded after the edit shows the new line first, then the newest 19 of the rest,
    // and its link goes on from its own last line.
    let page = worker.get(&format!("/participants/{CASE}")).await;
    assert_eq!(line_count(&page.body), 20);
    assert!(page.body.contains(line), "the page shows the event's line");
    assert_eq!(entries(&page.body), (27..=45).rev().collect::<Vec<_>>());
    let link = older_link(&page.body).expect("the link");
    let older = worker.get(&link).await;
    older.expect_status(200);
    assert_eq!(entries(&older.body), (1..=26).rev().collect::<Vec<_>>());

    // Every other command's event (the whole case) carries the page's timeline.
    let mut tx = app.store.begin().await.expect("tx");
    let whole = cats::live::case_view::case_event_in(&mut tx, CASE)
        .await
        .expect("event");
    drop(tx);
    let whole: serde_json::Value = serde_json::from_str(&whole).expect("json");
    let fragment = whole["fragments"]["case-timeline"]
        .as_str()
        .expect("the timeline fragment");
    assert!(
        page.body.contains(fragment),
        "the same fragment as the page"
    );
}
