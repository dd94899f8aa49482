//! Accounts for the live benchmarks: creating users with `cats user create` (as an operator
//! would), signing in over HTTP the way a browser does, and finding a user's id in the page.
//!
//! Signing in costs tens of milliseconds of Argon2 hashing on the server, so benchmarks sign in
//! a few times and share each `cats_session` cookie between many sockets.

use super::cli::run_cats;
use super::server::ServerConfig;
use anyhow::{bail, ensure, Context, Result};
use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::StatusCode;
use std::time::Duration;

/// The demo accounts' password (README, "Demo accounts").
pub const DEMO_PASSWORD: &str = "Cats-demo-2026!";
/// The password given to accounts the benchmarks create.
pub const BENCH_PASSWORD: &str = "Bench-pass-2026!";
/// The session cookie's name.
pub const SESSION_COOKIE: &str = "cats_session";
/// The cookie that carries the sign-in form's CSRF token (double submit).
const PRESESSION_COOKIE: &str = "cats_presession";
/// One HTTP request, or one `cats user create`, that takes longer than this has failed.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// A signed-in account: who, and the cookie its sockets present.
#[derive(Debug, Clone)]
pub struct Account {
    /// The e-mail it signed in with.
    pub email: String,
    /// Its user id (the `user:<id>` topic).
    pub user_id: u64,
    /// Its tenant id, e.g. `1.1.1.1.1.` (the `tenant:<id>` topic).
    pub tenant: String,
    /// The `cats_session` cookie's value.
    pub cookie: String,
}

/// A browser-like HTTP client for one server: no redirects followed, cookies sent by hand.
#[derive(Debug, Clone)]
pub struct Browser {
    http: reqwest::Client,
    base_url: String,
}

impl Browser {
    /// A client for the server at `base_url` (`http://127.0.0.1:<port>`).
    pub fn new(base_url: impl Into<String>) -> Result<Self> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .timeout(REQUEST_TIMEOUT)
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            http,
            base_url: base_url.into(),
        })
    }

    /// Signs in and returns the `cats_session` cookie's value.
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<String> {
        let url = format!("{}/sign-in", self.base_url);
        let form = self
            .http
            .get(&url)
            .send()
            .await
            .with_context(|| format!("GET {url}"))?;
        ensure!(
            form.status() == StatusCode::OK,
            "GET {url}: {}",
            form.status()
        );
        let presession = cookie_value(form.headers(), PRESESSION_COOKIE)
            .with_context(|| format!("GET {url} set no {PRESESSION_COOKIE} cookie"))?;
        let html = form.text().await.context("reading the sign-in page")?;
        let token = attribute_after(&html, "name=\"csrf_token\" value=\"")
            .context("the sign-in page has no csrf_token field")?;
        let response = self
            .http
            .post(&url)
            .header(COOKIE, format!("{PRESESSION_COOKIE}={presession}"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", email),
                ("password", password),
            ])
            .send()
            .await
            .with_context(|| format!("POST {url}"))?;
        let status = response.status();
        if status != StatusCode::SEE_OTHER {
            bail!("signing in as {email} answered {status}, not 303 (wrong password?)");
        }
        cookie_value(response.headers(), SESSION_COOKIE)
            .with_context(|| format!("signing in as {email} set no {SESSION_COOKIE} cookie"))
    }

    /// The signed-in user's id, from `<body data-live-user="ID">` on the home page.
    pub async fn live_user_id(&self, cookie: &str) -> Result<u64> {
        let url = format!("{}/", self.base_url);
        let response = self
            .http
            .get(&url)
            .header(COOKIE, format!("{SESSION_COOKIE}={cookie}"))
            .send()
            .await
            .with_context(|| format!("GET {url}"))?;
        ensure!(
            response.status() == StatusCode::OK,
            "GET {url} signed in: {}",
            response.status()
        );
        let html = response.text().await.context("reading the home page")?;
        attribute_after(&html, "data-live-user=\"")
            .context("the home page has no data-live-user attribute")?
            .parse()
            .context("data-live-user is not a number")
    }

    /// Signs in and finds the user id: an [`Account`] whose cookie sockets can share.
    pub async fn account(&self, email: &str, password: &str, tenant: &str) -> Result<Account> {
        let cookie = self.sign_in(email, password).await?;
        let user_id = self.live_user_id(&cookie).await?;
        Ok(Account {
            email: email.to_owned(),
            user_id,
            tenant: tenant.to_owned(),
            cookie,
        })
    }
}

/// Creates an active account with [`BENCH_PASSWORD`] by running `cats user create` against
/// the server's database (the same `CATS_…` variables as `config`), and returns its id.
pub async fn create_user(config: &ServerConfig, email: &str, tenant: &str) -> Result<u64> {
    create_user_with_roles(config, email, tenant, &[]).await
}

/// [`create_user`] granting `roles` (role codes, e.g. `qa-officer`) with `--role`.
pub async fn create_user_with_roles(
    config: &ServerConfig,
    email: &str,
    tenant: &str,
    roles: &[&str],
) -> Result<u64> {
    let mut args = vec!["user", "create", "--email", email, "--tenant", tenant];
    for role in roles {
        args.extend(["--role", *role]);
    }
    let stdout = tokio::time::timeout(
        REQUEST_TIMEOUT,
        run_cats(config, &args, Some(&format!("{BENCH_PASSWORD}\n"))),
    )
    .await
    .with_context(|| format!("`cats user create` took over {REQUEST_TIMEOUT:?}"))??;
    created_id(&stdout).with_context(|| format!("no id in `cats user create` output: {stdout}"))
}

/// The id in `Created worker@x.example (id 42).`
fn created_id(output: &str) -> Option<u64> {
    let start = output.find("(id ")? + "(id ".len();
    let digits: String = output[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The value of cookie `name` among a response's `Set-Cookie` headers.
fn cookie_value(headers: &reqwest::header::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| {
            let rest = value.strip_prefix(name)?.strip_prefix('=')?;
            rest.split(';').next().map(str::to_owned)
        })
        .filter(|value| !value.is_empty())
}

/// The text after `marker` up to the next double quote (an attribute's value).
fn attribute_after(html: &str, marker: &str) -> Option<String> {
    let start = html.find(marker)? + marker.len();
    let length = html[start..].find('"')?;
    Some(html[start..start + length].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue};

    #[test]
    fn the_created_id_is_read_from_the_cli_output() {
        assert_eq!(
            created_id("Created bench-1@provider-a.example (id 42).\n"),
            Some(42)
        );
        assert_eq!(created_id("Created nobody"), None);
    }

    #[test]
    fn a_cookie_is_found_among_several_set_cookie_headers() {
        let mut headers = HeaderMap::new();
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static("cats_presession=; Max-Age=0"),
        );
        headers.append(
            SET_COOKIE,
            HeaderValue::from_static("cats_session=abc123; Path=/; HttpOnly"),
        );
        assert_eq!(
            cookie_value(&headers, SESSION_COOKIE).as_deref(),
            Some("abc123")
        );
        // An emptied (removed) cookie is no cookie.
        assert_eq!(cookie_value(&headers, PRESESSION_COOKIE), None);
    }

    #[test]
    fn an_attribute_value_ends_at_its_quote() {
        let html = r#"<body class="x" data-live-user="17" data-other="y">"#;
        assert_eq!(
            attribute_after(html, "data-live-user=\"").as_deref(),
            Some("17")
        );
        assert_eq!(attribute_after(html, "data-missing=\""), None);
    }
}
