//! The password policy and the lockout rule.
//!
//! Chosen to be at least as strong as the original's ASP.NET Identity settings: at least 12
//! characters (the original asks for fewer) with upper case, lower case, a digit and a symbol;
//! never containing the e-mail's name part; none of the last 5 passwords again (checked by the
//! caller against stored hashes, see `REUSE_HISTORY`). Five failed sign-ins lock the account.

/// Shortest password accepted.
pub const MIN_LENGTH: usize = 12;
/// Longest password accepted (bounds hashing work per request).
pub const MAX_LENGTH: usize = 128;
/// How many previous passwords may not be used again.
pub const REUSE_HISTORY: usize = 5;
/// Failed sign-ins in a row that lock the account.
pub const MAX_FAILED_ATTEMPTS: u32 = 5;

/// What is wrong with a proposed password, in the words shown at the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Nothing given.
    #[error("Enter a password")]
    Empty,
    /// Under the minimum.
    #[error("Password must be at least 12 characters")]
    TooShort,
    /// Over the maximum.
    #[error("Password must be 128 characters or fewer")]
    TooLong,
    /// A character class is missing.
    #[error(
        "Password must contain an upper-case letter, a lower-case letter, a number and a symbol"
    )]
    MissingCharacterClass,
    /// Contains the user's e-mail name.
    #[error("Password must not contain your email address")]
    ContainsEmail,
    /// One of the last five.
    #[error("Password must not be one of your last 5 passwords")]
    Reused,
}

/// Checks a new password against the policy, except reuse (which needs the stored hashes).
pub fn check_policy(password: &str, email_local_part: &str) -> Result<(), PasswordProblem> {
    if password.is_empty() {
        return Err(PasswordProblem::Empty);
    }
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordProblem::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordProblem::TooLong);
    }
    let has = |test: fn(&char) -> bool| password.chars().any(|c| test(&c));
    let classes = [
        has(|c| c.is_uppercase()),
        has(|c| c.is_lowercase()),
        has(|c| c.is_ascii_digit()),
        has(|c| !c.is_alphanumeric() && !c.is_whitespace()),
    ];
    if classes.contains(&false) {
        return Err(PasswordProblem::MissingCharacterClass);
    }
    let local = email_local_part.to_lowercase();
    if local.chars().count() >= 3 && password.to_lowercase().contains(&local) {
        return Err(PasswordProblem::ContainsEmail);
    }
    Ok(())
}

/// The account's failed-attempt counter after one more failure, and whether it now locks.
pub fn after_failed_attempt(failed_so_far: u32) -> (u32, bool) {
    let failed = failed_so_far.saturating_add(1);
    (failed, failed >= MAX_FAILED_ATTEMPTS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_demo_password() {
        assert_eq!(check_policy("Cats-demo-2026!", "worker"), Ok(()));
    }

    #[test]
    fn refuses_short_and_long_passwords() {
        assert_eq!(
            check_policy("Ab1!ab1!ab1", "x"),
            Err(PasswordProblem::TooShort)
        );
        let long = format!("Ab1!{}", "a".repeat(125));
        assert_eq!(check_policy(&long, "x"), Err(PasswordProblem::TooLong));
        assert_eq!(check_policy("", "x"), Err(PasswordProblem::Empty));
    }

    #[test]
    fn needs_every_character_class() {
        for bad in [
            "alllowercase1!",
            "ALLUPPERCASE1!",
            "NoDigitsHere!!",
            "NoSymbols12345",
        ] {
            assert_eq!(
                check_policy(bad, "x"),
                Err(PasswordProblem::MissingCharacterClass),
                "{bad}"
            );
        }
    }

    #[test]
    fn refuses_passwords_containing_the_email_name() {
        assert_eq!(
            check_policy("My-Worker-2026!", "worker"),
            Err(PasswordProblem::ContainsEmail)
        );
    }

    #[test]
    fn fifth_failure_locks() {
        assert_eq!(after_failed_attempt(0), (1, false));
        assert_eq!(after_failed_attempt(3), (4, false));
        assert_eq!(after_failed_attempt(4), (5, true));
    }
}
