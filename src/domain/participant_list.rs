//! What the participant list is asked for: its filters (status, location, contract, owner, risk
//! due), sort and page, read from the address and checked against what the user may choose.
//! A value the user may not choose (an unknown status, a location outside their scope) is a
//! message at its field, never a silently wider or narrower list.

use super::enrolment::EnrolmentStatus;
use time::{Date, Duration};

/// Days ahead that count as "risk review due soon".
pub const RISK_DUE_SOON_DAYS: i64 = 14;

/// Whose cases to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnerFilter {
    /// The user's own.
    Me,
    /// Cases with no owner.
    Unowned,
    /// One user's (a user in the viewer's scope).
    User(i64),
}

/// Which risk reviews to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskDueFilter {
    /// Due today or within the next 14 days.
    Soon,
    /// Due before today.
    Overdue,
}

impl RiskDueFilter {
    /// The inclusive date range of due dates this filter keeps: (from, to), either open.
    pub fn range(self, today: Date) -> (Option<Date>, Option<Date>) {
        match self {
            RiskDueFilter::Soon => (
                Some(today),
                today.checked_add(Duration::days(RISK_DUE_SOON_DAYS)),
            ),
            RiskDueFilter::Overdue => (None, today.previous_day()),
        }
    }
}

/// A column the list sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Last name, first name.
    Name,
    /// Participant id.
    Id,
    /// Enrolment status, in the order statuses are listed.
    Status,
    /// Current location's name.
    Location,
    /// Risk review due date (cases without one last).
    RiskDue,
    /// Last change.
    Updated,
}

impl SortKey {
    /// Every key, in column order.
    pub const ALL: [SortKey; 6] = [
        SortKey::Name,
        SortKey::Id,
        SortKey::Status,
        SortKey::Location,
        SortKey::RiskDue,
        SortKey::Updated,
    ];

    /// The name used in the address.
    pub fn code(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Id => "id",
            SortKey::Status => "status",
            SortKey::Location => "location",
            SortKey::RiskDue => "risk_due",
            SortKey::Updated => "updated",
        }
    }

    /// The key an address names.
    pub fn from_code(code: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.code() == code)
    }
}

/// A sort: key and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    /// Column.
    pub key: SortKey,
    /// Largest first.
    pub descending: bool,
}

impl Default for Sort {
    fn default() -> Self {
        Sort {
            key: SortKey::Name,
            descending: false,
        }
    }
}

/// The list's query as typed in the address (all text, as the browser sends it).
#[derive(Debug, Clone, Default)]
pub struct RawListQuery<'a> {
    /// `search`
    pub search: &'a str,
    /// `status`: a stored status value.
    pub status: &'a str,
    /// `location`: a location id.
    pub location: &'a str,
    /// `contract`: a contract id.
    pub contract: &'a str,
    /// `owner`: `me`, `unowned` or a user id.
    pub owner: &'a str,
    /// `risk_due`: `soon` or `overdue`.
    pub risk_due: &'a str,
    /// `sort`: a [`SortKey::code`].
    pub sort: &'a str,
    /// `dir`: `asc` or `desc`.
    pub dir: &'a str,
}

/// What the user may choose from (all within their scope).
#[derive(Debug, Clone, Copy)]
pub struct Choices<'a> {
    /// Visible location ids.
    pub locations: &'a [i64],
    /// Visible contract ids.
    pub contracts: &'a [&'a str],
    /// Users in scope.
    pub owners: &'a [i64],
}

/// The checked filters and sort.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListCriteria {
    /// Name or id contains (trimmed; empty for none).
    pub search: String,
    /// Only this status.
    pub status: Option<EnrolmentStatus>,
    /// Only at this location.
    pub location: Option<i64>,
    /// Only at locations of this contract.
    pub contract: Option<String>,
    /// Only these owners.
    pub owner: Option<OwnerFilter>,
    /// Only these risk reviews.
    pub risk_due: Option<RiskDueFilter>,
    /// Order.
    pub sort: Sort,
}

/// A filter value the user may not choose: the field (its name in the form) and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    /// Field name.
    pub field: &'static str,
    /// Message.
    pub message: &'static str,
}

/// Checks the query against the choices; every refused value is reported, none is dropped.
pub fn parse(
    raw: &RawListQuery<'_>,
    choices: &Choices<'_>,
) -> Result<ListCriteria, Vec<FilterError>> {
    let mut errors = Vec::new();
    let mut refuse = |field, message| errors.push(FilterError { field, message });
    fn present(s: &str) -> Option<&str> {
        Some(s.trim()).filter(|s| !s.is_empty())
    }
    let status = present(raw.status).and_then(|s| {
        let found = s.parse().ok().and_then(EnrolmentStatus::from_value);
        if found.is_none() {
            refuse("status", "Choose a status from the list");
        }
        found
    });
    let location = present(raw.location).and_then(|s| {
        let found = s.parse().ok().filter(|id| choices.locations.contains(id));
        if found.is_none() {
            refuse(
                "location",
                "Choose a location from the list: that one is not one you can see",
            );
        }
        found
    });
    let contract = present(raw.contract).and_then(|s| {
        let found = choices.contracts.contains(&s).then(|| s.to_owned());
        if found.is_none() {
            refuse(
                "contract",
                "Choose a contract from the list: that one is not one you can see",
            );
        }
        found
    });
    let owner = present(raw.owner).and_then(|s| {
        let found = match s {
            "me" => Some(OwnerFilter::Me),
            "unowned" => Some(OwnerFilter::Unowned),
            id => id
                .parse()
                .ok()
                .filter(|id| choices.owners.contains(id))
                .map(OwnerFilter::User),
        };
        if found.is_none() {
            refuse(
                "owner",
                "Choose an owner from the list: that user is not one you can see",
            );
        }
        found
    });
    let risk_due = present(raw.risk_due).and_then(|s| {
        let found = match s {
            "soon" => Some(RiskDueFilter::Soon),
            "overdue" => Some(RiskDueFilter::Overdue),
            _ => None,
        };
        if found.is_none() {
            refuse(
                "risk_due",
                "Choose when the risk review is due from the list",
            );
        }
        found
    });
    // The sort comes from the column links, not the form: an unknown one is the default.
    let sort = Sort {
        key: SortKey::from_code(raw.sort.trim()).unwrap_or(SortKey::Name),
        descending: raw.dir.trim() == "desc",
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ListCriteria {
        search: raw.search.trim().to_owned(),
        status,
        location,
        contract,
        owner,
        risk_due,
        sort,
    })
}

/// How many matches to count before saying "more than": counting every match of a broad
/// filter over 100,000 cases costs more than the page itself.
pub const COUNT_CAP: u64 = 1000;

/// How many matches were counted, for `page` (zero-based) of `per_page` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchCount {
    /// All of them.
    Exactly(u64),
    /// More than this many.
    MoreThan(u64),
}

impl MatchCount {
    /// How many rows to count up to for this page: the cap, or enough to know whether a page
    /// after this one exists when paging beyond the cap. Counting stops at this limit + 1.
    pub fn limit(page: u64, per_page: u64) -> u64 {
        COUNT_CAP.max(page.saturating_add(1).saturating_mul(per_page))
    }

    /// The count, from the rows counted with [`MatchCount::limit`] + 1 as their bound.
    pub fn of(counted: u64, limit: u64) -> MatchCount {
        if counted > limit {
            MatchCount::MoreThan(limit)
        } else {
            MatchCount::Exactly(counted)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const CHOICES: Choices<'static> = Choices {
        locations: &[10, 11],
        contracts: &["con_1"],
        owners: &[7],
    };

    #[test]
    fn every_known_value_is_kept() {
        let raw = RawListQuery {
            search: " ash ",
            status: "6",
            location: "11",
            contract: "con_1",
            owner: "7",
            risk_due: "overdue",
            sort: "risk_due",
            dir: "desc",
        };
        let criteria = parse(&raw, &CHOICES).expect("valid");
        assert_eq!(criteria.search, "ash");
        assert_eq!(criteria.status, Some(EnrolmentStatus::Enrolling));
        assert_eq!(criteria.location, Some(11));
        assert_eq!(criteria.contract.as_deref(), Some("con_1"));
        assert_eq!(criteria.owner, Some(OwnerFilter::User(7)));
        assert_eq!(criteria.risk_due, Some(RiskDueFilter::Overdue));
        assert_eq!(
            criteria.sort,
            Sort {
                key: SortKey::RiskDue,
                descending: true
            }
        );
        let me = RawListQuery {
            owner: "me",
            risk_due: "soon",
            ..RawListQuery::default()
        };
        let criteria = parse(&me, &CHOICES).expect("valid");
        assert_eq!(criteria.owner, Some(OwnerFilter::Me));
        assert_eq!(criteria.risk_due, Some(RiskDueFilter::Soon));
        assert_eq!(criteria.sort, Sort::default());
    }

    #[test]
    fn values_outside_the_choices_are_refused_at_their_field() {
        let raw = RawListQuery {
            status: "99",
            location: "12",
            contract: "con_2",
            owner: "8",
            risk_due: "later",
            ..RawListQuery::default()
        };
        let errors = parse(&raw, &CHOICES).expect_err("refused");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["status", "location", "contract", "owner", "risk_due"]
        );
        let words = RawListQuery {
            location: "hmp",
            owner: "someone",
            ..RawListQuery::default()
        };
        assert_eq!(parse(&words, &CHOICES).expect_err("refused").len(), 2);
    }

    #[test]
    fn an_unknown_sort_is_the_default_and_blank_filters_are_none() {
        let raw = RawListQuery {
            sort: "salary",
            dir: "sideways",
            status: " ",
            ..RawListQuery::default()
        };
        assert_eq!(
            parse(&raw, &CHOICES).expect("valid"),
            ListCriteria::default()
        );
    }

    #[test]
    fn risk_due_soon_is_today_to_fourteen_days_and_overdue_is_before_today() {
        let today = date!(2026 - 11 - 23);
        assert_eq!(
            RiskDueFilter::Soon.range(today),
            (Some(today), Some(date!(2026 - 12 - 07)))
        );
        assert_eq!(
            RiskDueFilter::Overdue.range(today),
            (None, Some(date!(2026 - 11 - 22)))
        );
    }

    #[test]
    fn counting_stops_at_the_cap_but_always_covers_the_page_asked_for() {
        assert_eq!(MatchCount::limit(0, 25), 1000);
        assert_eq!(MatchCount::limit(40, 25), 1025);
        assert_eq!(MatchCount::of(1000, 1000), MatchCount::Exactly(1000));
        assert_eq!(MatchCount::of(1001, 1000), MatchCount::MoreThan(1000));
    }
}
