//! Building and running the application: connect, migrate, seed the embedded default, bind.

use crate::accounts::sessions::SessionPolicy;
use crate::external::client::DmsSettings;
use crate::external::fake::FakeDms;
use crate::external::DmsClient;
use crate::http::{self, error::HttpError, observe::observe, state::AppState};
use crate::settings::{DatabaseKind, Settings};
use crate::store::{org, Store};
use crate::{seed, telemetry};
use actix_web::dev::Server;
use actix_web::middleware::{from_fn, Compress};
use actix_web::{web, App, HttpServer};
use cats_actors::history::Limits;
use cats_actors::{Bus, Hub, LiveConfig, MemoryBus, RedisBus, RedisSettings};
use std::net::TcpListener;
use std::time::Duration;

/// Why the application could not start: one line each, for the command line.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be reached or migrated.
    #[error("database: {0}")]
    Database(#[from] crate::store::StoreError),
    /// Redis could not be reached.
    #[error("redis: {0}")]
    Redis(String),
    /// The address could not be bound.
    #[error("cannot listen on {address}: {cause}")]
    Bind {
        /// The address.
        address: String,
        /// Why.
        cause: std::io::Error,
    },
    /// The offender-data client could not be set up.
    #[error("offender data service: {0}")]
    External(String),
    /// Document storage cannot be opened.
    #[error("document storage: {0}")]
    Documents(String),
    /// Demo data could not be loaded.
    #[error("demo data: {0}")]
    Seed(String),
}

/// A built, bound application, ready to run.
pub struct Application {
    port: u16,
    server: Server,
    store: Store,
    hub: Hub,
    jobs: crate::workflows::supervision::Jobs,
}

impl Application {
    /// Connects to everything the settings name, prepares the database and binds the listener
    /// (port 0 picks a free port; `port()` says which).
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let store = Store::connect(
            &settings.effective_database_url(),
            settings.database.max_connections,
        )
        .await?;
        if settings.database.migrate_on_start {
            store.migrate().await?;
        }
        let embedded = store.kind() == DatabaseKind::Sqlite;
        let first_demo_start =
            embedded && settings.demo_data_on_first_start && org::is_empty(&mut store.db()).await?;
        if first_demo_start {
            tracing::info!("empty embedded database: loading the demo data");
            seed::demo::load(&store)
                .await
                .map_err(|e| StartError::Seed(e.to_string()))?;
        }
        let redis = match settings.redis() {
            Some(url) => Some(connect_redis(url).await?),
            None => None,
        };
        let hub = start_hub(&settings).await?;
        // Before the jobs: the feed refresh needs the offender-data client.
        let (dms, fake_dms) = start_external(&settings).await?;
        let files = if settings.documents.store_url.trim().is_empty() {
            crate::store::files::Files::local(&settings.data_dir.join("documents"))
        } else {
            crate::store::files::Files::from_url(settings.documents.store_url.trim())
        }
        .map_err(|e| StartError::Documents(e.to_string()))?;
        crate::live::case_view::set_right_to_work_exempt(
            settings.enrolment.right_to_work_exempt.clone(),
        );
        // Demo cases are generated people of the in-process fake service: with a real
        // offender-data service configured there are none to make.
        if let Some(fake) = fake_dms.as_ref().filter(|_| first_demo_start) {
            // Cases are made through the real commands, which need the offender data and
            // document storage: so after those, before anyone can sign in.
            let made = seed::cases::load(&store, &dms, &files, fake)
                .await
                .map_err(|e| StartError::Seed(e.to_string()))?;
            tracing::info!(cases = made, "demo cases ready");
        }
        let outbox_wake = std::sync::Arc::new(tokio::sync::Notify::new());
        let jobs = crate::workflows::supervision::start(
            &settings,
            redis.as_ref(),
            &store,
            &hub,
            &outbox_wake,
            &dms,
        );
        let listener = TcpListener::bind(&settings.bind).map_err(|cause| StartError::Bind {
            address: settings.bind.clone(),
            cause,
        })?;
        let port = listener
            .local_addr()
            .map_err(|cause| StartError::Bind {
                address: settings.bind.clone(),
                cause,
            })?
            .port();
        let workers = settings.workers;
        let policy = session_policy(&settings);
        let gate = std::sync::Arc::new(crate::live::gate::CatsGate {
            store: store.clone(),
            policy,
        });
        let state = web::Data::new(AppState {
            store: store.clone(),
            session_policy: policy,
            hub: hub.clone(),
            cases: crate::live::case_actor::CaseActors::new(store.clone(), outbox_wake.clone()),
            case_cache: Default::default(),
            outbox_wake,
            dms,
            fake_dms,
            files,
            gate,
            redis,
            metrics: telemetry::metrics_handle(),
            settings,
        });
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap(Compress::default())
                .wrap(from_fn(observe))
                .configure(http::configure)
                .default_service(web::to(|| async {
                    Err::<actix_web::HttpResponse, _>(HttpError::NotFound)
                }))
        })
        .shutdown_timeout(5);
        if workers > 0 {
            server = server.workers(workers);
        }
        let server = server
            .listen(listener)
            .map_err(|cause| StartError::Bind {
                address: format!("port {port}"),
                cause,
            })?
            .run();
        Ok(Self {
            port,
            server,
            store,
            hub,
            jobs,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The application's store (tests look at what requests wrote).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The live engine (tests publish through it).
    pub fn hub(&self) -> &Hub {
        &self.hub
    }

    /// A handle that stops the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped (Ctrl-C, SIGTERM or a handle's `stop`), then tells the other
    /// instances this one is gone.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        self.jobs.stop().await;
        self.hub.shutdown().await;
        result
    }
}

/// The live engine over Redis when configured, otherwise in-process.
async fn start_hub(settings: &Settings) -> Result<Hub, StartError> {
    let live = &settings.live;
    let limits = Limits {
        max_events: live.history_events,
        max_age: Duration::from_secs(live.history_seconds),
    };
    let config = LiveConfig {
        history: limits,
        topic_idle: Duration::from_secs(live.topic_idle_seconds),
        outbound_queue: live.outbound_queue,
        instance_expiry: Duration::from_secs(live.presence_expiry_seconds.max(1)),
        // Several heartbeats within the expiry, at most every 5 s.
        heartbeat: Duration::from_millis(
            (live.presence_expiry_seconds.max(1) * 1000 / 6).clamp(200, 5000),
        ),
        ..LiveConfig::default()
    };
    let bus: std::sync::Arc<dyn Bus> = match settings.redis() {
        Some(url) => std::sync::Arc::new(
            RedisBus::connect(RedisSettings {
                url: url.to_owned(),
                prefix: live.redis_prefix.clone(),
                limits,
                topic_ttl: Duration::from_secs(24 * 3600),
            })
            .await
            .map_err(|e| StartError::Redis(e.to_string()))?,
        ),
        None => std::sync::Arc::new(MemoryBus::new(limits)),
    };
    Ok(Hub::start(bus, config))
}

/// The offender-data client; with no URL configured, a fake service started in-process.
async fn start_external(
    settings: &Settings,
) -> Result<(DmsClient, Option<std::sync::Arc<FakeDms>>), StartError> {
    let external = &settings.external;
    let (url, fake) = if external.url.trim().is_empty() {
        let fake = crate::external::fake::start(
            "127.0.0.1:0",
            external.api_key.expose(),
            external.fake_population,
        )
        .await
        .map_err(|e| StartError::External(e.to_string()))?;
        (fake.url.clone(), Some(std::sync::Arc::new(fake)))
    } else {
        (external.url.clone(), None)
    };
    let identity = if external.client_identity_pem.is_empty() {
        None
    } else {
        Some(std::fs::read(&external.client_identity_pem).map_err(|e| {
            StartError::External(format!("cannot read {}: {e}", external.client_identity_pem))
        })?)
    };
    let client = DmsClient::new(DmsSettings {
        base_url: url,
        api_key: external.api_key.expose().to_owned(),
        timeout: Duration::from_secs(external.timeout_seconds.max(1)),
        client_identity_pem: identity,
    })
    .map_err(|e| StartError::External(e.to_string()))?;
    Ok((client, fake))
}

fn session_policy(settings: &Settings) -> SessionPolicy {
    let auto_unlock = settings.auth.lockout_auto_unlock_minutes;
    SessionPolicy {
        idle_timeout: time::Duration::minutes(i64::from(settings.auth.idle_timeout_minutes)),
        auto_unlock_after: (auto_unlock > 0)
            .then(|| time::Duration::minutes(i64::from(auto_unlock))),
    }
}

async fn connect_redis(url: &str) -> Result<redis::aio::ConnectionManager, StartError> {
    let client = redis::Client::open(url).map_err(|e| StartError::Redis(e.to_string()))?;
    match tokio::time::timeout(
        Duration::from_secs(5),
        redis::aio::ConnectionManager::new(client),
    )
    .await
    {
        Ok(Ok(manager)) => Ok(manager),
        Ok(Err(e)) => Err(StartError::Redis(e.to_string())),
        Err(_) => Err(StartError::Redis("no answer within 5 s".to_owned())),
    }
}
