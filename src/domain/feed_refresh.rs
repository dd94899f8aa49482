//! The external-data refresh's rules (DOMAIN.md §2 and §9): what changes on a case when the
//! feed's record differs from it, and which
//! cases the nightly auto-archive closes.

use super::enrolment::EnrolmentStatus;
use std::collections::BTreeMap;
use time::{Date, Duration};

/// Days a case may stay deactivated in the feed before it is archived automatically.
pub const AUTO_ARCHIVE_AFTER_DAYS: i64 = 30;

/// The feed-owned facts of a case as CATS holds them, or as the feed now says they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedFacts {
    /// First name.
    pub first_name: String,
    /// Middle names.
    pub middle_name: Option<String>,
    /// Last name.
    pub last_name: String,
    /// Date of birth.
    pub date_of_birth: Date,
    /// Gender.
    pub gender: String,
    /// Nationality.
    pub nationality: Option<String>,
    /// Ethnicity.
    pub ethnicity: Option<String>,
    /// Registrations (MAPPA and similar), as stored (JSON list).
    pub registration_details: Option<String>,
    /// Active in the feed.
    pub active: bool,
    /// External identifiers by kind (NOMIS Number, Delius CRN, PNC Number).
    pub identifiers: BTreeMap<String, String>,
    /// The CATS location the feed's codes map to.
    pub location_id: i64,
}

/// One field the refresh keeps in step with the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncField {
    /// First name.
    FirstName,
    /// Middle names.
    MiddleName,
    /// Last name.
    LastName,
    /// Date of birth.
    DateOfBirth,
    /// Gender.
    Gender,
    /// Nationality.
    Nationality,
    /// Ethnicity.
    Ethnicity,
    /// Registration details.
    RegistrationDetails,
    /// Active in the feed.
    ActiveInFeed,
    /// An external identifier, by kind.
    Identifier(String),
    /// The current location (by id).
    Location,
}

impl SyncField {
    /// The name in the field audit.
    pub fn audit_name(&self) -> String {
        match self {
            SyncField::FirstName => "first_name".to_owned(),
            SyncField::MiddleName => "middle_name".to_owned(),
            SyncField::LastName => "last_name".to_owned(),
            SyncField::DateOfBirth => "date_of_birth".to_owned(),
            SyncField::Gender => "gender".to_owned(),
            SyncField::Nationality => "nationality".to_owned(),
            SyncField::Ethnicity => "ethnicity".to_owned(),
            SyncField::RegistrationDetails => "registration_details".to_owned(),
            SyncField::ActiveInFeed => "active_in_feed".to_owned(),
            SyncField::Identifier(kind) => kind.to_lowercase().replace(' ', "_"),
            SyncField::Location => "current_location_id".to_owned(),
        }
    }

    /// The label on the timeline.
    pub fn label(&self) -> String {
        match self {
            SyncField::FirstName => "First name".to_owned(),
            SyncField::MiddleName => "Middle name".to_owned(),
            SyncField::LastName => "Last name".to_owned(),
            SyncField::DateOfBirth => "Date of birth".to_owned(),
            SyncField::Gender => "Gender".to_owned(),
            SyncField::Nationality => "Nationality".to_owned(),
            SyncField::Ethnicity => "Ethnicity".to_owned(),
            SyncField::RegistrationDetails => "Registration details".to_owned(),
            SyncField::ActiveInFeed => "Active in the feed".to_owned(),
            SyncField::Identifier(kind) => kind.clone(),
            SyncField::Location => "Location".to_owned(),
        }
    }
}

/// One difference between the case and the feed: the value CATS held and the feed's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedChange {
    /// Which field.
    pub field: SyncField,
    /// The value CATS held (ISO dates, location ids, `true`/`false`).
    pub old: Option<String>,
    /// The feed's value.
    pub new: Option<String>,
}

/// What a refresh does to one case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshPlan {
    /// The feed's facts, with names in upper case: the case's new values.
    pub facts: FeedFacts,
    /// Every field that differs.
    pub changes: Vec<FeedChange>,
    /// The deactivated-in-feed date after the refresh.
    pub deactivated_in_feed: Option<Date>,
    /// Whether that date differs from the case's.
    pub deactivated_changed: bool,
}

impl RefreshPlan {
    /// True when nothing differs.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && !self.deactivated_changed
    }

    /// The location move, (from, to), if the case moves.
    pub fn moved(&self, from: i64) -> Option<(i64, i64)> {
        (self.facts.location_id != from).then_some((from, self.facts.location_id))
    }
}

fn upper(name: &str) -> String {
    name.trim().to_uppercase()
}

fn blank_to_none(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// No registrations, however stored (nothing, blank, an empty list), is one value.
fn registrations(value: Option<&str>) -> Option<String> {
    blank_to_none(value).filter(|v| v != "[]")
}

fn push(changes: &mut Vec<FeedChange>, field: SyncField, old: Option<String>, new: Option<String>) {
    if old != new {
        changes.push(FeedChange { field, old, new });
    }
}

/// Compares the case (`current`, with its deactivated date) with the feed's record. Names
/// become upper case (the feed's spelling of the same name is no change); becoming inactive
/// stamps today as the deactivated date, becoming active again clears it, and an inactive case
/// keeps the date it first went.
pub fn compare(
    current: &FeedFacts,
    deactivated: Option<Date>,
    feed: &FeedFacts,
    today: Date,
) -> RefreshPlan {
    let facts = FeedFacts {
        first_name: upper(&feed.first_name),
        middle_name: blank_to_none(feed.middle_name.as_deref()).map(|m| upper(&m)),
        last_name: upper(&feed.last_name),
        nationality: blank_to_none(feed.nationality.as_deref()),
        ethnicity: blank_to_none(feed.ethnicity.as_deref()),
        registration_details: registrations(feed.registration_details.as_deref()),
        ..feed.clone()
    };
    let mut changes = Vec::new();
    let text = |v: &str| Some(v.to_owned());
    push(
        &mut changes,
        SyncField::FirstName,
        text(&current.first_name),
        text(&facts.first_name),
    );
    push(
        &mut changes,
        SyncField::MiddleName,
        current.middle_name.clone(),
        facts.middle_name.clone(),
    );
    push(
        &mut changes,
        SyncField::LastName,
        text(&current.last_name),
        text(&facts.last_name),
    );
    push(
        &mut changes,
        SyncField::DateOfBirth,
        Some(current.date_of_birth.to_string()),
        Some(facts.date_of_birth.to_string()),
    );
    push(
        &mut changes,
        SyncField::Gender,
        text(&current.gender),
        text(&facts.gender),
    );
    push(
        &mut changes,
        SyncField::Nationality,
        current.nationality.clone(),
        facts.nationality.clone(),
    );
    push(
        &mut changes,
        SyncField::Ethnicity,
        current.ethnicity.clone(),
        facts.ethnicity.clone(),
    );
    push(
        &mut changes,
        SyncField::RegistrationDetails,
        registrations(current.registration_details.as_deref()),
        facts.registration_details.clone(),
    );
    push(
        &mut changes,
        SyncField::ActiveInFeed,
        Some(current.active.to_string()),
        Some(facts.active.to_string()),
    );
    let kinds: std::collections::BTreeSet<&String> = current
        .identifiers
        .keys()
        .chain(facts.identifiers.keys())
        .collect();
    for kind in kinds {
        push(
            &mut changes,
            SyncField::Identifier(kind.clone()),
            current.identifiers.get(kind).cloned(),
            facts.identifiers.get(kind).cloned(),
        );
    }
    push(
        &mut changes,
        SyncField::Location,
        Some(current.location_id.to_string()),
        Some(facts.location_id.to_string()),
    );
    let deactivated_in_feed = if facts.active {
        None
    } else {
        deactivated.or(Some(today))
    };
    RefreshPlan {
        deactivated_changed: deactivated_in_feed != deactivated,
        facts,
        changes,
        deactivated_in_feed,
    }
}

/// Whether the nightly auto-archive closes a case (DOMAIN.md §2): deactivated in the feed more
/// than 30 days ago and not Archived or with QA (Submitted to Provider or Authority). Dormant
/// cases are archived too.
pub fn auto_archive_due(status: EnrolmentStatus, deactivated: Option<Date>, today: Date) -> bool {
    let Some(since) = deactivated else {
        return false;
    };
    let waiting = matches!(
        status,
        EnrolmentStatus::Archived
            | EnrolmentStatus::SubmittedToProvider
            | EnrolmentStatus::SubmittedToAuthority
    );
    !waiting && today - since > Duration::days(AUTO_ARCHIVE_AFTER_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn facts() -> FeedFacts {
        FeedFacts {
            first_name: "DALE".into(),
            middle_name: None,
            last_name: "ASHDOWN".into(),
            date_of_birth: date!(1985 - 03 - 27),
            gender: "Male".into(),
            nationality: Some("British".into()),
            ethnicity: Some("Not stated".into()),
            registration_details: Some("[]".into()),
            active: true,
            identifiers: [("NOMIS Number".to_owned(), "A1234BC".to_owned())].into(),
            location_id: 1,
        }
    }

    fn fields(plan: &RefreshPlan) -> Vec<SyncField> {
        plan.changes.iter().map(|c| c.field.clone()).collect()
    }

    #[test]
    fn the_same_record_changes_nothing() {
        let plan = compare(&facts(), None, &facts(), TODAY);
        assert!(plan.is_empty(), "{plan:?}");
    }

    #[test]
    fn names_are_upper_cased_so_the_feeds_spelling_of_the_same_name_is_no_change() {
        let feed = FeedFacts {
            first_name: "Dale ".into(),
            last_name: "Ashdown".into(),
            ..facts()
        };
        assert!(compare(&facts(), None, &feed, TODAY).is_empty());
        let renamed = FeedFacts {
            last_name: "Ashdown-Smith".into(),
            middle_name: Some("lee".into()),
            ..facts()
        };
        let plan = compare(&facts(), None, &renamed, TODAY);
        assert_eq!(fields(&plan), [SyncField::MiddleName, SyncField::LastName]);
        assert_eq!(plan.facts.last_name, "ASHDOWN-SMITH");
        assert_eq!(plan.changes[1].old.as_deref(), Some("ASHDOWN"));
        assert_eq!(plan.changes[1].new.as_deref(), Some("ASHDOWN-SMITH"));
    }

    #[test]
    fn no_registrations_is_one_value_however_stored() {
        let none = FeedFacts {
            registration_details: None,
            ..facts()
        };
        assert!(compare(&facts(), None, &none, TODAY).is_empty());
        assert!(compare(&none, None, &facts(), TODAY).is_empty());
    }

    #[test]
    fn every_feed_field_is_compared() {
        let feed = FeedFacts {
            date_of_birth: date!(1985 - 03 - 28),
            gender: "Female".into(),
            nationality: Some("Irish".into()),
            ethnicity: None,
            registration_details: Some("[\"MAPPA\"]".into()),
            location_id: 3,
            ..facts()
        };
        let plan = compare(&facts(), None, &feed, TODAY);
        assert_eq!(
            fields(&plan),
            [
                SyncField::DateOfBirth,
                SyncField::Gender,
                SyncField::Nationality,
                SyncField::Ethnicity,
                SyncField::RegistrationDetails,
                SyncField::Location,
            ]
        );
        assert_eq!(plan.moved(1), Some((1, 3)));
        assert_eq!(plan.changes[0].new.as_deref(), Some("1985-03-28"));
    }

    #[test]
    fn identifiers_added_changed_and_removed_are_each_a_change() {
        let feed = FeedFacts {
            identifiers: [
                ("Delius CRN".to_owned(), "X123456".to_owned()),
                ("NOMIS Number".to_owned(), "A9999ZZ".to_owned()),
            ]
            .into(),
            ..facts()
        };
        let plan = compare(&facts(), None, &feed, TODAY);
        assert_eq!(
            fields(&plan),
            [
                SyncField::Identifier("Delius CRN".into()),
                SyncField::Identifier("NOMIS Number".into()),
            ]
        );
        assert_eq!(plan.changes[0].old, None);
        let removed = compare(
            &feed,
            None,
            &FeedFacts {
                identifiers: BTreeMap::new(),
                ..facts()
            },
            TODAY,
        );
        assert_eq!(removed.changes.len(), 2);
        assert!(removed.changes.iter().all(|c| c.new.is_none()));
    }

    #[test]
    fn going_inactive_stamps_today_and_coming_back_clears_the_date() {
        let inactive = FeedFacts {
            active: false,
            ..facts()
        };
        let plan = compare(&facts(), None, &inactive, TODAY);
        assert_eq!(plan.deactivated_in_feed, Some(TODAY));
        assert_eq!(fields(&plan), [SyncField::ActiveInFeed]);
        // Still inactive a week later: the first date stays and nothing changes.
        let later = compare(&inactive, Some(TODAY), &inactive, date!(2026 - 11 - 30));
        assert_eq!(later.deactivated_in_feed, Some(TODAY));
        assert!(later.is_empty());
        // Active again: cleared.
        let back = compare(&inactive, Some(TODAY), &facts(), date!(2026 - 11 - 30));
        assert_eq!(back.deactivated_in_feed, None);
        assert!(!back.is_empty());
    }

    #[test]
    fn an_inactive_case_without_a_date_gets_one() {
        let inactive = FeedFacts {
            active: false,
            ..facts()
        };
        let plan = compare(&inactive, None, &inactive, TODAY);
        assert_eq!(plan.deactivated_in_feed, Some(TODAY));
        assert!(!plan.is_empty(), "the date is a change to write");
    }

    #[test]
    fn auto_archive_waits_thirty_full_days_and_skips_cases_with_qa() {
        let thirty_ago = TODAY - Duration::days(30);
        let thirty_one_ago = TODAY - Duration::days(31);
        assert!(!auto_archive_due(
            EnrolmentStatus::Approved,
            Some(thirty_ago),
            TODAY
        ));
        assert!(auto_archive_due(
            EnrolmentStatus::Approved,
            Some(thirty_one_ago),
            TODAY
        ));
        assert!(!auto_archive_due(EnrolmentStatus::Approved, None, TODAY));
        for status in [
            EnrolmentStatus::Identified,
            EnrolmentStatus::Enrolling,
            EnrolmentStatus::Dormant,
        ] {
            assert!(auto_archive_due(status, Some(thirty_one_ago), TODAY));
        }
        for status in [
            EnrolmentStatus::Archived,
            EnrolmentStatus::SubmittedToProvider,
            EnrolmentStatus::SubmittedToAuthority,
        ] {
            assert!(!auto_archive_due(status, Some(thirty_one_ago), TODAY));
        }
    }
}
