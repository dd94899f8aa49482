//! Archiving and unarchiving a case: one question page each, a reason and the text it needs.

use crate::form::{CsrfField, ErrorSummary, FormErrors, RadiosField, TextAreaField};
use maud::{html, Markup};

/// The archive or unarchive page.
pub struct ArchivePage<'a> {
    /// Case id.
    pub id: &'a str,
    /// Participant's name.
    pub name: &'a str,
    /// Unarchiving rather than archiving.
    pub unarchive: bool,
    /// (value, label, checked) reasons.
    pub reasons: &'a [(String, String, bool)],
    /// What was typed.
    pub information: &'a str,
    /// Errors.
    pub errors: &'a FormErrors,
    /// CSRF token.
    pub csrf_token: &'a str,
}

/// Renders the page.
pub fn archive_page(page: &ArchivePage<'_>) -> Markup {
    let (title, action, button, hint) = if page.unarchive {
        (
            "Unarchive this case",
            "unarchive",
            "Unarchive the case",
            "Say what has changed. Needed for every reason (up to 1000 characters).",
        )
    } else {
        (
            "Archive this case",
            "archive",
            "Archive the case",
            "Needed when the reason is Other (up to 1000 characters).",
        )
    };
    html! {
        p { a href={ "/participants/" (page.id) } { "Back to the case" } }
        (ErrorSummary(page.errors))
        span.caption { (page.name) " " (page.id) }
        h1 { (title) }
        @if page.unarchive {
            p { "The case goes back to the status it had before it was archived." }
        } @else {
            p { "An archived case can be read but not changed until someone unarchives it." }
        }
        form method="post" action={ "/participants/" (page.id) "/" (action) } novalidate {
            (CsrfField(page.csrf_token))
            (RadiosField { name: "reason", legend: "Why?", hint: None, options: page.reasons, errors: page.errors })
            (TextAreaField { name: "information", label: "Further information", hint: Some(hint),
                value: page.information, errors: page.errors })
            button.button type="submit" { (button) }
        }
    }
}
