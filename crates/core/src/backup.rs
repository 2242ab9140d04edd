//! Backups: one file holding a consistent copy of the database, still encrypted with the
//! store's data key, and the key file whose slots open it (every passphrase and the
//! recovery key that opened the store open its backup). A restore checks the whole file
//! before it replaces anything, and keeps the store it replaces.
//!
//! # The file (format 1)
//!
//! All integers are little-endian.
//!
//! | bytes | what |
//! |---|---|
//! | 16 | magic `\x89SCHAKEL-BAK\r\n\x1a\n` (the `\x89`, CR LF and ^Z show a text-mode transfer) |
//! | 4 | format version, `1` |
//! | 4 | length of the header |
//! | n | header, JSON: store id, created at (Unix ms), schema version, app version, and per part its name, size and Blake2b-256 |
//! | … | the parts in the header's order: `database` (made by SQLCipher's `VACUUM INTO`: every page encrypted and authenticated under the data key, no plaintext header), then `keys` (the key file: wrapped data key, no secret in the clear) |
//! | 32 | Blake2b-256 of everything before it |
//!
//! Nothing in the file is plaintext case data: the header holds ids, times and sizes, the
//! key file holds ids and wrapped keys, and the database is as encrypted as the store.
//!
//! # Checks before a restore
//!
//! Magic and version; sizes (a truncated file is named as such); the digest of each part
//! and of the whole file; the key file reads and names the header's store; the data key
//! unwraps with the passphrase (or the recovery key); the database opens with it, passes
//! SQLCipher's `cipher_integrity_check` (every page's HMAC) and SQLite's `integrity_check`,
//! names the same store and is not from a newer Schakel. All of it happens on copies in a
//! temporary directory: nothing of the live store is touched until every check passed.

use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audit::AuditAction;
use crate::dates;
use crate::error::{Error, Result};
use crate::keys::{DataKey, KeyFile};
use crate::store::{self, Store, StorePaths, migrate};

/// The first bytes of every backup.
pub const MAGIC: &[u8; 16] = b"\x89SCHAKEL-BAK\r\n\x1a\n";
/// The format this build writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The file name extension of a backup.
pub const EXTENSION: &str = "schakelbackup";
/// Remind when the last backup is older than this many days (or there is none).
pub const DEFAULT_REMINDER_DAYS: u32 = 7;

const MAX_HEADER_BYTES: u32 = 64 * 1024;
const MAX_KEYS_BYTES: u64 = 1024 * 1024;
const LAST_BACKUP_KEY: &str = "last_backup_at";
const PART_DATABASE: &str = "database";
const PART_KEYS: &str = "keys";
const SQLITE_PLAINTEXT_HEADER: &[u8; 16] = b"SQLite format 3\0";
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

type Hasher = Blake2b<U32>;

/// What a backup holds, as written or as checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BackupInfo {
    pub store_id: Uuid,
    /// When the backup was made (Unix ms).
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub schema_version: i64,
    /// The Schakel version that made it.
    pub app_version: String,
    #[ts(type = "number")]
    pub database_bytes: u64,
    #[ts(type = "number")]
    pub file_bytes: u64,
    /// Whether the audit log in the backup verifies against its key file's anchor (known
    /// once the backup was checked with a passphrase; a broken log does not refuse it).
    pub audit_intact: Option<bool>,
}

/// When the last backup was made and whether it is time for another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BackupStatus {
    /// Unix ms; `None` if this store was never backed up.
    #[ts(type = "number | null")]
    pub last_backup_at: Option<i64>,
    /// True when there is no backup or the last one is older than `reminder_days`.
    pub due: bool,
    pub reminder_days: u32,
}

/// What a restore did.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreInfo {
    pub backup: BackupInfo,
    /// Where the replaced store's files are kept (empty if there was no store).
    pub kept: Vec<PathBuf>,
}

/// A backup checked by [`Store::prepare_restore`], ready for [`Store::restore_prepared`].
pub struct RestorePlan {
    backup: PathBuf,
    passphrase: zeroize::Zeroizing<String>,
    /// What the checked backup holds.
    pub info: BackupInfo,
}

/// How the data key in a backup is unwrapped.
#[derive(Clone, Copy)]
pub enum BackupSecret<'a> {
    Passphrase(&'a str),
    RecoveryKey(&'a str),
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    store_id: Uuid,
    created_at: i64,
    schema_version: i64,
    app_version: String,
    parts: Vec<Part>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Part {
    name: String,
    size: u64,
    blake2b_256: String,
}

/// A backup refused for what is in the file.
fn refused(reason: impl Into<String>) -> Error {
    Error::validation("backup", reason)
}

/// `schakel-backup-2026-11-25-1030.schakelbackup`, in local time.
pub fn default_file_name(at_ms: i64) -> String {
    let at = chrono::DateTime::from_timestamp_millis(at_ms).unwrap_or_default().with_timezone(&chrono::Local);
    format!("schakel-backup-{}.{EXTENSION}", at.format("%Y-%m-%d-%H%M"))
}

impl Store {
    /// Writes a backup of this store to `dest` (replaced atomically if it exists): a
    /// consistent copy of the database, encrypted as the store is, and the key file. The
    /// backup is in the audit log before the file is written, and the store remembers
    /// when it was made.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupInfo> {
        self.require(crate::access::Permission::Maintenance)?;
        if dest.is_dir() {
            return Err(refused("that is a folder: choose a file name for the backup"));
        }
        if self.is_own_file(dest) {
            return Err(refused("a backup cannot replace a file of the store itself"));
        }
        let store_id = self.store_id()?;
        let keys = fs::read(&self.paths().keys)?;
        let keyfile: KeyFile = serde_json::from_slice(&keys)
            .map_err(|e| Error::StoreCorrupt(format!("key file unreadable: {e}")))?;
        if keyfile.store_id != store_id {
            return Err(Error::StoreCorrupt("the key file belongs to another store".into()));
        }
        // Nothing leaves without its entry in the audit log; the copy holds it too.
        self.audit(AuditAction::BackupCreate, None, None, serde_json::json!({"format": FORMAT_VERSION}))?;

        let work = tempfile::Builder::new().prefix(".schakel-backup-").tempdir_in(parent_dir(dest))?;
        let copy = work.path().join(PART_DATABASE);
        let copy_text = copy
            .to_str()
            .ok_or_else(|| refused("the folder's name cannot be used for a backup: choose another"))?;
        // One read transaction: a consistent copy, pages encrypted under the same key.
        self.conn().execute("VACUUM INTO ?1", [copy_text])?;
        File::open(&copy)?.sync_all()?;
        let schema_version = self.check_copy(&copy, store_id)?;

        let created_at = dates::now_ms();
        let header = Header {
            store_id,
            created_at,
            schema_version,
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            parts: vec![
                Part {
                    name: PART_DATABASE.into(),
                    size: fs::metadata(&copy)?.len(),
                    blake2b_256: hex(&digest_file(&copy)?),
                },
                Part {
                    name: PART_KEYS.into(),
                    size: keys.len() as u64,
                    blake2b_256: hex(&Hasher::digest(&keys)),
                },
            ],
        };
        let tmp = work.path().join("backup");
        let file_bytes = write_container(&tmp, &header, &copy, &keys)?;
        fs::rename(&tmp, dest)?;
        sync_dir(parent_dir(dest));
        self.conn().execute(
            "INSERT INTO store_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (LAST_BACKUP_KEY, created_at.to_string()),
        )?;
        Ok(BackupInfo {
            store_id,
            created_at,
            schema_version,
            app_version: header.app_version,
            database_bytes: header.parts[0].size,
            file_bytes,
            audit_intact: None,
        })
    }

    /// When the last backup of this store was made (Unix ms), if ever.
    pub fn last_backup(&self) -> Result<Option<i64>> {
        let v: Option<String> = self
            .conn()
            .query_row("SELECT value FROM store_meta WHERE key = ?1", [LAST_BACKUP_KEY], |r| r.get(0))
            .optional()?;
        v.map(|v| v.parse::<i64>().map_err(|_| Error::StoreCorrupt(format!("store_meta.{LAST_BACKUP_KEY}"))))
            .transpose()
    }

    /// True when there is no backup, the last one is older than `days`, or it cannot be
    /// told (better one reminder too many than none).
    pub fn backup_due(&self, days: u32) -> bool {
        match self.last_backup() {
            Ok(Some(at)) => dates::now_ms().saturating_sub(at) > i64::from(days) * DAY_MS,
            _ => true,
        }
    }

    /// The last backup and whether a reminder is due (after [`DEFAULT_REMINDER_DAYS`]).
    pub fn backup_status(&self) -> Result<BackupStatus> {
        self.require(crate::access::Permission::Maintenance)?;
        let last_backup_at = self.last_backup()?;
        Ok(BackupStatus {
            last_backup_at,
            due: self.backup_due(DEFAULT_REMINDER_DAYS),
            reminder_days: DEFAULT_REMINDER_DAYS,
        })
    }

    /// Checks a backup with a passphrase that opens it, in a temporary directory; the
    /// live store is not touched. Refuses a file that is not a backup, damaged, cut
    /// short, inconsistent, or from a newer Schakel.
    pub fn verify_backup(path: &Path, passphrase: &str) -> Result<BackupInfo> {
        Store::verify_backup_with(path, BackupSecret::Passphrase(passphrase))
    }

    /// [`Store::verify_backup`] with a passphrase or the recovery key.
    pub fn verify_backup_with(path: &Path, secret: BackupSecret<'_>) -> Result<BackupInfo> {
        let work = tempfile::Builder::new().prefix("schakel-verify-").tempdir()?;
        Ok(Checked::extract(path, work.path(), secret)?.info)
    }

    /// Replaces the store at `store_path` with a backup, which must open with
    /// `passphrase`. The store must not be open (its lock is held throughout). The backup
    /// is checked first; a refused one leaves every byte of the store as it was. Then the
    /// store's files are moved aside to `<name>.before-restore-<time>` (and kept), the
    /// backup's put in place, and the restored store opened with the passphrase; if that
    /// fails, the previous files are put back. The restore is in the restored store's
    /// audit log.
    pub fn restore(store_path: &Path, backup_path: &Path, passphrase: &str) -> Result<RestoreInfo> {
        restore(store_path, backup_path, passphrase, Inject::Nothing)
    }

    /// Checks a backup for restoring over this open store (as the app does): the worker
    /// may do maintenance, the file passes every check with `passphrase` in a temporary
    /// directory, and it is a backup of this store. Nothing is touched, and on a refusal
    /// the store stays open. Hand the plan to [`Store::restore_prepared`].
    pub fn prepare_restore(&self, backup_path: &Path, passphrase: &str) -> Result<RestorePlan> {
        self.require(crate::access::Permission::Maintenance)?;
        let info = Store::verify_backup(backup_path, passphrase)?;
        if info.store_id != self.store_id()? {
            return Err(refused("this backup is of another store"));
        }
        Ok(RestorePlan {
            backup: backup_path.to_path_buf(),
            passphrase: zeroize::Zeroizing::new(passphrase.to_owned()),
            info,
        })
    }

    /// Ends this session (recorded as `restore`) and restores the planned backup in its
    /// place with [`Store::restore`], which checks everything again and keeps the replaced
    /// files. The store is closed afterwards, also when the restore fails: the worker
    /// unlocks again, after a restore with a passphrase that was valid when the backup was
    /// made.
    pub fn restore_prepared(self, plan: RestorePlan) -> Result<RestoreInfo> {
        self.require(crate::access::Permission::Maintenance)?;
        let RestorePlan { backup, passphrase, .. } = plan;
        let path = self.paths().db.clone();
        self.close("restore")?;
        Store::restore(&path, &backup, &passphrase)
    }

    fn store_id(&self) -> Result<Uuid> {
        let s: String =
            self.conn().query_row("SELECT value FROM store_meta WHERE key = 'store_id'", [], |r| r.get(0))?;
        Uuid::parse_str(&s).map_err(|_| Error::StoreCorrupt("store_meta.store_id".into()))
    }

    fn is_own_file(&self, dest: &Path) -> bool {
        let Ok(dest) = dest.canonicalize() else { return false };
        let p = self.paths();
        p.database_files().iter().chain([&p.keys, &p.lock]).any(|f| f.canonicalize().is_ok_and(|f| f == dest))
    }

    /// The copy is not plaintext, opens with this store's key (an attached database
    /// without a key of its own uses the main one's) and names this store. Its schema
    /// version.
    fn check_copy(&self, copy: &Path, store_id: Uuid) -> Result<i64> {
        let mut head = [0u8; 16];
        File::open(copy)?.read_exact(&mut head)?;
        if &head == SQLITE_PLAINTEXT_HEADER {
            return Err(Error::CipherMissing(
                "the copy of the database was not encrypted; no backup was written".into(),
            ));
        }
        let conn = self.conn();
        let copy_text = copy.to_str().ok_or_else(|| refused("unusable folder name"))?;
        conn.execute("ATTACH DATABASE ?1 AS backup_copy", [copy_text])?;
        let checked = (|| -> Result<(i64, String)> {
            let version: i64 = conn.query_row("PRAGMA backup_copy.user_version", [], |r| r.get(0))?;
            let id: String =
                conn.query_row("SELECT value FROM backup_copy.store_meta WHERE key = 'store_id'", [], |r| {
                    r.get(0)
                })?;
            Ok((version, id))
        })();
        conn.execute_batch("DETACH DATABASE backup_copy")?;
        let (version, id) = checked
            .map_err(|e| Error::StoreCorrupt(format!("the copy of the database does not read back: {e}")))?;
        if id != store_id.to_string() {
            return Err(Error::StoreCorrupt("the copy of the database names another store".into()));
        }
        Ok(version)
    }
}

/// A backup taken apart into `dir` and checked: the database copy and key file, ready to
/// be moved into place.
struct Checked {
    info: BackupInfo,
    db: PathBuf,
    keys: PathBuf,
}

impl Checked {
    fn extract(path: &Path, dir: &Path, secret: BackupSecret<'_>) -> Result<Checked> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(refused(format!("no file at {}", path.display())));
            }
            Err(e) => return Err(e.into()),
        };
        let file_bytes = file.metadata()?.len();
        let mut r = Hashing::new(BufReader::new(file));

        let mut magic = [0u8; 16];
        read_or(&mut r, &mut magic, "the file is too short to be a Schakel backup")?;
        if &magic != MAGIC {
            return Err(refused("this file is not a Schakel backup"));
        }
        let mut word = [0u8; 4];
        read_or(&mut r, &mut word, "the backup is incomplete: it ends in its header")?;
        let version = u32::from_le_bytes(word);
        if version == 0 {
            return Err(refused("this file is not a Schakel backup"));
        }
        if version > FORMAT_VERSION {
            return Err(Error::NewerVersion { found: version.into(), supported: FORMAT_VERSION.into() });
        }
        read_or(&mut r, &mut word, "the backup is incomplete: it ends in its header")?;
        let header_len = u32::from_le_bytes(word);
        if header_len > MAX_HEADER_BYTES {
            return Err(refused("the backup is damaged: its header is unreadable"));
        }
        let mut header = vec![0u8; header_len as usize];
        read_or(&mut r, &mut header, "the backup is incomplete: it ends in its header")?;
        let header: Header = serde_json::from_slice(&header)
            .map_err(|_| refused("the backup is damaged: its header is unreadable"))?;
        let [db_part, keys_part] = header.parts.as_slice() else {
            return Err(refused("the backup is damaged: it does not list a database and a key file"));
        };
        if db_part.name != PART_DATABASE || keys_part.name != PART_KEYS || keys_part.size > MAX_KEYS_BYTES {
            return Err(refused("the backup is damaged: it does not list a database and a key file"));
        }
        let expected = [16 + 4 + 4 + u64::from(header_len), db_part.size, keys_part.size, 32]
            .into_iter()
            .try_fold(0u64, u64::checked_add)
            .ok_or_else(|| refused("the backup is damaged: impossible sizes"))?;
        if file_bytes < expected {
            return Err(refused(format!(
                "the backup is incomplete: {file_bytes} of {expected} bytes (was it copied in full?)"
            )));
        }
        if file_bytes > expected {
            return Err(refused("the backup is damaged: it holds more than its header lists"));
        }

        let db = dir.join("schakel.db");
        let db_digest = {
            let mut out = Hashing::new(BufWriter::new(File::create(&db)?));
            let copied = io::copy(&mut (&mut r).take(db_part.size), &mut out)?;
            if copied != db_part.size {
                return Err(refused("the backup is incomplete: it ends in the database"));
            }
            let (w, d) = out.finish();
            w.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()?;
            d
        };
        let mut keys_bytes = vec![0u8; usize::try_from(keys_part.size).unwrap_or(0)];
        read_or(&mut r, &mut keys_bytes, "the backup is incomplete: it ends in the key file")?;
        let (mut rest, whole) = r.finish();
        let mut trailer = [0u8; 32];
        read_or(&mut rest, &mut trailer, "the backup is incomplete: its final checksum is missing")?;
        if whole != trailer {
            return Err(refused("the backup is damaged: its checksum does not match (changed or corrupted)"));
        }
        if hex(&db_digest) != db_part.blake2b_256 {
            return Err(refused("the backup is damaged: the database does not match its checksum"));
        }
        if hex(&Hasher::digest(&keys_bytes)) != keys_part.blake2b_256 {
            return Err(refused("the backup is damaged: the key file does not match its checksum"));
        }

        let keys = dir.join("schakel.db.keys");
        {
            let mut f = File::create(&keys)?;
            f.write_all(&keys_bytes)?;
            f.sync_all()?;
        }
        let keyfile = KeyFile::read(&keys).map_err(|e| match e {
            Error::StoreCorrupt(m) => refused(format!("the key file in the backup is unreadable: {m}")),
            other => other,
        })?;
        if keyfile.store_id != header.store_id {
            return Err(refused("the key file in the backup belongs to another store"));
        }
        let key = match secret {
            BackupSecret::Passphrase(p) => keyfile.unlock_passphrase(p).map(|(k, _)| k),
            BackupSecret::RecoveryKey(k) => keyfile.unlock_recovery(k),
        }
        .map_err(|e| match e {
            Error::StoreCorrupt(m) => refused(format!("the key file in the backup is damaged: {m}")),
            other => other,
        })?;

        let audit_intact = {
            let conn = open_copy(&db, &key)?;
            let problems = integrity_problems(&conn);
            if let Some(p) = problems.first() {
                return Err(refused(format!(
                    "the database in the backup fails its integrity check ({} problem(s), first: {p})",
                    problems.len()
                )));
            }
            let schema_version = migrate::check_not_newer(&conn)?;
            if schema_version != header.schema_version {
                return Err(refused(
                    "the backup is damaged: its header and database disagree on the version",
                ));
            }
            let id: Option<String> = conn
                .query_row("SELECT value FROM store_meta WHERE key = 'store_id'", [], |r| r.get(0))
                .optional()
                .map_err(|_| refused("the database in the backup is not a Schakel store"))?;
            if id != Some(header.store_id.to_string()) {
                return Err(refused(
                    "the database and the key file in the backup belong to different stores",
                ));
            }
            crate::audit::verify(&conn, keyfile.audit_anchor()).map(|r| r.ok).unwrap_or(false)
        };
        Ok(Checked {
            info: BackupInfo {
                store_id: header.store_id,
                created_at: header.created_at,
                schema_version: header.schema_version,
                app_version: header.app_version,
                database_bytes: db_part.size,
                file_bytes,
                audit_intact: Some(audit_intact),
            },
            db,
            keys,
        })
    }
}

/// Opens the database copy of a backup read-only with its key and proves the key works.
fn open_copy(db: &Path, key: &DataKey) -> Result<Connection> {
    let conn =
        Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    let cipher: Option<String> = conn.query_row("PRAGMA cipher_version", [], |r| r.get(0)).optional()?;
    if cipher.is_none_or(|v| v.is_empty()) {
        return Err(Error::CipherMissing("SQLCipher is not linked; refusing to read a backup".into()));
    }
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    conn.pragma_update(None, "key", &*key.pragma_value())?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map_err(|_| {
        refused(
            "the database in the backup does not open with its key file (damaged, or not from this backup)",
        )
    })?;
    Ok(conn)
}

/// SQLCipher's page HMACs and SQLite's structure; a check that cannot finish is itself a
/// problem.
fn integrity_problems(conn: &Connection) -> Vec<String> {
    crate::store::integrity_problems(
        conn,
        &[
            ("cipher", "PRAGMA cipher_integrity_check", None),
            ("structure", "PRAGMA integrity_check", Some("ok")),
        ],
    )
}

/// Where a test makes a restore fail, to see the old store put back.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inject {
    Nothing,
    #[cfg(test)]
    FailAfterPlacing,
}

fn restore(store_path: &Path, backup_path: &Path, passphrase: &str, inject: Inject) -> Result<RestoreInfo> {
    let paths = StorePaths::new(store_path);
    let dir = parent_dir(&paths.db).to_path_buf();
    fs::create_dir_all(&dir)?;
    // Held until the end, also while the old files are put back after a failure.
    let lock = store::lock(&paths)?;
    let work = tempfile::Builder::new().prefix(".schakel-restore-").tempdir_in(&dir)?;
    let checked = Checked::extract(backup_path, work.path(), BackupSecret::Passphrase(passphrase))?;
    match KeyFile::read(&paths.keys) {
        Ok(live) if live.store_id != checked.info.store_id => {
            return Err(refused(
                "this backup is of another store; restore it to another place (--store) or move this store away first",
            ));
        }
        // No store here, or one too damaged to say whose it is: it is kept aside.
        _ => {}
    }

    let live: Vec<PathBuf> =
        paths.database_files().into_iter().chain([paths.keys.clone()]).filter(|f| present(f)).collect();
    let kept = aside_names(&live);
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| -> Result<()> {
        for (from, to) in live.iter().zip(&kept) {
            fs::rename(from, to)?;
            moved.push((from.clone(), to.clone()));
        }
        fs::rename(&checked.keys, &paths.keys)?;
        fs::rename(&checked.db, &paths.db)?;
        sync_dir(&dir);
        #[cfg(test)]
        if inject == Inject::FailAfterPlacing {
            return Err(Error::Io(io::Error::other("injected failure")));
        }
        let _ = inject;
        let store = Store::open_locked(&paths.db, passphrase, lock.try_clone()?)?;
        store.audit(
            AuditAction::BackupRestore,
            None,
            None,
            serde_json::json!({
                "backup_created_at": checked.info.created_at,
                "schema_version": checked.info.schema_version,
                "kept_previous": !moved.is_empty(),
            }),
        )?;
        store.conn().execute(
            "INSERT INTO store_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (LAST_BACKUP_KEY, checked.info.created_at.to_string()),
        )?;
        store.close("restored")
    })();
    match result {
        Ok(()) => {
            sync_dir(&dir);
            drop(lock);
            Ok(RestoreInfo { backup: checked.info, kept })
        }
        Err(e) => {
            let put_back = (|| -> io::Result<()> {
                for f in paths.database_files().iter().chain([&paths.keys]) {
                    match fs::remove_file(f) {
                        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
                        _ => {}
                    }
                }
                for (original, aside) in &moved {
                    fs::rename(aside, original)?;
                }
                sync_dir(&dir);
                Ok(())
            })();
            drop(lock);
            match put_back {
                Ok(()) => Err(match e {
                    Error::StoreCorrupt(m) => Error::StoreCorrupt(format!(
                        "the restored store did not open ({m}); the previous store was put back unchanged"
                    )),
                    other => other,
                }),
                Err(back) => Err(Error::Io(io::Error::other(format!(
                    "the restore failed ({e}) and the previous store could not be put back ({back}); its files are kept as {}",
                    kept.iter().map(|k| k.display().to_string()).collect::<Vec<_>>().join(", ")
                )))),
            }
        }
    }
}

/// `<file>.before-restore-<local time>` for each file, with a counter if a restore in the
/// same second left its own.
fn aside_names(files: &[PathBuf]) -> Vec<PathBuf> {
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
    let name = |f: &PathBuf, n: u32| {
        let mut s = f.as_os_str().to_owned();
        s.push(format!(".before-restore-{stamp}"));
        if n > 0 {
            s.push(format!("-{n}"));
        }
        PathBuf::from(s)
    };
    let n = (0u32..).find(|n| files.iter().all(|f| !present(&name(f, *n)))).unwrap_or(0);
    files.iter().map(|f| name(f, n)).collect()
}

fn present(p: &Path) -> bool {
    fs::symlink_metadata(p).is_ok()
}

fn parent_dir(p: &Path) -> &Path {
    p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Makes renames in `dir` durable; not every platform allows it.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

fn digest_file(path: &Path) -> Result<[u8; 32]> {
    let mut h = Hashing::new(io::sink());
    io::copy(&mut BufReader::new(File::open(path)?), &mut h)?;
    Ok(h.finish().1)
}

/// Magic, version, header, the database copy, the key file and the checksum of it all,
/// written and synced to `out`. Its length.
fn write_container(out: &Path, header: &Header, db: &Path, keys: &[u8]) -> Result<u64> {
    let json = serde_json::to_vec(header).map_err(|e| Error::Io(io::Error::other(e)))?;
    let len = u32::try_from(json.len())
        .ok()
        .filter(|l| *l <= MAX_HEADER_BYTES)
        .ok_or_else(|| refused("header too large"))?;
    let mut w = Hashing::new(BufWriter::new(File::create(out)?));
    w.write_all(MAGIC)?;
    w.write_all(&FORMAT_VERSION.to_le_bytes())?;
    w.write_all(&len.to_le_bytes())?;
    w.write_all(&json)?;
    io::copy(&mut BufReader::new(File::open(db)?), &mut w)?;
    w.write_all(keys)?;
    let (mut inner, digest) = w.finish();
    inner.write_all(&digest)?;
    let f = inner.into_inner().map_err(io::IntoInnerError::into_error)?;
    f.sync_all()?;
    Ok(f.metadata()?.len())
}

/// Reads `buf` in full, or refuses the backup with `short` if the file ends first.
fn read_or(r: &mut impl Read, buf: &mut [u8], short: &str) -> Result<()> {
    match r.read_exact(buf) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(refused(short)),
        Err(e) => Err(e.into()),
    }
}

/// A reader or writer that hashes every byte passing through.
struct Hashing<T> {
    inner: T,
    hash: Hasher,
}

impl<T> Hashing<T> {
    fn new(inner: T) -> Self {
        Hashing { inner, hash: Hasher::new() }
    }

    fn finish(self) -> (T, [u8; 32]) {
        (self.inner, self.hash.finalize().into())
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::partners::NewProject;
    use crate::test_util::{PASS, new_case, profile, store_at};
    use chrono::NaiveDate;

    const CANARY: &str = "CANARYBACKUP5309";
    const CANARY_NAME: &str = "Kanarie in de back-up";

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, d).unwrap()
    }

    /// Every row of every table, as text, in the order of its columns' values.
    fn dump(conn: &Connection) -> Vec<(String, Vec<String>)> {
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        tables
            .into_iter()
            .map(|t| {
                let n: usize =
                    conn.prepare(&format!("SELECT * FROM \"{t}\" LIMIT 0")).unwrap().column_count();
                let order: Vec<String> = (1..=n).map(|i| i.to_string()).collect();
                let sql = format!("SELECT * FROM \"{t}\" ORDER BY {}", order.join(", "));
                let mut stmt = conn.prepare(&sql).unwrap();
                let rows: Vec<String> = stmt
                    .query_map([], |r| {
                        (0..n)
                            .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
                            .collect::<rusqlite::Result<Vec<_>>>()
                    })
                    .unwrap()
                    .map(|r| r.unwrap().join("|"))
                    .collect();
                (t, rows)
            })
            .collect()
    }

    fn table<'a>(d: &'a [(String, Vec<String>)], name: &str) -> &'a [String] {
        &d.iter().find(|(t, _)| t == name).unwrap().1
    }

    type Files = Vec<(PathBuf, Option<Vec<u8>>)>;

    /// The store's files and their bytes, and every name in its directory.
    fn snapshot(db: &Path) -> (Files, Vec<String>) {
        let p = StorePaths::new(db);
        let files = p.database_files().into_iter().chain([p.keys]).map(|f| {
            let b = fs::read(&f).ok();
            (f, b)
        });
        let mut names: Vec<String> = fs::read_dir(parent_dir(db))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        (files.collect(), names)
    }

    /// A closed store with a canary project and a few cases, and a backup of it.
    fn store_and_backup(dir: &Path) -> (PathBuf, PathBuf, BackupInfo) {
        let db = dir.join("s.db");
        let bak = dir.join("s.schakelbackup");
        let mut store = store_at(&db, "OCMW Test", None);
        fill(&mut store, 3);
        let info = store.backup_to(&bak).unwrap();
        store.close("locked").unwrap();
        (db, bak, info)
    }

    fn fill(store: &mut Store, cases: u32) {
        store
            .write(|w| {
                w.add_project(&NewProject {
                    id: None,
                    code: CANARY.into(),
                    name: CANARY_NAME.into(),
                    starts_on: day(1),
                    ends_on: None,
                })?;
                for d in 1..=cases {
                    let mut p = profile("21010", &["housing"]);
                    p.project = Some(CANARY.into());
                    w.open_case(&new_case(day(d), p))?;
                }
                Ok(())
            })
            .unwrap();
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_backup_is_encrypted_and_restores_to_the_same_content() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let bak = dir.path().join("out").join("s.schakelbackup");
        fs::create_dir_all(bak.parent().unwrap()).unwrap();
        let mut store = store_at(&db, "OCMW Test", None);
        assert_eq!(store.last_backup().unwrap(), None);
        assert!(store.backup_due(DEFAULT_REMINDER_DAYS), "never backed up");
        // Part of it still in the WAL: the copy reads through it.
        fill(&mut store, 5);
        let before = dump(store.conn());
        let info = store.backup_to(&bak).unwrap();
        assert_eq!(store.last_backup().unwrap(), Some(info.created_at));
        assert!(!store.backup_due(DEFAULT_REMINDER_DAYS));
        assert_eq!(
            store.backup_status().unwrap(),
            BackupStatus { last_backup_at: Some(info.created_at), due: false, reminder_days: 7 }
        );
        assert_eq!(store.audit_entries(1).unwrap()[0].action, "backup.create");

        let bytes = fs::read(&bak).unwrap();
        assert!(bytes.starts_with(MAGIC));
        assert_eq!(bytes.len() as u64, info.file_bytes);
        for needle in [CANARY, CANARY_NAME, PASS, "SQLite format 3", "Medewerker Test", "OCMW Test"] {
            assert!(!contains(&bytes, needle.as_bytes()), "{needle} in the backup");
        }
        let names: Vec<String> = fs::read_dir(bak.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into())
            .collect();
        assert_eq!(names, vec!["s.schakelbackup".to_owned()], "no temporary file left");

        // Work after the backup is what a restore undoes.
        store.write(|w| w.open_case(&new_case(day(20), profile("21010", &["debts"])))).unwrap();
        store.close("locked").unwrap();

        let checked = Store::verify_backup(&bak, PASS).unwrap();
        assert_eq!(checked, BackupInfo { audit_intact: Some(true), ..info.clone() });

        let (live, _) = snapshot(&db);
        let restored = Store::restore(&db, &bak, PASS).unwrap();
        assert_eq!(restored.backup.created_at, info.created_at);
        // The replaced store is kept, byte for byte.
        let kept: Vec<Vec<u8>> = restored.kept.iter().map(|k| fs::read(k).unwrap()).collect();
        let live: Vec<Vec<u8>> = live.into_iter().filter_map(|(_, b)| b).collect();
        assert_eq!(kept, live);
        assert!(restored.kept.iter().all(|k| k.to_string_lossy().contains(".before-restore-")));

        let store = Store::open(&db, PASS).unwrap();
        let after = dump(store.conn());
        for ((t, rows_before), (t2, rows_after)) in before.iter().zip(&after) {
            assert_eq!(t, t2);
            match t.as_str() {
                "audit_log" => {
                    assert_eq!(&rows_after[..rows_before.len()], rows_before.as_slice(), "audit log kept");
                }
                "store_meta" => {
                    let without: Vec<&String> =
                        rows_after.iter().filter(|r| !r.starts_with("Text(\"last_backup_at\")")).collect();
                    assert_eq!(without, rows_before.iter().collect::<Vec<_>>());
                }
                _ => assert_eq!(rows_after, rows_before, "table {t}"),
            }
        }
        assert_eq!(before.len(), after.len());
        assert_eq!(
            store.last_backup().unwrap(),
            Some(info.created_at),
            "the restored store was backed up then"
        );
        let report = store.verify_audit().unwrap();
        assert!(report.ok, "{:?}", report.messages);
        let mut actions: Vec<String> =
            store.audit_entries(10).unwrap().into_iter().map(|e| e.action).collect();
        actions.reverse();
        let tail = &actions[actions.len() - 5..];
        assert_eq!(
            tail,
            ["backup.create", "session.unlock", "backup.restore", "session.end", "session.unlock"]
        );
        assert_eq!(table(&after, "case_file").len(), 5, "the case opened after the backup is gone");
    }

    #[test]
    fn an_open_store_is_restored_by_an_admin_after_the_backup_was_checked() {
        let dir = tempfile::tempdir().unwrap();
        let (db, bak, info) = store_and_backup(dir.path());
        let mut store = Store::open(&db, PASS).unwrap();
        store.write(|w| w.open_case(&new_case(day(20), profile("21010", &["debts"])))).unwrap();
        let cases = |s: &Store| -> i64 {
            s.conn().query_row("SELECT count(*) FROM case_file", [], |r| r.get(0)).unwrap()
        };
        assert_eq!(cases(&store), 4);

        // Refusals leave the session open and the files as they were.
        let (files, _) = snapshot(&db);
        let other = dir.path().join("other.schakelbackup");
        let other_store = store_at(&dir.path().join("o.db"), "CAW Ander", None);
        other_store.backup_to(&other).unwrap();
        drop(other_store);
        for (path, pass, kind) in [
            (&bak, "not the passphrase of then", crate::ErrorKind::WrongPassphrase),
            (&dir.path().join("missing.schakelbackup"), PASS, crate::ErrorKind::Validation),
            (&other, PASS, crate::ErrorKind::Validation),
        ] {
            let err = store.prepare_restore(path, pass).err().unwrap();
            assert_eq!(err.kind(), kind, "{err}");
            assert_eq!(cases(&store), 4, "still open");
        }
        assert!(snapshot(&db).0 == files, "a refused restore changed the store's files");

        // A caseworker may not restore.
        store
            .add_user(&crate::users::NewUser {
                display_name: "Sam".into(),
                roles: vec![crate::access::Role::Caseworker],
                passphrase: "a long enough passphrase for sam".into(),
            })
            .unwrap();
        store.close("locked").unwrap();
        let sam = Store::open(&db, "a long enough passphrase for sam").unwrap();
        assert_eq!(sam.prepare_restore(&bak, PASS).err().unwrap().kind(), crate::ErrorKind::Forbidden);
        drop(sam);

        let store = Store::open(&db, PASS).unwrap();
        let plan = store.prepare_restore(&bak, PASS).unwrap();
        assert_eq!(plan.info.created_at, info.created_at);
        let restored = store.restore_prepared(plan).unwrap();
        assert!(!restored.kept.is_empty());
        let store = Store::open(&db, PASS).unwrap();
        assert_eq!(cases(&store), 3, "the case opened after the backup is gone");
        let actions: Vec<String> = store.audit_entries(4).unwrap().into_iter().map(|e| e.action).collect();
        assert!(actions.contains(&"backup.restore".to_owned()), "{actions:?}");
        assert!(store.verify_audit().unwrap().ok);
    }

    #[test]
    fn the_recovery_key_opens_a_backup_too() {
        let dir = tempfile::tempdir().unwrap();
        let init = crate::store::InitStore {
            partner_kind: crate::partners::PartnerKind::Caw,
            partner_name: "CAW Test".into(),
            municipality: None,
            worker_name: "W".into(),
        };
        let (store, rk) = Store::create(&dir.path().join("s.db"), &init, PASS).unwrap();
        let bak = dir.path().join("b.schakelbackup");
        let info = store.backup_to(&bak).unwrap();
        let checked = Store::verify_backup_with(&bak, BackupSecret::RecoveryKey(rk.as_str())).unwrap();
        assert_eq!(checked.store_id, info.store_id);
        let mut wrong = rk.as_str().to_owned();
        wrong.replace_range(0..4, if wrong.starts_with("AAAA") { "BBBB" } else { "AAAA" });
        let err = Store::verify_backup_with(&bak, BackupSecret::RecoveryKey(&wrong)).unwrap_err();
        assert!(matches!(err, Error::WrongPassphrase), "{err}");
    }

    /// Restores `bytes` as a backup over the store at `db`: refused, and nothing in the
    /// store's directory changed.
    fn refused_restore(db: &Path, bytes: &[u8], passphrase: &str) -> Error {
        let (err, verified) = refused_restore_of(db, bytes, passphrase);
        let verify = verified.unwrap_err();
        assert_eq!(verify.kind(), err.kind(), "verify: {verify}; restore: {err}");
        err
    }

    fn refused_restore_of(db: &Path, bytes: &[u8], passphrase: &str) -> (Error, Result<BackupInfo>) {
        let elsewhere = tempfile::tempdir().unwrap();
        let bak = elsewhere.path().join("bad.schakelbackup");
        fs::write(&bak, bytes).unwrap();
        let before = snapshot(db);
        let err = Store::restore(db, &bak, passphrase).unwrap_err();
        assert_eq!(snapshot(db), before, "refused ({err}), yet the store's directory changed");
        (err, Store::verify_backup(&bak, passphrase))
    }

    fn assert_backup_refused(e: &Error, words: &str) {
        match e {
            Error::Validation { field, reason } => {
                assert_eq!(field, "backup");
                assert!(reason.contains(words), "'{reason}' does not say '{words}'");
            }
            other => panic!("expected a refused backup, got {other:?}"),
        }
    }

    #[test]
    fn a_damaged_cut_short_foreign_or_unknown_file_is_refused_and_the_store_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let (db, bak, _) = store_and_backup(dir.path());
        let good = fs::read(&bak).unwrap();
        let header_len = u32::from_le_bytes(good[20..24].try_into().unwrap()) as usize;
        let db_start = 24 + header_len;

        let mut flipped = good.clone();
        let middle = db_start + (good.len() - db_start) / 2;
        for b in &mut flipped[middle..middle + 16] {
            *b ^= 0x5a;
        }
        assert_backup_refused(&refused_restore(&db, &flipped, PASS), "damaged");

        let mut header = good.clone();
        header[40] ^= 0x01;
        assert_backup_refused(&refused_restore(&db, &header, PASS), "damaged");

        let mut last = good.clone();
        let n = last.len();
        last[n - 1] ^= 0x80;
        assert_backup_refused(&refused_restore(&db, &last, PASS), "checksum");

        for cut in [good.len() - 1, good.len() / 2, db_start + 10, 30, 10, 0] {
            let e = refused_restore(&db, &good[..cut], PASS);
            assert_backup_refused(&e, if cut < 16 { "too short" } else { "incomplete" });
        }
        let mut longer = good.clone();
        longer.extend_from_slice(b"extra");
        assert_backup_refused(&refused_restore(&db, &longer, PASS), "more than");

        assert_backup_refused(
            &refused_restore(&db, b"just some text, not a backup at all", PASS),
            "not a Schakel backup",
        );
        let store_file = fs::read(&db).unwrap();
        assert_backup_refused(&refused_restore(&db, &store_file, PASS), "not a Schakel backup");

        let mut newer = good.clone();
        newer[16..20].copy_from_slice(&2u32.to_le_bytes());
        let e = refused_restore(&db, &newer, PASS);
        assert!(matches!(e, Error::NewerVersion { found: 2, supported: 1 }), "{e}");

        let e = refused_restore(&db, &good, "not the right passphrase at all");
        assert!(matches!(e, Error::WrongPassphrase), "{e}");

        // Another store's backup, even with the same passphrase.
        let other = tempfile::tempdir().unwrap();
        let (_, other_bak, _) = store_and_backup(other.path());
        let (e, verified) = refused_restore_of(&db, &fs::read(&other_bak).unwrap(), PASS);
        assert_backup_refused(&e, "another store");
        assert!(verified.is_ok(), "a sound backup of another store verifies on its own");

        // The store was never touched: it opens and holds what it held.
        let store = Store::open(&db, PASS).unwrap();
        assert!(store.verify_audit().unwrap().ok);
    }

    /// Rebuilds a backup with new parts and matching checksums, as a forger (or a
    /// backup of a store damaged before it was copied) would.
    fn reassemble(
        dir: &Path,
        good: &[u8],
        db: &[u8],
        keys: Option<&[u8]>,
        schema_version: Option<i64>,
    ) -> Vec<u8> {
        let header_len = u32::from_le_bytes(good[20..24].try_into().unwrap()) as usize;
        let mut header: Header = serde_json::from_slice(&good[24..24 + header_len]).unwrap();
        let db_size = header.parts[0].size as usize;
        let keys =
            keys.map_or_else(|| good[24 + header_len + db_size..good.len() - 32].to_vec(), <[u8]>::to_vec);
        header.parts[0].size = db.len() as u64;
        header.parts[0].blake2b_256 = hex(&Hasher::digest(db));
        header.parts[1].size = keys.len() as u64;
        header.parts[1].blake2b_256 = hex(&Hasher::digest(&keys));
        if let Some(v) = schema_version {
            header.schema_version = v;
        }
        let db_file = dir.join("forged.db");
        fs::write(&db_file, db).unwrap();
        let out = dir.join("forged.schakelbackup");
        write_container(&out, &header, &db_file, &keys).unwrap();
        fs::read(out).unwrap()
    }

    #[test]
    fn deeper_checks_catch_what_checksums_cannot() {
        let dir = tempfile::tempdir().unwrap();
        let (db, bak, _) = store_and_backup(dir.path());
        let good = fs::read(&bak).unwrap();
        let header_len = u32::from_le_bytes(good[20..24].try_into().unwrap()) as usize;
        let header: Header = serde_json::from_slice(&good[24..24 + header_len]).unwrap();
        let db_part = &good[24 + header_len..24 + header_len + header.parts[0].size as usize];
        let work = tempfile::tempdir().unwrap();

        // A page damaged before the checksums were made: its HMAC fails. A page of a
        // reference table: opening reads only the schema's pages, so this one is found by
        // the integrity check (the last page may be the schema's, after a migration).
        let mut damaged = db_part.to_vec();
        let data_page = {
            let (key, _) =
                KeyFile::read(&StorePaths::new(&db).keys).unwrap().unlock_passphrase(PASS).unwrap();
            let copy = work.path().join("pages.db");
            fs::write(&copy, db_part).unwrap();
            let conn = Connection::open(&copy).unwrap();
            conn.pragma_update(None, "key", &*key.pragma_value()).unwrap();
            let root: i64 = conn
                .query_row("SELECT rootpage FROM sqlite_master WHERE name = 'municipality'", [], |r| r.get(0))
                .unwrap();
            (root as usize - 1) * 4096
        };
        for b in &mut damaged[data_page + 200..data_page + 300] {
            *b ^= 0xff;
        }
        let e = refused_restore(&db, &reassemble(work.path(), &good, &damaged, None, None), PASS);
        assert_backup_refused(&e, "integrity");
        let mut first_page = db_part.to_vec();
        first_page[100] ^= 0xff;
        let e = refused_restore(&db, &reassemble(work.path(), &good, &first_page, None, None), PASS);
        assert_backup_refused(&e, "does not open");

        // The database of another store beside this store's key file.
        let other = tempfile::tempdir().unwrap();
        let (other_db, _, _) = store_and_backup(other.path());
        let other_bytes = fs::read(&other_db).unwrap();
        let e = refused_restore(&db, &reassemble(work.path(), &good, &other_bytes, None, None), PASS);
        assert_backup_refused(&e, "does not open");

        // A key file of another store.
        let other_keys = fs::read(StorePaths::new(&other_db).keys).unwrap();
        let e = refused_restore(&db, &reassemble(work.path(), &good, db_part, Some(&other_keys), None), PASS);
        assert_backup_refused(&e, "another store");
        let e =
            refused_restore(&db, &reassemble(work.path(), &good, db_part, Some(b"{ not json"), None), PASS);
        assert_backup_refused(&e, "unreadable");

        // A database from a newer Schakel (header and database agree on it).
        let newer = migrate::latest_version() + 1;
        {
            let (key, _) =
                KeyFile::read(&StorePaths::new(&db).keys).unwrap().unlock_passphrase(PASS).unwrap();
            let copy = work.path().join("newer.db");
            fs::write(&copy, db_part).unwrap();
            let conn = Connection::open(&copy).unwrap();
            conn.pragma_update(None, "key", &*key.pragma_value()).unwrap();
            conn.pragma_update(None, "user_version", newer).unwrap();
            drop(conn);
            let bytes = fs::read(&copy).unwrap();
            let e = refused_restore(&db, &reassemble(work.path(), &good, &bytes, None, Some(newer)), PASS);
            assert!(matches!(e, Error::NewerVersion { .. }), "{e}");
            let e = refused_restore(&db, &reassemble(work.path(), &good, &bytes, None, None), PASS);
            assert!(matches!(e, Error::NewerVersion { .. }), "{e}");
        }
        Store::open(&db, PASS).unwrap();
    }

    #[test]
    fn a_restore_while_the_store_is_open_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (db, bak, _) = store_and_backup(dir.path());
        let held = Store::open(&db, PASS).unwrap();
        held.checkpoint().unwrap();
        let before = snapshot(&db);
        let e = Store::restore(&db, &bak, PASS).unwrap_err();
        assert!(matches!(e, Error::StoreLocked), "{e}");
        assert_eq!(snapshot(&db), before);
        drop(held);
        Store::restore(&db, &bak, PASS).unwrap();
    }

    #[test]
    fn a_failure_after_moving_aside_puts_the_old_store_back() {
        let dir = tempfile::tempdir().unwrap();
        let (db, bak, _) = store_and_backup(dir.path());
        let mut store = Store::open(&db, PASS).unwrap();
        store.write(|w| w.open_case(&new_case(day(21), profile("21010", &["debts"])))).unwrap();
        drop(store);
        let before = snapshot(&db);
        let e = restore(&db, &bak, PASS, Inject::FailAfterPlacing).unwrap_err();
        assert!(e.to_string().contains("injected"), "{e}");
        assert_eq!(snapshot(&db), before, "the old store is back, byte for byte, nothing left over");
        let store = Store::open(&db, PASS).unwrap();
        let cases: i64 = store.conn().query_row("SELECT count(*) FROM case_file", [], |r| r.get(0)).unwrap();
        assert_eq!(cases, 4);
    }

    #[test]
    fn a_backup_restores_where_there_is_no_store() {
        let dir = tempfile::tempdir().unwrap();
        let (_, bak, info) = store_and_backup(dir.path());
        let new_machine = tempfile::tempdir().unwrap();
        let db = new_machine.path().join("data").join("schakel.db");
        let restored = Store::restore(&db, &bak, PASS).unwrap();
        assert!(restored.kept.is_empty());
        let store = Store::open(&db, PASS).unwrap();
        assert_eq!(store.store_id().unwrap(), info.store_id);
        assert!(store.projects().unwrap().iter().any(|p| p.code == CANARY));
    }

    #[test]
    fn a_backup_may_not_replace_the_store_or_a_folder() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let store = store_at(&db, "OCMW Test", None);
        for dest in [db.clone(), StorePaths::new(&db).keys, dir.path().to_path_buf()] {
            let e = store.backup_to(&dest).unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Validation, "{}: {e}", dest.display());
        }
        assert_eq!(store.last_backup().unwrap(), None);
    }

    #[test]
    fn a_reminder_is_due_after_seven_days() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_at(&dir.path().join("s.db"), "OCMW Test", None);
        let set = |days_ago: i64| {
            store
                .conn()
                .execute(
                    "INSERT INTO store_meta (key, value) VALUES ('last_backup_at', ?1)
                     ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [(dates::now_ms() - days_ago * DAY_MS).to_string()],
                )
                .unwrap();
        };
        set(8);
        assert!(store.backup_due(7));
        set(6);
        assert!(!store.backup_due(7));
        assert!(store.backup_due(5));
        store.conn().execute("UPDATE store_meta SET value = 'x' WHERE key = 'last_backup_at'", []).unwrap();
        assert!(store.backup_due(7), "unreadable counts as due");
        assert_eq!(store.last_backup().unwrap_err().kind(), crate::ErrorKind::StoreCorrupt);
    }

    #[test]
    fn the_default_name_carries_the_local_date_and_time() {
        let name = default_file_name(dates::now_ms());
        assert!(name.starts_with("schakel-backup-20"), "{name}");
        assert!(name.ends_with(".schakelbackup"));
        assert_eq!(name.len(), "schakel-backup-2026-11-25-1030.schakelbackup".len());
    }
}
