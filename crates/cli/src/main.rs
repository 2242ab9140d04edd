//! `schakel`: the command line over `schakel-core`.

mod args;
mod bench;
mod cmd;
mod exit;
mod out;
mod secret;

use std::path::PathBuf;

use clap::Parser;

use crate::args::{Cli, Command};
use crate::exit::{CliError, CliResult};

fn main() {
    let cli = Cli::parse();
    let json = cli.json;
    if let Err(e) = run(cli) {
        exit::report(&e, json);
        std::process::exit(exit::code(&e));
    }
}

fn default_store() -> CliResult<PathBuf> {
    directories::ProjectDirs::from("be", "Schakel", "Schakel")
        .map(|d| d.data_dir().join("schakel.db"))
        .ok_or_else(|| CliError::Input("no home directory: pass --store".into()))
}

fn run(cli: Cli) -> CliResult {
    let path = match cli.store {
        Some(p) => p,
        None => default_store()?,
    };
    let o = out::Out { json: cli.json };
    match cli.command {
        Command::Init(a) => cmd::store::init(&path, &a, o),
        Command::Demo(a) => cmd::store::demo(&path, &a, o),
        Command::Import { file } => cmd::store::import(&path, &file, o),
        Command::Check => cmd::store::check(&path, o),
        Command::Passphrase => cmd::store::passphrase(&path, o),
        Command::Recover => cmd::store::recover(&path, o),
        Command::Today { limit } => cmd::work::today(&path, limit, o),
        Command::Cases(c) => cmd::cases::run(&path, c, o),
        Command::Referrals(c) => cmd::work::referrals(&path, c, o),
        Command::FollowUps(c) => cmd::work::follow_ups(&path, c, o),
        Command::Partners(c) => cmd::reference::partners(&path, c, o),
        Command::Projects(c) => cmd::reference::projects(&path, c, o),
        Command::Kpi(c) => cmd::kpi::run(&path, c, o),
        Command::Stats(c) => cmd::stats::run(&path, c, o),
        Command::Audit(c) => cmd::audit::run(&path, c, o),
        Command::Users(c) => cmd::users::run(&path, c, o),
        Command::Backup(c) => cmd::backup::run(&path, c, o),
        Command::Retention(c) => cmd::retention::run(&path, c, o),
        Command::Vocab { name } => cmd::reference::vocab(&path, name.as_deref(), o),
        Command::Bench(a) => bench::run(&path, &a, o),
        Command::Hub(c) => cmd::hub::run(&path, c, o),
        Command::Exchange(c) => cmd::exchange::run(&path, c, o),
    }
}
