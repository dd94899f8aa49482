//! The `cats` command line: serve (the default), database maintenance and user creation.

use crate::accounts::{hashing, password::temporary_password};
use crate::domain::password::check_policy;
use crate::domain::role::{Role, Roles};
use crate::domain::tenant::{TenantId, TenantScope};
use crate::domain::user::{DisplayName, Email, UserStatus};
use crate::settings::Settings;
use crate::startup::Application;
use crate::store::users::{self, NewUser};
use crate::store::{org, Store, StoreError};
use crate::{seed, telemetry};
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Read};
use std::path::PathBuf;

/// CATS-rs: case assessment and tracking, live and scaled out.
#[derive(Parser, Debug)]
#[command(name = "cats", version, about)]
pub struct Cli {
    /// Folder holding default.toml and <CATS_ENV>.toml.
    #[arg(long, global = true, default_value = "config", env = "CATS_CONFIG_DIR")]
    pub config: PathBuf,
    /// What to do; `serve` when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the web server (the default).
    Serve {
        /// Address to listen on, e.g. 0.0.0.0:8080 (overrides CATS_BIND and the config).
        #[arg(long)]
        bind: Option<String>,
    },
    /// Database maintenance.
    Db {
        /// The database action.
        #[command(subcommand)]
        action: DbAction,
    },
    /// Run the fake offender-data service on its own (synthetic people; for demos and tests).
    FakeDms {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9090")]
        bind: String,
        /// Generated people besides the scenarios.
        #[arg(long, default_value_t = 1000)]
        population: u32,
    },
    /// Accounts.
    User {
        /// The account action.
        #[command(subcommand)]
        action: UserAction,
    },
}

/// `cats db …`
#[derive(Subcommand, Debug)]
pub enum DbAction {
    /// Apply pending migrations.
    Migrate,
    /// Drop everything, then migrate to an empty schema.
    Reset,
    /// Drop every table.
    Drop,
    /// Load data: `--demo` for the demo organisation and accounts, `--scale N` for N
    /// synthetic participants (loads the demo data first when the database is empty), or a
    /// SQL file.
    Seed {
        /// Load the demo data.
        #[arg(long, conflicts_with = "file")]
        demo: bool,
        /// Add this many synthetic participants.
        #[arg(long, conflicts_with_all = ["file", "demo"])]
        scale: Option<u32>,
        /// A SQL file to run in one transaction.
        file: Option<PathBuf>,
    },
}

/// `cats user …`
#[derive(Subcommand, Debug)]
pub enum UserAction {
    /// Create an active account. Reads the password from standard input when it is piped;
    /// otherwise prints a generated one that must be changed at first sign-in.
    Create {
        /// E-mail (username); its domain must be one of the tenant's.
        #[arg(long)]
        email: String,
        /// Tenant id, ending in a dot: `1.1.` for head office, `1.1.1.1.1.` for a team.
        #[arg(long)]
        tenant: String,
        /// Role code, repeatable (none: a provider support worker). Codes: system-support,
        /// smt, qa-manager, qa-support-manager, qa-officer, cso, cpm, cmpsm, qa-finance, finance.
        #[arg(long = "role")]
        roles: Vec<String>,
        /// Display name (default: the e-mail's name part).
        #[arg(long)]
        name: Option<String>,
    },
}

/// Runs the command line; errors are one line for the terminal.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mut settings = Settings::load(&cli.config)?;
    telemetry::init_tracing(&settings.log.format, &settings.log.filter);
    match cli.command.unwrap_or(Command::Serve { bind: None }) {
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                settings.bind = bind;
            }
            let host = settings.bind.clone();
            let app = Application::build(settings).await?;
            tracing::info!(address = %host, port = app.port(), "CATS-rs is serving");
            app.run_until_stopped().await?;
        }
        Command::Db { action } => db(&settings, action).await?,
        Command::User { action } => user(&settings, action).await?,
        Command::FakeDms { bind, population } => {
            let fake =
                crate::external::fake::start(&bind, settings.external.api_key.expose(), population)
                    .await?;
            println!(
                "Fake offender-data service at {} (Ctrl-C to stop)",
                fake.url
            );
            tokio::signal::ctrl_c().await?;
            fake.handle.stop(true).await;
        }
    }
    Ok(())
}

async fn connect(settings: &Settings) -> Result<Store, StoreError> {
    Store::connect(&settings.effective_database_url(), 2).await
}

async fn db(settings: &Settings, action: DbAction) -> anyhow::Result<()> {
    let store = connect(settings).await?;
    match action {
        DbAction::Migrate => {
            store.migrate().await?;
            println!("Migrations applied.");
        }
        DbAction::Reset => {
            store.drop_all().await?;
            store.migrate().await?;
            println!("Database reset to an empty schema.");
        }
        DbAction::Drop => {
            store.drop_all().await?;
            println!("Every table dropped.");
        }
        DbAction::Seed { demo, scale, file } => {
            store.migrate().await?;
            if let Some(count) = scale {
                if org::is_empty(&mut store.db()).await? {
                    seed::demo::load(&store).await?;
                }
                let added = seed::scale::load(&store, count).await?;
                println!("{added} synthetic participants added.");
                store.close().await;
                return Ok(());
            }
            match (demo, file) {
                (true, _) => {
                    if !org::is_empty(&mut store.db()).await? {
                        anyhow::bail!("the database already has data: run `cats db reset` first");
                    }
                    seed::demo::load(&store).await?;
                    println!(
                        "Demo data loaded. Every demo account's password is {}.",
                        seed::demo::DEMO_PASSWORD
                    );
                }
                (false, Some(file)) => {
                    let sql = std::fs::read_to_string(&file)
                        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
                    seed::run_sql_file(&store, &sql).await?;
                    println!("{} loaded.", file.display());
                }
                (false, None) => anyhow::bail!("say what to seed: `--demo` or a SQL file"),
            }
        }
    }
    store.close().await;
    Ok(())
}

async fn user(settings: &Settings, action: UserAction) -> anyhow::Result<()> {
    let UserAction::Create {
        email,
        tenant,
        roles,
        name,
    } = action;
    let email = Email::parse(&email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let tenant = TenantId::parse(&tenant).map_err(|e| anyhow::anyhow!("--tenant: {e}"))?;
    let roles = Roles::new(
        roles
            .iter()
            .map(|code| {
                Role::from_code(code)
                    .ok_or_else(|| anyhow::anyhow!("--role: unknown role {code:?}"))
            })
            .collect::<Result<Vec<_>, _>>()?,
    );
    for role in roles.iter() {
        if !role.is_grantable() {
            anyhow::bail!("--role: {} cannot be granted", role.display_name());
        }
        if role.is_internal() && !email.is_internal() {
            anyhow::bail!(
                "--role: {} is for @justice.gov.uk accounts only",
                role.display_name()
            );
        }
    }
    let name = DisplayName::parse(name.as_deref().unwrap_or(email.local_part()))
        .map_err(|e| anyhow::anyhow!("--name: {e}"))?;
    let (password, generated) = if std::io::stdin().is_terminal() {
        (temporary_password(), true)
    } else {
        let mut input = String::new();
        std::io::stdin().read_to_string(&mut input)?;
        let input = input.trim_end_matches(['\n', '\r']).to_owned();
        if input.is_empty() {
            (temporary_password(), true)
        } else {
            check_policy(&input, email.local_part())
                .map_err(|e| anyhow::anyhow!("password: {e}"))?;
            (input, false)
        }
    };
    let store = connect(settings).await?;
    let mut db = store.db();
    if org::tenant(&mut db, &TenantScope::system(), &tenant)
        .await?
        .is_none()
    {
        anyhow::bail!("--tenant: no tenant {tenant}");
    }
    let domains = org::tenant_domains(&mut db, &tenant).await?;
    if !email.domain_is_one_of(domains.iter().map(String::as_str)) {
        anyhow::bail!(
            "--email: the domain must be one of the tenant's: {}",
            domains.join(", ")
        );
    }
    let hash = hashing::hash(password.clone()).await?;
    let now = time::OffsetDateTime::now_utc();
    let mut tx = store.begin().await?;
    let new = NewUser {
        email: email.as_str(),
        display_name: name.as_str(),
        tenant_id: tenant.as_str(),
        status: UserStatus::Active,
        password_hash: &hash,
        must_change_password: generated,
    };
    let id = match users::insert(&mut tx, &new, now).await {
        Ok(id) => id,
        Err(StoreError::Conflict) => {
            anyhow::bail!("--email: an account with this e-mail already exists")
        }
        Err(e) => return Err(e.into()),
    };
    users::set_roles(&mut tx, id, &roles).await?;
    tx.commit().await?;
    if generated {
        println!("Created {email} (id {id}). Temporary password (change it at first sign-in): {password}");
    } else {
        println!("Created {email} (id {id}).");
    }
    store.close().await;
    Ok(())
}
