//! How dates and times read on pages: UK format, Europe/London time (stored in UTC).

use jiff::tz::TimeZone;
use std::sync::OnceLock;

fn london() -> &'static TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC))
}

/// `14 Mar 2026 at 09:05`, in London time; "Never" when there is none.
pub fn display_time(at: Option<time::OffsetDateTime>) -> String {
    let Some(at) = at else {
        return "Never".to_owned();
    };
    let nanos = at.unix_timestamp_nanos();
    match jiff::Timestamp::from_nanosecond(nanos) {
        Ok(ts) => ts
            .to_zoned(london().clone())
            .strftime("%-d %b %Y at %H:%M")
            .to_string(),
        Err(_) => at.to_string(),
    }
}

/// `14 Mar 2026`.
pub fn display_date(date: time::Date) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:short] [year]");
    date.format(&format).unwrap_or_else(|_| date.to_string())
}

/// A person's full name from its parts, skipping the empty ones.
pub fn full_name(first: &str, middle: Option<&str>, last: &str) -> String {
    [Some(first), middle, Some(last)]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A count with thousands separators: `100,000`.
pub fn display_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn times_show_in_london_time() {
        // Summer: BST is UTC+1.
        assert_eq!(
            display_time(Some(datetime!(2026-07-01 08:30 UTC))),
            "1 Jul 2026 at 09:30"
        );
        // Winter: GMT.
        assert_eq!(
            display_time(Some(datetime!(2026-12-01 08:30 UTC))),
            "1 Dec 2026 at 08:30"
        );
        assert_eq!(display_time(None), "Never");
    }

    #[test]
    fn dates_read_the_uk_way() {
        assert_eq!(display_date(date!(2029 - 03 - 31)), "31 Mar 2029");
    }

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(display_count(0), "0");
        assert_eq!(display_count(999), "999");
        assert_eq!(display_count(1000), "1,000");
        assert_eq!(display_count(100_000), "100,000");
        assert_eq!(display_count(1_234_567), "1,234,567");
    }
}
