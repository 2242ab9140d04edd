//! Backups through the CLI: made, checked and restored; what is refused leaves the store
//! as it was, byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use schakel_tests::{PASS, TestStore, assert_exit, assert_ok, contains};

const CANARY: &str = "CANARYBACKUPCLI42";
const CANARY_NAME: &str = "Kanarie in de reservekopie";

type Files = Vec<(std::path::PathBuf, Option<Vec<u8>>)>;

/// The store's files and every name in its directory.
fn everything(t: &TestStore) -> (Files, Vec<String>) {
    let mut names: Vec<String> = std::fs::read_dir(t.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    names.sort();
    (t.snapshot(), names)
}

#[test]
fn a_backup_is_made_checked_and_restored_through_the_cli() {
    let t = TestStore::init();
    assert_ok(&t.run(&["projects", "add", "--code", CANARY, "--name", CANARY_NAME, "--from", "01/01/2026"]));
    t.open_case(&["--project", CANARY]);

    // Without --out: a dated name in the current directory.
    let out = tempfile::tempdir().unwrap();
    let made = t.cmd().current_dir(out.path()).args(["--json", "backup", "create"]).output().unwrap();
    assert_ok(&made);
    let made: serde_json::Value = serde_json::from_slice(&made.stdout).unwrap();
    let name = made["file"].as_str().unwrap();
    assert!(name.starts_with("schakel-backup-") && name.ends_with(".schakelbackup"), "{made}");
    let file = out.path().join(name);
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(bytes.len() as u64, made["backup"]["file_bytes"].as_u64().unwrap());
    for needle in [CANARY, CANARY_NAME, PASS, "SQLite format 3", "OCMW Jette", "Tester"] {
        assert!(!contains(&bytes, needle.as_bytes()), "{needle} in the backup");
    }
    let file = file.to_str().unwrap();

    let checked = t.json(&["backup", "verify", file]);
    assert_eq!(checked["store_id"], made["backup"]["store_id"]);
    assert_eq!(checked["audit_intact"], true);
    let listed = t.json(&["audit", "list", "--limit", "20"]);
    assert!(listed.as_array().unwrap().iter().any(|e| e["action"] == "backup.create"), "{listed}");

    // Work after the backup, then back to it.
    t.open_case(&[]);
    assert_eq!(t.case_count(), 2);
    let restored = t.json(&["backup", "restore", file]);
    assert_eq!(restored["kept"].as_array().unwrap().len(), 2, "database and key file kept: {restored}");
    for k in restored["kept"].as_array().unwrap() {
        assert!(std::path::Path::new(k.as_str().unwrap()).exists(), "{k}");
    }
    assert_eq!(t.case_count(), 1);
    assert_eq!(t.json(&["audit", "verify"])["ok"], true);
    let listed = t.json(&["audit", "list", "--limit", "20"]);
    assert!(listed.as_array().unwrap().iter().any(|e| e["action"] == "backup.restore"), "{listed}");
    let human = t.run(&["backup", "restore", file]);
    assert_ok(&human);
    assert!(String::from_utf8_lossy(&human.stdout).contains(".before-restore-"));
}

#[test]
fn a_bad_backup_a_wrong_passphrase_or_an_open_store_is_refused_with_the_store_intact() {
    let t = TestStore::init();
    t.open_case(&[]);
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("b.schakelbackup");
    let file_s = file.to_str().unwrap();
    assert_ok(&t.run(&["backup", "create", "--out", file_s]));
    let good = std::fs::read(&file).unwrap();
    t.open_case(&[]);
    let before = everything(&t);

    let damaged = out.path().join("damaged.schakelbackup");
    let mut bytes = good.clone();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&damaged, &bytes).unwrap();
    let err = assert_exit(&t.run(&["backup", "restore", damaged.to_str().unwrap()]), 8);
    assert!(err.contains("damaged"), "{err}");
    let err = assert_exit(&t.run(&["backup", "verify", damaged.to_str().unwrap()]), 8);
    assert!(err.contains("damaged"), "{err}");

    let cut = out.path().join("cut.schakelbackup");
    std::fs::write(&cut, &good[..good.len() - 100]).unwrap();
    let err = assert_exit(&t.run(&["backup", "restore", cut.to_str().unwrap()]), 8);
    assert!(err.contains("incomplete"), "{err}");

    let other = TestStore::init();
    let foreign = out.path().join("foreign.schakelbackup");
    assert_ok(&other.run(&["backup", "create", "--out", foreign.to_str().unwrap()]));
    let err = assert_exit(&t.run(&["--json", "backup", "restore", foreign.to_str().unwrap()]), 8);
    let v: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(v["error"]["kind"], "validation");
    assert_eq!(v["error"]["field"], "backup");
    assert!(v["error"]["message"].as_str().unwrap().contains("another store"), "{v}");

    let wrong = t
        .cmd()
        .env("SCHAKEL_PASSPHRASE", "wrong horse battery staple")
        .args(["backup", "restore", file_s])
        .output()
        .unwrap();
    assert_exit(&wrong, 3);
    // None of these refusals changed a byte or left a file behind (a wrong passphrase for
    // a backup is not a failed unlock of the store).
    assert_eq!(everything(&t), before);

    let held = schakel_core::Store::open(&t.db, PASS).unwrap();
    held.checkpoint().unwrap();
    let locked_before = everything(&t);
    let err = assert_exit(&t.run(&["backup", "restore", file_s]), 5);
    assert!(err.contains("another process"), "{err}");
    assert_eq!(everything(&t), locked_before);
    drop(held);
    assert_eq!(t.case_count(), 2);
}
