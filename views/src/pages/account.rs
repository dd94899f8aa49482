//! The user's own account: details and changing the password.

use crate::components::{Banner, SummaryList};
use crate::form::{CsrfField, ErrorSummary, FormErrors, TextField};
use maud::{html, Markup};

/// What the account page shows.
pub struct Account<'a> {
    /// Display name.
    pub name: &'a str,
    /// E-mail.
    pub email: &'a str,
    /// Tenant.
    pub tenant: &'a str,
    /// Roles, or "Support worker".
    pub roles: &'a str,
    /// Last sign-in, formatted.
    pub last_login: &'a str,
    /// CSRF token.
    pub csrf_token: &'a str,
    /// Field errors of the password form.
    pub errors: &'a FormErrors,
    /// The user must change the temporary password before anything else.
    pub must_change: bool,
    /// Just changed.
    pub changed: bool,
}

/// Renders the account page.
pub fn account(page: &Account<'_>) -> Markup {
    html! {
        @if page.changed {
            (Banner { title: "Password changed", body: html! { p { "Your other sessions have been signed out." } }, success: true })
        }
        @if page.must_change {
            (Banner { title: "Set a new password", body: html! { p { "You signed in with a temporary password. Choose a new one to continue." } }, success: false })
        }
        (ErrorSummary(page.errors))
        h1 { "Your account" }
        (SummaryList(&[
            ("Name", html! { (page.name) }),
            ("Email", html! { (page.email) }),
            ("Organisation", html! { (page.tenant) }),
            ("Roles", html! { (page.roles) }),
            ("Last sign-in", html! { (page.last_login) }),
        ]))
        h2 #change-password { "Change your password" }
        p.hint { "At least 12 characters, with an upper-case letter, a lower-case letter, a number and a symbol. It cannot contain your email address or be one of your last 5 passwords." }
        form method="post" action="/account/password" novalidate {
            (CsrfField(page.csrf_token))
            (TextField { name: "current_password", label: "Current password", hint: None, value: "",
                input_type: "password", autocomplete: Some("current-password"), errors: page.errors })
            (TextField { name: "new_password", label: "New password", hint: None, value: "",
                input_type: "password", autocomplete: Some("new-password"), errors: page.errors })
            (TextField { name: "confirm_password", label: "Confirm new password", hint: None, value: "",
                input_type: "password", autocomplete: Some("new-password"), errors: page.errors })
            button.button type="submit" { "Change password" }
        }
    }
}
