//! Envelopes: what one partner sends another, signed by the sender and sealed to the
//! recipients (issue 8; layout in `docs/exchange.md`, "Envelopes").
//!
//! Sign, then encrypt, then sign again:
//!
//! 1. **Inner signature.** The sender's current Ed25519 key signs [`inner_bytes`]: the domain
//!    `schakel-envelope-v1`, the envelope id, the sender, the recipients (sorted,
//!    count-prefixed), the creation time, the sender's key generation and the *plaintext*
//!    payload, each length-prefixed as in the identity card.
//! 2. **Encryption.** The 64 bytes of that signature followed by the payload are encrypted
//!    with `age` to the current pinned age recipient of every recipient. The signature over
//!    the plaintext is therefore never visible outside the ciphertext (nobody can test a
//!    guessed payload against it).
//! 3. **Outer signature** (the envelope's `signature` field). The same key signs the same
//!    header with the ciphertext in place of the payload (domain `schakel-envelope-v1-sealed`),
//!    so a changed envelope is refused before anything is decrypted, and a mailbox could
//!    check who posted it without being able to read it.
//!
//! [`Store::open_envelope`] checks, in this order: the format, that this store's partner is a
//! recipient (else `wrong_recipient`), the sender's pinned key of the stated generation
//! (none pinned: `unknown_sender`, revoked: `partner_revoked`), the outer signature, the decryption, the inner signature; then
//! records the envelope id in `envelope_inbox`. An envelope opened before comes back with
//! `already_seen: true` and nothing written; another envelope with the same id is a conflict.

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use data_encoding::BASE64;
use ed25519_dalek::{Signature, Signer};
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::identity::{
    Canonical, current_partner_recipient, own_age_identities, own_current_signing, pinned_verifying_key,
};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::store::{Store, Writer};

/// The `format` of an envelope this version writes and reads, and the inner signature's domain.
pub const ENVELOPE_FORMAT: &str = "schakel-envelope-v1";
const INNER_DOMAIN: &[u8] = b"schakel-envelope-v1";
const OUTER_DOMAIN: &[u8] = b"schakel-envelope-v1-sealed";
const SIGNATURE_LEN: usize = 64;

/// An envelope as it travels (JSON). Only `body` carries the payload, encrypted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// Always [`ENVELOPE_FORMAT`].
    pub format: String,
    /// UUID v7, made by the sender; the inbox refuses it twice.
    pub id: Uuid,
    /// The sending partner.
    pub sender: Uuid,
    /// The receiving partners, sorted, no duplicates.
    pub recipients: Vec<Uuid>,
    /// When the sender sealed it, Unix milliseconds (the sender's clock).
    pub created_at: i64,
    /// The generation of the sender's keys that signed it.
    pub sender_generation: u32,
    /// Outer Ed25519 signature (base64) over the header and the ciphertext.
    pub signature: String,
    /// The age ciphertext (binary format), base64: inner signature (64 bytes) ‖ payload.
    pub body: String,
}

/// What [`Store::open_envelope`] gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened {
    pub id: Uuid,
    pub sender: Uuid,
    pub sender_generation: u32,
    pub created_at: i64,
    pub payload: Vec<u8>,
    /// This envelope was opened before: the caller must not apply the payload again.
    pub already_seen: bool,
}

struct Header<'a> {
    id: Uuid,
    sender: Uuid,
    recipients: &'a [Uuid],
    created_at: i64,
    sender_generation: u32,
}

impl Header<'_> {
    fn canonical(&self, domain: &[u8], content: &[u8]) -> Vec<u8> {
        let mut c = Canonical::new(domain);
        c.bytes(self.id.as_bytes()).bytes(self.sender.as_bytes());
        c.u32(u32::try_from(self.recipients.len()).unwrap_or(u32::MAX));
        for r in self.recipients {
            c.bytes(r.as_bytes());
        }
        c.i64(self.created_at).u32(self.sender_generation).bytes(content);
        c.0
    }
}

/// What the inner signature covers (the plaintext payload).
fn inner_bytes(h: &Header<'_>, payload: &[u8]) -> Vec<u8> {
    h.canonical(INNER_DOMAIN, payload)
}

/// What the outer signature covers (the ciphertext).
fn outer_bytes(h: &Header<'_>, ciphertext: &[u8]) -> Vec<u8> {
    h.canonical(OUTER_DOMAIN, ciphertext)
}

fn invalid(field: &str, reason: &str) -> Error {
    Error::validation(field, reason)
}

fn signature_from(raw: &[u8]) -> Result<Signature> {
    Signature::try_from(raw).map_err(|_| Error::InvalidSignature("not an Ed25519 signature".into()))
}

impl Store {
    /// Seals `payload` for `recipients` (partners whose cards are pinned here): signed with
    /// the own current key, encrypted to each recipient's current pinned age key. A recipient
    /// without a pinned key is `not_found`, one whose keys were revoked `partner_revoked`.
    /// Needs the right to manage settings (like the identity calls). Writes nothing, except
    /// the own keys the first time.
    pub fn seal_envelope(&mut self, recipients: &[Uuid], payload: &[u8]) -> Result<Envelope> {
        self.require(Permission::ManageSettings)?;
        let sender = self.self_partner_id()?;
        self.write(|w| seal_in(w, sender, recipients, payload))
    }

    /// Opens an envelope addressed to this store's partner: every check of the module
    /// comment, then the id goes into the inbox. A refusal writes nothing. The same envelope
    /// again gives `already_seen: true` (and its payload, not to be applied again); another
    /// envelope under an id already opened is a `conflict`. Needs the right to manage settings.
    pub fn open_envelope(&mut self, env: &Envelope) -> Result<Opened> {
        self.require(Permission::ManageSettings)?;
        let (mut opened, digest) = self.unseal(env)?;
        opened.already_seen = self.write(|w| inbox_record(w, env, &digest))?;
        Ok(opened)
    }

    /// Every check of an envelope and its decryption, without writing anything: the caller
    /// records it in the inbox ([`inbox_record`]) in the transaction that applies it.
    pub(super) fn unseal(&self, env: &Envelope) -> Result<(Opened, [u8; 32])> {
        if env.format != ENVELOPE_FORMAT {
            return Err(invalid("format", "not a Schakel envelope of a format this version reads"));
        }
        let me = self.self_partner_id()?;
        if !env.recipients.contains(&me) {
            return Err(Error::WrongRecipient(format!("envelope {} is for another partner", env.id)));
        }
        let mut sorted = env.recipients.clone();
        sorted.sort_unstable();
        sorted.dedup();
        if sorted != env.recipients {
            return Err(invalid("recipients", "recipients must be sorted, without duplicates"));
        }
        let header = Header {
            id: env.id,
            sender: env.sender,
            recipients: &env.recipients,
            created_at: env.created_at,
            sender_generation: env.sender_generation,
        };
        let key =
            pinned_verifying_key(self.conn(), env.sender, env.sender_generation).map_err(|e| match e {
                Error::NotFound { .. } => {
                    Error::UnknownSender(format!("no key is pinned here for partner {}", env.sender))
                }
                e => e,
            })?;
        let ciphertext = BASE64.decode(env.body.as_bytes()).map_err(|_| invalid("body", "not base64"))?;
        let outer_raw =
            BASE64.decode(env.signature.as_bytes()).map_err(|_| invalid("signature", "not base64"))?;
        let outer = outer_bytes(&header, &ciphertext);
        key.verify_strict(&outer, &signature_from(&outer_raw)?).map_err(|_| {
            Error::InvalidSignature("the envelope was changed or not signed by its sender".into())
        })?;

        let identities = own_age_identities(self.conn())?;
        let cannot = || invalid("body", "cannot be opened with this store's keys");
        let decryptor = age::Decryptor::new_buffered(ciphertext.as_slice()).map_err(|_| cannot())?;
        let mut reader =
            decryptor.decrypt(identities.iter().map(|i| i as &dyn age::Identity)).map_err(|_| cannot())?;
        let mut plain = Zeroizing::new(Vec::new());
        std::io::Read::read_to_end(&mut reader, &mut plain).map_err(|_| cannot())?;
        if plain.len() < SIGNATURE_LEN {
            return Err(Error::InvalidSignature("the sealed content has no signature".into()));
        }
        let (inner_raw, payload) = plain.split_at(SIGNATURE_LEN);
        key.verify_strict(&inner_bytes(&header, payload), &signature_from(inner_raw)?)
            .map_err(|_| Error::InvalidSignature("the sealed content is not signed by its sender".into()))?;
        let digest: [u8; 32] = Blake2b::<U32>::digest(&outer).into();
        Ok((
            Opened {
                id: env.id,
                sender: env.sender,
                sender_generation: env.sender_generation,
                created_at: env.created_at,
                payload: payload.to_vec(),
                already_seen: false,
            },
            digest,
        ))
    }
}

/// Seals `payload` from `sender` (this store's partner) for `recipients`, inside a write
/// (the own keys are made the first time).
pub(super) fn seal_in(w: &Writer<'_>, sender: Uuid, recipients: &[Uuid], payload: &[u8]) -> Result<Envelope> {
    let mut sorted = recipients.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.is_empty() {
        return Err(invalid("recipients", "an envelope needs at least one recipient"));
    }
    if sorted.contains(&sender) {
        return Err(invalid("recipients", "this store's own partner cannot be a recipient"));
    }
    let keys = sorted.iter().map(|r| current_partner_recipient(w.conn, *r)).collect::<Result<Vec<_>>>()?;
    let (sender_generation, signing) = own_current_signing(w, sender)?;
    let header =
        Header { id: Uuid::now_v7(), sender, recipients: &sorted, created_at: w.now, sender_generation };
    let inner = signing.sign(&inner_bytes(&header, payload));
    let mut plain = Zeroizing::new(Vec::with_capacity(SIGNATURE_LEN + payload.len()));
    plain.extend_from_slice(&inner.to_bytes());
    plain.extend_from_slice(payload);
    let encryptor = age::Encryptor::with_recipients(keys.iter().map(|k| k as &dyn age::Recipient))
        .map_err(|e| Error::CipherMissing(format!("age: {e}")))?;
    let mut ciphertext = Vec::with_capacity(plain.len() + 512);
    {
        use std::io::Write;
        let mut writer = encryptor.wrap_output(&mut ciphertext)?;
        writer.write_all(&plain)?;
        writer.finish()?;
    }
    let outer = signing.sign(&outer_bytes(&header, &ciphertext));
    Ok(Envelope {
        format: ENVELOPE_FORMAT.into(),
        id: header.id,
        sender,
        recipients: sorted.clone(),
        created_at: header.created_at,
        sender_generation,
        signature: BASE64.encode(&outer.to_bytes()),
        body: BASE64.encode(&ciphertext),
    })
}

/// Records an unsealed envelope in the inbox: `true` when it was opened before (apply
/// nothing), `Err(Conflict)` when another envelope came under its id.
pub(super) fn inbox_record(w: &Writer<'_>, env: &Envelope, digest: &[u8; 32]) -> Result<bool> {
    let seen: Option<Vec<u8>> = w
        .conn
        .prepare_cached("SELECT digest FROM envelope_inbox WHERE id = ?1")?
        .query_row([env.id], |r| r.get(0))
        .optional()?;
    match seen {
        Some(d) if d == digest => return Ok(true),
        Some(_) => {
            return Err(Error::Conflict(format!("another envelope with id {} was opened already", env.id)));
        }
        None => {}
    }
    w.conn
        .prepare_cached(
            "INSERT INTO envelope_inbox
               (id, sender, sender_generation, created_at, digest, opened_at, opened_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(rusqlite::params![
            env.id,
            env.sender,
            env.sender_generation,
            env.created_at,
            digest.as_slice(),
            w.now,
            w.actor.worker_id,
        ])?;
    Ok(false)
}

#[cfg(test)]
#[path = "envelope_tests.rs"]
mod tests;
