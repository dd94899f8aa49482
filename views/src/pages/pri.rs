//! The case's pre-release inventory (PRI): what it says, the community worker's code, and the
//! ways on (make the PRI, abandon it). The PRI form itself is in `pri_form`.

use crate::form::{CsrfField, ErrorSummary, FormErrors, RadiosField, TextAreaField};
use maud::{html, Markup};

/// A PRI as the page shows it.
pub struct PriView<'a> {
    /// Status name.
    pub status: &'a str,
    /// Custody location name.
    pub custody: &'a str,
    /// Release location name.
    pub release: &'a str,
    /// Expected release date, as people read it.
    pub expected_release: String,
    /// Meeting date.
    pub meeting: String,
    /// (who, why not in person; `None`: they attended in person).
    pub attendance: [(&'a str, Option<&'a str>); 3],
    /// Post-release community support information.
    pub support_information: Option<&'a str>,
    /// Who made it, and when.
    pub created: (String, String),
    /// Who it is assigned to.
    pub assignee: Option<String>,
    /// Why it was abandoned: reason, justification.
    pub abandoned: Option<(&'a str, Option<&'a str>)>,
    /// The user may abandon it now.
    pub may_abandon: bool,
}

/// The PRI page.
pub struct PriPage<'a> {
    /// Case id.
    pub id: &'a str,
    /// Participant's name.
    pub name: &'a str,
    /// The case's PRI, if it has one.
    pub pri: Option<PriView<'a>>,
    /// The user is a community worker who may issue a code: `Some(their live code, if any)`.
    pub code: Option<Option<String>>,
    /// The user may make the PRI (the case has none and is not archived).
    pub may_create: bool,
    /// Errors (at `code`).
    pub errors: &'a FormErrors,
    /// CSRF token.
    pub csrf_token: &'a str,
}

fn row(label: &str, value: &str) -> Markup {
    html! {
        div.summary-list__row {
            dt.summary-list__key { (label) }
            dd.summary-list__value { (value) }
        }
    }
}

fn details(id: &str, pri: &PriView<'_>) -> Markup {
    html! {
        dl.summary-list #pri {
            (row("Status", pri.status))
            (row("Released from", pri.custody))
            (row("Expected release location", pri.release))
            (row("Expected release date", &pri.expected_release))
            (row("Community support worker", pri.assignee.as_deref().unwrap_or("Not assigned")))
            (row("Pre-release meeting", &pri.meeting))
            @for (who, why) in pri.attendance {
                (row(&format!("Did {who} attend in person?"), why.map_or("Yes".to_owned(), |w| format!("No: {w}")).as_str()))
            }
            @if let Some(info) = pri.support_information {
                (row("Post-release community support", info))
            }
            (row("Made by", &format!("{} on {}", pri.created.0, pri.created.1)))
            @if let Some((reason, justification)) = pri.abandoned {
                (row("Abandoned", &match justification {
                    Some(j) => format!("{reason}: {j}"),
                    None => reason.to_owned(),
                }))
            }
        }
        @if pri.may_abandon {
            p { a href={ "/participants/" (id) "/pri/abandon" } { "Abandon the PRI" } }
        }
    }
}

/// Renders the page.
pub fn pri_page(page: &PriPage<'_>) -> Markup {
    let base = format!("/participants/{}/pri", page.id);
    html! {
        p { a href={ "/participants/" (page.id) } { "Back to the case" } }
        (ErrorSummary(page.errors))
        span.caption { (page.name) " " (page.id) }
        h1 { "Pre-release inventory (PRI)" }
        @if let Some(pri) = &page.pri {
            (details(page.id, pri))
        } @else {
            p { "This participant has no PRI. Before release, the community support worker who will work with them after release issues a code; the custody support worker enters it when making the PRI, which assigns it to them." }
        }
        @if let Some(yours) = &page.code {
            h2 { "A code for the custody support worker" }
            div.form-group.form-group--error[page.errors.get("code").is_some()] id="code" {
                @if let Some(message) = page.errors.get("code") {
                    p.error-message { span.visually-hidden { "Error: " } (message) }
                }
                @if let Some(code) = yours {
                    p { "Your code: " strong #pri-code { (code) } }
                    p { "Give it to the custody support worker making the PRI. A new code replaces it." }
                } @else {
                    p { "Issue a code and give it to the custody support worker, so the PRI is assigned to you." }
                }
            }
            form method="post" action={ (base) "/code" } novalidate {
                (CsrfField(page.csrf_token))
                button.button.button--secondary type="submit" {
                    @if yours.is_some() { "Issue a new code" } @else { "Issue a code" }
                }
            }
        }
        @if page.may_create {
            h2 { "Make the PRI" }
            p { "For the custody support worker, after the pre-release meeting." }
            p { a.button href={ (base) "/new" } { "Make the PRI" } }
        }
    }
}

/// The abandon page.
pub struct AbandonPage<'a> {
    /// Case id.
    pub id: &'a str,
    /// Participant's name.
    pub name: &'a str,
    /// (value, label, checked) reasons.
    pub reasons: &'a [(String, String, bool)],
    /// What was typed.
    pub justification: &'a str,
    /// Errors.
    pub errors: &'a FormErrors,
    /// CSRF token.
    pub csrf_token: &'a str,
}

/// Renders the abandon page.
pub fn abandon_page(page: &AbandonPage<'_>) -> Markup {
    html! {
        p { a href={ "/participants/" (page.id) "/pri" } { "Back to the PRI" } }
        (ErrorSummary(page.errors))
        span.caption { (page.name) " " (page.id) }
        h1 { "Abandon the PRI" }
        p { "A participant has one PRI only: once abandoned, no new PRI can be made for them." }
        form method="post" action={ "/participants/" (page.id) "/pri/abandon" } novalidate {
            (CsrfField(page.csrf_token))
            (RadiosField { name: "reason", legend: "Why?", hint: None, options: page.reasons, errors: page.errors })
            (TextAreaField { name: "justification", label: "Justification",
                hint: Some("Needed when the reason is Other (up to 1000 characters)."),
                value: page.justification, errors: page.errors })
            button.button.button--warning type="submit" { "Abandon the PRI" }
        }
    }
}
