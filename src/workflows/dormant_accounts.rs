//! The nightly dormant-accounts job (DOMAIN.md §1 and §9: 19:00 UK time), run as a singleton.

use crate::accounts::dormancy::deactivate_dormant;
use crate::store::Store;
use cats_actors::Hub;
use jiff::civil::Time;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use std::time::Duration;

/// The next moment the clock in `zone` shows `at`, strictly after `now`.
pub fn next_run(now: Timestamp, at: Time, zone: &TimeZone) -> Timestamp {
    let local = now.to_zoned(zone.clone());
    let today = local.date().to_datetime(at);
    let candidate = today
        .to_zoned(zone.clone())
        .map(|z| z.timestamp())
        .unwrap_or(now);
    if candidate > now {
        candidate
    } else {
        let tomorrow = local
            .date()
            .checked_add(1.day())
            .unwrap_or(local.date())
            .to_datetime(at);
        tomorrow
            .to_zoned(zone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(now)
    }
}

/// Runs the job once: deactivates dormant accounts and closes their live sockets.
pub async fn run_once(store: &Store, hub: &Hub) -> Result<usize, anyhow::Error> {
    let (count, revoked) = deactivate_dormant(store, time::OffsetDateTime::now_utc()).await?;
    if let Err(error) = hub.close_sessions(revoked.0, "account made inactive").await {
        tracing::warn!(%error, "could not close sockets of deactivated accounts");
    }
    tracing::info!(count, "dormant accounts made inactive");
    Ok(count)
}

/// Runs the job every day at `at` UK time, for as long as this instance holds the lease.
pub async fn run_daily(store: Store, hub: Hub, at: Time) {
    let zone = TimeZone::get("Europe/London").unwrap_or(TimeZone::UTC);
    loop {
        let now = Timestamp::now();
        let next = next_run(now, at, &zone);
        let wait =
            Duration::from_millis(u64::try_from(next.duration_since(now).as_millis()).unwrap_or(0));
        tokio::time::sleep(wait).await;
        if let Err(error) = run_once(&store, &hub).await {
            tracing::error!(error = %format!("{error:#}"), "dormant accounts job failed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn london() -> TimeZone {
        TimeZone::get("Europe/London").expect("zone")
    }

    #[test]
    fn runs_at_seven_in_the_evening_uk_time() {
        let at = Time::constant(19, 0, 0, 0);
        // Winter (GMT): 19:00 London is 19:00 UTC.
        let now: Timestamp = "2026-11-23T10:00:00Z".parse().expect("ts");
        assert_eq!(
            next_run(now, at, &london()).to_string(),
            "2026-11-23T19:00:00Z"
        );
        // Already past today's run: tomorrow.
        let late: Timestamp = "2026-11-23T19:00:00Z".parse().expect("ts");
        assert_eq!(
            next_run(late, at, &london()).to_string(),
            "2026-11-24T19:00:00Z"
        );
        // Summer (BST): 19:00 London is 18:00 UTC.
        let summer: Timestamp = "2026-07-01T12:00:00Z".parse().expect("ts");
        assert_eq!(
            next_run(summer, at, &london()).to_string(),
            "2026-07-01T18:00:00Z"
        );
    }
}
