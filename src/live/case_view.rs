//! The case page's sections, loaded and rendered in one place: the page handler renders them
//! for the person asking, and every command renders the same sections into the event it
//! publishes, so a colleague's page shows exactly what a refresh would.

use crate::domain::assessment::{all_questions, Band, Pathway};
use crate::domain::enrolment::location::may_set;
use crate::domain::enrolment::progress::{AssessmentState, EnrolmentFacts};
use crate::domain::enrolment::right_to_work;
use crate::domain::enrolment::EnrolmentStatus;
use crate::format::{display_date, display_time};
use crate::store::assessments::{self, AssessmentRow};
use crate::store::enrolment::{self, CaseState, ConsentRow, RightToWorkRow};
use crate::store::participants::{
    self, CaseRows, EditableRow, ParticipantRow, TimelinePage, TimelineRow,
};
use crate::store::reference::ReferenceCache;
use crate::store::{org, users, Exec, StoreError, Tx};
use cats_views::form::FormErrors;
use cats_views::pages::case::{
    assessment_section, case_summary, enrolment_section, AssessmentLine, AssessmentSection,
    CaseAction, CaseSummary, DocumentLine, EnrolmentSection, ScoreLine, Step,
};
use cats_views::pages::participants::{timeline_item, TimelineLine, TIMELINE_LINES_ID};
use maud::{html, Markup};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

/// The latest assessment, how many questions it has answered, and its scores.
pub type LatestAssessment = (AssessmentRow, usize, Vec<(i64, i64)>);

static RIGHT_TO_WORK_EXEMPT: OnceLock<Vec<String>> = OnceLock::new();

/// Sets the nationalities exempt from right-to-work evidence (from settings, at start-up;
/// the same for every instance of a deployment).
pub fn set_right_to_work_exempt(nationalities: Vec<String>) {
    let _ = RIGHT_TO_WORK_EXEMPT.set(nationalities);
}

/// The nationalities exempt from right-to-work evidence.
pub fn right_to_work_exempt() -> &'static [String] {
    RIGHT_TO_WORK_EXEMPT.get_or_init(|| vec!["British".to_owned(), "Irish".to_owned()])
}

/// Everything the case page shows.
pub struct CaseData {
    /// The participant.
    pub row: ParticipantRow,
    /// Enrolment facts from the row.
    pub state: CaseState,
    /// Personal details.
    pub editable: EditableRow,
    /// Identifiers (kind, value).
    pub identifiers: Vec<(String, String)>,
    /// The newest lines of the timeline (as many as the page shows), newest first.
    pub timeline: TimelinePage,
    /// Consents, latest first.
    pub consents: Vec<ConsentRow>,
    /// Right-to-work evidence, latest first.
    pub rights_to_work: Vec<RightToWorkRow>,
    /// The latest assessment, its answered question count and scores.
    pub assessment: Option<LatestAssessment>,
    /// Location names (every location's, or at least those the case mentions).
    pub locations: Arc<HashMap<i64, String>>,
    /// Names of the people mentioned.
    pub names: HashMap<i64, String>,
}

/// The newest lines of a case's timeline, as many as its page shows.
async fn newest_timeline(q: &mut impl Exec, id: &str) -> Result<TimelinePage, StoreError> {
    let limit = super::fragments::CASE_PAGE_TIMELINE_LINES;
    // Without a cursor there is always a page (an empty one for a case without lines).
    Ok(participants::timeline(q, id, None, limit)
        .await?
        .unwrap_or_default())
}

/// The names of the people who wrote `rows`, as pages show them (the store's copy of names,
/// read through `q` for anyone not in it).
pub async fn timeline_names(
    q: &mut impl Exec,
    reference: &ReferenceCache,
    rows: &[TimelineRow],
) -> Result<HashMap<i64, String>, StoreError> {
    let mut people: Vec<i64> = rows.iter().filter_map(|t| t.user_id).collect();
    people.sort_unstable();
    people.dedup();
    reference.display_names(q, &people).await
}

/// Loads a case (the caller has checked the user may see it).
pub async fn load(q: &mut impl Exec, id: &str) -> Result<Option<CaseData>, StoreError> {
    match participants::case_rows(q, id).await? {
        Some(rows) => Ok(Some(load_rest(q, rows, None).await?)),
        None => Ok(None),
    }
}

/// The rest of a case whose own row has been read (by [`load`], or by the case page together
/// with the check that the person may see it). With `reference`, location and people's names
/// come from that in-process copy (pages); without, from `q` (commands, inside their
/// transaction).
pub async fn load_rest(
    q: &mut impl Exec,
    rows: CaseRows,
    reference: Option<&ReferenceCache>,
) -> Result<CaseData, StoreError> {
    let CaseRows {
        row,
        state,
        editable,
    } = rows;
    let id = row.id.as_str();
    let identifiers = participants::identifiers(q, id).await?;
    let timeline = newest_timeline(q, id).await?;
    let consents = enrolment::consents(q, id).await?;
    let rights_to_work = enrolment::rights_to_work(q, id).await?;
    let assessment = match assessments::latest(q, id).await? {
        None => None,
        Some(latest) => {
            let answers = assessments::answers(q, latest.id).await?;
            let answered: HashSet<&str> = answers.iter().map(|(q, _)| q.as_str()).collect();
            let count = answered.len();
            let scores = assessments::scores(q, latest.id).await?;
            Some((latest, count, scores))
        }
    };
    let mentioned: Vec<i64> = std::iter::once(row.current_location_id)
        .chain(state.enrolment_location_id)
        .collect();
    let locations = match reference {
        Some(cache) => cache.location_names(q, &mentioned).await?,
        None => Arc::new(org::location_names(q).await?),
    };
    let mut people: Vec<i64> = timeline.rows.iter().filter_map(|t| t.user_id).collect();
    people.extend(row.owner_id);
    people.extend(consents.iter().map(|c| c.created_by));
    people.extend(rights_to_work.iter().map(|r| r.created_by));
    if let Some((a, _, _)) = &assessment {
        people.push(a.created_by);
        people.extend(a.submitted_by);
    }
    people.sort_unstable();
    people.dedup();
    let names = match reference {
        Some(cache) => cache.display_names(q, &people).await?,
        None => users::display_names(q, &people).await?,
    };
    Ok(CaseData {
        row,
        state,
        editable,
        identifiers,
        timeline,
        consents,
        rights_to_work,
        assessment,
        locations,
        names,
    })
}

impl CaseData {
    /// The status.
    pub fn status(&self) -> EnrolmentStatus {
        EnrolmentStatus::from_value(self.state.enrolment_status)
            .unwrap_or(EnrolmentStatus::Identified)
    }

    /// The full name.
    pub fn name(&self) -> String {
        crate::format::full_name(
            &self.row.first_name,
            self.row.middle_name.as_deref(),
            &self.row.last_name,
        )
    }

    fn person(&self, id: i64) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "Someone".to_owned())
    }

    fn location(&self, id: i64) -> String {
        self.locations.get(&id).cloned().unwrap_or_default()
    }

    /// The facts enrolment progress is decided on.
    pub fn facts(&self, today: time::Date) -> EnrolmentFacts {
        let assessment = match &self.assessment {
            None => AssessmentState::None,
            Some((a, _, scores)) if a.submitted_at.is_some() => AssessmentState::Scored {
                scores: scores
                    .iter()
                    .map(|(_, s)| (*s).clamp(0, 100) as u8)
                    .collect(),
            },
            Some((_, answered, _)) => AssessmentState::InProgress {
                answered: *answered,
                total: all_questions().len(),
            },
        };
        EnrolmentFacts {
            status: self.status(),
            has_location: self.state.enrolment_location_id.is_some(),
            latest_consent: self.consents.first().map(|c| c.consent_date),
            consent_granted: self.state.consent_status == "granted",
            right_to_work_needed: right_to_work::is_required(
                self.state.nationality.as_deref(),
                right_to_work_exempt(),
            ),
            right_to_work_active: self
                .rights_to_work
                .iter()
                .any(|r| right_to_work::is_active(r.valid_to, today)),
            assessment,
            owner_has_tenant: self.state.owner_tenant_id.is_some(),
            today,
        }
    }

    /// The summary section.
    pub fn summary(
        &self,
        today: time::Date,
        errors: &FormErrors,
        typed_justification: &str,
    ) -> Markup {
        let facts = self.facts(today);
        let status = self.status();
        let mut list = vec![
            ("Date of birth", display_date(self.row.date_of_birth)),
            ("Gender", self.row.gender.clone()),
            (
                "Nationality",
                self.state
                    .nationality
                    .clone()
                    .unwrap_or_else(|| "Not known".to_owned()),
            ),
            ("Location", self.location(self.row.current_location_id)),
            (
                "Owner",
                self.row
                    .owner_id
                    .map(|o| self.person(o))
                    .unwrap_or_else(|| "Unassigned".to_owned()),
            ),
            (
                "Consent",
                if facts.consent_granted {
                    "Granted".to_owned()
                } else {
                    "Pending".to_owned()
                },
            ),
        ];
        for (kind, value) in &self.identifiers {
            let label: &'static str = match kind.as_str() {
                "NOMIS Number" => "NOMIS Number",
                "Delius CRN" => "Delius CRN",
                _ => "PNC Number",
            };
            list.push((label, value.clone()));
        }
        let base = format!("/participants/{}", self.row.id);
        let wizard = status == EnrolmentStatus::Identified;
        let steps = vec![
            Step {
                label: "Enrolment location",
                state: self
                    .state
                    .enrolment_location_id
                    .map(|l| self.location(l))
                    .unwrap_or_else(|| "Not chosen".to_owned()),
                done: facts.has_location,
                link: wizard.then(|| (format!("{base}/enrol/location"), "Choose")),
            },
            Step {
                label: "Consent",
                state: facts
                    .latest_consent
                    .map(|d| format!("Signed {}", display_date(d)))
                    .unwrap_or_else(|| "Not recorded".to_owned()),
                done: facts.latest_consent.is_some(),
                link: wizard.then(|| (format!("{base}/enrol/consent"), "Add")),
            },
            Step {
                label: "Right to work",
                state: if !facts.right_to_work_needed {
                    "Not needed (exempt nationality)".to_owned()
                } else if facts.right_to_work_active {
                    "Evidence in force".to_owned()
                } else {
                    "Needed before approval".to_owned()
                },
                done: !facts.right_to_work_needed || facts.right_to_work_active,
                link: wizard.then(|| (format!("{base}/enrol/right-to-work"), "Add")),
            },
            Step {
                label: "Assessment",
                state: match &facts.assessment {
                    AssessmentState::None => "Not started".to_owned(),
                    AssessmentState::InProgress { answered, total } => {
                        format!("In progress: {answered} of {total} answered")
                    }
                    AssessmentState::Scored { .. } => "Submitted and scored".to_owned(),
                },
                done: matches!(facts.assessment, AssessmentState::Scored { .. }),
                link: None,
            },
        ];
        let action = match status {
            EnrolmentStatus::Identified => CaseAction::ContinueEnrolment(format!(
                "{base}/enrol/{}",
                facts.wizard_next(false).map_or("location", |s| s.path())
            )),
            EnrolmentStatus::Enrolling => {
                let missing = facts.submission_missing(None);
                if missing.is_empty() {
                    CaseAction::Submit {
                        justification_needed: facts.justification_needed(),
                    }
                } else {
                    CaseAction::Blocked(missing)
                }
            }
            EnrolmentStatus::SubmittedToProvider => {
                CaseAction::Nothing("Waiting for provider QA.".to_owned())
            }
            EnrolmentStatus::SubmittedToAuthority => {
                CaseAction::Nothing("Waiting for the authority's QA.".to_owned())
            }
            EnrolmentStatus::Approved => CaseAction::Nothing("Enrolment approved.".to_owned()),
            EnrolmentStatus::Archived | EnrolmentStatus::Dormant => {
                CaseAction::Nothing("This case is closed, so it cannot be changed.".to_owned())
            }
        };
        case_summary(
            &CaseSummary {
                id: self.row.id.clone(),
                status: status.display_name(),
                facts: list,
                steps,
                action,
                close: match status {
                    EnrolmentStatus::Archived => {
                        Some((format!("{base}/unarchive"), "Unarchive this case"))
                    }
                    EnrolmentStatus::Identified
                    | EnrolmentStatus::Enrolling
                    | EnrolmentStatus::Approved
                    | EnrolmentStatus::Dormant => {
                        Some((format!("{base}/archive"), "Archive this case"))
                    }
                    _ => None,
                },
                owner: (status != EnrolmentStatus::Archived).then(|| {
                    let text = if self.row.owner_id.is_some() {
                        "Change owner"
                    } else {
                        "Take or assign this case"
                    };
                    (format!("{base}/owner"), text)
                }),
            },
            errors,
            typed_justification,
        )
    }

    fn download(&self, document: i64) -> String {
        format!("/participants/{}/documents/{document}", self.row.id)
    }

    /// The enrolment section.
    pub fn enrolment(&self, today: time::Date) -> Markup {
        let facts = self.facts(today);
        let status = self.status();
        let consents = self
            .consents
            .iter()
            .map(|c| DocumentLine {
                text: format!(
                    "Signed {} (form {}), recorded by {} on {}",
                    display_date(c.consent_date),
                    c.form_version,
                    self.person(c.created_by),
                    display_time(Some(c.created_at))
                ),
                href: self.download(c.document_id),
                file_name: "consent form".to_owned(),
            })
            .collect();
        let rights_to_work = self
            .rights_to_work
            .iter()
            .map(|r| DocumentLine {
                text: format!(
                    "From {} {}, recorded by {}",
                    display_date(r.valid_from),
                    r.valid_to
                        .map_or("(indefinite leave)".to_owned(), |to| format!(
                            "to {}",
                            display_date(to)
                        )),
                    self.person(r.created_by)
                ),
                href: self.download(r.document_id),
                file_name: "right-to-work evidence".to_owned(),
            })
            .collect();
        enrolment_section(&EnrolmentSection {
            id: self.row.id.clone(),
            location: self.state.enrolment_location_id.map(|l| self.location(l)),
            justification: self.state.enrolment_location_justification.clone(),
            consents,
            rights_to_work,
            right_to_work_needed: facts.right_to_work_needed,
            can_add_consent: status.is_active() && !facts.consent_granted,
            can_add_right_to_work: matches!(
                status,
                EnrolmentStatus::Identified
                    | EnrolmentStatus::Enrolling
                    | EnrolmentStatus::Approved
            ),
            can_change_location: status != EnrolmentStatus::Identified
                && may_set(status, facts.consent_granted),
        })
    }

    /// Whether a new assessment may be started now, or why not.
    pub fn may_start_assessment(&self) -> Result<(), String> {
        let status = self.status();
        if !status.is_active() {
            return Err("This case is closed.".to_owned());
        }
        if matches!(
            status,
            EnrolmentStatus::SubmittedToProvider | EnrolmentStatus::SubmittedToAuthority
        ) {
            return Err("A reassessment cannot start while the case is with QA.".to_owned());
        }
        if self.state.enrolment_location_id.is_none() {
            return Err("Choose the enrolment location before starting the assessment.".to_owned());
        }
        match &self.assessment {
            Some((latest, _, _)) if latest.submitted_at.is_none() => {
                Err("Finish the open assessment first.".to_owned())
            }
            _ => Ok(()),
        }
    }

    /// The assessment section.
    pub fn assessment_markup(&self) -> Markup {
        let latest = self
            .assessment
            .as_ref()
            .map(|(a, answered, scores)| AssessmentLine {
                id: a.id,
                started: format!(
                    "Started {} by {}",
                    display_time(Some(a.created_at)),
                    self.person(a.created_by)
                ),
                answered: *answered,
                total: all_questions().len(),
                submitted: a.submitted_at.map(|at| {
                    format!(
                        "Submitted {} by {}",
                        display_time(Some(at)),
                        a.submitted_by.map(|u| self.person(u)).unwrap_or_default()
                    )
                }),
                scores: scores
                    .iter()
                    .filter_map(|(code, score)| {
                        let pathway = Pathway::from_code(u8::try_from(*code).ok()?)?;
                        let score = (*score).clamp(0, 100) as u8;
                        let band = Band::of(score);
                        Some(ScoreLine {
                            pathway: pathway.title(),
                            score,
                            band: band.label(),
                            colour: match band {
                                Band::Red => "red",
                                Band::Amber => "yellow",
                                Band::Green => "green",
                            },
                        })
                    })
                    .collect(),
            });
        let may = self.may_start_assessment();
        let open = matches!(&self.assessment, Some((a, _, _)) if a.submitted_at.is_none());
        assessment_section(&AssessmentSection {
            id: self.row.id.clone(),
            latest,
            can_start: may.is_ok(),
            cannot_start_because: if open { None } else { may.err() },
        })
    }

    /// The personal-details section.
    pub fn personal(
        &self,
        typed: Option<&HashMap<String, String>>,
        csrf: &str,
        errors: &FormErrors,
        saved: bool,
    ) -> Markup {
        super::fragments::personal_section(&self.row.id, &self.editable, typed, csrf, errors, saved)
    }

    /// The timeline section.
    pub fn timeline_markup(&self) -> Markup {
        html! { section.case-section { h2 { "Timeline" } (self.timeline_fragment()) } }
    }

    fn timeline_fragment(&self) -> Markup {
        super::fragments::timeline_fragment(&self.row.id, &self.timeline, &self.names)
    }

    /// The JSON event carrying every section, for live pages.
    pub fn event(&self, today: time::Date) -> String {
        let none = FormErrors::new();
        serde_json::json!({
            "version": self.state.version,
            "fragments": {
                "case-summary": self.summary(today, &none, "").into_string(),
                "case-enrolment": self.enrolment(today).into_string(),
                "case-assessment": self.assessment_markup().into_string(),
                "case-personal": self.personal(None, "", &none, false).into_string(),
                "case-timeline": self.timeline_fragment().into_string(),
            },
            // Pages showing a part of the case not in the fragments above (an assessment
            // pathway being answered) fetch themselves again, keeping what is being typed.
            "refetch": ["assessment-form"],
        })
        .to_string()
    }
}

/// The event for case `id` as it stands inside `tx`, ready for the outbox.
pub async fn case_event_in(tx: &mut Tx, id: &str) -> Result<String, StoreError> {
    let today = time::OffsetDateTime::now_utc().date();
    Ok(load(tx, id)
        .await?
        .map(|data| data.event(today))
        .unwrap_or_default())
}

/// Writes the case's event to the outbox inside `tx` (published once it commits).
pub async fn publish_in(
    tx: &mut Tx,
    id: &str,
    now: time::OffsetDateTime,
) -> Result<(), StoreError> {
    let payload = case_event_in(tx, id).await?;
    crate::store::outbox::enqueue(tx, &super::topics::case_topic(id), &payload, now).await?;
    crate::store::outbox::notify_in(tx).await
}

/// The event of a personal-details edit, rendered from what the edit knows without reading
/// anything: the personal-details section from the row as the edit left it, and the edit's
/// timeline line, which live pages add to the top of the timeline they show (`prepend`).
/// Pages replace the fragments an event carries and keep the others. Events reach a page in
/// order and once each (the topic's positions), so a line is never added twice; a page that
/// missed events fetches itself again.
pub fn personal_edit_event(id: &str, edited: &EditableRow, line: &TimelineLine) -> String {
    let none = FormErrors::new();
    let personal = super::fragments::personal_section(id, edited, None, "", &none, false);
    serde_json::json!({
        "version": edited.version,
        "fragments": { "case-personal": personal.into_string() },
        "prepend": { TIMELINE_LINES_ID: timeline_item(line).into_string() },
    })
    .to_string()
}
