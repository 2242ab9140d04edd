//! Bad input gets a specific error and exit code, and leaves every file as it was.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use schakel_tests::{PASS, TestStore, assert_exit, assert_ok};

#[test]
fn a_wrong_passphrase_is_refused_and_changes_no_byte() {
    let t = TestStore::init();
    t.open_case(&[]);
    let before = t.snapshot();
    let out = t
        .cmd()
        .env("SCHAKEL_PASSPHRASE", "wrong horse battery staple")
        .args(["cases", "list"])
        .output()
        .unwrap();
    let err = assert_exit(&out, 3);
    assert!(err.contains("wrong passphrase"), "{err}");
    assert_eq!(t.snapshot(), before);
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
    for _ in 0..3 {
        t.open_case(&["--domain", "housing", "--domain", "debts"]);
    }
    let mut bytes = std::fs::read(&t.db).unwrap();
    let n = bytes.len();
    assert!(n > 3 * 4096);
    for b in &mut bytes[n - 2000..n - 1900] {
        *b ^= 0xff;
    }
    std::fs::write(&t.db, &bytes).unwrap();
    let out = t.run(&["check"]);
    assert_exit(&out, 6);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PROBLEM"), "{text}");
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
    assert_eq!(std::fs::read(&t.db).unwrap(), db_before, "the database is not re-encrypted");
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
    let before = t.snapshot();
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
    assert_eq!(t.snapshot(), before);
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
