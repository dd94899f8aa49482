//! What a form field's check returns when the value is wrong, and the date-in-three-boxes
//! parsing every dated form shares.

use time::{Date, Month};

/// A field that was wrong, with the message shown beside it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The form field (its `name`, also the id the error summary links to).
    pub field: &'static str,
    /// What to do.
    pub message: String,
}

impl FieldError {
    /// A message for a field.
    pub fn new(field: &'static str, message: impl Into<String>) -> FieldError {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// A date typed as day, month and year boxes; `None` unless it is a real calendar date.
pub fn date_from_parts(day: &str, month: &str, year: &str) -> Option<Date> {
    let day: u8 = day.trim().parse().ok()?;
    let month: u8 = month.trim().parse().ok()?;
    let year: i32 = year.trim().parse().ok()?;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// The same calendar day `months` months earlier (the month's last day where it is shorter).
pub fn months_before(date: Date, months: u8) -> Date {
    let mut month = date.month();
    let mut year = date.year();
    for _ in 0..months {
        month = month.previous();
        if month == Month::December {
            year -= 1;
        }
    }
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

/// The same calendar day `months` months later (the month's last day where it is shorter).
pub fn months_after(date: Date, months: u8) -> Date {
    let mut month = date.month();
    let mut year = date.year();
    for _ in 0..months {
        month = month.next();
        if month == Month::January {
            year += 1;
        }
    }
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn real_dates_parse_and_impossible_ones_do_not() {
        assert_eq!(
            date_from_parts("27", "3", "1985"),
            Some(date!(1985 - 03 - 27))
        );
        assert_eq!(
            date_from_parts(" 1", "01 ", "2026"),
            Some(date!(2026 - 01 - 01))
        );
        assert_eq!(date_from_parts("31", "2", "2026"), None);
        assert_eq!(date_from_parts("", "2", "2026"), None);
        assert_eq!(date_from_parts("1", "13", "2026"), None);
        assert_eq!(date_from_parts("1", "1", "26"), None);
    }

    #[test]
    fn months_after_keeps_the_day_or_takes_the_month_end() {
        assert_eq!(
            months_after(date!(2026 - 11 - 24), 3),
            date!(2027 - 02 - 24)
        );
        assert_eq!(
            months_after(date!(2026 - 11 - 30), 3),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            months_after(date!(2026 - 01 - 31), 1),
            date!(2026 - 02 - 28)
        );
    }

    #[test]
    fn months_before_keeps_the_day_or_takes_the_month_end() {
        assert_eq!(
            months_before(date!(2026 - 11 - 23), 3),
            date!(2026 - 08 - 23)
        );
        assert_eq!(
            months_before(date!(2026 - 05 - 31), 3),
            date!(2026 - 02 - 28)
        );
        assert_eq!(
            months_before(date!(2026 - 02 - 15), 3),
            date!(2025 - 11 - 15)
        );
    }
}
