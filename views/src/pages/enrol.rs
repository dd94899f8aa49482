//! The enrol wizard: one question per page (location, consent, right to work), then a check
//! page that confirms the enrolment. Every step saves at once, so nothing typed is lost if the
//! person stops half-way.

use crate::form::{
    CsrfField, DateField, ErrorSummary, FileField, FormErrors, RadiosField, TextAreaField,
};
use maud::{html, Markup};

/// Header common to the steps.
pub struct WizardHeader<'a> {
    /// Case id.
    pub id: &'a str,
    /// Participant's name.
    pub name: &'a str,
    /// Step title.
    pub title: &'a str,
    /// Errors.
    pub errors: &'a FormErrors,
}

fn header(h: &WizardHeader<'_>) -> Markup {
    html! {
        (ErrorSummary(h.errors))
        p { a.back-link href={ "/participants/" (h.id) } { "Back to the case" } }
        span.caption { "Enrol " (h.name) }
        h1 { (h.title) }
    }
}

/// The location step.
pub struct LocationStep<'a> {
    /// Header.
    pub header: WizardHeader<'a>,
    /// (location id, name, checked); the current location first.
    pub options: &'a [(String, String, bool)],
    /// Justification typed.
    pub justification: &'a str,
}

/// Renders the location step.
pub fn location_step(page: &LocationStep<'_>, csrf: &str) -> Markup {
    html! {
        (header(&page.header))
        form #enrol-form method="post" novalidate {
            (CsrfField(csrf))
            (RadiosField { name: "location", legend: "Where is the participant being enrolled?",
                hint: Some("Usually their current location. Another location needs a reason."),
                options: page.options, errors: page.header.errors })
            (TextAreaField { name: "justification", label: "If not their current location, why?",
                hint: None, value: page.justification, errors: page.header.errors })
            button.button type="submit" { "Save and continue" }
        }
    }
}

/// The consent step.
pub struct ConsentStep<'a> {
    /// Header.
    pub header: WizardHeader<'a>,
    /// Date typed.
    pub date: (&'a str, &'a str, &'a str),
    /// (version, label, checked).
    pub versions: &'a [(String, String, bool)],
    /// Certification ticked.
    pub certified: bool,
}

/// Renders the consent step.
pub fn consent_step(page: &ConsentStep<'_>, csrf: &str) -> Markup {
    let errors = page.header.errors;
    html! {
        (header(&page.header))
        form #enrol-form method="post" enctype="multipart/form-data" novalidate {
            (CsrfField(csrf))
            (DateField { name: "consent_date", legend: "When did the participant sign the consent form?",
                hint: Some("Within the last 3 months, for example 3 11 2026"), value: page.date, errors })
            (RadiosField { name: "form_version", legend: "Which version of the consent form?", hint: None,
                options: page.versions, errors })
            (FileField { name: "document", label: "Upload the signed form",
                hint: Some("A PDF smaller than 1 MB"), errors })
            div.form-group.form-group--error[errors.get("certified").is_some()] id="certified" {
                @if let Some(message) = errors.get("certified") { p.error-message { (message) } }
                div.checkbox {
                    input #certified-box type="checkbox" name="certified" value="yes" checked[page.certified];
                    label for="certified-box" { "I confirm the participant signed this form and understood what they agreed to" }
                }
            }
            button.button type="submit" { "Save and continue" }
        }
    }
}

/// The right-to-work step.
pub struct RightToWorkStep<'a> {
    /// Header.
    pub header: WizardHeader<'a>,
    /// Needed for this nationality.
    pub needed: bool,
    /// From typed.
    pub from: (&'a str, &'a str, &'a str),
    /// To typed.
    pub to: (&'a str, &'a str, &'a str),
    /// Indefinite ticked.
    pub indefinite: bool,
    /// Shown during the wizard (offers to go on without it).
    pub in_wizard: bool,
}

/// Renders the right-to-work step.
pub fn right_to_work_step(page: &RightToWorkStep<'_>, csrf: &str) -> Markup {
    let errors = page.header.errors;
    let base = format!("/participants/{}/enrol", page.header.id);
    html! {
        (header(&page.header))
        @if !page.needed { p { "The participant's nationality is exempt, so no evidence is needed. You can still add some." } }
        form #enrol-form method="post" enctype="multipart/form-data" novalidate {
            (CsrfField(csrf))
            (DateField { name: "valid_from", legend: "From", hint: Some("For example 1 6 2024"), value: page.from, errors })
            (DateField { name: "valid_to", legend: "To", hint: Some("Leave empty and tick below for indefinite leave"), value: page.to, errors })
            div.checkbox {
                input #indefinite type="checkbox" name="indefinite" value="yes" checked[page.indefinite];
                label for="indefinite" { "Indefinite leave to remain" }
            }
            (FileField { name: "document", label: "Upload the evidence", hint: Some("A PDF smaller than 1 MB"), errors })
            button.button type="submit" { "Save and continue" }
        }
        @if page.in_wizard {
            p { a href={ (base) "/check?skip_right_to_work=1" } { "Continue without it for now" } }
            p.hint { "Approval will send the case back to provider QA until evidence is added." }
        }
    }
}

/// The check page.
pub struct CheckStep<'a> {
    /// Header.
    pub header: WizardHeader<'a>,
    /// What was recorded: (label, value, change link).
    pub rows: Vec<(&'static str, String, String)>,
    /// What is still missing.
    pub missing: Vec<&'static str>,
}

/// Renders the check page.
pub fn check_step(page: &CheckStep<'_>, csrf: &str) -> Markup {
    html! {
        (header(&page.header))
        dl.summary-list {
            @for (label, value, href) in &page.rows {
                div.summary-list__row {
                    dt.summary-list__key { (label) }
                    dd.summary-list__value { (value) }
                    dd { a href=(href) { "Change" } }
                }
            }
        }
        @if page.missing.is_empty() {
            h2 { "What happens next" }
            p { "The case becomes Enrolling. Then complete the assessment and submit the case to provider QA." }
            form method="post" novalidate {
                (CsrfField(csrf))
                button.button type="submit" { "Confirm enrolment" }
            }
        } @else {
            p { "Before the enrolment can be confirmed:" }
            ul { @for item in &page.missing { li { (item) } } }
        }
    }
}
