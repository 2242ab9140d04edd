//! Key hierarchy: one random 256-bit data key opens the SQLCipher database; it is stored
//! only wrapped, in key slots, in a sidecar file beside the database.
//!
//! * Each slot has its own X25519 key pair (an `age` identity). A passphrase slot derives a
//!   key-encryption key with Argon2id (parameters stored per slot) and wraps the slot's
//!   identity with XChaCha20-Poly1305; the slot's id and the store id are the associated
//!   data, so a wrapped identity cannot be moved to another store or slot.
//! * The data key is sealed (age) to each slot's public key, together with the store id,
//!   the slot id and the key's generation, which are checked when it is opened.
//! * The recovery slot does the same with a high-entropy recovery key that is shown once.
//! * Changing a passphrase rewraps one slot; the database itself is not re-encrypted.
//! * Rotating the data key (when a user is removed) needs no one's passphrase: the new key
//!   is sealed to the public key of every remaining slot. It runs in two steps that
//!   survive a crash between them: first every slot also gets the next key
//!   (`sealed_next`), then the database is re-encrypted (`PRAGMA rekey`), then the next
//!   key becomes the current one. An open finds which of the two keys the file has.
//! * Key files of format 1 wrapped the data key itself in each slot. They are still read;
//!   a slot is rewritten in the new form when it is next used, and a rotation refuses
//!   while a slot of the old form is left (it could not be given the new key).
//!
//! The sidecar is written atomically: temp file, fsync, rename, fsync of the directory.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use std::str::FromStr;

use age::secrecy::ExposeSecret;
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

const KEYFILE_FORMAT: u32 = 2;
const AAD_PREFIX: &[u8] = b"schakel-keyslot-v1";
const SEAL_PREFIX: &[u8] = b"schakel-datakey-v2";
const RECOVERY_BYTES: usize = 20;

/// The 256-bit key that opens the database. Zeroized on drop.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn generate() -> Result<Self> {
        let mut k = Zeroizing::new([0u8; 32]);
        fill_random(k.as_mut())?;
        Ok(DataKey(k))
    }

    /// A key that opens nothing: the benchmark's plaintext copy has none.
    #[cfg(feature = "bench-plain")]
    pub(crate) fn none() -> Self {
        DataKey(Zeroizing::new([0u8; 32]))
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
    /// The slot's age identity, encrypted with the key derived from its secret (format 1:
    /// the data key itself).
    wrapped: String,
    /// The slot's age recipient (public key); absent in a format-1 slot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recipient: Option<String>,
    /// Base64 of the data key sealed to `recipient`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sealed: Option<String>,
    /// During a rotation: the next data key, sealed the same way.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sealed_next: Option<String>,
}

impl Slot {
    /// A slot of key-file format 1, which cannot take a rotated key without its secret.
    pub fn is_legacy(&self) -> bool {
        self.recipient.is_none()
    }
}

/// What a secret opened: the data key, the next one if a rotation was under way, and
/// whose slot it was.
pub struct Unlocked {
    pub key: DataKey,
    pub next: Option<DataKey>,
    pub worker_id: Option<Uuid>,
    /// The slot is of format 1 and should be rewritten with the same secret.
    pub legacy: bool,
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
    /// How many times the data key was rotated; sealed keys are bound to it.
    #[serde(default)]
    pub key_generation: u32,
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
            key_generation: 0,
        };
        kf.slots.push(Slot::wrap(
            store_id,
            SlotKind::Passphrase,
            Some(worker_id),
            passphrase.as_bytes(),
            data_key,
            kdf,
            0,
        )?);
        let (recovery, raw) = RecoveryKey::generate()?;
        kf.slots.push(Slot::wrap(store_id, SlotKind::Recovery, None, &raw, data_key, kdf, 0)?);
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
        let u = self.open_passphrase(passphrase)?;
        Ok((u.key, u.worker_id))
    }

    /// Tries every passphrase slot; returns what the matching one holds.
    pub fn open_passphrase(&self, passphrase: &str) -> Result<Unlocked> {
        self.open_slots(SlotKind::Passphrase, passphrase.as_bytes())
    }

    pub fn unlock_recovery(&self, recovery_key: &str) -> Result<DataKey> {
        Ok(self.open_recovery(recovery_key)?.key)
    }

    pub fn open_recovery(&self, recovery_key: &str) -> Result<Unlocked> {
        let raw = RecoveryKey::parse_raw(recovery_key)?;
        self.open_slots(SlotKind::Recovery, &raw)
    }

    fn open_slots(&self, kind: SlotKind, secret: &[u8]) -> Result<Unlocked> {
        for slot in self.slots.iter().filter(|s| s.kind == kind) {
            if let Some(u) = slot.open(self.store_id, self.key_generation, secret)? {
                return Ok(u);
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
            self.key_generation,
        )?;
        self.slots.retain(|s| !(s.kind == SlotKind::Passphrase && s.worker_id == Some(worker_id)));
        self.slots.push(slot);
        Ok(())
    }

    /// Rewrites a format-1 recovery slot in the new form (the recovery key was just used).
    pub fn upgrade_recovery(&mut self, recovery_key: &str, data_key: &DataKey) -> Result<()> {
        let raw = RecoveryKey::parse_raw(recovery_key)?;
        let slot = Slot::wrap(
            self.store_id,
            SlotKind::Recovery,
            None,
            &raw,
            data_key,
            DEFAULT_KDF,
            self.key_generation,
        )?;
        self.slots.retain(|s| !(s.kind == SlotKind::Recovery && s.is_legacy()));
        self.slots.push(slot);
        Ok(())
    }

    /// Slots that cannot take a rotated key: their worker, or `None` for the recovery slot.
    pub fn legacy_slots(&self) -> Vec<Option<Uuid>> {
        self.slots.iter().filter(|s| s.is_legacy()).map(|s| s.worker_id).collect()
    }

    /// Step one of a rotation: seals `next` to every slot beside the current key.
    pub fn begin_rotation(&mut self, next: &DataKey) -> Result<()> {
        if !self.legacy_slots().is_empty() {
            return Err(Error::validation(
                "key_slots",
                "a key slot of an older version is left; every user must unlock once (and the \
                 recovery key be used once) before the data key can be rotated",
            ));
        }
        let generation = self.key_generation.wrapping_add(1);
        for slot in &mut self.slots {
            let recipient = slot.recipient.clone().unwrap_or_default();
            slot.sealed_next = Some(seal(&recipient, self.store_id, slot.id, generation, next)?);
        }
        Ok(())
    }

    /// Step three: the next key becomes the current one.
    pub fn finish_rotation(&mut self) {
        for slot in &mut self.slots {
            if let Some(next) = slot.sealed_next.take() {
                slot.sealed = Some(next);
            }
        }
        self.key_generation = self.key_generation.wrapping_add(1);
    }

    /// Forgets a rotation that did not reach the database.
    pub fn abort_rotation(&mut self) {
        for slot in &mut self.slots {
            slot.sealed_next = None;
        }
    }

    pub fn rotation_pending(&self) -> bool {
        self.slots.iter().any(|s| s.sealed_next.is_some())
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
        generation: u32,
    ) -> Result<Self> {
        let id = Uuid::now_v7();
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public().to_string();
        let identity_text = identity.to_string();
        let (kdf, nonce, wrapped) =
            wrap_under(secret, params, store_id, id, identity_text.expose_secret().as_bytes())?;
        let sealed = seal(&recipient, store_id, id, generation, data_key)?;
        Ok(Slot {
            id,
            kind,
            worker_id,
            kdf,
            cipher: "xchacha20poly1305".into(),
            nonce,
            wrapped,
            recipient: Some(recipient),
            sealed: Some(sealed),
            sealed_next: None,
        })
    }

    /// `Ok(None)` when the secret does not open this slot.
    fn open(&self, store_id: Uuid, generation: u32, secret: &[u8]) -> Result<Option<Unlocked>> {
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
        let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&kek[..]));
        let aad = aad(store_id, self.id);
        let Ok(plain) = cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad: &aad })
        else {
            return Ok(None);
        };
        let plain = Zeroizing::new(plain);
        let Some(recipient) = &self.recipient else {
            // Format 1: the data key itself.
            let key = key_from(&plain).ok_or_else(|| corrupt("data key length"))?;
            return Ok(Some(Unlocked { key, next: None, worker_id: self.worker_id, legacy: true }));
        };
        let text = std::str::from_utf8(&plain).map_err(|_| corrupt("identity"))?;
        let identity = age::x25519::Identity::from_str(text).map_err(|_| corrupt("identity"))?;
        if identity.to_public().to_string() != *recipient {
            return Err(corrupt("identity does not match its recipient"));
        }
        let sealed = self.sealed.as_deref().ok_or_else(|| corrupt("no sealed key"))?;
        let key =
            unseal(&identity, sealed, store_id, self.id, generation).ok_or_else(|| corrupt("sealed key"))?;
        let next = match &self.sealed_next {
            Some(n) => Some(
                unseal(&identity, n, store_id, self.id, generation.wrapping_add(1))
                    .ok_or_else(|| corrupt("next sealed key"))?,
            ),
            None => None,
        };
        Ok(Some(Unlocked { key, next, worker_id: self.worker_id, legacy: false }))
    }
}

/// A slot as key-file format 1 wrote it (the data key wrapped directly), for the tests
/// that read old key files.
#[cfg(test)]
pub(crate) fn legacy_slot(
    store_id: Uuid,
    kind: SlotKind,
    worker_id: Option<Uuid>,
    secret: &[u8],
    data_key: &DataKey,
) -> Result<Slot> {
    let params = KdfParams { m_cost_kib: 1024, t_cost: 1, p_cost: 1 };
    let id = Uuid::now_v7();
    let (kdf, nonce, wrapped) = wrap_under(secret, params, store_id, id, data_key.0.as_ref())?;
    Ok(Slot {
        id,
        kind,
        worker_id,
        kdf,
        cipher: "xchacha20poly1305".into(),
        nonce,
        wrapped,
        recipient: None,
        sealed: None,
        sealed_next: None,
    })
}

/// The raw bytes behind a typed recovery key (tests build old slots with them).
#[cfg(test)]
pub(crate) fn recovery_secret(typed: &str) -> Result<Zeroizing<Vec<u8>>> {
    RecoveryKey::parse_raw(typed)
}

/// Encrypts `msg` under a key derived from `secret` (Argon2id with a new salt), with the
/// store and slot ids as associated data: the KDF record, the nonce and the ciphertext.
fn wrap_under(
    secret: &[u8],
    params: KdfParams,
    store_id: Uuid,
    slot_id: Uuid,
    msg: &[u8],
) -> Result<(Kdf, String, String)> {
    let mut salt = [0u8; 16];
    fill_random(&mut salt)?;
    let kek = derive(secret, &salt, params)?;
    let mut nonce = [0u8; 24];
    fill_random(&mut nonce)?;
    let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&kek[..]));
    let wrapped = cipher
        .encrypt(XNonce::from_slice(&nonce), Payload { msg, aad: &aad(store_id, slot_id) })
        .map_err(|_| Error::CipherMissing("key wrapping failed".into()))?;
    let kdf = Kdf { alg: "argon2id-v19".into(), params, salt: BASE64.encode(&salt) };
    Ok((kdf, BASE64.encode(&nonce), BASE64.encode(&wrapped)))
}

fn key_from(bytes: &[u8]) -> Option<DataKey> {
    if bytes.len() != 32 {
        return None;
    }
    let mut k = Zeroizing::new([0u8; 32]);
    k.copy_from_slice(bytes);
    Some(DataKey(k))
}

fn seal_header(store_id: Uuid, slot_id: Uuid, generation: u32) -> Vec<u8> {
    let mut v = SEAL_PREFIX.to_vec();
    v.extend_from_slice(store_id.as_bytes());
    v.extend_from_slice(slot_id.as_bytes());
    v.extend_from_slice(&generation.to_le_bytes());
    v
}

/// The data key sealed to a slot's recipient, bound to store, slot and generation.
fn seal(recipient: &str, store_id: Uuid, slot_id: Uuid, generation: u32, key: &DataKey) -> Result<String> {
    let recipient = age::x25519::Recipient::from_str(recipient)
        .map_err(|_| Error::StoreCorrupt(format!("key slot {slot_id}: recipient")))?;
    let mut payload = Zeroizing::new(seal_header(store_id, slot_id, generation));
    payload.extend_from_slice(key.0.as_ref());
    let sealed = age::encrypt(&recipient, &payload)
        .map_err(|e| Error::CipherMissing(format!("sealing the data key failed: {e}")))?;
    Ok(BASE64.encode(&sealed))
}

fn unseal(
    identity: &age::x25519::Identity,
    sealed: &str,
    store_id: Uuid,
    slot_id: Uuid,
    generation: u32,
) -> Option<DataKey> {
    let sealed = BASE64.decode(sealed.as_bytes()).ok()?;
    let plain = Zeroizing::new(age::decrypt(identity, &sealed).ok()?);
    let header = seal_header(store_id, slot_id, generation);
    let rest = plain.strip_prefix(header.as_slice())?;
    key_from(rest)
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

    fn same(a: &DataKey, b: &DataKey) -> bool {
        *a.0 == *b.0
    }

    #[test]
    fn a_rotation_reaches_every_slot_without_any_secret_and_survives_both_halves() {
        let dk = DataKey::generate().unwrap();
        let (w1, w2) = (Uuid::now_v7(), Uuid::now_v7());
        let (mut kf, rk) = KeyFile::create(Uuid::now_v7(), w1, "first pass phrase", &dk, FAST).unwrap();
        kf.set_passphrase(w2, "second pass phrase", &dk).unwrap();
        let next = DataKey::generate().unwrap();
        kf.begin_rotation(&next).unwrap();
        assert!(kf.rotation_pending());
        // Mid-rotation every secret opens both keys.
        for u in [
            kf.open_passphrase("first pass phrase").unwrap(),
            kf.open_passphrase("second pass phrase").unwrap(),
            kf.open_recovery(rk.as_str()).unwrap(),
        ] {
            assert!(same(&u.key, &dk));
            assert!(same(u.next.as_ref().unwrap(), &next));
        }
        // Through a write and a read, as a crash would leave it.
        let json = serde_json::to_vec(&kf).unwrap();
        let mut kf: KeyFile = serde_json::from_slice(&json).unwrap();
        kf.finish_rotation();
        assert_eq!(kf.key_generation, 1);
        assert!(!kf.rotation_pending());
        for u in [
            kf.open_passphrase("first pass phrase").unwrap(),
            kf.open_passphrase("second pass phrase").unwrap(),
            kf.open_recovery(rk.as_str()).unwrap(),
        ] {
            assert!(same(&u.key, &next), "every slot now opens the new key");
            assert!(u.next.is_none());
        }
        // An aborted rotation leaves the current key.
        let third = DataKey::generate().unwrap();
        kf.begin_rotation(&third).unwrap();
        kf.abort_rotation();
        let u = kf.open_passphrase("first pass phrase").unwrap();
        assert!(same(&u.key, &next) && u.next.is_none());
    }

    #[test]
    fn a_sealed_key_is_bound_to_its_slot_and_generation() {
        let dk = DataKey::generate().unwrap();
        let (w1, w2) = (Uuid::now_v7(), Uuid::now_v7());
        let (mut kf, _) = KeyFile::create(Uuid::now_v7(), w1, "first pass phrase", &dk, FAST).unwrap();
        kf.set_passphrase(w2, "second pass phrase", &dk).unwrap();
        // A generation that does not match is a corrupt file, not a silent success.
        let mut bumped = kf.clone();
        bumped.key_generation = 7;
        assert!(matches!(bumped.open_passphrase("first pass phrase"), Err(Error::StoreCorrupt(_))));
        // A sealed key copied from another slot does not open.
        let mut swapped = kf.clone();
        let other = swapped.slots[2].sealed.clone();
        swapped.slots[0].sealed = other;
        assert!(matches!(swapped.open_passphrase("first pass phrase"), Err(Error::StoreCorrupt(_))));
        assert!(kf.open_passphrase("first pass phrase").is_ok());
    }

    #[test]
    fn format_one_slots_open_upgrade_and_block_a_rotation_until_upgraded() {
        let dk = DataKey::generate().unwrap();
        let store = Uuid::now_v7();
        let worker = Uuid::now_v7();
        let (mut kf, rk) = KeyFile::create(store, worker, "pass phrase one", &dk, FAST).unwrap();
        let raw = recovery_secret(rk.as_str()).unwrap();
        kf.format = 1;
        kf.slots = vec![
            legacy_slot(store, SlotKind::Passphrase, Some(worker), b"pass phrase one", &dk).unwrap(),
            legacy_slot(store, SlotKind::Recovery, None, &raw, &dk).unwrap(),
        ];
        let u = kf.open_passphrase("pass phrase one").unwrap();
        assert!(u.legacy && same(&u.key, &dk));
        assert_eq!(kf.legacy_slots().len(), 2);
        let next = DataKey::generate().unwrap();
        assert!(matches!(kf.begin_rotation(&next), Err(Error::Validation { .. })));
        assert!(!kf.rotation_pending(), "a refused rotation seals nothing");
        kf.set_passphrase(worker, "pass phrase one", &dk).unwrap();
        kf.upgrade_recovery(rk.as_str(), &dk).unwrap();
        assert!(kf.legacy_slots().is_empty());
        assert!(!kf.open_passphrase("pass phrase one").unwrap().legacy);
        assert!(same(&kf.open_recovery(rk.as_str()).unwrap().key, &dk));
        kf.begin_rotation(&next).unwrap();
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
        assert!(!json.to_uppercase().contains("AGE-SECRET-KEY"), "slot identities are wrapped");
        assert!(json.contains("\"recipient\": \"age1") || json.contains("\"recipient\":\"age1"));
    }
}
