//! Demo pre-release inventories (DOMAIN.md "Minimum demo data": an active PRI with code,
//! release date and location history), made through the real commands: a case released to its
//! PRI's location, which the release gave to the PRI's community worker, and a case whose
//! community worker has issued a code that no PRI has used yet.

use super::cases::{as_user, explain};
use crate::cases::{create, pri, transfers};
use crate::domain::pri::creation::{Assignment, CheckedPri};
use crate::external::fake_data::generated;
use crate::external::DmsClient;
use crate::store::{org, transfers as transfer_rows, Store};
use crate::workflows::feed_refresh::relocate;
use time::{Duration, OffsetDateTime};

/// Where generated people for these cases are looked for: past those the other demo cases use,
/// within the in-process fake service's 1,000.
const FIRST_PERSON: u32 = 700;

/// Makes the two demo cases; returns how many.
pub async fn load(store: &Store, dms: &DmsClient) -> Result<usize, anyhow::Error> {
    let custody_worker = as_user(store, "worker@provider-a.example").await?;
    let community_worker = as_user(store, "colleague@provider-a.example").await?;
    let provider_qa = as_user(store, "pqa@provider-a.example").await?;
    let release = org::mapped_location(&mut store.db(), "C02", "Probation")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo data has no mapping for probation C02"))?;
    let visible = org::locations_visible(&mut store.db(), &custody_worker.scope()).await?;
    let mut people = (FIRST_PERSON..FIRST_PERSON + 300)
        .map(generated)
        .filter(|p| p.record.org_code.as_deref() == Some("C02") && p.record.prison_code.is_some());
    let mut cases = Vec::new();
    for person in people.by_ref() {
        let location = create::resolve_location(&mut store.db(), &person.record).await?;
        if visible.iter().any(|l| l.id == location) {
            cases.push((person.record.upci, location));
        }
        if cases.len() == 2 {
            break;
        }
    }
    let [(released, custody), (waiting, _)] = <[_; 2]>::try_from(cases)
        .map_err(|_| anyhow::anyhow!("no generated people in provider A's prisons"))?;

    // Released: the custody worker made the PRI with the community worker's code; the feed then
    // moved the case to the release location, which gave it to the community worker, and
    // provider QA confirmed the transfer that move raised.
    let id = create::create_participant(store, dms, &custody_worker, &released)
        .await
        .map_err(explain)?;
    let code = pri::issue_code(store, &community_worker, &id)
        .await
        .map_err(explain)?;
    let today = OffsetDateTime::now_utc().date();
    let plan = CheckedPri {
        custody_location: custody,
        release_location: release,
        expected_release: today + Duration::days(14),
        meeting_on: today - Duration::days(3),
        not_in_person: [None, Some("Joined by video call".to_owned()), None],
        support_information: Some("Housing appointment booked for the day of release".to_owned()),
        assignment: Assignment::Code(code),
    };
    pri::create(store, &custody_worker, &id, &plan)
        .await
        .map_err(explain)?;
    relocate(store, &id, release).await?;
    if let Some(transfer) = transfer_rows::open_incoming(&mut store.db(), &id).await? {
        transfers::process(
            store,
            &provider_qa,
            transfer,
            Some(community_worker.user_id),
        )
        .await
        .map_err(explain)?;
    }

    // Waiting: a code issued, for the custody worker to make the PRI with.
    let id = create::create_participant(store, dms, &custody_worker, &waiting)
        .await
        .map_err(explain)?;
    pri::issue_code(store, &community_worker, &id)
        .await
        .map_err(explain)?;
    Ok(2)
}
