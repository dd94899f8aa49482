//! Queue pages: the dashboard of every queue the user works, one queue's open entries, and an
//! entry being reviewed. The parts marked as live fragments are fetched again whenever any
//! queue changes, so counts and "being reviewed by" move without a refresh.

use crate::components::{Banner, SummaryList};
use crate::form::{CsrfField, ErrorSummary, FormErrors, RadiosField, SelectField, TextAreaField};
use maud::{html, Markup};

/// One queue's totals.
pub struct QueueTotals {
    /// URL value.
    pub queue: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Open and not taken.
    pub unclaimed: i64,
    /// Being reviewed.
    pub claimed: i64,
    /// Age of the oldest open entry, in words ("3 days"), if any.
    pub oldest: Option<String>,
    /// Per tenant and contract: (tenant, contract, unclaimed, claimed).
    pub by_tenant: Vec<(String, String, i64, i64)>,
}

/// The dashboard; `performance` links to the QA performance charts.
pub fn dashboard(queues: &[QueueTotals], performance: bool) -> Markup {
    html! {
        h1 { "Queues" }
        p { "Counts change as entries arrive, are taken and are decided, on every instance." }
        @if performance {
            p { a href="/queues/performance" { "QA performance: decisions per day, time in each queue, returns by reason" } }
        }
        div #queue-dashboard data-live-fragment {
            @for q in queues {
                section.queue-card aria-labelledby={ "queue-" (q.queue) } {
                    h2 #{ "queue-" (q.queue) } { a href={ "/queues/" (q.queue) } { (q.name) } }
                    (SummaryList(&[
                        ("Waiting", html! { span data-count={ (q.queue) "-unclaimed" } { (q.unclaimed) } }),
                        ("Being reviewed", html! { span data-count={ (q.queue) "-claimed" } { (q.claimed) } }),
                        ("Oldest", html! { (q.oldest.as_deref().unwrap_or("Nothing waiting")) }),
                    ]))
                    @if !q.by_tenant.is_empty() {
                        table.table {
                            caption { (q.name) " by tenant and contract" }
                            thead { tr { th scope="col" { "Tenant" } th scope="col" { "Contract" }
                                th scope="col" { "Waiting" } th scope="col" { "Being reviewed" } } }
                            tbody {
                                @for (tenant, contract, unclaimed, claimed) in &q.by_tenant {
                                    tr { td { (tenant) } td { (contract) } td { (unclaimed) } td { (claimed) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// An open entry as its queue lists it.
pub struct QueueEntryLine {
    /// Entry id.
    pub id: i64,
    /// Case id.
    pub participant_id: String,
    /// Participant's name.
    pub name: String,
    /// Tenant name.
    pub tenant: String,
    /// How long it has waited, in words.
    pub waiting: String,
    /// Who is reviewing it, if anyone ("you" for the user).
    pub reviewer: Option<String>,
    /// The user may open it to review.
    pub may_review: bool,
}

/// One queue.
pub struct QueuePage<'a> {
    /// URL value.
    pub queue: &'a str,
    /// Display name.
    pub name: &'a str,
    /// "Next" hands out the work (QA1, QA2) instead of choosing from the list.
    pub takes_next: bool,
    /// Open entries, oldest first.
    pub entries: &'a [QueueEntryLine],
    /// A message after "next" found nothing.
    pub notice: Option<&'a str>,
    /// CSRF token.
    pub csrf_token: &'a str,
}

/// Renders one queue.
pub fn queue_page(page: &QueuePage<'_>) -> Markup {
    html! {
        p { a href="/queues" { "All queues" } }
        h1 { (page.name) }
        @if let Some(notice) = page.notice {
            (Banner { title: "Nothing to take", body: html! { p { (notice) } }, success: false })
        }
        @if page.takes_next {
            form method="post" action={ "/queues/" (page.queue) "/next" } {
                (CsrfField(page.csrf_token))
                button.button type="submit" { "Review the next entry" }
                p.hint { "You get your own open entry first, otherwise the oldest one waiting that you may review." }
            }
        }
        div #queue-list data-live-fragment {
            p { (page.entries.len()) " open " (if page.entries.len() == 1 { "entry" } else { "entries" }) }
            @if page.entries.is_empty() {
                p { "Nothing is waiting in this queue." }
            } @else {
                table.table {
                    thead { tr { th scope="col" { "Participant" } th scope="col" { "Tenant" }
                        th scope="col" { "Waiting" } th scope="col" { "Reviewer" } th scope="col" { span.visually-hidden { "Action" } } } }
                    tbody {
                        @for entry in page.entries {
                            tr {
                                td { a href={ "/participants/" (entry.participant_id) } { (entry.name) } " " code { (entry.participant_id) } }
                                td { (entry.tenant) }
                                td { (entry.waiting) }
                                td { @match &entry.reviewer { Some(r) => { "Being reviewed by " (r) }, None => { "Waiting" } } }
                                td {
                                    @if entry.may_review {
                                        a href={ "/queues/entries/" (entry.id) } { "Review" span.visually-hidden { " " (entry.name) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A note in the review history.
pub struct NoteLine {
    /// When, for display.
    pub when: String,
    /// Who.
    pub who: String,
    /// The queue and outcome, in words.
    pub what: String,
    /// The text.
    pub message: Option<String>,
    /// Internal only.
    pub internal: bool,
}

/// Where the entry stands for the person looking.
pub enum ReviewState {
    /// Theirs to decide: the decision form.
    Yours,
    /// Not taken: they may take it.
    MayTake,
    /// Someone else has it.
    TakenBy(String),
    /// Decided already.
    Decided(String),
    /// They may not review it (their own case, their own QA1), and why.
    NotYours(String),
}

/// The decision form's choices and what was typed.
pub struct DecisionFormView<'a> {
    /// (value, label, checked) outcomes.
    pub outcomes: &'a [(String, String, bool)],
    /// Offer feedback types (authority accept).
    pub feedback_types: &'a [(String, String, bool)],
    /// Return reasons (authority return).
    pub return_reasons: &'a [(String, String)],
    /// QA1 feedback reasons (authority queues), with a blank first.
    pub qa1_reasons: &'a [(String, String)],
    /// Offer "internal only".
    pub offer_internal: bool,
    /// What was typed.
    pub typed: &'a dyn Fn(&str) -> String,
}

/// The review page.
pub struct ReviewPage<'a> {
    /// Entry id.
    pub entry: i64,
    /// Queue URL value and name.
    pub queue: (&'a str, &'a str),
    /// Participant name and id.
    pub participant: (&'a str, &'a str),
    /// The case version the page shows.
    pub version: i64,
    /// Where it stands.
    pub state: ReviewState,
    /// The case's summary, enrolment and assessment sections (live fragments of the case).
    pub case_sections: Markup,
    /// Notes so far.
    pub notes: &'a [NoteLine],
    /// The form.
    pub form: DecisionFormView<'a>,
    /// Errors.
    pub errors: &'a FormErrors,
    /// CSRF token.
    pub csrf_token: &'a str,
}

/// Renders the review page.
pub fn review_page(page: &ReviewPage<'_>) -> Markup {
    let (queue, queue_name) = page.queue;
    let (name, id) = page.participant;
    html! {
        p { a href={ "/queues/" (queue) } { "Back to " (queue_name) } }
        (ErrorSummary(page.errors))
        span.caption { (queue_name) " review" }
        h1 { (name) " " code { (id) } }
        p { a href={ "/participants/" (id) } { "Open the full case" } }
        div #review-status data-live-fragment {
            @match &page.state {
                ReviewState::Yours => {
                    p.review-status { strong { "You are reviewing this entry." } }
                    form.inline method="post" action={ "/queues/entries/" (page.entry) "/release" } {
                        (CsrfField(page.csrf_token))
                        button.button.button--secondary type="submit" { "Give it back to the queue" }
                    }
                }
                ReviewState::MayTake => {
                    form method="post" action={ "/queues/entries/" (page.entry) "/take" } {
                        (CsrfField(page.csrf_token))
                        button.button type="submit" { "Review this entry" }
                    }
                }
                ReviewState::TakenBy(who) => { p.review-status { strong { "Being reviewed by " (who) "." } } }
                ReviewState::Decided(what) => { p.review-status { strong { "Decided: " (what) "." } } }
                ReviewState::NotYours(why) => { p.review-status { strong { (why) } } }
            }
        }
        (page.case_sections)
        section aria-labelledby="notes-title" {
            h2 #notes-title { "Review notes" }
            @if page.notes.is_empty() {
                p { "No notes yet." }
            } @else {
                ol.notes {
                    @for n in page.notes {
                        li.note {
                            p.note__meta { (n.when) " · " (n.who) " · " (n.what)
                                @if n.internal { " · " strong { "Internal" } } }
                            @if let Some(m) = &n.message { p { (m) } }
                        }
                    }
                }
            }
        }
        @if matches!(page.state, ReviewState::Yours) {
            (decision_form(page))
        }
    }
}

fn decision_form(page: &ReviewPage<'_>) -> Markup {
    let f = &page.form;
    let typed = f.typed;
    html! {
        section aria-labelledby="decide-title" {
            h2 #decide-title { "Your decision" }
            form method="post" action={ "/queues/entries/" (page.entry) } novalidate data-case-version=(page.version) {
                div.banner data-stale-notice hidden role="alert" {
                    h2.banner__title { "This case has just changed" }
                    div.banner__body { p { "Someone changed the case after you opened it. "
                        a href={ "/queues/entries/" (page.entry) } { "Reload the page" }
                        " to see what changed before you decide." } }
                }
                (CsrfField(page.csrf_token))
                input type="hidden" name="version" value=(page.version);
                (RadiosField { name: "outcome", legend: "What do you decide?", hint: None, options: f.outcomes, errors: page.errors })
                @if !f.feedback_types.is_empty() {
                    (RadiosField { name: "feedback_type", legend: "Feedback for the provider (when accepting)",
                        hint: Some("Advisory and accepted-by-exception feedback need a message for the provider."),
                        options: f.feedback_types, errors: page.errors })
                }
                @if !f.return_reasons.is_empty() {
                    (SelectField { name: "return_reason", label: "Reason (when returning)", options: f.return_reasons,
                        selected: &typed("return_reason"), errors: page.errors })
                }
                (TextAreaField { name: "message", label: "Message", hint: Some("Required to return, comment or escalate. Up to 1000 characters."),
                    value: &typed("message"), errors: page.errors })
                @if f.offer_internal {
                    div.checkbox {
                        input #internal type="checkbox" name="internal" value="yes" checked[typed("internal") == "yes"];
                        label for="internal" { "Internal note: never shown to provider staff" }
                    }
                }
                @if !f.qa1_reasons.is_empty() {
                    details open[!typed("qa1_feedback_reason").is_empty()] {
                        summary { "Feedback for the QA1 reviewer (optional)" }
                        (SelectField { name: "qa1_feedback_reason", label: "Feedback reason", options: f.qa1_reasons,
                            selected: &typed("qa1_feedback_reason"), errors: page.errors })
                        (TextAreaField { name: "qa1_feedback_message", label: "Feedback", hint: None,
                            value: &typed("qa1_feedback_message"), errors: page.errors })
                    }
                }
                button.button type="submit" { "Submit decision" }
            }
        }
    }
}

/// A notification as listed.
pub struct NotificationLine {
    /// Id.
    pub id: i64,
    /// Heading.
    pub heading: String,
    /// Details.
    pub details: String,
    /// Link.
    pub link: Option<String>,
    /// When.
    pub when: String,
    /// Read yet.
    pub read: bool,
}

/// The notifications page.
pub fn notifications_page(lines: &[NotificationLine], csrf_token: &str) -> Markup {
    html! {
        h1 { "Notifications" }
        @if lines.iter().any(|l| !l.read) {
            form method="post" action="/notifications/read" {
                (CsrfField(csrf_token))
                button.button.button--secondary type="submit" { "Mark all as read" }
            }
        }
        @if lines.is_empty() {
            p { "You have no notifications." }
        } @else {
            ul.notifications {
                @for l in lines {
                    li.notification.notification--unread[!l.read] {
                        h2.notification__heading {
                            @if let Some(link) = &l.link { a href=(link) { (l.heading) } } @else { (l.heading) }
                            @if !l.read { " " span.tag.tag--blue { "New" } }
                        }
                        p { (l.details) }
                        p.hint { (l.when) }
                        @if !l.read {
                            form.inline method="post" action={ "/notifications/" (l.id) "/read" } {
                                (CsrfField(csrf_token))
                                button.link-button type="submit" { "Mark as read" span.visually-hidden { ": " (l.heading) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The QA performance page's figures.
pub struct PerformancePage<'a> {
    /// Days counted.
    pub days: u16,
    /// Decisions per day: ("23 Nov", n).
    pub per_day: &'a [(String, i64)],
    /// Median minutes per queue.
    pub median_minutes: &'a [(String, i64)],
    /// Returns by reason.
    pub returns: &'a [(String, i64)],
}

/// Renders the QA performance page: three charts that are fetched again whenever a queue moves.
pub fn performance_page(page: &PerformancePage<'_>) -> Markup {
    use crate::charts::BarChart;
    html! {
        p { a href="/queues" { "All queues" } }
        h1 { "QA performance" }
        p { "Decisions in all queues you can see, over the last " (page.days) " days. The charts move as entries are decided." }
        div #qa-performance data-live-fragment {
            (BarChart { id: "chart-per-day", title: "Decisions per day", unit: "Decisions", bars: page.per_day })
            (BarChart { id: "chart-median", title: "Median time in each queue (minutes)", unit: "Minutes", bars: page.median_minutes })
            (BarChart { id: "chart-returns", title: "Returns by reason", unit: "Returns", bars: page.returns })
        }
    }
}
