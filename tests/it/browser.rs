//! The real pages in headless Chromium through chromedriver (`CATS_TEST_CHROMEDRIVER`: the
//! chromedriver binary, or the URL of one already running).

use crate::support::{Backend, TestApp, PASSWORD};
use fantoccini::{Client, ClientBuilder, Locator};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A chromedriver this test started (stopped on drop), or one it was pointed at.
pub struct Driver {
    url: String,
    child: Option<Child>,
}

impl Drop for Driver {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub async fn driver() -> Option<Driver> {
    let setting = match std::env::var("CATS_TEST_CHROMEDRIVER") {
        Ok(value) if !value.is_empty() => value,
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("browser suite: CATS_TEST_CHROMEDRIVER must be set under CI=true");
            }
            crate::support::say_skipped("browser suite — set CATS_TEST_CHROMEDRIVER to run it");
            return None;
        }
    };
    if setting.starts_with("http://") {
        return Some(Driver {
            url: setting,
            child: None,
        });
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(&setting)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver starts");
    let url = format!("http://127.0.0.1:{port}");
    let driver = Driver {
        url,
        child: Some(child),
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Some(driver);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not listen on port {port}");
}

pub async fn browser(driver: &Driver) -> Client {
    // reqwest and fantoccini bring different TLS back-ends; pick one for the process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut caps = serde_json::Map::new();
    let mut options = serde_json::json!({
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", "--window-size=1280,900"
        ]
    });
    if std::path::Path::new("/usr/bin/chromium").exists() {
        options["binary"] = serde_json::json!("/usr/bin/chromium");
    }
    caps.insert("goog:chromeOptions".to_owned(), options);
    ClientBuilder::rustls()
        .expect("tls")
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("browser session")
}

pub async fn screenshot(client: &Client, name: &str) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    let _ = std::fs::create_dir_all(&dir);
    if let Ok(png) = client.screenshot().await {
        let _ = std::fs::write(dir.join(format!("{name}.png")), png);
    }
}

#[tokio::test]
async fn signs_in_through_the_real_page_and_sees_the_error_summary() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    let client = browser(&driver).await;
    let result = async {
        client.goto(&format!("{}/admin/users", app.address)).await?;
        let heading = client.find(Locator::Css("h1")).await?.text().await?;
        assert_eq!(heading, "Sign in to CATS");
        screenshot(&client, "sign-in").await;

        // A wrong password: the error summary appears and links to the field.
        client
            .find(Locator::Id("email"))
            .await?
            .send_keys("qa.manager@justice.gov.uk")
            .await?;
        client
            .find(Locator::Id("password"))
            .await?
            .send_keys("Wrong-password-1!")
            .await?;
        client
            .find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        let summary = client
            .wait()
            .for_element(Locator::Css(".error-summary"))
            .await?;
        assert!(summary
            .text()
            .await?
            .contains("The email address or password is incorrect"));
        screenshot(&client, "sign-in-error").await;

        client
            .find(Locator::Id("password"))
            .await?
            .send_keys(PASSWORD)
            .await?;
        client
            .find(Locator::Css("button[type=submit]"))
            .await?
            .click()
            .await?;
        // Back where the person was going, signed in.
        let target = url::Url::parse(&format!("{}/admin/users", app.address))?;
        client.wait().for_url(&target).await?;
        let body = client.find(Locator::Css("main")).await?.text().await?;
        assert!(body.contains("worker@provider-a.example"), "{body}");
        screenshot(&client, "users").await;
        client.goto(&format!("{}/", app.address)).await?;
        let welcome = client.find(Locator::Css("h1")).await?.text().await?;
        assert_eq!(welcome, "Welcome, Quinn Manager");
        screenshot(&client, "home").await;
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    let _ = client.close().await;
    result.expect("browser flow");
}

#[tokio::test]
async fn idle_warning_appears_before_the_timeout_and_stay_signed_in_keeps_the_session() {
    use crate::support::toml_value::Value;
    let Some(driver) = driver().await else { return };
    // A one-minute timeout that warns 57 seconds ahead: the warning shows within seconds.
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        &[
            ("auth.idle_timeout_minutes", Value::Int(1)),
            ("auth.idle_warning_seconds", Value::Int(57)),
        ],
    )
    .await
    .expect("sqlite app");
    let client = browser(&driver).await;
    let result = async {
        sign_in_as(&client, &app.address, "worker@provider-a.example").await?;
        let warning = client.find(Locator::Id("session-warning")).await?;
        assert!(
            !warning.is_displayed().await?,
            "no warning straight after sign-in"
        );
        let shown = client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css("#session-warning:not([hidden])"))
            .await?;
        assert!(shown.text().await?.contains("You will be signed out soon"));
        screenshot(&client, "idle-warning").await;
        client
            .find(Locator::Id("session-stay"))
            .await?
            .click()
            .await?;
        client
            .wait()
            .at_most(Duration::from_secs(5))
            .for_element(Locator::Css("#session-warning[hidden]"))
            .await?;
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    let _ = client.close().await;
    result.expect("browser flow");
}

pub async fn sign_in_as(
    client: &Client,
    address: &str,
    email: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    client.goto(&format!("{address}/sign-in")).await?;
    client
        .find(Locator::Id("email"))
        .await?
        .send_keys(email)
        .await?;
    client
        .find(Locator::Id("password"))
        .await?
        .send_keys(PASSWORD)
        .await?;
    client
        .find(Locator::Css("button[type=submit]"))
        .await?
        .click()
        .await?;
    client
        .wait()
        .for_element(Locator::XPath("//h1[starts-with(., 'Welcome')]"))
        .await?;
    Ok(())
}

/// The names in the presence list, read in one script: the list is rebuilt whenever presence
/// changes, so reading its items one by one can meet an item already replaced.
async fn presence_names(client: &Client) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let names = client
        .execute(
            "return Array.from(document.querySelectorAll('.presence__person'), e => e.textContent);",
            Vec::new(),
        )
        .await?;
    Ok(serde_json::from_value(names)?)
}

async fn wait_for_presence(
    client: &Client,
    expected: &[&str],
) -> Result<(), Box<dyn std::error::Error>> {
    for _ in 0..100 {
        let names = presence_names(client).await?;
        if names
            .iter()
            .map(String::as_str)
            .eq(expected.iter().copied())
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!(
        "presence never became {expected:?}; it is {:?}",
        presence_names(client).await?
    )
    .into())
}

/// Two colleagues on the home page see each other arrive and leave, live.
async fn colleagues_on_the_home_page(home_a: &str, home_b: &str, driver: &Driver, shot: &str) {
    let alex = browser(driver).await;
    let kim = browser(driver).await;
    let result = async {
        sign_in_as(&alex, home_a, "worker@provider-a.example").await?;
        wait_for_presence(&alex, &["Alex Worker (you)"]).await?;
        let status = alex.find(Locator::Id("live-status")).await?.text().await?;
        assert_eq!(status, "Live");
        sign_in_as(&kim, home_b, "colleague@provider-a.example").await?;
        wait_for_presence(&kim, &["Alex Worker", "Kim Colleague (you)"]).await?;
        wait_for_presence(&alex, &["Alex Worker (you)", "Kim Colleague"]).await?;
        screenshot(&alex, shot).await;
        // Kim leaves the application: Alex sees it without refreshing.
        kim.goto("about:blank").await?;
        wait_for_presence(&alex, &["Alex Worker (you)"]).await?;
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    let _ = alex.close().await;
    let _ = kim.close().await;
    result.expect("presence flow");
}

#[tokio::test]
async fn colleagues_see_each_other_online_on_one_instance() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    colleagues_on_the_home_page(&app.address, &app.address, &driver, "presence-one-instance").await;
}

#[tokio::test]
async fn colleagues_see_each_other_online_across_two_instances() {
    let Some(driver) = driver().await else { return };
    let Some(redis) = crate::support::redis_overrides("browser presence on two instances") else {
        return;
    };
    let apps = TestApp::spawn_cluster(Backend::Sqlite, 2, &redis)
        .await
        .expect("cluster");
    colleagues_on_the_home_page(
        &apps[0].address,
        &apps[1].address,
        &driver,
        "presence-two-instances",
    )
    .await;
}

#[tokio::test]
async fn two_people_on_one_case_see_each_others_saves_and_presence_without_losing_typing() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    app.worker_with_case().await;
    let case = format!("{}/participants/1CATS0001", app.address);
    let alex = browser(&driver).await;
    let kim = browser(&driver).await;
    let result = async {
        sign_in_as(&alex, &app.address, "worker@provider-a.example").await?;
        sign_in_as(&kim, &app.address, "colleague@provider-a.example").await?;
        alex.goto(&case).await?;
        kim.goto(&case).await?;
        wait_for_presence(&kim, &["Alex Worker", "Kim Colleague (you)"]).await?;
        // Kim starts typing a note and does not save it.
        kim.find(Locator::Id("notes"))
            .await?
            .send_keys("Draft: call probation")
            .await?;
        // Alex focuses a field: Kim sees Alex editing.
        alex.find(Locator::Id("pronouns")).await?.click().await?;
        wait_for_presence(
            &kim,
            &[
                "Alex Worker – editing Personal details",
                "Kim Colleague (you) – editing Personal details",
            ],
        )
        .await?;
        let lines_before = kim
            .find_all(Locator::Css("#case-timeline-lines > li"))
            .await?
            .len();
        alex.find(Locator::Id("pronouns"))
            .await?
            .send_keys("they/them")
            .await?;
        alex.find(Locator::Css("#case-personal button[type=submit]"))
            .await?
            .click()
            .await?;
        alex.wait().for_element(Locator::Css(".saved")).await?;
        // Kim's page shows the saved value without a refresh, and keeps the unsaved note.
        let mut shown = String::new();
        for _ in 0..100 {
            shown = kim
                .find(Locator::Id("pronouns"))
                .await?
                .prop("value")
                .await?
                .unwrap_or_default();
            if shown == "they/them" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(shown, "they/them");
        let note = kim
            .find(Locator::Id("notes"))
            .await?
            .prop("value")
            .await?
            .unwrap_or_default();
        assert_eq!(
            note, "Draft: call probation",
            "unsaved typing is never clobbered"
        );
        // The save's timeline line is added at the top of the lines Kim's page shows.
        let lines = kim
            .find_all(Locator::Css("#case-timeline-lines > li"))
            .await?;
        assert_eq!(lines.len(), lines_before + 1);
        assert!(lines[0].text().await?.contains("Personal details updated"));
        screenshot(&kim, "case-live").await;
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    let _ = alex.close().await;
    let _ = kim.close().await;
    result.expect("live case flow");
}

/// Waits until the element's `checked` property is `expected`.
async fn wait_checked(
    client: &Client,
    id: &str,
    expected: bool,
) -> Result<bool, Box<dyn std::error::Error>> {
    for _ in 0..100 {
        let checked = client.find(Locator::Id(id)).await?.prop("checked").await?;
        if checked.as_deref() == Some(if expected { "true" } else { "false" }) {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(false)
}

/// Waits until the autosave status of question `code` says the answer was saved; its text.
async fn wait_saved(client: &Client, code: &str) -> Result<String, Box<dyn std::error::Error>> {
    let status = client
        .find(Locator::Css(&format!("[data-autosave-for=\"{code}\"]")))
        .await?;
    let mut text = String::new();
    for _ in 0..100 {
        text = status.text().await?;
        if text.starts_with("Your answer was saved at ") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(text)
}

#[tokio::test]
async fn answers_save_as_they_are_chosen_and_a_colleagues_answers_appear_live() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("app");
    let (alex, assessment) = crate::enrolment::case_with_open_assessment(&app).await;
    let path = format!("/participants/1CATS0001/assessments/{assessment}/A");
    // Alex opens the Working pathway before anyone has answered it.
    let stale = alex.get(&path).await;
    let kim = browser(&driver).await;
    let result = async {
        sign_in_as(&kim, &app.address, "colleague@provider-a.example").await?;
        kim.goto(&format!("{}{path}", app.address)).await?;
        wait_for_presence(&kim, &["Kim Colleague (you)"]).await?;
        // Kim chooses "In a temporary job" for A1: saved at once, without the button.
        kim.find(Locator::Id("A1-3")).await?.click().await?;
        let status = wait_saved(&kim, "A1").await?;
        assert!(status.starts_with("Your answer was saved at "), "{status}");
        assert_eq!(
            crate::enrolment::answer_of(&app, &assessment, "A1").await,
            ["In a temporary job"]
        );
        // Alex saves A2 from another browser: it appears on Kim's page, and Kim's A1 stays.
        alex.submit(&path, &path, &[("base_A2", ""), ("A2", "In the last year")])
            .await
            .expect_status(303);
        assert!(
            wait_checked(&kim, "A2-2", true).await?,
            "Alex's answer shown live"
        );
        assert!(wait_checked(&kim, "A1-3", true).await?);
        // Alex's page still shows A1 unanswered: saving it over Kim's answer is refused at the
        // question, naming hers.
        let refused = alex
            .post(
                &path,
                &[
                    ("csrf_token", &stale.csrf()),
                    ("base_A1", ""),
                    ("A1", "Looking for work"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(refused.body.contains("In a temporary job"));
        // Choosing again from her answer replaces it, and Kim's page follows.
        alex.submit(
            &path,
            &path,
            &[
                ("base_A1", "In a temporary job"),
                ("A1", "Looking for work"),
            ],
        )
        .await
        .expect_status(303);
        assert!(
            wait_checked(&kim, "A1-2", true).await?,
            "a saved answer follows a colleague's later one"
        );
        screenshot(&kim, "assessment-autosave").await;
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    let _ = kim.close().await;
    result.expect("live assessment flow");
    assert_eq!(
        crate::enrolment::answer_of(&app, &assessment, "A1").await,
        ["Looking for work"]
    );
    assert_eq!(
        crate::enrolment::answer_of(&app, &assessment, "A2").await,
        ["In the last year"]
    );
}

#[tokio::test]
async fn the_participant_list_sorts_from_its_headings_and_shows_a_refused_filter_at_its_field() {
    let Some(driver) = driver().await else { return };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("sqlite app");
    crate::participant_list::insert(&app, &crate::participant_list::CASES).await;
    let client = browser(&driver).await;
    let result = async {
        sign_in_as(&client, &app.address, "worker@provider-a.example").await?;
        client
            .goto(&format!("{}/participants?contract=con_24036", app.address))
            .await?;
        let sorted = client
            .find(Locator::Css("th[aria-sort=ascending]"))
            .await?
            .text()
            .await?;
        assert!(sorted.starts_with("Name"), "{sorted}");
        client
            .find(Locator::LinkText("Risk due"))
            .await?
            .click()
            .await?;
        let heading = client
            .wait()
            .for_element(Locator::Css("th[aria-sort=ascending]"))
            .await?
            .text()
            .await?;
        assert!(heading.starts_with("Risk due"), "{heading}");
        let url = client.current_url().await?;
        assert!(url.as_str().contains("contract=con_24036"), "{url}");
        let first = client
            .find(Locator::Css("tbody tr td code"))
            .await?
            .text()
            .await?;
        assert_eq!(first, "1LST00004", "the overdue review first");
        screenshot(&client, "participant-list").await;
        client
            .goto(&format!("{}/participants?location=15", app.address))
            .await?;
        let summary = client
            .wait()
            .for_element(Locator::Css(".error-summary"))
            .await?;
        assert!(summary.text().await?.contains("not one you can see"));
        screenshot(&client, "participant-list-refused").await;
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    let _ = client.close().await;
    result.expect("browser flow");
}
