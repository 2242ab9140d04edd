//! `cargo xtask test`: every check CI and a developer run, in order, stopping at the first failure.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::cmd::{Result, cargo, npm, root, run, stdout_of, succeeds, workspace_has_package};
use crate::{e2e, setup};

/// How a step ended when it did not fail.
enum Outcome {
    Passed,
    Skipped(&'static str),
}

/// The steps run so far, for the timing summary.
#[derive(Default)]
struct Steps {
    done: Vec<(&'static str, Duration, std::result::Result<Outcome, ()>)>,
}

impl Steps {
    fn step(&mut self, name: &'static str, step: impl FnOnce() -> Result<Outcome>) -> Result {
        println!("\n==> {name}");
        let start = Instant::now();
        let result = step();
        let elapsed = start.elapsed();
        let (recorded, returned) = match result {
            Ok(outcome) => (Ok(outcome), Ok(())),
            Err(e) => (Err(()), Err(format!("step `{name}` failed: {e}"))),
        };
        self.done.push((name, elapsed, recorded));
        returned
    }

    fn print_summary(&self) {
        println!("\nSummary:");
        let mut total = Duration::ZERO;
        for (name, elapsed, outcome) in &self.done {
            total += *elapsed;
            let outcome = match outcome {
                Ok(Outcome::Passed) => "ok".to_owned(),
                Ok(Outcome::Skipped(why)) => format!("skipped ({why})"),
                Err(()) => "FAILED".to_owned(),
            };
            println!("  {name:<10} {:>7.1}s  {outcome}", elapsed.as_secs_f64());
        }
        println!("  {:<10} {:>7.1}s", "total", total.as_secs_f64());
    }
}

pub fn test() -> Result {
    let mut steps = Steps::default();
    let result = all_steps(&mut steps);
    steps.print_summary();
    result
}

fn all_steps(steps: &mut Steps) -> Result {
    steps.step("setup", || setup::setup().map(|()| Outcome::Passed))?;
    steps.step("fmt", fmt)?;
    // The desktop shell embeds ui/dist at compile time: the UI is built first (against the
    // committed types), then the types are regenerated and compared with what is committed.
    steps.step("ui build", ui_build)?;
    steps.step("ui", ui_tests)?;
    steps.step("ts types", ts_types)?;
    steps.step("clippy", clippy)?;
    steps.step("build cli", build_cli)?;
    let nextest = succeeds(cargo().args(["nextest", "--version"]));
    // End-to-end and doctests first: the last test runner's closing line should be the
    // full suite's.
    steps.step("e2e", e2e_tests)?;
    steps.step("doctests", || doctests(nextest))?;
    steps.step("tests", || tests(nextest))
}

fn fmt() -> Result<Outcome> {
    run(cargo().args(["fmt", "--all", "--", "--check"]))
        .map_err(|e| format!("{e}; `cargo fmt --all` fixes the formatting"))?;
    Ok(Outcome::Passed)
}

fn clippy() -> Result<Outcome> {
    run(cargo().args(["clippy", "--workspace", "--all-targets", "--locked", "--", "-D", "warnings"]))?;
    Ok(Outcome::Passed)
}

/// The TypeScript types of the IPC boundary are generated from Rust (ts-rs) and
/// committed; regenerate them and fail if that changed anything.
fn ts_types() -> Result<Outcome> {
    run(cargo().args([
        "test",
        "-p",
        "schakel-core",
        "-p",
        "schakel-app",
        "--locked",
        "--lib",
        "export_bindings",
    ]))?;
    // Changed or new files against the index (what a commit would take).
    let git = |args: &[&str]| {
        stdout_of(Command::new("git").current_dir(root()).args(args)).ok_or("could not run git")
    };
    let changed = git(&["diff", "--name-only", "--", BINDINGS])?
        + &git(&["ls-files", "--others", "--exclude-standard", "--", BINDINGS])?;
    if !changed.trim().is_empty() {
        return Err(format!(
            "the generated TypeScript types in {BINDINGS} are stale:\n{changed}\
             run `cargo test -p schakel-core -p schakel-app export_bindings` and commit {BINDINGS}"
        ));
    }
    Ok(Outcome::Passed)
}

const BINDINGS: &str = "ui/src/lib/bindings";

/// The `schakel` binary, for the integration tests that run it.
fn build_cli() -> Result<Outcome> {
    if !workspace_has_package("schakel-cli")? {
        return Ok(Outcome::Skipped("no schakel-cli package yet"));
    }
    run(cargo().args(["build", "-p", "schakel-cli", "--locked"]))?;
    Ok(Outcome::Passed)
}

fn tests(nextest: bool) -> Result<Outcome> {
    if nextest {
        run(cargo().args(["nextest", "run", "--workspace", "--locked", "--no-fail-fast"]))?;
    } else {
        println!("cargo-nextest not available: using `cargo test`");
        run(cargo().args(["test", "--workspace", "--locked", "--no-fail-fast"]))?;
    }
    Ok(Outcome::Passed)
}

/// nextest does not run doctests; `cargo test` (the fallback) already did.
fn doctests(nextest: bool) -> Result<Outcome> {
    if !nextest {
        return Ok(Outcome::Skipped("ran with cargo test"));
    }
    run(cargo().args(["test", "--workspace", "--doc", "--locked"]))?;
    Ok(Outcome::Passed)
}

/// Installs the UI's exact dependencies (`npm ci`) and builds it into `ui/dist`.
fn ui_build() -> Result<Outcome> {
    let ui = root().join("ui");
    if !ui.join("package.json").exists() {
        return Ok(Outcome::Skipped("no ui/package.json yet"));
    }
    run(npm(&ui).arg("ci"))?;
    run(npm(&ui).args(["run", "build"]))?;
    Ok(Outcome::Passed)
}

/// The Svelte UI's own tests (Vitest), once `ui/` exists.
fn ui_tests() -> Result<Outcome> {
    let ui = root().join("ui");
    if !ui.join("package.json").exists() {
        return Ok(Outcome::Skipped("no ui/package.json yet"));
    }
    run(npm(&ui).arg("test"))?;
    // Types and Svelte diagnostics (unused state, a11y warnings) of every component.
    run(npm(&ui).args(["run", "check", "--", "--fail-on-warnings"]))?;
    Ok(Outcome::Passed)
}

/// End-to-end tests of the desktop app (see `e2e.rs`); `ui/dist` is built by then.
fn e2e_tests() -> Result<Outcome> {
    e2e::e2e()?;
    Ok(Outcome::Passed)
}
