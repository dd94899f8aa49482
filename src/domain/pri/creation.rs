//! Making a PRI: the form's checks (custody and release locations, the expected release date
//! within the next three months, the pre-release meeting not in the future, whether each of
//! the three parties attended in person and why not) and the assignee rule: the community
//! worker whose code was entered, or the custody worker themselves when their team works at
//! the release location. Whoever it is must work at the release location.

use super::{PriCode, MAX_TEXT};
use crate::domain::field::{date_from_parts, months_after, FieldError};
use crate::domain::location::LocationType;
use time::Date;

/// A location chosen on the form, as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Its id.
    pub id: i64,
    /// Its type.
    pub kind: LocationType,
    /// Whether the creating user's team works there.
    pub seen_by_user: bool,
}

/// One party's attendance at the meeting, as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct Attendance<'a> {
    /// "yes", "no", or nothing chosen.
    pub in_person: &'a str,
    /// Why not in person.
    pub reason: &'a str,
}

/// The three parties of the meeting, as the messages name them.
pub const PARTIES: [&str; 3] = [
    "the custody support worker",
    "the community support worker",
    "the participant",
];

/// The PRI form as typed (locations looked up by the caller).
#[derive(Debug, Clone, Default)]
pub struct PriForm<'a> {
    /// The prison the participant is released from.
    pub custody_location: Option<Place>,
    /// Where they are expected to live after release.
    pub release_location: Option<Place>,
    /// Expected release date: day, month, year.
    pub expected_release: (&'a str, &'a str, &'a str),
    /// Meeting date: day, month, year.
    pub meeting: (&'a str, &'a str, &'a str),
    /// Custody worker, community worker, participant (the order of [`PARTIES`]).
    pub attendance: [Attendance<'a>; 3],
    /// Post-release community support information (optional).
    pub support_information: &'a str,
    /// The community worker's code, if typed.
    pub code: &'a str,
    /// "Assign the PRI to me" was ticked.
    pub self_assign: bool,
}

/// Who the PRI goes to, as the form says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assignment {
    /// Whoever issued this code for the case.
    Code(PriCode),
    /// The custody worker making the PRI.
    Myself,
}

/// A checked PRI form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedPri {
    /// Custody location id.
    pub custody_location: i64,
    /// Release location id.
    pub release_location: i64,
    /// Expected release date.
    pub expected_release: Date,
    /// Meeting date.
    pub meeting_on: Date,
    /// Why each party did not attend in person (`None`: they did), order of [`PARTIES`].
    pub not_in_person: [Option<String>; 3],
    /// Post-release community support information.
    pub support_information: Option<String>,
    /// Who it goes to.
    pub assignment: Assignment,
}

fn text(field: &'static str, value: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let value = value.trim();
    if value.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(
            field,
            format!("Use {MAX_TEXT} characters or fewer"),
        ));
    }
    (!value.is_empty()).then(|| value.to_owned())
}

fn place(
    field: &'static str,
    chosen: Option<Place>,
    fits: fn(&Place) -> Result<(), &'static str>,
    missing: &'static str,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    let checked = chosen.ok_or(missing).and_then(|p| fits(&p).map(|()| p.id));
    checked
        .map_err(|m| errors.push(FieldError::new(field, m)))
        .ok()
}

fn custody(p: &Place) -> Result<(), &'static str> {
    if !(p.kind.is_custody() && p.kind.is_mapped()) {
        return Err("Choose a custody location");
    }
    if !p.seen_by_user {
        return Err("Choose a custody location your team works at");
    }
    Ok(())
}

fn community(p: &Place) -> Result<(), &'static str> {
    if p.kind.is_community() && p.kind.is_mapped() {
        Ok(())
    } else {
        Err("Choose a community location")
    }
}

/// Checks every field of the form, returning every problem at once.
pub fn check_form(form: &PriForm<'_>, today: Date) -> Result<CheckedPri, Vec<FieldError>> {
    let mut errors = Vec::new();
    let custody_location = place(
        "custody_location",
        form.custody_location,
        custody,
        "Choose the custody location the participant is released from",
        &mut errors,
    );
    let release_location = place(
        "release_location",
        form.release_location,
        community,
        "Choose the location the participant is expected to be released to",
        &mut errors,
    );
    let (d, m, y) = form.expected_release;
    let expected = match date_from_parts(d, m, y) {
        None => Err("Enter the expected release date, like 3 1 2027"),
        Some(date) if date < today => Err("The expected release date cannot be in the past"),
        Some(date) if date > months_after(today, 3) => {
            Err("The expected release date must be within the next 3 months")
        }
        Some(date) => Ok(date),
    };
    let expected = expected
        .map_err(|m| errors.push(FieldError::new("expected_release", m)))
        .ok();
    let (d, m, y) = form.meeting;
    let meeting = match date_from_parts(d, m, y) {
        None => Err("Enter the date of the pre-release meeting, like 3 11 2026"),
        Some(date) if date > today => Err("The meeting date cannot be in the future"),
        Some(date) => Ok(date),
    };
    let meeting = meeting
        .map_err(|m| errors.push(FieldError::new("meeting_date", m)))
        .ok();
    let mut not_in_person: [Option<String>; 3] = Default::default();
    for (i, typed) in form.attendance.iter().enumerate() {
        let ((choice, reason), who) = (FIELDS[i], PARTIES[i]);
        match typed.in_person {
            "yes" => {}
            "no" => match text(reason, typed.reason, &mut errors) {
                Some(why) => not_in_person[i] = Some(why),
                None => errors.push(FieldError::new(
                    reason,
                    format!("Say why {who} did not attend in person"),
                )),
            },
            _ => errors.push(FieldError::new(
                choice,
                format!("Say whether {who} attended in person"),
            )),
        }
    }
    let support_information = text("support_information", form.support_information, &mut errors);
    let assignment = match (form.code.trim().is_empty(), form.self_assign) {
        (true, true) => Ok(Assignment::Myself),
        (false, false) => PriCode::parse(form.code)
            .map(Assignment::Code)
            .map_err(|e| e.to_string()),
        (false, true) => Err("Enter a code or assign the PRI to yourself, not both".to_owned()),
        (true, false) => Err(
            "Enter the 6-digit code the community worker gave you, or assign the PRI to yourself"
                .to_owned(),
        ),
    };
    let assignment = assignment
        .map_err(|m| errors.push(FieldError::new("code", m)))
        .ok();
    match (
        custody_location,
        release_location,
        expected,
        meeting,
        assignment,
    ) {
        (Some(c), Some(r), Some(e), Some(m), Some(a)) if errors.is_empty() => Ok(CheckedPri {
            custody_location: c,
            release_location: r,
            expected_release: e,
            meeting_on: m,
            not_in_person,
            support_information,
            assignment: a,
        }),
        _ => Err(errors),
    }
}

/// The form fields of each party: (in person?, reason), order of [`PARTIES`].
pub const FIELDS: [(&str, &str); 3] = [
    ("custody_in_person", "custody_reason"),
    ("community_in_person", "community_reason"),
    ("participant_in_person", "participant_reason"),
];

/// A person the PRI could go to, as the rules see them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// User id.
    pub id: i64,
    /// Whether their account is active.
    pub active: bool,
    /// Whether their team works at the release location.
    pub sees_release: bool,
}

/// Who the PRI is assigned to: the creator when they assign it to themselves, else whoever
/// issued the case's live code (`issuer`, `None` when the typed code is not the live one).
pub fn choose_assignee(
    assignment: Assignment,
    creator: Candidate,
    issuer: Option<Candidate>,
) -> Result<i64, FieldError> {
    match assignment {
        Assignment::Myself if creator.sees_release => Ok(creator.id),
        Assignment::Myself => Err(FieldError::new(
            "code",
            "Your team does not work at the release location: enter the code of a community worker who does",
        )),
        Assignment::Code(_) => {
            let issuer = issuer.ok_or_else(|| {
                FieldError::new(
                    "code",
                    "That is not this participant's current PRI code: ask the community worker for it again",
                )
            })?;
            if !issuer.active {
                return Err(FieldError::new(
                    "code",
                    "The community worker who issued this code no longer has an active account",
                ));
            }
            if !issuer.sees_release {
                return Err(FieldError::new(
                    "release_location",
                    "The community worker who issued the code does not work at this location",
                ));
            }
            Ok(issuer.id)
        }
    }
}

#[cfg(test)]
#[path = "creation_tests.rs"]
mod tests;
