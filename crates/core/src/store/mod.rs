//! The encrypted store: opening, creating and locking it, and the transaction that every
//! write goes through.
//!
//! Opening order matters for "a wrong passphrase or a corrupt file leaves every byte as
//! it was": the key file is read and the data key unwrapped before the database is
//! touched, and the database is only read (cipher check, header, schema version) before
//! anything that could write (WAL mode, migrations).

pub mod migrate;

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{Permission, Roles};
use crate::audit::{self, AuditAction};
use crate::changelog;
use crate::dates;
use crate::error::{Error, Result};
use crate::keys::{self, DataKey, KeyFile, RecoveryKey};
use crate::partners::PartnerKind;
use crate::reference::Vocabularies;

/// Who is acting: the unlocked worker and the partner they work for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Actor {
    pub partner_id: Uuid,
    pub worker_id: Uuid,
    /// What this worker may do (see `access`).
    #[ts(as = "Vec<crate::access::Role>")]
    pub roles: Roles,
}

/// The files that make up a store.
#[derive(Debug, Clone)]
pub struct StorePaths {
    pub db: PathBuf,
    pub keys: PathBuf,
    pub lock: PathBuf,
}

impl StorePaths {
    pub fn new(db: &Path) -> Self {
        let with = |suffix: &str| {
            let mut s = db.as_os_str().to_owned();
            s.push(suffix);
            PathBuf::from(s)
        };
        StorePaths { db: db.to_path_buf(), keys: keys::keyfile_path(db), lock: with(".lock") }
    }

    /// The database and its WAL and shared-memory files.
    pub fn database_files(&self) -> [PathBuf; 3] {
        let with = |suffix: &str| {
            let mut s = self.db.as_os_str().to_owned();
            s.push(suffix);
            PathBuf::from(s)
        };
        [self.db.clone(), with("-wal"), with("-shm")]
    }
}

/// What `init` needs.
#[derive(Debug, Clone)]
pub struct InitStore {
    pub partner_kind: PartnerKind,
    pub partner_name: String,
    pub municipality: Option<String>,
    pub worker_name: String,
}

/// An unlocked store. Dropping it closes the database and releases the lock; the data
/// key is zeroized.
pub struct Store {
    conn: Connection,
    paths: StorePaths,
    actor: Actor,
    vocab: Vocabularies,
    data_key: DataKey,
    _lock: File,
    today: Option<NaiveDate>,
    /// Set once the session's end is in the audit log (by `close` or on drop).
    ended: bool,
}

impl Drop for Store {
    /// A store dropped without `close` (the program ends, the shell locks) still records
    /// the end of the session; errors cannot be reported here and are left.
    fn drop(&mut self) {
        let _ = self.end_session("closed");
    }
}

/// Shortest passphrase accepted, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 10;
/// Lowest zxcvbn score (0 to 4) accepted.
pub const MIN_PASSPHRASE_SCORE: u8 = 3;

/// How good a passphrase is, for feedback while it is typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PassphraseStrength {
    /// zxcvbn's score, 0 (guessed at once) to 4 (very hard to guess).
    pub score: u8,
    /// Whether [`check_passphrase_strength`] accepts it.
    pub acceptable: bool,
    pub too_short: bool,
}

pub fn passphrase_strength(passphrase: &str) -> PassphraseStrength {
    let too_short = passphrase.chars().count() < MIN_PASSPHRASE_CHARS;
    let score = if passphrase.is_empty() { 0 } else { zxcvbn::zxcvbn(passphrase, &[]).score() as u8 };
    PassphraseStrength { score, acceptable: !too_short && score >= MIN_PASSPHRASE_SCORE, too_short }
}

/// Minimum passphrase quality: at least 10 characters and a zxcvbn score of 3 of 4.
pub fn check_passphrase_strength(passphrase: &str) -> Result<()> {
    let s = passphrase_strength(passphrase);
    if s.too_short {
        return Err(Error::validation("passphrase", "use at least 10 characters"));
    }
    if !s.acceptable {
        return Err(Error::validation("passphrase", "too easy to guess: use several unrelated words"));
    }
    Ok(())
}

impl Store {
    /// Creates a new store with its first partner and worker. Returns the recovery key,
    /// which is shown once and never stored in the clear.
    pub fn create(path: &Path, init: &InitStore, passphrase: &str) -> Result<(Store, RecoveryKey)> {
        let partner_name = crate::privacy::check_name("partner_name", &init.partner_name)?;
        let worker_name = crate::privacy::check_name("worker", &init.worker_name)?;
        check_passphrase_strength(passphrase)?;
        let paths = StorePaths::new(path);
        if paths.db.exists() || paths.keys.exists() {
            return Err(Error::StoreExists(paths.db.display().to_string()));
        }
        if let Some(dir) = paths.db.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir)?;
        }
        let lock = lock(&paths)?;
        let data_key = DataKey::generate()?;
        let result = (|| {
            let mut conn = connect(&paths.db, &data_key, true)?;
            configure(&conn)?;
            migrate::migrate(&mut conn)?;
            let store_id = crate::ids::new_id();
            let partner_id = crate::ids::new_id();
            let worker_id = crate::ids::new_id();
            // The one who makes the store may do everything, and hands roles out.
            let actor = Actor { partner_id, worker_id, roles: Roles::EVERY };
            let now = dates::now_ms();
            {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let vocab = Vocabularies::load(&tx)?;
                if let Some(m) = &init.municipality {
                    vocab.check(crate::reference::Vocab::Municipality, "municipality", m)?;
                }
                tx.execute(
                    "INSERT INTO store_meta (key, value) VALUES ('store_id', ?1), ('self_partner_id', ?2), ('created_at', ?3)",
                    (store_id.to_string(), partner_id.to_string(), now.to_string()),
                )?;
                tx.execute(
                    "INSERT INTO partner (id, owner_partner_id, kind, name, municipality_code, created_at, updated_at, created_by)
                     VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?5, ?6)",
                    (partner_id, init.partner_kind.as_str(), partner_name, &init.municipality, now, worker_id),
                )?;
                tx.execute(
                    "INSERT INTO worker (id, owner_partner_id, display_name, created_at, updated_at, created_by, roles)
                     VALUES (?1, ?2, ?3, ?4, ?4, ?1, ?5)",
                    (worker_id, partner_id, worker_name, now, Roles::EVERY.to_stored()),
                )?;
                changelog::record(
                    &tx,
                    &actor,
                    now,
                    "partner",
                    partner_id,
                    "create",
                    &["kind", "name", "municipality"],
                )?;
                changelog::record(&tx, &actor, now, "worker", worker_id, "create", &["display_name"])?;
                audit::append(
                    &tx,
                    &audit::NewEntry {
                        at: now,
                        actor: Some(&actor),
                        action: AuditAction::Unlock,
                        entity: None,
                        entity_id: None,
                        detail: serde_json::json!({"method": "create"}),
                    },
                )?;
                tx.commit()?;
            }
            let (mut keyfile, recovery) =
                KeyFile::create(store_id, worker_id, passphrase, &data_key, keys::DEFAULT_KDF)?;
            let (seq, hash) = audit::head(&conn)?;
            keyfile.set_audit_anchor(seq, &hash);
            keyfile.write(&paths.keys)?;
            let vocab = Vocabularies::load(&conn)?;
            Ok((conn, actor, vocab, recovery))
        })();
        match result {
            Ok((conn, actor, vocab, recovery)) => Ok((
                Store { conn, paths, actor, vocab, data_key, _lock: lock, today: None, ended: false },
                recovery,
            )),
            Err(e) => {
                for f in paths.database_files().iter().chain([&paths.keys]) {
                    let _ = fs::remove_file(f);
                }
                Err(e)
            }
        }
    }

    /// Opens a store with a worker's passphrase. After three wrong attempts in a row each
    /// further one must wait (5 s, doubling, at most 15 minutes), also across restarts:
    /// the failures are kept in the key file and go into the audit log at the next unlock.
    pub fn open(path: &Path, passphrase: &str) -> Result<Store> {
        let (store, recorded) = Store::open_unrecorded(path, passphrase)?;
        recorded?;
        Ok(store)
    }

    /// Opens a store to check it: a damaged store may refuse the audit entry of the
    /// unlock, which is returned beside the store instead of refusing to open it.
    pub fn open_for_check(path: &Path, passphrase: &str) -> Result<(Store, Option<Error>)> {
        let (store, recorded) = Store::open_unrecorded(path, passphrase)?;
        Ok((store, recorded.err()))
    }

    /// Opens a store whose lock the caller holds already (a restore keeps it throughout).
    pub(crate) fn open_locked(path: &Path, passphrase: &str, held: File) -> Result<Store> {
        let (store, recorded) = Store::open_unrecorded_with(path, passphrase, Some(held))?;
        recorded?;
        Ok(store)
    }

    fn open_unrecorded(path: &Path, passphrase: &str) -> Result<(Store, Result<()>)> {
        Store::open_unrecorded_with(path, passphrase, None)
    }

    fn open_unrecorded_with(
        path: &Path,
        passphrase: &str,
        held: Option<File>,
    ) -> Result<(Store, Result<()>)> {
        let paths = StorePaths::new(path);
        if !paths.db.exists() {
            return Err(Error::StoreNotFound(paths.db.display().to_string()));
        }
        let keyfile = KeyFile::read(&paths.keys)?;
        let lock = match held {
            Some(held) => held,
            None => lock(&paths)?,
        };
        keyfile.check_unlock_delay(dates::now_ms())?;
        let unlocked = match keyfile.open_passphrase(passphrase) {
            Ok(found) => found,
            Err(e) => return Err(Store::failed_attempt(&paths, keyfile, e)),
        };
        let (mut keyfile, legacy, worker) = (keyfile, unlocked.legacy, unlocked.worker_id);
        let data_key = settle_rotation(&paths.db, &mut keyfile, unlocked)?;
        if let (true, Some(worker)) = (legacy, worker) {
            keyfile.set_passphrase(worker, passphrase, &data_key)?;
        }
        let store = Store::open_with_key(paths, lock, data_key, worker)?;
        let recorded = store.record_unlock(keyfile, "passphrase");
        Ok((store, recorded))
    }

    /// Keeps a wrong attempt in the key file (nothing else is written) and returns `e`.
    fn failed_attempt(paths: &StorePaths, mut keyfile: KeyFile, e: Error) -> Error {
        if matches!(e, Error::WrongPassphrase) {
            keyfile.record_unlock_failure(dates::now_ms());
            if let Err(write) = keyfile.write(&paths.keys) {
                return write;
            }
        }
        e
    }

    /// Moves the failed attempts into the audit log, records this unlock, clears the
    /// failures and anchors the log in the key file.
    fn record_unlock(&self, mut keyfile: KeyFile, method: &str) -> Result<()> {
        let failures = std::mem::take(&mut keyfile.unlock_failures);
        let tx = self.conn.unchecked_transaction()?;
        audit_failed_unlocks(&tx, &failures)?;
        audit::append(
            &tx,
            &audit::NewEntry {
                at: dates::now_ms(),
                actor: Some(&self.actor),
                action: AuditAction::Unlock,
                entity: None,
                entity_id: None,
                detail: serde_json::json!({"method": method, "failed_before": failures.len()}),
            },
        )?;
        tx.commit()?;
        let (seq, hash) = audit::head(&self.conn)?;
        keyfile.set_audit_anchor(seq, &hash);
        keyfile.write(&self.paths.keys)
    }

    /// Opens a store with the recovery key and sets a new passphrase for the first
    /// administrator who has a key slot (the one who created the store, unless removed).
    /// The database is not re-encrypted; a wrong recovery key changes nothing but the
    /// count of failed attempts.
    pub fn recover(path: &Path, recovery_key: &str, new_passphrase: &str) -> Result<Store> {
        check_passphrase_strength(new_passphrase)?;
        let paths = StorePaths::new(path);
        if !paths.db.exists() {
            return Err(Error::StoreNotFound(paths.db.display().to_string()));
        }
        let mut keyfile = KeyFile::read(&paths.keys)?;
        let lock = lock(&paths)?;
        keyfile.check_unlock_delay(dates::now_ms())?;
        let unlocked = match keyfile.open_recovery(recovery_key) {
            Ok(u) => u,
            Err(e) => return Err(Store::failed_attempt(&paths, keyfile, e)),
        };
        let legacy = unlocked.legacy;
        let data_key = settle_rotation(&paths.db, &mut keyfile, unlocked)?;
        if legacy {
            keyfile.upgrade_recovery(recovery_key, &data_key)?;
        }
        let worker = first_admin(&paths.db, &data_key, &keyfile)?;
        let store = Store::open_with_key(paths, lock, data_key, Some(worker))?;
        keyfile.set_passphrase(worker, new_passphrase, &store.data_key)?;
        store.record_unlock(keyfile, "recovery_key")?;
        store.audit(AuditAction::PassphraseChange, None, None, serde_json::json!({"by": "recovery_key"}))?;
        Ok(store)
    }

    /// Ends the session: records why in the audit log, anchors the log in the key file
    /// and drops the store (the data key is zeroized).
    pub fn close(mut self, reason: &str) -> Result<()> {
        self.end_session(reason)
    }

    fn end_session(&mut self, reason: &str) -> Result<()> {
        if self.ended {
            return Ok(());
        }
        self.ended = true;
        self.audit(AuditAction::SessionEnd, None, None, serde_json::json!({"reason": reason}))?;
        let mut keyfile = KeyFile::read(&self.paths.keys)?;
        let (seq, hash) = audit::head(&self.conn)?;
        keyfile.set_audit_anchor(seq, &hash);
        keyfile.write(&self.paths.keys)
    }

    fn open_with_key(
        paths: StorePaths,
        lock: File,
        data_key: DataKey,
        worker: Option<Uuid>,
    ) -> Result<Store> {
        let conn = connect(&paths.db, &data_key, false)?;
        Store::from_connection(paths, lock, conn, data_key, worker)
    }

    /// The rest of an open, once the connection has proved its key.
    fn from_connection(
        paths: StorePaths,
        lock: File,
        mut conn: Connection,
        data_key: DataKey,
        worker: Option<Uuid>,
    ) -> Result<Store> {
        // Read-only checks first: nothing is written to a store we cannot use.
        migrate::check_not_newer(&conn)?;
        configure(&conn)?;
        migrate::migrate(&mut conn)?;
        let worker_id = worker.ok_or_else(|| Error::StoreCorrupt("key slot names no worker".into()))?;
        let (partner_id, roles, active): (Uuid, String, bool) = conn
            .query_row("SELECT owner_partner_id, roles, active FROM worker WHERE id = ?1", [worker_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?
            .ok_or_else(|| Error::StoreCorrupt("the key slot's worker is not in the store".into()))?;
        if !active {
            // A removed user's slot is deleted with them; this one was left behind.
            return Err(Error::WrongPassphrase);
        }
        let roles = Roles::from_stored(&roles)?;
        let vocab = Vocabularies::load(&conn)?;
        Ok(Store {
            conn,
            paths,
            actor: Actor { partner_id, worker_id, roles },
            vocab,
            data_key,
            _lock: lock,
            today: None,
            ended: false,
        })
    }

    /// Rewraps this worker's key slot with a new passphrase. The database is not touched.
    /// A wrong current passphrase counts as a failed unlock (the same growing wait, kept in
    /// the key file), so an unlocked, unattended session is no oracle for guessing it.
    pub fn change_passphrase(&self, old: &str, new: &str) -> Result<()> {
        check_passphrase_strength(new)?;
        let mut keyfile = KeyFile::read(&self.paths.keys)?;
        keyfile.check_unlock_delay(dates::now_ms())?;
        let mine = match keyfile.unlock_passphrase(old) {
            Ok((_, worker)) => worker == Some(self.actor.worker_id),
            Err(Error::WrongPassphrase) => false,
            Err(e) => return Err(e),
        };
        if !mine {
            return Err(Store::failed_attempt(&self.paths, keyfile, Error::WrongPassphrase));
        }
        // The current passphrase was known: earlier wrong attempts go into the audit log.
        audit_failed_unlocks(&self.conn, &std::mem::take(&mut keyfile.unlock_failures))?;
        keyfile.set_passphrase(self.actor.worker_id, new, &self.data_key)?;
        keyfile.write(&self.paths.keys)?;
        self.audit(AuditAction::PassphraseChange, None, None, serde_json::json!({"by": "passphrase"}))
    }

    /// Re-encrypts the database with a new random data key, sealed to every key slot left
    /// in the key file, so a key that was known before (a removed user's) opens nothing
    /// written from now on. Needs the right to manage users.
    pub fn rotate_data_key(&mut self) -> Result<()> {
        self.require(Permission::ManageUsers)?;
        let generation = self.rotate_key_steps(RotationStop::Done)?;
        self.audit(AuditAction::KeyRotate, None, None, serde_json::json!({"generation": generation}))
    }

    /// The rotation's steps; tests stop it part-way to play a crash.
    pub(crate) fn rotate_key_steps(&mut self, stop: RotationStop) -> Result<u32> {
        let next = DataKey::generate()?;
        let mut keyfile = KeyFile::read(&self.paths.keys)?;
        keyfile.begin_rotation(&next)?;
        keyfile.write(&self.paths.keys)?;
        if stop == RotationStop::AfterKeyFile {
            return Ok(keyfile.key_generation);
        }
        // SQLCipher re-encrypts in place through the rollback journal, not in WAL mode: the
        // WAL is emptied into the file first, and WAL mode comes back afterwards.
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        let mode: String = self.conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(Error::Conflict("the store is busy; try the rotation again".into()));
        }
        let rekeyed = self.conn.pragma_update(None, "rekey", &*next.pragma_value());
        let wal: rusqlite::Result<String> =
            self.conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0));
        rekeyed?;
        wal?;
        self.data_key = next;
        if stop == RotationStop::AfterRekey {
            return Ok(keyfile.key_generation);
        }
        keyfile.finish_rotation();
        keyfile.write(&self.paths.keys)?;
        Ok(keyfile.key_generation)
    }

    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// `Err(Forbidden)` unless the unlocked worker's roles grant `p`.
    pub fn require(&self, p: Permission) -> Result<()> {
        crate::access::require(self.actor.roles, p)
    }

    /// Case work on one case: a caseworker's own organisation's cases only.
    pub fn require_case(&self, case_id: Uuid) -> Result<()> {
        crate::access::require_case(self.actor, crate::cases::case_owner(&self.conn, case_id)?)
    }

    pub(crate) fn data_key(&self) -> &DataKey {
        &self.data_key
    }

    pub(crate) fn set_actor_roles(&mut self, roles: Roles) {
        self.actor.roles = roles;
    }

    pub fn paths(&self) -> &StorePaths {
        &self.paths
    }

    pub fn vocabularies(&self) -> &Vocabularies {
        &self.vocab
    }

    /// The date business rules treat as today (overridable for tests and demo data).
    pub fn today(&self) -> NaiveDate {
        self.today.unwrap_or_else(dates::today)
    }

    pub fn set_today(&mut self, today: NaiveDate) {
        self.today = Some(today);
    }

    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it is committed, or none of it.
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Writer<'_>) -> Result<T>) -> Result<T> {
        let today = self.today();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut w = Writer {
            conn: &tx,
            actor: self.actor,
            vocab: &self.vocab,
            now: dates::now_ms(),
            today,
            audit_each: true,
            warnings: crate::privacy::WarningPolicy::Ask(None),
            row_savepoints: true,
            exchanging: std::cell::Cell::new(None),
        };
        let out = f(&mut w)?;
        tx.commit()?;
        Ok(out)
    }

    /// Writes every WAL frame back into the database file.
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// How many rows the main tables hold (for `schakel bench` and administrators).
    pub fn record_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        self.require(Permission::Maintenance)?;
        const TABLES: [&str; 9] = [
            "case_file",
            "referral",
            "referral_event",
            "rights_check",
            "rights_check_step",
            "follow_up",
            "note",
            "signal",
            "audit_log",
        ];
        TABLES
            .iter()
            .map(|t| {
                let n: i64 = self.conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?;
                Ok((*t, n))
            })
            .collect()
    }

    /// Integrity and cipher check: SQLCipher's page HMACs, SQLite's structure, foreign keys.
    pub fn check(&self) -> Result<CheckReport> {
        self.require(Permission::Maintenance)?;
        let cipher_version = cipher_version(&self.conn)?;
        let problems = integrity_problems(
            &self.conn,
            &[
                ("cipher", "PRAGMA cipher_integrity_check", None),
                ("structure", "PRAGMA integrity_check", Some("ok")),
                ("foreign key", "PRAGMA foreign_key_check", None),
            ],
        );
        let schema_version = migrate::user_version(&self.conn)?;
        let page_count: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        // SQLCipher answers `page_size` as text in a `cipher_page_size` column.
        let page_size: i64 = self
            .conn
            .query_row("PRAGMA page_size", [], |r| r.get::<_, rusqlite::types::Value>(0))
            .map(|v| match v {
                rusqlite::types::Value::Integer(i) => i,
                rusqlite::types::Value::Text(t) => t.parse().unwrap_or(0),
                _ => 0,
            })?;
        Ok(CheckReport {
            cipher_version,
            schema_version,
            size_bytes: page_count * page_size,
            ok: problems.is_empty(),
            problems,
        })
    }

    /// Id of the partner this store belongs to.
    pub fn self_partner_id(&self) -> Result<Uuid> {
        self_partner_id(&self.conn)
    }
}

/// Id of the partner the store on this connection belongs to (also inside a write).
pub(crate) fn self_partner_id(conn: &Connection) -> Result<Uuid> {
    let s = crate::settings::read_meta(conn, "self_partner_id")?
        .ok_or_else(|| Error::StoreCorrupt("store_meta.self_partner_id".into()))?;
    crate::ids::parse_id("self_partner_id", &s)
        .map_err(|_| Error::StoreCorrupt("store_meta.self_partner_id".into()))
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CheckReport {
    pub ok: bool,
    pub cipher_version: String,
    #[ts(type = "number")]
    pub schema_version: i64,
    #[ts(type = "number")]
    pub size_bytes: i64,
    pub problems: Vec<String>,
}

/// A write transaction with the acting worker. Every write in core goes through one.
pub struct Writer<'a> {
    pub(crate) conn: &'a Connection,
    pub(crate) actor: Actor,
    pub(crate) vocab: &'a Vocabularies,
    pub(crate) now: i64,
    pub(crate) today: NaiveDate,
    /// Each change goes into the audit log; an import turns this off and records itself
    /// once instead.
    pub(crate) audit_each: bool,
    /// Second-level identifier warnings: refused unless a reason is given (set one with
    /// [`Writer::keep_warned_text`]); an import accepts them.
    pub(crate) warnings: crate::privacy::WarningPolicy,
    /// [`Writer::savepoint`] opens a savepoint; an import's first, optimistic pass turns
    /// this off (see `import::fast_then_careful`).
    pub(crate) row_savepoints: bool,
    /// Whether this store exchanges with any partner (a pinned key), read once per write:
    /// recording an event asks it, and an import records many.
    pub(crate) exchanging: std::cell::Cell<Option<bool>>,
}

impl Writer<'_> {
    pub fn actor(&self) -> Actor {
        self.actor
    }

    /// `Err(Forbidden)` unless the acting worker's roles grant `p`.
    pub fn require(&self, p: Permission) -> Result<()> {
        crate::access::require(self.actor.roles, p)
    }

    /// Case work on one case: a caseworker's own organisation's cases only.
    pub fn require_case(&self, case_id: Uuid) -> Result<()> {
        crate::access::require_case(self.actor, crate::cases::case_owner(self.conn, case_id)?)
    }

    /// The worker's reason to keep text in this write that the identifier check warns
    /// about (a likely date of birth, address or name). Recorded in the audit log with
    /// the kinds found, never the text.
    pub fn keep_warned_text(&mut self, reason: Option<crate::privacy::WarningOverride>) {
        self.warnings = crate::privacy::WarningPolicy::Ask(reason);
    }

    /// Checks free text for `entity.field` of record `id`: identifiers refuse, warnings
    /// refuse unless kept with a reason, which is audited.
    pub(crate) fn check_text(&self, entity: &str, id: Uuid, field: &str, text: &str) -> Result<()> {
        let kept = crate::privacy::check_free_text_warned(field, text, self.today, self.warnings)?;
        let Some(kept) = kept else { return Ok(()) };
        let kinds: Vec<&str> = kept.kinds.iter().map(|k| k.as_str()).collect();
        self.audit_event(
            AuditAction::WarningOverride,
            entity,
            id,
            serde_json::json!({"field": field, "kinds": kinds, "reason": kept.reason.as_str()}),
        )
    }

    pub(crate) fn log(&self, entity: &str, id: Uuid, action: &str, fields: &[&str]) -> Result<()> {
        changelog::record(self.conn, &self.actor, self.now, entity, id, action, fields)?;
        self.audit(entity, id, serde_json::json!({"action": action, "fields": fields}))
    }

    /// A change in the audit log (unless this write records itself as a whole).
    pub(crate) fn audit(&self, entity: &str, id: Uuid, detail: serde_json::Value) -> Result<()> {
        if !self.audit_each {
            return Ok(());
        }
        audit::append(
            self.conn,
            &audit::NewEntry {
                at: self.now,
                actor: Some(&self.actor),
                action: AuditAction::Change,
                entity: Some(entity),
                entity_id: Some(id),
                detail,
            },
        )
        .map(|_| ())
    }

    /// An entry of its own kind about one record (a user added, a role changed).
    pub(crate) fn audit_event(
        &self,
        action: AuditAction,
        entity: &str,
        id: Uuid,
        detail: serde_json::Value,
    ) -> Result<()> {
        audit::append(
            self.conn,
            &audit::NewEntry {
                at: self.now,
                actor: Some(&self.actor),
                action,
                entity: Some(entity),
                entity_id: Some(id),
                detail,
            },
        )
        .map(|_| ())
    }

    /// One entry for a whole write (an import), in place of an entry per change.
    pub(crate) fn audit_summary(&mut self, action: AuditAction, detail: serde_json::Value) -> Result<()> {
        self.audit_each = false;
        audit::append(
            self.conn,
            &audit::NewEntry {
                at: self.now,
                actor: Some(&self.actor),
                action,
                entity: None,
                entity_id: None,
                detail,
            },
        )
        .map(|_| ())
    }

    /// Runs `f` inside a savepoint: its writes are undone if it fails, the rest stays.
    pub(crate) fn savepoint<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        if !self.row_savepoints {
            return f(self);
        }
        // Cached: an import opens one savepoint per row.
        self.conn.prepare_cached("SAVEPOINT row")?.execute([])?;
        match f(self) {
            Ok(v) => {
                self.conn.prepare_cached("RELEASE row")?.execute([])?;
                Ok(v)
            }
            Err(e) => {
                self.conn.prepare_cached("ROLLBACK TO row")?.execute([])?;
                self.conn.prepare_cached("RELEASE row")?.execute([])?;
                Err(e)
            }
        }
    }
}

/// Takes the store's advisory lock: `StoreLocked` if another process holds it.
pub(crate) fn lock(paths: &StorePaths) -> Result<File> {
    let f = OpenOptions::new().create(true).truncate(false).write(true).open(&paths.lock)?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(fs::TryLockError::WouldBlock) => Err(Error::StoreLocked),
        Err(fs::TryLockError::Error(e)) => Err(e.into()),
    }
}

fn cipher_version(conn: &Connection) -> Result<String> {
    let v: Option<String> = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).optional()?;
    match v {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(Error::CipherMissing("SQLCipher is not linked; refusing to store data unencrypted".into())),
    }
}

/// Failed unlock attempts kept in the key file, into the audit log, each at its own time.
fn audit_failed_unlocks(conn: &Connection, failures: &[i64]) -> Result<()> {
    for &at in failures {
        audit::append(
            conn,
            &audit::NewEntry {
                at,
                actor: None,
                action: AuditAction::UnlockFailed,
                entity: None,
                entity_id: None,
                detail: serde_json::json!({}),
            },
        )?;
    }
    Ok(())
}

/// Where a key rotation stops; anything but `Done` plays a crash in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RotationStop {
    #[cfg_attr(not(test), allow(dead_code))]
    AfterKeyFile,
    #[cfg_attr(not(test), allow(dead_code))]
    AfterRekey,
    Done,
}

/// The oldest active administrator with a passphrase slot: whom the recovery key serves.
fn first_admin(db: &Path, key: &DataKey, keyfile: &KeyFile) -> Result<Uuid> {
    let conn = connect(db, key, false)?;
    let first_slot = || {
        keyfile
            .slots
            .iter()
            .find(|s| s.kind == keys::SlotKind::Passphrase)
            .and_then(|s| s.worker_id)
            .ok_or_else(|| Error::StoreCorrupt("the key file has no passphrase slot".into()))
    };
    // A store from before roles (migration 0007, not yet applied here): its creator's slot.
    let Ok(mut stmt) = conn.prepare("SELECT id, roles FROM worker WHERE active = 1 ORDER BY id") else {
        return first_slot();
    };
    let rows = stmt.query_map([], |r| Ok((r.get::<_, Uuid>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (id, roles) = row?;
        let has_slot =
            keyfile.slots.iter().any(|s| s.kind == keys::SlotKind::Passphrase && s.worker_id == Some(id));
        if has_slot && Roles::from_stored(&roles)?.has(crate::access::Role::Admin) {
            return Ok(id);
        }
    }
    Err(Error::StoreCorrupt("the store has no administrator with a key slot".into()))
}

/// Picks the key the database file has when a rotation was cut short: the current one
/// (the rotation is forgotten) or the next one (the rotation is finished). Nothing is
/// written here; the caller writes the key file.
fn settle_rotation(db: &Path, keyfile: &mut KeyFile, unlocked: keys::Unlocked) -> Result<DataKey> {
    let keys::Unlocked { key, next, .. } = unlocked;
    let Some(next) = next else { return Ok(key) };
    match connect(db, &key, false) {
        Ok(_) => {
            keyfile.abort_rotation();
            Ok(key)
        }
        Err(Error::StoreCorrupt(_)) => {
            connect(db, &next, false)?;
            keyfile.finish_rotation();
            Ok(next)
        }
        Err(e) => Err(e),
    }
}

/// Opens the database file with the data key and proves the key works, without writing.
fn connect(db: &Path, key: &DataKey, create: bool) -> Result<Connection> {
    connect_keyed(db, Some(key), create)
}

/// `key: None` only for the benchmark's plaintext copy (`plain.rs`).
fn connect_keyed(db: &Path, key: Option<&DataKey>, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(db, flags)?;
    cipher_version(&conn)?;
    // SQLCipher logs decryption failures to standard error by default; `check` reports
    // them instead, and nothing reaches a log behind the user's back.
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    if let Some(key) = key {
        conn.pragma_update(None, "key", &*key.pragma_value())?;
    }
    // Temp tables and sort spills stay in memory, never in plaintext temp files.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Decrypting a page costs more than reading it: keep up to 128 MiB of decrypted pages
    // (in memory only) instead of SQLite's default 2 MiB, so reports that touch many
    // pages do not decrypt them again on every run. With 64 MiB the twelve months of
    // statistics of a 100,000-case network took 1.25 times as long as on a plaintext copy;
    // with 128 MiB 1.11 times, and the process stays under 160 MiB (docs/performance.md).
    conn.pragma_update(None, "cache_size", -131_072)?;
    // Prepared statements kept for reuse: rusqlite keeps 16 by default, fewer than one
    // import or report uses, and preparing again costs more than running (parse, plan).
    conn.set_prepared_statement_cache_capacity(256);
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(conn),
        Err(e) => match Error::from(e) {
            Error::StoreCorrupt(_) | Error::Database(_) => {
                Err(Error::StoreCorrupt("the database cannot be decrypted with its own key".into()))
            }
            other => Err(other),
        },
    }
}

/// Settings that may write (journal mode); run only after the read-only checks.
/// Runs checks that answer one row per problem (`ok_row`: the row that means none) and
/// lists what they find. A check that cannot even finish (a page that fails its HMAC
/// stops SQLite's walk) is itself a problem, not a crash.
pub(crate) fn integrity_problems(conn: &Connection, checks: &[(&str, &str, Option<&str>)]) -> Vec<String> {
    let mut problems = Vec::new();
    for (label, sql, ok_row) in checks {
        let rows: rusqlite::Result<Vec<String>> = conn.prepare(sql).and_then(|mut stmt| {
            stmt.query_map([], |r| r.get::<_, rusqlite::types::Value>(0))?
                .map(|v| {
                    v.map(|v| match v {
                        rusqlite::types::Value::Text(t) => t,
                        other => format!("{other:?}"),
                    })
                })
                .collect()
        });
        match rows {
            Ok(rows) => problems.extend(
                rows.into_iter().filter(|r| Some(r.as_str()) != *ok_row).map(|r| format!("{label}: {r}")),
            ),
            Err(e) => problems.push(format!("{label}: {e}")),
        }
    }
    problems
}

fn configure(conn: &Connection) -> Result<()> {
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::StoreCorrupt(format!("journal mode {mode}")));
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "busy_timeout", 2000)?;
    Ok(())
}

#[cfg(feature = "bench-plain")]
mod plain;

#[cfg(test)]
mod plan_tests;

#[cfg(test)]
mod rotation_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_feedback_matches_the_rule_that_counts() {
        for (p, ok) in [
            ("", false),
            ("abc", false),
            ("password12", false),
            ("aaaaaaaaaaaaaaaa", false),
            ("correct horse battery staple 42", true),
            ("kanaal fiets oktober brood", true),
        ] {
            let s = passphrase_strength(p);
            assert_eq!(s.acceptable, ok, "{p}: {s:?}");
            assert_eq!(check_passphrase_strength(p).is_ok(), ok, "{p}");
        }
        assert!(passphrase_strength("short").too_short);
    }
}
