//! Open-loop load: requests offered at a fixed rate whatever the server does, each one's latency
//! measured from the moment it was *scheduled* to be sent, not from when a client got round to
//! sending it.
//!
//! A closed loop (N clients, each sending its next request when the last is answered) slows
//! down with the server and so hides its stalls (coordinated omission), and by Little's law
//! its mean latency is N / throughput whatever the server's real latency: 100 clients at
//! 5,000 req/s means 20 ms on average. Offering a fixed rate instead asks the question a
//! latency budget asks: at this load, how long does a request wait? Request `i` is due at
//! `start + i / rate`; a pool of senders (HTTP keep-alive connections) takes the next due request
//! as soon as it is free, so when the server falls behind, requests wait for a sender and that
//! wait counts in their latency (as wrk2 does).

use super::{millis, percentile_of_sorted};
use anyhow::{ensure, Context, Result};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What an open-loop window measured.
#[derive(Debug, Clone, Copy)]
pub struct OpenLoopFigures {
    /// Requests offered per second.
    pub offered_rps: f64,
    /// Requests answered per second inside the measured window.
    pub achieved_rps: f64,
    /// Median latency from the scheduled send time, ms.
    pub p50: f64,
    /// 99th percentile latency from the scheduled send time, ms.
    pub p99: f64,
    /// Requests measured.
    pub requests: usize,
}

/// How to run an open-loop window.
#[derive(Debug, Clone, Copy)]
pub struct OpenLoop {
    /// Requests offered per second.
    pub rate: f64,
    /// Concurrent senders (the most requests in flight at once).
    pub senders: usize,
    /// Requests due before this much time has passed are sent but not measured.
    pub warm_up: Duration,
    /// The measured window after the warm-up.
    pub window: Duration,
}

/// Offers GETs of `urls` (round the list) at `plan.rate` with `cookie`; every answer must be a
/// 200.
pub async fn run(
    http: reqwest::Client,
    urls: Arc<Vec<String>>,
    cookie: Option<String>,
    plan: OpenLoop,
) -> Result<OpenLoopFigures> {
    ensure!(plan.rate > 0.0, "the offered rate must be above zero");
    ensure!(!urls.is_empty(), "no URLs to request");
    let interval = Duration::from_secs_f64(1.0 / plan.rate);
    let total = plan.warm_up + plan.window;
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut senders = Vec::with_capacity(plan.senders);
    for _ in 0..plan.senders.max(1) {
        let (http, urls, cookie, next) = (
            http.clone(),
            Arc::clone(&urls),
            cookie.clone(),
            Arc::clone(&next),
        );
        senders.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let due_after = interval.mul_f64(i as f64);
                if due_after >= total {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let due = start + due_after;
                tokio::time::sleep_until(due.into()).await;
                let url = urls
                    .get((i % urls.len() as u64) as usize)
                    .context("no URL")?;
                super::get_ok(&http, url, cookie.as_deref()).await?;
                if due_after >= plan.warm_up {
                    latencies.push(millis(due.elapsed()));
                }
            }
        }));
    }
    let mut latencies = Vec::new();
    for sender in senders {
        latencies.extend(sender.await.context("a sender panicked")??);
    }
    // The last request measured may be answered after the window: throughput counts the time
    // the measured requests really took.
    let measured_for = start.elapsed().saturating_sub(plan.warm_up);
    latencies.sort_by(f64::total_cmp);
    let p50 = percentile_of_sorted(&latencies, 50.0).context("no requests were measured")?;
    let p99 = percentile_of_sorted(&latencies, 99.0).context("no requests were measured")?;
    #[allow(clippy::cast_precision_loss)]
    let achieved_rps = latencies.len() as f64 / measured_for.as_secs_f64().max(1e-9);
    Ok(OpenLoopFigures {
        offered_rps: plan.rate,
        achieved_rps,
        p50,
        p99,
        requests: latencies.len(),
    })
}
