//! Nothing readable reaches the disk: not the database, not its WAL or shm, not the key
//! file. A plaintext control proves the scan would see it if it were there.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use schakel_core::cases::{CaseProfile, NewCase};
use schakel_core::partners::{NewProject, PartnerKind};
use schakel_core::{InitStore, Store};
use schakel_tests::{PASS, TestStore, assert_ok, contains};

const CANARY: &str = "CANARYPROJ7731";
const CANARY_NAME: &str = "Kanarie project zonder betekenis";

fn scan_all(t: &TestStore) -> Vec<String> {
    let mut hits = Vec::new();
    for (path, bytes) in t.snapshot() {
        if let Some(b) = bytes {
            for needle in [CANARY, CANARY_NAME, PASS, "SQLite format 3"] {
                if contains(&b, needle.as_bytes()) {
                    hits.push(format!("{needle} in {}", path.display()));
                }
            }
        }
    }
    hits
}

#[test]
fn the_database_wal_and_key_file_hold_no_plaintext_before_and_after_checkpoint() {
    let t = TestStore::empty();
    let init = InitStore {
        partner_kind: PartnerKind::Caw,
        partner_name: "CAW Brussel".into(),
        municipality: None,
        worker_name: "Tester".into(),
    };
    let (mut store, _rk) = Store::create(&t.db, &init, PASS).unwrap();
    store.checkpoint().unwrap();
    store
        .write(|w| {
            w.add_project(&NewProject {
                id: None,
                code: CANARY.into(),
                name: CANARY_NAME.into(),
                starts_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                ends_on: None,
            })?;
            for _ in 0..50 {
                w.open_case(&NewCase {
                    id: None,
                    code: None,
                    opened_on: None,
                    owner_partner_id: None,
                    owner_worker_id: None,
                    profile: CaseProfile {
                        entry_route: "outreach".into(),
                        municipality: "21004".into(),
                        age_band: "35_44".into(),
                        household_type: "single_parent".into(),
                        gender: None,
                        contact_language: None,
                        interpreter: None,
                        residence_status: None,
                        life_domains: vec!["housing".into()],
                        project: Some(CANARY.into()),
                    },
                })?;
            }
            Ok(())
        })
        .unwrap();
    // The store is still open: the new pages sit in the WAL, not yet checkpointed.
    let wal = std::fs::read(t.db.with_extension("db-wal")).unwrap();
    assert!(wal.len() > 4096, "the write should be in the WAL ({} bytes)", wal.len());
    assert_eq!(scan_all(&t), Vec::<String>::new(), "before checkpoint");
    store.checkpoint().unwrap();
    assert_eq!(scan_all(&t), Vec::<String>::new(), "after checkpoint");
    drop(store);
    assert_eq!(scan_all(&t), Vec::<String>::new(), "after close");
    let db = std::fs::read(&t.db).unwrap();
    assert!(!db.starts_with(b"SQLite format 3"));

    // And the project is really there, readable through the key.
    let store = Store::open(&t.db, PASS).unwrap();
    assert!(store.projects().unwrap().iter().any(|p| p.code == CANARY));
}

#[test]
fn the_scan_finds_the_canary_in_a_plaintext_database() {
    // Control: without a key, SQLite writes plaintext and the same scan sees it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plain.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(&format!("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('{CANARY}');")).unwrap();
    drop(conn);
    let bytes = std::fs::read(&path).unwrap();
    assert!(bytes.starts_with(b"SQLite format 3"));
    assert!(contains(&bytes, CANARY.as_bytes()));
}

#[test]
fn a_canary_written_through_the_cli_is_absent_from_every_file() {
    let t = TestStore::init();
    assert_ok(&t.run(&["projects", "add", "--code", CANARY, "--name", CANARY_NAME, "--from", "01/01/2026"]));
    t.open_case(&["--project", CANARY]);
    assert_eq!(scan_all(&t), Vec::<String>::new());
    let check = t.json(&["check"]);
    assert_eq!(check["ok"], true);
    assert!(check["cipher_version"].as_str().unwrap().starts_with('4'), "{check}");
}
