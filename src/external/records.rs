//! What the offender-data service sends: ranked search matches and a person's aggregate
//! record (names, identifiers, status in the feed, registrations and location codes).

use serde::{Deserialize, Serialize};
use time::Date;

/// One ranked match of a search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchMatch {
    /// The person's cluster id.
    pub upci: String,
    /// 1 is certain; higher is weaker.
    pub precedence: u32,
}

time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

/// A person's aggregate record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OffenderRecord {
    /// Cluster id (UPCI).
    pub upci: String,
    /// First name.
    pub first_name: String,
    /// Middle names.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// Date of birth.
    #[serde(with = "iso_date")]
    pub date_of_birth: Date,
    /// Gender as the feed names it (`Male`, `Female`, …).
    pub gender: String,
    /// Nationality.
    pub nationality: Option<String>,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// NOMIS number.
    pub nomis_number: Option<String>,
    /// Delius CRN.
    pub crn: Option<String>,
    /// PNC number.
    pub pnc_number: Option<String>,
    /// Active in the feed.
    pub active: bool,
    /// Registrations (MAPPA and similar).
    pub registrations: Vec<String>,
    /// `NOMIS` or `DELIUS`: which record is primary.
    pub primary_record: String,
    /// NOMIS establishment code (`OUT` when released).
    pub prison_code: Option<String>,
    /// Delius organisation code.
    pub org_code: Option<String>,
    /// A sticky location set by QA.
    pub sticky_location: Option<String>,
}

impl OffenderRecord {
    /// The identifiers as CATS names them: (kind, value).
    pub fn identifiers(&self) -> Vec<(&'static str, &str)> {
        [
            ("NOMIS Number", self.nomis_number.as_deref()),
            ("Delius CRN", self.crn.as_deref()),
            ("PNC Number", self.pnc_number.as_deref()),
        ]
        .into_iter()
        .filter_map(|(kind, value)| value.map(|v| (kind, v)))
        .collect()
    }

    /// Where the feed says the person is.
    pub fn feed_location(&self) -> crate::domain::candidate::FeedLocation {
        crate::domain::candidate::FeedLocation {
            nomis_primary: self.primary_record.eq_ignore_ascii_case("NOMIS"),
            delius_primary: self.primary_record.eq_ignore_ascii_case("DELIUS")
                || self.crn.is_some(),
            prison_code: self.prison_code.clone(),
            org_code: self.org_code.clone(),
            sticky_location: self.sticky_location.clone(),
        }
    }
}
