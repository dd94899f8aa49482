//! Closed-loop HTTP load: a number of clients each send their next request as soon as the last
//! was answered. Shared by the list and page benchmarks; the open loop (fixed rate) is in
//! [`super::open_loop`].

use super::{millis, percentile_of_sorted};
use anyhow::{ensure, Context, Result};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Figures of one measured window.
#[derive(Debug, Clone, Copy)]
pub struct ClosedLoopFigures {
    /// Answers per second in the window.
    pub rps: f64,
    /// Median latency, ms.
    pub p50: f64,
    /// 99th percentile latency, ms.
    pub p99: f64,
    /// Requests answered in the window.
    pub requests: usize,
}

/// GETs `url` (with the session `cookie`, if any), reads the whole body, and requires a 200.
pub async fn get_ok(http: &reqwest::Client, url: &str, cookie: Option<&str>) -> Result<()> {
    let mut request = http.get(url);
    if let Some(cookie) = cookie {
        request = request.header(reqwest::header::COOKIE, cookie);
    }
    let response = request.send().await?;
    let status = response.status();
    response.bytes().await?;
    ensure!(status == 200, "GET {url}: {status}");
    Ok(())
}

/// `concurrency` clients request `urls` (each from its own offset, round the list) as fast as
/// they are answered for `warm_up` and then `window`; only the window's answers count.
pub async fn closed_loop(
    http: reqwest::Client,
    urls: Arc<Vec<String>>,
    cookie: Option<String>,
    concurrency: usize,
    (warm_up, window): (Duration, Duration),
) -> Result<ClosedLoopFigures> {
    let begun = Instant::now();
    let stride = (urls.len() / concurrency.max(1)).max(1);
    let mut clients = Vec::new();
    for client in 0..concurrency {
        let (http, urls, cookie) = (http.clone(), Arc::clone(&urls), cookie.clone());
        clients.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut next = client * stride;
            loop {
                let sent = Instant::now();
                if sent.duration_since(begun) >= warm_up + window {
                    return Ok::<_, anyhow::Error>(latencies);
                }
                let Some(url) = urls.get(next % urls.len().max(1)) else {
                    return Ok(latencies);
                };
                next += 1;
                get_ok(&http, url, cookie.as_deref()).await?;
                if sent.duration_since(begun) >= warm_up {
                    latencies.push(millis(sent.elapsed()));
                }
            }
        }));
    }
    let mut latencies = Vec::new();
    for client in clients {
        latencies.extend(client.await.context("a client panicked")??);
    }
    latencies.sort_by(f64::total_cmp);
    let p50 = percentile_of_sorted(&latencies, 50.0).context("no requests were measured")?;
    let p99 = percentile_of_sorted(&latencies, 99.0).context("no requests were measured")?;
    #[allow(clippy::cast_precision_loss)]
    let rps = latencies.len() as f64 / window.as_secs_f64();
    Ok(ClosedLoopFigures {
        rps,
        p50,
        p99,
        requests: latencies.len(),
    })
}
