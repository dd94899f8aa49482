//! Demo cases at every stage a newcomer meets (DOMAIN.md "Minimum demo data"): made through
//! the same commands people use (find in the offender data, enrol, assess, submit, review), so
//! every row, timeline line and queue entry is exactly what the system itself would write.

use crate::accounts::Principal;
use crate::cases::ownership::{record_change, OwnerChange};
use crate::cases::review::{self, Decide};
use crate::cases::{archive, assess, create, enrol, submit, CaseError};
use crate::domain::assessment::{
    all_questions, score_pathway, Answers, Region, ScoringInputs, Sex,
};
use crate::domain::document::Upload;
use crate::domain::enrolment::consent::Consent;
use crate::domain::enrolment::{right_to_work, ArchiveReason};
use crate::domain::location::LocationType;
use crate::domain::qa::{Decision, FeedbackType, Queue};
use crate::domain::tenant::{TenantId, TenantScope};
use crate::external::fake::FakeDms;
use crate::external::fake_data::{generated, generated_before_news, news, with_news, News};
use crate::external::DmsClient;
use crate::store::files::Files;
use crate::store::ownership as ownership_rows;
use crate::store::schema::Participants;
use crate::store::{enrolment, org, qa, users, Store};
use crate::workflows::feed_refresh::{refresh_case, relocate, CaseOutcome};
use sea_query::ExprTrait;
use time::OffsetDateTime;

/// Where a demo case is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Identified,
    ReadyToSubmit,
    AtProviderQa,
    /// At provider QA, deactivated in the feed more than 30 days ago: PQA accept is refused.
    DeactivatedAtProviderQa,
    AtQa1,
    AtQa1Claimed,
    AtQa2,
    /// At QA2 for someone whose nationality needs right-to-work evidence, with none: QA2
    /// accept sends it back to provider QA.
    AtQa2WithoutRightToWork,
    AtEscalation,
    Approved,
    /// Enrolling with a scored assessment that has no red pathway, so cannot be submitted.
    Ineligible,
    Archived,
    Dormant,
    Unowned,
}

/// The stages, in the order the cases are made.
const STAGES: [Stage; 16] = [
    Stage::Identified,
    Stage::ReadyToSubmit,
    Stage::ReadyToSubmit,
    Stage::AtProviderQa,
    Stage::AtProviderQa,
    Stage::DeactivatedAtProviderQa,
    Stage::AtQa1,
    Stage::AtQa1Claimed,
    Stage::AtQa2,
    Stage::AtQa2WithoutRightToWork,
    Stage::AtEscalation,
    Stage::Approved,
    Stage::Ineligible,
    Stage::Archived,
    Stage::Dormant,
    Stage::Unowned,
];

/// A demo account as the commands see it (no session: the seed acts on their behalf).
pub(super) async fn as_user(store: &Store, email: &str) -> Result<Principal, anyhow::Error> {
    let mut db = store.db();
    let row = users::find_by_email(&mut db, email)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo account {email} is missing"))?;
    let roles = users::roles_of(&mut db, row.id).await?;
    let tenant = TenantId::parse(&row.tenant_id)?;
    let tenant_name = org::tenant(
        &mut db,
        &crate::domain::tenant::TenantScope::system(),
        &tenant,
    )
    .await?
    .map(|t| t.name)
    .unwrap_or_default();
    Ok(Principal {
        user_id: row.id,
        email: row.email,
        display_name: row.display_name,
        tenant,
        tenant_name,
        roles,
        session_id: String::new(),
        csrf_token: String::new(),
        must_change_password: false,
    })
}

/// A one-page PDF for the demo consent forms.
fn demo_pdf() -> Upload {
    Upload {
        file_name: "demo-consent.pdf".into(),
        content_type: Some("application/pdf".into()),
        bytes: b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".to_vec(),
        truncated: false,
    }
}

/// Makes the demo cases; returns how many. Generated people whose prison or probation office
/// is one the demo worker sees are used, so the README's search scenarios stay free. `fake` is
/// the in-process service `dms` talks to: the cases of people the feed has news of are made as
/// they were before it (`news_follows`).
pub async fn load(
    store: &Store,
    dms: &DmsClient,
    files: &Files,
    fake: &FakeDms,
) -> Result<usize, anyhow::Error> {
    let worker = as_user(store, "worker@provider-a.example").await?;
    let visible: Vec<i64> = org::locations_visible(&mut store.db(), &worker.scope())
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let mut next = 1;
    for stage in STAGES {
        let (n, location) = person_for(store, &visible, stage, &mut next).await?;
        let upci = before_news(fake, n);
        advance(store, dms, files, &worker, (&upci, location), stage).await?;
        news_follows(store, dms, fake, n).await?;
        if stage == Stage::DeactivatedAtProviderQa {
            deactivated_long_ago(store, &upci).await?;
        }
    }
    transfer_in(store, dms, &visible, next).await?;
    let pris = super::pri::load(store, dms, fake).await?;
    Ok(STAGES.len() + 1 + pris)
}

/// The generated person for `stage` and the location their case starts at, as the feed had
/// them then: one at a place the worker sees; needing right-to-work evidence only for the stage
/// about it (the others go through QA2 accept, which would send such a case back); and with
/// news in the feed (`fake_data::news`) only for the stage that shows it, the deactivation.
/// The others are the next such from `*next`, which moves past them.
async fn person_for(
    store: &Store,
    visible: &[i64],
    stage: Stage,
    next: &mut u32,
) -> Result<(u32, i64), anyhow::Error> {
    let deactivated = stage == Stage::DeactivatedAtProviderQa;
    let candidates: Vec<u32> = if deactivated {
        with_news(News::Deactivated).collect()
    } else {
        (*next..MAX_PERSON).filter(|n| news(*n).is_none()).collect()
    };
    for n in candidates {
        let person = generated_before_news(n).record;
        let location = create::resolve_location(&mut store.db(), &person).await?;
        let needs_evidence = right_to_work::is_required(
            person.nationality.as_deref(),
            crate::live::case_view::right_to_work_exempt(),
        );
        if visible.contains(&location)
            && needs_evidence == (stage == Stage::AtQa2WithoutRightToWork)
        {
            if !deactivated {
                *next = n + 1;
            }
            return Ok((n, location));
        }
    }
    anyhow::bail!("no generated person suits the demo stage {stage:?}")
}

/// Where the search for these demo people stops: before those `pri` uses.
const MAX_PERSON: u32 = 500;

/// Has the fake answer for generated person `n` as before their news, if they have any, while
/// their case is made; returns their cluster id.
pub(super) fn before_news(fake: &FakeDms, n: u32) -> String {
    let record = generated_before_news(n).record;
    if news(n).is_some() {
        fake.put_record(record.clone());
    }
    record.upci
}

/// Lets the feed's news of generated person `n`, if any, reach their case through the real
/// refresh, as the next night's would have: so a refresh after seeding finds nothing new.
pub(super) async fn news_follows(
    store: &Store,
    dms: &DmsClient,
    fake: &FakeDms,
    n: u32,
) -> Result<(), anyhow::Error> {
    if news(n).is_none() {
        return Ok(());
    }
    let now = generated(n).record;
    let id = now.upci.clone();
    fake.put_record(now);
    match refresh_case(store, dms, &id, None).await? {
        CaseOutcome::Changed => Ok(()),
        other => anyhow::bail!("the feed's news did not reach demo case {id}: {other:?}"),
    }
}

/// A case that moved into provider A's contract and waits there for an owner: made by provider
/// B's worker for someone the feed places in B's area, then moved (through the feed refresh's
/// own path) to a prison of A's. `first` is the first generated person not used yet. The feed
/// still says B, so the nightly refresh moves the case back, as it would a real mistake.
async fn transfer_in(
    store: &Store,
    dms: &DmsClient,
    a_locations: &[i64],
    first: u32,
) -> Result<(), anyhow::Error> {
    let worker_b = as_user(store, "worker@provider-b.example").await?;
    let b_locations: Vec<i64> = org::locations_visible(&mut store.db(), &worker_b.scope())
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let to = org::locations_visible(&mut store.db(), &TenantScope::system())
        .await?
        .into_iter()
        .find(|l| {
            let custody = LocationType::from_code(&l.location_type)
                .is_some_and(|t| t.is_custody() && t.is_mapped());
            custody && a_locations.contains(&l.id) && !b_locations.contains(&l.id)
        })
        .ok_or_else(|| anyhow::anyhow!("the demo data has no prison of provider A's"))?;
    for n in (first..first + 500).filter(|n| news(*n).is_none()) {
        let person = generated(n).record;
        let location = create::resolve_location(&mut store.db(), &person).await?;
        if !b_locations.contains(&location) || a_locations.contains(&location) {
            continue;
        }
        let id = create::create_participant(store, dms, &worker_b, &person.upci)
            .await
            .map_err(explain)?;
        relocate(store, &id, to.id).await?;
        return Ok(());
    }
    anyhow::bail!("no generated person is in provider B's area")
}

async fn advance(
    store: &Store,
    dms: &DmsClient,
    files: &Files,
    worker: &Principal,
    (upci, location): (&str, i64),
    stage: Stage,
) -> Result<(), anyhow::Error> {
    let id = create::create_participant(store, dms, worker, upci)
        .await
        .map_err(explain)?;
    match stage {
        Stage::Identified => return Ok(()),
        Stage::Archived => {
            let reason = ArchiveReason::NoLongerEngaging;
            return archive::archive(store, worker, &id, Some(reason), "")
                .await
                .map_err(explain);
        }
        Stage::Unowned => return unown(store, &id).await,
        _ => {}
    }
    enrol::set_location(store, worker, &id, Some(location), "")
        .await
        .map_err(explain)?;
    let consent = Consent {
        date: OffsetDateTime::now_utc().date(),
        form_version: "1.2",
    };
    enrol::add_consent(store, files, worker, &id, &consent, &demo_pdf())
        .await
        .map_err(explain)?;
    enrol::confirm_enrolment(store, worker, &id)
        .await
        .map_err(explain)?;
    let assessment = assess::start(store, worker, &id).await.map_err(explain)?;
    // Each question's last option makes the participant eligible (red pathways); the
    // ineligible case gets the answers of least need, which leave no pathway red.
    let chosen = if stage == Stage::Ineligible {
        least_need(&inputs_of(store, &id, location).await?)
    } else {
        let mut last = Answers::new();
        for q in all_questions() {
            last.set(q.code, [q.options[q.options.len() - 1]]);
        }
        last
    };
    let answers: Vec<assess::AnswerChange> = all_questions()
        .iter()
        .map(|q| assess::AnswerChange {
            question: q.code,
            base: Vec::new(),
            wanted: chosen.chosen(q.code).to_vec(),
        })
        .collect();
    assess::save_answers(store, worker, &id, assessment, &answers)
        .await
        .map_err(explain)?;
    assess::submit(store, worker, &id, assessment)
        .await
        .map_err(explain)?;
    if matches!(stage, Stage::ReadyToSubmit | Stage::Ineligible) {
        return Ok(());
    }
    submit::submit_to_provider(
        store,
        worker,
        &id,
        Some("Needs help with housing and money"),
    )
    .await
    .map_err(explain)?;
    if matches!(stage, Stage::AtProviderQa | Stage::DeactivatedAtProviderQa) {
        return Ok(());
    }
    let accept = Decision::Accept {
        feedback: FeedbackType::NoFeedback,
        message: None,
        internal: false,
    };
    decide(store, "pqa@provider-a.example", &id, Queue::Pqa, &accept).await?;
    if stage == Stage::AtQa1 {
        return Ok(());
    }
    if stage == Stage::AtQa1Claimed {
        review::take_next(
            store,
            &as_user(store, "qa.officer@justice.gov.uk").await?,
            Queue::Qa1,
        )
        .await
        .map_err(explain)?;
        return Ok(());
    }
    decide(store, "qa.officer@justice.gov.uk", &id, Queue::Qa1, &accept).await?;
    if matches!(stage, Stage::AtQa2 | Stage::AtQa2WithoutRightToWork) {
        return Ok(());
    }
    if stage == Stage::AtEscalation {
        let escalate = Decision::Escalate {
            message: "Demo: the consent date needs a senior view".into(),
        };
        return decide(
            store,
            "qa.support@justice.gov.uk",
            &id,
            Queue::Qa2,
            &escalate,
        )
        .await;
    }
    decide(store, "qa.support@justice.gov.uk", &id, Queue::Qa2, &accept).await?;
    if stage == Stage::Dormant {
        archive::suspend(store, worker, &id)
            .await
            .map_err(explain)?;
    }
    Ok(())
}

/// Dates the case's deactivation, which the feed's news brought, 45 days back: as if the news
/// had come then and the case had waited in provider QA since (where it is not archived
/// automatically, so a refresh leaves it).
async fn deactivated_long_ago(store: &Store, id: &str) -> Result<(), anyhow::Error> {
    let long_ago = OffsetDateTime::now_utc().date() - time::Duration::days(45);
    let update = sea_query::Query::update()
        .table(Participants::Table)
        .value(Participants::DeactivatedInFeed, long_ago)
        .and_where(sea_query::Expr::col(Participants::Id).eq(id))
        .and_where(sea_query::Expr::col(Participants::DeactivatedInFeed).is_not_null())
        .to_owned();
    let mut tx = store.begin().await?;
    if tx.execute(&update).await? != 1 {
        anyhow::bail!("demo case {id} was not deactivated in the feed");
    }
    tx.commit().await?;
    Ok(())
}

/// Leaves a new case without an owner, as when its owner's team stops working at its location:
/// it waits for someone to take it.
async fn unown(store: &Store, id: &str) -> Result<(), anyhow::Error> {
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let state = enrolment::case_state(&mut tx, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo case {id} is missing"))?;
    if !ownership_rows::set_owner(&mut tx, id, state.owner_id, None, now).await? {
        anyhow::bail!("demo case {id} changed owner while it was made");
    }
    let change = OwnerChange {
        id,
        location: state.current_location_id,
        from: state.owner_id,
        to: None,
        by: None,
        why: Some("demo data, waiting for someone to take it"),
    };
    record_change(&mut tx, &change, now).await?;
    crate::live::case_view::publish_in(&mut tx, id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// What the case's scores will depend on: age, sex and the region of its location.
async fn inputs_of(store: &Store, id: &str, location: i64) -> Result<ScoringInputs, anyhow::Error> {
    let mut db = store.db();
    let state = enrolment::case_state(&mut db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("demo case {id} is missing"))?;
    let lot = org::lot_of_location(&mut db, location).await?.unwrap_or(0);
    let today = OffsetDateTime::now_utc().date();
    let age = today.year()
        - state.date_of_birth.year()
        - i32::from(today.ordinal() < state.date_of_birth.ordinal());
    Ok(ScoringInputs {
        age: u32::try_from(age).unwrap_or(0),
        sex: Sex::from_gender(Some(&state.gender)),
        region: Region::from_lot(u8::try_from(lot).unwrap_or(0)),
    })
}

/// Answers of least need for someone with these inputs: for each question in turn, the
/// option that gives its pathway the highest score, the others held as chosen so far.
fn least_need(inputs: &ScoringInputs) -> Answers {
    let mut answers = Answers::new();
    for q in all_questions() {
        answers.set(q.code, [q.options[0]]);
    }
    for q in all_questions() {
        let mut best = (i32::MIN, q.options[0]);
        for option in q.options {
            answers.set(q.code, [*option]);
            let score =
                score_pathway(q.pathway, &answers, inputs).map_or(-1, |s| i32::from(s.score));
            if score > best.0 {
                best = (score, option);
            }
        }
        answers.set(q.code, [best.1]);
    }
    answers
}

/// Takes the case's open entry as `email` and decides it.
async fn decide(
    store: &Store,
    email: &str,
    id: &str,
    queue: Queue,
    decision: &Decision,
) -> Result<(), anyhow::Error> {
    let reviewer = as_user(store, email).await?;
    let entry = qa::open_for(&mut store.db(), id)
        .await?
        .filter(|e| e.queue == queue.as_str())
        .ok_or_else(|| anyhow::anyhow!("demo case {id} is not in {}", queue.as_str()))?;
    review::take(store, &reviewer, entry.id)
        .await
        .map_err(explain)?;
    let version = enrolment::case_state(&mut store.db(), id)
        .await?
        .map(|s| s.version)
        .unwrap_or_default();
    review::decide(
        store,
        &reviewer,
        &Decide {
            entry: entry.id,
            seen_version: version,
            decision,
            qa1_feedback: None,
        },
    )
    .await
    .map_err(explain)?;
    Ok(())
}

pub(super) fn explain(error: CaseError) -> anyhow::Error {
    anyhow::anyhow!("demo case: {error}")
}
