//! The home page: who you are, and what your role lets you do here.

use maud::{html, Markup};

/// One thing the user can go and do.
pub struct HomeCard {
    /// Link.
    pub href: &'static str,
    /// Heading.
    pub title: &'static str,
    /// One line on what it is for.
    pub description: &'static str,
}

/// What the home page shows.
pub struct Home<'a> {
    /// Display name.
    pub name: &'a str,
    /// Tenant name and id.
    pub tenant: &'a str,
    /// Role names; empty for a support worker.
    pub roles: &'a [&'static str],
    /// Permission names.
    pub permissions: &'a [&'static str],
    /// What the user can do now.
    pub cards: &'a [HomeCard],
    /// The tenant's live topic, whose presence lists colleagues online.
    pub presence_topic: &'a str,
}

/// Renders the home page.
pub fn home(page: &Home<'_>) -> Markup {
    html! {
        h1 { "Welcome, " (page.name) }
        p.lead {
            (page.tenant) " · "
            @if page.roles.is_empty() { "Support worker" } @else { (page.roles.join(", ")) }
        }
        section.presence data-presence=(page.presence_topic) aria-labelledby="presence-heading" {
            h2 #presence-heading { "Colleagues online now " span.presence__count data-presence-count { } }
            ul.presence__list aria-live="polite" {
                li.presence__empty { "Connecting…" }
            }
            noscript { p.hint { "Turn on JavaScript to see which colleagues are online." } }
        }
        @if !page.cards.is_empty() {
            h2 { "What you can do" }
            ul.cards {
                @for card in page.cards {
                    li.card {
                        h3.card__title { a href=(card.href) { (card.title) } }
                        p { (card.description) }
                    }
                }
            }
        }
        @if !page.permissions.is_empty() {
            details.details {
                summary { "Your permissions" }
                ul { @for permission in page.permissions { li { (permission) } } }
            }
        }
    }
}
