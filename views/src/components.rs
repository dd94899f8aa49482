//! Small reusable parts: banners, summary lists, tags and pagination.

use maud::{html, Markup, Render};

/// A banner at the top of the content: success or important information.
pub struct Banner<'a> {
    /// Heading.
    pub title: &'a str,
    /// Body.
    pub body: Markup,
    /// Green (success) rather than blue (information).
    pub success: bool,
}

impl Render for Banner<'_> {
    fn render(&self) -> Markup {
        html! {
            div.banner.banner--success[self.success] role=(if self.success { "alert" } else { "region" }) {
                h2.banner__title { (self.title) }
                div.banner__body { (self.body) }
            }
        }
    }
}

/// Key-value rows describing one thing.
pub struct SummaryList<'a>(pub &'a [(&'a str, Markup)]);

impl Render for SummaryList<'_> {
    fn render(&self) -> Markup {
        html! {
            dl.summary-list {
                @for (key, value) in self.0 {
                    div.summary-list__row {
                        dt.summary-list__key { (key) }
                        dd.summary-list__value { (value) }
                    }
                }
            }
        }
    }
}

/// A coloured label, e.g. a status.
pub struct Tag<'a> {
    /// Text.
    pub text: &'a str,
    /// Colour class: `green`, `grey`, `red`, `blue`, `yellow`.
    pub colour: &'a str,
}

impl Render for Tag<'_> {
    fn render(&self) -> Markup {
        html! { strong class={ "tag tag--" (self.colour) } { (self.text) } }
    }
}

/// Previous / next links and "page X of Y" for server-side paging.
pub struct Pagination<'a> {
    /// Zero-based current page.
    pub page: u64,
    /// Total pages (at least 1); when `more`, the pages counted before the count stopped.
    pub pages: u64,
    /// There are more pages than `pages` (the count was capped).
    pub more: bool,
    /// The query string without `page`, e.g. `search=jo&status=active`.
    pub query: &'a str,
    /// The path the links point to.
    pub path: &'a str,
}

impl Pagination<'_> {
    fn href(&self, page: u64) -> String {
        if self.query.is_empty() {
            format!("{}?page={}", self.path, page + 1)
        } else {
            format!("{}?{}&page={}", self.path, self.query, page + 1)
        }
    }
}

impl Render for Pagination<'_> {
    fn render(&self) -> Markup {
        html! {
            @if self.pages > 1 || self.more {
                nav.pagination aria-label="Pages" {
                    @if self.page > 0 {
                        a.pagination__prev href=(self.href(self.page - 1)) rel="prev" { "Previous" }
                    }
                    span.pagination__status { "Page " (self.page + 1) " of " @if self.more { "more than " } (self.pages) }
                    @if self.page + 1 < self.pages || self.more {
                        a.pagination__next href=(self.href(self.page + 1)) rel="next" { "Next" }
                    }
                }
            }
        }
    }
}

/// The id of the header's notifications link, replaced live when a notification arrives.
pub const NOTIFICATION_BELL: &str = "notification-bell";

/// The header's link to the notifications, with the unread count.
pub struct NotificationBell {
    /// Unread notifications.
    pub unread: i64,
}

impl Render for NotificationBell {
    fn render(&self) -> Markup {
        html! {
            a #notification-bell .notification-bell href="/notifications"
                aria-label={ "Notifications, " (self.unread) " unread" } {
                "Notifications"
                @if self.unread > 0 {
                    " " span.notification-bell__count { (self.unread) }
                }
            }
        }
    }
}
