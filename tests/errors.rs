//! Bad input gets a specific error and exit code, and leaves every file as it was.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use schakel_tests::{PASS, TestStore, assert_exit, assert_ok};

#[test]
fn a_wrong_passphrase_is_refused_and_changes_no_byte() {
    let t = TestStore::init();
    t.open_case(&[]);
    let before = t.snapshot_db();
    let slots = t.key_slots();
    let out = t
        .cmd()
        .env("SCHAKEL_PASSPHRASE", "wrong horse battery staple")
        .args(["cases", "list"])
        .output()
        .unwrap();
    let err = assert_exit(&out, 3);
    assert!(err.contains("wrong passphrase"), "{err}");
    assert_eq!(t.snapshot_db(), before, "no byte of the database changes");
    assert_eq!(t.key_slots(), slots, "the key slots stay as they were");
    assert_eq!(t.failed_attempts(), 1, "the failed attempt is counted (for the wait and the audit log)");
    // JSON errors carry a stable kind.
    let out =
        t.cmd().env("SCHAKEL_PASSPHRASE", "nope nope nope nope").args(["--json", "check"]).output().unwrap();
    let err = assert_exit(&out, 3);
    let v: serde_json::Value = serde_json::from_str(err.trim()).unwrap();
    assert_eq!(v["error"]["kind"], "wrong_passphrase");
}

#[test]
fn a_missing_store_and_an_existing_one_are_named() {
    let t = TestStore::empty();
    assert_exit(&t.run(&["cases", "list"]), 4);
    assert!(!t.db.exists(), "looking must not create a store");
    let t = TestStore::init();
    let before = t.snapshot();
    let out = t.run(&["init", "--partner-kind", "caw", "--partner-name", "CAW", "--worker", "X"]);
    assert_exit(&out, 12);
    assert_eq!(t.snapshot(), before);
}

#[test]
fn a_store_open_elsewhere_is_reported_as_locked() {
    let t = TestStore::init();
    let held = schakel_core::Store::open(&t.db, PASS).unwrap();
    let err = assert_exit(&t.run(&["cases", "list"]), 5);
    assert!(err.contains("another process"), "{err}");
    drop(held);
    assert_ok(&t.run(&["cases", "list"]));
}

#[test]
fn a_corrupt_database_is_refused_untouched() {
    let t = TestStore::init();
    t.open_case(&[]);
    // Damage the first page (the header is encrypted: any change breaks its HMAC).
    let mut bytes = std::fs::read(&t.db).unwrap();
    for b in &mut bytes[100..140] {
        *b ^= 0x5a;
    }
    std::fs::write(&t.db, &bytes).unwrap();
    let before = t.snapshot();
    let err = assert_exit(&t.run(&["cases", "list"]), 6);
    assert!(err.contains("damaged"), "{err}");
    assert_eq!(t.snapshot(), before);
}

#[test]
fn damage_deeper_in_the_file_is_found_by_check() {
    let t = TestStore::init();
    // The schema and reference lists are written when the store is made; once records
    // fill the file beyond that, the pages in the middle of the new part hold records,
    // which opening does not read and `check` does.
    let made = std::fs::metadata(&t.db).unwrap().len() as usize;
    assert_ok(&t.run(&["demo", "--cases", "150", "--seed", "2", "--until", "30/06/2026"]));
    let mut bytes = std::fs::read(&t.db).unwrap();
    assert!(bytes.len() > made + 20 * 4096, "records were added: {made} then {}", bytes.len());
    let middle = made + (bytes.len() - made) / 2;
    for b in &mut bytes[middle..middle + 100] {
        *b ^= 0xff;
    }
    std::fs::write(&t.db, &bytes).unwrap();
    let out = t.run(&["check"]);
    let err = assert_exit(&out, 6);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PROBLEM"), "stdout: {text}\nstderr: {err}");
}

#[test]
fn a_corrupt_key_file_is_reported() {
    let t = TestStore::init();
    let keys = schakel_core::store::StorePaths::new(&t.db).keys;
    std::fs::write(&keys, b"{ not json").unwrap();
    let before = t.snapshot();
    assert_exit(&t.run(&["cases", "list"]), 6);
    assert_eq!(t.snapshot(), before);
}

#[test]
fn a_store_from_a_newer_version_is_refused_untouched() {
    let t = TestStore::init();
    schakel_core::testing::set_user_version(&t.db, PASS, 9999).unwrap();
    let before = t.snapshot();
    let err = assert_exit(&t.run(&["cases", "list"]), 7);
    assert!(err.contains("newer version"), "{err}");
    assert_eq!(t.snapshot(), before);
}

#[test]
fn invalid_input_is_a_validation_error_and_writes_nothing() {
    let t = TestStore::init();
    let code = t.open_case(&[]);
    let n = t.case_count();
    let err = assert_exit(
        &t.run(&[
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
            "--opened-on",
            "31/02/2026",
        ]),
        8,
    );
    assert!(err.contains("not a valid date"), "{err}");
    let err = assert_exit(
        &t.run(&[
            "cases",
            "open",
            "--entry-route",
            "own_initiative",
            "--municipality",
            "99999",
            "--age-band",
            "25_34",
            "--household",
            "single",
        ]),
        8,
    );
    assert!(err.contains("municipality"), "{err}");
    assert_eq!(t.case_count(), n);

    // A referral to one's own partner.
    let err =
        assert_exit(&t.run(&["referrals", "add", &code, "--to", "OCMW Jette", "--domain", "housing"]), 8);
    assert!(err.contains("cannot go to the partner that sends it"), "{err}");

    // A note with a national register number is refused, naming what and where.
    let err = assert_exit(&t.run(&["cases", "note", &code, "Rijksregister 93051822361 meegegeven"]), 8);
    assert!(err.contains("national register number at characters 15–25"), "{err}");
    assert!(!err.contains("93051822361"), "the error must not repeat the identifier: {err}");
    let show = t.json(&["cases", "show", &code]);
    assert_eq!(show["notes"].as_array().unwrap().len(), 0);
}

#[test]
fn changing_the_passphrase_rewraps_the_key_and_leaves_the_database_alone() {
    let t = TestStore::init();
    t.open_case(&[]);
    let db_before = std::fs::read(&t.db).unwrap();
    let new = "another long passphrase for jette";
    let out = t.cmd().env("SCHAKEL_NEW_PASSPHRASE", new).arg("passphrase").output().unwrap();
    assert_ok(&out);
    // Not re-encrypted: the pages written before are still there, byte for byte (the
    // audit log adds a few). Re-encryption would change every page (fresh IVs).
    let after = std::fs::read(&t.db).unwrap();
    let same = db_before.chunks(4096).zip(after.chunks(4096)).filter(|(a, b)| a == b).count();
    assert!(
        same * 10 >= (db_before.len() / 4096) * 8,
        "{same} of {} pages unchanged",
        db_before.len() / 4096
    );
    assert_exit(&t.run(&["cases", "list"]), 3);
    let out = t.cmd().env("SCHAKEL_PASSPHRASE", new).args(["cases", "list"]).output().unwrap();
    assert_ok(&out);
}

#[test]
fn the_recovery_key_sets_a_new_passphrase_and_a_wrong_one_changes_nothing() {
    let t = TestStore::empty();
    let out = t
        .cmd()
        .args(["--json", "init", "--partner-kind", "dmw", "--partner-name", "DMW Brussel", "--worker", "W"])
        .output()
        .unwrap();
    assert_ok(&out);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let key = v["recovery_key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 39, "{key}");
    let before = t.snapshot_db();
    let slots = t.key_slots();
    let wrong = key.replace(&key[..4], "AAAA");
    let new = "a fresh passphrase after recovery";
    let out = t
        .cmd()
        .env("SCHAKEL_RECOVERY_KEY", &wrong)
        .env("SCHAKEL_NEW_PASSPHRASE", new)
        .arg("recover")
        .output()
        .unwrap();
    assert_exit(&out, 3);
    assert_eq!(t.snapshot_db(), before);
    assert_eq!(t.key_slots(), slots);
    // Typed in lower case with spaces instead of dashes: still accepted.
    let typed = key.to_lowercase().replace('-', " ");
    let out = t
        .cmd()
        .env("SCHAKEL_RECOVERY_KEY", &typed)
        .env("SCHAKEL_NEW_PASSPHRASE", new)
        .arg("recover")
        .output()
        .unwrap();
    assert_ok(&out);
    assert_exit(&t.run(&["cases", "list"]), 3);
    assert_ok(&t.cmd().env("SCHAKEL_PASSPHRASE", new).args(["cases", "list"]).output().unwrap());
}

#[test]
fn a_bad_import_is_refused_with_every_line_and_writes_nothing() {
    let t = TestStore::init();
    let file = t.dir.path().join("sheet.csv");
    std::fs::write(
        &file,
        "opened_on;entry_route;municipality;age_band;household_type;note\n\
         01/03/2026;outreach;21001;25_34;single;\n\
         31/02/2026;outreach;21001;25_34;single;\n\
         02/03/2026;outreach;Atlantis;25_34;single;\n\
         03/03/2026;outreach;21001;25_34;single;mail jan@example.org\n",
    )
    .unwrap();
    let before = t.case_count();
    let err = assert_exit(&t.run(&["import", file.to_str().unwrap()]), 11);
    for line in ["line 3:", "line 4:", "line 5:"] {
        assert!(err.contains(line), "{line} missing in {err}");
    }
    assert!(!err.contains("line 2:"), "{err}");
    assert!(!err.contains("jan@example.org"), "{err}");
    assert_eq!(t.case_count(), before);
}
