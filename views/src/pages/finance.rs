//! Finance pages: the enrolment payment ledger with its filters, paging, CSV export and a
//! live count of the rows raised today.

use crate::components::Pagination;
use crate::form::{ErrorSummary, FormErrors, SelectField, TextField};
use maud::{html, Markup};

/// The id of the live count of rows raised today; the page re-fetches it when a payments
/// batch commits.
pub const TODAY_FRAGMENT: &str = "finance-today";

/// One ledger row as listed.
pub struct PaymentLine {
    /// Approval date, for display.
    pub approved: String,
    /// Case id.
    pub participant: String,
    /// Contract id.
    pub contract: String,
    /// Location name.
    pub location: String,
    /// Custody or Community.
    pub setting: String,
    /// Support worker's name.
    pub worker: String,
    /// Tenant id.
    pub tenant: String,
    /// Eligible for payment.
    pub eligible: bool,
    /// Why not, when not.
    pub reason: String,
}

/// The enrolment payments page.
pub struct PaymentsPage<'a> {
    /// Rows of this page.
    pub rows: &'a [PaymentLine],
    /// Matching rows in all.
    pub total: u64,
    /// Rows raised today in the user's scope.
    pub raised_today: u64,
    /// Filter values as typed.
    pub from: &'a str,
    /// Filter values as typed.
    pub to: &'a str,
    /// Contract filter.
    pub contract: &'a str,
    /// Contract options (value, label).
    pub contracts: &'a [(String, String)],
    /// Eligibility filter.
    pub eligibility: &'a str,
    /// Eligibility options.
    pub eligibilities: &'a [(String, String)],
    /// The CSV export of the same filter.
    pub export_href: &'a str,
    /// Filter errors.
    pub errors: &'a FormErrors,
    /// Paging.
    pub pagination: Pagination<'a>,
}

/// The live count of rows raised today.
pub fn raised_today(count: u64) -> Markup {
    html! {
        p #(TODAY_FRAGMENT) .lead data-live-fragment aria-live="polite" {
            strong { (count) } " enrolment payment " (if count == 1 { "row" } else { "rows" }) " raised today"
        }
    }
}

/// Renders the page.
pub fn payments(page: &PaymentsPage<'_>) -> Markup {
    html! {
        (ErrorSummary(page.errors))
        h1 { "Enrolment payments" }
        (raised_today(page.raised_today))
        form.filters method="get" action="/finance/payments" role="search" {
            (TextField { name: "from", label: "Approved from", hint: Some("For example, 2026-11-01"),
                value: page.from, input_type: "date", autocomplete: None, errors: page.errors })
            (TextField { name: "to", label: "Approved to", hint: Some("For example, 2026-11-30"),
                value: page.to, input_type: "date", autocomplete: None, errors: page.errors })
            (SelectField { name: "contract", label: "Contract", options: page.contracts,
                selected: page.contract, errors: page.errors })
            (SelectField { name: "eligibility", label: "Eligibility", options: page.eligibilities,
                selected: page.eligibility, errors: page.errors })
            button.button.button--secondary type="submit" { "Filter" }
        }
        p {
            (page.total) " " (if page.total == 1 { "row" } else { "rows" }) " · "
            a href=(page.export_href) download { "Download these rows (CSV)" }
        }
        @if page.rows.is_empty() {
            p { "No payment rows match. Rows appear here once enrolments are approved at QA." }
        } @else {
            table.table {
                thead { tr {
                    th scope="col" { "Approved" } th scope="col" { "Participant" }
                    th scope="col" { "Contract" } th scope="col" { "Location" }
                    th scope="col" { "Setting" } th scope="col" { "Support worker" }
                    th scope="col" { "Tenant" } th scope="col" { "Eligible" }
                    th scope="col" { "Reason" }
                } }
                tbody {
                    @for row in page.rows {
                        tr {
                            td { (row.approved) }
                            td { code { (row.participant) } }
                            td { (row.contract) }
                            td { (row.location) }
                            td { (row.setting) }
                            td { (row.worker) }
                            td { code { (row.tenant) } }
                            td { @if row.eligible { "Yes" } @else { "No" } }
                            td { (row.reason) }
                        }
                    }
                }
            }
        }
        (page.pagination)
    }
}
