//! Error pages: not found, forbidden, and the generic failure with a reference to quote.

use maud::{html, Markup};

/// Page not found.
pub fn not_found() -> Markup {
    html! {
        h1 { "Page not found" }
        p { "If you typed the web address, check it is correct." }
        p { "If you followed a link, the item may have moved or you may not have access to it." }
        p { a href="/" { "Go to the home page" } }
    }
}

/// Not allowed.
pub fn forbidden() -> Markup {
    html! {
        h1 { "You do not have permission to view this page" }
        p { "Your role or organisation does not give access to it. If you think you should have access, contact your administrator." }
        p { a href="/" { "Go to the home page" } }
    }
}

/// A request the server could not understand.
pub fn bad_request(message: &str) -> Markup {
    html! {
        h1 { "Sorry, there is a problem with that request" }
        p { (message) }
        p { a href="/" { "Go to the home page" } }
    }
}

/// Something went wrong on the server; `reference` is logged with the cause.
pub fn internal(reference: &str) -> Markup {
    html! {
        h1 { "Sorry, there is a problem with the service" }
        p { "Nothing you entered has been lost if you saw it saved. Try again later." }
        p { "If you contact the service desk, quote this reference: " strong.reference { (reference) } }
    }
}
