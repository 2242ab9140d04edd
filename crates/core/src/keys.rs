//! Key hierarchy: one random 256-bit data key opens the SQLCipher database; it is stored
//! only wrapped, in key slots, in a sidecar file beside the database.
//!
//! * A passphrase slot derives a key-encryption key with Argon2id (parameters stored per
//!   slot) and wraps the data key with XChaCha20-Poly1305. The slot's id and the store id
//!   are the associated data, so a slot cannot be moved to another store or slot.
//! * The recovery slot does the same with a high-entropy recovery key that is shown once.
//! * Changing a passphrase rewraps one slot; the database itself is never re-encrypted.
//!
//! The sidecar is written atomically: temp file, fsync, rename, fsync of the directory.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::BASE64;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};

/// Argon2id cost used for new slots: 64 MiB, 3 passes, 1 lane. Stronger than the OWASP
/// minimum (19 MiB, 2 passes) and the RFC 9106 second recommendation in memory per lane.
pub const DEFAULT_KDF: KdfParams = KdfParams { m_cost_kib: 65_536, t_cost: 3, p_cost: 1 };

const KEYFILE_FORMAT: u32 = 1;
const AAD_PREFIX: &[u8] = b"schakel-keyslot-v1";
const RECOVERY_BYTES: usize = 20;

/// The 256-bit key that opens the database. Zeroized on drop.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn generate() -> Result<Self> {
        let mut k = Zeroizing::new([0u8; 32]);
        fill_random(k.as_mut())?;
        Ok(DataKey(k))
    }

    /// The value for `PRAGMA key`: a raw key, so SQLCipher runs no second KDF.
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        let mut s = Zeroizing::new(String::with_capacity(67));
        s.push_str("x'");
        s.push_str(&data_encoding::HEXLOWER.encode(self.0.as_ref()));
        s.push('\'');
        s
    }
}

/// The printable recovery key, shown once at creation. Zeroized on drop.
pub struct RecoveryKey(Zeroizing<String>);

impl RecoveryKey {
    fn generate() -> Result<(Self, Zeroizing<Vec<u8>>)> {
        let mut raw = Zeroizing::new(vec![0u8; RECOVERY_BYTES]);
        fill_random(raw.as_mut())?;
        let encoded = Zeroizing::new(data_encoding::BASE32_NOPAD.encode(&raw));
        let mut grouped = String::with_capacity(40);
        for (i, c) in encoded.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                grouped.push('-');
            }
            grouped.push(c);
        }
        Ok((RecoveryKey(Zeroizing::new(grouped)), raw))
    }

    /// Groups of four letters and digits, e.g. `ABCD-EFGH-…`, for printing.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses a typed recovery key: case, spaces and dashes are ignored, and the
    /// look-alikes 0/1/8 are read as O/I/B (they do not occur in the alphabet).
    pub fn parse_raw(typed: &str) -> Result<Zeroizing<Vec<u8>>> {
        let mut norm = Zeroizing::new(String::with_capacity(typed.len()));
        for c in typed.chars() {
            match c {
                '-' | ' ' | '\t' => {}
                '0' => norm.push('O'),
                '1' => norm.push('I'),
                '8' => norm.push('B'),
                c => norm.push(c.to_ascii_uppercase()),
            }
        }
        match data_encoding::BASE32_NOPAD.decode(norm.as_bytes()) {
            Ok(v) if v.len() == RECOVERY_BYTES => Ok(Zeroizing::new(v)),
            Ok(mut v) => {
                v.zeroize();
                Err(Error::validation("recovery_key", "a recovery key has 32 characters"))
            }
            Err(_) => Err(Error::validation(
                "recovery_key",
                "a recovery key holds only the letters A-Z and digits 2-7",
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotKind {
    Passphrase,
    Recovery,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Kdf {
    alg: String,
    #[serde(flatten)]
    params: KdfParams,
    salt: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Slot {
    pub id: Uuid,
    pub kind: SlotKind,
    /// The worker a passphrase slot belongs to; `None` for the recovery slot.
    pub worker_id: Option<Uuid>,
    kdf: Kdf,
    cipher: String,
    nonce: String,
    wrapped: String,
}

/// The sidecar file's content. Holds no secret in the clear.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KeyFile {
    pub format: u32,
    pub store_id: Uuid,
    pub slots: Vec<Slot>,
    /// The newest audit entry seen when a session ended (see `audit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_anchor: Option<AuditAnchor>,
    /// Times (Unix ms) of failed unlock attempts since the last successful one. Kept here
    /// because the encrypted database cannot be written without the key; moved into the
    /// audit log at the next unlock. At most [`MAX_FAILURES_KEPT`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unlock_failures: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditAnchor {
    pub seq: i64,
    /// Base64 of the entry's 32-byte hash.
    pub hash: String,
}

pub const MAX_FAILURES_KEPT: usize = 100;
/// Failed attempts allowed without waiting.
pub const FREE_ATTEMPTS: usize = 3;
/// The longest wait between attempts.
pub const MAX_DELAY_SECONDS: u64 = 15 * 60;

/// Seconds to wait after `failures` failed attempts in a row: none for the first three,
/// then 5 s, doubling per attempt, at most 15 minutes.
pub fn unlock_delay_seconds(failures: usize) -> u64 {
    if failures < FREE_ATTEMPTS {
        return 0;
    }
    let doublings = u32::try_from(failures - FREE_ATTEMPTS).unwrap_or(u32::MAX).min(16);
    (5u64 << doublings).min(MAX_DELAY_SECONDS)
}

/// `<db>.keys` beside the database file.
pub fn keyfile_path(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_owned();
    s.push(".keys");
    PathBuf::from(s)
}

impl KeyFile {
    /// A new key file with one passphrase slot and one recovery slot.
    pub fn create(
        store_id: Uuid,
        worker_id: Uuid,
        passphrase: &str,
        data_key: &DataKey,
        kdf: KdfParams,
    ) -> Result<(Self, RecoveryKey)> {
        let mut kf = KeyFile {
            format: KEYFILE_FORMAT,
            store_id,
            slots: Vec::new(),
            audit_anchor: None,
            unlock_failures: Vec::new(),
        };
        kf.slots.push(Slot::wrap(
            store_id,
            SlotKind::Passphrase,
            Some(worker_id),
            passphrase.as_bytes(),
            data_key,
            kdf,
        )?);
        let (recovery, raw) = RecoveryKey::generate()?;
        kf.slots.push(Slot::wrap(store_id, SlotKind::Recovery, None, &raw, data_key, kdf)?);
        Ok((kf, recovery))
    }

    pub fn read(path: &Path) -> Result<Self> {
        let bytes = match fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::StoreNotFound(path.display().to_string()));
            }
            Err(e) => return Err(e.into()),
        };
        let kf: KeyFile = serde_json::from_slice(&bytes)
            .map_err(|e| Error::StoreCorrupt(format!("key file unreadable: {e}")))?;
        if kf.format > KEYFILE_FORMAT {
            return Err(Error::NewerVersion { found: kf.format.into(), supported: KEYFILE_FORMAT.into() });
        }
        Ok(kf)
    }

    /// Atomic replace: temp file in the same directory, fsync, rename, fsync directory.
    pub fn write(&self, path: &Path) -> Result<()> {
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| Error::StoreCorrupt(format!("key file not serialisable: {e}")))?;
        let mut tmp = path.as_os_str().to_owned();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(&json)?;
            f.sync_all()?;
        }
        fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Directory fsync makes the rename durable; not every platform allows it.
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    /// The audit anchor as `(seq, hash)`.
    pub fn audit_anchor(&self) -> Option<(i64, [u8; 32])> {
        let a = self.audit_anchor.as_ref()?;
        let hash: [u8; 32] = BASE64.decode(a.hash.as_bytes()).ok()?.try_into().ok()?;
        Some((a.seq, hash))
    }

    pub fn set_audit_anchor(&mut self, seq: i64, hash: &[u8; 32]) {
        self.audit_anchor = Some(AuditAnchor { seq, hash: BASE64.encode(hash) });
    }

    /// Refuses an attempt while the wait after earlier failures has not passed.
    pub fn check_unlock_delay(&self, now_ms: i64) -> Result<()> {
        let wait = unlock_delay_seconds(self.unlock_failures.len());
        let Some(&last) = self.unlock_failures.last() else { return Ok(()) };
        let until = last.saturating_add(i64::try_from(wait).unwrap_or(i64::MAX / 1000).saturating_mul(1000));
        if now_ms < until {
            let seconds = u64::try_from((until - now_ms + 999) / 1000).unwrap_or(1);
            return Err(Error::UnlockDelayed { seconds });
        }
        Ok(())
    }

    pub fn record_unlock_failure(&mut self, now_ms: i64) {
        self.unlock_failures.push(now_ms);
        if self.unlock_failures.len() > MAX_FAILURES_KEPT {
            let extra = self.unlock_failures.len() - MAX_FAILURES_KEPT;
            self.unlock_failures.drain(..extra);
        }
    }

    /// Tries every passphrase slot; returns the data key and the slot's worker.
    pub fn unlock_passphrase(&self, passphrase: &str) -> Result<(DataKey, Option<Uuid>)> {
        for slot in self.slots.iter().filter(|s| s.kind == SlotKind::Passphrase) {
            if let Some(key) = slot.unwrap_key(self.store_id, passphrase.as_bytes())? {
                return Ok((key, slot.worker_id));
            }
        }
        Err(Error::WrongPassphrase)
    }

    pub fn unlock_recovery(&self, recovery_key: &str) -> Result<DataKey> {
        let raw = RecoveryKey::parse_raw(recovery_key)?;
        for slot in self.slots.iter().filter(|s| s.kind == SlotKind::Recovery) {
            if let Some(key) = slot.unwrap_key(self.store_id, &raw)? {
                return Ok(key);
            }
        }
        Err(Error::WrongPassphrase)
    }

    /// Rewraps the passphrase slot of `worker_id` (or adds one) with a new passphrase.
    pub fn set_passphrase(
        &mut self,
        worker_id: Uuid,
        new_passphrase: &str,
        data_key: &DataKey,
    ) -> Result<()> {
        let slot = Slot::wrap(
            self.store_id,
            SlotKind::Passphrase,
            Some(worker_id),
            new_passphrase.as_bytes(),
            data_key,
            DEFAULT_KDF,
        )?;
        self.slots.retain(|s| !(s.kind == SlotKind::Passphrase && s.worker_id == Some(worker_id)));
        self.slots.push(slot);
        Ok(())
    }
}

impl Slot {
    fn wrap(
        store_id: Uuid,
        kind: SlotKind,
        worker_id: Option<Uuid>,
        secret: &[u8],
        data_key: &DataKey,
        params: KdfParams,
    ) -> Result<Self> {
        let id = Uuid::now_v7();
        let mut salt = [0u8; 16];
        fill_random(&mut salt)?;
        let kek = derive(secret, &salt, params)?;
        let mut nonce = [0u8; 24];
        fill_random(&mut nonce)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let aad = aad(store_id, id);
        let wrapped = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: data_key.0.as_ref(), aad: &aad })
            .map_err(|_| Error::CipherMissing("key wrapping failed".into()))?;
        Ok(Slot {
            id,
            kind,
            worker_id,
            kdf: Kdf { alg: "argon2id-v19".into(), params, salt: BASE64.encode(&salt) },
            cipher: "xchacha20poly1305".into(),
            nonce: BASE64.encode(&nonce),
            wrapped: BASE64.encode(&wrapped),
        })
    }

    /// `Ok(None)` when the secret does not open this slot.
    fn unwrap_key(&self, store_id: Uuid, secret: &[u8]) -> Result<Option<DataKey>> {
        let corrupt = |what: &str| Error::StoreCorrupt(format!("key slot {}: {what}", self.id));
        if self.kdf.alg != "argon2id-v19" || self.cipher != "xchacha20poly1305" {
            return Err(corrupt("unknown algorithm"));
        }
        let salt = BASE64.decode(self.kdf.salt.as_bytes()).map_err(|_| corrupt("salt"))?;
        let nonce = BASE64.decode(self.nonce.as_bytes()).map_err(|_| corrupt("nonce"))?;
        let wrapped = BASE64.decode(self.wrapped.as_bytes()).map_err(|_| corrupt("wrapped key"))?;
        if nonce.len() != 24 {
            return Err(corrupt("nonce length"));
        }
        let kek = derive(secret, &salt, self.kdf.params)?;
        let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
        let aad = aad(store_id, self.id);
        match cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad: &aad }) {
            Ok(plain) => {
                let plain = Zeroizing::new(plain);
                if plain.len() != 32 {
                    return Err(corrupt("data key length"));
                }
                let mut k = Zeroizing::new([0u8; 32]);
                k.copy_from_slice(&plain);
                Ok(Some(DataKey(k)))
            }
            Err(_) => Ok(None),
        }
    }
}

fn aad(store_id: Uuid, slot_id: Uuid) -> Vec<u8> {
    let mut v = AAD_PREFIX.to_vec();
    v.extend_from_slice(store_id.as_bytes());
    v.extend_from_slice(slot_id.as_bytes());
    v
}

fn derive(secret: &[u8], salt: &[u8], p: KdfParams) -> Result<Zeroizing<[u8; 32]>> {
    let params = argon2::Params::new(p.m_cost_kib, p.t_cost, p.p_cost, Some(32))
        .map_err(|e| Error::StoreCorrupt(format!("key slot parameters: {e}")))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(secret, salt, out.as_mut())
        .map_err(|e| Error::StoreCorrupt(format!("key derivation: {e}")))?;
    Ok(out)
}

fn fill_random(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| Error::CipherMissing(format!("no system randomness: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams { m_cost_kib: 1024, t_cost: 1, p_cost: 1 };

    #[test]
    fn passphrase_and_recovery_open_the_same_key_and_wrong_ones_do_not() {
        let dk = DataKey::generate().unwrap();
        let store = Uuid::now_v7();
        let worker = Uuid::now_v7();
        let (kf, rk) = KeyFile::create(store, worker, "correct horse battery", &dk, FAST).unwrap();
        let (k1, w) = kf.unlock_passphrase("correct horse battery").unwrap();
        assert_eq!(*k1.0, *dk.0);
        assert_eq!(w, Some(worker));
        let k2 = kf.unlock_recovery(&rk.as_str().to_lowercase()).unwrap();
        assert_eq!(*k2.0, *dk.0);
        assert!(matches!(kf.unlock_passphrase("correct horse battery!"), Err(Error::WrongPassphrase)));
        assert_eq!(rk.as_str().len(), 39, "32 characters in 8 groups of 4");
        let mut other = rk.as_str().to_string().into_bytes();
        other[0] = if other[0] == b'A' { b'B' } else { b'A' };
        let other = String::from_utf8(other).unwrap();
        assert!(matches!(kf.unlock_recovery(&other), Err(Error::WrongPassphrase)));
    }

    #[test]
    fn a_slot_does_not_open_under_another_store_id() {
        let dk = DataKey::generate().unwrap();
        let (mut kf, _) =
            KeyFile::create(Uuid::now_v7(), Uuid::now_v7(), "pass phrase one", &dk, FAST).unwrap();
        kf.store_id = Uuid::now_v7();
        assert!(matches!(kf.unlock_passphrase("pass phrase one"), Err(Error::WrongPassphrase)));
    }

    #[test]
    fn set_passphrase_replaces_the_workers_slot() {
        let dk = DataKey::generate().unwrap();
        let worker = Uuid::now_v7();
        let (mut kf, _) = KeyFile::create(Uuid::now_v7(), worker, "old pass phrase", &dk, FAST).unwrap();
        kf.set_passphrase(worker, "new pass phrase", &dk).unwrap();
        assert_eq!(kf.slots.len(), 2);
        assert!(kf.unlock_passphrase("new pass phrase").is_ok());
        assert!(matches!(kf.unlock_passphrase("old pass phrase"), Err(Error::WrongPassphrase)));
    }

    #[test]
    fn the_key_file_holds_no_secret_in_the_clear() {
        let dk = DataKey::generate().unwrap();
        let (kf, rk) =
            KeyFile::create(Uuid::now_v7(), Uuid::now_v7(), "visible passphrase", &dk, FAST).unwrap();
        let json = serde_json::to_string(&kf).unwrap();
        assert!(!json.contains("visible passphrase"));
        assert!(!json.contains(&data_encoding::HEXLOWER.encode(dk.0.as_ref())));
        assert!(!json.contains(&BASE64.encode(dk.0.as_ref())));
        assert!(!json.contains(&rk.as_str().replace('-', "")));
    }
}
