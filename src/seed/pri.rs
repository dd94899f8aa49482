//! Demo pre-release inventories (DOMAIN.md "Minimum demo data": an active PRI with code,
//! release date and location history), made through the real commands: a case released to its
//! PRI's location, which the release gave to the PRI's community worker, and a case whose
//! community worker has issued a code that no PRI has used yet.

use super::cases::{as_user, before_news, explain, news_follows};
use crate::cases::{create, pri, transfers};
use crate::domain::pri::creation::{Assignment, CheckedPri};
use crate::external::fake::FakeDms;
use crate::external::fake_data::{generated_before_news, news, News};
use crate::external::DmsClient;
use crate::store::{org, transfers as transfer_rows, Store};
use time::{Duration, OffsetDateTime};

/// Where generated people for these cases are looked for: past those the other demo cases use,
/// within the in-process fake service's 1,000.
const FIRST_PERSON: u32 = 700;

/// Makes the two demo cases; returns how many.
pub async fn load(store: &Store, dms: &DmsClient, fake: &FakeDms) -> Result<usize, anyhow::Error> {
    let custody_worker = as_user(store, "worker@provider-a.example").await?;
    let community_worker = as_user(store, "colleague@provider-a.example").await?;
    let provider_qa = as_user(store, "pqa@provider-a.example").await?;
    let release = org::mapped_location(&mut store.db(), "C02", "Probation")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo data has no mapping for probation C02"))?;
    let visible = org::locations_visible(&mut store.db(), &custody_worker.scope()).await?;
    // People in provider A's prisons, on probation in C02, before any news: the released case
    // is the one the feed has since heard was released, the waiting case the first without news.
    let (mut released, mut waiting) = (None, None);
    for n in FIRST_PERSON..FIRST_PERSON + 300 {
        let record = generated_before_news(n).record;
        if record.org_code.as_deref() != Some("C02") || record.prison_code.is_none() {
            continue;
        }
        let location = create::resolve_location(&mut store.db(), &record).await?;
        if !visible.iter().any(|l| l.id == location) {
            continue;
        }
        match news(n) {
            Some(News::Released) => released = released.or(Some((n, location))),
            None => waiting = waiting.or(Some(n)),
            Some(_) => {}
        }
    }
    let (Some((released, custody)), Some(waiting)) = (released, waiting) else {
        anyhow::bail!("no generated people in provider A's prisons for the PRI cases");
    };

    // Released: while the person was in custody, the custody worker made the PRI with the
    // community worker's code; the feed's news of the release then moved the case to the
    // release location, which gave it to the community worker, and provider QA confirmed the
    // transfer that move raised.
    let id = before_news(fake, released);
    create::create_participant(store, dms, &custody_worker, &id)
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
    news_follows(store, dms, fake, released).await?;
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
    let id = create::create_participant(store, dms, &custody_worker, &before_news(fake, waiting))
        .await
        .map_err(explain)?;
    pri::issue_code(store, &community_worker, &id)
        .await
        .map_err(explain)?;
    Ok(2)
}
