//! The sign-in page.

use crate::components::Banner;
use crate::form::{CsrfField, ErrorSummary, FormErrors, TextField};
use maud::{html, Markup};

/// What the sign-in page shows.
pub struct SignIn<'a> {
    /// The e-mail typed so far.
    pub email: &'a str,
    /// Field errors.
    pub errors: &'a FormErrors,
    /// The pre-session CSRF token.
    pub csrf_token: &'a str,
    /// Where to go after signing in.
    pub next: Option<&'a str>,
    /// Why the user is here (signed out, timed out…).
    pub notice: Option<&'a str>,
}

/// Renders the sign-in page.
pub fn sign_in(page: &SignIn<'_>) -> Markup {
    html! {
        div.narrow {
            @if let Some(notice) = page.notice {
                (Banner { title: "Signed out", body: html! { p { (notice) } }, success: false })
            }
            (ErrorSummary(page.errors))
            h1 { "Sign in to CATS" }
            form method="post" action="/sign-in" novalidate {
                (CsrfField(page.csrf_token))
                @if let Some(next) = page.next { input type="hidden" name="next" value=(next); }
                (TextField { name: "email", label: "Email address", hint: None, value: page.email,
                    input_type: "email", autocomplete: Some("username"), errors: page.errors })
                (TextField { name: "password", label: "Password", hint: None, value: "",
                    input_type: "password", autocomplete: Some("current-password"), errors: page.errors })
                button.button type="submit" { "Sign in" }
            }
            p.hint { "Five wrong passwords in a row lock the account until an administrator unlocks it." }
        }
    }
}
