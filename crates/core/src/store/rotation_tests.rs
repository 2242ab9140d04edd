//! Rotating the data key: a removed user's key opens nothing afterwards, and a rotation
//! cut short at either half leaves a store that opens.

use rusqlite::Connection;

use super::*;
use crate::access::Role;
use crate::keys::SlotKind;
use crate::partners::PartnerKind;
use crate::test_util::{PASS, new_case, profile};
use crate::users::NewUser;

const OTHER: &str = "een andere lange wachtzin voor B";

fn init() -> InitStore {
    InitStore {
        partner_kind: PartnerKind::Ocmw,
        partner_name: "OCMW Sleutel".into(),
        municipality: None,
        worker_name: "Beheerder".into(),
    }
}

/// Whether a raw key (`x'…'`) opens the database file.
fn opens_with(db: &Path, pragma_key: &str) -> bool {
    let conn = Connection::open(db).expect("open file");
    conn.pragma_update(None, "cipher_log_level", "NONE").expect("log level");
    conn.pragma_update(None, "key", pragma_key).expect("key");
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_ok()
}

fn cases(store: &Store) -> i64 {
    store.conn.query_row("SELECT count(*) FROM case_file", [], |r| r.get(0)).expect("count")
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 2).expect("date")
}

#[test]
fn removing_a_user_rotates_the_key_so_the_old_key_and_their_passphrase_open_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("rotate.db");
    let (mut store, recovery) = Store::create(&path, &init(), PASS).expect("create");
    store.write(|w| w.open_case(&new_case(date(), profile("21010", &["housing"])))).expect("case");
    let b = store
        .add_user(&NewUser {
            display_name: "B".into(),
            roles: vec![Role::Caseworker],
            passphrase: OTHER.into(),
        })
        .expect("add B");
    let old_key = store.data_key.pragma_value().to_string();
    store.remove_user(b).expect("remove B");
    let new_key = store.data_key.pragma_value().to_string();
    assert_ne!(old_key, new_key);
    let audit = store.audit_entries(50).expect("audit");
    assert!(
        audit.iter().any(|e| e.action == AuditAction::KeyRotate.as_str()),
        "the rotation is in the audit log"
    );
    drop(store);

    let db = StorePaths::new(&path).db;
    assert!(!opens_with(&db, &old_key), "the key B knew no longer opens the database");
    assert!(opens_with(&db, &new_key));
    let keyfile = KeyFile::read(&StorePaths::new(&path).keys).expect("key file");
    assert_eq!(keyfile.key_generation, 1);
    assert!(!keyfile.rotation_pending());
    assert!(keyfile.slots.iter().all(|s| s.worker_id != Some(b)));

    assert!(matches!(Store::open(&path, OTHER), Err(Error::WrongPassphrase)));
    let store = Store::open(&path, PASS).expect("the admin's passphrase opens the new key");
    assert_eq!(cases(&store), 1, "nothing was lost");
    assert!(store.verify_audit().expect("verify").ok, "the audit chain survives the rekey");
    drop(store);
    let store =
        Store::recover(&path, recovery.as_str(), "nieuwe wachtzin na het herstel 7").expect("recover");
    assert_eq!(cases(&store), 1, "the recovery key opens the new key too");
}

/// A store with one case whose rotation stopped at `stop`, as a crash would leave it:
/// its directory, path, recovery key and the data key from before the rotation.
fn cut_off(stop: RotationStop) -> (tempfile::TempDir, std::path::PathBuf, keys::RecoveryKey, String) {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("cut.db");
    let (mut store, recovery) = Store::create(&path, &init(), PASS).expect("create");
    store.write(|w| w.open_case(&new_case(date(), profile("21010", &[])))).expect("case");
    let old_key = store.data_key.pragma_value().to_string();
    store.rotate_key_steps(stop).expect("rotation up to the stop");
    drop(store);
    (dir, path, recovery, old_key)
}

#[test]
fn a_rotation_cut_off_before_the_database_changed_keeps_the_old_key() {
    let (_dir, path, _, old_key) = cut_off(RotationStop::AfterKeyFile);
    assert!(KeyFile::read(&StorePaths::new(&path).keys).expect("read").rotation_pending());

    let store = Store::open(&path, PASS).expect("opens with the current key");
    assert_eq!(cases(&store), 1);
    drop(store);
    let keyfile = KeyFile::read(&StorePaths::new(&path).keys).expect("read");
    assert!(!keyfile.rotation_pending(), "the unfinished rotation is forgotten");
    assert_eq!(keyfile.key_generation, 0);
    assert!(opens_with(&StorePaths::new(&path).db, &old_key));
}

#[test]
fn a_rotation_cut_off_after_the_rekey_is_finished_at_the_next_open() {
    let (_dir, path, recovery, old_key) = cut_off(RotationStop::AfterRekey);
    let db = StorePaths::new(&path).db;
    assert!(!opens_with(&db, &old_key));

    let store = Store::open(&path, PASS).expect("opens with the next key");
    assert_eq!(cases(&store), 1);
    drop(store);
    let keyfile = KeyFile::read(&StorePaths::new(&path).keys).expect("read");
    assert!(!keyfile.rotation_pending());
    assert_eq!(keyfile.key_generation, 1);
    let store =
        Store::recover(&path, recovery.as_str(), "nieuwe wachtzin na het herstel 7").expect("recover");
    assert_eq!(cases(&store), 1);
}

#[test]
fn old_key_slots_are_upgraded_on_use_and_a_removal_waits_for_them() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("legacy.db");
    let (mut store, recovery) = Store::create(&path, &init(), PASS).expect("create");
    let admin = store.actor().worker_id;
    let b = store
        .add_user(&NewUser {
            display_name: "B".into(),
            roles: vec![Role::Caseworker],
            passphrase: OTHER.into(),
        })
        .expect("add B");
    let keys_path = StorePaths::new(&path).keys;
    // Rewrite the key file as format 1 wrote it.
    let mut kf = KeyFile::read(&keys_path).expect("read");
    let raw = keys::recovery_secret(recovery.as_str()).expect("raw");
    kf.format = 1;
    kf.slots = vec![
        keys::legacy_slot(kf.store_id, SlotKind::Passphrase, Some(admin), PASS.as_bytes(), &store.data_key)
            .expect("slot"),
        keys::legacy_slot(kf.store_id, SlotKind::Passphrase, Some(b), OTHER.as_bytes(), &store.data_key)
            .expect("slot"),
        keys::legacy_slot(kf.store_id, SlotKind::Recovery, None, &raw, &store.data_key).expect("slot"),
    ];
    kf.write(&keys_path).expect("write");
    drop(store);

    let mut store = Store::open(&path, PASS).expect("a format-1 slot opens");
    let kf = KeyFile::read(&keys_path).expect("read");
    assert_eq!(kf.legacy_slots(), vec![Some(b), None], "the admin's slot was rewritten on use");
    let before = std::fs::read(&keys_path).expect("bytes");
    let err = store.remove_user(b).expect_err("the recovery slot cannot take a new key yet");
    assert!(matches!(err, Error::Validation { ref field, .. } if field == "key_slots"), "{err:?}");
    assert_eq!(std::fs::read(&keys_path).expect("bytes"), before, "nothing changed");
    assert_eq!(store.users().expect("users").iter().filter(|u| u.active).count(), 2);
    drop(store);

    let mut store = Store::recover(&path, recovery.as_str(), PASS).expect("the old recovery slot opens");
    store.remove_user(b).expect("now every slot left can take the new key");
    drop(store);
    assert!(KeyFile::read(&keys_path).expect("read").legacy_slots().is_empty());
    Store::open(&path, PASS).expect("opens after the rotation");
}

#[test]
fn a_wrong_current_passphrase_counts_as_a_failed_unlock_and_waits_like_one() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("change.db");
    let (store, _) = Store::create(&path, &init(), PASS).expect("create");
    let keys_path = StorePaths::new(&path).keys;
    let slots_before = KeyFile::read(&keys_path).expect("read").slots.len();
    for _ in 0..3 {
        let err = store.change_passphrase("niet de goede wachtzin", OTHER).expect_err("wrong");
        assert!(matches!(err, Error::WrongPassphrase), "{err:?}");
    }
    let err = store.change_passphrase(PASS, OTHER).expect_err("must wait, even with the right one");
    assert!(matches!(err, Error::UnlockDelayed { seconds } if seconds > 0), "{err:?}");
    // The wait is the unlock's too: it is kept in the key file.
    let mut kf = KeyFile::read(&keys_path).expect("read");
    assert_eq!(kf.unlock_failures.len(), 3);
    assert_eq!(kf.slots.len(), slots_before);
    // Let the wait pass.
    for at in &mut kf.unlock_failures {
        *at -= 60_000;
    }
    kf.write(&keys_path).expect("write");
    store.change_passphrase(PASS, OTHER).expect("the right passphrase after the wait");
    assert!(KeyFile::read(&keys_path).expect("read").unlock_failures.is_empty());
    let failed = store.audit_entries(50).expect("audit");
    assert_eq!(failed.iter().filter(|e| e.action == AuditAction::UnlockFailed.as_str()).count(), 3);
    drop(store);
    assert!(matches!(Store::open(&path, PASS), Err(Error::WrongPassphrase)));
    Store::open(&path, OTHER).expect("the new passphrase opens");
}
