//! Changing who owns a case: reassigning it to a colleague, or taking it when nobody owns it.

use crate::form::{CsrfField, ErrorSummary, FormErrors, SelectField};
use maud::{html, Markup};

/// The owner page.
pub struct OwnerPage<'a> {
    /// Case id.
    pub id: &'a str,
    /// Participant's name.
    pub name: &'a str,
    /// The owner's name, if the case has one.
    pub owner: Option<&'a str>,
    /// The case is archived, so its owner cannot change.
    pub archived: bool,
    /// The user may reassign cases: (user id, name) of who the case can go to.
    pub candidates: Option<&'a [(String, String)]>,
    /// An incoming transfer waits (its id, and whether the user may process it): until it is
    /// processed the owner cannot change.
    pub transfer: Option<(i64, bool)>,
    /// The chosen assignee.
    pub selected: &'a str,
    /// Errors.
    pub errors: &'a FormErrors,
    /// CSRF token.
    pub csrf_token: &'a str,
}

/// Renders the page.
pub fn owner_page(page: &OwnerPage<'_>) -> Markup {
    let base = format!("/participants/{}", page.id);
    html! {
        p { a href=(base) { "Back to the case" } }
        (ErrorSummary(page.errors))
        span.caption { (page.name) " " (page.id) }
        h1 { "Who owns this case" }
        div.form-group.form-group--error[page.errors.get("case").is_some()] id="case" {
            @if let Some(message) = page.errors.get("case") {
                p.error-message { span.visually-hidden { "Error: " } (message) }
            }
            p { "Owner: " strong { (page.owner.unwrap_or("Unassigned")) } }
        }
        @if page.archived {
            p { "The case is archived. Unarchive it before changing its owner." }
        } @else if let Some((transfer, may_process)) = page.transfer {
            p { "The case moved in the offender data, and its transfer waits to be processed: whoever processes it chooses the owner at the new location. Until then the owner cannot change." }
            @if may_process {
                p { a href={ "/transfers/" (transfer) } { "Process the transfer" } }
            }
        } @else {
            @if page.owner.is_none() {
                p { "Nobody owns this case. Anyone whose team works at its location can take it." }
                form method="post" action={ (base) "/take" } novalidate {
                    (CsrfField(page.csrf_token))
                    button.button type="submit" { "Take this case" }
                }
            }
            @if let Some(candidates) = page.candidates {
                h2 { "Give the case to a colleague" }
                @if candidates.is_empty() {
                    p { "Nobody in your organisation works at the case's location." }
                } @else {
                    p { "They are told, and so is the previous owner. Only people whose team works at the case's location are listed." }
                    form method="post" action={ (base) "/owner" } novalidate {
                        (CsrfField(page.csrf_token))
                        (SelectField { name: "assignee", label: "New owner", options: candidates,
                            selected: page.selected, errors: page.errors })
                        button.button type="submit" { "Change owner" }
                    }
                }
            } @else if page.owner.is_some() {
                p { "Only people who can reassign cases can give it to someone else: ask your team's manager." }
            }
        }
    }
}
