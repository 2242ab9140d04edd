//! `cargo xtask setup`: the system packages and cargo tools the build and tests need.

use std::env;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use crate::cmd::{Result, cargo, on_path, program_exists, run, stdout_of, succeeds};

/// Debian/Ubuntu packages needed to build and test everything. Add new ones here.
pub const APT_PACKAGES: &[&str] = &[
    // C toolchain for the vendored OpenSSL + SQLCipher build (rusqlite `bundled-sqlcipher-vendored-openssl`).
    "build-essential",
    "pkg-config",
    "perl",
    "make",
    // Desktop app (Tauri on WebKitGTK) and its WebDriver end-to-end tests under a virtual display.
    "libwebkit2gtk-4.1-dev",
    "webkit2gtk-driver",
    "xvfb",
    "libayatana-appindicator3-dev",
    "librsvg2-dev",
    "libssl-dev",
    // `dbus-daemon` for the screen-lock watcher's tests (a private bus with fake logind).
    "dbus",
    // PostgreSQL server binaries (initdb, postgres, pg_ctl) and its `postgres` system user:
    // the hub tests start a real server on loopback with TLS (tests/support/pg.rs).
    "postgresql",
];

/// `cargo xtask setup` on its own, with its duration.
pub fn setup_command() -> Result {
    let start = Instant::now();
    setup()?;
    println!("setup done in {:.1}s", start.elapsed().as_secs_f64());
    Ok(())
}

/// Every setup step, in order. Later: `npm ci` in ui/.
pub fn setup() -> Result {
    apt_packages()?;
    rust_components()?;
    nextest();
    install_tauri_driver();
    Ok(())
}

/// Install the missing [`APT_PACKAGES`] (one `apt-get update`, one `apt-get install`).
fn apt_packages() -> Result {
    if !program_exists("dpkg-query") {
        println!(
            "note: no dpkg-query (not Debian/Ubuntu); install the equivalents of these yourself: {}",
            APT_PACKAGES.join(" ")
        );
        return Ok(());
    }
    let missing: Vec<&str> =
        APT_PACKAGES.iter().copied().filter(|package| !dpkg_installed(package)).collect();
    if missing.is_empty() {
        println!("system packages: all {} present", APT_PACKAGES.len());
        return Ok(());
    }
    println!("system packages missing: {}", missing.join(" "));
    let sudo = needs_sudo()
        .map_err(|why| format!("{why}; install them as root: apt-get install {}", missing.join(" ")))?;
    run(apt_get(sudo).arg("update"))?;
    run(apt_get(sudo).args(["install", "-y", "--no-install-recommends"]).args(&missing))
}

/// Whether dpkg reports the package as installed (`${Status}` is "want error status").
fn dpkg_installed(package: &str) -> bool {
    stdout_of(Command::new("dpkg-query").args(["-W", "-f", "${Status}", package]))
        .is_some_and(|status| status.split_whitespace().nth(2) == Some("installed"))
}

/// `false` when root, `true` when sudo can be used, an error otherwise.
fn needs_sudo() -> Result<bool> {
    let uid = stdout_of(Command::new("id").arg("-u")).unwrap_or_default();
    if uid.trim() == "0" {
        Ok(false)
    } else if program_exists("sudo") {
        Ok(true)
    } else {
        Err("not root and no sudo".to_owned())
    }
}

/// Non-interactive `apt-get`, through sudo when asked (`env` gets the variable past sudo).
fn apt_get(sudo: bool) -> Command {
    if sudo {
        let mut command = Command::new("sudo");
        command.args(["env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]);
        command
    } else {
        let mut command = Command::new("apt-get");
        command.env("DEBIAN_FRONTEND", "noninteractive");
        command
    }
}

/// rustfmt and clippy, through rustup when missing.
fn rust_components() -> Result {
    let present = |tool: &str| succeeds(cargo().args([tool, "--version"]));
    if present("fmt") && present("clippy") {
        println!("rustfmt, clippy: present");
        return Ok(());
    }
    if !program_exists("rustup") {
        return Err("rustfmt or clippy is missing and there is no rustup to add them".to_owned());
    }
    run(Command::new("rustup").args(["component", "add", "rustfmt", "clippy"]))
}

/// cargo-nextest, installed from source when missing. Not fatal: tests fall back to `cargo test`.
fn nextest() {
    if succeeds(cargo().args(["nextest", "--version"])) {
        println!("cargo-nextest: present");
        return;
    }
    if let Err(e) = run(cargo().args(["install", "cargo-nextest", "--locked"])) {
        println!("warning: could not install cargo-nextest ({e}); tests will run with `cargo test`");
    }
}

/// tauri-driver (the WebDriver server for the end-to-end tests), installed from source when
/// missing. Not fatal here: only `cargo xtask e2e` needs it, and it says so.
fn install_tauri_driver() {
    if let Some(path) = tauri_driver() {
        println!("tauri-driver: present ({})", path.display());
        return;
    }
    if let Err(e) = run(cargo().args(["install", "tauri-driver", "--locked"])) {
        println!("warning: could not install tauri-driver ({e}); the end-to-end tests need it");
    }
}

/// tauri-driver on the PATH, else in cargo's bin directory (`$CARGO_HOME/bin`, `~/.cargo/bin`).
pub fn tauri_driver() -> Option<PathBuf> {
    on_path("tauri-driver").or_else(|| {
        let cargo_home = env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")))?;
        let installed = cargo_home.join("bin").join(format!("tauri-driver{}", env::consts::EXE_SUFFIX));
        installed.is_file().then_some(installed)
    })
}
