//! The assessment: an overview of the eight pathways, one page of questions per pathway
//! (saved as the person goes), and the submission that scores it.

use crate::form::{CsrfField, ErrorSummary, FormErrors};
use maud::{html, Markup};

/// One pathway in the overview.
pub struct PathwayLine {
    /// Letter (its page).
    pub letter: char,
    /// Title.
    pub title: &'static str,
    /// Answered.
    pub answered: usize,
    /// Questions.
    pub total: usize,
}

/// The overview.
pub struct AssessmentOverview<'a> {
    /// Case id.
    pub id: &'a str,
    /// Assessment id.
    pub assessment: i64,
    /// Participant's name.
    pub name: &'a str,
    /// Pathways.
    pub pathways: &'a [PathwayLine],
    /// All answered.
    pub complete: bool,
    /// Errors of a refused submission.
    pub errors: &'a FormErrors,
}

/// Renders the overview.
pub fn assessment_overview(page: &AssessmentOverview<'_>, csrf: &str) -> Markup {
    let base = format!("/participants/{}/assessments/{}", page.id, page.assessment);
    html! {
        (ErrorSummary(page.errors))
        p { a.back-link href={ "/participants/" (page.id) } { "Back to the case" } }
        span.caption { "Assessment for " (page.name) }
        h1 { "Assessment" }
        ol.steps #assessment-form data-live-fragment {
            @for line in page.pathways {
                li {
                    span { a href={ (base) "/" (line.letter) } { (line.title) } br;
                        span.steps__state { (line.answered) " of " (line.total) " answered" } }
                    @if line.answered == line.total { strong.tag.tag--green { "Done" } }
                }
            }
        }
        @if page.complete {
            form method="post" action={ (base) "/submit" } novalidate {
                (CsrfField(csrf))
                p { "Every question is answered. Submitting scores the eight pathways; the answers cannot change afterwards." }
                button.button type="submit" { "Submit the assessment" }
            }
        } @else {
            p { "Answer every question, then submit the assessment here." }
        }
    }
}

/// One question on a pathway page.
pub struct QuestionView {
    /// Code (the field name).
    pub code: &'static str,
    /// Text.
    pub text: &'static str,
    /// Hint.
    pub hint: Option<&'static str>,
    /// Tick several.
    pub multiple: bool,
    /// (option, checked).
    pub options: Vec<(&'static str, bool)>,
    /// The stored answer the page was rendered from, sent back as the save's base (one field
    /// per question, so a colleague's answer arriving live never adds a base for a question
    /// being changed here).
    pub base: String,
}

/// A pathway page.
pub struct PathwayPage<'a> {
    /// Case id.
    pub id: &'a str,
    /// Assessment id.
    pub assessment: i64,
    /// Title.
    pub title: &'static str,
    /// Questions.
    pub questions: &'a [QuestionView],
    /// Errors and conflicts by question code.
    pub errors: &'a FormErrors,
    /// The case topic (presence: "editing <pathway>").
    pub topic: &'a str,
}

/// Renders a pathway page.
pub fn pathway_page(page: &PathwayPage<'_>, csrf: &str) -> Markup {
    html! {
        (ErrorSummary(page.errors))
        p { a.back-link href={ "/participants/" (page.id) "/assessments/" (page.assessment) } { "Back to the assessment" } }
        h1 { (page.title) }
        aside.presence.presence--case data-presence=(page.topic) {
            h2 { "Viewing this case " span.presence__count data-presence-count {} }
            ul.presence__list aria-live="polite" { li.presence__empty { "Connecting…" } }
        }
        form #assessment-form data-live-fragment data-autosave data-editing=(page.title) data-editing-topic=(page.topic) method="post" novalidate {
            (CsrfField(csrf))
            @for question in page.questions {
                @let error = page.errors.get(question.code);
                div.question.form-group.form-group--error[error.is_some()] id=(question.code) {
                    fieldset.fieldset {
                        legend.legend { strong { (question.code) } " " (question.text) }
                        @if let Some(hint) = question.hint { div.hint { (hint) } }
                        @if question.multiple { div.hint { "Tick all that apply." } }
                        @if let Some(message) = error { p.error-message { span.visually-hidden { "Error: " } (message) } }
                        // Filled by the page script as it saves this answer; live updates leave it alone.
                        p.autosave-status data-live-local data-autosave-for=(question.code) aria-live="polite" {}
                        input type="hidden" name={ "base_" (question.code) } value=(question.base) data-base-for=(question.code);
                        div class=(if question.multiple { "checkboxes" } else { "radios" }) {
                            @for (index, (option, checked)) in question.options.iter().enumerate() {
                                @let id = format!("{}-{}", question.code, index);
                                div class=(if question.multiple { "checkbox" } else { "radio" }) {
                                    input id=(id) type=(if question.multiple { "checkbox" } else { "radio" })
                                        name=(question.code) value=(option) checked[*checked];
                                    label for=(id) { (option) }
                                }
                            }
                        }
                    }
                }
            }
            button.button type="submit" { "Save and continue" }
        }
    }
}
