//! `schakel hub init | add-partner`: the hub administrator's commands (docs/exchange-hub.md).
//! They talk to the hub's PostgreSQL server as its administrator and need no store. A
//! store's own hub commands (connect, status, sync, forget) are in `exchange.rs`.
//! Passwords come from the environment or a prompt, never from an argument.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use schakel_core::exchange::hub::{self, HubConfig, PartnerAdded};
use serde_json::json;
use zeroize::Zeroizing;

use crate::exit::{CliError, CliResult};
use crate::out::Out;

pub const ENV_ADMIN_PASSWORD: &str = "SCHAKEL_HUB_ADMIN_PASSWORD";
pub const ENV_PARTNER_PASSWORD: &str = "SCHAKEL_HUB_PARTNER_PASSWORD";

#[derive(Debug, Subcommand)]
pub enum HubCmd {
    /// Install the hub's schema in its database, or bring it up to date (safe to repeat).
    Init(HubAdmin),
    #[command(flatten)]
    Store(super::exchange::HubStoreCmd),
    /// Give a partner a login role and a mailbox on the hub (or a new password).
    AddPartner {
        #[command(flatten)]
        admin: HubAdmin,
        /// The partner's id (the partner_id of its identity card).
        #[arg(long)]
        id: String,
        /// The partner's login role: lower-case letters, digits and _.
        #[arg(long)]
        role: String,
    },
}

/// How the administrator reaches the hub. The password comes from SCHAKEL_HUB_ADMIN_PASSWORD
/// or a prompt.
#[derive(Debug, Args)]
pub struct HubAdmin {
    /// postgres://ADMIN@HOST:PORT/DBNAME (no password in it). Always TLS, verified.
    #[arg(long, env = "SCHAKEL_HUB_URL")]
    pub url: String,
    /// PEM file of the CA that signed the hub's certificate (default: the system's roots).
    #[arg(long)]
    pub ca_cert: Option<PathBuf>,
}

pub fn run(path: &std::path::Path, c: HubCmd, o: Out) -> CliResult {
    match c {
        HubCmd::Store(c) => return super::exchange::hub(path, c, o),
        HubCmd::Init(admin) => {
            let cfg = admin_config(&admin)?;
            hub::init_hub(&cfg)?;
            o.emit(&json!({"schema_version": hub::SCHEMA_VERSION, "hub": cfg.describe()}), |_| {
                println!(
                    "The hub schema (version {}) is in place on {}.",
                    hub::SCHEMA_VERSION,
                    cfg.describe()
                );
            });
        }
        HubCmd::AddPartner { admin, id, role } => {
            let partner = super::uuid_arg("id", &id)?;
            schakel_core::exchange::hub::admin::check_role_name(&role)?;
            let cfg = admin_config(&admin)?;
            let password = secret(ENV_PARTNER_PASSWORD, "The partner's hub password: ", true)?;
            let outcome = hub::add_partner(&cfg, partner, &role, &password)?;
            o.emit(&json!({"partner_id": partner, "role": role, "outcome": outcome}), |_| match outcome {
                PartnerAdded::Created => {
                    println!("Partner {partner} can now connect to the hub as {role}.")
                }
                PartnerAdded::PasswordChanged => println!("Partner {partner} ({role}): password changed."),
            });
        }
    }
    Ok(())
}

fn admin_config(a: &HubAdmin) -> CliResult<HubConfig> {
    let ca = match &a.ca_cert {
        Some(p) => Some(std::fs::read(p).map_err(schakel_core::Error::from)?),
        None => None,
    };
    // Check the URL before asking for a password.
    HubConfig::from_url(&a.url, Zeroizing::new(String::new()), None)?;
    let password = secret(ENV_ADMIN_PASSWORD, "Hub administrator's password: ", false)?;
    Ok(HubConfig::from_url(&a.url, password, ca)?)
}

fn secret(var: &str, prompt: &str, confirm: bool) -> CliResult<Zeroizing<String>> {
    use std::io::IsTerminal;
    if let Ok(v) = std::env::var(var) {
        return Ok(Zeroizing::new(v));
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Input(format!("no password: set {var} or run in a terminal")));
    }
    let read = |p: &str| {
        rpassword::prompt_password(p)
            .map(Zeroizing::new)
            .map_err(|e| CliError::Input(format!("cannot read the password: {e}")))
    };
    let first = read(prompt)?;
    if confirm && *read("Repeat: ")? != *first {
        return Err(CliError::Input("the passwords differ".into()));
    }
    Ok(first)
}
