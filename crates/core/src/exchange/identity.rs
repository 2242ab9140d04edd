//! Partner identities: the keys a partner organisation exchanges with, and the trust in
//! another partner's keys.
//!
//! * **Own identity.** This store's own partner (`store_meta.self_partner_id`) gets, the
//!   first time it is asked for ([`Store::own_identity`]), an age X25519 identity (others
//!   encrypt to it) and an Ed25519 signing key. The private halves are kept in
//!   `own_identity_key`, inside the encrypted database, and no call returns them.
//!   [`Store::rotate_identity`] makes the next generation: the old keys are retired, never
//!   deleted (to open what was sealed to them), and the old signing key signs the new public
//!   keys (the *vouch*).
//! * **The card.** [`Store::identity_card`] is the public half: partner id, name, kind,
//!   generation, age recipient, Ed25519 public key, creation time, a self-signature over
//!   [`IdentityCard::signed_bytes`] (a fixed, length-prefixed encoding; never JSON), and every
//!   earlier generation with its vouch for the next, so a partner that pinned any earlier
//!   key can follow the chain.
//! * **The fingerprint** ([`IdentityCard::fingerprint`]): Blake2b-256 over the partner id, the
//!   age recipient and the Ed25519 public key; its first 10 bytes (80 bits) as 10 words of the
//!   256 in `words.txt`, and the same bytes as 5 groups of 4 hex digits. Two administrators
//!   read them to each other by phone.
//! * **Pinning** ([`Store::pin_partner_card`]): the card's signatures must verify, and either
//!   the words given must match (a first pin), or the partner's pinned key must have vouched
//!   for the card's key (a rotation). A different key that the pinned one did not vouch for
//!   is refused (`key_conflict`). [`Store::revoke_partner_card`] marks a partner's keys
//!   revoked; [`Store::verify_from_partner`] refuses them from then on.

use std::str::FromStr;

use age::secrecy::ExposeSecret;
use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use data_encoding::{BASE64, HEXLOWER};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use crate::access::Permission;
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::partners::PartnerKind;
use crate::store::{Store, Writer};

/// The `format` of a card this version writes and reads.
pub const CARD_FORMAT: &str = "schakel-identity-card-v1";
const CARD_DOMAIN: &[u8] = b"schakel-identity-card-v1";
const VOUCH_DOMAIN: &[u8] = b"schakel-identity-rotation-v1";
const FINGERPRINT_DOMAIN: &[u8] = b"schakel-identity-fingerprint-v1";
/// How many bytes of the fingerprint hash are shown (80 bits): one word per byte.
pub const FINGERPRINT_BYTES: usize = 10;

const WORDS_FILE: &str = include_str!("words.txt");

/// The 256 fingerprint words, in file order (lines starting with `#` are comments).
pub fn fingerprint_words() -> Vec<&'static str> {
    WORDS_FILE.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

/// A fixed, unambiguous encoding: a domain, then each field as its length (u32, big-endian)
/// and its bytes. Signatures and fingerprints are computed over this, never over JSON.
pub(super) struct Canonical(pub(super) Vec<u8>);

impl Canonical {
    pub(super) fn new(domain: &[u8]) -> Self {
        let mut c = Canonical(Vec::with_capacity(256));
        c.bytes(domain);
        c
    }

    pub(super) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        // Every field here is far below 4 GiB (names, keys, ids); cap rather than panic.
        let len = u32::try_from(b.len()).unwrap_or(u32::MAX);
        self.0.extend_from_slice(&len.to_be_bytes());
        self.0.extend_from_slice(b);
        self
    }

    pub(super) fn str(&mut self, s: &str) -> &mut Self {
        self.bytes(s.as_bytes())
    }

    pub(super) fn u32(&mut self, v: u32) -> &mut Self {
        self.bytes(&v.to_be_bytes())
    }

    pub(super) fn i64(&mut self, v: i64) -> &mut Self {
        self.bytes(&v.to_be_bytes())
    }
}

/// The public card of a partner's identity. Serialised as JSON to be sent to a partner;
/// its signatures are over [`IdentityCard::signed_bytes`] and the vouches' own encoding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityCard {
    /// Always [`CARD_FORMAT`].
    pub format: String,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub kind: PartnerKind,
    /// 1 for the first keys, one more at each rotation.
    pub generation: u32,
    /// age X25519 recipient (`age1…`): what partners encrypt to.
    pub age_recipient: String,
    /// Ed25519 public key, base64 (32 bytes).
    pub ed25519_public: String,
    /// When these keys were made, Unix milliseconds.
    pub created_at: i64,
    /// Ed25519 signature (base64) by this card's key over [`IdentityCard::signed_bytes`].
    pub signature: String,
    /// Every earlier generation, oldest first, each signing the one after it.
    pub previous: Vec<PreviousKey>,
}

/// An earlier generation of a partner's keys, with its signature over the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviousKey {
    pub generation: u32,
    pub age_recipient: String,
    /// base64, 32 bytes.
    pub ed25519_public: String,
    pub created_at: i64,
    /// This key's Ed25519 signature (base64) over the next generation's public parts.
    pub next_signature: String,
}

/// What two people compare: the same 80 bits as words and as hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fingerprint {
    pub words: Vec<String>,
    /// Lowercase hex in groups of four: `1a2b 3c4d 5e6f 7a8b 9c0d`.
    pub hex: String,
}

impl Fingerprint {
    /// The words separated by spaces.
    pub fn words_text(&self) -> String {
        self.words.join(" ")
    }

    fn of(partner_id: Uuid, age_recipient: &str, ed25519_public: &[u8; 32]) -> Fingerprint {
        let mut c = Canonical::new(FINGERPRINT_DOMAIN);
        c.bytes(partner_id.as_bytes()).str(age_recipient).bytes(ed25519_public);
        let hash: [u8; 32] = Blake2b::<U32>::digest(&c.0).into();
        let shown = &hash[..FINGERPRINT_BYTES];
        let list = fingerprint_words();
        let words =
            shown.iter().map(|b| list.get(usize::from(*b)).copied().unwrap_or("?").to_owned()).collect();
        let hex = HEXLOWER.encode(shown);
        let hex =
            hex.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>();
        Fingerprint { words, hex: hex.join(" ") }
    }

    /// Whether `given` (words or hex, as a person typed them: any case, spaces, dashes or
    /// commas between) is this fingerprint.
    pub fn matches(&self, given: &str) -> bool {
        let lowered = given.to_lowercase();
        let tokens: Vec<&str> =
            lowered.split(|c: char| !c.is_ascii_alphanumeric()).filter(|t| !t.is_empty()).collect();
        if tokens.len() == self.words.len() && tokens.iter().zip(&self.words).all(|(a, b)| a == b) {
            return true;
        }
        let compact: String = tokens.concat();
        compact.len() == FINGERPRINT_BYTES * 2 && compact == self.hex.replace(' ', "")
    }
}

/// The public parts a key generation is known by.
#[derive(Debug, Clone, Copy)]
struct KeyParts<'a> {
    generation: u32,
    age_recipient: &'a str,
    ed25519_public: [u8; 32],
    created_at: i64,
}

fn vouch_bytes(partner_id: Uuid, old: &KeyParts<'_>, new: &KeyParts<'_>) -> Vec<u8> {
    let mut c = Canonical::new(VOUCH_DOMAIN);
    c.bytes(partner_id.as_bytes())
        .u32(old.generation)
        .bytes(&old.ed25519_public)
        .u32(new.generation)
        .str(new.age_recipient)
        .bytes(&new.ed25519_public)
        .i64(new.created_at);
    c.0
}

fn invalid(field: &str, reason: &str) -> Error {
    Error::validation(field, reason)
}

fn decode_public(field: &str, b64: &str) -> Result<[u8; 32]> {
    let raw = BASE64.decode(b64.as_bytes()).map_err(|_| invalid(field, "not base64"))?;
    raw.try_into().map_err(|_| invalid(field, "an Ed25519 public key has 32 bytes"))
}

fn verifying_key(field: &str, raw: &[u8; 32]) -> Result<VerifyingKey> {
    VerifyingKey::from_bytes(raw).map_err(|_| invalid(field, "not an Ed25519 public key"))
}

fn decode_signature(field: &str, b64: &str) -> Result<Signature> {
    let raw = BASE64.decode(b64.as_bytes()).map_err(|_| invalid(field, "not base64"))?;
    Signature::try_from(raw.as_slice()).map_err(|_| invalid(field, "a signature has 64 bytes"))
}

fn check_recipient(field: &str, r: &str) -> Result<()> {
    age::x25519::Recipient::from_str(r).map(|_| ()).map_err(|_| invalid(field, "not an age X25519 recipient"))
}

impl IdentityCard {
    /// What the card's own signature covers: format domain, partner id, name, kind,
    /// generation, age recipient, Ed25519 public key, creation time, each length-prefixed
    /// (u32 big-endian), UTF-8 for text, big-endian for numbers, raw bytes for id and key.
    pub fn signed_bytes(&self) -> Result<Vec<u8>> {
        let public = decode_public("ed25519_public", &self.ed25519_public)?;
        Ok(card_bytes(self.partner_id, &self.partner_name, self.kind, &self.parts(public)))
    }

    fn parts(&self, ed25519_public: [u8; 32]) -> KeyParts<'_> {
        KeyParts {
            generation: self.generation,
            age_recipient: &self.age_recipient,
            ed25519_public,
            created_at: self.created_at,
        }
    }

    /// The fingerprint of this card's current keys.
    pub fn fingerprint(&self) -> Result<Fingerprint> {
        let public = decode_public("ed25519_public", &self.ed25519_public)?;
        Ok(Fingerprint::of(self.partner_id, &self.age_recipient, &public))
    }

    /// Checks the card on its own: the format, the keys' forms, its self-signature, and the
    /// chain of earlier generations (consecutive, each vouching for the next). It does not
    /// say whom the card belongs to: that is what the fingerprint and pinning are for.
    pub fn verify(&self) -> Result<()> {
        if self.format != CARD_FORMAT {
            return Err(invalid("format", "not a Schakel identity card of a format this version reads"));
        }
        if self.generation < 1 || self.previous.len() != (self.generation - 1) as usize {
            return Err(invalid("previous", "a card lists every earlier generation"));
        }
        check_recipient("age_recipient", &self.age_recipient)?;
        let public = decode_public("ed25519_public", &self.ed25519_public)?;
        let key = verifying_key("ed25519_public", &public)?;
        let signature = decode_signature("signature", &self.signature)?;
        key.verify_strict(&self.signed_bytes()?, &signature)
            .map_err(|_| Error::InvalidSignature("the card's own signature (the card was changed)".into()))?;
        let mut decoded = Vec::with_capacity(self.previous.len());
        for (i, p) in self.previous.iter().enumerate() {
            if p.generation as usize != i + 1 {
                return Err(invalid("previous", "earlier generations must be 1, 2, 3, … in order"));
            }
            check_recipient("previous.age_recipient", &p.age_recipient)?;
            decoded.push(decode_public("previous.ed25519_public", &p.ed25519_public)?);
        }
        for (i, p) in self.previous.iter().enumerate() {
            let old = KeyParts {
                generation: p.generation,
                age_recipient: &p.age_recipient,
                ed25519_public: decoded[i],
                created_at: p.created_at,
            };
            let new = match self.previous.get(i + 1) {
                Some(n) => KeyParts {
                    generation: n.generation,
                    age_recipient: &n.age_recipient,
                    ed25519_public: decoded[i + 1],
                    created_at: n.created_at,
                },
                None => self.parts(public),
            };
            let key = verifying_key("previous.ed25519_public", &old.ed25519_public)?;
            let sig = decode_signature("previous.next_signature", &p.next_signature)?;
            key.verify_strict(&vouch_bytes(self.partner_id, &old, &new), &sig).map_err(|_| {
                Error::InvalidSignature(format!(
                    "generation {} does not vouch for generation {}",
                    old.generation, new.generation
                ))
            })?;
        }
        Ok(())
    }
}

fn card_bytes(partner_id: Uuid, name: &str, kind: PartnerKind, k: &KeyParts<'_>) -> Vec<u8> {
    let mut c = Canonical::new(CARD_DOMAIN);
    c.bytes(partner_id.as_bytes())
        .str(name)
        .str(kind.as_str())
        .u32(k.generation)
        .str(k.age_recipient)
        .bytes(&k.ed25519_public)
        .i64(k.created_at);
    c.0
}

/// This store's own identity, public parts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnIdentity {
    pub partner_id: Uuid,
    pub generation: u32,
    pub age_recipient: String,
    /// base64.
    pub ed25519_public: String,
    pub created_at: i64,
    pub fingerprint: Fingerprint,
}

/// A partner's pinned key, public parts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PinnedKey {
    pub partner_id: Uuid,
    pub partner_name: String,
    pub generation: u32,
    pub age_recipient: String,
    /// base64.
    pub ed25519_public: String,
    pub created_at: i64,
    pub pinned_at: i64,
    /// `fingerprint` (compared by people) or `rotation` (vouched for by the key before).
    pub how: String,
    pub superseded_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub fingerprint: Fingerprint,
}

/// What [`Store::pin_partner_card`] did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PinOutcome {
    pub partner_id: Uuid,
    /// The partner's name in this store.
    pub partner_name: String,
    /// The name the card gives itself.
    pub card_name: String,
    pub generation: u32,
    /// `fingerprint`, `rotation`, or `unchanged` (this key was pinned already).
    pub how: String,
    pub fingerprint: Fingerprint,
}

/// One generation of the own keys, as stored. The secrets stay in this module.
struct OwnKeyRow {
    partner_id: Uuid,
    generation: u32,
    age_recipient: String,
    ed25519_public: [u8; 32],
    created_at: i64,
    next_vouch: Option<Vec<u8>>,
}

impl OwnKeyRow {
    fn parts(&self) -> KeyParts<'_> {
        KeyParts {
            generation: self.generation,
            age_recipient: &self.age_recipient,
            ed25519_public: self.ed25519_public,
            created_at: self.created_at,
        }
    }

    fn public(&self) -> OwnIdentity {
        OwnIdentity {
            partner_id: self.partner_id,
            generation: self.generation,
            age_recipient: self.age_recipient.clone(),
            ed25519_public: BASE64.encode(&self.ed25519_public),
            created_at: self.created_at,
            fingerprint: Fingerprint::of(self.partner_id, &self.age_recipient, &self.ed25519_public),
        }
    }
}

fn corrupt(what: &str) -> Error {
    Error::StoreCorrupt(format!("own_identity_key: {what}"))
}

fn public32(v: Vec<u8>, what: &str) -> Result<[u8; 32]> {
    v.try_into().map_err(|_| corrupt(what))
}

/// Every generation of the own keys (public parts), oldest first.
fn own_keys(conn: &Connection, partner_id: Uuid) -> Result<Vec<OwnKeyRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT generation, age_recipient, ed25519_public, created_at, next_vouch
         FROM own_identity_key WHERE partner_id = ?1 ORDER BY generation",
    )?;
    let rows = stmt.query_map([partner_id], |r| {
        Ok((
            r.get::<_, u32>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Vec<u8>>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, Option<Vec<u8>>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (generation, age_recipient, public, created_at, next_vouch) = row?;
        out.push(OwnKeyRow {
            partner_id,
            generation,
            age_recipient,
            ed25519_public: public32(public, "ed25519_public")?,
            created_at,
            next_vouch,
        });
    }
    Ok(out)
}

/// The signing key of one own generation. Only signing functions in this module use it.
fn own_signing_key(conn: &Connection, generation: u32) -> Result<SigningKey> {
    let secret: Zeroizing<Vec<u8>> = Zeroizing::new(
        conn.prepare_cached("SELECT ed25519_secret FROM own_identity_key WHERE generation = ?1")?
            .query_row([generation], |r| r.get(0))
            .optional()?
            .ok_or_else(|| corrupt("missing generation"))?,
    );
    let seed: Zeroizing<[u8; 32]> =
        Zeroizing::new(secret.as_slice().try_into().map_err(|_| corrupt("ed25519_secret"))?);
    Ok(SigningKey::from_bytes(&seed))
}

fn random_seed() -> Result<Zeroizing<[u8; 32]>> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut()).map_err(|e| Error::CipherMissing(format!("no system randomness: {e}")))?;
    Ok(seed)
}

/// A new generation of keys for `partner_id`, not yet stored.
struct NewKeys {
    identity: age::x25519::Identity,
    seed: Zeroizing<[u8; 32]>,
    row: OwnKeyRow,
}

fn generate_keys(partner_id: Uuid, generation: u32, now: i64) -> Result<NewKeys> {
    let identity = age::x25519::Identity::generate();
    let age_recipient = identity.to_public().to_string();
    let seed = random_seed()?;
    let ed25519_public = SigningKey::from_bytes(&seed).verifying_key().to_bytes();
    let row = OwnKeyRow {
        partner_id,
        generation,
        age_recipient,
        ed25519_public,
        created_at: now,
        next_vouch: None,
    };
    Ok(NewKeys { identity, seed, row })
}

/// Stores a new generation with its secrets.
fn insert_own_key(w: &Writer<'_>, keys: NewKeys) -> Result<OwnKeyRow> {
    w.conn
        .prepare_cached(
            "INSERT INTO own_identity_key
               (generation, partner_id, age_identity, age_recipient, ed25519_secret, ed25519_public, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(rusqlite::params![
            keys.row.generation,
            keys.row.partner_id,
            keys.identity.to_string().expose_secret(),
            keys.row.age_recipient,
            keys.seed.as_slice(),
            keys.row.ed25519_public.as_slice(),
            keys.row.created_at,
            w.actor.worker_id,
        ])?;
    Ok(keys.row)
}

/// The current own keys, made (and audited) the first time.
fn ensure_own(w: &Writer<'_>, partner_id: Uuid) -> Result<OwnKeyRow> {
    if let Some(current) = own_keys(w.conn, partner_id)?.pop() {
        return Ok(current);
    }
    let row = insert_own_key(w, generate_keys(partner_id, 1, w.now)?)?;
    w.audit_event(
        AuditAction::IdentityCreate,
        "partner",
        partner_id,
        serde_json::json!({"generation": 1, "fingerprint": row.public().fingerprint.hex}),
    )?;
    Ok(row)
}

/// The partner's keys pinned in this store, oldest first.
struct PinnedRow {
    id: i64,
    generation: u32,
    age_recipient: String,
    ed25519_public: [u8; 32],
    created_at: i64,
    pinned_at: i64,
    how: String,
    superseded_at: Option<i64>,
    revoked_at: Option<i64>,
}

fn pinned_rows(conn: &Connection, partner_id: Uuid) -> Result<Vec<PinnedRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, generation, age_recipient, ed25519_public, created_at, pinned_at, how, superseded_at, revoked_at
         FROM partner_key WHERE partner_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([partner_id], |r| {
        Ok((
            PinnedRow {
                id: r.get(0)?,
                generation: r.get(1)?,
                age_recipient: r.get(2)?,
                ed25519_public: [0; 32],
                created_at: r.get(4)?,
                pinned_at: r.get(5)?,
                how: r.get(6)?,
                superseded_at: r.get(7)?,
                revoked_at: r.get(8)?,
            },
            r.get::<_, Vec<u8>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut p, public) = row?;
        p.ed25519_public =
            public.try_into().map_err(|_| Error::StoreCorrupt("partner_key.ed25519_public".into()))?;
        out.push(p);
    }
    Ok(out)
}

impl Store {
    /// This store's own identity (public parts), made the first time it is asked for.
    /// Needs the right to manage settings.
    pub fn own_identity(&mut self) -> Result<OwnIdentity> {
        self.require(Permission::ManageSettings)?;
        let partner_id = self.self_partner_id()?;
        self.write(|w| ensure_own(w, partner_id)).map(|row| row.public())
    }

    /// The own identity card, signed, to give to partners (made the first time).
    pub fn identity_card(&mut self) -> Result<IdentityCard> {
        self.require(Permission::ManageSettings)?;
        let partner_id = self.self_partner_id()?;
        let current = self.write(|w| ensure_own(w, partner_id))?;
        let partner = self.partner(partner_id)?;
        let keys = own_keys(self.conn(), partner_id)?;
        let mut previous = Vec::new();
        for k in keys.iter().filter(|k| k.generation < current.generation) {
            let vouch = k.next_vouch.as_deref().ok_or_else(|| corrupt("a retired key without its vouch"))?;
            previous.push(PreviousKey {
                generation: k.generation,
                age_recipient: k.age_recipient.clone(),
                ed25519_public: BASE64.encode(&k.ed25519_public),
                created_at: k.created_at,
                next_signature: BASE64.encode(vouch),
            });
        }
        let signing = own_signing_key(self.conn(), current.generation)?;
        let signature = signing.sign(&card_bytes(partner_id, &partner.name, partner.kind, &current.parts()));
        Ok(IdentityCard {
            format: CARD_FORMAT.into(),
            partner_id,
            partner_name: partner.name,
            kind: partner.kind,
            generation: current.generation,
            age_recipient: current.age_recipient.clone(),
            ed25519_public: BASE64.encode(&current.ed25519_public),
            created_at: current.created_at,
            signature: BASE64.encode(&signature.to_bytes()),
            previous,
        })
    }

    /// New own keys: the current ones are retired (kept, to open what was sealed to them)
    /// and sign the new public keys, so partners who pinned them accept the new card
    /// without comparing fingerprints again. Needs an identity already.
    pub fn rotate_identity(&mut self) -> Result<OwnIdentity> {
        self.require(Permission::ManageSettings)?;
        let partner_id = self.self_partner_id()?;
        self.write(|w| {
            let old = own_keys(w.conn, partner_id)?
                .pop()
                .ok_or_else(|| Error::not_found("own identity", "none yet: make the card first"))?;
            let new = insert_own_key_after(w, &old)?;
            w.audit_event(
                AuditAction::IdentityRotate,
                "partner",
                partner_id,
                serde_json::json!({
                    "from": old.generation,
                    "to": new.generation,
                    "fingerprint": new.public().fingerprint.hex,
                }),
            )?;
            Ok(new.public())
        })
    }

    /// Pins a partner's card. The card's signatures must verify, and its partner must be
    /// one of this store's partners (same id; add it first). A first key needs the
    /// fingerprint words (or hex) the partner read out; a new key of a partner with a pinned
    /// key is accepted only when that key vouched for it (a rotation), and `words`, if given,
    /// must match too. Refused pins write nothing.
    pub fn pin_partner_card(&mut self, card: &IdentityCard, words: Option<&str>) -> Result<PinOutcome> {
        self.require(Permission::ManageSettings)?;
        card.verify()?;
        let fingerprint = card.fingerprint()?;
        if words.is_some_and(|w| !fingerprint.matches(w)) {
            return Err(Error::FingerprintMismatch);
        }
        if card.partner_id == self.self_partner_id()? {
            return Err(invalid("card", "this is this store's own card"));
        }
        let partner = self.partner(card.partner_id).map_err(|e| match e {
            Error::NotFound { .. } => Error::not_found(
                "partner",
                format!("{} (add the partner with this id first, then pin its card)", card.partner_id),
            ),
            e => e,
        })?;
        let public = decode_public("ed25519_public", &card.ed25519_public)?;
        self.write(|w| {
            let pinned = pinned_rows(w.conn, card.partner_id)?;
            let outcome = |how: &str| PinOutcome {
                partner_id: card.partner_id,
                partner_name: partner.name.clone(),
                card_name: card.partner_name.clone(),
                generation: card.generation,
                how: how.into(),
                fingerprint: fingerprint.clone(),
            };
            if let Some(same) = pinned.iter().find(|p| p.ed25519_public == public) {
                return if same.revoked_at.is_some() {
                    Err(Error::PartnerRevoked(partner.name.clone()))
                } else if same.superseded_at.is_some() {
                    Err(Error::KeyConflict(format!(
                        "this card of {} holds an older key; a newer one is pinned already",
                        partner.name
                    )))
                } else {
                    Ok(outcome("unchanged"))
                };
            }
            let current = pinned.iter().find(|p| p.superseded_at.is_none() && p.revoked_at.is_none());
            let how = match current {
                Some(cur) => {
                    // `verify` checked every vouch of the chain: the pinned key must be in it.
                    let vouched = card.previous.iter().any(|p| {
                        p.generation == cur.generation
                            && decode_public("previous.ed25519_public", &p.ed25519_public)
                                .is_ok_and(|k| k == cur.ed25519_public)
                    });
                    if !vouched {
                        return Err(Error::KeyConflict(format!(
                            "{} already has a pinned key, and this card's key is not signed by it; \
                             revoke the pinned key first if the partner really has new keys",
                            partner.name
                        )));
                    }
                    w.conn
                        .prepare_cached("UPDATE partner_key SET superseded_at = ?1 WHERE id = ?2")?
                        .execute((w.now, cur.id))?;
                    "rotation"
                }
                None if words.is_none() => {
                    return Err(invalid(
                        "words",
                        "compare the fingerprint with the partner (by phone) and give its words",
                    ));
                }
                None => "fingerprint",
            };
            w.conn
                .prepare_cached(
                    "INSERT INTO partner_key
                       (partner_id, generation, age_recipient, ed25519_public, created_at, pinned_at, pinned_by, how)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(rusqlite::params![
                    card.partner_id,
                    card.generation,
                    card.age_recipient,
                    public.as_slice(),
                    card.created_at,
                    w.now,
                    w.actor.worker_id,
                    how,
                ])?;
            w.audit_event(
                AuditAction::PartnerPin,
                "partner",
                card.partner_id,
                serde_json::json!({"generation": card.generation, "how": how, "fingerprint": fingerprint.hex}),
            )?;
            Ok(outcome(how))
        })
    }

    /// Revokes every key pinned for a partner: nothing signed by them is accepted any more
    /// ([`Store::verify_from_partner`]). A new key can be pinned afterwards only by comparing
    /// its fingerprint again.
    pub fn revoke_partner_card(&mut self, partner_id: Uuid) -> Result<usize> {
        self.require(Permission::ManageSettings)?;
        let partner = self.partner(partner_id)?;
        self.write(|w| {
            let n = w
                .conn
                .prepare_cached(
                    "UPDATE partner_key SET revoked_at = ?1 WHERE partner_id = ?2 AND revoked_at IS NULL",
                )?
                .execute((w.now, partner_id))?;
            if n == 0 {
                return Err(Error::not_found("pinned key", format!("{} has none to revoke", partner.name)));
            }
            w.audit_event(AuditAction::PartnerRevoke, "partner", partner_id, serde_json::json!({"keys": n}))?;
            Ok(n)
        })
    }

    /// Every key pinned in this store, public parts only, by partner and pinning order.
    pub fn pinned_partner_keys(&self) -> Result<Vec<PinnedKey>> {
        self.require(Permission::ManageSettings)?;
        let ids: Vec<Uuid> = self
            .conn()
            .prepare_cached("SELECT DISTINCT partner_id FROM partner_key")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for partner_id in ids {
            let name = self.partner(partner_id)?.name;
            for p in pinned_rows(self.conn(), partner_id)? {
                out.push(PinnedKey {
                    partner_id,
                    partner_name: name.clone(),
                    generation: p.generation,
                    fingerprint: Fingerprint::of(partner_id, &p.age_recipient, &p.ed25519_public),
                    age_recipient: p.age_recipient,
                    ed25519_public: BASE64.encode(&p.ed25519_public),
                    created_at: p.created_at,
                    pinned_at: p.pinned_at,
                    how: p.how,
                    superseded_at: p.superseded_at,
                    revoked_at: p.revoked_at,
                });
            }
        }
        out.sort_by(|a, b| (&a.partner_name, a.pinned_at).cmp(&(&b.partner_name, b.pinned_at)));
        Ok(out)
    }

    /// Checks `signature` over `message` against a partner's pinned keys (the current one or
    /// a superseded one) and returns the generation that made it. A revoked partner is
    /// refused (`partner_revoked`), one without pinned keys is unknown (`not_found`).
    /// For the exchange of envelopes; no permission of its own (it reads public keys only).
    pub fn verify_from_partner(&self, partner_id: Uuid, message: &[u8], signature: &[u8]) -> Result<u32> {
        let pinned = pinned_rows(self.conn(), partner_id)?;
        let usable: Vec<&PinnedRow> = pinned.iter().filter(|p| p.revoked_at.is_none()).collect();
        if usable.is_empty() {
            return Err(if pinned.is_empty() {
                Error::not_found("pinned key", partner_id)
            } else {
                Error::PartnerRevoked(partner_id.to_string())
            });
        }
        let signature = Signature::try_from(signature)
            .map_err(|_| Error::InvalidSignature("not an Ed25519 signature".into()))?;
        for p in usable.iter().rev() {
            let key = verifying_key("ed25519_public", &p.ed25519_public)?;
            if key.verify_strict(message, &signature).is_ok() {
                return Ok(p.generation);
            }
        }
        Err(Error::InvalidSignature("not signed by a key pinned for this partner".into()))
    }
}

/// The own current generation and its signing key, made the first time (for sealing).
pub(super) fn own_current_signing(w: &Writer<'_>, partner_id: Uuid) -> Result<(u32, SigningKey)> {
    let current = ensure_own(w, partner_id)?;
    Ok((current.generation, own_signing_key(w.conn, current.generation)?))
}

/// Every generation's age identity of the own partner, newest first (for opening: what was
/// sealed to a retired key can still be opened).
pub(super) fn own_age_identities(conn: &Connection) -> Result<Vec<age::x25519::Identity>> {
    let mut stmt =
        conn.prepare_cached("SELECT age_identity FROM own_identity_key ORDER BY generation DESC")?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for row in rows {
        let text = Zeroizing::new(row?);
        out.push(age::x25519::Identity::from_str(&text).map_err(|_| corrupt("age_identity"))?);
    }
    Ok(out)
}

/// The age recipient of a partner's current pinned key: `partner_revoked` when its keys were
/// revoked, `not_found` when none is pinned.
pub(super) fn current_partner_recipient(
    conn: &Connection,
    partner_id: Uuid,
) -> Result<age::x25519::Recipient> {
    let pinned = pinned_rows(conn, partner_id)?;
    match pinned.iter().find(|p| p.superseded_at.is_none() && p.revoked_at.is_none()) {
        Some(p) => age::x25519::Recipient::from_str(&p.age_recipient)
            .map_err(|_| Error::StoreCorrupt("partner_key.age_recipient".into())),
        None if pinned.iter().any(|p| p.revoked_at.is_some()) => {
            Err(Error::PartnerRevoked(partner_id.to_string()))
        }
        None => Err(Error::not_found("pinned key", partner_id)),
    }
}

/// The Ed25519 key pinned for one generation of a partner, not revoked.
pub(super) fn pinned_verifying_key(
    conn: &Connection,
    partner_id: Uuid,
    generation: u32,
) -> Result<VerifyingKey> {
    let pinned = pinned_rows(conn, partner_id)?;
    if pinned.is_empty() {
        return Err(Error::not_found("pinned key", partner_id));
    }
    if pinned.iter().all(|p| p.revoked_at.is_some()) {
        return Err(Error::PartnerRevoked(partner_id.to_string()));
    }
    let p =
        pinned.iter().find(|p| p.generation == generation && p.revoked_at.is_none()).ok_or_else(|| {
            Error::InvalidSignature(format!("generation {generation} of the sender is not pinned here"))
        })?;
    verifying_key("ed25519_public", &p.ed25519_public)
}

/// The generation after `old`: `old` is retired with its signature over the new public
/// parts (one update: a retired row never changes again), then the new keys are stored.
fn insert_own_key_after(w: &Writer<'_>, old: &OwnKeyRow) -> Result<OwnKeyRow> {
    let next = old.generation.checked_add(1).ok_or_else(|| corrupt("generation"))?;
    let keys = generate_keys(old.partner_id, next, w.now)?;
    let vouch = own_signing_key(w.conn, old.generation)?.sign(&vouch_bytes(
        old.partner_id,
        &old.parts(),
        &keys.row.parts(),
    ));
    w.conn
        .prepare_cached("UPDATE own_identity_key SET retired_at = ?1, next_vouch = ?2 WHERE generation = ?3")?
        .execute(rusqlite::params![w.now, vouch.to_bytes().as_slice(), old.generation])?;
    insert_own_key(w, keys)
}

#[cfg(test)]
#[path = "identity_tests.rs"]
mod tests;
