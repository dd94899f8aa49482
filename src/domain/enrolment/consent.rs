//! The consent step of enrolment: the date the participant signed (within the last three
//! months, not in the future), the form version they signed, and the worker's certification.

use crate::domain::field::{date_from_parts, months_before, FieldError};
use time::Date;

/// Consent form versions in use.
pub const FORM_VERSIONS: [&str; 3] = ["1.0", "1.1", "1.2"];

/// A checked consent (the document is checked separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// When the participant signed.
    pub date: Date,
    /// The form's version.
    pub form_version: &'static str,
}

/// The consent form as typed.
#[derive(Debug, Clone, Default)]
pub struct ConsentInput<'a> {
    /// Day, month, year.
    pub day: &'a str,
    /// Month.
    pub month: &'a str,
    /// Year.
    pub year: &'a str,
    /// Version chosen.
    pub form_version: &'a str,
    /// The certification box was ticked.
    pub certified: bool,
}

/// Checks every field, returning every problem at once.
pub fn check_consent(input: &ConsentInput<'_>, today: Date) -> Result<Consent, Vec<FieldError>> {
    let mut errors = Vec::new();
    let date = match date_from_parts(input.day, input.month, input.year) {
        None => {
            errors.push(FieldError::new(
                "consent_date",
                "Enter the date the participant signed, like 3 11 2026",
            ));
            None
        }
        Some(date) if date > today => {
            errors.push(FieldError::new(
                "consent_date",
                "The consent date cannot be in the future",
            ));
            None
        }
        Some(date) if date < months_before(today, 3) => {
            errors.push(FieldError::new(
                "consent_date",
                "The consent date must be within the last 3 months: ask the participant to sign a new form",
            ));
            None
        }
        Some(date) => Some(date),
    };
    let version = FORM_VERSIONS
        .into_iter()
        .find(|v| *v == input.form_version.trim());
    if version.is_none() {
        errors.push(FieldError::new(
            "form_version",
            "Select the version of the consent form the participant signed",
        ));
    }
    if !input.certified {
        errors.push(FieldError::new(
            "certified",
            "Confirm that the participant signed this form and understood it",
        ));
    }
    match (date, version) {
        (Some(date), Some(form_version)) if errors.is_empty() => Ok(Consent { date, form_version }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn input<'a>(day: &'a str, month: &'a str, year: &'a str) -> ConsentInput<'a> {
        ConsentInput {
            day,
            month,
            year,
            form_version: "1.2",
            certified: true,
        }
    }

    #[test]
    fn a_signature_from_today_back_to_three_months_is_accepted() {
        assert_eq!(
            check_consent(&input("23", "11", "2026"), TODAY).map(|c| c.date),
            Ok(TODAY)
        );
        assert_eq!(
            check_consent(&input("23", "8", "2026"), TODAY).map(|c| c.date),
            Ok(date!(2026 - 08 - 23))
        );
    }

    #[test]
    fn future_and_older_than_three_months_are_refused_at_the_date() {
        for (d, m) in [("24", "11"), ("22", "8")] {
            let errors = check_consent(&input(d, m, "2026"), TODAY).expect_err("refused");
            assert_eq!(
                errors.iter().map(|e| e.field).collect::<Vec<_>>(),
                ["consent_date"]
            );
        }
    }

    #[test]
    fn every_missing_field_is_reported_together() {
        let errors = check_consent(&ConsentInput::default(), TODAY).expect_err("refused");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["consent_date", "form_version", "certified"]);
    }

    #[test]
    fn only_known_form_versions() {
        let mut typed = input("1", "11", "2026");
        typed.form_version = "2.0";
        assert_eq!(
            check_consent(&typed, TODAY).expect_err("refused")[0].field,
            "form_version"
        );
    }
}
