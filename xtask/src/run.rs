//! `cargo xtask run`: builds the desktop app and opens it on a demo store (made with the
//! CLI on first use), with the CLI pointed at the same store for scripting.

use std::fs;
use std::path::Path;
use std::process::Command;

use crate::cmd::{self, Result, cargo, cli_binary, npm, root, target_dir};

/// Passphrase of the throwaway demo and bench stores. DEMO ONLY: it is public, in this
/// source file. Never use it for a store with real case data.
pub const DEMO_PASSPHRASE: &str = "demo schakel brussel 2026";

/// Development data (git-ignored), relative to the workspace root.
const DEV_DIR: &str = ".schakel-dev";
const DEMO_STORE: &str = ".schakel-dev/demo.db";

pub fn run() -> Result {
    crate::setup::setup()?;
    cmd::run(cargo().args(["build", "-p", "schakel-cli"]))?;
    ensure_demo_store()?;
    print_cli_hints();
    let ui = root().join("ui");
    if !ui.join("node_modules").exists() {
        cmd::run(npm(&ui).arg("ci"))?;
    }
    cmd::run(npm(&ui).args(["run", "build"]))?;
    // custom-protocol: the app serves the UI it was built with, no dev server needed.
    cmd::run(cargo().args(["build", "-p", "schakel-app", "--features", "custom-protocol"]))?;
    println!(
        "\nOpening Schakel on the demo store. Its passphrase (demo only): {DEMO_PASSPHRASE}\n\
         Close the window to stop."
    );
    let app =
        root().join(target_dir()).join("debug").join(format!("schakel-app{}", std::env::consts::EXE_SUFFIX));
    cmd::run(Command::new(app).current_dir(root()).env("SCHAKEL_STORE", root().join(DEMO_STORE)))
}

/// `schakel --store .schakel-dev/demo.db`, with the demo passphrase, in the workspace root.
fn schakel() -> Command {
    let mut command = Command::new(cli_binary("debug"));
    command.current_dir(root()).env("SCHAKEL_PASSPHRASE", DEMO_PASSPHRASE).args(["--store", DEMO_STORE]);
    command
}

/// Create and fill the demo store unless it exists; a half-made store is removed again.
fn ensure_demo_store() -> Result {
    let root = root();
    let store = root.join(DEMO_STORE);
    if store.exists() {
        println!("using the existing demo store {DEMO_STORE} (delete {DEV_DIR}/ to rebuild it)");
        return Ok(());
    }
    fs::create_dir_all(root.join(DEV_DIR)).map_err(|e| format!("could not create {DEV_DIR}/: {e}"))?;
    let made = cmd::run(schakel().args([
        "init",
        "--partner-kind",
        "ocmw",
        "--partner-name",
        "OCMW Jette",
        "--worker",
        "Demo medewerker",
    ]))
    .and_then(|()| cmd::run(schakel().args(["demo", "--cases", "2000", "--seed", "1"])));
    if made.is_err() {
        remove_store(&store);
    }
    made
}

fn remove_store(store: &Path) {
    for suffix in ["", "-wal", "-shm", ".keys", ".lock"] {
        let mut path = store.as_os_str().to_owned();
        path.push(suffix);
        // Missing files are fine; anything else the next run reports when it tries again.
        let _ = fs::remove_file(path);
    }
}

fn print_cli_hints() {
    let binary = cli_binary("debug");
    let binary = binary.strip_prefix(root()).unwrap_or(&binary).display();
    println!(
        "\nThe demo store is {DEMO_STORE} (synthetic data). To use the CLI on it, in {root}:\n\
         \n  export SCHAKEL_PASSPHRASE='{DEMO_PASSPHRASE}'   # demo only\
         \n  export SCHAKEL_STORE={DEMO_STORE}\
         \n  {binary} --help\
         \n  {binary} cases list --limit 10\
         \n  {binary} followups due\
         \n\nor without building first: cargo run -p schakel-cli -- --store {DEMO_STORE} today",
        root = root().display(),
    );
}
