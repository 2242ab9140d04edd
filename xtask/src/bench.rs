//! `cargo xtask bench`: the CLI's benchmark (release build) on a large cached demo store.

use std::fs;
use std::process::Command;

use crate::cmd::{Result, cargo, cli_binary, root, run, target_dir};
use crate::run::DEMO_PASSPHRASE;

const DEFAULT_CASES: &str = "100000";
/// `--stress`: ten times the network (about 15 GB, and as much again for the plain copy).
const STRESS_CASES: &str = "1000000";

/// Runs `schakel bench --cases 100000 --store target/bench/bench-100k.db EXTRA...`.
/// `--cases`/`--store` in `extra` replace the defaults; the default store is named after
/// the number of cases, so a store cached for one size is not reused for another.
/// `--stress` is `--cases 1000000`.
pub fn bench(extra: &[String]) -> Result {
    let stress = extra.iter().any(|a| a == "--stress");
    let mut extra: Vec<String> = extra.iter().filter(|a| *a != "--stress").cloned().collect();
    if stress && flag_value(&extra, "--cases").is_none() {
        extra.extend(["--cases".to_owned(), STRESS_CASES.to_owned()]);
    }
    let extra = extra.as_slice();
    run(cargo().args(["build", "--release", "-p", "schakel-cli"]))?;
    let bench_dir = target_dir().join("bench");
    fs::create_dir_all(root().join(&bench_dir))
        .map_err(|e| format!("could not create {}: {e}", bench_dir.display()))?;

    let mut command = Command::new(cli_binary("release"));
    command.current_dir(root()).env("SCHAKEL_PASSPHRASE", DEMO_PASSPHRASE).arg("bench");
    let cases = flag_value(extra, "--cases");
    if cases.is_none() {
        command.args(["--cases", DEFAULT_CASES]);
    }
    if flag_value(extra, "--store").is_none() {
        let name = format!("bench-{}.db", short_count(cases.unwrap_or(DEFAULT_CASES)));
        command.arg("--store").arg(bench_dir.join(name));
    }
    run(command.args(extra))
}

/// The value of `--flag VALUE` or `--flag=VALUE` in the arguments.
fn flag_value<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter().enumerate().find_map(|(i, arg)| {
        if arg == flag {
            args.get(i + 1).map(String::as_str)
        } else {
            arg.strip_prefix(flag)?.strip_prefix('=')
        }
    })
}

/// "100000" -> "100k"; other values as given.
fn short_count(cases: &str) -> String {
    match cases.parse::<u64>() {
        Ok(n) if n >= 1000 && n % 1000 == 0 => format!("{}k", n / 1000),
        _ => cases.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{flag_value, short_count};

    #[test]
    fn finds_flags_in_both_spellings() {
        let args = ["--runs", "5", "--cases=2000"].map(String::from);
        assert_eq!(flag_value(&args, "--cases"), Some("2000"));
        assert_eq!(flag_value(&args, "--runs"), Some("5"));
        assert_eq!(flag_value(&args, "--store"), None);
    }

    #[test]
    fn names_stores_by_size() {
        assert_eq!(short_count("100000"), "100k");
        assert_eq!(short_count("1500"), "1500");
    }
}
