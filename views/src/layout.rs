//! The one layout every page is rendered inside: header with navigation for what the user may
//! use, a skip link, the main content, and the session-timeout warning hooks.

use maud::{html, Markup, DOCTYPE};

/// URLs of the embedded assets (hashed names, so they can be cached for a year).
#[derive(Debug, Clone)]
pub struct AssetUrls {
    /// The stylesheet.
    pub css: String,
    /// The small page script (error-summary focus, idle warning).
    pub script: String,
    /// The live client.
    pub live_script: String,
}

/// One link in the navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Where it goes.
    pub href: &'static str,
    /// What it says.
    pub label: &'static str,
    /// True on the page it names.
    pub current: bool,
}

/// The signed-in user, as the header shows them.
#[derive(Debug, Clone)]
pub struct UserChrome {
    /// Display name.
    pub name: String,
    /// Tenant name.
    pub tenant: String,
    /// CSRF token for the sign-out form and scripts.
    pub csrf_token: String,
    /// Seconds of inactivity before the session ends.
    pub idle_timeout_seconds: u32,
    /// Seconds before the end to warn.
    pub idle_warning_seconds: u32,
    /// The user's id (the live client marks "(you)" in presence lists).
    pub user_id: String,
    /// The page's live topics as JSON: `[{"topic":…,"epoch":…,"seq":…}]`.
    pub live_topics: String,
    /// Unread notifications (the bell is shown when known).
    pub unread_notifications: Option<i64>,
}

/// Everything around a page's content.
#[derive(Debug, Clone)]
pub struct Chrome<'a> {
    /// The page title (also the browser tab's).
    pub title: &'a str,
    /// The signed-in user, if any.
    pub user: Option<&'a UserChrome>,
    /// Navigation links the user may use.
    pub nav: &'a [NavLink],
    /// Asset URLs.
    pub assets: &'a AssetUrls,
}

/// Renders a full page.
pub fn layout(chrome: &Chrome<'_>, content: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (chrome.title) " – CATS" }
                link rel="stylesheet" href=(chrome.assets.css);
                script src=(chrome.assets.script) defer {}
                @if chrome.user.is_some() {
                    script src=(chrome.assets.live_script) defer {}
                }
            }
            body data-live-topics=[chrome.user.map(|u| u.live_topics.as_str())]
                data-live-user=[chrome.user.map(|u| u.user_id.as_str())] {
                a.skip-link href="#main" { "Skip to main content" }
                header.header {
                    div.header__inner {
                        a.header__brand href="/" { "CATS" }
                        @if let Some(user) = chrome.user {
                            div.header__user {
                                span #live-status .live-status data-state="offline" role="status" { "Offline" }
                                span.header__name { (user.name) }
                                span.header__tenant { (user.tenant) }
                                @if let Some(unread) = user.unread_notifications {
                                    (crate::components::NotificationBell { unread })
                                }
                                form.inline method="post" action="/sign-out" {
                                    input type="hidden" name="csrf_token" value=(user.csrf_token);
                                    button.link-button type="submit" { "Sign out" }
                                }
                            }
                        }
                    }
                    @if !chrome.nav.is_empty() {
                        nav.nav aria-label="Main" {
                            ul {
                                @for link in chrome.nav {
                                    li {
                                        @if link.current {
                                            a href=(link.href) aria-current="page" { (link.label) }
                                        } @else {
                                            a href=(link.href) { (link.label) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if let Some(user) = chrome.user {
                    div #session-warning .session-warning hidden
                        data-idle-timeout=(user.idle_timeout_seconds)
                        data-idle-warning=(user.idle_warning_seconds)
                        data-csrf=(user.csrf_token)
                        role="alertdialog" aria-labelledby="session-warning-title" {
                        h2 #session-warning-title { "You will be signed out soon" }
                        p { "You have been inactive. To protect participants' data you will be signed out in "
                            span #session-warning-left { "2 minutes" } "." }
                        button.button type="button" #session-stay { "Stay signed in" }
                    }
                }
                main #main .main tabindex="-1" {
                    (content)
                }
                footer.footer {
                    p { "CATS-rs – Creating Future Opportunities case assessment and tracking" }
                }
            }
        }
    }
}
