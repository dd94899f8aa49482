//! Typed settings: `config/default.toml`, then `config/<CATS_ENV>.toml`, then `CATS_…`
//! variables (nested keys with `__`, e.g. `CATS_AUTH__IDLE_TIMEOUT_MINUTES`). Unknown keys are
//! refused with their name; secrets never appear in `Debug` output.

use figment::providers::{Env, Format, Toml};
use figment::Figment;
use serde::Deserialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// A value that must not be logged. `Debug` prints `[redacted]`.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call only where it is used.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Everything the server needs to start.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on, e.g. `127.0.0.1:8080`; port 0 picks a free port.
    pub bind: String,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Folder for the embedded database and documents.
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite://…`; empty means SQLite at `<data_dir>/cats.db`.
    pub database_url: Option<Secret>,
    /// `redis://…`; empty means the in-process bus (one instance).
    pub redis_url: Option<Secret>,
    /// Database pool and migrations.
    pub database: DatabaseSettings,
    /// Sign-in and sessions.
    pub auth: AuthSettings,
    /// Logging.
    pub log: LogSettings,
    /// The live engine.
    pub live: LiveSettings,
    /// Background jobs.
    pub jobs: JobSettings,
    /// The offender-data service.
    pub external: ExternalSettings,
    /// Where uploaded documents are kept.
    pub documents: DocumentSettings,
    /// Enrolment rules that vary by deployment.
    pub enrolment: EnrolmentSettings,
    /// Whether the demo data is loaded on the first start of the embedded (SQLite) default.
    pub demo_data_on_first_start: bool,
}

/// Database pool and migrations.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseSettings {
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// Apply pending migrations when the server starts.
    pub migrate_on_start: bool,
}

/// Sign-in and session settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// A session with no request for this long is signed out.
    pub idle_timeout_minutes: u32,
    /// How long before the idle timeout the page warns.
    pub idle_warning_seconds: u32,
    /// Minutes after which an account locked by failed sign-ins unlocks itself; 0 means only an
    /// administrator unlocks it (the original's behaviour).
    pub lockout_auto_unlock_minutes: u32,
    /// Mark cookies `Secure` even when the request did not arrive over TLS (behind a proxy that
    /// terminates TLS without saying so).
    pub secure_cookies: bool,
}

/// Live engine settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LiveSettings {
    /// Prefix of Redis keys and channels (instances of one deployment share it).
    pub redis_prefix: String,
    /// Events each topic keeps for replay.
    pub history_events: usize,
    /// Oldest event kept for replay, in seconds.
    pub history_seconds: u64,
    /// A topic with no subscriber on an instance stops after this many seconds.
    pub topic_idle_seconds: u64,
    /// Frames waiting for a slow socket before it is resynced.
    pub outbound_queue: usize,
    /// Presence of an instance not heard from for this many seconds is dropped.
    pub presence_expiry_seconds: u64,
}

/// Offender-data service settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalSettings {
    /// Base URL; empty starts the fake service in-process (embedded default and tests).
    pub url: String,
    /// API key sent as `X-Api-Key`.
    pub api_key: Secret,
    /// Path of a PEM client certificate and key, when the service asks for one.
    pub client_identity_pem: String,
    /// Per-request timeout in seconds.
    pub timeout_seconds: u64,
    /// Generated people the in-process fake holds besides its scenarios.
    pub fake_population: u32,
}

/// Document storage settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentSettings {
    /// Empty: local disk under `<data_dir>/documents`. `s3://bucket/prefix`: S3-compatible
    /// storage, credentials and endpoint from the usual `AWS_…` variables.
    pub store_url: String,
}

/// Enrolment settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentSettings {
    /// Nationalities that need no right-to-work evidence.
    pub right_to_work_exempt: Vec<String>,
}

/// Background job settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobSettings {
    /// Run the singleton jobs on this instance (one instance at a time holds each job's lease).
    pub enabled: bool,
    /// Hour of the day (UK time) the dormant-accounts job runs.
    pub dormant_accounts_hour: u8,
    /// Hour of the day (UK time) the external-data refresh (and auto-archive) runs.
    pub feed_refresh_hour: u8,
}

/// Logging settings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// `pretty` for people, `json` for collectors.
    pub format: String,
    /// A tracing filter, e.g. `info,sqlx=warn`.
    pub filter: String,
}

/// Why settings could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SettingsError(String);

/// The database kinds CATS-rs runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// PostgreSQL, for production and several instances.
    Postgres,
    /// SQLite, the embedded default.
    Sqlite,
}

impl Settings {
    /// Loads settings from `config_dir` and the environment.
    pub fn load(config_dir: &Path) -> Result<Self, SettingsError> {
        let environment = std::env::var("CATS_ENV").unwrap_or_else(|_| "local".to_owned());
        Self::load_from(Self::figment(config_dir, &environment))
    }

    /// The layered sources, so tests can add their own on top.
    pub fn figment(config_dir: &Path, environment: &str) -> Figment {
        Figment::new()
            .merge(Toml::file_exact(config_dir.join("default.toml")))
            .merge(Toml::file(config_dir.join(format!("{environment}.toml"))))
            .merge(
                Env::prefixed("CATS_")
                    // CATS_ENV picks the file and CATS_CONFIG_DIR the folder; CATS_TEST_* and
                    // CATS_BENCH_* belong to the test
                    // and benchmark harnesses, not to the server.
                    .filter(|key| {
                        // Keys keep the variable's case here: compare in lower case.
                        let key = key.as_str().to_ascii_lowercase();
                        key != "env"
                            && key != "config_dir"
                            && !key.starts_with("test_")
                            && !key.starts_with("bench_")
                    })
                    .split("__"),
            )
    }

    /// Extracts and checks settings from any figment.
    pub fn load_from(figment: Figment) -> Result<Self, SettingsError> {
        let settings: Settings = figment.extract().map_err(describe)?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), SettingsError> {
        self.database_kind()?;
        if let Some(url) = &self.redis_url {
            let url = url.expose();
            if !(url.is_empty() || url.starts_with("redis://") || url.starts_with("rediss://")) {
                return Err(SettingsError(
                    "redis_url must start with redis:// or rediss://".to_owned(),
                ));
            }
        }
        if !matches!(self.log.format.as_str(), "pretty" | "json") {
            return Err(SettingsError(
                "log.format must be \"pretty\" or \"json\"".to_owned(),
            ));
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.filter).is_err() {
            return Err(SettingsError(format!(
                "log.filter {:?} is not a valid filter (e.g. \"info,sqlx=warn\")",
                self.log.filter
            )));
        }
        if self.jobs.dormant_accounts_hour > 23 {
            return Err(SettingsError(
                "jobs.dormant_accounts_hour must be 0–23".to_owned(),
            ));
        }
        if self.jobs.feed_refresh_hour > 23 {
            return Err(SettingsError(
                "jobs.feed_refresh_hour must be 0–23".to_owned(),
            ));
        }
        if self.auth.idle_timeout_minutes == 0 {
            return Err(SettingsError(
                "auth.idle_timeout_minutes must be at least 1".to_owned(),
            ));
        }
        Ok(())
    }

    /// The database URL to connect to: the configured one, or SQLite in the data folder.
    pub fn effective_database_url(&self) -> String {
        match self.database_url.as_ref().map(Secret::expose) {
            Some(url) if !url.is_empty() => url.to_owned(),
            _ => format!("sqlite://{}", self.data_dir.join("cats.db").display()),
        }
    }

    /// Which database the URL names.
    pub fn database_kind(&self) -> Result<DatabaseKind, SettingsError> {
        database_kind_of(&self.effective_database_url())
    }

    /// The Redis URL, when one is configured.
    pub fn redis(&self) -> Option<&str> {
        self.redis_url
            .as_ref()
            .map(Secret::expose)
            .filter(|url| !url.is_empty())
    }
}

/// The database kind named by a URL's scheme.
pub fn database_kind_of(url: &str) -> Result<DatabaseKind, SettingsError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(DatabaseKind::Postgres)
    } else if url.starts_with("sqlite:") {
        Ok(DatabaseKind::Sqlite)
    } else {
        Err(SettingsError(
            "database_url must start with postgres:// or sqlite:// (for example sqlite://data/cats.db)"
                .to_owned(),
        ))
    }
}

/// Turns figment's error into one line that names the key.
fn describe(error: figment::Error) -> SettingsError {
    use figment::error::Kind;
    let line = match &error.kind {
        Kind::UnknownField(field, _) => {
            // figment's path already ends with the unknown field.
            let mut path: Vec<&str> = error.path.iter().map(String::as_str).collect();
            if path.last() != Some(&field.as_str()) {
                path.push(field);
            }
            let key = path.join(".");
            let variable = format!("CATS_{}", path.join("__").to_uppercase());
            format!(
                "unknown setting `{key}` (variable {variable}){}",
                source_of(&error)
            )
        }
        _ => format!("invalid settings: {error}"),
    };
    SettingsError(line)
}

fn source_of(error: &figment::Error) -> String {
    error
        .metadata
        .as_ref()
        .map(|meta| format!(" in {}", meta.name))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::providers::Serialized;

    fn config_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config")
    }

    fn defaults() -> Figment {
        Figment::new().merge(Toml::file_exact(config_dir().join("default.toml")))
    }

    #[test]
    fn default_file_loads_and_uses_sqlite_in_the_data_folder() {
        let settings = Settings::load_from(defaults()).expect("defaults load");
        assert_eq!(
            settings.database_kind().expect("kind"),
            DatabaseKind::Sqlite
        );
        assert!(settings.effective_database_url().ends_with("cats.db"));
        assert_eq!(settings.auth.idle_timeout_minutes, 20);
        assert_eq!(settings.redis(), None);
    }

    #[test]
    fn unknown_key_is_refused_by_name() {
        let figment = defaults().merge(Serialized::default("colour", "blue"));
        let error = Settings::load_from(figment).expect_err("unknown key");
        assert!(
            error.to_string().contains("unknown setting `colour`"),
            "{error}"
        );
        let nested = defaults().merge(Serialized::default("auth.shoe_size", 9));
        let error = Settings::load_from(nested).expect_err("unknown nested key");
        assert!(error.to_string().contains("`auth.shoe_size`"), "{error}");
    }

    #[test]
    fn malformed_database_url_is_refused() {
        let figment = defaults().merge(Serialized::default("database_url", "mysql://x"));
        let error = Settings::load_from(figment).expect_err("bad url");
        assert!(error.to_string().contains("database_url"), "{error}");
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let figment = defaults().merge(Serialized::default(
            "database_url",
            "postgres://u:hunter2@db/cats",
        ));
        let settings = Settings::load_from(figment).expect("loads");
        let printed = format!("{settings:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(printed.contains("[redacted]"));
    }
}
