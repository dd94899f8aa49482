//! `cats db seed --scale N`: N synthetic participants (the fake service's generated people,
//! so a refresh finds them), spread over the demo teams and statuses, for benchmarks and
//! large demos. Each case carries what the real commands would have left: the timeline lines
//! of its stage and, once approved, a submitted and scored assessment — so a case page, an
//! edit or a planner's statistics see cases shaped like real ones, not empty rows. Inserted in
//! batches of multi-row statements.

use crate::domain::assessment::{
    all_questions, score_assessment, Answers, Region, ScoringInputs, Sex,
};
use crate::domain::candidate::{locate, LocationCode};
use crate::domain::enrolment::EnrolmentStatus;
use crate::external::fake_data::generated;
use crate::store::org::{self};
use crate::store::participants;
use crate::store::schema::{
    AssessmentAnswers, AssessmentScores, Assessments, ParticipantIdentifiers, Participants, Users,
};
use crate::store::{Store, StoreError, Tx};
use sea_query::{Expr, ExprTrait, InsertStatement, Query};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};

/// Participants per batch (one transaction).
const BATCH: u32 = 500;
/// Assessments whose answers go in one statement (71 rows each, three values a row: well
/// under SQLite's 32,766 bound values).
const ANSWERS_PER_STATEMENT: usize = 100;

/// Statuses the synthetic cases cycle through.
const STATUSES: [EnrolmentStatus; 5] = [
    EnrolmentStatus::Identified,
    EnrolmentStatus::Enrolling,
    EnrolmentStatus::Enrolling,
    EnrolmentStatus::Approved,
    EnrolmentStatus::Approved,
];

/// A risk review due for one case in three, spread from 30 days overdue to 29 days ahead, so
/// the list's risk filters and sort have something to find.
fn risk_review(n: u32, today: Date) -> (Option<Date>, Option<&'static str>) {
    if !n.is_multiple_of(3) {
        return (None, None);
    }
    let offset = i64::from(n / 3 % 60) - 30;
    let reason = if n.is_multiple_of(2) {
        "Initial Review"
    } else {
        "Ten Week Review"
    };
    (today.checked_add(Duration::days(offset)), Some(reason))
}

/// The demo support workers who own the synthetic cases: case `n` goes to `OWNERS[n % 4]`,
/// on either database, so a benchmark meets the same cases on both.
pub const OWNERS: [&str; 4] = [
    "worker@provider-a.example",
    "colleague@provider-a.example",
    "worker2@provider-a.example",
    "worker@provider-b.example",
];

/// Adds `count` synthetic participants owned by the demo support workers.
pub async fn load(store: &Store, count: u32) -> Result<u32, anyhow::Error> {
    let mut db = store.db();
    let owners_query = Query::select()
        .columns([Users::Email, Users::Id, Users::TenantId, Users::DisplayName])
        .from(Users::Table)
        .and_where(Expr::col(Users::Email).is_in(OWNERS))
        .to_owned();
    let mut found: HashMap<String, (i64, String, String)> = db
        .fetch_all::<(String, i64, String, String)>(&owners_query)
        .await?
        .into_iter()
        .map(|(email, id, tenant, name)| (email, (id, tenant, name)))
        .collect();
    // In `OWNERS`' order, not the order the database returned them in: that differs between
    // SQLite and PostgreSQL, and gave the same case different owners on each.
    let owners: Vec<(i64, String, String)> = OWNERS
        .iter()
        .map(|email| found.remove(*email))
        .collect::<Option<_>>()
        .ok_or_else(|| anyhow::anyhow!("load the demo data first (`cats db seed --demo`)"))?;
    let mappings: HashMap<(String, String), i64> = org::location_mappings(&mut db)
        .await?
        .into_iter()
        .filter_map(|m| m.location_id.map(|l| ((m.code, m.code_type), l)))
        .collect();
    let now = OffsetDateTime::now_utc();
    let mut regions: HashMap<i64, Region> = HashMap::new();
    let mut added = 0;
    let mut start = 0;
    while start < count {
        let end = Ord::min(start + BATCH, count);
        let mut people = Query::insert()
            .into_table(Participants::Table)
            .columns([
                Participants::Id,
                Participants::FirstName,
                Participants::LastName,
                Participants::DateOfBirth,
                Participants::Gender,
                Participants::Nationality,
                Participants::EnrolmentStatus,
                Participants::ConsentStatus,
                Participants::CurrentLocationId,
                Participants::OwnerId,
                Participants::OwnerTenantId,
                Participants::PrimaryRecord,
                Participants::ActiveInFeed,
                Participants::Version,
                Participants::CreatedAt,
                Participants::CreatedBy,
                Participants::UpdatedAt,
                Participants::RiskDue,
                Participants::RiskDueReason,
            ])
            .to_owned();
        let mut identifiers = Query::insert()
            .into_table(ParticipantIdentifiers::Table)
            .columns([
                ParticipantIdentifiers::ParticipantId,
                ParticipantIdentifiers::Kind,
                ParticipantIdentifiers::Value,
            ])
            .to_owned();
        let mut timeline = participants::timeline_insert();
        let mut assessed = Vec::new();
        for n in start..end {
            let record = generated(n).record;
            let (owner, tenant, owner_name) = &owners[n as usize % owners.len()];
            let location = match locate(&record.feed_location()) {
                LocationCode::Prison(code) => mappings
                    .get(&(code, "Prison".to_owned()))
                    .copied()
                    .unwrap_or(-1),
                LocationCode::Probation(code) => mappings
                    .get(&(code, "Probation".to_owned()))
                    .copied()
                    .unwrap_or(-2),
                LocationCode::Unknown => 0,
            };
            let status = STATUSES[n as usize % STATUSES.len()];
            let history = History::of(n, now);
            let consent = if status == EnrolmentStatus::Approved {
                "granted"
            } else {
                "pending"
            };
            let (risk_due, risk_reason) = risk_review(n, now.date());
            people.values_panic([
                record.upci.clone().into(),
                record.first_name.into(),
                record.last_name.into(),
                record.date_of_birth.into(),
                record.gender.clone().into(),
                record.nationality.into(),
                status.value().into(),
                consent.into(),
                location.into(),
                (*owner).into(),
                tenant.clone().into(),
                record.primary_record.into(),
                true.into(),
                1i64.into(),
                history.created.into(),
                (*owner).into(),
                Ord::max(
                    history.created,
                    now - Duration::minutes(i64::from(n % 100_000)),
                )
                .into(),
                risk_due.into(),
                risk_reason.map(str::to_owned).into(),
            ]);
            for (kind, value) in [
                ("NOMIS Number", record.nomis_number),
                ("Delius CRN", record.crn),
            ] {
                if let Some(value) = value {
                    identifiers.values_panic([
                        record.upci.clone().into(),
                        kind.into(),
                        value.into(),
                    ]);
                }
            }
            let owner_line = format!("Owner: {owner_name}");
            let created: Line = (
                "Participant",
                [Some("Participant created"), Some(&owner_line), None],
                history.created,
            );
            add_line(&mut timeline, &record.upci, *owner, created);
            if status == EnrolmentStatus::Identified {
                continue;
            }
            let located = (
                "Enrolment",
                [Some("Enrolment location set"), None, None],
                history.located,
            );
            add_line(&mut timeline, &record.upci, *owner, located);
            if status != EnrolmentStatus::Approved || location < 1 {
                continue;
            }
            let region = match regions.get(&location) {
                Some(region) => *region,
                None => {
                    let lot = org::lot_of_location(&mut db, location).await?.unwrap_or(0);
                    let region = Region::from_lot(u8::try_from(lot).unwrap_or(0));
                    regions.insert(location, region);
                    region
                }
            };
            let inputs = ScoringInputs {
                age: age_on(record.date_of_birth, history.assessed.date()),
                sex: Sex::from_gender(Some(&record.gender)),
                region,
            };
            let answers = answers_for(n);
            let scores = score_assessment(&answers, &inputs).map_err(|e| {
                anyhow::anyhow!("synthetic answers of case {n} do not score: {e:?}")
            })?;
            let summary = scores
                .iter()
                .map(|s| format!("{} {}", s.pathway.title(), s.score))
                .collect::<Vec<_>>()
                .join(", ");
            let lines: [Line; 3] = [
                (
                    "Assessment",
                    [
                        Some("Assessment submitted and scored"),
                        Some(&summary),
                        None,
                    ],
                    history.assessed,
                ),
                (
                    "Enrolment",
                    [
                        Some("Submitted to provider QA"),
                        Some("Status: Submitted to Provider"),
                        None,
                    ],
                    history.submitted,
                ),
                (
                    "Enrolment",
                    [Some("Enrolment approved"), Some("Status: Approved"), None],
                    history.approved,
                ),
            ];
            for line in lines {
                add_line(&mut timeline, &record.upci, *owner, line);
            }
            assessed.push(Assessed {
                participant: record.upci.clone(),
                location,
                owner: *owner,
                at: history.assessed,
                answers,
                scores: scores.map(|s| (i64::from(s.pathway.code()), i64::from(s.score))),
            });
        }
        let mut tx = store.begin().await?;
        match tx.execute(&people).await {
            Err(StoreError::Conflict) => {
                anyhow::bail!("some of these participants exist already: seed a fresh database")
            }
            other => other?,
        };
        tx.execute(&identifiers).await?;
        tx.execute(&timeline).await?;
        insert_assessments(&mut tx, &assessed).await?;
        tx.commit().await?;
        added += end - start;
        start = end;
    }
    // Fresh statistics after a bulk load: without them SQLite picks list plans blind (a
    // filtered page took 100 ms instead of 5) and PostgreSQL waits for autovacuum.
    super::run_sql_file(store, "ANALYZE").await?;
    Ok(added)
}

/// When a synthetic case reached each stage: a few days apart, finished before the seed runs,
/// spread over the past year so lists and timelines sort on something.
struct History {
    created: OffsetDateTime,
    located: OffsetDateTime,
    assessed: OffsetDateTime,
    submitted: OffsetDateTime,
    approved: OffsetDateTime,
}

impl History {
    fn of(n: u32, now: OffsetDateTime) -> History {
        let created =
            now - Duration::days(10 + i64::from(n % 350)) - Duration::minutes(i64::from(n % 1_440));
        History {
            created,
            located: created + Duration::hours(2),
            assessed: created + Duration::days(1),
            submitted: created + Duration::days(2),
            approved: created + Duration::days(5),
        }
    }
}

/// A timeline line: kind, its three texts and when.
type Line<'a> = (&'static str, [Option<&'a str>; 3], OffsetDateTime);

fn add_line(timeline: &mut InsertStatement, participant: &str, user: i64, line: Line<'_>) {
    let (kind, texts, at) = line;
    participants::add_timeline_line(timeline, participant, kind, texts, Some(user), at);
}

/// Whole years from `born` to `on`.
fn age_on(born: Date, on: Date) -> u32 {
    let before_birthday = (u8::from(on.month()), on.day()) < (u8::from(born.month()), born.day());
    let years = on.year() - born.year() - i32::from(before_birthday);
    u32::try_from(years).unwrap_or(0)
}

/// A varied but valid set of answers for synthetic case `n`: one option of each question,
/// chosen by the case and the question's place, so pathway scores spread over the bands.
fn answers_for(n: u32) -> Answers {
    let mut answers = Answers::new();
    for (place, question) in all_questions().iter().enumerate() {
        let pick = (n as usize).wrapping_mul(7).wrapping_add(place * 3) % question.options.len();
        answers.set(question.code, [question.options[pick]]);
    }
    answers
}

/// A submitted assessment to insert with its answers and scores.
struct Assessed {
    participant: String,
    location: i64,
    owner: i64,
    at: OffsetDateTime,
    answers: Answers,
    /// (pathway code, score).
    scores: [(i64, i64); 8],
}

/// Inserts the batch's assessments, then their answers and scores under the ids the database
/// gave them (matched by participant: a synthetic case has one assessment).
async fn insert_assessments(tx: &mut Tx, assessed: &[Assessed]) -> Result<(), anyhow::Error> {
    if assessed.is_empty() {
        return Ok(());
    }
    let mut rows = Query::insert()
        .into_table(Assessments::Table)
        .columns([
            Assessments::ParticipantId,
            Assessments::LocationId,
            Assessments::EnrolmentLocationId,
            Assessments::CreatedBy,
            Assessments::CreatedAt,
            Assessments::UpdatedAt,
            Assessments::SubmittedBy,
            Assessments::SubmittedAt,
        ])
        .returning(Query::returning().columns([Assessments::Id, Assessments::ParticipantId]))
        .to_owned();
    for a in assessed {
        rows.values_panic([
            a.participant.clone().into(),
            a.location.into(),
            a.location.into(),
            a.owner.into(),
            a.at.into(),
            a.at.into(),
            a.owner.into(),
            a.at.into(),
        ]);
    }
    let ids: HashMap<String, i64> = tx
        .fetch_all::<(i64, String)>(&rows)
        .await?
        .into_iter()
        .map(|(id, participant)| (participant, id))
        .collect();
    let id_of = |a: &Assessed| {
        ids.get(&a.participant)
            .copied()
            .ok_or_else(|| anyhow::anyhow!("no assessment id came back for {}", a.participant))
    };
    let mut scores = Query::insert()
        .into_table(AssessmentScores::Table)
        .columns([
            AssessmentScores::AssessmentId,
            AssessmentScores::Pathway,
            AssessmentScores::Score,
        ])
        .to_owned();
    for a in assessed {
        let id = id_of(a)?;
        for (pathway, score) in a.scores {
            scores.values_panic([id.into(), pathway.into(), score.into()]);
        }
    }
    tx.execute(&scores).await?;
    for chunk in assessed.chunks(ANSWERS_PER_STATEMENT) {
        let mut answers = Query::insert()
            .into_table(AssessmentAnswers::Table)
            .columns([
                AssessmentAnswers::AssessmentId,
                AssessmentAnswers::Question,
                AssessmentAnswers::OptionText,
            ])
            .to_owned();
        for a in chunk {
            let id = id_of(a)?;
            for question in all_questions() {
                for option in a.answers.chosen(question.code) {
                    answers.values_panic([id.into(), question.code.into(), option.clone().into()]);
                }
            }
        }
        tx.execute(&answers).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_answers_are_complete_and_score() {
        let inputs = ScoringInputs {
            age: 30,
            sex: Sex::Male,
            region: Region::from_lot(1),
        };
        let mut scores = std::collections::BTreeSet::new();
        for n in 0..200 {
            let answers = answers_for(n);
            assert_eq!(answers.problems(), Vec::new(), "case {n}");
            let scored = score_assessment(&answers, &inputs).expect("scores");
            scores.extend(scored.iter().map(|s| s.score));
        }
        // Spread over the bands, not one score for every case.
        assert!(scores.len() > 10, "{scores:?}");
    }

    #[test]
    fn ages_count_whole_years() {
        let born = Date::from_calendar_date(1990, time::Month::June, 15).expect("date");
        let day = |m, d| Date::from_calendar_date(2026, m, d).expect("date");
        assert_eq!(age_on(born, day(time::Month::June, 14)), 35);
        assert_eq!(age_on(born, day(time::Month::June, 15)), 36);
    }
}
