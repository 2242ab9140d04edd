//! Key rotation through the CLI: removing a user re-encrypts the store; the removed
//! passphrase opens nothing, everyone else and the data stay.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use schakel_tests::{TestStore, assert_exit};

const B_PASS: &str = "de wachtzin van medewerker B 2026";

#[test]
fn removing_a_user_rotates_the_data_key_and_their_passphrase_stops_working() {
    let t = TestStore::init();
    t.open_case(&["--domain", "housing"]);
    let out = t
        .cmd()
        .env("SCHAKEL_NEW_PASSPHRASE", B_PASS)
        .args(["--json", "users", "add", "--name", "Medewerker B", "--role", "caseworker"])
        .output()
        .unwrap();
    let b: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let b = b["id"].as_str().unwrap().to_owned();
    // B can work before the removal.
    let as_b = || t.cmd().env("SCHAKEL_PASSPHRASE", B_PASS).args(["cases", "count"]).output().unwrap();
    assert!(as_b().status.success());
    let db_before = std::fs::read(&t.db).unwrap();
    let slots_before = t.key_slots();
    assert_eq!(slots_before["key_generation"], 0);

    let removed = t.json(&["users", "remove", &b]);
    assert_eq!(removed["key_rotated"], true);
    let slots = t.key_slots();
    assert_eq!(slots["key_generation"], 1, "{slots}");
    assert_eq!(slots["slots"].as_array().unwrap().len(), 2, "the admin's slot and the recovery slot");
    assert_ne!(std::fs::read(&t.db).unwrap(), db_before, "every page was re-encrypted");
    assert_exit(&as_b(), 3);
    assert_eq!(t.case_count(), 1, "nothing was lost");

    // A rotation on request keeps every passphrase working.
    assert_eq!(t.json(&["users", "rotate-key"])["key_rotated"], true);
    assert_eq!(t.key_slots()["key_generation"], 2);
    assert_eq!(t.case_count(), 1);
    let audit = t.json(&["audit", "list", "--limit", "50"]);
    let rotations = audit
        .as_array()
        .or_else(|| audit["entries"].as_array())
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "key.rotate")
        .count();
    assert_eq!(rotations, 2, "{audit}");
}
