//! The case page: a summary with "what happens next", enrolment (location, consent, right to
//! work), the assessment, personal details and the timeline. Each section is a fragment that
//! live updates replace by id; none depends on who is looking, so one rendering serves all.

use crate::components::{SummaryList, Tag};
use crate::form::{CsrfField, ErrorSummary, FormErrors, TextAreaField};
use maud::{html, Markup};

/// A status and the colour of its tag.
pub fn status_tag(status: &str) -> Markup {
    let colour = match status {
        "Approved" => "green",
        "Archived" | "Dormant" => "grey",
        "Submitted to Provider" | "Submitted to Authority" => "yellow",
        _ => "blue",
    };
    html! { (Tag { text: status, colour }) }
}

/// One step of enrolment, as the checklist shows it.
pub struct Step {
    /// What.
    pub label: &'static str,
    /// Where it stands, in words.
    pub state: String,
    /// Finished.
    pub done: bool,
    /// Where to do or change it: (href, link text).
    pub link: Option<(String, &'static str)>,
}

/// What the summary offers next.
pub enum CaseAction {
    /// Nothing to do here now; why.
    Nothing(String),
    /// The enrol wizard (a link to its next step).
    ContinueEnrolment(String),
    /// Submit to provider QA.
    Submit {
        /// The scores need a justification (exactly one red pathway).
        justification_needed: bool,
    },
    /// Not yet: what is missing.
    Blocked(Vec<String>),
}

/// The summary fragment (`#case-summary`).
pub struct CaseSummary {
    /// Case id.
    pub id: String,
    /// Status name.
    pub status: &'static str,
    /// Facts.
    pub facts: Vec<(&'static str, String)>,
    /// The enrolment checklist.
    pub steps: Vec<Step>,
    /// What happens next.
    pub action: CaseAction,
    /// Archive or unarchive: (href, link text), when the status allows it.
    pub close: Option<(String, &'static str)>,
    /// The owner page: (href, link text), unless the case is archived.
    pub owner: Option<(String, &'static str)>,
}

/// Renders the summary.
pub fn case_summary(
    summary: &CaseSummary,
    errors: &FormErrors,
    typed_justification: &str,
) -> Markup {
    html! {
        section #case-summary data-live-fragment {
            p { "Status: " (status_tag(summary.status)) }
            (SummaryList(&summary.facts.iter().map(|(k, v)| (*k, html! { (v) })).collect::<Vec<_>>()))
            h2 { "What happens next" }
            ol.steps {
                @for step in &summary.steps {
                    li {
                        span { strong { (step.label) } br; span.steps__state { (step.state) } }
                        span {
                            @if step.done { (Tag { text: "Done", colour: "green" }) " " }
                            @if let Some((href, text)) = &step.link { a href=(href) { (text) } }
                        }
                    }
                }
            }
            @match &summary.action {
                CaseAction::Nothing(why) => p { (why) },
                CaseAction::ContinueEnrolment(href) => a.button href=(href) { "Continue enrolment" },
                CaseAction::Blocked(missing) => {
                    p { "Before this case can be submitted to provider QA:" }
                    ul { @for item in missing { li { (item) } } }
                }
                CaseAction::Submit { justification_needed } => {
                    form method="post" action={ "/participants/" (summary.id) "/submit" } novalidate {
                        (CsrfField(""))
                        @if *justification_needed {
                            (TextAreaField { name: "justification", label: "Why should this participant be enrolled?",
                                hint: Some("Exactly one pathway is red, so say why the participant needs the programme (up to 1000 characters)."),
                                value: typed_justification, errors })
                        } @else if let Some(message) = errors.get("justification") {
                            p.error-message { (message) }
                        }
                        button.button type="submit" { "Submit to provider QA" }
                    }
                }
            }
            @if let Some((href, text)) = &summary.owner {
                p { a href=(href) { (text) } }
            }
            @if let Some((href, text)) = &summary.close {
                p { a href=(href) { (text) } }
            }
        }
    }
}

/// A stored document as listed.
pub struct DocumentLine {
    /// What it records (dates, version).
    pub text: String,
    /// Download link.
    pub href: String,
    /// File name.
    pub file_name: String,
}

/// The enrolment fragment (`#case-enrolment`).
pub struct EnrolmentSection {
    /// Case id.
    pub id: String,
    /// Enrolment location, once chosen.
    pub location: Option<String>,
    /// Why it differs from the current location.
    pub justification: Option<String>,
    /// Consents, latest first.
    pub consents: Vec<DocumentLine>,
    /// Right-to-work evidence, latest first.
    pub rights_to_work: Vec<DocumentLine>,
    /// Whether right to work is needed (not an exempt nationality).
    pub right_to_work_needed: bool,
    /// Consent can be added now.
    pub can_add_consent: bool,
    /// Right to work can be added now.
    pub can_add_right_to_work: bool,
    /// The location can be changed now.
    pub can_change_location: bool,
}

fn document_list(lines: &[DocumentLine]) -> Markup {
    html! {
        ul {
            @for line in lines {
                li { (line.text) " · " a href=(line.href) download { "Download " (line.file_name) } }
            }
        }
    }
}

/// Renders the enrolment section.
pub fn enrolment_section(section: &EnrolmentSection) -> Markup {
    let base = format!("/participants/{}/enrol", section.id);
    html! {
        section.case-section #case-enrolment data-live-fragment {
            h2 { "Enrolment" }
            h3 { "Enrolment location" }
            @match &section.location {
                Some(location) => p { (location) @if let Some(why) = &section.justification { br; span.hint { "Not the current location: " (why) } } },
                None => p { "Not chosen yet." },
            }
            @if section.can_change_location { p { a href={ (base) "/location" } { "Change enrolment location" } } }
            h3 { "Consent" }
            @if section.consents.is_empty() { p { "No consent recorded yet." } } @else { (document_list(&section.consents)) }
            @if section.can_add_consent { p { a href={ (base) "/consent" } { "Add a consent form" } } }
            h3 { "Right to work" }
            @if !section.right_to_work_needed { p { "Not needed: the participant's nationality is exempt." } }
            @if section.rights_to_work.is_empty() {
                @if section.right_to_work_needed { p { "No right-to-work evidence recorded yet." } }
            } @else { (document_list(&section.rights_to_work)) }
            @if section.can_add_right_to_work { p { a href={ (base) "/right-to-work" } { "Add right-to-work evidence" } } }
        }
    }
}

/// A pathway score as shown.
pub struct ScoreLine {
    /// Pathway title.
    pub pathway: &'static str,
    /// RAG score 0–100.
    pub score: u8,
    /// Band name.
    pub band: &'static str,
    /// Tag colour.
    pub colour: &'static str,
}

/// The latest assessment.
pub struct AssessmentLine {
    /// Its id.
    pub id: i64,
    /// "Started 3 Nov 2026 by …".
    pub started: String,
    /// Questions answered.
    pub answered: usize,
    /// Questions in all.
    pub total: usize,
    /// "Submitted …", once submitted.
    pub submitted: Option<String>,
    /// Scores, once submitted.
    pub scores: Vec<ScoreLine>,
}

/// The assessment fragment (`#case-assessment`).
pub struct AssessmentSection {
    /// Case id.
    pub id: String,
    /// The latest assessment.
    pub latest: Option<AssessmentLine>,
    /// A new assessment (or a reassessment) can be started now.
    pub can_start: bool,
    /// Why not, when it cannot be started and none is open.
    pub cannot_start_because: Option<String>,
}

/// Renders the assessment section.
pub fn assessment_section(section: &AssessmentSection) -> Markup {
    html! {
        section.case-section #case-assessment data-live-fragment {
            h2 { "Assessment" }
            @match &section.latest {
                None => p { "No assessment yet." },
                Some(latest) => {
                    p { (latest.started) }
                    @match &latest.submitted {
                        None => {
                            p { (latest.answered) " of " (latest.total) " questions answered." }
                            p { a.button.button--secondary href={ "/participants/" (section.id) "/assessments/" (latest.id) } { "Continue the assessment" } }
                        }
                        Some(submitted) => {
                            p { (submitted) }
                            table.table.scores {
                                thead { tr { th scope="col" { "Pathway" } th scope="col" { "Score" } th scope="col" { "Band" } } }
                                tbody {
                                    @for line in &latest.scores {
                                        tr { td { (line.pathway) } td { (line.score) } td { (Tag { text: line.band, colour: line.colour }) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if section.can_start {
                form method="post" action={ "/participants/" (section.id) "/assessments" } {
                    (CsrfField(""))
                    button.button.button--secondary type="submit" {
                        @if section.latest.is_some() { "Start a reassessment" } @else { "Start the assessment" }
                    }
                }
            } @else if let Some(why) = &section.cannot_start_because {
                p.hint { (why) }
            }
        }
    }
}

/// The whole case page.
pub struct CasePage<'a> {
    /// Id.
    pub id: &'a str,
    /// Full name.
    pub name: &'a str,
    /// The case's topic (presence).
    pub topic: &'a str,
    /// Errors of a refused command (summarised at the top, linking to the fields).
    pub errors: &'a FormErrors,
    /// A message after a command ("Submitted to provider QA").
    pub notice: Option<&'a str>,
    /// Offer "Refresh from the offender data" (the viewer may force a sync).
    pub sync_link: bool,
    /// The fragments, in order: summary, enrolment, assessment, personal details, timeline.
    pub sections: Vec<Markup>,
}

/// Renders the case page.
pub fn case_page(page: &CasePage<'_>) -> Markup {
    html! {
        (ErrorSummary(page.errors))
        p { a.back-link href="/participants" { "Back to participants" } }
        span.caption { "Participant " code { (page.id) } }
        h1 { (page.name) }
        @if page.sync_link {
            p { a href={ "/participants/" (page.id) "/sync" } { "Refresh from the offender data" } }
        }
        p { a href={ "/participants/" (page.id) "/pri" } { "Pre-release inventory (PRI)" } }
        @if let Some(notice) = page.notice { p.saved role="status" { (notice) } }
        aside.presence.presence--case data-presence=(page.topic) aria-labelledby="viewing-heading" {
            h2 #viewing-heading { "Viewing this case " span.presence__count data-presence-count {} }
            ul.presence__list aria-live="polite" { li.presence__empty { "Connecting…" } }
        }
        @for section in &page.sections { (section) }
    }
}
