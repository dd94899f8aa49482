//! Participant pages: finding a new participant, and a case's timeline (its newest lines on the
//! case page, older ones on pages of their own).

use crate::components::{Banner, SummaryList};
use crate::form::{CsrfField, ErrorSummary, FormErrors, TextField};
use maud::{html, Markup};

/// What a candidate search found, as the page shows it.
pub enum CandidateView {
    /// Nobody.
    NoMatch,
    /// One weak match.
    MoreInformationNeeded,
    /// Several.
    TooManyResults,
    /// Already has a case.
    AlreadyParticipant {
        /// Link to it, when visible.
        link: Option<String>,
    },
    /// Not active in the feed.
    NotActive {
        /// Name.
        name: String,
    },
    /// Can be created.
    Eligible {
        /// Cluster id.
        upci: String,
        /// Name.
        name: String,
        /// Details to check.
        details: Vec<(&'static str, String)>,
    },
}

/// The candidate search page.
pub struct CandidateSearchPage<'a> {
    /// CRN or NOMIS number typed.
    pub identifier: &'a str,
    /// First name typed.
    pub first_name: &'a str,
    /// Last name typed.
    pub last_name: &'a str,
    /// Date of birth parts typed.
    pub day: &'a str,
    /// Month.
    pub month: &'a str,
    /// Year.
    pub year: &'a str,
    /// Field errors.
    pub errors: &'a FormErrors,
    /// The outcome of a search.
    pub outcome: Option<CandidateView>,
    /// CSRF token for the create form.
    pub csrf_token: &'a str,
}

/// Renders the candidate search.
pub fn candidate_search(page: &CandidateSearchPage<'_>) -> Markup {
    let dob_error = page.errors.get("date_of_birth");
    html! {
        (ErrorSummary(page.errors))
        p { a.back-link href="/participants" { "Back to participants" } }
        h1 { "Find a new participant" }
        p.lead { "Search the offender data for the person, then create their case." }
        form method="get" action="/participants/search" novalidate {
            (TextField { name: "identifier", label: "CRN or NOMIS number", hint: Some("7 letters and numbers, like X123456 or A1234BC"),
                value: page.identifier, input_type: "text", autocomplete: Some("off"), errors: page.errors })
            (TextField { name: "first_name", label: "First name", hint: None, value: page.first_name,
                input_type: "text", autocomplete: Some("off"), errors: page.errors })
            (TextField { name: "last_name", label: "Last name", hint: None, value: page.last_name,
                input_type: "text", autocomplete: Some("off"), errors: page.errors })
            div.form-group.form-group--error[dob_error.is_some()] id="date_of_birth" {
                fieldset.fieldset role="group" aria-describedby="dob-hint" {
                    legend.legend { "Date of birth" }
                    div.hint id="dob-hint" { "For example, 27 3 1985" }
                    @if let Some(message) = dob_error { p.error-message { span.visually-hidden { "Error: " } (message) } }
                    div.date-input {
                        div { label.label for="dob_day" { "Day" } input.input.input--2 id="dob_day" name="day" inputmode="numeric" value=(page.day); }
                        div { label.label for="dob_month" { "Month" } input.input.input--2 id="dob_month" name="month" inputmode="numeric" value=(page.month); }
                        div { label.label for="dob_year" { "Year" } input.input.input--4 id="dob_year" name="year" inputmode="numeric" value=(page.year); }
                    }
                }
            }
            button.button type="submit" { "Search" }
        }
        @if let Some(outcome) = &page.outcome {
            section #search-result aria-live="polite" {
                @match outcome {
                    CandidateView::NoMatch => (Banner { title: "No match found", success: false, body: html! {
                        p { "Nobody in the offender data matches these details. Check the identifier, last name and date of birth." } } }),
                    CandidateView::MoreInformationNeeded => (Banner { title: "More information needed", success: false, body: html! {
                        p { "One possible match was found, but not with enough certainty. Check the details, or try the person's other identifier (CRN or NOMIS number)." } } }),
                    CandidateView::TooManyResults => (Banner { title: "Too many results", success: false, body: html! {
                        p { "Several people match these details. Use a more specific identifier." } } }),
                    CandidateView::AlreadyParticipant { link } => (Banner { title: "Already a participant", success: false, body: html! {
                        @match link {
                            Some(link) => p { "This person already has a case. " a href=(link) { "Open their case" } },
                            None => p { "This person already has a case, held by another organisation. Contact the CFO service desk if you need it transferred." },
                        } } }),
                    CandidateView::NotActive { name } => (Banner { title: "Not eligible", success: false, body: html! {
                        p { (name) " is not active in the offender data, so a case cannot be created." } } }),
                    CandidateView::Eligible { upci, name, details } => {
                        h2 { (name) }
                        (SummaryList(&details.iter().map(|(k, v)| (*k, html! { (v) })).collect::<Vec<_>>()))
                        form method="post" action="/participants" {
                            (CsrfField(page.csrf_token))
                            input type="hidden" name="upci" value=(upci);
                            button.button type="submit" { "Create participant" }
                        }
                        p.hint { "You will own the case. Its status starts as Identified." }
                    }
                }
            }
        }
    }
}

/// One timeline line.
pub struct TimelineLine {
    /// When.
    pub when: String,
    /// Kind.
    pub kind: String,
    /// Lines.
    pub lines: Vec<String>,
    /// Who.
    pub who: String,
}

/// One editable field of the personal-details form.
pub struct DetailField<'a> {
    /// Form name.
    pub name: &'static str,
    /// Label.
    pub label: &'static str,
    /// Value shown (the person's own on a re-shown form).
    pub value: &'a str,
    /// The stored value the form was rendered from (sent back as the edit's base).
    pub base: &'a str,
    /// A multi-line field.
    pub multiline: bool,
}

/// The personal-details section: a form that saves in place, and the fragment live updates
/// replace (`#case-personal`).
pub struct PersonalDetails<'a> {
    /// Case id.
    pub id: &'a str,
    /// The case's topic (presence shows who is editing).
    pub topic: &'a str,
    /// Fields.
    pub fields: &'a [DetailField<'a>],
    /// Whether the case can be changed now.
    pub editable: bool,
    /// CSRF token.
    pub csrf_token: &'a str,
    /// Field errors and conflicts.
    pub errors: &'a FormErrors,
    /// Just saved.
    pub saved: bool,
}

/// Renders the personal-details section.
pub fn personal_details(page: &PersonalDetails<'_>) -> Markup {
    html! {
        section #case-personal data-live-fragment data-editing="Personal details" data-editing-topic=(page.topic) {
            h2 { "Personal details" }
            @if page.saved { p.saved role="status" { "Saved." } }
            @if page.editable {
                form method="post" action={ "/participants/" (page.id) "/details" } novalidate {
                    (CsrfField(page.csrf_token))
                    @for field in page.fields {
                        @let error = page.errors.get(field.name);
                        input type="hidden" name={ "base_" (field.name) } value=(field.base) data-base-for=(field.name);
                        @if field.multiline {
                            div.form-group.form-group--error[error.is_some()] {
                                label.label for=(field.name) { (field.label) }
                                @if let Some(message) = error { p.error-message id={ (field.name) "-error" } { span.visually-hidden { "Error: " } (message) } }
                                textarea.textarea id=(field.name) name=(field.name) rows="4" { (field.value) }
                            }
                        } @else {
                            (TextField { name: field.name, label: field.label, hint: None, value: field.value,
                                input_type: "text", autocomplete: Some("off"), errors: page.errors })
                        }
                    }
                    button.button type="submit" { "Save personal details" }
                }
            } @else {
                (SummaryList(&page.fields.iter().map(|f| (f.label, html! { (f.value) })).collect::<Vec<_>>()))
                p.hint { "This case is archived or dormant, so it cannot be changed." }
            }
        }
    }
}

/// The timeline fragment (`#case-timeline`): the newest lines, and a link to the older ones
/// when there are more (`older`), so a live update carries the link with the lines.
pub fn timeline(lines: &[TimelineLine], older: Option<&str>) -> Markup {
    html! {
        div #case-timeline data-live-fragment {
            (timeline_list(lines, Some(TIMELINE_LINES_ID)))
            (older_link(older))
        }
    }
}

/// The id of a case page's list of timeline lines, to which a live event adds a new line at
/// the top.
pub const TIMELINE_LINES_ID: &str = "case-timeline-lines";

/// The list of lines; `id` on the case page's own (the one live events add to).
fn timeline_list(lines: &[TimelineLine], id: Option<&str>) -> Markup {
    html! {
        ol.timeline id=[id] {
            @for line in lines { (timeline_item(line)) }
        }
    }
}

/// One timeline line (an item of a case's timeline list).
pub fn timeline_item(line: &TimelineLine) -> Markup {
    html! {
        li.timeline__item {
            p.timeline__heading { strong { (line.kind) } " · " (line.when) " · " (line.who) }
            @for text in &line.lines { p { (text) } }
        }
    }
}

fn older_link(older: Option<&str>) -> Markup {
    html! { @if let Some(href) = older { p { a href=(href) { "Show older entries" } } } }
}

/// A page of a case's older timeline lines.
pub struct OlderTimeline<'a> {
    /// Case id.
    pub id: &'a str,
    /// Participant's name.
    pub name: &'a str,
    /// The lines, newest first.
    pub lines: &'a [TimelineLine],
    /// The next page of older lines, when there are more.
    pub older: Option<&'a str>,
}

/// Renders a page of older timeline lines.
pub fn older_timeline(page: &OlderTimeline<'_>) -> Markup {
    let case = format!("/participants/{}", page.id);
    html! {
        p { a href=(case) { "Back to the case" } }
        span.caption { (page.name) " " (page.id) }
        h1 { "Older timeline entries" }
        @if page.lines.is_empty() {
            p { "There are no older entries." }
        } @else {
            (timeline_list(page.lines, None))
        }
        (older_link(page.older))
        p { a href={ (case) "#case-timeline" } { "Back to the case" } }
    }
}
