//! The payments workflow on both databases: approval events raise enrolment payment rows
//! exactly once (whatever the number of instances, and across a batch that is rolled back or
//! a workflow that is killed), attributed as DOMAIN.md §11 says, and as the pure rule
//! `domain::payments::enrolment::decide` decides.

use crate::support::{Backend, TestDatabase};
use cats::domain::enrolment::EnrolmentStatus;
use cats::domain::payments::enrolment::{decide, Decision, EnrolmentFacts};
use cats::domain::payments::{Eligibility, IneligibilityReason};
use cats::store::integration_events::{self, ENROLMENT_APPROVED};
use cats::store::participants::{self, NewParticipant};
use cats::store::payments::{self, PaymentRow};
use cats::store::qa::{self, NewEntry};
use cats::store::{enrolment, users, Store};
use cats::workflows::payments::{drain, run};
use std::sync::Arc;
use std::time::Duration;
use time::macros::{date, datetime};
use time::OffsetDateTime;

/// A migrated database with the demo organisation and users, and no server: these tests run
/// the workflow themselves.
pub struct Fixture {
    pub store: Store,
    pub url: String,
    _database: TestDatabase,
}

impl Fixture {
    pub async fn create(backend: Backend) -> Option<Self> {
        let database = TestDatabase::create(backend, "payments").await?;
        let store = Store::connect(&database.url, 10).await.expect("connect");
        store.migrate().await.expect("migrate");
        cats::seed::demo::load(&store).await.expect("demo data");
        Some(Self {
            store,
            url: database.url.clone(),
            _database: database,
        })
    }

    fn postgres_url(&self) -> Option<String> {
        self.url.starts_with("postgres").then(|| self.url.clone())
    }
}

macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(f) = super::Fixture::create(crate::support::Backend::Sqlite).await {
                        super::$name(f).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(f) = super::Fixture::create(crate::support::Backend::Postgres).await {
                        super::$name(f).await;
                    }
                }
            )*
        }
    };
}

on_both_stores!(
    an_approved_case_raises_one_eligible_row_attributed_to_the_latest_provider_qa_entry,
    a_second_approval_of_the_same_case_raises_an_already_paid_row,
    a_case_never_approved_raises_no_row_and_its_event_is_handled,
    a_rolled_back_batch_raises_nothing_and_the_next_raises_each_row_once,
    a_workflow_killed_mid_run_and_restarted_raises_each_row_once,
    two_instances_raise_each_row_once_and_one_eligible_row_per_participant,
    a_large_batch_applies_the_same_rules_as_a_small_one,
    a_transaction_cancelled_while_it_begins_leaves_the_database_writable,
    batches_of_the_two_partitions_run_at_once_and_raise_each_row_once,
    the_row_is_attributed_to_the_latest_provider_qa_entry_not_a_later_internal_one,
    an_event_already_in_the_ledger_and_queued_again_raises_no_second_row,
);

/// HMP Risley: a Wing of contract con_24036.
pub const WING: i64 = 1;
const APPROVED_AT: OffsetDateTime = datetime!(2026-11-20 10:30 UTC);

/// Creates case `id` owned by `owner`, enrolled at `location` with first consent on
/// 2026-11-01 and a provider QA entry by the owner; Approved when `approved`.
pub async fn case(store: &Store, id: &str, owner: &str, location: i64, approved: bool) {
    let user = users::find_by_email(&mut store.db(), owner)
        .await
        .expect("read")
        .expect("user");
    let now = OffsetDateTime::now_utc();
    let mut tx = store.begin().await.expect("begin");
    participants::insert(
        &mut tx,
        &NewParticipant {
            id,
            first_name: "Test",
            middle_name: None,
            last_name: id,
            date_of_birth: date!(1985 - 03 - 27),
            gender: "Male",
            nationality: Some("British"),
            ethnicity: None,
            enrolment_status: EnrolmentStatus::SubmittedToAuthority.value(),
            location_id: location,
            owner_id: user.id,
            owner_tenant_id: &user.tenant_id,
            primary_record: "NOMIS",
            registration_details: None,
        },
        user.id,
        now,
    )
    .await
    .expect("participant");
    participants::insert_history(
        &mut tx,
        id,
        EnrolmentStatus::SubmittedToAuthority.value(),
        user.id,
        now,
    )
    .await
    .expect("history");
    enrolment::set_enrolment_location(&mut tx, id, location, None, now)
        .await
        .expect("location");
    pqa_entry(&mut tx, id, user.id, &user.tenant_id).await;
    if approved {
        assert!(enrolment::change_status(
            &mut tx,
            id,
            EnrolmentStatus::SubmittedToAuthority.value(),
            EnrolmentStatus::Approved.value(),
            user.id,
            None,
            now,
        )
        .await
        .expect("approve"));
    }
    tx.commit().await.expect("commit");
    cats::seed::run_sql_file(
        store,
        &format!("UPDATE participants SET date_of_first_consent = '2026-11-01' WHERE id = '{id}'"),
    )
    .await
    .expect("consent date");
}

/// Adds a provider QA entry for `worker` of `tenant`; an entry still open for the case is
/// decided first, as a case is in one queue at a time.
pub async fn pqa_entry(tx: &mut cats::store::Tx, id: &str, worker: i64, tenant: &str) {
    qa_entry(tx, id, qa::queue::PQA, worker, tenant).await;
}

/// Adds an entry of `queue` for `worker` of `tenant`, deciding the case's open entry first.
async fn qa_entry(tx: &mut cats::store::Tx, id: &str, queue: &str, worker: i64, tenant: &str) {
    let now = OffsetDateTime::now_utc();
    if let Some(open) = qa::open_for(tx, id).await.expect("open entry") {
        assert!(qa::claim(tx, open.id, worker, now).await.expect("claim"));
        assert!(qa::complete(tx, open.id, worker, "accept", now)
            .await
            .expect("complete"));
    }
    qa::insert(
        tx,
        &NewEntry {
            participant: id,
            queue,
            tenant,
            support_worker: worker,
            submitted_at: OffsetDateTime::now_utc(),
            consent_date: Some(date!(2026 - 11 - 01)),
            created_by: worker,
        },
        OffsetDateTime::now_utc(),
    )
    .await
    .expect("pqa entry");
}

/// Records an approval event for case `id`, as the QA accept does.
pub async fn approval_event(store: &Store, id: &str) -> i64 {
    let mut tx = store.begin().await.expect("begin");
    let event = integration_events::record_in(&mut tx, ENROLMENT_APPROVED, id, APPROVED_AT)
        .await
        .expect("event");
    tx.commit().await.expect("commit");
    cats::workflows::payments::wake();
    event
}

async fn rows(store: &Store, id: &str) -> Vec<PaymentRow> {
    payments::for_participant(&mut store.db(), id)
        .await
        .expect("rows")
}

pub async fn pending(store: &Store) -> u64 {
    integration_events::pending(&mut store.db(), ENROLMENT_APPROVED)
        .await
        .expect("pending")
}

async fn user_id(store: &Store, email: &str) -> i64 {
    users::find_by_email(&mut store.db(), email)
        .await
        .expect("read")
        .expect("user")
        .id
}

async fn an_approved_case_raises_one_eligible_row_attributed_to_the_latest_provider_qa_entry(
    f: Fixture,
) {
    case(
        &f.store,
        "1PAY00001",
        "worker@provider-a.example",
        WING,
        true,
    )
    .await;
    // Returned from authority and resubmitted by a worker of the other team: the latest
    // provider QA entry is theirs, and so is the payment.
    let colleague = user_id(&f.store, "worker2@provider-a.example").await;
    let mut tx = f.store.begin().await.expect("begin");
    pqa_entry(&mut tx, "1PAY00001", colleague, "1.1.1.1.2.").await;
    tx.commit().await.expect("commit");
    let event = approval_event(&f.store, "1PAY00001").await;
    let done = drain(&f.store, 100).await.expect("drain");
    assert_eq!((done.events, done.rows), (1, 1));
    let rows = rows(&f.store, "1PAY00001").await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    let expected = decide(EnrolmentFacts {
        ever_approved: true,
        earlier_eligible_row: false,
    });
    assert_eq!(expected, Decision::Row(Eligibility::Eligible));
    assert!(row.eligible);
    assert_eq!(row.ineligibility_reason, None);
    assert_eq!(row.source_event_id, event);
    assert_eq!(row.contract_id.as_deref(), Some("con_24036"));
    assert_eq!(row.location_id, Some(WING));
    assert_eq!(row.location_type.as_deref(), Some("Wing"));
    assert_eq!(row.support_worker_id, Some(colleague));
    assert_eq!(row.tenant_id.as_deref(), Some("1.1.1.1.2."));
    assert_eq!(row.consent_date, Some(date!(2026 - 11 - 01)));
    assert_eq!(row.approval_date, date!(2026 - 11 - 20));
    assert_eq!(pending(&f.store).await, 0);
    // Handled means handled: draining again raises nothing.
    assert_eq!(drain(&f.store, 100).await.expect("drain").events, 0);
    assert_eq!(super::payments::rows(&f.store, "1PAY00001").await.len(), 1);
}

async fn a_second_approval_of_the_same_case_raises_an_already_paid_row(f: Fixture) {
    case(
        &f.store,
        "1PAY00002",
        "worker@provider-a.example",
        WING,
        true,
    )
    .await;
    approval_event(&f.store, "1PAY00002").await;
    drain(&f.store, 100).await.expect("drain");
    // Approved again (after a right-to-work bounce, or unarchived to Approved).
    approval_event(&f.store, "1PAY00002").await;
    drain(&f.store, 100).await.expect("drain");
    // Two events in one batch: only the first can be eligible, and it is not either.
    approval_event(&f.store, "1PAY00002").await;
    approval_event(&f.store, "1PAY00002").await;
    drain(&f.store, 100).await.expect("drain");
    let rows = rows(&f.store, "1PAY00002").await;
    let expected_later = decide(EnrolmentFacts {
        ever_approved: true,
        earlier_eligible_row: true,
    });
    assert_eq!(
        expected_later,
        Decision::Row(Eligibility::Ineligible(IneligibilityReason::AlreadyPaid))
    );
    let shape: Vec<(bool, Option<&str>)> = rows
        .iter()
        .map(|r| (r.eligible, r.ineligibility_reason.as_deref()))
        .collect();
    assert_eq!(
        shape,
        vec![
            (true, None),
            (false, Some("Already paid")),
            (false, Some("Already paid")),
            (false, Some("Already paid")),
        ]
    );
}

async fn a_case_never_approved_raises_no_row_and_its_event_is_handled(f: Fixture) {
    case(
        &f.store,
        "1PAY00003",
        "worker@provider-a.example",
        WING,
        false,
    )
    .await;
    approval_event(&f.store, "1PAY00003").await;
    let done = drain(&f.store, 100).await.expect("drain");
    assert_eq!((done.events, done.rows), (1, 0));
    assert_eq!(
        decide(EnrolmentFacts {
            ever_approved: false,
            earlier_eligible_row: false,
        }),
        Decision::NoRow
    );
    assert!(rows(&f.store, "1PAY00003").await.is_empty());
    assert_eq!(pending(&f.store).await, 0);
}

async fn a_rolled_back_batch_raises_nothing_and_the_next_raises_each_row_once(f: Fixture) {
    case(
        &f.store,
        "1PAY00004",
        "worker@provider-a.example",
        WING,
        true,
    )
    .await;
    approval_event(&f.store, "1PAY00004").await;
    approval_event(&f.store, "1PAY00004").await;
    {
        let mut tx = f.store.begin().await.expect("begin");
        let done = payments::raise_enrolment_batch_in(&mut tx, 100, OffsetDateTime::now_utc())
            .await
            .expect("batch");
        assert_eq!((done.events, done.rows), (2, 2));
        // The process dies before committing: the transaction is dropped.
    }
    assert!(rows(&f.store, "1PAY00004").await.is_empty());
    assert_eq!(pending(&f.store).await, 2);
    let done = drain(&f.store, 100).await.expect("drain");
    assert_eq!((done.events, done.rows), (2, 2));
    let rows = rows(&f.store, "1PAY00004").await;
    assert_eq!(rows.iter().filter(|r| r.eligible).count(), 1);
    assert_eq!(rows.len(), 2);
}

/// Approved cases `prefix00000..count`, each with `events` approval events.
async fn many(store: &Store, prefix: &str, count: usize, events: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for n in 0..count {
        let id = format!("{prefix}{n:04}");
        case(store, &id, "worker@provider-a.example", WING, true).await;
        for _ in 0..events {
            approval_event(store, &id).await;
        }
        ids.push(id);
    }
    ids
}

/// Every case has one row per event and exactly one eligible row.
async fn assert_exactly_once(store: &Store, ids: &[String], events: usize) {
    for id in ids {
        let rows = rows(store, id).await;
        assert_eq!(rows.len(), events, "{id}: one row per event");
        assert_eq!(
            rows.iter().filter(|r| r.eligible).count(),
            1,
            "{id}: one eligible row"
        );
        assert!(
            rows[0].eligible,
            "{id}: the first event's row is the paid one"
        );
    }
    assert_eq!(pending(store).await, 0);
}

pub async fn wait_until_handled(store: &Store) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while pending(store).await > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "events still pending"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn a_workflow_killed_mid_run_and_restarted_raises_each_row_once(f: Fixture) {
    let ids = many(&f.store, "1KIL", 20, 3).await;
    let wake = Arc::new(tokio::sync::Notify::new());
    // Killed at different points of its first run, several times over.
    for delay_ms in [0, 1, 3, 7] {
        let task = tokio::spawn(run(f.store.clone(), wake.clone(), f.postgres_url()));
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        task.abort();
        let _ = task.await;
    }
    let task = tokio::spawn(run(f.store.clone(), wake.clone(), f.postgres_url()));
    wait_until_handled(&f.store).await;
    task.abort();
    assert_exactly_once(&f.store, &ids, 3).await;
}

async fn two_instances_raise_each_row_once_and_one_eligible_row_per_participant(f: Fixture) {
    let ids = many(&f.store, "1TWO", 30, 3).await;
    // Two workflows (as on two instances whose leases overlapped) and two small-batch drains
    // racing for the same events.
    let wake = Arc::new(tokio::sync::Notify::new());
    let first = tokio::spawn(run(f.store.clone(), wake.clone(), f.postgres_url()));
    let second = tokio::spawn(run(f.store.clone(), wake.clone(), f.postgres_url()));
    let (a, b) = tokio::join!(drain(&f.store, 7), drain(&f.store, 5));
    a.expect("first drain");
    b.expect("second drain");
    wait_until_handled(&f.store).await;
    first.abort();
    second.abort();
    assert_exactly_once(&f.store, &ids, 3).await;
}

async fn a_large_batch_applies_the_same_rules_as_a_small_one(f: Fixture) {
    // Over 1,000 events in one batch: PostgreSQL is told to use hash joins (see
    // store::payments), which must not change a single row.
    let ids = many(&f.store, "1BIG", 10, 0).await;
    case(
        &f.store,
        "1BIGNEVER",
        "worker@provider-a.example",
        WING,
        false,
    )
    .await;
    let mut tx = f.store.begin().await.expect("begin");
    for n in 0..1_210 {
        let id = if n % 121 == 120 {
            "1BIGNEVER"
        } else {
            ids[n % 10].as_str()
        };
        integration_events::record_in(&mut tx, ENROLMENT_APPROVED, id, APPROVED_AT)
            .await
            .expect("event");
    }
    tx.commit().await.expect("commit");
    let done = drain(&f.store, 250_000).await.expect("drain");
    assert_eq!((done.events, done.rows), (1_210, 1_200));
    for id in &ids {
        let rows = rows(&f.store, id).await;
        assert_eq!(rows.iter().filter(|r| r.eligible).count(), 1, "{id}");
        assert!(rows[0].eligible, "{id}: its first event is paid");
        assert!(rows[1..]
            .iter()
            .all(|r| r.ineligibility_reason.as_deref() == Some("Already paid")));
    }
    assert!(rows(&f.store, "1BIGNEVER").await.is_empty());
}

/// The cause of `a_workflow_killed_mid_run_and_restarted_raises_each_row_once` timing out on
/// SQLite under load: a workflow stopped while its transaction was beginning. sqlx acknowledges
/// SQLite's `BEGIN IMMEDIATE`, then awaits its worker once more before the transaction object
/// exists; dropped at that point, nothing rolls the transaction back, and the connection went
/// back to the pool holding the write lock, so every later batch waited out the busy timeout
/// and failed. Stopped after each possible number of polls, a begin must leave the database
/// writable.
async fn a_transaction_cancelled_while_it_begins_leaves_the_database_writable(f: Fixture) {
    case(
        &f.store,
        "1CAN00001",
        "worker@provider-a.example",
        WING,
        true,
    )
    .await;
    let mut events = 0;
    for pause_ms in [0, 1, 5, 30] {
        for polls in 1..=6 {
            let mut begin = Box::pin(f.store.begin());
            for _ in 0..polls {
                if futures_util::poll!(&mut begin).is_ready() {
                    break;
                }
                // Lets the driver's worker run the statement it was handed.
                tokio::time::sleep(Duration::from_millis(pause_ms)).await;
            }
            drop(begin);
            let id = approval_event(&f.store, "1CAN00001").await;
            assert!(id > 0, "after {polls} polls {pause_ms} ms apart");
            events += 1;
        }
    }
    let done = drain(&f.store, 100).await.expect("drain");
    assert_eq!((done.events, done.rows), (events, events));
}

/// The batches of the two partitions of PostgreSQL hold separate locks: both run at once (the
/// second does not wait for the first to commit), take disjoint events, and between them
/// raise each row once and one eligible row per participant. On SQLite a partition batch is
/// the whole queue.
async fn batches_of_the_two_partitions_run_at_once_and_raise_each_row_once(f: Fixture) {
    let ids = many(&f.store, "1PAR", 12, 2).await;
    let now = OffsetDateTime::now_utc();
    let mut first = f.store.begin().await.expect("begin");
    let a = payments::raise_enrolment_partition_in(&mut first, 0, 1_000, now)
        .await
        .expect("partition 0");
    if f.postgres_url().is_some() {
        // Partition 0 is not committed yet: partition 1 must not wait for it.
        let mut second = f.store.begin().await.expect("begin");
        let b = payments::raise_enrolment_partition_in(&mut second, 1, 1_000, now)
            .await
            .expect("partition 1");
        second.commit().await.expect("commit");
        first.commit().await.expect("commit");
        assert!(a.events > 0 && b.events > 0, "{a:?} {b:?}");
        assert_eq!(a.events + b.events, 24);
        assert_eq!(a.rows + b.rows, 24);
    } else {
        first.commit().await.expect("commit");
        assert_eq!((a.events, a.rows), (24, 24));
    }
    assert_exactly_once(&f.store, &ids, 2).await;
}

/// Events for `id`, committed together.
async fn approval_events(store: &Store, id: &str, count: usize) {
    let mut tx = store.begin().await.expect("begin");
    for _ in 0..count {
        integration_events::record_in(&mut tx, ENROLMENT_APPROVED, id, APPROVED_AT)
            .await
            .expect("event");
    }
    tx.commit().await.expect("commit");
}

/// DOMAIN.md §11: the worker and tenant are the latest *provider* QA entry's. Entries of the
/// internal queues written after it (QA1, QA2: other reviewers, other tenants) and earlier
/// provider entries must not be picked, in a small batch or a large one (PostgreSQL plans a
/// large batch differently).
async fn the_row_is_attributed_to_the_latest_provider_qa_entry_not_a_later_internal_one(
    f: Fixture,
) {
    case(
        &f.store,
        "1ATT00001",
        "worker@provider-a.example",
        WING,
        true,
    )
    .await;
    let colleague = user_id(&f.store, "worker2@provider-a.example").await;
    let officer = user_id(&f.store, "qa.officer@justice.gov.uk").await;
    let officer2 = user_id(&f.store, "qa.officer2@justice.gov.uk").await;
    let mut tx = f.store.begin().await.expect("begin");
    // Returned by authority and resubmitted by a colleague, then passed on to QA1 and QA2.
    pqa_entry(&mut tx, "1ATT00001", colleague, "1.1.1.1.2.").await;
    qa_entry(&mut tx, "1ATT00001", qa::queue::QA1, officer, "1.1.").await;
    qa_entry(&mut tx, "1ATT00001", qa::queue::QA2, officer2, "1.1.").await;
    tx.commit().await.expect("commit");
    approval_event(&f.store, "1ATT00001").await;
    let done = drain(&f.store, 100).await.expect("drain");
    assert_eq!((done.events, done.rows), (1, 1));
    approval_events(&f.store, "1ATT00001", 1_001).await;
    let done = drain(&f.store, 250_000).await.expect("drain");
    assert_eq!((done.events, done.rows), (1_001, 1_001));
    let rows = rows(&f.store, "1ATT00001").await;
    assert_eq!(rows.len(), 1_002);
    for row in &rows {
        assert_eq!(
            row.support_worker_id,
            Some(colleague),
            "{}",
            row.source_event_id
        );
        assert_eq!(row.tenant_id.as_deref(), Some("1.1.1.1.2."));
    }
    assert!(rows[0].eligible);
    assert!(rows[1..].iter().all(|r| !r.eligible));
}

/// A batch is idempotent by event id: an event whose row is already in the ledger (queued
/// again, say by hand after a restore) is taken off the queue without a second row, and the
/// rest of its batch is raised as usual, in a small batch and in a large one.
async fn an_event_already_in_the_ledger_and_queued_again_raises_no_second_row(f: Fixture) {
    case(
        &f.store,
        "1IDE00001",
        "worker@provider-a.example",
        WING,
        true,
    )
    .await;
    case(
        &f.store,
        "1IDE00002",
        "worker@provider-a.example",
        WING,
        true,
    )
    .await;
    let event = approval_event(&f.store, "1IDE00001").await;
    assert_eq!(drain(&f.store, 100).await.expect("drain").rows, 1);
    let requeue = format!(
        "INSERT INTO pending_integration_events (id, kind, participant_id, occurred_on)
         SELECT id, kind, participant_id, occurred_on FROM integration_events WHERE id = {event}"
    );
    cats::seed::run_sql_file(&f.store, &requeue)
        .await
        .expect("queue again");
    let done = drain(&f.store, 100).await.expect("drain");
    assert_eq!((done.events, done.rows), (1, 0));
    assert_eq!(pending(&f.store).await, 0);
    cats::seed::run_sql_file(&f.store, &requeue)
        .await
        .expect("queue again");
    approval_events(&f.store, "1IDE00002", 1_001).await;
    let done = drain(&f.store, 250_000).await.expect("drain");
    assert_eq!((done.events, done.rows), (1_002, 1_001));
    assert_eq!(pending(&f.store).await, 0);
    let first = rows(&f.store, "1IDE00001").await;
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].source_event_id, event);
    assert!(first[0].eligible);
    let second = rows(&f.store, "1IDE00002").await;
    assert_eq!(second.len(), 1_001);
    assert_eq!(second.iter().filter(|r| r.eligible).count(), 1);
}
