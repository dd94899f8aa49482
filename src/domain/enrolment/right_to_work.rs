//! Right to work: evidence is needed unless the participant's nationality is exempt (from
//! configuration: British and Irish by default). A document runs from a date no later than
//! today to a date no earlier than today, or indefinitely.

use crate::domain::field::{date_from_parts, FieldError};
use time::Date;

/// Whether a participant of this nationality needs right-to-work evidence.
pub fn is_required(nationality: Option<&str>, exempt: &[String]) -> bool {
    let Some(nationality) = nationality.map(str::trim).filter(|n| !n.is_empty()) else {
        return true;
    };
    !exempt.iter().any(|e| e.eq_ignore_ascii_case(nationality))
}

/// A document is in force on `today` when it has no end or ends today or later.
pub fn is_active(valid_to: Option<Date>, today: Date) -> bool {
    valid_to.is_none_or(|to| to >= today)
}

/// A checked right-to-work period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    /// From.
    pub from: Date,
    /// To; `None` for indefinite leave.
    pub to: Option<Date>,
}

/// The form as typed: `(day, month, year)` for each end.
#[derive(Debug, Clone, Default)]
pub struct PeriodInput<'a> {
    /// Valid from.
    pub from: (&'a str, &'a str, &'a str),
    /// Valid to (ignored when indefinite).
    pub to: (&'a str, &'a str, &'a str),
    /// No end date.
    pub indefinite: bool,
}

/// Checks the period, returning every problem at once.
pub fn check_period(input: &PeriodInput<'_>, today: Date) -> Result<Period, Vec<FieldError>> {
    let mut errors = Vec::new();
    let from = match date_from_parts(input.from.0, input.from.1, input.from.2) {
        None => {
            errors.push(FieldError::new(
                "valid_from",
                "Enter the date the right to work starts, like 1 6 2024",
            ));
            None
        }
        Some(from) if from > today => {
            errors.push(FieldError::new(
                "valid_from",
                "The start date cannot be in the future",
            ));
            None
        }
        Some(from) => Some(from),
    };
    let to = if input.indefinite {
        None
    } else {
        match date_from_parts(input.to.0, input.to.1, input.to.2) {
            None => {
                errors.push(FieldError::new(
                    "valid_to",
                    "Enter the date the right to work ends, or choose indefinite leave",
                ));
                None
            }
            Some(to) if to < today => {
                errors.push(FieldError::new(
                    "valid_to",
                    "This right to work has ended: the end date must be today or later",
                ));
                None
            }
            Some(to) => Some(to),
        }
    };
    match from {
        Some(from) if errors.is_empty() => Ok(Period { from, to }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    #[test]
    fn exempt_nationalities_need_nothing_and_others_or_unknown_do() {
        let exempt = vec!["British".to_owned(), "Irish".to_owned()];
        assert!(!is_required(Some("British"), &exempt));
        assert!(!is_required(Some("irish"), &exempt));
        assert!(is_required(Some("French"), &exempt));
        assert!(is_required(None, &exempt));
        assert!(is_required(Some(" "), &exempt));
    }

    #[test]
    fn in_force_until_the_end_date_inclusive() {
        assert!(is_active(None, TODAY));
        assert!(is_active(Some(TODAY), TODAY));
        assert!(!is_active(Some(date!(2026 - 11 - 22)), TODAY));
    }

    #[test]
    fn periods_from_the_past_to_the_future_or_indefinite() {
        let ok = PeriodInput {
            from: ("1", "6", "2024"),
            to: ("23", "11", "2026"),
            indefinite: false,
        };
        assert_eq!(
            check_period(&ok, TODAY),
            Ok(Period {
                from: date!(2024 - 06 - 01),
                to: Some(TODAY)
            })
        );
        let open = PeriodInput {
            from: ("1", "6", "2024"),
            to: ("", "", ""),
            indefinite: true,
        };
        assert_eq!(check_period(&open, TODAY).map(|p| p.to), Ok(None));
    }

    #[test]
    fn a_future_start_or_past_end_is_refused_at_its_field() {
        let bad = PeriodInput {
            from: ("24", "11", "2026"),
            to: ("22", "11", "2026"),
            indefinite: false,
        };
        let fields: Vec<_> = check_period(&bad, TODAY)
            .expect_err("refused")
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["valid_from", "valid_to"]);
    }
}
