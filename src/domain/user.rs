//! Users: e-mail addresses, display names and account statuses (DOMAIN.md §1).

use std::fmt;

/// An e-mail address, which is also the username. Stored lower-cased.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing was given.
    #[error("Enter an email address")]
    Empty,
    /// Longer than 256 characters.
    #[error("Email address must be 256 characters or fewer")]
    TooLong,
    /// Not of the form name@domain.tld.
    #[error("Enter an email address in the correct format, like name@example.com")]
    Malformed,
}

impl Email {
    /// Parses an address: one `@`, a non-empty local part, a dotted domain, no spaces.
    pub fn parse(text: &str) -> Result<Self, EmailError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(EmailError::Empty);
        }
        if text.chars().count() > 256 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = text.split_once('@').ok_or(EmailError::Malformed)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && !local.contains('@')
            && !local.chars().any(|c| c.is_whitespace() || c.is_control());
        if domain_ok && local_ok {
            Ok(Self(text.to_lowercase()))
        } else {
            Err(EmailError::Malformed)
        }
    }

    /// The address as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or_default()
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or_default()
    }

    /// Internal staff have `@justice.gov.uk` addresses.
    pub fn is_internal(&self) -> bool {
        self.domain() == "justice.gov.uk"
    }

    /// True when the domain is one of `allowed` (compared without case).
    pub fn domain_is_one_of<'a>(&self, allowed: impl IntoIterator<Item = &'a str>) -> bool {
        allowed
            .into_iter()
            .any(|domain| domain.trim().eq_ignore_ascii_case(self.domain()))
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A person's name as shown in the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

/// Why a display name was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DisplayNameError {
    /// Nothing was given.
    #[error("Enter the person's name")]
    Empty,
    /// Longer than 100 characters.
    #[error("Name must be 100 characters or fewer")]
    TooLong,
    /// Contains control characters.
    #[error("Name must not contain control characters")]
    ControlCharacters,
}

impl DisplayName {
    /// Parses a name: trimmed, 1–100 characters, no control characters.
    pub fn parse(text: &str) -> Result<Self, DisplayNameError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(DisplayNameError::Empty);
        }
        if text.chars().count() > 100 {
            return Err(DisplayNameError::TooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(DisplayNameError::ControlCharacters);
        }
        Ok(Self(text.to_owned()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An account's status. Only Active and Pending Activation accounts may sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UserStatus {
    /// Working account.
    Active,
    /// No sign-in for 30 days; reactivated by an administrator.
    Inactive,
    /// Under review: locked.
    InReview,
    /// Has left: locked.
    Left,
    /// Created, never signed in yet.
    PendingActivation,
}

impl UserStatus {
    /// Every status, in display order.
    pub const ALL: [UserStatus; 5] = [
        UserStatus::Active,
        UserStatus::Inactive,
        UserStatus::InReview,
        UserStatus::Left,
        UserStatus::PendingActivation,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            UserStatus::Active => "active",
            UserStatus::Inactive => "inactive",
            UserStatus::InReview => "in-review",
            UserStatus::Left => "left",
            UserStatus::PendingActivation => "pending-activation",
        }
    }

    /// The status with this stored code.
    pub fn from_code(code: &str) -> Option<UserStatus> {
        UserStatus::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The name shown to people.
    pub fn display_name(self) -> &'static str {
        match self {
            UserStatus::Active => "Active",
            UserStatus::Inactive => "Inactive",
            UserStatus::InReview => "In-Review",
            UserStatus::Left => "Left",
            UserStatus::PendingActivation => "Pending Activation",
        }
    }

    /// Only Active and Pending Activation accounts may sign in.
    pub fn may_sign_in(self) -> bool {
        matches!(self, UserStatus::Active | UserStatus::PendingActivation)
    }

    /// In-Review and Left lock the account.
    pub fn locks_account(self) -> bool {
        matches!(self, UserStatus::InReview | UserStatus::Left)
    }
}

/// Days without a sign-in after which an Active account becomes Inactive.
pub const DORMANT_AFTER_DAYS: i64 = 30;

/// Whether the nightly job makes this account Inactive: Active, and no sign-in for 30 days
/// (or never signed in, and created more than 30 days ago).
pub fn is_dormant(
    status: UserStatus,
    last_login: Option<time::OffsetDateTime>,
    created: time::OffsetDateTime,
    now: time::OffsetDateTime,
) -> bool {
    let limit = time::Duration::days(DORMANT_AFTER_DAYS);
    status == UserStatus::Active && now - last_login.unwrap_or(created) > limit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_unused_for_thirty_days_are_dormant() {
        let now = time::macros::datetime!(2026-11-23 19:00 UTC);
        let days = |n| now - time::Duration::days(n);
        assert!(is_dormant(
            UserStatus::Active,
            Some(days(31)),
            days(400),
            now
        ));
        assert!(!is_dormant(
            UserStatus::Active,
            Some(days(29)),
            days(400),
            now
        ));
        assert!(
            is_dormant(UserStatus::Active, None, days(31), now),
            "never signed in, old"
        );
        assert!(
            !is_dormant(UserStatus::Active, None, days(3), now),
            "never signed in, new"
        );
        assert!(!is_dormant(
            UserStatus::PendingActivation,
            None,
            days(90),
            now
        ));
        assert!(!is_dormant(
            UserStatus::Left,
            Some(days(90)),
            days(400),
            now
        ));
    }

    #[test]
    fn emails_are_lower_cased_and_split() {
        let email = Email::parse("  Jo.Bloggs@Justice.GOV.uk ").expect("valid");
        assert_eq!(email.as_str(), "jo.bloggs@justice.gov.uk");
        assert_eq!(email.domain(), "justice.gov.uk");
        assert!(email.is_internal());
        assert!(email.domain_is_one_of(["provider.example", "JUSTICE.gov.uk"]));
    }

    #[test]
    fn refuses_malformed_emails() {
        for bad in [
            "jo",
            "jo@",
            "@x.com",
            "jo@x",
            "jo@.x.com",
            "jo@x..com",
            "j o@x.com",
            "a@b@c.com",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError::Malformed), "{bad}");
        }
        assert_eq!(Email::parse(""), Err(EmailError::Empty));
    }

    #[test]
    fn provider_addresses_are_not_internal() {
        assert!(!Email::parse("worker@provider-a.example")
            .expect("valid")
            .is_internal());
        assert!(!Email::parse("x@notjustice.gov.uk")
            .expect("valid")
            .is_internal());
    }

    #[test]
    fn only_active_and_pending_accounts_sign_in() {
        let allowed: Vec<_> = UserStatus::ALL
            .into_iter()
            .filter(|s| s.may_sign_in())
            .collect();
        assert_eq!(allowed, [UserStatus::Active, UserStatus::PendingActivation]);
        assert!(UserStatus::Left.locks_account());
        assert!(!UserStatus::Inactive.locks_account());
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse(" Jo ").expect("valid").as_str(), "Jo");
        assert_eq!(DisplayName::parse(""), Err(DisplayNameError::Empty));
        assert_eq!(
            DisplayName::parse(&"x".repeat(101)),
            Err(DisplayNameError::TooLong)
        );
    }
}
