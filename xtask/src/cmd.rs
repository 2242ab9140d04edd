//! Shared helpers: workspace paths and running commands with a visible command line.

use std::env;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Errors are messages for the person at the terminal.
pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map_or_else(|| manifest_dir.join(".."), Path::to_path_buf)
}

/// Cargo's target directory: `CARGO_TARGET_DIR` if set, else `target` (relative to [`root`]).
pub fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if Path::new(&dir).is_absolute() => PathBuf::from(dir),
        // Cargo resolves a relative CARGO_TARGET_DIR against the directory it was started in.
        Some(dir) => env::current_dir().map_or_else(|_| PathBuf::from(&dir), |cwd| cwd.join(&dir)),
        None => PathBuf::from("target"),
    }
}

/// Path of the `schakel` binary for a cargo profile directory (`debug` or `release`).
pub fn cli_binary(profile: &str) -> PathBuf {
    root().join(target_dir()).join(profile).join(format!("schakel{}", env::consts::EXE_SUFFIX))
}

/// `cargo` (the one running us), started in the workspace root.
pub fn cargo() -> Command {
    let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// `npm`, started in `dir`.
pub fn npm(dir: &Path) -> Command {
    let mut command = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
    command.current_dir(dir);
    command
}

/// Run a command with inherited output, echoing it first; an error if it fails.
pub fn run(command: &mut Command) -> Result {
    let shown = show(command);
    println!("$ {shown}");
    let status = command.status().map_err(|e| format!("could not start `{shown}`: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("`{shown}` failed ({status})")) }
}

/// Whether a command runs and exits successfully; its output is discarded.
pub fn succeeds(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Standard output of a command, whatever its exit status; `None` if it can't start.
pub fn stdout_of(command: &mut Command) -> Option<String> {
    let output = command.stdin(Stdio::null()).stderr(Stdio::null()).output().ok()?;
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Whether a program can be started at all (`PROGRAM --version`, exit status ignored).
pub fn program_exists(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// The first `PATH` entry that holds an executable file of this name.
pub fn on_path(program: &str) -> Option<PathBuf> {
    let name = format!("{program}{}", env::consts::EXE_SUFFIX);
    env::split_paths(&env::var_os("PATH")?).map(|dir| dir.join(&name)).find(|path| path.is_file())
}

/// Whether the workspace has a package of this name (per `cargo metadata`).
pub fn workspace_has_package(name: &str) -> Result<bool> {
    let output = cargo()
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not start `cargo metadata`: {e}"))?;
    if !output.status.success() {
        return Err(format!("`cargo metadata` failed ({})", output.status));
    }
    let metadata = String::from_utf8_lossy(&output.stdout);
    Ok(metadata.contains(&format!("\"name\":\"{name}\"")))
}

/// The command line as a person would type it in the workspace root.
fn show(command: &Command) -> String {
    let program = command.get_program();
    let root = root();
    let program = if env::var_os("CARGO").is_some_and(|cargo| cargo == program) {
        OsStr::new("cargo")
    } else {
        Path::new(program).strip_prefix(&root).map_or(program, Path::as_os_str)
    };
    std::iter::once(program).chain(command.get_args()).map(quote).collect::<Vec<_>>().join(" ")
}

fn quote(arg: &OsStr) -> String {
    let arg = arg.to_string_lossy();
    if arg.is_empty() || arg.contains(|c: char| c.is_whitespace() || "'\"$\\".contains(c)) {
        format!("'{}'", arg.replace('\'', r"'\''"))
    } else {
        arg.into_owned()
    }
}
