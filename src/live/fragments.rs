//! Renders what live pages receive: the HTML fragments of a case, once per change, the same
//! bytes for every viewer (nothing here depends on who is looking).

use crate::domain::case_edit::CaseField;
use crate::domain::enrolment::EnrolmentStatus;
use crate::format::display_time;
use crate::store::participants::{EditableRow, TimelinePage, TimelineRow};
use cats_views::form::FormErrors;
use cats_views::pages::participants::{
    personal_details, timeline, DetailField, PersonalDetails, TimelineLine,
};
use maud::Markup;
use std::collections::HashMap;

/// The form fields of the personal-details section, from stored values (the base) and what
/// the person typed (the values, on a re-shown form).
pub fn detail_fields<'a>(
    stored: &'a EditableRow,
    typed: Option<&'a HashMap<String, String>>,
) -> Vec<DetailField<'a>> {
    CaseField::ALL
        .into_iter()
        .map(|field| {
            let base = stored.value(field).unwrap_or_default();
            let value = typed
                .and_then(|t| t.get(field.name()).map(String::as_str))
                .unwrap_or(base);
            DetailField {
                name: field.name(),
                label: field.label(),
                value,
                base,
                multiline: field == CaseField::Notes,
            }
        })
        .collect()
}

/// The personal-details section for a case.
pub fn personal_section(
    id: &str,
    stored: &EditableRow,
    typed: Option<&HashMap<String, String>>,
    csrf_token: &str,
    errors: &FormErrors,
    saved: bool,
) -> Markup {
    let topic = super::topics::case_topic(id);
    let fields = detail_fields(stored, typed);
    let editable = EnrolmentStatus::from_value(stored.enrolment_status)
        .is_some_and(EnrolmentStatus::is_active);
    personal_details(&PersonalDetails {
        id,
        topic: &topic,
        fields: &fields,
        editable,
        csrf_token,
        errors,
        saved,
    })
}

/// Timeline lines for display.
pub fn timeline_lines(rows: &[TimelineRow], names: &HashMap<i64, String>) -> Vec<TimelineLine> {
    rows.iter()
        .map(|t| TimelineLine {
            when: display_time(Some(t.occurred_at)),
            kind: t.kind.clone(),
            lines: [Some(t.line1.clone()), t.line2.clone(), t.line3.clone()]
                .into_iter()
                .flatten()
                .collect(),
            who: t
                .user_id
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_else(|| "System".to_owned()),
        })
        .collect()
}

/// How many of a case's newest timeline lines its page shows (and every live update of it):
/// older ones are on pages of their own.
pub const CASE_PAGE_TIMELINE_LINES: u64 = 20;

/// The link to the timeline lines older than `page`'s last, when there are more.
pub fn older_timeline_link(id: &str, page: &TimelinePage) -> Option<String> {
    let last = page.rows.last().filter(|_| page.more)?;
    Some(format!("/participants/{id}/timeline?before={}", last.id))
}

/// The case page's timeline fragment, from its newest lines (read with
/// [`CASE_PAGE_TIMELINE_LINES`]): the page and every live update render it here, so an update
/// shows what a refresh would, the link to older lines included.
pub fn timeline_fragment(id: &str, page: &TimelinePage, names: &HashMap<i64, String>) -> Markup {
    let lines = timeline_lines(&page.rows, names);
    timeline(&lines, older_timeline_link(id, page).as_deref())
}

/// The event every case command publishes (all of the case page's sections).
pub use super::case_view::case_event_in;
