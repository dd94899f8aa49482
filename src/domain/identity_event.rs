//! What the identity audit records: sign-in and account events.

/// One kind of identity event. The names follow the original's audit where it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityEvent {
    /// Sign-in with an e-mail no account has.
    UnknownUser,
    /// Wrong password.
    IncorrectPassword,
    /// Signed in.
    SignedIn,
    /// Signed out.
    SignedOut,
    /// The fifth failed attempt locked the account.
    LockedOut,
    /// Sign-in refused: the account's status or lock does not allow it.
    SignInRefused,
    /// The session timed out through inactivity.
    SessionExpired,
    /// The user changed their own password.
    PasswordChanged,
    /// An administrator reset the password.
    PasswordReset,
    /// An administrator created the account.
    AccountCreated,
    /// An administrator changed the roles.
    RolesChanged,
    /// An administrator changed the status.
    StatusChanged,
    /// An administrator locked the account.
    AccountLocked,
    /// An administrator unlocked the account (or the lockout period passed).
    AccountUnlocked,
}

impl IdentityEvent {
    /// Every event, for look-ups.
    pub const ALL: [IdentityEvent; 14] = [
        IdentityEvent::UnknownUser,
        IdentityEvent::IncorrectPassword,
        IdentityEvent::SignedIn,
        IdentityEvent::SignedOut,
        IdentityEvent::LockedOut,
        IdentityEvent::SignInRefused,
        IdentityEvent::SessionExpired,
        IdentityEvent::PasswordChanged,
        IdentityEvent::PasswordReset,
        IdentityEvent::AccountCreated,
        IdentityEvent::RolesChanged,
        IdentityEvent::StatusChanged,
        IdentityEvent::AccountLocked,
        IdentityEvent::AccountUnlocked,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            IdentityEvent::UnknownUser => "unknown-user",
            IdentityEvent::IncorrectPassword => "incorrect-password",
            IdentityEvent::SignedIn => "signed-in",
            IdentityEvent::SignedOut => "signed-out",
            IdentityEvent::LockedOut => "locked-out",
            IdentityEvent::SignInRefused => "sign-in-refused",
            IdentityEvent::SessionExpired => "session-expired",
            IdentityEvent::PasswordChanged => "password-changed",
            IdentityEvent::PasswordReset => "password-reset",
            IdentityEvent::AccountCreated => "account-created",
            IdentityEvent::RolesChanged => "roles-changed",
            IdentityEvent::StatusChanged => "status-changed",
            IdentityEvent::AccountLocked => "account-locked",
            IdentityEvent::AccountUnlocked => "account-unlocked",
        }
    }

    /// The event with this stored code.
    pub fn from_code(code: &str) -> Option<IdentityEvent> {
        IdentityEvent::ALL.into_iter().find(|e| e.code() == code)
    }

    /// The words shown in the audit list.
    pub fn description(self) -> &'static str {
        match self {
            IdentityEvent::UnknownUser => "Unknown user",
            IdentityEvent::IncorrectPassword => "Incorrect password entered",
            IdentityEvent::SignedIn => "Signed in",
            IdentityEvent::SignedOut => "Signed out",
            IdentityEvent::LockedOut => "Account locked out",
            IdentityEvent::SignInRefused => "Sign-in refused (account not active or locked)",
            IdentityEvent::SessionExpired => "Session expired",
            IdentityEvent::PasswordChanged => "Password changed",
            IdentityEvent::PasswordReset => "Password reset by an administrator",
            IdentityEvent::AccountCreated => "Account created",
            IdentityEvent::RolesChanged => "Roles changed",
            IdentityEvent::StatusChanged => "Status changed",
            IdentityEvent::AccountLocked => "Account locked by an administrator",
            IdentityEvent::AccountUnlocked => "Account unlocked",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IdentityEvent;

    #[test]
    fn codes_round_trip() {
        for event in IdentityEvent::ALL {
            assert_eq!(IdentityEvent::from_code(event.code()), Some(event));
        }
    }
}
