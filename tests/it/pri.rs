//! Pre-release inventories, on both databases: a community worker's code assigns the PRI to
//! them and tells them; bad input is refused at its field and changes nothing; only people
//! who may act on a PRI can, and a participant has one PRI ever; a release from custody to
//! the PRI's location (in a fake offender-data service) gives the case to the PRI's assignee.

use crate::feed_refresh::{count, put, scenario, start};
use crate::support::{Client, TestApp};
use cats::external::fake::FakeDms;
use time::{Duration, OffsetDateTime};

with_fake!(
    a_code_assigns_the_pri_and_release_there_gives_the_case_to_its_assignee(false),
    bad_input_is_refused_at_the_field_and_nothing_is_made(false),
    only_those_who_may_act_on_a_pri_can_and_there_is_one_ever(false),
);

const CASE: &str = "1CATS0001";
const PAGE: &str = "/participants/1CATS0001/pri";
const NEW: &str = "/participants/1CATS0001/pri/new";
/// HMP Risley (custody, provider A) and North West Community (mapped from probation C02).
const RISLEY: &str = "1";
const NORTH_WEST: &str = "90";
/// Durham hub: only provider B's Durham team works there.
const DURHAM_HUB: &str = "105";

fn day(offset: i64) -> [String; 3] {
    let date = OffsetDateTime::now_utc().date() + Duration::days(offset);
    [
        date.day().to_string(),
        u8::from(date.month()).to_string(),
        date.year().to_string(),
    ]
}

/// A complete PRI form, with `changes` applied over it.
fn form(changes: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    let [ed, em, ey] = day(30);
    let [md, mm, my] = day(-1);
    let mut fields: Vec<(&'static str, String)> = vec![
        ("custody_location", RISLEY.into()),
        ("release_location", NORTH_WEST.into()),
        ("expected_release_day", ed),
        ("expected_release_month", em),
        ("expected_release_year", ey),
        ("meeting_date_day", md),
        ("meeting_date_month", mm),
        ("meeting_date_year", my),
        ("custody_in_person", "yes".into()),
        ("community_in_person", "no".into()),
        ("community_reason", "Joined by video".into()),
        ("participant_in_person", "yes".into()),
        ("code", String::new()),
    ];
    for (name, value) in changes {
        fields.retain(|(n, _)| n != name);
        fields.push((name, (*value).to_owned()));
    }
    fields
}

async fn make(client: &Client, changes: &[(&'static str, &str)]) -> crate::support::Page {
    let fields = form(changes);
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    client.submit(NEW, NEW, &borrowed).await
}

/// The code the signed-in community worker issues, read from the page.
async fn issue(client: &Client) -> String {
    client
        .submit(PAGE, &format!("{PAGE}/code"), &[])
        .await
        .expect_status(303);
    let page = client.get(PAGE).await;
    let start = page
        .body
        .find("id=\"pri-code\">")
        .expect("the code is shown")
        + 14;
    page.body[start..start + 6].to_owned()
}

async fn pris(app: &TestApp) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) FROM pris WHERE participant_id = '{CASE}'"),
    )
    .await
}

async fn a_code_assigns_the_pri_and_release_there_gives_the_case_to_its_assignee(
    app: TestApp,
    fake: FakeDms,
) {
    let alex = app.worker_with_case().await;
    let alex_id = app.user_id("worker@provider-a.example").await;
    let kim_id = app.user_id("colleague@provider-a.example").await;
    // Kim's team works at North West Community: a community worker, who issues the code.
    let kim = app.signed_in("colleague@provider-a.example").await;
    let code = issue(&kim).await;
    assert!(code.bytes().all(|b| b.is_ascii_digit()), "{code}");
    assert!(
        !alex.get(PAGE).await.body.contains(&code),
        "only its issuer sees the code"
    );
    make(&alex, &[("code", &code)]).await.expect_status(303);
    let page = alex.get(PAGE).await;
    page.expect_status(200);
    for shown in [
        "Accepted",
        "Kim Colleague",
        "North West Community",
        "No: Joined by video",
    ] {
        assert!(page.body.contains(shown), "{shown}: {}", page.body);
    }
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM pris WHERE participant_id = '{CASE}' AND status = 'accepted' AND assigned_to = {kim_id} AND created_by = {alex_id} AND custody_not_in_person IS NULL AND community_not_in_person = 'Joined by video'")).await,
        1
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM pri_codes WHERE participant_id = '{CASE}'")
        )
        .await,
        0,
        "the code has served its purpose"
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM timeline WHERE participant_id = '{CASE}' AND kind = 'PRI' AND line1 = 'PRI created' AND line3 = 'Assigned to Kim Colleague'")).await,
        1
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM notifications WHERE user_id = {kim_id} AND heading = 'PRI assigned'")).await,
        1,
        "the assignee is told"
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM notifications WHERE user_id = {alex_id} AND heading = 'PRI assigned'")).await,
        0
    );

    // Released to North West Community, the PRI's location: Kim owns the case now, though
    // Alex's team works there too.
    let mut record = scenario(CASE);
    record.prison_code = Some("OUT".to_owned());
    put(&fake, &record).await;
    let qa = app.signed_in("qa.officer@justice.gov.uk").await;
    let sync = format!("/participants/{CASE}/sync");
    qa.submit(&sync, &sync, &[]).await.expect_status(303);
    assert_eq!(
        count(
            &app,
            &format!("SELECT current_location_id FROM participants WHERE id = '{CASE}'")
        )
        .await,
        90
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COALESCE(owner_id, 0) FROM participants WHERE id = '{CASE}'")
        )
        .await,
        kim_id
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM ownership_history WHERE participant_id = '{CASE}' AND owner_id = {kim_id} AND ended_at IS NULL AND changed_by IS NULL")).await,
        1,
        "through the ownership history, by the system"
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM notifications WHERE user_id = {kim_id} AND heading = 'Participant assigned'")).await,
        1
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM participant_locations WHERE participant_id = '{CASE}' AND previous_id = 1 AND location_id = 90")).await,
        1
    );
}

async fn bad_input_is_refused_at_the_field_and_nothing_is_made(app: TestApp, _fake: FakeDms) {
    let alex = app.worker_with_case().await;
    let empty = alex
        .submit(NEW, NEW, &[("custody_location", ""), ("code", "")])
        .await;
    assert_eq!(empty.status, 422, "{}", empty.body);
    for message in [
        "Choose the custody location the participant is released from",
        "Choose the location the participant is expected to be released to",
        "Enter the expected release date",
        "Enter the date of the pre-release meeting",
        "Say whether the participant attended in person",
        "Enter the 6-digit code the community worker gave you, or assign the PRI to yourself",
    ] {
        assert!(empty.body.contains(message), "{message}");
    }
    let [ld, lm, ly] = day(100);
    let late = make(
        &alex,
        &[
            ("expected_release_day", &ld),
            ("expected_release_month", &lm),
            ("expected_release_year", &ly),
            ("community_reason", " "),
            ("self_assign", "yes"),
        ],
    )
    .await;
    assert_eq!(late.status, 422);
    assert!(late.body.contains("must be within the next 3 months"));
    assert!(late
        .body
        .contains("Say why the community support worker did not attend in person"));
    assert!(
        late.body.contains(&format!("id=\"expected_release_day\" name=\"expected_release_day\" inputmode=\"numeric\" value=\"{ld}\"")),
        "typed values are kept"
    );

    let wrong = make(&alex, &[("code", "123456")]).await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("current PRI code"), "{}", wrong.body);
    let short = make(&alex, &[("code", "12345")]).await;
    assert!(short.body.contains("Enter the 6-digit code"));
    // Alex's team does not work at the Durham hub: they cannot assign it to themselves.
    let away = make(
        &alex,
        &[("release_location", DURHAM_HUB), ("self_assign", "yes")],
    )
    .await;
    assert_eq!(away.status, 422);
    assert!(away
        .body
        .contains("Your team does not work at the release location"));
    // A code from a community worker who does not work at the release location.
    let kim = app.signed_in("colleague@provider-a.example").await;
    let code = issue(&kim).await;
    let elsewhere = make(&alex, &[("release_location", DURHAM_HUB), ("code", &code)]).await;
    assert_eq!(elsewhere.status, 422);
    assert!(elsewhere
        .body
        .contains("The community worker who issued the code does not work at this location"));
    assert_eq!(pris(&app).await, 0, "nothing was made");
    // Self-assignment at a location Alex's team works at is fine.
    make(&alex, &[("self_assign", "yes")])
        .await
        .expect_status(303);
    assert_eq!(pris(&app).await, 1);
}

async fn only_those_who_may_act_on_a_pri_can_and_there_is_one_ever(app: TestApp, _fake: FakeDms) {
    let alex = app.worker_with_case().await;
    let kim = app.signed_in("colleague@provider-a.example").await;
    let code = issue(&kim).await;
    // Provider B cannot open the case, so can do nothing with its PRI.
    let charlie = app.signed_in("worker@provider-b.example").await;
    charlie.get(PAGE).await.expect_status(403);
    let token = charlie.get("/").await.csrf();
    let code_field = code.clone();
    let mut fields = form(&[("code", &code_field)]);
    fields.push(("csrf_token", token.clone()));
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
    charlie.post(NEW, &borrowed).await.expect_status(403);
    charlie
        .post(&format!("{PAGE}/code"), &[("csrf_token", &token)])
        .await
        .expect_status(403);
    assert_eq!(pris(&app).await, 0);

    make(&alex, &[("code", &code)]).await.expect_status(303);
    let abandon = format!("{PAGE}/abandon");
    charlie
        .post(&abandon, &[("csrf_token", &token), ("reason", "0")])
        .await
        .expect_status(403);
    // "Other" needs a justification.
    let other = alex.submit(&abandon, &abandon, &[("reason", "1")]).await;
    assert_eq!(other.status, 422);
    assert!(other.body.contains("Say why the PRI is abandoned"));
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) FROM pris WHERE participant_id = '{CASE}' AND status = 'accepted'"
            )
        )
        .await,
        1
    );
    alex.submit(
        &abandon,
        &abandon,
        &[
            ("reason", "1"),
            ("justification", "Released early elsewhere"),
        ],
    )
    .await
    .expect_status(303);
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM pris WHERE participant_id = '{CASE}' AND status = 'abandoned' AND abandon_reason = 1 AND abandon_justification = 'Released early elsewhere'")).await,
        1
    );
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) FROM timeline WHERE participant_id = '{CASE}' AND line1 = 'PRI abandoned'")).await,
        1
    );
    // Abandoned is final, and a participant has one PRI ever.
    let again = alex.submit(&abandon, &abandon, &[("reason", "0")]).await;
    assert_eq!(again.status, 422);
    let page = alex.get(PAGE).await;
    assert!(!page.body.contains("Make the PRI"), "no new PRI is offered");
    let second = make(&alex, &[("self_assign", "yes")]).await;
    assert_eq!(second.status, 422);
    assert!(second.body.contains("a participant has one PRI only"));
    let code_again = kim.submit(PAGE, &format!("{PAGE}/code"), &[]).await;
    assert_eq!(code_again.status, 422);
    assert!(code_again.body.contains("a code is no longer needed"));
    assert_eq!(pris(&app).await, 1);
}
