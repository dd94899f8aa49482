//! The fake service's people: deterministic and synthetic (no real personal data), covering
//! every search outcome, and a generated population for larger demos and benchmarks, two of
//! whom the feed has news of since the demo data made their cases (a release, a deactivation).

use super::records::{OffenderRecord, SearchMatch};
use time::macros::date;
use time::Date;

/// A person the fake knows, with how a search by their identifier ranks them.
#[derive(Debug, Clone)]
pub struct FakePerson {
    /// The aggregate record.
    pub record: OffenderRecord,
    /// Identifiers a search may use (the NOMIS number and CRN).
    pub search_keys: Vec<String>,
    /// Precedence a matching search returns.
    pub precedence: u32,
}

const FIRST: [&str; 12] = [
    "Alex", "Sam", "Jordan", "Casey", "Robin", "Jamie", "Taylor", "Morgan", "Charlie", "Drew",
    "Rowan", "Quinn",
];
const LAST: [&str; 12] = [
    "Ashdown",
    "Brackley",
    "Carrow",
    "Denholm",
    "Elverson",
    "Fairbairn",
    "Garside",
    "Hollins",
    "Ibbotson",
    "Jessop",
    "Kettle",
    "Lowther",
];
const PRISONS: [&str; 8] = ["RSI", "FBI", "LPI", "STI", "HHI", "DMI", "ACI", "BAI"];
const PROBATION: [&str; 3] = ["C02", "C01", "ALL"];

#[allow(clippy::too_many_arguments)]
fn person(
    upci: &str,
    first: &str,
    last: &str,
    born: Date,
    gender: &str,
    nomis: Option<&str>,
    crn: Option<&str>,
    active: bool,
    primary: &str,
    prison: Option<&str>,
    org: Option<&str>,
    precedence: u32,
) -> FakePerson {
    let record = OffenderRecord {
        upci: upci.to_owned(),
        first_name: first.to_uppercase(),
        middle_name: None,
        last_name: last.to_uppercase(),
        date_of_birth: born,
        gender: gender.to_owned(),
        nationality: Some("British".to_owned()),
        ethnicity: Some("Not stated".to_owned()),
        nomis_number: nomis.map(str::to_owned),
        crn: crn.map(str::to_owned),
        pnc_number: None,
        active,
        registrations: Vec::new(),
        primary_record: primary.to_owned(),
        prison_code: prison.map(str::to_owned),
        org_code: org.map(str::to_owned),
        sticky_location: None,
    };
    FakePerson {
        search_keys: [nomis, crn]
            .into_iter()
            .flatten()
            .map(str::to_owned)
            .collect(),
        record,
        precedence,
    }
}

/// The people behind each search outcome, named in the README for demos.
pub fn scenarios() -> Vec<FakePerson> {
    let mut people = vec![
        // One certain match, in HMP Risley (North West).
        person(
            "1CATS0001",
            "Dale",
            "Ashdown",
            date!(1985 - 03 - 27),
            "Male",
            Some("A1234BC"),
            Some("X123456"),
            true,
            "NOMIS",
            Some("RSI"),
            Some("C02"),
            1,
        ),
        // On probation in the North West.
        person(
            "1CATS0002",
            "Erin",
            "Brackley",
            date!(1990 - 07 - 14),
            "Female",
            None,
            Some("X654321"),
            true,
            "DELIUS",
            None,
            Some("C02"),
            1,
        ),
        // In HMP Holme House (North East).
        person(
            "1CATS0003",
            "Frank",
            "Carrow",
            date!(1978 - 11 - 02),
            "Male",
            Some("A2345CD"),
            None,
            true,
            "NOMIS",
            Some("HHI"),
            None,
            1,
        ),
        // Not active in the feed: not eligible.
        person(
            "1CATS0004",
            "Gail",
            "Denholm",
            date!(1982 - 01 - 30),
            "Female",
            Some("A0000IN"),
            None,
            false,
            "NOMIS",
            Some("STI"),
            None,
            1,
        ),
        // One weak match: more information needed.
        person(
            "1CATS0005",
            "Hugh",
            "Elverson",
            date!(1975 - 05 - 05),
            "Male",
            Some("M000001"),
            None,
            true,
            "NOMIS",
            Some("LPI"),
            None,
            15,
        ),
        // In a prison with no CATS location (Belmarsh): the unmapped custody location.
        person(
            "1CATS0006",
            "Iris",
            "Fairbairn",
            date!(1988 - 09 - 09),
            "Female",
            Some("A3456DE"),
            None,
            true,
            "NOMIS",
            Some("BAI"),
            None,
            1,
        ),
    ];
    // Two records for one identifier, both certain: the lower cluster id is taken.
    people.push(person(
        "1CATS0008",
        "Jon",
        "Garside",
        date!(1980 - 02 - 20),
        "Male",
        Some("A1111AA"),
        None,
        true,
        "NOMIS",
        Some("FBI"),
        None,
        1,
    ));
    people.push(person(
        "1CATS0007",
        "Jon",
        "Garside",
        date!(1980 - 02 - 20),
        "Male",
        Some("A1111AA"),
        None,
        true,
        "NOMIS",
        Some("FBI"),
        None,
        1,
    ));
    // Three uncertain records: too many results.
    for n in 0..3 {
        people.push(person(
            &format!("1CATS001{n}"),
            "Kit",
            "Hollins",
            date!(1992 - 12 - 12),
            "Male",
            Some("T000001"),
            None,
            true,
            "NOMIS",
            Some("RSI"),
            None,
            3,
        ));
    }
    people
}

/// What the feed has heard about a generated person since the demo data made their case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum News {
    /// Released from custody: the prison says `OUT`, so their probation office has them.
    Released,
    /// No longer active in the feed.
    Deactivated,
}

/// The generated people with news, one for each demo case that shows some (the case released to
/// its PRI's location, the case deactivated in the feed). The demo data makes their cases from
/// the record as it was before (`generated_before_news`) and lets the news reach them through
/// the refresh, so the feed agrees with every demo case it did not move by mistake. Past the
/// people the tests' scale seeds and the demo's other cases use; both were in custody in the
/// North West, on probation in C02, and are British.
const WITH_NEWS: [(u32, News); 2] = [(700, News::Released), (800, News::Deactivated)];

/// The news about generated person `n`, if any.
pub fn news(n: u32) -> Option<News> {
    WITH_NEWS
        .iter()
        .find(|(person, _)| *person == n)
        .map(|(_, news)| *news)
}

/// The generated people with this news.
pub fn with_news(wanted: News) -> impl Iterator<Item = u32> {
    WITH_NEWS
        .into_iter()
        .filter(move |(_, news)| *news == wanted)
        .map(|(n, _)| n)
}

/// A generated person `n` as the feed has them now (deterministic): as before their news, with
/// it.
pub fn generated(n: u32) -> FakePerson {
    let mut person = generated_before_news(n);
    match news(n) {
        Some(News::Released) => person.record.prison_code = Some("OUT".to_owned()),
        Some(News::Deactivated) => person.record.active = false,
        None => {}
    }
    person
}

/// A generated person `n` before any news (deterministic): identifiers `G` + 6 digits
/// (NOMIS-like) and `Y` + 6 digits (CRN-like); British, but for every 17th, who is Polish.
pub fn generated_before_news(n: u32) -> FakePerson {
    let first = FIRST[(n as usize) % FIRST.len()];
    let last = LAST[(n as usize / FIRST.len()) % LAST.len()];
    let born = date!(1960 - 01 - 01) + time::Duration::days(i64::from((n * 37) % 14_000));
    let in_custody = !n.is_multiple_of(3);
    let nomis = format!("G{:06}", n % 1_000_000);
    let crn = format!("Y{:06}", n % 1_000_000);
    let mut generated = person(
        &format!("2{:08}", n),
        first,
        last,
        born,
        if n.is_multiple_of(2) {
            "Male"
        } else {
            "Female"
        },
        Some(&nomis),
        Some(&crn),
        true,
        if in_custody { "NOMIS" } else { "DELIUS" },
        in_custody.then(|| PRISONS[(n as usize) % 7]),
        Some(PROBATION[(n as usize) % 2]),
        1,
    );
    // One in 17 is not exempt from right-to-work evidence.
    if n % 17 == 16 {
        generated.record.nationality = Some("Polish".to_owned());
    }
    generated
}

/// Matches for a search among `people`: the identifier and date of birth must match and the
/// last name match without case.
pub fn search<'a>(
    people: impl Iterator<Item = &'a FakePerson>,
    identifier: &str,
    last_name: &str,
    born: Date,
) -> Vec<SearchMatch> {
    people
        .filter(|p| {
            p.search_keys
                .iter()
                .any(|k| k.eq_ignore_ascii_case(identifier))
                && p.record.last_name.eq_ignore_ascii_case(last_name.trim())
                && p.record.date_of_birth == born
        })
        .map(|p| SearchMatch {
            upci: p.record.upci.clone(),
            precedence: p.precedence,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::candidate::{choose, Match, MatchOutcome};

    fn outcome(identifier: &str, last: &str, born: Date) -> MatchOutcome {
        let people = scenarios();
        let found: Vec<Match> = search(people.iter(), identifier, last, born)
            .into_iter()
            .map(|m| Match {
                upci: m.upci,
                precedence: m.precedence,
            })
            .collect();
        choose(&found)
    }

    #[test]
    fn the_scenarios_cover_every_outcome() {
        assert_eq!(
            outcome("A1234BC", "ashdown", date!(1985 - 03 - 27)),
            MatchOutcome::Found("1CATS0001".into())
        );
        assert_eq!(
            outcome("A1234BC", "Ashdown", date!(1985 - 03 - 28)),
            MatchOutcome::NoMatch
        );
        assert_eq!(
            outcome("M000001", "Elverson", date!(1975 - 05 - 05)),
            MatchOutcome::MoreInformationNeeded
        );
        assert_eq!(
            outcome("A1111AA", "Garside", date!(1980 - 02 - 20)),
            MatchOutcome::Found("1CATS0007".into())
        );
        assert_eq!(
            outcome("T000001", "Hollins", date!(1992 - 12 - 12)),
            MatchOutcome::TooManyResults
        );
    }

    #[test]
    fn the_news_is_a_release_from_custody_to_probation_and_a_deactivation() {
        use crate::domain::candidate::{locate, LocationCode};
        let [released] = <[u32; 1]>::try_from(with_news(News::Released).collect::<Vec<_>>())
            .expect("one released person");
        let before = generated_before_news(released).record;
        let after = generated(released).record;
        assert!(matches!(
            locate(&before.feed_location()),
            LocationCode::Prison(_)
        ));
        assert_eq!(
            locate(&after.feed_location()),
            LocationCode::Probation(before.org_code.clone().expect("probation"))
        );
        assert_eq!(after.prison_code.as_deref(), Some("OUT"));
        for n in with_news(News::Deactivated) {
            assert!(generated_before_news(n).record.active);
            assert!(!generated(n).record.active);
        }
        assert_eq!(news(1), None);
        assert_eq!(generated(1).record, generated_before_news(1).record);
    }

    #[test]
    fn generated_people_are_deterministic() {
        assert_eq!(generated(42).record, generated(42).record);
        assert_ne!(generated(42).record.upci, generated(43).record.upci);
    }
}
