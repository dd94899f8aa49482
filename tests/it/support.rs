//! The test harness: each test gets its own server on port 0 with its own database (a temp
//! SQLite file, or a fresh PostgreSQL database dropped afterwards) and the demo data loaded.

use cats::settings::Settings;
use cats::startup::Application;
use cats::store::Store;
use figment::providers::{Format, Serialized, Toml};
use figment::Figment;
use std::path::PathBuf;

/// Every demo account's password.
pub const PASSWORD: &str = "Cats-demo-2026!";

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server for tests, or why the suite is skipped. Under `CI=true` a missing
/// service fails the test instead.
pub fn postgres_url(suite: &str) -> Option<String> {
    match std::env::var("CATS_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{suite}: CATS_TEST_DATABASE_URL must be set under CI=true");
            }
            say_skipped(&format!(
                "{suite} (PostgreSQL) — set CATS_TEST_DATABASE_URL to run it"
            ));
            None
        }
    }
}

/// Tells the terminal, once per suite, that a suite was skipped. Written straight to stderr:
/// the test harness captures `eprintln!` of passing tests, and a skip must not be silent.
pub fn say_skipped(what: &str) {
    use std::io::Write;
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    if !said.iter().any(|s| s == what) {
        said.push(what.to_owned());
        let _ = writeln!(std::io::stderr(), "skipped: {what}");
    }
}

/// A fresh database for one test; dropped with it.
pub struct TestDatabase {
    pub url: String,
    admin_url: Option<String>,
    name: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

impl TestDatabase {
    /// A fresh database, or `None` when the backend's service is not configured.
    pub async fn create(backend: Backend, suite: &str) -> Option<Self> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}", dir.path().join("cats.db").display());
                Some(Self {
                    url,
                    admin_url: None,
                    name: None,
                    _dir: Some(dir),
                })
            }
            Backend::Postgres => {
                let admin_url = postgres_url(suite)?;
                let name = format!("cats_test_{}", uuid::Uuid::new_v4().simple());
                let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
                    .await
                    .expect("connect to CATS_TEST_DATABASE_URL");
                sqlx::Executor::execute(&mut conn, format!("CREATE DATABASE {name}").as_str())
                    .await
                    .expect("create test database");
                let url = replace_database(&admin_url, &name);
                Some(Self {
                    url,
                    admin_url: Some(admin_url),
                    name: Some(name),
                    _dir: None,
                })
            }
        }
    }
}

/// The same server URL with another database name.
pub fn replace_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (Some(admin_url), Some(name)) = (self.admin_url.take(), self.name.take()) else {
            return;
        };
        // Drop runs outside async; a small runtime of its own drops the database.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async move {
                    if let Ok(mut conn) =
                        <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url).await
                    {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::Executor::execute(&mut conn, sql.as_str()).await;
                    }
                });
            }
        })
        .join();
    }
}

/// Settings for a test server: defaults from config/, then these.
pub fn test_settings(database_url: &str, overrides: &[(&str, toml_value::Value)]) -> Settings {
    let config = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config");
    let mut figment = Figment::new()
        .merge(Toml::file_exact(config.join("default.toml")))
        .merge(Serialized::default("bind", "127.0.0.1:0"))
        .merge(Serialized::default("workers", 1))
        .merge(Serialized::default("database_url", database_url))
        .merge(Serialized::default("demo_data_on_first_start", false))
        .merge(Serialized::default("database.max_connections", 5))
        .merge(Serialized::default("log.filter", "warn"))
        .merge(Serialized::default(
            "data_dir",
            std::env::temp_dir().join("cats-test-data"),
        ));
    for (key, value) in overrides {
        figment = figment.merge(Serialized::default(key, value.clone()));
    }
    Settings::load_from(figment).expect("test settings")
}

/// Plain values for setting overrides.
pub mod toml_value {
    /// A setting's value.
    #[derive(Clone, serde::Serialize)]
    #[serde(untagged)]
    pub enum Value {
        Int(i64),
        Text(String),
        Bool(bool),
    }
}

/// A running server with its own database and the demo data.
pub struct TestApp {
    pub address: String,
    pub store: Store,
    pub backend: Backend,
    pub hub: cats_actors::Hub,
    handle: actix_web::dev::ServerHandle,
    _database: std::sync::Arc<TestDatabase>,
}

impl TestApp {
    /// Starts a server on `backend`, or `None` (with a "skipped" line) when it is not set up.
    pub async fn spawn(backend: Backend) -> Option<Self> {
        Self::spawn_with(backend, &[]).await
    }

    /// Starts a server with setting overrides.
    pub async fn spawn_with(
        backend: Backend,
        overrides: &[(&str, toml_value::Value)],
    ) -> Option<Self> {
        let database = std::sync::Arc::new(TestDatabase::create(backend, "HTTP flows").await?);
        let app = Self::start(backend, database, overrides).await;
        cats::seed::demo::load(&app.store)
            .await
            .expect("demo data loads");
        Some(app)
    }

    /// Starts `count` servers sharing one database (and whatever bus the overrides name),
    /// like instances behind a load balancer.
    pub async fn spawn_cluster(
        backend: Backend,
        count: usize,
        overrides: &[(&str, toml_value::Value)],
    ) -> Option<Vec<Self>> {
        let database = std::sync::Arc::new(TestDatabase::create(backend, "clusters").await?);
        let mut apps = Vec::with_capacity(count);
        for _ in 0..count {
            apps.push(Self::start(backend, database.clone(), overrides).await);
        }
        cats::seed::demo::load(&apps[0].store)
            .await
            .expect("demo data loads");
        Some(apps)
    }

    async fn start(
        backend: Backend,
        database: std::sync::Arc<TestDatabase>,
        overrides: &[(&str, toml_value::Value)],
    ) -> Self {
        let settings = test_settings(&database.url, overrides);
        let app = Application::build(settings)
            .await
            .expect("application builds");
        let store = app.store().clone();
        let hub = app.hub().clone();
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        tokio::spawn(app.run_until_stopped());
        Self {
            address,
            store,
            backend,
            hub,
            handle,
            _database: database,
        }
    }

    /// The URL of this server's database.
    pub fn database_url(&self) -> &str {
        &self._database.url
    }

    /// Stops this server gracefully (as an instance being shut down).
    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }

    /// The value of a fresh `cats_session` cookie for a demo account.
    pub async fn session_cookie(&self, email: &str) -> String {
        cookie_value(&self.session_set_cookie(email).await)
    }

    /// The whole `Set-Cookie` header of a fresh sign-in as a demo account.
    pub async fn session_set_cookie(&self, email: &str) -> String {
        let raw = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client");
        let page = raw
            .get(format!("{}/sign-in", self.address))
            .send()
            .await
            .expect("GET");
        let token = csrf_of(&page.text().await.expect("body"));
        let response = raw
            .post(format!("{}/sign-in", self.address))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", email),
                ("password", PASSWORD),
            ])
            .send()
            .await
            .expect("POST");
        let set_cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("cats_session="))
            .expect("session cookie set")
            .to_owned();
        set_cookie
    }

    /// A client that carries an existing session cookie.
    pub fn client_with_cookie(&self, cookie: &str) -> Client {
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let url = self.address.parse::<url::Url>().expect("address");
        jar.add_cookie_str(&format!("cats_session={cookie}; Path=/"), &url);
        Client {
            http: reqwest::Client::builder()
                .cookie_provider(jar)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: self.address.clone(),
        }
    }

    /// A client with a cookie jar that does not follow redirects.
    pub fn client(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            base: self.address.clone(),
        }
    }

    /// Provider A's worker, signed in, having created the case of Dale Ashdown (`1CATS0001`)
    /// from the candidate search, as a worker does.
    pub async fn worker_with_case(&self) -> Client {
        let worker = self.signed_in("worker@provider-a.example").await;
        let search = "/participants/search?identifier=A1234BC&first_name=Dale&last_name=Ashdown&day=27&month=3&year=1985";
        worker
            .submit(search, "/participants", &[("upci", "1CATS0001")])
            .await
            .expect_status(303);
        worker
    }

    /// A client signed in as a demo account.
    pub async fn signed_in(&self, email: &str) -> Client {
        let client = self.client();
        let response = client.sign_in(email, PASSWORD).await;
        assert_eq!(
            response.status, 303,
            "sign-in as {email} should redirect: {}",
            response.body
        );
        client
    }
    /// The id of an account.
    pub async fn user_id(&self, email: &str) -> i64 {
        cats::store::users::find_by_email(&mut self.store.db(), email)
            .await
            .expect("query")
            .expect("demo user exists")
            .id
    }

    /// The stored account.
    pub async fn user(&self, email: &str) -> cats::store::users::UserRow {
        cats::store::users::find_by_email(&mut self.store.db(), email)
            .await
            .expect("query")
            .expect("user exists")
    }

    /// Identity audit event codes recorded for an account, newest first.
    pub async fn audit_events(&self, email: &str) -> Vec<String> {
        let id = self.user_id(email).await;
        cats::store::audit::recent_for_user(&mut self.store.db(), id, 100)
            .await
            .expect("audit query")
            .into_iter()
            .map(|row| row.event)
            .collect()
    }

    /// Runs raw SQL against the test database (to set up states such as an idle session).
    pub async fn sql(&self, sql: &str) {
        cats::seed::run_sql_file(&self.store, sql)
            .await
            .expect("sql runs");
    }

    /// The one text a query returns (an id, a name).
    pub async fn sql_text(&self, sql: &str) -> String {
        self.sql_scalar(sql).await
    }

    /// The one integer a query returns (a count, an id).
    pub async fn sql_one(&self, sql: &str) -> i64 {
        self.sql_scalar(sql).await
    }

    /// The one value of type `T` a query returns, on either database.
    async fn sql_scalar<T>(&self, sql: &str) -> T
    where
        T: for<'r> sqlx::Decode<'r, sqlx::Postgres>
            + sqlx::Type<sqlx::Postgres>
            + for<'r> sqlx::Decode<'r, sqlx::Sqlite>
            + sqlx::Type<sqlx::Sqlite>
            + Send
            + Unpin,
    {
        match self.store.pool() {
            cats::store::Pool::Postgres(pool, _) => sqlx::query_scalar::<_, T>(sql)
                .fetch_one(pool)
                .await
                .expect("query"),
            cats::store::Pool::Sqlite(pool) => sqlx::query_scalar::<_, T>(sql)
                .fetch_one(pool)
                .await
                .expect("query"),
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}

/// Settings that put a test's instances on the Redis bus under a prefix of their own, or
/// `None` (skipped, or failing under CI) when `CATS_TEST_REDIS_URL` is not set.
pub fn redis_overrides(suite: &str) -> Option<Vec<(&'static str, toml_value::Value)>> {
    let url = match std::env::var("CATS_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => url,
        _ => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("{suite}: CATS_TEST_REDIS_URL must be set under CI=true");
            }
            say_skipped(&format!(
                "{suite} (Redis) — set CATS_TEST_REDIS_URL to run it"
            ));
            return None;
        }
    };
    let prefix = format!("cats-test-{}:", uuid::Uuid::new_v4().simple());
    Some(vec![
        ("redis_url", toml_value::Value::Text(url)),
        ("live.redis_prefix", toml_value::Value::Text(prefix)),
    ])
}

/// An HTTP client with a cookie jar, like one browser.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

/// A response read once: status, location and body.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        csrf_of(&self.body)
    }

    /// Panics with the body when the status is not `expected`.
    pub fn expect_status(&self, expected: u16) -> &Self {
        assert_eq!(
            self.status, expected,
            "unexpected status; body:\n{}",
            self.body
        );
        self
    }
}

/// The value of a `cats_session=…; …` header.
pub fn cookie_value(set_cookie: &str) -> String {
    set_cookie["cats_session=".len()..]
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The value of the first `csrf_token` field in an HTML page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).expect("page has a CSRF field") + marker.len();
    let end = html[start..].find('"').expect("closing quote") + start;
    html[start..end].to_owned()
}

impl Client {
    pub async fn read(response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.text().await.expect("body");
        Page {
            status,
            location,
            body,
        }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Page {
        Self::read(
            self.http
                .get(format!("{}{path}", self.base))
                .send()
                .await
                .expect("GET"),
        )
        .await
    }

    /// `POST path` with form fields (repeat a name for several values).
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body = serde_html_form::to_string(fields).expect("form encodes");
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        Self::read(response).await
    }

    /// `POST path` with form fields and one extra request header, as the page script sends.
    pub async fn post_with_header(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        (name, value): (&str, &str),
    ) -> Page {
        let body = serde_html_form::to_string(fields).expect("form encodes");
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(name, value)
            .body(body)
            .send()
            .await
            .expect("POST");
        Self::read(response).await
    }

    /// Posts a form the way a browser does: fetch the page that holds it for the CSRF token.
    pub async fn submit(&self, form_page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let token = self.get(form_page).await.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    /// Signs in through the sign-in page.
    pub async fn sign_in(&self, email: &str, password: &str) -> Page {
        self.submit(
            "/sign-in",
            "/sign-in",
            &[("email", email), ("password", password)],
        )
        .await
    }
}

/// Generates one test per backend from `async fn name(app: TestApp)`.
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(app) = $crate::support::TestApp::spawn($crate::support::Backend::Sqlite).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if let Some(app) = $crate::support::TestApp::spawn($crate::support::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            )*
        }
    };
}
pub(crate) use on_both_databases;

#[test]
fn replace_database_keeps_server_and_options() {
    assert_eq!(
        replace_database("postgres://postgres@127.0.0.1:5432/test", "x"),
        "postgres://postgres@127.0.0.1:5432/x"
    );
    assert_eq!(
        replace_database("postgres://u:p@h/test?sslmode=disable", "y"),
        "postgres://u:p@h/y?sslmode=disable"
    );
}
