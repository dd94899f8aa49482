//! The participant list: every filter, every sort both ways, paging that keeps the filters, a
//! capped count, refused filter values shown at their field, and scope that no filter widens.

use crate::support::{on_both_databases, Client, TestApp};
use cats::store::schema::Participants;
use sea_query::Query;
use time::{Duration, OffsetDateTime};

on_both_databases!(
    each_filter_keeps_only_matching_cases_in_scope,
    each_column_sorts_both_ways_with_aria_sort_and_links_that_keep_the_filters,
    paging_keeps_the_filters_and_the_count_stops_at_the_cap,
    a_value_the_user_cannot_choose_is_a_message_at_its_field_and_shows_nothing,
    no_filter_shows_a_case_outside_the_users_scope,
);

/// One test case: what the list must show about it.
pub(crate) struct Case {
    id: &'static str,
    last_name: &'static str,
    status: i64,
    location: i64,
    owner: Option<&'static str>,
    risk_due_days: Option<i64>,
    updated_days_ago: i64,
}

/// Four cases Alex Worker (provider A, team 1) sees, chosen so each sort gives a different
/// order, and three outside that scope that match every filter Alex could try.
pub(crate) const CASES: [Case; 7] = [
    Case {
        id: "1LST00004",
        last_name: "Adams",
        status: 3,
        location: 90,
        owner: Some("worker@provider-a.example"),
        risk_due_days: Some(-3),
        updated_days_ago: 3,
    },
    Case {
        id: "1LST00002",
        last_name: "Brown",
        status: 6,
        location: 14,
        owner: Some("colleague@provider-a.example"),
        risk_due_days: Some(5),
        updated_days_ago: 1,
    },
    Case {
        id: "1LST00001",
        last_name: "Evans",
        status: 1,
        location: 3,
        owner: None,
        risk_due_days: None,
        updated_days_ago: 4,
    },
    Case {
        id: "1LST00003",
        last_name: "Green",
        status: 0,
        location: 1,
        owner: Some("worker@provider-a.example"),
        risk_due_days: Some(30),
        updated_days_ago: 2,
    },
    // Team 2 of the same provider: same contract and locations, another scope.
    Case {
        id: "1LST00005",
        last_name: "Clark",
        status: 6,
        location: 1,
        owner: Some("worker2@provider-a.example"),
        risk_due_days: Some(-1),
        updated_days_ago: 1,
    },
    // Provider B.
    Case {
        id: "1LST00006",
        last_name: "Dixon",
        status: 6,
        location: 15,
        owner: Some("worker@provider-b.example"),
        risk_due_days: Some(2),
        updated_days_ago: 1,
    },
    // Unowned at a location only provider B sees.
    Case {
        id: "1LST00007",
        last_name: "Fox",
        status: 6,
        location: 15,
        owner: None,
        risk_due_days: Some(-2),
        updated_days_ago: 1,
    },
];

pub(crate) async fn insert(app: &TestApp, cases: &[Case]) {
    let now = OffsetDateTime::now_utc();
    let today = now.date();
    let creator = app.user_id("worker@provider-a.example").await;
    let mut insert = Query::insert()
        .into_table(Participants::Table)
        .columns([
            Participants::Id,
            Participants::FirstName,
            Participants::LastName,
            Participants::DateOfBirth,
            Participants::Gender,
            Participants::EnrolmentStatus,
            Participants::ConsentStatus,
            Participants::CurrentLocationId,
            Participants::OwnerId,
            Participants::OwnerTenantId,
            Participants::PrimaryRecord,
            Participants::ActiveInFeed,
            Participants::Version,
            Participants::CreatedAt,
            Participants::CreatedBy,
            Participants::UpdatedAt,
            Participants::RiskDue,
        ])
        .to_owned();
    for case in cases {
        let owner = match case.owner {
            Some(email) => Some(app.user(email).await),
            None => None,
        };
        insert.values_panic([
            case.id.into(),
            "Sam".into(),
            case.last_name.into(),
            time::macros::date!(1985 - 03 - 27).into(),
            "Male".into(),
            case.status.into(),
            "pending".into(),
            case.location.into(),
            owner.as_ref().map(|u| u.id).into(),
            owner.as_ref().map(|u| u.tenant_id.clone()).into(),
            "NOMIS".into(),
            true.into(),
            1i64.into(),
            now.into(),
            creator.into(),
            (now - Duration::days(case.updated_days_ago)).into(),
            case.risk_due_days.map(|d| today + Duration::days(d)).into(),
        ]);
    }
    let mut tx = app.store.begin().await.expect("tx");
    tx.execute(&insert).await.expect("cases inserted");
    tx.commit().await.expect("commit");
}

/// The case ids the page lists, in order.
fn listed(body: &str) -> Vec<&str> {
    body.split("<code>")
        .skip(1)
        .filter_map(|rest| rest.split("</code>").next())
        .collect()
}

async fn ids(client: &Client, query: &str) -> Vec<String> {
    let page = client.get(&format!("/participants?{query}")).await;
    page.expect_status(200);
    listed(&page.body).into_iter().map(str::to_owned).collect()
}

async fn each_filter_keeps_only_matching_cases_in_scope(app: TestApp) {
    insert(&app, &CASES).await;
    let alex = app.signed_in("worker@provider-a.example").await;
    let kim = app.user_id("colleague@provider-a.example").await;
    let everyone = ["1LST00004", "1LST00002", "1LST00001", "1LST00003"];
    assert_eq!(ids(&alex, "").await, everyone, "by name, in scope only");
    assert_eq!(ids(&alex, "status=6").await, ["1LST00002"]);
    assert_eq!(ids(&alex, "location=14").await, ["1LST00002"]);
    assert_eq!(ids(&alex, "contract=con_24036").await, everyone);
    assert_eq!(ids(&alex, "owner=me").await, ["1LST00004", "1LST00003"]);
    assert_eq!(ids(&alex, "owner=unowned").await, ["1LST00001"]);
    assert_eq!(ids(&alex, &format!("owner={kim}")).await, ["1LST00002"]);
    assert_eq!(ids(&alex, "risk_due=overdue").await, ["1LST00004"]);
    assert_eq!(ids(&alex, "risk_due=soon").await, ["1LST00002"]);
    assert_eq!(ids(&alex, "search=gre").await, ["1LST00003"]);
    assert_eq!(
        ids(
            &alex,
            "owner=me&risk_due=overdue&contract=con_24036&location=90&status=3"
        )
        .await,
        ["1LST00004"],
        "filters combine"
    );
    assert!(ids(&alex, "owner=me&status=6").await.is_empty());
    let page = alex.get("/participants?risk_due=overdue").await;
    assert!(page.body.contains("1 participant<"), "{}", page.body);
    assert!(page.body.contains("Overdue"));
}

async fn each_column_sorts_both_ways_with_aria_sort_and_links_that_keep_the_filters(app: TestApp) {
    insert(&app, &CASES).await;
    let alex = app.signed_in("worker@provider-a.example").await;
    let orders: [(&str, [&str; 4]); 6] = [
        ("name", ["1LST00004", "1LST00002", "1LST00001", "1LST00003"]),
        ("id", ["1LST00001", "1LST00002", "1LST00003", "1LST00004"]),
        // Listed order: Identified, Enrolling, Submitted to Provider, Approved (Enrolling's
        // stored value is 6, so value order would put it last).
        (
            "status",
            ["1LST00003", "1LST00002", "1LST00001", "1LST00004"],
        ),
        // HMP Forest Bank, HMP Risley, HMP Styal, North West Community.
        (
            "location",
            ["1LST00001", "1LST00003", "1LST00002", "1LST00004"],
        ),
        // Overdue first, no date last.
        (
            "risk_due",
            ["1LST00004", "1LST00002", "1LST00003", "1LST00001"],
        ),
        (
            "updated",
            ["1LST00001", "1LST00004", "1LST00003", "1LST00002"],
        ),
    ];
    for (key, ascending) in orders {
        assert_eq!(
            ids(&alex, &format!("sort={key}")).await,
            ascending,
            "{key} ascending"
        );
        let mut descending = ascending;
        descending.reverse();
        assert_eq!(
            ids(&alex, &format!("sort={key}&dir=desc")).await,
            descending,
            "{key} descending"
        );
    }
    let page = alex
        .get("/participants?owner=me&sort=location&dir=desc")
        .await;
    assert_eq!(page.body.matches("aria-sort=\"descending\"").count(), 1);
    assert_eq!(page.body.matches("aria-sort=\"none\"").count(), 5);
    assert!(
        page.body
            .contains("href=\"/participants?owner=me&amp;sort=location&amp;dir=asc\""),
        "the sorted column links to the other direction, filters kept"
    );
    assert!(page
        .body
        .contains("href=\"/participants?owner=me&amp;sort=name&amp;dir=asc\""));
    assert!(
        page.body.contains("name=\"sort\" value=\"location\"")
            && page.body.contains("name=\"dir\" value=\"desc\""),
        "applying filters keeps the sort"
    );
    let default = alex.get("/participants").await;
    assert_eq!(default.body.matches("aria-sort=\"ascending\"").count(), 1);
}

async fn paging_keeps_the_filters_and_the_count_stops_at_the_cap(app: TestApp) {
    let many: Vec<Case> = (0..1030)
        .map(|n| Case {
            id: Box::leak(format!("2PG{n:06}").into_boxed_str()),
            last_name: "Page",
            status: if n % 2 == 0 { 6 } else { 0 },
            location: 1,
            owner: Some("worker@provider-a.example"),
            risk_due_days: None,
            updated_days_ago: 0,
        })
        .collect();
    for chunk in many.chunks(200) {
        insert(&app, chunk).await;
    }
    let alex = app.signed_in("worker@provider-a.example").await;
    let all = alex.get("/participants").await;
    assert!(all.body.contains("More than 1,000 participants"), "capped");
    assert!(all.body.contains("Page 1 of more than 40"));
    let filtered = alex.get("/participants?status=6&sort=id&dir=desc").await;
    assert!(
        filtered.body.contains("515 participants"),
        "counted exactly under the cap"
    );
    assert!(filtered.body.contains("Page 1 of 21"));
    assert!(
        filtered
            .body
            .contains("href=\"/participants?status=6&amp;sort=id&amp;dir=desc&amp;page=2\""),
        "the next page keeps filters and sort"
    );
    assert_eq!(listed(&filtered.body)[0], "2PG001028");
    let second = ids(&alex, "status=6&sort=id&dir=desc&page=2").await;
    assert_eq!(second.len(), 25);
    assert_eq!(
        second[0], "2PG000978",
        "page 2 follows page 1 in the same order"
    );
    let last = ids(&alex, "status=6&sort=id&dir=desc&page=21").await;
    assert_eq!(last.len(), 15);
    let deep = alex.get("/participants?page=41").await;
    assert!(deep.body.contains("Page 41 of more than 41"));
    assert!(
        deep.body.contains("rel=\"next\""),
        "rows remain after page 41"
    );
}

async fn a_value_the_user_cannot_choose_is_a_message_at_its_field_and_shows_nothing(app: TestApp) {
    insert(&app, &CASES).await;
    let alex = app.signed_in("worker@provider-a.example").await;
    let charlie = app.user_id("worker@provider-b.example").await;
    let refused = [
        ("status=99", "status", "Choose a status from the list"),
        ("location=15", "location", "that one is not one you can see"),
        (
            "location=hmp",
            "location",
            "that one is not one you can see",
        ),
        (
            "contract=con_24037",
            "contract",
            "that one is not one you can see",
        ),
        (
            &*format!("owner={charlie}"),
            "owner",
            "that user is not one you can see",
        ),
        (
            "risk_due=later",
            "risk_due",
            "Choose when the risk review is due",
        ),
    ];
    for (query, field, message) in refused {
        let page = alex.get(&format!("/participants?{query}")).await;
        page.expect_status(422);
        assert!(
            page.body.contains(&format!("href=\"#{field}\"")),
            "{query}: summary links to the field"
        );
        assert!(page.body.contains(message), "{query}: {message}");
        assert!(
            page.body.contains(&format!("id=\"{field}-error\"")),
            "{query}: message at the field"
        );
        assert!(listed(&page.body).is_empty(), "{query}: no rows");
        for outside in ["Dixon", "Fox", "Clark"] {
            assert!(!page.body.contains(outside));
        }
    }
}

async fn no_filter_shows_a_case_outside_the_users_scope(app: TestApp) {
    insert(&app, &CASES).await;
    let alex = app.signed_in("worker@provider-a.example").await;
    for query in [
        "",
        "status=6",
        "location=1",
        "contract=con_24036",
        "owner=unowned",
        "risk_due=overdue",
        "risk_due=soon",
        "search=1LST",
        "sort=risk_due",
        "sort=updated&dir=desc",
    ] {
        let shown = ids(&alex, query).await;
        for outside in ["1LST00005", "1LST00006", "1LST00007"] {
            assert!(
                !shown.iter().any(|id| id == outside),
                "{query} shows {outside}"
            );
        }
    }
    let charlie = app.signed_in("worker@provider-b.example").await;
    assert_eq!(
        ids(&charlie, "").await,
        ["1LST00006", "1LST00007"],
        "B's own, and the unowned case at B's location"
    );
    assert_eq!(ids(&charlie, "owner=unowned").await, ["1LST00007"]);
    let jamie = app.signed_in("worker2@provider-a.example").await;
    assert_eq!(
        ids(&jamie, "status=6").await,
        ["1LST00005"],
        "team 2 sees its own only"
    );
    let head_office = app.signed_in("qa.officer@justice.gov.uk").await;
    assert_eq!(
        ids(&head_office, "").await.len(),
        7,
        "internal users see every case"
    );
    assert_eq!(
        ids(&head_office, "owner=unowned&sort=id").await,
        ["1LST00001", "1LST00007"],
        "internal users see unowned cases anywhere"
    );
}
