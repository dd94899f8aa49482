//! The live engine through real WebSockets: authentication, topic rules, replay and resync,
//! presence, revocation, slow clients; and across two instances over Redis.

use crate::socket::{Frame, Socket};
use crate::support::{
    on_both_databases, redis_overrides, toml_value::Value as Setting, Backend, TestApp,
};
use bytes::Bytes;
use serde_json::json;
use std::time::Duration;

on_both_databases!(
    socket_without_a_valid_session_is_closed_with_4001,
    topics_the_user_may_not_see_are_refused_and_the_socket_stays_open,
    malformed_and_oversized_frames_are_refused,
    events_reach_subscribers_in_order,
    replay_after_a_disconnect_delivers_exactly_the_missed_events,
    signing_out_closes_the_socket,
    colleagues_see_each_other_arrive_and_leave,
    a_user_with_two_tabs_is_present_once,
    a_case_topic_is_only_for_those_who_see_the_case_and_shows_who_is_viewing,
);

async fn a_case_topic_is_only_for_those_who_see_the_case_and_shows_who_is_viewing(app: TestApp) {
    let owner = app.worker_with_case().await;
    let page = owner.get("/participants/1CATS0001").await;
    assert!(
        page.body.contains("case:1CATS0001"),
        "the page declares its case topic"
    );
    let topic = "case:1CATS0001";
    let alex = app.session_cookie("worker@provider-a.example").await;
    let mut alex_socket = Socket::connect(&app.address, Some(&alex)).await;
    alex_socket.subscribe(topic).await;
    assert_eq!(
        names(&alex_socket.next_of("presence").await),
        ["Alex Worker"]
    );
    let kim = app.session_cookie("colleague@provider-a.example").await;
    let mut kim_socket = Socket::connect(&app.address, Some(&kim)).await;
    kim_socket.subscribe(topic).await;
    assert_eq!(
        names(&alex_socket.next_of("presence").await),
        ["Alex Worker", "Kim Colleague"]
    );
    let outsider = app.session_cookie("worker@provider-b.example").await;
    let mut outsider_socket = Socket::connect(&app.address, Some(&outsider)).await;
    outsider_socket
        .send(json!({ "type": "subscribe", "topic": topic }))
        .await;
    assert_eq!(
        outsider_socket.next_of("error").await["reason"],
        "not allowed to join this topic"
    );
    let missing = "case:NOSUCHCASE";
    outsider_socket
        .send(json!({ "type": "subscribe", "topic": missing }))
        .await;
    assert_eq!(outsider_socket.next_of("error").await["topic"], missing);
}

fn payload(n: u64) -> Bytes {
    Bytes::from(json!({ "n": n }).to_string())
}

async fn user_topic(app: &TestApp, email: &str) -> String {
    format!("user:{}", app.user_id(email).await)
}

async fn socket_without_a_valid_session_is_closed_with_4001(app: TestApp) {
    let mut anonymous = Socket::connect(&app.address, None).await;
    assert_eq!(anonymous.closed().await.0, 4001);
    let mut forged = Socket::connect(&app.address, Some("forged-token")).await;
    assert_eq!(forged.closed().await.0, 4001);
    // A signed-out session's cookie is refused too.
    let cookie = app.session_cookie("worker@provider-a.example").await;
    let client = app.client_with_cookie(&cookie);
    client
        .submit("/", "/sign-out", &[])
        .await
        .expect_status(303);
    let mut revoked = Socket::connect(&app.address, Some(&cookie)).await;
    assert_eq!(revoked.closed().await.0, 4001);
}

async fn topics_the_user_may_not_see_are_refused_and_the_socket_stays_open(app: TestApp) {
    let cookie = app.session_cookie("worker@provider-a.example").await;
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    let other = user_topic(&app, "worker@provider-b.example").await;
    socket
        .send(json!({ "type": "subscribe", "topic": other }))
        .await;
    let refused = socket.next_of("error").await;
    assert_eq!(refused["reason"], "not allowed to join this topic");
    socket
        .send(json!({ "type": "subscribe", "topic": "tenant:1.1.2.1.1." }))
        .await;
    assert_eq!(socket.next_of("error").await["topic"], "tenant:1.1.2.1.1.");
    // Publishing to the other user's topic reaches nobody here.
    app.hub.publish(&other, payload(1)).await.expect("publish");
    let own = user_topic(&app, "worker@provider-a.example").await;
    let subscribed = socket.subscribe(&own).await;
    assert_eq!(subscribed["topic"], own.as_str());
    app.hub.publish(&own, payload(2)).await.expect("publish");
    let event = socket.next_of("event").await;
    assert_eq!(event["topic"], own.as_str());
    assert_eq!(event["body"]["n"], 2);
}

async fn malformed_and_oversized_frames_are_refused(app: TestApp) {
    let cookie = app.session_cookie("worker@provider-a.example").await;
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    socket.send_text("not json").await;
    assert!(socket.next_of("error").await["reason"]
        .as_str()
        .unwrap_or("")
        .contains("malformed"));
    socket.send(json!({ "type": "launch", "topic": "x" })).await;
    assert!(socket.next_of("error").await["reason"]
        .as_str()
        .unwrap_or("")
        .contains("malformed"));
    socket
        .send(json!({ "type": "subscribe", "topic": "_instances" }))
        .await;
    assert_eq!(
        socket.next_of("error").await["reason"],
        "invalid topic name"
    );
    socket.send_binary(vec![1, 2, 3]).await;
    assert_eq!(
        socket.next_of("error").await["reason"],
        "binary frames are not accepted"
    );
    // Still open and working.
    let own = user_topic(&app, "worker@provider-a.example").await;
    socket.subscribe(&own).await;
    // Another user's socket is unaffected by this one's trouble.
    let other_cookie = app.session_cookie("colleague@provider-a.example").await;
    let mut other = Socket::connect(&app.address, Some(&other_cookie)).await;
    let other_topic = user_topic(&app, "colleague@provider-a.example").await;
    other.subscribe(&other_topic).await;
    socket.send_text(&"x".repeat(64 * 1024)).await;
    assert_eq!(
        socket.closed().await.0,
        1009,
        "oversized frame closes with 1009"
    );
    app.hub
        .publish(&other_topic, payload(1))
        .await
        .expect("publish");
    assert_eq!(other.next_of("event").await["body"]["n"], 1);
}

async fn events_reach_subscribers_in_order(app: TestApp) {
    let cookie = app.session_cookie("worker@provider-a.example").await;
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    let topic = user_topic(&app, "worker@provider-a.example").await;
    let start = socket.subscribe(&topic).await;
    for n in 1..=20 {
        app.hub.publish(&topic, payload(n)).await.expect("publish");
    }
    for n in 1..=20u64 {
        let event = socket.next_of("event").await;
        assert_eq!(event["body"]["n"], n);
        assert_eq!(event["seq"], start["seq"].as_u64().expect("seq") + n);
        assert_eq!(event["epoch"], start["epoch"]);
    }
}

async fn replay_after_a_disconnect_delivers_exactly_the_missed_events(app: TestApp) {
    let cookie = app.session_cookie("worker@provider-a.example").await;
    let topic = user_topic(&app, "worker@provider-a.example").await;
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    socket.subscribe(&topic).await;
    app.hub.publish(&topic, payload(1)).await.expect("publish");
    let seen = socket.next_of("event").await;
    socket.close().await;
    for n in 2..=4 {
        app.hub.publish(&topic, payload(n)).await.expect("publish");
    }
    let mut again = Socket::connect(&app.address, Some(&cookie)).await;
    again
        .send(json!({ "type": "subscribe", "topic": topic, "epoch": seen["epoch"], "seq": seen["seq"] }))
        .await;
    for n in 2..=4 {
        let event = again.next_json().await;
        assert_eq!(event["type"], "event", "{event}");
        assert_eq!(event["body"]["n"], n);
    }
    let subscribed = again.next_json().await;
    assert_eq!(subscribed["type"], "subscribed");
    assert_eq!(subscribed["seq"], seen["seq"].as_u64().expect("seq") + 3);
    // Nothing more was replayed.
    app.hub.publish(&topic, payload(5)).await.expect("publish");
    assert_eq!(again.next_of("event").await["body"]["n"], 5);
}

async fn signing_out_closes_the_socket(app: TestApp) {
    let cookie = app.session_cookie("worker@provider-a.example").await;
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    socket
        .subscribe(&user_topic(&app, "worker@provider-a.example").await)
        .await;
    let client = app.client_with_cookie(&cookie);
    client
        .submit("/", "/sign-out", &[])
        .await
        .expect_status(303);
    let (code, reason) = socket.closed().await;
    assert_eq!(code, 4003);
    assert_eq!(reason, "signed out");
}

async fn colleagues_see_each_other_arrive_and_leave(app: TestApp) {
    let topic = "tenant:1.1.1.1.1.";
    let alex = app.session_cookie("worker@provider-a.example").await;
    let kim = app.session_cookie("colleague@provider-a.example").await;
    let mut alex_socket = Socket::connect(&app.address, Some(&alex)).await;
    alex_socket.subscribe(topic).await;
    let first = alex_socket.next_of("presence").await;
    assert_eq!(names(&first), ["Alex Worker"]);
    let mut kim_socket = Socket::connect(&app.address, Some(&kim)).await;
    kim_socket.subscribe(topic).await;
    assert_eq!(
        names(&kim_socket.next_of("presence").await),
        ["Alex Worker", "Kim Colleague"]
    );
    let joined = alex_socket.next_of("presence").await;
    assert_eq!(names(&joined), ["Alex Worker", "Kim Colleague"]);
    assert_eq!(
        joined["joined"],
        json!([app
            .user_id("colleague@provider-a.example")
            .await
            .to_string()])
    );
    kim_socket
        .send(json!({ "type": "presence", "topic": topic, "state": "reading" }))
        .await;
    let changed = alex_socket.next_of("presence").await;
    assert_eq!(changed["changed"].as_array().map(Vec::len), Some(1));
    kim_socket.close().await;
    let left = alex_socket.next_of("presence").await;
    assert_eq!(names(&left), ["Alex Worker"]);
    assert_eq!(left["left"].as_array().map(Vec::len), Some(1));
}

fn names(frame: &serde_json::Value) -> Vec<String> {
    frame["users"]
        .as_array()
        .expect("users")
        .iter()
        .map(|u| u["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

async fn a_user_with_two_tabs_is_present_once(app: TestApp) {
    let topic = "tenant:1.1.1.1.1.";
    let kim = app.session_cookie("colleague@provider-a.example").await;
    let mut watcher = Socket::connect(&app.address, Some(&kim)).await;
    watcher.subscribe(topic).await;
    watcher.next_of("presence").await;
    let alex = app.session_cookie("worker@provider-a.example").await;
    let mut tab1 = Socket::connect(&app.address, Some(&alex)).await;
    tab1.subscribe(topic).await;
    assert_eq!(names(&watcher.next_of("presence").await).len(), 2);
    let mut tab2 = Socket::connect(&app.address, Some(&alex)).await;
    tab2.subscribe(topic).await;
    assert_eq!(
        names(&tab2.next_of("presence").await),
        ["Alex Worker", "Kim Colleague"]
    );
    tab1.close().await;
    // Alex still has a tab: no "left" reaches the watcher. A marker event proves the order.
    app.hub.publish(topic, payload(99)).await.expect("publish");
    let next = watcher.next_json().await;
    assert_eq!(
        next["type"], "event",
        "no presence change before the marker: {next}"
    );
}

#[tokio::test]
async fn a_close_from_the_browser_is_answered_at_once() {
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let cookie = app.session_cookie("worker@provider-a.example").await;
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    socket
        .subscribe(&user_topic(&app, "worker@provider-a.example").await)
        .await;
    assert_eq!(
        socket.close_and_wait().await,
        Some(1000),
        "a close frame comes back within 300 ms"
    );
}

#[tokio::test]
async fn a_gap_beyond_the_history_yields_resync() {
    let Some(app) =
        TestApp::spawn_with(Backend::Sqlite, &[("live.history_events", Setting::Int(2))]).await
    else {
        return;
    };
    let cookie = app.session_cookie("worker@provider-a.example").await;
    let topic = user_topic(&app, "worker@provider-a.example").await;
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    let start = socket.subscribe(&topic).await;
    socket.close().await;
    for n in 1..=5 {
        app.hub.publish(&topic, payload(n)).await.expect("publish");
    }
    let mut again = Socket::connect(&app.address, Some(&cookie)).await;
    again
        .send(json!({ "type": "subscribe", "topic": topic, "epoch": start["epoch"], "seq": start["seq"] }))
        .await;
    let resync = again.next_json().await;
    assert_eq!(resync["type"], "resync", "{resync}");
    assert_eq!(resync["seq"], start["seq"].as_u64().expect("seq") + 5);
    // Another epoch is a resync too.
    let mut third = Socket::connect(&app.address, Some(&cookie)).await;
    third
        .send(json!({ "type": "subscribe", "topic": topic, "epoch": 12345, "seq": 1 }))
        .await;
    assert_eq!(third.next_json().await["type"], "resync");
}

#[tokio::test]
async fn a_client_that_stops_reading_delays_no_one_and_is_resynced() {
    let Some(app) =
        TestApp::spawn_with(Backend::Sqlite, &[("live.outbound_queue", Setting::Int(8))]).await
    else {
        return;
    };
    let topic = "tenant:1.1.1.1.1.";
    let slow_cookie = app.session_cookie("worker@provider-a.example").await;
    let fast_cookie = app.session_cookie("colleague@provider-a.example").await;
    let mut slow = Socket::connect(&app.address, Some(&slow_cookie)).await;
    slow.subscribe(topic).await;
    let mut fast = Socket::connect(&app.address, Some(&fast_cookie)).await;
    fast.subscribe(topic).await;
    // Large events, so the slow socket's buffers fill while it reads nothing.
    let big = "x".repeat(64 * 1024);
    let count = 400u64;
    let publisher = {
        let hub = app.hub.clone();
        tokio::spawn(async move {
            // Paced so a client that reads keeps up; the one that does not read falls behind.
            for n in 1..=count {
                let body = Bytes::from(json!({ "n": n, "pad": big }).to_string());
                hub.publish(topic, body).await.expect("publish");
                tokio::time::sleep(Duration::from_millis(3)).await;
            }
        })
    };
    let started = std::time::Instant::now();
    let mut received = 0u64;
    while received < count {
        let frame = fast.next_json().await;
        if frame["type"] == "event" {
            received += 1;
            assert_eq!(frame["body"]["n"], received, "in order, nothing lost");
        }
    }
    publisher.await.expect("publisher");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the fast client was not held back"
    );
    // The slow client now reads: somewhere in what it gets is a resync (or it was dropped).
    let mut saw_resync = false;
    while let Some(frame) = slow.next_within(Duration::from_secs(3)).await {
        match frame {
            Frame::Json(value) if value["type"] == "resync" => {
                saw_resync = true;
                break;
            }
            Frame::Json(_) => continue,
            Frame::Closed(..) => {
                saw_resync = true;
                break;
            }
        }
    }
    assert!(saw_resync, "the slow client was told to resync");
}

#[tokio::test]
async fn an_event_published_on_one_instance_reaches_a_socket_on_another() {
    let Some(redis) = redis_overrides("two instances") else {
        return;
    };
    let apps = TestApp::spawn_cluster(Backend::Sqlite, 2, &redis)
        .await
        .expect("cluster");
    let (a, b) = (&apps[0], &apps[1]);
    let cookie = a.session_cookie("worker@provider-a.example").await;
    let topic = user_topic(a, "worker@provider-a.example").await;
    // The page was rendered on A; its socket goes to B (no sticky sessions).
    let position = a.hub.position(&topic).await.expect("position");
    let mut socket = Socket::connect(&b.address, Some(&cookie)).await;
    socket
        .send(json!({ "type": "subscribe", "topic": topic, "epoch": position.epoch, "seq": position.seq }))
        .await;
    let subscribed = socket.next_of("subscribed").await;
    assert_eq!(
        subscribed["epoch"], position.epoch,
        "both instances number the topic alike"
    );
    for n in 1..=5 {
        a.hub
            .publish(&topic, payload(n))
            .await
            .expect("publish on A");
    }
    for n in 1..=5 {
        assert_eq!(socket.next_of("event").await["body"]["n"], n);
    }
}

#[tokio::test]
async fn presence_spans_instances_and_leaves_with_a_stopped_instance() {
    let Some(redis) = redis_overrides("presence across instances") else {
        return;
    };
    let apps = TestApp::spawn_cluster(Backend::Sqlite, 2, &redis)
        .await
        .expect("cluster");
    let (a, b) = (&apps[0], &apps[1]);
    let topic = "tenant:1.1.1.1.1.";
    let alex = a.session_cookie("worker@provider-a.example").await;
    let kim = a.session_cookie("colleague@provider-a.example").await;
    let mut on_a = Socket::connect(&a.address, Some(&alex)).await;
    on_a.subscribe(topic).await;
    on_a.next_of("presence").await;
    let mut on_b = Socket::connect(&b.address, Some(&kim)).await;
    on_b.subscribe(topic).await;
    // B learns of Alex from A (sync), A learns of Kim from B (join).
    let mut seen_on_b = Vec::new();
    while seen_on_b.len() < 2 {
        seen_on_b = names(&on_b.next_of("presence").await);
    }
    assert_eq!(seen_on_b, ["Alex Worker", "Kim Colleague"]);
    let mut seen_on_a = Vec::new();
    while seen_on_a.len() < 2 {
        seen_on_a = names(&on_a.next_of("presence").await);
    }
    // B stops: its people leave A's list.
    b.stop().await;
    let mut after = seen_on_a;
    while after.len() > 1 {
        after = names(&on_a.next_of("presence").await);
    }
    assert_eq!(after, ["Alex Worker"]);
}

#[tokio::test]
async fn a_killed_subscriber_connection_recovers_and_nothing_is_missed() {
    let Some(mut redis) = redis_overrides("redis reconnect") else {
        return;
    };
    let url = match &redis[0].1 {
        Setting::Text(url) => url.clone(),
        _ => unreachable!("redis_url is text"),
    };
    // A Redis user of its own, so the test can kill exactly this instance's connections.
    let user = format!("cats_test_{}", uuid::Uuid::new_v4().simple());
    let admin = redis::Client::open(url.as_str()).expect("client");
    let mut admin = admin
        .get_multiplexed_async_connection()
        .await
        .expect("connect");
    redis::cmd("ACL")
        .arg(
            &[
                "SETUSER",
                user.as_str(),
                "on",
                ">cats-test",
                "~*",
                "&*",
                "+@all",
            ][..],
        )
        .query_async::<()>(&mut admin)
        .await
        .expect("acl user");
    let with_user = url.replacen("redis://", &format!("redis://{user}:cats-test@"), 1);
    redis[0].1 = Setting::Text(with_user);
    let apps = TestApp::spawn_cluster(Backend::Sqlite, 2, &redis)
        .await
        .expect("cluster");
    let (a, b) = (&apps[0], &apps[1]);
    let cookie = a.session_cookie("worker@provider-a.example").await;
    let topic = user_topic(a, "worker@provider-a.example").await;
    let mut socket = Socket::connect(&b.address, Some(&cookie)).await;
    socket.subscribe(&topic).await;
    a.hub.publish(&topic, payload(1)).await.expect("publish");
    assert_eq!(socket.next_of("event").await["body"]["n"], 1);
    // Kill every pub/sub connection of this test's user (both instances' subscribers).
    let killed: i64 = redis::cmd("CLIENT")
        .arg(&["KILL", "USER", user.as_str(), "TYPE", "pubsub"][..])
        .query_async(&mut admin)
        .await
        .expect("client kill");
    assert!(killed >= 1, "the subscriber connections were killed");
    // Published while B's subscriber is down or reconnecting.
    for n in 2..=6 {
        a.hub.publish(&topic, payload(n)).await.expect("publish");
    }
    // Every later event arrives, or the page is told to resync: never a silent gap.
    let mut expected = 2u64;
    let mut resynced = false;
    while expected <= 6 {
        let frame = socket.next_json().await;
        match frame["type"].as_str() {
            Some("event") => {
                assert_eq!(frame["body"]["n"], expected, "in order, no gap");
                expected += 1;
            }
            Some("resync") => {
                resynced = true;
                break;
            }
            _ => {}
        }
    }
    assert!(expected == 7 || resynced);
    redis::cmd("ACL")
        .arg(&["DELUSER", user.as_str()][..])
        .query_async::<i64>(&mut admin)
        .await
        .expect("acl deluser");
}

#[tokio::test]
async fn presence_of_an_instance_that_dies_silently_expires() {
    let Some(mut settings) = redis_overrides("presence expiry") else {
        return;
    };
    settings.push(("live.presence_expiry_seconds", Setting::Int(3)));
    let (Setting::Text(url), Setting::Text(prefix)) =
        (settings[0].1.clone(), settings[1].1.clone())
    else {
        panic!("redis settings are text");
    };
    let app = TestApp::spawn_with(Backend::Sqlite, &settings)
        .await
        .expect("app");
    let topic = "tenant:1.1.1.1.1.";
    let cookie = app.session_cookie("worker@provider-a.example").await;
    let mut socket = Socket::connect(&app.address, Some(&cookie)).await;
    socket.subscribe(topic).await;
    socket.next_of("presence").await;
    // Another instance announces a person, then dies: no heartbeat, no goodbye.
    use cats_actors::Bus;
    let ghost_instance = cats_actors::RedisBus::connect(cats_actors::RedisSettings {
        url,
        prefix,
        limits: cats_actors::history::Limits {
            max_events: 10,
            max_age: Duration::from_secs(60),
        },
        topic_ttl: Duration::from_secs(60),
    })
    .await
    .expect("bus");
    let join =
        json!({ "k": "join", "i": 4242, "s": 1, "u": "999", "n": "Ghost Visitor", "st": "" });
    ghost_instance
        .signal(topic, Bytes::from(join.to_string()))
        .await
        .expect("signal");
    let arrived = socket.next_of("presence").await;
    assert_eq!(names(&arrived), ["Alex Worker", "Ghost Visitor"]);
    drop(ghost_instance);
    let started = std::time::Instant::now();
    let gone = socket.next_of("presence").await;
    assert_eq!(names(&gone), ["Alex Worker"]);
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "expired within the expiry and a sweep"
    );
}
