//! `cats db seed --scale N`: N synthetic participants (the fake service's generated people,
//! so a refresh finds them), spread over the demo teams and statuses, for benchmarks and
//! large demos. Inserted in batches of multi-row statements.

use crate::domain::candidate::{locate, LocationCode};
use crate::domain::enrolment::EnrolmentStatus;
use crate::external::fake_data::generated;
use crate::store::org::{self};
use crate::store::schema::{ParticipantIdentifiers, Participants, Users};
use crate::store::{Store, StoreError};
use sea_query::{Expr, ExprTrait, Query};
use std::collections::HashMap;
use time::{Date, Duration, OffsetDateTime};

/// Rows per insert statement.
const BATCH: u32 = 500;

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

/// Adds `count` synthetic participants owned by the demo support workers.
pub async fn load(store: &Store, count: u32) -> Result<u32, anyhow::Error> {
    let mut db = store.db();
    let owners_query = Query::select()
        .columns([Users::Id, Users::TenantId])
        .from(Users::Table)
        .and_where(Expr::col(Users::Email).is_in([
            "worker@provider-a.example",
            "colleague@provider-a.example",
            "worker2@provider-a.example",
            "worker@provider-b.example",
        ]))
        .to_owned();
    let owners: Vec<(i64, String)> = db.fetch_all(&owners_query).await?;
    anyhow::ensure!(
        !owners.is_empty(),
        "load the demo data first (`cats db seed --demo`)"
    );
    let mappings: HashMap<(String, String), i64> = org::location_mappings(&mut db)
        .await?
        .into_iter()
        .filter_map(|m| m.location_id.map(|l| ((m.code, m.code_type), l)))
        .collect();
    let now = OffsetDateTime::now_utc();
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
        for n in start..end {
            let record = generated(n).record;
            let (owner, tenant) = &owners[n as usize % owners.len()];
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
                record.gender.into(),
                record.nationality.into(),
                status.value().into(),
                consent.into(),
                location.into(),
                (*owner).into(),
                tenant.clone().into(),
                record.primary_record.into(),
                true.into(),
                1i64.into(),
                now.into(),
                (*owner).into(),
                (now - Duration::minutes(i64::from(n % 100_000))).into(),
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
        }
        let mut tx = store.begin().await?;
        match tx.execute(&people).await {
            Err(StoreError::Conflict) => {
                anyhow::bail!("some of these participants exist already: seed a fresh database")
            }
            other => other?,
        };
        tx.execute(&identifiers).await?;
        tx.commit().await?;
        added += end - start;
        start = end;
    }
    // Fresh statistics after a bulk load: without them SQLite picks list plans blind (a
    // filtered page took 100 ms instead of 5) and PostgreSQL waits for autovacuum.
    super::run_sql_file(store, "ANALYZE").await?;
    Ok(added)
}
