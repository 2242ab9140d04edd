//! Shared helpers for the integration tests: build and run the `schakel` binary against a
//! store in a temporary directory.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/pg.rs"]
pub mod pg;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

pub const PASS: &str = "correct horse battery staple 42";

/// The `schakel` binary, built once per test process.
pub fn bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "schakel-cli", "--bin", "schakel"])
            .current_dir(&root)
            .status()
            .expect("cargo build");
        assert!(status.success(), "building schakel failed");
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
        let exe = target.join("debug").join(format!("schakel{}", std::env::consts::EXE_SUFFIX));
        assert!(exe.exists(), "{} missing", exe.display());
        exe
    })
}

/// A store in its own temporary directory.
pub struct TestStore {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl TestStore {
    /// A new, initialised store (OCMW Jette, one worker).
    pub fn init() -> TestStore {
        let t = TestStore::empty();
        let out = t.run(&[
            "init",
            "--partner-kind",
            "ocmw",
            "--partner-name",
            "OCMW Jette",
            "--municipality",
            "21010",
            "--worker",
            "Tester",
        ]);
        assert_ok(&out);
        t
    }

    pub fn empty() -> TestStore {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("schakel.db");
        TestStore { dir, db }
    }

    pub fn cmd(&self) -> Command {
        let mut c = Command::new(bin());
        c.arg("--store").arg(&self.db).env("SCHAKEL_PASSPHRASE", PASS).env_remove("SCHAKEL_STORE");
        c
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.cmd().args(args).output().unwrap()
    }

    /// Runs with `--json` and parses standard output.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.cmd().arg("--json").args(args).output().unwrap();
        assert_ok(&out);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
    }

    pub fn case_count(&self) -> i64 {
        self.json(&["cases", "count"])["count"].as_i64().unwrap()
    }

    /// Opens a case with the minimum intake and returns its code.
    pub fn open_case(&self, extra: &[&str]) -> String {
        let mut args = vec![
            "cases",
            "open",
            "--entry-route",
            "own_initiative",
            "--municipality",
            "21010",
            "--age-band",
            "25_34",
            "--household",
            "single",
        ];
        args.extend_from_slice(extra);
        self.json(&args)["code"].as_str().unwrap().to_owned()
    }

    /// The database, its WAL and shm, and the key file, with their bytes (None if absent).
    /// The database files only (a wrong passphrase may add to the key file's count of
    /// failed attempts, nothing else).
    pub fn snapshot_db(&self) -> Vec<(PathBuf, Option<Vec<u8>>)> {
        let mut all = self.snapshot();
        all.pop();
        all
    }

    /// The key file without what an attempt to unlock may change (failed attempts, the
    /// audit anchor): its key slots and store id.
    pub fn key_slots(&self) -> serde_json::Value {
        let keys = schakel_core::store::StorePaths::new(&self.db).keys;
        let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(keys).unwrap()).unwrap();
        if let Some(o) = v.as_object_mut() {
            o.remove("unlock_failures");
            o.remove("audit_anchor");
        }
        v
    }

    /// Failed unlock attempts kept in the key file.
    pub fn failed_attempts(&self) -> usize {
        let keys = schakel_core::store::StorePaths::new(&self.db).keys;
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(keys).unwrap()).unwrap();
        v["unlock_failures"].as_array().map_or(0, Vec::len)
    }

    pub fn snapshot(&self) -> Vec<(PathBuf, Option<Vec<u8>>)> {
        let paths = schakel_core::store::StorePaths::new(&self.db);
        let mut files: Vec<PathBuf> = paths.database_files().to_vec();
        files.push(paths.keys);
        files
            .into_iter()
            .map(|p| {
                let bytes = std::fs::read(&p).ok();
                (p, bytes)
            })
            .collect()
    }
}

pub fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Asserts an exit code and returns standard error.
pub fn assert_exit(out: &Output, code: i32) -> String {
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {err}",
        String::from_utf8_lossy(&out.stdout)
    );
    err
}

/// Whether `needle` occurs anywhere in `hay`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}
