//! Unit tests of the PRI form and the assignee rule.

use super::*;
use time::macros::date;

const TODAY: Date = date!(2026 - 11 - 24);

fn prison() -> Place {
    Place {
        id: 1,
        kind: LocationType::Wing,
        seen_by_user: true,
    }
}

fn probation() -> Place {
    Place {
        id: 90,
        kind: LocationType::Community,
        seen_by_user: false,
    }
}

fn good() -> PriForm<'static> {
    PriForm {
        custody_location: Some(prison()),
        release_location: Some(probation()),
        expected_release: ("24", "2", "2027"),
        meeting: ("24", "11", "2026"),
        attendance: [Attendance {
            in_person: "yes",
            reason: "",
        }; 3],
        support_information: "",
        code: "482913",
        self_assign: false,
    }
}

fn fields(form: &PriForm<'_>) -> Vec<&'static str> {
    check_form(form, TODAY)
        .expect_err("refused")
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn a_complete_form_is_accepted() {
    let checked = check_form(&good(), TODAY).expect("valid");
    assert_eq!(checked.custody_location, 1);
    assert_eq!(checked.release_location, 90);
    assert_eq!(checked.expected_release, date!(2027 - 02 - 24));
    assert_eq!(checked.not_in_person, [None, None, None]);
    assert_eq!(
        checked.assignment,
        Assignment::Code(PriCode::parse("482913").expect("code"))
    );
}

#[test]
fn the_expected_release_is_today_up_to_three_months_ahead() {
    let today = PriForm {
        expected_release: ("24", "11", "2026"),
        ..good()
    };
    assert!(check_form(&today, TODAY).is_ok());
    for late in [
        ("25", "2", "2027"),
        ("23", "11", "2026"),
        ("31", "2", "2027"),
    ] {
        let form = PriForm {
            expected_release: late,
            ..good()
        };
        assert_eq!(fields(&form), ["expected_release"], "{late:?}");
    }
}

#[test]
fn the_meeting_cannot_be_in_the_future() {
    let form = PriForm {
        meeting: ("25", "11", "2026"),
        ..good()
    };
    assert_eq!(fields(&form), ["meeting_date"]);
    let long_ago = PriForm {
        meeting: ("1", "1", "2026"),
        ..good()
    };
    assert!(check_form(&long_ago, TODAY).is_ok());
}

#[test]
fn locations_must_be_custody_seen_by_the_user_and_community() {
    let swapped = PriForm {
        custody_location: Some(probation()),
        release_location: Some(prison()),
        ..good()
    };
    assert_eq!(fields(&swapped), ["custody_location", "release_location"]);
    let unseen = PriForm {
        custody_location: Some(Place {
            seen_by_user: false,
            ..prison()
        }),
        release_location: Some(Place {
            kind: LocationType::UnmappedCommunity,
            ..probation()
        }),
        ..good()
    };
    assert_eq!(fields(&unseen), ["custody_location", "release_location"]);
    let hub = PriForm {
        release_location: Some(Place {
            kind: LocationType::Hub,
            ..probation()
        }),
        ..good()
    };
    assert!(check_form(&hub, TODAY).is_ok());
    let none = PriForm {
        custody_location: None,
        release_location: None,
        ..good()
    };
    assert_eq!(fields(&none), ["custody_location", "release_location"]);
}

#[test]
fn each_party_says_if_they_attended_in_person_and_why_not() {
    let mut form = good();
    form.attendance[0] = Attendance {
        in_person: "",
        reason: "",
    };
    form.attendance[1] = Attendance {
        in_person: "no",
        reason: " ",
    };
    form.attendance[2] = Attendance {
        in_person: "no",
        reason: "video call from the wing",
    };
    assert_eq!(fields(&form), ["custody_in_person", "community_reason"]);
    form.attendance[0].in_person = "yes";
    form.attendance[1].reason = "snowed in";
    let checked = check_form(&form, TODAY).expect("valid");
    assert_eq!(
        checked.not_in_person,
        [
            None,
            Some("snowed in".to_owned()),
            Some("video call from the wing".to_owned())
        ]
    );
}

#[test]
fn the_assignment_is_a_code_or_myself_never_both_or_neither() {
    let neither = PriForm {
        code: " ",
        ..good()
    };
    assert_eq!(fields(&neither), ["code"]);
    let both = PriForm {
        self_assign: true,
        ..good()
    };
    assert_eq!(fields(&both), ["code"]);
    let bad = PriForm {
        code: "12345",
        ..good()
    };
    assert_eq!(fields(&bad), ["code"]);
    let me = PriForm {
        code: "",
        self_assign: true,
        ..good()
    };
    assert_eq!(
        check_form(&me, TODAY).expect("valid").assignment,
        Assignment::Myself
    );
}

const ME: Candidate = Candidate {
    id: 1,
    active: true,
    sees_release: true,
};
const ISSUER: Candidate = Candidate {
    id: 2,
    active: true,
    sees_release: true,
};

#[test]
fn the_assignee_is_the_code_issuer_or_myself_and_must_work_at_the_release_location() {
    let code = Assignment::Code(PriCode::from_random(5));
    assert_eq!(choose_assignee(code, ME, Some(ISSUER)), Ok(2));
    assert_eq!(choose_assignee(Assignment::Myself, ME, None), Ok(1));
    let away = Candidate {
        sees_release: false,
        ..ME
    };
    let refused = choose_assignee(Assignment::Myself, away, Some(ISSUER)).expect_err("away");
    assert_eq!(refused.field, "code");
    assert_eq!(
        choose_assignee(code, ME, None).map_err(|e| e.field),
        Err("code")
    );
    let issuer_away = Candidate {
        sees_release: false,
        ..ISSUER
    };
    assert_eq!(
        choose_assignee(code, ME, Some(issuer_away)).map_err(|e| e.field),
        Err("release_location")
    );
    let gone = Candidate {
        active: false,
        ..ISSUER
    };
    assert_eq!(
        choose_assignee(code, ME, Some(gone)).map_err(|e| e.field),
        Err("code")
    );
}
