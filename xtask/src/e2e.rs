//! End-to-end tests: the real desktop app, built with its bundled UI, driven through
//! tauri-driver (WebDriver over WebKitWebDriver) on a virtual display (Xvfb).
//!
//! The tests live in `tests/e2e` (Node's test runner + selenium-webdriver). Each test starts
//! its own tauri-driver with a fresh store, so this step only provides the app binary, the
//! display and the paths, and makes sure nothing it started outlives it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crate::cmd::{self, Result, cargo, npm, root, target_dir};
use crate::setup;

/// Tests directory, relative to the workspace root.
const E2E_DIR: &str = "tests/e2e";
/// Every process of a run inherits this variable (with a value unique to the run), so the
/// ones left behind by a crashed test can be found and stopped.
const RUN_MARKER: &str = "SCHAKEL_E2E_RUN";

/// `cargo xtask e2e`: build the UI, then the end-to-end step (setup assumed done).
pub fn e2e_command() -> Result {
    let start = Instant::now();
    let ui = root().join("ui");
    if !ui.join("node_modules").exists() {
        cmd::run(npm(&ui).arg("ci"))?;
    }
    cmd::run(npm(&ui).args(["run", "build"]))?;
    let result = e2e();
    println!("e2e took {:.1}s", start.elapsed().as_secs_f64());
    result
}

/// Builds the app with the bundled UI (`ui/dist` must be built), installs the tests'
/// dependencies and runs the tests under Xvfb.
pub fn e2e() -> Result {
    if !cfg!(target_os = "linux") {
        return Err("the end-to-end tests run on Linux only (WebKitWebDriver)".to_owned());
    }
    let tauri_driver = setup::tauri_driver()
        .ok_or("tauri-driver not found: `cargo xtask setup` (or `cargo install tauri-driver --locked`)")?;
    for program in ["WebKitWebDriver", "Xvfb"] {
        if cmd::on_path(program).is_none() {
            return Err(format!("{program} not found: `cargo xtask setup` installs it"));
        }
    }
    let root = root();
    if !root.join("ui/dist/index.html").exists() {
        return Err("no ui/dist: build the UI first (`npm --prefix ui run build`)".to_owned());
    }
    // Without custom-protocol the app would load the Vite dev server instead of ui/dist.
    cmd::run(cargo().args(["build", "-p", "schakel-app", "--features", "custom-protocol", "--locked"]))?;
    // Some tests prepare a store with the CLI (a demo store, as `cargo xtask run` makes).
    cmd::run(cargo().args(["build", "-p", "schakel-cli", "--locked"]))?;

    let tests = root.join(E2E_DIR);
    cmd::run(npm(&tests).arg("ci"))?;

    // The tests run a copy: another build of the package (without the feature) rewrites
    // target/debug/schakel-app and would otherwise change the app under the tests' feet.
    let target = root.join(target_dir());
    let binary = format!("schakel-app{}", std::env::consts::EXE_SUFFIX);
    let app = target.join("e2e").join(&binary);
    fs::create_dir_all(target.join("e2e")).map_err(|e| format!("could not create target/e2e: {e}"))?;
    fs::copy(target.join("debug").join(&binary), &app)
        .map_err(|e| format!("could not copy the app to {}: {e}", app.display()))?;
    let screenshots = target.join("e2e-screenshots");
    // Old pictures (a failure's above all) must not pass for this run's.
    remove_dir(&screenshots)?;
    // Each test's store and webview data go to a temp dir; they stay in here, even when a
    // test dies before it could clean up.
    let tmp = target.join("e2e").join("tmp");
    remove_dir(&tmp)?;
    fs::create_dir_all(&tmp).map_err(|e| format!("could not create {}: {e}", tmp.display()))?;

    let display = Xvfb::start()?;
    let marker = run_marker();
    let mut test = npm(&tests);
    test.arg("test")
        .env("DISPLAY", &display.display)
        .env("GDK_BACKEND", "x11")
        .env_remove("WAYLAND_DISPLAY")
        .env("SCHAKEL_APP", &app)
        .env("SCHAKEL_CLI", cmd::cli_binary("debug"))
        .env("SCHAKEL_E2E_SCREENSHOTS", &screenshots)
        .env("TAURI_DRIVER", &tauri_driver)
        .env("TMPDIR", &tmp)
        .env(RUN_MARKER, &marker);
    let result = cmd::run(&mut test);
    stop_leftovers(&marker);
    drop(display);
    result?;
    remove_dir(&tmp)?;
    println!("screenshots: {}", screenshots.strip_prefix(&root).unwrap_or(&screenshots).display());
    Ok(())
}

/// A virtual X display for the run, stopped when dropped (also when a test failed).
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    /// Starts Xvfb on the first free display from :99 and waits for its socket.
    fn start() -> Result<Xvfb> {
        for number in 99..140 {
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
            if socket.exists() || Path::new(&format!("/tmp/.X{number}-lock")).exists() {
                continue;
            }
            let display = format!(":{number}");
            println!("$ Xvfb {display} -screen 0 1366x768x24 -nolisten tcp");
            let mut child = Command::new("Xvfb")
                .args([&display, "-screen", "0", "1366x768x24", "-nolisten", "tcp"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| format!("could not start Xvfb: {e}"))?;
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                if socket.exists() {
                    return Ok(Xvfb { child, display });
                }
                // Lost a race for this display (or it failed): try the next one.
                if child.try_wait().map_err(|e| format!("Xvfb: {e}"))?.is_some() {
                    break;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(format!("Xvfb {display} did not start within 10 s"));
                }
                thread::sleep(Duration::from_millis(50));
            }
        }
        Err("no free X display between :99 and :139 for Xvfb".to_owned())
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        // Already gone is fine; there is nothing else to do about a failure here.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn remove_dir(dir: &Path) -> Result {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(format!("could not remove {}: {e}", dir.display()))
        }
        _ => Ok(()),
    }
}

fn run_marker() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("{}-{nanos}", std::process::id())
}

/// Stops every process that still carries this run's marker in its environment: a
/// tauri-driver, WebKitWebDriver or app that a crashed or timed-out test left behind.
fn stop_leftovers(marker: &str) {
    let needle = format!("{RUN_MARKER}={marker}");
    let own = std::process::id().to_string();
    let Ok(entries) = fs::read_dir("/proc") else { return };
    for entry in entries.flatten() {
        let pid = entry.file_name().to_string_lossy().into_owned();
        if pid == own || !pid.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // Processes that ended meanwhile, or that are not ours to read, are skipped.
        let Ok(environ) = fs::read(entry.path().join("environ")) else { continue };
        if environ.split(|&b| b == 0).any(|var| var == needle.as_bytes()) {
            let name = fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            println!("stopping leftover process {pid} ({})", name.trim());
            let _ = Command::new("kill").args(["-KILL", &pid]).status();
        }
    }
}
