//! The form a custody support worker fills in after the pre-release meeting to make the PRI:
//! release, meeting and attendance, and who it is assigned to.

use crate::form::{
    CheckboxesField, CsrfField, DateField, ErrorSummary, FormErrors, RadiosField, SelectField,
    TextAreaField, TextField,
};
use maud::{html, Markup};
use std::collections::HashMap;

/// The meeting's parties: (in-person field, reason field, question).
pub const ATTENDANCE: [(&str, &str, &str); 3] = [
    (
        "custody_in_person",
        "custody_reason",
        "Did the custody support worker attend in person?",
    ),
    (
        "community_in_person",
        "community_reason",
        "Did the community support worker attend in person?",
    ),
    (
        "participant_in_person",
        "participant_reason",
        "Did the participant attend in person?",
    ),
];

/// The PRI form page.
pub struct PriFormPage<'a> {
    /// Case id.
    pub id: &'a str,
    /// Participant's name.
    pub name: &'a str,
    /// (id, name) of the custody locations the user's team works at.
    pub custody_locations: &'a [(String, String)],
    /// (id, name) of every community location.
    pub release_locations: &'a [(String, String)],
    /// What was typed (empty on a new form, apart from defaults).
    pub values: &'a HashMap<String, String>,
    /// Errors.
    pub errors: &'a FormErrors,
    /// CSRF token.
    pub csrf_token: &'a str,
}

/// Renders the page.
pub fn pri_form_page(page: &PriFormPage<'_>) -> Markup {
    let value = |name: &str| page.values.get(name).map_or("", String::as_str);
    let date = |name: &str| {
        (
            value(&format!("{name}_day")).to_owned(),
            value(&format!("{name}_month")).to_owned(),
            value(&format!("{name}_year")).to_owned(),
        )
    };
    let (expected, meeting) = (date("expected_release"), date("meeting_date"));
    let yes_no = |name: &str| {
        [("yes", "Yes"), ("no", "No")]
            .map(|(v, l)| (v.to_owned(), l.to_owned(), value(name) == v))
            .to_vec()
    };
    let self_assign = [(
        "yes".to_owned(),
        "Assign the PRI to me: my team works at the release location and I will work with the participant after release".to_owned(),
        value("self_assign") == "yes",
    )];
    html! {
        p { a href={ "/participants/" (page.id) "/pri" } { "Back to the PRI" } }
        (ErrorSummary(page.errors))
        span.caption { (page.name) " " (page.id) }
        h1 { "Make the PRI" }
        div.form-group.form-group--error[page.errors.get("case").is_some()] id="case" {
            @if let Some(message) = page.errors.get("case") {
                p.error-message { span.visually-hidden { "Error: " } (message) }
            }
        }
        form method="post" action={ "/participants/" (page.id) "/pri/new" } novalidate {
            (CsrfField(page.csrf_token))
            h2 { "Release" }
            (SelectField { name: "custody_location", label: "Released from", options: page.custody_locations,
                selected: value("custody_location"), errors: page.errors })
            (SelectField { name: "release_location", label: "Expected release location", options: page.release_locations,
                selected: value("release_location"), errors: page.errors })
            (DateField { name: "expected_release", legend: "Expected release date",
                hint: Some("From today up to 3 months ahead"),
                value: (&expected.0, &expected.1, &expected.2), errors: page.errors })
            h2 { "Pre-release meeting" }
            (DateField { name: "meeting_date", legend: "When did the pre-release meeting take place?",
                hint: Some("Between the custody support worker, the community support worker and the participant"),
                value: (&meeting.0, &meeting.1, &meeting.2), errors: page.errors })
            @for (choice, reason, question) in ATTENDANCE {
                (RadiosField { name: choice, legend: question, hint: None, options: &yes_no(choice), errors: page.errors })
                (TextAreaField { name: reason, label: "If not, why not?", hint: None,
                    value: value(reason), errors: page.errors })
            }
            (TextAreaField { name: "support_information", label: "Post-release community support information (optional)",
                hint: None, value: value("support_information"), errors: page.errors })
            h2 { "Assignment" }
            (TextField { name: "code", label: "PRI code",
                hint: Some("The 6-digit code the community support worker gave you"),
                value: value("code"), input_type: "text", autocomplete: Some("off"), errors: page.errors })
            (CheckboxesField { name: "self_assign", legend: "Or", hint: None, options: &self_assign, errors: page.errors })
            button.button type="submit" { "Make the PRI" }
        }
    }
}
