//! Queues in the browser: a supervisor's dashboard, open on one instance, counts a submission
//! made on another instance, a claim, and the move to QA1, without a refresh; a reviewer is
//! told at once when the case changes under them.

use crate::browser::{browser, driver, screenshot, sign_in_as};
use crate::support::{Backend, TestApp};
use fantoccini::{Client, Locator};
use std::time::Duration;

/// Waits until the dashboard's counter reads `expected`.
async fn wait_count(
    client: &Client,
    counter: &str,
    expected: &str,
) -> Result<bool, Box<dyn std::error::Error>> {
    let selector = format!("[data-count=\"{counter}\"]");
    for _ in 0..100 {
        let text = client.find(Locator::Css(&selector)).await?.text().await?;
        if text == expected {
            return Ok(true);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(false)
}

#[tokio::test]
async fn the_dashboard_and_the_review_page_follow_changes_made_on_another_instance() {
    let Some(driver) = driver().await else { return };
    let Some(redis) = crate::support::redis_overrides("browser queue dashboard on two instances")
    else {
        return;
    };
    let apps = TestApp::spawn_cluster(Backend::Sqlite, 2, &redis)
        .await
        .expect("cluster");
    let manager = browser(&driver).await;
    let result = async {
        sign_in_as(&manager, &apps[0].address, "qa.manager@justice.gov.uk").await?;
        manager.goto(&format!("{}/queues", apps[0].address)).await?;
        assert!(wait_count(&manager, "pqa-unclaimed", "0").await?);
        // A worker on the other instance submits a case: it arrives in provider QA.
        let worker = crate::enrolment::submitted_case(&apps[1]).await;
        assert!(
            wait_count(&manager, "pqa-unclaimed", "1").await?,
            "the submission is counted live"
        );
        // Provider QA takes it and accepts it on the other instance: claimed, then in QA1.
        let pqa = apps[1].signed_in("pqa@provider-a.example").await;
        let entry = apps[1]
            .sql_one("SELECT id FROM qa_entries WHERE queue = 'pqa' AND completed_at IS NULL")
            .await;
        let path = format!("/queues/entries/{entry}");
        pqa.submit(&path, &format!("{path}/take"), &[])
            .await
            .expect_status(303);
        assert!(
            wait_count(&manager, "pqa-claimed", "1").await?,
            "the claim is shown live"
        );
        let form = pqa.get(&path).await;
        let marker = "name=\"version\" value=\"";
        let at = form.body.find(marker).expect("form") + marker.len();
        let version: String = form.body[at..].chars().take_while(|c| *c != '"').collect();
        pqa.post(
            &path,
            &[
                ("csrf_token", &form.csrf()),
                ("version", &version),
                ("outcome", "accept"),
            ],
        )
        .await
        .expect_status(303);
        assert!(wait_count(&manager, "pqa-claimed", "0").await?);
        assert!(
            wait_count(&manager, "qa1-unclaimed", "1").await?,
            "QA1 counts it"
        );
        screenshot(&manager, "queue-dashboard").await;
        // The QA1 review page, as a reviewer sees it.
        manager
            .goto(&format!("{}/queues/qa1", apps[0].address))
            .await?;
        manager
            .find(Locator::Css("form[action='/queues/qa1/next'] button"))
            .await?
            .click()
            .await?;
        manager
            .wait()
            .for_element(Locator::Id("decide-title"))
            .await?;
        screenshot(&manager, "queue-review").await;
        // The worker changes the case on the other instance: the reviewer is told at once.
        let notice = manager.find(Locator::Css("[data-stale-notice]")).await?;
        assert!(
            !notice.is_displayed().await?,
            "no warning before any change"
        );
        let case = format!("/participants/{}", crate::enrolment::CASE);
        worker
            .submit(
                &case,
                &format!("{case}/details"),
                &[("notes", "Moved to another wing"), ("base_notes", "")],
            )
            .await
            .expect_status(303);
        let mut shown = false;
        for _ in 0..100 {
            if notice.is_displayed().await? {
                shown = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(shown, "the reviewer is told the case changed under them");
        manager
            .goto(&format!("{}/queues/performance", apps[0].address))
            .await?;
        manager
            .wait()
            .for_element(Locator::Id("chart-per-day"))
            .await?;
        screenshot(&manager, "qa-performance").await;
        Ok::<_, Box<dyn std::error::Error>>(())
    }
    .await;
    let _ = manager.close().await;
    result.expect("live dashboard flow");
}
