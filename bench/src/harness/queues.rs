//! A signed-in user working the QA queues over HTTP the way their browser does: "review the
//! next entry", the review page, a decision, taking and releasing an entry, and the counters of
//! the queue dashboard. Each user has their own HTTP client (their own keep-alive connection),
//! follows no redirects, and sends the session's CSRF token with every form.

use super::accounts::{Browser, SESSION_COOKIE};
use anyhow::{bail, ensure, Context, Result};
use reqwest::header::{COOKIE, LOCATION};
use reqwest::StatusCode;
use std::time::Duration;

/// One request that takes longer than this has failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A user signed in on one instance.
#[derive(Debug, Clone)]
pub struct QueueUser {
    http: reqwest::Client,
    base_url: String,
    cookie: String,
    csrf_token: String,
    /// The e-mail they signed in with.
    pub email: String,
}

impl QueueUser {
    /// Signs in as `email` on the server at `base_url` and reads the session's CSRF token from
    /// the form on `form_page` (e.g. `/queues/qa1`).
    pub async fn sign_in(
        base_url: &str,
        email: &str,
        password: &str,
        form_page: &str,
    ) -> Result<Self> {
        let cookie = Browser::new(base_url)?
            .sign_in(email, password)
            .await
            .with_context(|| format!("signing in as {email}"))?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .context("building the HTTP client")?;
        let mut user = Self {
            http,
            base_url: base_url.to_owned(),
            cookie,
            csrf_token: String::new(),
            email: email.to_owned(),
        };
        let page = user.page(form_page).await?;
        user.csrf_token = attribute_after(&page, "name=\"csrf_token\" value=\"")
            .with_context(|| format!("{form_page} has no csrf_token field"))?;
        Ok(user)
    }

    /// The `cats_session` cookie's value, for a socket of the same session.
    pub fn cookie(&self) -> &str {
        &self.cookie
    }

    /// GETs `path` and returns the page, which must answer 200.
    pub async fn page(&self, path: &str) -> Result<String> {
        let url = format!("{}{path}", self.base_url);
        let response = self
            .http
            .get(&url)
            .header(COOKIE, format!("{SESSION_COOKIE}={}", self.cookie))
            .send()
            .await
            .with_context(|| format!("GET {url}"))?;
        ensure!(
            response.status() == StatusCode::OK,
            "GET {url} as {}: {}",
            self.email,
            response.status()
        );
        response
            .text()
            .await
            .with_context(|| format!("reading {url}"))
    }

    /// POSTs the form `fields` (and the CSRF token) to `path`; it must answer 303, and its
    /// `Location` is returned.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> Result<String> {
        let url = format!("{}{path}", self.base_url);
        let mut form = vec![("csrf_token", self.csrf_token.as_str())];
        form.extend_from_slice(fields);
        let response = self
            .http
            .post(&url)
            .header(COOKIE, format!("{SESSION_COOKIE}={}", self.cookie))
            .form(&form)
            .send()
            .await
            .with_context(|| format!("POST {url}"))?;
        let status = response.status();
        if status != StatusCode::SEE_OTHER {
            let body = response.text().await.unwrap_or_default();
            bail!(
                "POST {url} as {} answered {status}, not 303{}",
                self.email,
                error_message(&body)
                    .map(|message| format!(": {message}"))
                    .unwrap_or_default()
            );
        }
        response
            .headers()
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
            .with_context(|| format!("POST {url} answered 303 without a Location"))
    }

    /// "Review the next entry" in `queue`: the entry claimed, or `None` when it is empty.
    pub async fn next(&self, queue: &str) -> Result<Option<i64>> {
        let location = self.submit(&format!("/queues/{queue}/next"), &[]).await?;
        entry_of(&location)
            .map(Some)
            .or_else(|| location.contains("notice=empty").then_some(None))
            .with_context(|| format!("\"next\" in {queue} went to {location}"))
    }

    /// The case version an entry's review page shows (its hidden `version` field).
    pub async fn review_version(&self, entry: i64) -> Result<String> {
        let page = self.page(&format!("/queues/entries/{entry}")).await?;
        attribute_after(&page, "name=\"version\" value=\"")
            .with_context(|| format!("the review page of entry {entry} has no version field"))
    }

    /// Accepts an entry seen at `version`.
    pub async fn accept(&self, entry: i64, version: &str) -> Result<()> {
        self.submit(
            &format!("/queues/entries/{entry}"),
            &[("version", version), ("outcome", "accept")],
        )
        .await
        .map(drop)
    }

    /// Takes a listed entry (PQA).
    pub async fn take(&self, entry: i64) -> Result<()> {
        self.submit(&format!("/queues/entries/{entry}/take"), &[])
            .await
            .map(drop)
    }

    /// Gives a taken entry back.
    pub async fn release(&self, entry: i64) -> Result<()> {
        self.submit(&format!("/queues/entries/{entry}/release"), &[])
            .await
            .map(drop)
    }

    /// The dashboard's counter `name` (e.g. `pqa-claimed`), or `None` when it is not shown.
    pub async fn dashboard_count(&self, name: &str) -> Result<Option<u64>> {
        let page = self.page("/queues").await?;
        Ok(counter(&page, name))
    }

    /// Entries of `queue` its page lists as being reviewed (the `queue-list` fragment).
    pub async fn listed_claimed(&self, queue: &str) -> Result<u64> {
        let page = self.page(&format!("/queues/{queue}")).await?;
        Ok(page.matches("Being reviewed by ").count() as u64)
    }
}

/// The first entry id linked from a page (`/queues/entries/ID`).
pub fn first_entry_link(html: &str) -> Option<i64> {
    let start = html.find("/queues/entries/")?;
    entry_of(&html[start..])
}

/// The entry id at the start of `/queues/entries/ID…`.
fn entry_of(location: &str) -> Option<i64> {
    let rest = location.strip_prefix("/queues/entries/")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The number in `<span data-count="NAME">N</span>`.
fn counter(html: &str, name: &str) -> Option<u64> {
    let marker = format!("data-count=\"{name}\">");
    let start = html.find(&marker)? + marker.len();
    let digits: String = html[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The error summary's first message of a refused form, to say why in the report.
fn error_message(html: &str) -> Option<String> {
    let start = html.find("error-summary__title")?;
    let rest = &html[start..];
    let link = rest.find("<a")?;
    let text_start = link + rest[link..].find('>')? + 1;
    let text_end = text_start + rest[text_start..].find('<')?;
    Some(rest[text_start..text_end].trim().to_owned())
}

/// The text after `marker` up to the next double quote (an attribute's value).
fn attribute_after(html: &str, marker: &str) -> Option<String> {
    let start = html.find(marker)? + marker.len();
    let length = html[start..].find('"')?;
    Some(html[start..start + length].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dashboard_counter_is_read_by_its_name() {
        let html =
            r#"<span data-count="pqa-unclaimed">12</span><span data-count="pqa-claimed">1</span>"#;
        assert_eq!(counter(html, "pqa-claimed"), Some(1));
        assert_eq!(counter(html, "pqa-unclaimed"), Some(12));
        assert_eq!(counter(html, "qa1-claimed"), None);
    }

    #[test]
    fn the_claimed_entry_is_read_from_the_redirect() {
        assert_eq!(entry_of("/queues/entries/42"), Some(42));
        assert_eq!(entry_of("/queues/qa1?notice=empty"), None);
        assert_eq!(
            first_entry_link(r#"<a href="/queues/entries/7">Case</a>"#),
            Some(7)
        );
    }

    #[test]
    fn a_refused_form_says_why() {
        let html = r##"<h2 class="error-summary__title">There is a problem</h2><ul><li><a href="#message">Enter a message</a></li></ul>"##;
        assert_eq!(error_message(html).as_deref(), Some("Enter a message"));
    }
}
