//! Project automation, run as `cargo xtask <command>` (alias in `.cargo/config.toml`).
//!
//! Standard library only, so it builds on a fresh machine before anything else is installed.

mod bench;
mod cmd;
mod e2e;
mod run;
mod setup;
mod test;

use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <command>

Commands:
  test    Everything CI runs: setup, fmt, clippy, build the CLI, tests, doctests, ui, e2e
  setup   Install missing system packages (Debian/Ubuntu), rustfmt, clippy, cargo-nextest,
          tauri-driver
  e2e     Build the UI and the app, run the end-to-end tests (tests/e2e) under Xvfb;
          screenshots go to target/e2e-screenshots (needs setup)
  run     Build the CLI, create the demo store in .schakel-dev/ (once) and show `today`
  bench   Build the CLI in release and time the hot queries on a 100 000-case store;
          extra arguments go to `schakel bench` (e.g. `cargo xtask bench --runs 10`);
          `--stress` uses a ten times larger store (1,000,000 cases)
  help    This text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (command, rest) = match args.split_first() {
        Some((command, rest)) => (command.as_str(), rest),
        None => ("help", &[][..]),
    };
    let result = match command {
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        "bench" => bench::bench(rest),
        "test" | "setup" | "run" | "e2e" if !rest.is_empty() => {
            Err(format!("`{command}` takes no arguments (got: {})", rest.join(" ")))
        }
        "test" => test::test(),
        "setup" => setup::setup_command(),
        "run" => run::run(),
        "e2e" => e2e::e2e_command(),
        other => {
            eprintln!("xtask: unknown command `{other}`\n");
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask {command}: error: {message}");
            ExitCode::FAILURE
        }
    }
}
