//! The participant list: filters, a table whose column headings sort it (with `aria-sort`),
//! and pages; every link keeps the other filters.

use super::case::status_tag;
use crate::components::Pagination;
use crate::form::{ErrorSummary, FormErrors, SelectField, TextField};
use maud::{html, Markup, Render};

/// A row of the participant list.
pub struct ParticipantLine {
    /// Case id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Date of birth.
    pub date_of_birth: String,
    /// Status name.
    pub status: &'static str,
    /// Current location.
    pub location: String,
    /// Owner, or "Unassigned".
    pub owner: String,
    /// Risk review due (a date, or empty).
    pub risk_due: String,
    /// The risk review is overdue.
    pub risk_overdue: bool,
    /// Last changed.
    pub updated: String,
}

/// A column heading: plain, or a link that sorts by it.
pub struct Heading<'a> {
    /// Text.
    pub label: &'a str,
    /// Where the link goes (sorting by this column, other filters kept); `None` when the column
    /// does not sort.
    pub href: Option<String>,
    /// `ascending` or `descending` when the list is sorted by this column.
    pub sorted: Option<&'static str>,
}

impl Render for Heading<'_> {
    fn render(&self) -> Markup {
        html! {
            th scope="col" aria-sort=[self.href.as_ref().map(|_| self.sorted.unwrap_or("none"))] {
                @match &self.href {
                    Some(href) => a.sort-link href=(href) {
                        (self.label)
                        @match self.sorted {
                            Some("ascending") => span.sort-link__arrow aria-hidden="true" { " ▲" },
                            Some(_) => span.sort-link__arrow aria-hidden="true" { " ▼" },
                            None => {},
                        }
                    },
                    None => (self.label),
                }
            }
        }
    }
}

/// One select of the filter form: its options and the value chosen.
pub struct Filter<'a> {
    /// Field name.
    pub name: &'a str,
    /// Label.
    pub label: &'a str,
    /// (value, text) pairs; the first is "any".
    pub options: Vec<(String, String)>,
    /// The value in the address.
    pub selected: &'a str,
}

/// The participant list.
pub struct ParticipantList<'a> {
    /// Rows (empty when the filters were refused).
    pub rows: &'a [ParticipantLine],
    /// "3 participants", "More than 1,000 participants".
    pub count: String,
    /// Search text.
    pub search: &'a str,
    /// The select filters, in form order.
    pub filters: &'a [Filter<'a>],
    /// The sort and direction to keep when the form is submitted.
    pub sort: (&'a str, &'a str),
    /// Column headings.
    pub headings: &'a [Heading<'a>],
    /// Refused filter values, shown at their fields.
    pub errors: &'a FormErrors,
    /// Paging.
    pub pagination: Pagination<'a>,
}

/// Renders the list.
pub fn participant_list(page: &ParticipantList<'_>) -> Markup {
    html! {
        (ErrorSummary(page.errors))
        h1 { "Participants" }
        p { a.button href="/participants/search" { "Find a new participant" } }
        form.filters method="get" action="/participants" role="search" novalidate {
            (TextField { name: "search", label: "Name or participant id", hint: None, value: page.search,
                input_type: "search", autocomplete: None, errors: page.errors })
            @for filter in page.filters {
                (SelectField { name: filter.name, label: filter.label, options: &filter.options,
                    selected: filter.selected, errors: page.errors })
            }
            input type="hidden" name="sort" value=(page.sort.0);
            input type="hidden" name="dir" value=(page.sort.1);
            div.filters__actions {
                button.button.button--secondary type="submit" { "Apply filters" }
                " " a href="/participants" { "Clear filters" }
            }
        }
        @if !page.errors.is_empty() {
            p { "Correct the filters above to see participants." }
        } @else {
            p #participant-count { (page.count) }
            @if page.rows.is_empty() {
                p { "No participants match. To start a case, find the person in the offender data." }
            } @else {
                table.table {
                    thead { tr { @for heading in page.headings { (heading) } } }
                    tbody {
                        @for row in page.rows {
                            tr {
                                td { a href={ "/participants/" (row.id) } { (row.name) } }
                                td { code { (row.id) } }
                                td { (row.date_of_birth) }
                                td { (status_tag(row.status)) }
                                td { (row.location) }
                                td { (row.owner) }
                                td {
                                    (row.risk_due)
                                    @if row.risk_overdue { " " strong.tag.tag--red { "Overdue" } }
                                }
                                td { (row.updated) }
                            }
                        }
                    }
                }
            }
            (page.pagination)
        }
    }
}
