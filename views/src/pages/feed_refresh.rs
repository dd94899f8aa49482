//! The external-data refresh pages: the administrator's page with the latest run's progress
//! (a live fragment) and "Sync now" for every case, and "Sync now" for one case.

use crate::components::{Banner, SummaryList};
use crate::form::CsrfField;
use maud::{html, Markup};

/// The fragment id live progress replaces.
pub const PROGRESS_FRAGMENT: &str = "feed-refresh-progress";

/// A run, as shown.
pub struct RunView {
    /// "Nightly" or "Requested by …".
    pub trigger: String,
    /// Started, formatted.
    pub started: String,
    /// Finished, formatted; `None` while it runs.
    pub finished: Option<String>,
    /// Cases when it started.
    pub total: i64,
    /// Cases done.
    pub done: i64,
    /// Cases the feed changed.
    pub changed: i64,
    /// Cases the service could not answer for.
    pub errors: i64,
}

/// The progress section (replaced live as the run moves on).
pub fn progress(run: Option<&RunView>) -> Markup {
    html! {
        section #feed-refresh-progress data-live-fragment {
            @match run {
                None => p { "No refresh has run yet." },
                Some(run) => {
                    h2 { @if run.finished.is_some() { "Last refresh" } @else { "Refresh in progress" } }
                    (SummaryList(&[
                        ("Started", html! { (run.started) " (" (run.trigger) ")" }),
                        ("Progress", html! {
                            span data-progress-done { (run.done) } " of " span data-progress-total { (run.total.max(run.done)) } " cases"
                        }),
                        ("Changed by the feed", html! { (run.changed) }),
                        ("Errors", html! { span data-progress-errors { (run.errors) } }),
                        ("Finished", html! { (run.finished.as_deref().unwrap_or("Not yet")) }),
                    ]))
                    @if run.errors > 0 {
                        p.error-message {
                            (run.errors) " case(s) could not be refreshed: the offender data service did not answer for them. "
                            "The run carried on with the other cases; the next run tries them again."
                        }
                    }
                }
            }
        }
    }
}

/// The administrator's page.
pub struct FeedRefreshPage<'a> {
    /// The latest run.
    pub run: Option<RunView>,
    /// A run was just requested.
    pub requested: bool,
    /// The nightly hour, UK time.
    pub nightly_hour: u8,
    /// CSRF token.
    pub csrf_token: &'a str,
}

/// Renders the administrator's page.
pub fn feed_refresh_page(page: &FeedRefreshPage<'_>) -> Markup {
    let running = page.run.as_ref().is_some_and(|r| r.finished.is_none());
    html! {
        @if page.requested {
            (Banner { title: "Refresh requested", body: html! { p { "Every case will be refreshed from the offender data. Progress shows below." } }, success: true })
        }
        h1 { "Offender data refresh" }
        p { "Every case is refreshed from the offender data each night at " (format!("{:02}:00", page.nightly_hour)) " UK time. Cases deactivated in the feed more than 30 days ago are archived." }
        (progress(page.run.as_ref()))
        form method="post" action="/admin/feed-refresh" novalidate {
            (CsrfField(page.csrf_token))
            @if running {
                p.hint { "A refresh is running: asking again does not start another." }
            }
            button.button type="submit" { "Sync now" }
        }
    }
}

/// The one-case page.
pub struct CaseSyncPage<'a> {
    /// Case id.
    pub id: &'a str,
    /// The participant's name.
    pub name: &'a str,
    /// Last refreshed, formatted.
    pub last_sync: &'a str,
    /// What the refresh just did, if it ran.
    pub outcome: Option<&'a str>,
    /// CSRF token.
    pub csrf_token: &'a str,
}

/// Renders the one-case page.
pub fn case_sync_page(page: &CaseSyncPage<'_>) -> Markup {
    html! {
        @if let Some(outcome) = page.outcome {
            (Banner { title: "Refreshed", body: html! { p { (outcome) } }, success: true })
        }
        a.back-link href={ "/participants/" (page.id) } { "Back to the case" }
        h1 { "Refresh " (page.name) " from the offender data" }
        (SummaryList(&[
            ("Case", html! { (page.id) }),
            ("Last refreshed", html! { (page.last_sync) }),
        ]))
        form method="post" action={ "/participants/" (page.id) "/sync" } novalidate {
            (CsrfField(page.csrf_token))
            button.button type="submit" { "Sync now" }
        }
    }
}
