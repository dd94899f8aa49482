//! `cats-bench page`: requests per second and latency of the signed-in case page
//! (`GET /participants/{id}`, fully rendered) over `--participants` synthetic cases (100,000),
//! on SQLite (default, in a temporary data dir) or PostgreSQL (`--database-url`, a database
//! this benchmark RESETS), against a plain actix-web "hello" page measured in the same run.
//!
//! The database is reset and seeded with `cats db reset` and `cats db seed --scale N`, as an
//! operator would. A demo support worker signs in; the benchmark reads the ids of the cases
//! that worker owns straight from the database and spreads the requests over them (every
//! client walks the list from its own offset), so the figure is not one hot case.
//!
//! The same client code then hits a minimal actix-web server the benchmark starts itself (one
//! handler answering a short HTML page, as many workers as `cats serve` starts by default),
//! which gives `ratio_to_plain`: how far the case page is from what actix-web does with no
//! application at all on this machine. Client and servers share the machine's cores.
//!
//! The case page is measured twice in the same run, on the same server. First closed-loop
//! (`--concurrency` clients, each sending its next request when the last is answered: `rps`,
//! `p50_ms`, `p99_ms`). Its latency follows from its throughput by Little's law (mean latency =
//! clients / rps: 100 clients at 5,000 req/s wait 20 ms on average), so the budget's p99 ≤ 10 ms
//! at 100 clients could only hold at ~10,000 req/s or more. Then open-loop: requests offered at
//! `--rate` per second (5,000, the budget's throughput) whatever the server does, each timed
//! from when it was due to be sent, so a stall is counted in full (no coordinated omission):
//! `offered_rps`, `achieved_rps`, `open_p50_ms`, `open_p99_ms` (see `harness::open_loop`).

use crate::harness::{
    closed_loop, locate_binary, open_loop, run_cats, Browser, ClosedLoopFigures, OpenLoop,
    OpenLoopFigures, Server, ServerConfig, DEMO_PASSWORD,
};
use anyhow::{ensure, Context, Result};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long clients run before latencies count.
const WARM_UP: Duration = Duration::from_secs(2);
/// The most case ids the requests are spread over.
const MAX_CASES: i64 = 5_000;

/// Options of `cats-bench page`.
#[derive(Debug, clap::Args)]
pub struct PageArgs {
    /// Synthetic participants to seed.
    #[arg(long, default_value_t = 100_000)]
    pub participants: u32,
    /// `sqlite` (in a temporary folder) or `postgres` (needs `--database-url`).
    #[arg(long, default_value = "sqlite", value_parser = ["sqlite", "postgres"])]
    pub db: String,
    /// PostgreSQL URL of a database to RESET and use (with `--db postgres`).
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// The demo account that signs in; the pages requested are the cases it owns.
    #[arg(long, default_value = "worker@provider-a.example")]
    pub email: String,
    /// Concurrent clients.
    #[arg(long, default_value_t = 100)]
    pub concurrency: usize,
    /// How long to measure each server, in seconds (after a 2 s warm-up).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    pub seconds: u64,
    /// Requests per second offered in the open-loop measurement.
    #[arg(long, default_value_t = 5_000.0)]
    pub rate: f64,
    /// Most open-loop requests in flight at once (HTTP connections).
    #[arg(long, default_value_t = 256)]
    pub open_senders: usize,
    /// The cats binary [default: target/release/cats in the workspace].
    #[arg(long, value_name = "PATH")]
    pub binary: Option<PathBuf>,
}

/// Figures of one measured window.
type Figures = ClosedLoopFigures;

/// Runs the benchmark and prints its figures and `RESULT page …` line.
pub async fn run(args: PageArgs) -> Result<()> {
    let binary = locate_binary(args.binary.as_deref())?;
    let (_scratch, mut config) = ServerConfig::in_scratch(&binary, "page")?;
    let data_dir = config.data_dir.clone();
    let database_url = match (args.db.as_str(), &args.database_url) {
        ("postgres", Some(url)) => {
            crate::harness::loopback_postgres(url)?;
            config = config.with_env("CATS_DATABASE_URL", url.clone());
            url.clone()
        }
        ("postgres", None) => anyhow::bail!("--db postgres needs --database-url (it is reset)"),
        _ => format!("sqlite://{}", data_dir.join("cats.db").display()),
    };
    let workers = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "cats-bench page: {}, {} participants, {} clients for {} s per server, {workers} server workers; client and servers share {workers} cores",
        args.db, args.participants, args.concurrency, args.seconds
    );
    crate::harness::print_machine_load().await;
    let seeding = Instant::now();
    run_cats(&config, &["db", "reset"], None).await?;
    let count = args.participants.to_string();
    run_cats(&config, &["db", "seed", "--scale", &count], None).await?;
    println!(
        "reset and seeded in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );
    let ids = case_ids(&args.db, &database_url, &args.email).await?;
    ensure!(!ids.is_empty(), "{} owns no cases", args.email);
    println!(
        "GET /participants/{{id}} as {} over {} of its cases",
        args.email,
        ids.len()
    );

    let plain = measure_plain(&args).await?;
    println!(
        "plain actix-web: {} requests: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
        plain.requests, plain.rps, plain.p50, plain.p99
    );

    let (server, _) = Server::start(&config, Duration::from_secs(60)).await?;
    let outcome = measure_cats(&server, &args, &ids).await;
    server.stop().await?;
    let (page, open) = outcome?;
    let ratio = page.rps / plain.rps;
    crate::harness::print_machine_load().await;
    println!(
        "RESULT page rps={:.0} p50_ms={:.2} p99_ms={:.2} offered_rps={:.0} achieved_rps={:.0} open_p50_ms={:.2} open_p99_ms={:.2} ratio_to_plain={ratio:.3} plain_rps={:.0} backend={} participants={}",
        page.rps, page.p50, page.p99, open.offered_rps, open.achieved_rps, open.p50, open.p99,
        plain.rps, args.db, args.participants
    );
    Ok(())
}

/// Ids of (up to [`MAX_CASES`]) cases `email` owns, read from the database directly.
async fn case_ids(backend: &str, url: &str, email: &str) -> Result<Vec<String>> {
    let sql = "SELECT p.id FROM participants p JOIN users u ON u.id = p.owner_id \
               WHERE u.email = $1 ORDER BY p.id LIMIT $2";
    let ids = if backend == "postgres" {
        let pool = sqlx::PgPool::connect(url).await.context("connecting")?;
        let ids = sqlx::query_scalar(sql)
            .bind(email)
            .bind(MAX_CASES)
            .fetch_all(&pool)
            .await;
        pool.close().await;
        ids
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.context("connecting")?;
        let ids = sqlx::query_scalar(sql)
            .bind(email)
            .bind(MAX_CASES)
            .fetch_all(&pool)
            .await;
        pool.close().await;
        ids
    };
    ids.context("reading the worker's case ids")
}

/// The HTTP client every measurement uses.
fn client() -> Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?)
}

/// Signs in to `server` and measures the case pages of `ids`: closed-loop, then open-loop.
async fn measure_cats(
    server: &Server,
    args: &PageArgs,
    ids: &[String],
) -> Result<(Figures, OpenLoopFigures)> {
    let browser = Browser::new(server.base_url())?;
    let cookie = format!(
        "cats_session={}",
        browser.sign_in(&args.email, DEMO_PASSWORD).await?
    );
    let http = client()?;
    let urls: Vec<String> = ids
        .iter()
        .map(|id| server.url(&format!("/participants/{id}")))
        .collect();
    let first_id = ids.first().context("no case ids")?;
    let first = http
        .get(server.url(&format!("/participants/{first_id}")))
        .header(reqwest::header::COOKIE, &cookie)
        .send()
        .await?;
    ensure!(first.status() == 200, "GET a case page: {}", first.status());
    let body = first.text().await?;
    ensure!(
        body.contains(first_id.as_str()),
        "the case page does not show the case's id"
    );
    println!("a case page is {} bytes", body.len());
    let urls = Arc::new(urls);
    let closed = drive(http.clone(), Arc::clone(&urls), Some(cookie.clone()), args).await?;
    println!(
        "case page, closed loop: {} requests: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
        closed.requests, closed.rps, closed.p50, closed.p99
    );
    let plan = OpenLoop {
        rate: args.rate,
        senders: args.open_senders,
        warm_up: WARM_UP,
        window: Duration::from_secs(args.seconds),
    };
    let open = open_loop::run(http, urls, Some(cookie), plan).await?;
    println!(
        "case page, open loop: {} requests offered at {:.0}/s, answered {:.0}/s, p50 {:.2} ms, p99 {:.2} ms (from the scheduled send)",
        open.requests, open.offered_rps, open.achieved_rps, open.p50, open.p99
    );
    Ok((closed, open))
}

/// The plain page: what actix-web answers with no application behind it.
async fn hello() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body("<!doctype html><title>Hello</title><p>Hello</p>")
}

/// Starts the plain actix-web server on its own threads and measures it.
async fn measure_plain(args: &PageArgs) -> Result<Figures> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("binding a port")?;
    let port = listener.local_addr()?.port();
    // `cats serve` leaves actix-web's default worker count; so does this server.
    let server = actix_web::HttpServer::new(|| {
        actix_web::App::new().route("/hello", actix_web::web::get().to(hello))
    })
    .listen(listener)
    .context("listening")?
    .disable_signals()
    .shutdown_timeout(1)
    .run();
    let handle = server.handle();
    let thread = std::thread::spawn(move || actix_web::rt::System::new().block_on(server));
    let http = client()?;
    let url = format!("http://127.0.0.1:{port}/hello");
    let first = http.get(&url).send().await?;
    ensure!(first.status() == 200, "GET {url}: {}", first.status());
    let outcome = drive(http, Arc::new(vec![url]), None, args).await;
    handle.stop(true).await;
    thread
        .join()
        .map_err(|_| anyhow::anyhow!("the plain server panicked"))?
        .context("the plain server")?;
    outcome
}

/// `args.concurrency` clients request `urls` in a closed loop for the warm-up and
/// `args.seconds`.
async fn drive(
    http: reqwest::Client,
    urls: Arc<Vec<String>>,
    cookie: Option<String>,
    args: &PageArgs,
) -> Result<Figures> {
    let window = Duration::from_secs(args.seconds);
    closed_loop(http, urls, cookie, args.concurrency, (WARM_UP, window)).await
}
