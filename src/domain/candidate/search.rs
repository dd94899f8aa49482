//! The candidate search form: an identifier (CRN or NOMIS number), names and date of birth.

use time::Date;

/// A checked search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateSearch {
    /// Seven letters and digits, upper-cased: a Delius CRN or a NOMIS number.
    pub identifier: String,
    /// First name as typed (trimmed).
    pub first_name: String,
    /// Last name as typed (trimmed).
    pub last_name: String,
    /// Date of birth.
    pub date_of_birth: Date,
}

/// A field that was wrong, with the message shown beside it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct SearchError {
    /// The form field.
    pub field: &'static str,
    /// What to do.
    pub message: &'static str,
}

fn error(field: &'static str, message: &'static str) -> SearchError {
    SearchError { field, message }
}

/// Youngest age the programme works with.
pub const MINIMUM_AGE: i32 = 18;

/// Whole years between `born` and `on`.
pub fn age_on(born: Date, on: Date) -> i32 {
    let mut years = on.year() - born.year();
    if (on.month() as u8, on.day()) < (born.month() as u8, born.day()) {
        years -= 1;
    }
    years
}

fn check_name(
    text: &str,
    field: &'static str,
    missing: &'static str,
) -> Result<String, SearchError> {
    let name = text.trim();
    if name.is_empty() {
        return Err(error(field, missing));
    }
    if name.chars().count() > 50 {
        return Err(error(field, "Name must be 50 characters or fewer"));
    }
    if !name
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '-' | '\''))
    {
        return Err(error(
            field,
            "Name must only include letters, spaces, hyphens and apostrophes",
        ));
    }
    Ok(name.to_owned())
}

impl CandidateSearch {
    /// Checks the form's fields; `day`, `month`, `year` as typed.
    pub fn parse(
        identifier: &str,
        first_name: &str,
        last_name: &str,
        (day, month, year): (&str, &str, &str),
        today: Date,
    ) -> Result<Self, SearchError> {
        let identifier: String = identifier.trim().to_uppercase();
        if identifier.is_empty() {
            return Err(error("identifier", "Enter a CRN or NOMIS number"));
        }
        if identifier.len() != 7 || !identifier.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(error(
                "identifier",
                "A CRN or NOMIS number is 7 letters and numbers, like X123456 or A1234BC",
            ));
        }
        let first_name = check_name(first_name, "first_name", "Enter a first name")?;
        let last_name = check_name(last_name, "last_name", "Enter a last name")?;
        let parts: Option<(u8, u8, i32)> = (|| {
            Some((
                day.trim().parse().ok()?,
                month.trim().parse().ok()?,
                year.trim().parse().ok()?,
            ))
        })();
        let (day, month, year) = parts.ok_or(error(
            "date_of_birth",
            "Enter a real date of birth, like 27 3 1985",
        ))?;
        let month = time::Month::try_from(month).map_err(|_| {
            error(
                "date_of_birth",
                "Enter a real date of birth, like 27 3 1985",
            )
        })?;
        let date_of_birth = Date::from_calendar_date(year, month, day).map_err(|_| {
            error(
                "date_of_birth",
                "Enter a real date of birth, like 27 3 1985",
            )
        })?;
        if date_of_birth > today {
            return Err(error("date_of_birth", "Date of birth must be in the past"));
        }
        if age_on(date_of_birth, today) < MINIMUM_AGE {
            return Err(error(
                "date_of_birth",
                "The person must be at least 18 years old",
            ));
        }
        Ok(Self {
            identifier,
            first_name,
            last_name,
            date_of_birth,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn search(identifier: &str, dob: (&str, &str, &str)) -> Result<CandidateSearch, SearchError> {
        CandidateSearch::parse(identifier, "Jo", "Bloggs", dob, TODAY)
    }

    #[test]
    fn accepts_a_crn_or_nomis_number_and_upper_cases_it() {
        let found = search(" a1234bc ", ("27", "3", "1985")).expect("valid");
        assert_eq!(found.identifier, "A1234BC");
        assert_eq!(found.date_of_birth, date!(1985 - 03 - 27));
        assert!(search("X123456", ("1", "1", "1990")).is_ok());
    }

    #[test]
    fn refuses_bad_identifiers_at_their_field() {
        for bad in ["", "A123", "A1234BCD", "A12-4BC"] {
            assert_eq!(
                search(bad, ("1", "1", "1990")).map_err(|e| e.field),
                Err("identifier"),
                "{bad}"
            );
        }
    }

    #[test]
    fn dates_must_be_real_past_and_eighteen_years_ago() {
        assert_eq!(
            search("A1234BC", ("31", "2", "1990")).map_err(|e| e.field),
            Err("date_of_birth")
        );
        assert_eq!(
            search("A1234BC", ("x", "2", "1990")).map_err(|e| e.field),
            Err("date_of_birth")
        );
        assert!(
            search("A1234BC", ("24", "11", "2008")).is_err(),
            "one day short of 18"
        );
        assert!(search("A1234BC", ("23", "11", "2008")).is_ok(), "18 today");
        assert!(search("A1234BC", ("1", "1", "2030")).is_err());
    }

    #[test]
    fn names_are_required_and_plain() {
        let missing = CandidateSearch::parse("A1234BC", " ", "Bloggs", ("1", "1", "1990"), TODAY);
        assert_eq!(missing.map_err(|e| e.field), Err("first_name"));
        let odd = CandidateSearch::parse("A1234BC", "Jo", "Bl0ggs", ("1", "1", "1990"), TODAY);
        assert_eq!(odd.map_err(|e| e.field), Err("last_name"));
        assert!(
            CandidateSearch::parse("A1234BC", "Mary-Jo", "O'Neil", ("1", "1", "1990"), TODAY)
                .is_ok()
        );
    }
}
