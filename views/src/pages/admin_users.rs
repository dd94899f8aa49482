//! User administration pages: the list, one account, and the new-account form.

use crate::components::{Banner, Pagination, SummaryList, Tag};
use crate::form::{CheckboxesField, CsrfField, ErrorSummary, FormErrors, SelectField, TextField};
use maud::{html, Markup};

/// A row of the user list.
pub struct UserListRow {
    /// Id, for the link.
    pub id: i64,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Tenant name.
    pub tenant: String,
    /// Status name.
    pub status: &'static str,
    /// Locked.
    pub locked: bool,
}

/// The user list page.
pub struct UserList<'a> {
    /// Rows of this page.
    pub rows: &'a [UserListRow],
    /// Matching users in all.
    pub total: u64,
    /// Search text.
    pub search: &'a str,
    /// Status filter value.
    pub status: &'a str,
    /// Status options, first "Any".
    pub statuses: &'a [(String, String)],
    /// Paging.
    pub pagination: Pagination<'a>,
    /// Whether the "Create a user" button shows.
    pub can_create: bool,
}

fn status_colour(status: &str, locked: bool) -> &'static str {
    match (status, locked) {
        (_, true) => "red",
        ("Active", _) => "green",
        ("Pending Activation", _) => "blue",
        _ => "grey",
    }
}

/// Renders the user list.
pub fn user_list(page: &UserList<'_>) -> Markup {
    let no_errors = FormErrors::new();
    html! {
        h1 { "Users" }
        @if page.can_create {
            p { a.button href="/admin/users/new" { "Create a user" } }
        }
        form.filters method="get" action="/admin/users" role="search" {
            (TextField { name: "search", label: "Name or email", hint: None, value: page.search,
                input_type: "search", autocomplete: None, errors: &no_errors })
            (SelectField { name: "status", label: "Status", options: page.statuses, selected: page.status, errors: &no_errors })
            button.button.button--secondary type="submit" { "Search" }
        }
        p { (page.total) " " (if page.total == 1 { "user" } else { "users" }) }
        table.table {
            thead { tr { th scope="col" { "Name" } th scope="col" { "Email" } th scope="col" { "Organisation" } th scope="col" { "Status" } } }
            tbody {
                @for row in page.rows {
                    tr {
                        td { a href={ "/admin/users/" (row.id) } { (row.name) } }
                        td { (row.email) }
                        td { (row.tenant) }
                        td {
                            (Tag { text: row.status, colour: status_colour(row.status, row.locked) })
                            @if row.locked { " " (Tag { text: "Locked", colour: "red" }) }
                        }
                    }
                }
            }
        }
        (page.pagination)
    }
}

/// One identity audit line.
pub struct AuditLine {
    /// When, formatted.
    pub when: String,
    /// What.
    pub what: String,
    /// Detail and address.
    pub detail: String,
}

/// One account's page.
pub struct UserDetail<'a> {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: &'a str,
    /// E-mail.
    pub email: &'a str,
    /// Tenant name and id.
    pub tenant: &'a str,
    /// Status name.
    pub status: &'static str,
    /// Status code.
    pub status_code: &'static str,
    /// Status options (code, name).
    pub statuses: &'a [(String, String)],
    /// Locked, and why.
    pub locked: Option<&'a str>,
    /// Failed sign-ins in a row.
    pub failed_attempts: i64,
    /// Last sign-in, formatted.
    pub last_login: &'a str,
    /// Roles as checkboxes: (code, name, held); only those the admin may grant are offered.
    pub role_options: &'a [(String, String, bool)],
    /// Roles held that the admin cannot change.
    pub fixed_roles: &'a [&'static str],
    /// Whether the admin may act on this account at all.
    pub can_manage: bool,
    /// CSRF token.
    pub csrf_token: &'a str,
    /// Field errors of the last action.
    pub errors: &'a FormErrors,
    /// A message after an action.
    pub flash: Option<&'a str>,
    /// A temporary password to hand over, shown once.
    pub temporary_password: Option<&'a str>,
    /// Recent identity events, if the admin may see the audit.
    pub audit: Option<&'a [AuditLine]>,
}

/// Renders one account.
pub fn user_detail(page: &UserDetail<'_>) -> Markup {
    let base = format!("/admin/users/{}", page.id);
    html! {
        @if let Some(password) = page.temporary_password {
            (Banner { title: "Temporary password", success: true, body: html! {
                p { "Give this password to " (page.name) " by a secure route. It is shown only once; they must change it when they sign in." }
                p { code.password #temporary-password { (password) } }
            } })
        } @else if let Some(flash) = page.flash {
            (Banner { title: "Done", body: html! { p { (flash) } }, success: true })
        }
        (ErrorSummary(page.errors))
        p { a.back-link href="/admin/users" { "Back to users" } }
        h1 { (page.name) }
        (SummaryList(&[
            ("Email", html! { (page.email) }),
            ("Organisation", html! { (page.tenant) }),
            ("Status", html! { (Tag { text: page.status, colour: if page.status == "Active" { "green" } else { "grey" } }) }),
            ("Locked", html! { @match page.locked { Some(why) => { (Tag { text: "Locked", colour: "red" }) " " (why) }, None => "No" } }),
            ("Failed sign-ins in a row", html! { (page.failed_attempts) }),
            ("Last sign-in", html! { (page.last_login) }),
        ]))
        @if page.can_manage {
            h2 { "Roles" }
            form method="post" action={ (base) "/roles" } novalidate {
                (CsrfField(page.csrf_token))
                input type="hidden" name="roles_submitted" value="1";
                (CheckboxesField { name: "roles", legend: "Roles", hint: Some("No role means a provider support worker. You can only grant roles not more senior than your own."),
                    options: page.role_options, errors: page.errors })
                @if !page.fixed_roles.is_empty() {
                    p.hint { "Also holds (you cannot change): " (page.fixed_roles.join(", ")) }
                }
                button.button type="submit" { "Save roles" }
            }
            h2 { "Status" }
            form method="post" action={ (base) "/status" } novalidate {
                (CsrfField(page.csrf_token))
                (SelectField { name: "status", label: "Account status", options: page.statuses, selected: page.status_code, errors: page.errors })
                button.button type="submit" { "Save status" }
            }
            h2 { "Access" }
            div.button-group {
                @if page.locked.is_some() {
                    form method="post" action={ (base) "/unlock" } {
                        (CsrfField(page.csrf_token))
                        button.button type="submit" { "Unlock account" }
                    }
                } @else {
                    form method="post" action={ (base) "/lock" } {
                        (CsrfField(page.csrf_token))
                        button.button.button--warning type="submit" { "Lock account" }
                    }
                }
                form method="post" action={ (base) "/reset-password" } {
                    (CsrfField(page.csrf_token))
                    button.button.button--secondary type="submit" { "Reset password" }
                }
            }
            p.hint { "Changing roles or status, locking or resetting the password signs this person out everywhere." }
        } @else {
            p.hint { "You cannot change this account: it is yours, or more senior than your own." }
        }
        @if let Some(lines) = page.audit {
            h2 { "Recent account events" }
            @if lines.is_empty() { p { "None yet." } } @else {
                table.table {
                    thead { tr { th scope="col" { "When" } th scope="col" { "Event" } th scope="col" { "Detail" } } }
                    tbody { @for line in lines { tr { td { (line.when) } td { (line.what) } td { (line.detail) } } } }
                }
            }
        }
    }
}

/// The new-account form.
pub struct NewUser<'a> {
    /// E-mail typed.
    pub email: &'a str,
    /// Name typed.
    pub name: &'a str,
    /// Tenant chosen.
    pub tenant: &'a str,
    /// Tenant options (id, indented name).
    pub tenants: &'a [(String, String)],
    /// Role checkboxes.
    pub role_options: &'a [(String, String, bool)],
    /// CSRF token.
    pub csrf_token: &'a str,
    /// Field errors.
    pub errors: &'a FormErrors,
}

/// Renders the new-account form.
pub fn new_user(page: &NewUser<'_>) -> Markup {
    html! {
        (ErrorSummary(page.errors))
        p { a.back-link href="/admin/users" { "Back to users" } }
        h1 { "Create a user" }
        form method="post" action="/admin/users" novalidate {
            (CsrfField(page.csrf_token))
            (TextField { name: "email", label: "Email address", hint: Some("Must use one of the organisation's email domains. This is also the username."),
                value: page.email, input_type: "email", autocomplete: Some("off"), errors: page.errors })
            (TextField { name: "display_name", label: "Full name", hint: None, value: page.name,
                input_type: "text", autocomplete: Some("off"), errors: page.errors })
            (SelectField { name: "tenant", label: "Organisation", options: page.tenants, selected: page.tenant, errors: page.errors })
            (CheckboxesField { name: "roles", legend: "Roles", hint: Some("Leave all unticked for a provider support worker."),
                options: page.role_options, errors: page.errors })
            p.hint { "The account starts as Pending Activation with a temporary password, shown on the next page." }
            button.button type="submit" { "Create user" }
        }
    }
}
