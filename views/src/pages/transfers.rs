//! Transfers: the cases that moved into the user's organisation's locations and wait for an
//! owner (incoming), the cases that left it lately (outgoing), and the page that processes one
//! incoming transfer.

use crate::components::SummaryList;
use crate::form::{CsrfField, ErrorSummary, FormErrors, SelectField};
use maud::{html, Markup};

/// One transfer as the lists show it.
pub struct TransferLine {
    /// Entry id.
    pub id: i64,
    /// Case id.
    pub participant_id: String,
    /// Participant's name.
    pub name: String,
    /// The case's enrolment status.
    pub status: &'static str,
    /// When the move happened, for people.
    pub moved: String,
    /// Where from: location, and contract if any.
    pub from: String,
    /// Where to: location, and contract if any.
    pub to: String,
    /// The kind of move.
    pub kind: &'static str,
}

/// The transfers page; its lists follow the transfers live.
pub fn transfers_page(incoming: &[TransferLine], outgoing: &[TransferLine]) -> Markup {
    html! {
        h1 { "Transfers" }
        p { "The offender data moved these people. A case that arrives at one of your locations waits here until someone chooses who owns it there; until then its owner cannot be changed and it cannot be archived." }
        h2 #incoming { "Incoming" }
        div #transfers-incoming data-live-fragment {
            @if incoming.is_empty() {
                p { "No case is waiting to be transferred in." }
            } @else {
                (table("Cases that moved to your locations", incoming, true))
            }
        }
        h2 #outgoing { "Outgoing" }
        p { "Cases your organisation worked with that moved to another contract in the last 90 days." }
        div #transfers-outgoing data-live-fragment {
            @if outgoing.is_empty() {
                p { "No case has left your organisation lately." }
            } @else {
                (table("Cases that left your organisation", outgoing, false))
            }
        }
    }
}

fn table(caption: &str, lines: &[TransferLine], process: bool) -> Markup {
    html! {
        table.table {
            caption.visually-hidden { (caption) }
            thead { tr {
                th scope="col" { "Participant" } th scope="col" { "Status" } th scope="col" { "Moved" }
                th scope="col" { "From" } th scope="col" { "To" } th scope="col" { "Type" }
                @if process { th scope="col" { span.visually-hidden { "Action" } } }
            } }
            tbody {
                @for line in lines {
                    tr {
                        // No link to the case: until the transfer is processed, the case may
                        // belong to an organisation the reader cannot see.
                        td { (line.name) br; (line.participant_id) }
                        td { (line.status) }
                        td { (line.moved) }
                        td { (line.from) }
                        td { (line.to) }
                        td { (line.kind) }
                        @if process {
                            td { a href={ "/transfers/" (line.id) } { "Process" span.visually-hidden { " the transfer of " (line.name) } } }
                        }
                    }
                }
            }
        }
    }
}

/// The page that processes one incoming transfer.
pub struct ProcessPage<'a> {
    /// The transfer.
    pub line: &'a TransferLine,
    /// Whether it was already dealt with (processed, dismissed or overtaken).
    pub completed: bool,
    /// (user id, name) of who the case can go to at its new location.
    pub candidates: &'a [(String, String)],
    /// The chosen assignee.
    pub selected: &'a str,
    /// The user may dismiss it (Senior Internal, and the case is archived).
    pub can_dismiss: bool,
    /// Errors.
    pub errors: &'a FormErrors,
    /// CSRF token.
    pub csrf_token: &'a str,
}

/// Renders the process page.
pub fn process_page(page: &ProcessPage<'_>) -> Markup {
    let line = page.line;
    let base = format!("/transfers/{}", line.id);
    html! {
        p { a href="/transfers" { "Back to transfers" } }
        (ErrorSummary(page.errors))
        span.caption { (line.name) " " (line.participant_id) }
        h1 { "Process the transfer" }
        div.form-group.form-group--error[page.errors.get("transfer").is_some()] id="transfer" {
            @if let Some(message) = page.errors.get("transfer") {
                p.error-message { span.visually-hidden { "Error: " } (message) }
            }
            (SummaryList(&[
                ("Moved", html! { (line.moved) }),
                ("From", html! { (line.from) }),
                ("To", html! { (line.to) }),
                ("Type", html! { (line.kind) }),
                ("Status", html! { (line.status) }),
            ]))
        }
        div #transfer-actions data-live-fragment {
        @if page.completed {
            p { "This transfer has been dealt with." }
        } @else {
            h2 { "Choose who owns the case now" }
            @if page.candidates.is_empty() {
                p { "Nobody in your organisation works at the location the case moved to." }
            } @else {
                p { "The new owner is told, and so is the previous one. Only people whose team works at the new location are listed." }
                form method="post" action={ (base) "/process" } novalidate {
                    (CsrfField(page.csrf_token))
                    (SelectField { name: "assignee", label: "New owner", options: page.candidates,
                        selected: page.selected, errors: page.errors })
                    button.button type="submit" { "Process and assign" }
                }
            }
            @if page.can_dismiss {
                h2 { "Or dismiss it" }
                p { "The case is archived, so nobody needs to own it at the new location." }
                form method="post" action={ (base) "/dismiss" } novalidate {
                    (CsrfField(page.csrf_token))
                    button.button.button--secondary type="submit" { "Dismiss the transfer" }
                }
            }
        }
        }
    }
}
