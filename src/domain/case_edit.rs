//! Editing a case's fields together: which fields, their rules, and the field-level merge that
//! lets two people change different fields at once and never lets one silently overwrite the
//! other's change to the same field.

/// A field of the case people edit in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CaseField {
    /// The name the person prefers to be called.
    PreferredName,
    /// Their pronouns.
    Pronouns,
    /// Free notes (≤ 1000 characters).
    Notes,
}

impl CaseField {
    /// Every editable field, in page order.
    pub const ALL: [CaseField; 3] = [
        CaseField::PreferredName,
        CaseField::Pronouns,
        CaseField::Notes,
    ];

    /// The form field's name (and the stored audit name).
    pub fn name(self) -> &'static str {
        match self {
            CaseField::PreferredName => "preferred_name",
            CaseField::Pronouns => "pronouns",
            CaseField::Notes => "notes",
        }
    }

    /// The label people see.
    pub fn label(self) -> &'static str {
        match self {
            CaseField::PreferredName => "Preferred name",
            CaseField::Pronouns => "Pronouns",
            CaseField::Notes => "Notes",
        }
    }

    /// The field with this form name.
    pub fn from_name(name: &str) -> Option<CaseField> {
        CaseField::ALL.into_iter().find(|f| f.name() == name)
    }

    fn max_len(self) -> usize {
        match self {
            CaseField::PreferredName => 50,
            CaseField::Pronouns => 20,
            CaseField::Notes => 1000,
        }
    }

    /// Checks a value: trimmed, empty means none, within the length limit, no control
    /// characters except new lines in notes.
    pub fn check(self, value: &str) -> Result<Option<String>, String> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        if value.chars().count() > self.max_len() {
            return Err(format!(
                "{} must be {} characters or fewer",
                self.label(),
                self.max_len()
            ));
        }
        let allowed = |c: char| {
            !c.is_control() || (self == CaseField::Notes && matches!(c, '\n' | '\r' | '\t'))
        };
        if !value.chars().all(allowed) {
            return Err(format!(
                "{} must not contain control characters",
                self.label()
            ));
        }
        Ok(Some(value.replace("\r\n", "\n")))
    }
}

/// One field a person changed: what they saw when they loaded it, and what they want.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// The field.
    pub field: CaseField,
    /// Its value when the person loaded the page.
    pub base: Option<String>,
    /// The value they want.
    pub value: Option<String>,
}

/// What happens to one change, given the field's value now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Nobody changed it since: write it.
    Apply,
    /// It already holds what the person wants: nothing to write.
    Unchanged,
    /// Someone else changed it since the person loaded it: they must choose.
    Conflict,
}

/// The merge rule for one field.
pub fn decide(current: Option<&str>, change: &FieldChange) -> Decision {
    merge(current, change.base.as_deref(), change.value.as_deref())
}

/// The merge rule for any value: what is stored now, what the person started from, what they
/// want. Theirs lands when nobody else changed it meanwhile; a value someone else changed is
/// a conflict, never overwritten.
pub fn merge(current: Option<&str>, base: Option<&str>, wanted: Option<&str>) -> Decision {
    if current == wanted {
        Decision::Unchanged
    } else if current == base {
        Decision::Apply
    } else {
        Decision::Conflict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(base: Option<&str>, value: Option<&str>) -> FieldChange {
        FieldChange {
            field: CaseField::Pronouns,
            base: base.map(str::to_owned),
            value: value.map(str::to_owned),
        }
    }

    #[test]
    fn a_field_nobody_touched_is_written() {
        assert_eq!(
            decide(
                Some("they/them"),
                &change(Some("they/them"), Some("she/her"))
            ),
            Decision::Apply
        );
        assert_eq!(decide(None, &change(None, Some("he/him"))), Decision::Apply);
        assert_eq!(
            decide(Some("he/him"), &change(Some("he/him"), None)),
            Decision::Apply,
            "clearing"
        );
    }

    #[test]
    fn a_field_someone_else_changed_is_a_conflict() {
        assert_eq!(
            decide(Some("he/him"), &change(Some("they/them"), Some("she/her"))),
            Decision::Conflict
        );
        assert_eq!(
            decide(None, &change(Some("they/them"), Some("she/her"))),
            Decision::Conflict
        );
    }

    #[test]
    fn the_same_change_twice_is_not_a_conflict() {
        assert_eq!(
            decide(Some("she/her"), &change(Some("they/them"), Some("she/her"))),
            Decision::Unchanged
        );
    }

    #[test]
    fn values_are_checked() {
        assert_eq!(
            CaseField::Pronouns.check("  she/her "),
            Ok(Some("she/her".to_owned()))
        );
        assert_eq!(CaseField::Pronouns.check("   "), Ok(None));
        assert!(CaseField::Pronouns.check(&"x".repeat(21)).is_err());
        assert!(CaseField::PreferredName.check("a\u{7}b").is_err());
        assert_eq!(
            CaseField::Notes.check("line one\r\nline two"),
            Ok(Some("line one\nline two".to_owned()))
        );
        assert!(CaseField::Notes.check(&"n".repeat(1001)).is_err());
        assert_eq!(CaseField::from_name("notes"), Some(CaseField::Notes));
    }
}
