//! Demo cases at every stage a newcomer meets (DOMAIN.md "Minimum demo data"): made through
//! the same commands people use (find in the offender data, enrol, assess, submit, review), so
//! every row, timeline line and queue entry is exactly what the system itself would write.

use crate::accounts::Principal;
use crate::cases::review::{self, Decide};
use crate::cases::{assess, create, enrol, submit, CaseError};
use crate::domain::assessment::all_questions;
use crate::domain::document::Upload;
use crate::domain::enrolment::consent::Consent;
use crate::domain::qa::{Decision, FeedbackType, Queue};
use crate::domain::tenant::TenantId;
use crate::external::fake_data::generated;
use crate::external::DmsClient;
use crate::store::files::Files;
use crate::store::{enrolment, org, qa, users, Store};
use time::OffsetDateTime;

/// Where a demo case is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Identified,
    ReadyToSubmit,
    AtProviderQa,
    AtQa1,
    AtQa1Claimed,
    AtQa2,
    AtEscalation,
    Approved,
}

/// The stages, in the order the cases are made.
const STAGES: [Stage; 10] = [
    Stage::Identified,
    Stage::ReadyToSubmit,
    Stage::ReadyToSubmit,
    Stage::AtProviderQa,
    Stage::AtProviderQa,
    Stage::AtQa1,
    Stage::AtQa1Claimed,
    Stage::AtQa2,
    Stage::AtEscalation,
    Stage::Approved,
];

/// A demo account as the commands see it (no session: the seed acts on their behalf).
async fn as_user(store: &Store, email: &str) -> Result<Principal, anyhow::Error> {
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
/// is one the demo worker sees are used, so the README's search scenarios stay free.
pub async fn load(store: &Store, dms: &DmsClient, files: &Files) -> Result<usize, anyhow::Error> {
    let worker = as_user(store, "worker@provider-a.example").await?;
    let visible: Vec<i64> = org::locations_visible(&mut store.db(), &worker.scope())
        .await?
        .into_iter()
        .map(|l| l.id)
        .collect();
    let mut made = 0;
    let mut n = 1;
    while made < STAGES.len() && n < 500 {
        let person = generated(n).record;
        n += 1;
        let location = create::resolve_location(&mut store.db(), &person).await?;
        if !visible.contains(&location) {
            continue;
        }
        advance(
            store,
            dms,
            files,
            &worker,
            (&person.upci, location),
            STAGES[made],
        )
        .await?;
        made += 1;
    }
    Ok(made)
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
    if stage == Stage::Identified {
        return Ok(());
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
    // Each question's last option: answers that make the participant eligible.
    let answers: Vec<assess::AnswerChange> = all_questions()
        .iter()
        .map(|q| assess::AnswerChange {
            question: q.code,
            base: Vec::new(),
            wanted: vec![q.options[q.options.len() - 1].to_owned()],
        })
        .collect();
    assess::save_answers(store, worker, &id, assessment, &answers)
        .await
        .map_err(explain)?;
    assess::submit(store, worker, &id, assessment)
        .await
        .map_err(explain)?;
    if stage == Stage::ReadyToSubmit {
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
    if stage == Stage::AtProviderQa {
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
    if stage == Stage::AtQa2 {
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
    decide(store, "qa.support@justice.gov.uk", &id, Queue::Qa2, &accept).await
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

fn explain(error: CaseError) -> anyhow::Error {
    anyhow::anyhow!("demo case: {error}")
}
