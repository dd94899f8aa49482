//! The accounts a live benchmark's sockets sign in as: the demo team's two provider workers, or
//! accounts created for the run across the demo provider teams. Sign-ins are few and their
//! cookies shared, since each costs the server an Argon2 hash.

use super::cluster::Cluster;
use crate::harness::{create_user, Account, Browser, BENCH_PASSWORD, DEMO_PASSWORD};
use anyhow::{Context, Result};
use futures_util::{stream, StreamExt, TryStreamExt};

/// The demo team both demo workers belong to, and its topic.
pub const DEMO_TEAM: &str = "1.1.1.1.1.";
/// The two demo provider workers of [`DEMO_TEAM`].
pub const DEMO_WORKERS: [&str; 2] = ["worker@provider-a.example", "colleague@provider-a.example"];
/// The demo provider delivery teams, with the e-mail domain their accounts must have.
pub const PROVIDER_TEAMS: [(&str, &str); 4] = [
    ("1.1.1.1.1.", "provider-a.example"),
    ("1.1.1.1.2.", "provider-a.example"),
    ("1.1.2.1.1.", "provider-b.example"),
    ("1.1.2.1.2.", "provider-b.example"),
];
/// Accounts created, or signed in, at once: the server hashes on its two cores.
const AT_ONCE: usize = 2;

/// The topic of a tenant.
pub fn tenant_topic(tenant: &str) -> String {
    format!("tenant:{tenant}")
}

/// The topic of a user.
pub fn user_topic(account: &Account) -> String {
    format!("user:{}", account.user_id)
}

/// Signs in each demo worker `times` times on the first instance; every sign-in is its own
/// session and cookie, valid on every instance.
pub async fn demo_workers(cluster: &Cluster, times: usize) -> Result<Vec<Account>> {
    let browser = Browser::new(cluster.first()?.base_url())?;
    let mut accounts = Vec::new();
    for _ in 0..times.max(1) {
        for email in DEMO_WORKERS {
            let account = browser
                .account(email, DEMO_PASSWORD, DEMO_TEAM)
                .await
                .with_context(|| format!("signing in as {email}"))?;
            accounts.push(account);
        }
    }
    Ok(accounts)
}

/// Creates `count` accounts named `bench-<label>-<n>` with `cats user create`, the n-th in
/// `teams[n % teams.len()]`, and signs each in once.
pub async fn created(
    cluster: &Cluster,
    label: &str,
    count: usize,
    teams: &[(&str, &str)],
) -> Result<Vec<Account>> {
    let config = cluster.cli_config()?;
    let browser = Browser::new(cluster.first()?.base_url())?;
    let wanted: Vec<(String, String)> = (0..count)
        .filter_map(|n| {
            let (tenant, domain) = teams.get(n % teams.len().max(1))?;
            Some((format!("bench-{label}-{n}@{domain}"), (*tenant).to_owned()))
        })
        .collect();
    let made: Vec<(String, String, u64)> = stream::iter(wanted)
        .map(|(email, tenant)| async move {
            let id = create_user(config, &email, &tenant).await?;
            Ok::<_, anyhow::Error>((email, tenant, id))
        })
        .buffered(AT_ONCE)
        .try_collect()
        .await?;
    stream::iter(made)
        .map(|(email, tenant, user_id)| {
            let browser = browser.clone();
            async move {
                let cookie = browser
                    .sign_in(&email, BENCH_PASSWORD)
                    .await
                    .with_context(|| format!("signing in as {email}"))?;
                Ok::<_, anyhow::Error>(Account {
                    email,
                    user_id,
                    tenant,
                    cookie,
                })
            }
        })
        .buffered(AT_ONCE)
        .try_collect()
        .await
}
