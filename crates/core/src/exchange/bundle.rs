//! Bundles: the offline transport. "Export for partner" seals everything the outbox holds
//! for one partner into envelopes and writes them as one file; "Import" opens a partner's
//! file and applies it in one transaction. A bundle can go by e-mail, a shared folder or a
//! USB stick: it is encrypted to its recipient and signed by its sender, and importing it
//! twice changes nothing.

use std::path::Path;

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::envelope::{Envelope, inbox_record, seal_in};
use super::outbox::{ItemKind, enqueue};
use super::payload::{EventItem, ITEMS_PER_ENVELOPE, Item, Payload, ReferralItem, Shared, Stream};
use crate::access::Permission;
use crate::audit::AuditAction;
use crate::dates;
use crate::error::{Error, Result};
use crate::reference::Vocab;
use crate::referrals::{EventKind, ReferralMode, ReferralOrigin, owner_of};
use crate::store::{Store, Writer};

/// The `format` of a bundle file this version writes and reads.
pub const BUNDLE_FORMAT: &str = "schakel-bundle-v1";
/// A bundle file larger than this is refused before it is read (about 40 envelopes of
/// 5,000 items).
pub const MAX_BUNDLE_BYTES: u64 = 256 * 1024 * 1024;

/// One file for one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub format: String,
    pub sender: Uuid,
    pub recipient: Uuid,
    /// Unix milliseconds, the sender's clock.
    pub created_at: i64,
    pub envelopes: Vec<Envelope>,
}

/// What an export sealed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExportSummary {
    pub recipient: Uuid,
    pub recipient_name: String,
    pub envelopes: u32,
    pub referrals: u32,
    pub events: u32,
    pub receipts: u32,
}

/// What an import applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportSummary {
    pub sender: Uuid,
    pub sender_name: String,
    /// Envelopes opened for the first time.
    pub envelopes: u32,
    /// Envelopes opened before: nothing of them was applied again.
    pub already_seen: u32,
    /// Referrals new to this store.
    pub referrals: u32,
    /// Events new to this store.
    pub events: u32,
    /// Items already here (sent again because no receipt had come back).
    pub unchanged: u32,
    /// Receipts: items of ours the sender confirmed.
    pub confirmed: u32,
    /// New events that look implausible (a date after its recording, a clock ahead):
    /// applied, and flagged on the referral.
    pub flagged: u32,
}

/// The referrals and events an export takes, read at sealing time.
struct Pending {
    row: i64,
    stream: Stream,
    kind: ItemKind,
    item: Uuid,
    sealed_at: Option<i64>,
}

impl Store {
    /// Seals everything waiting for `recipient` (never sealed, or sealed without a receipt
    /// since) into a bundle, or `None` when nothing waits. The outbox remembers the envelope
    /// of each item; a receipt for it marks the item delivered.
    pub fn export_bundle(&mut self, recipient: Uuid) -> Result<Option<(Bundle, ExportSummary)>> {
        self.require(Permission::Exchange)?;
        let me = self.self_partner_id()?;
        let recipient_name = self.partner(recipient)?.name;
        self.write(|w| {
            let Some((envelopes, summary)) = seal_pending(w, me, recipient, recipient_name, Resend::All)?
            else {
                return Ok(None);
            };
            let bundle =
                Bundle { format: BUNDLE_FORMAT.into(), sender: me, recipient, created_at: w.now, envelopes };
            Ok(Some((bundle, summary)))
        })
    }

    /// Imports a partner's bundle: every envelope is checked and opened first, then all are
    /// applied in one transaction. Any refusal (wrong recipient, unknown or revoked sender,
    /// a changed byte, an event that does not fit) applies nothing. Envelopes opened before
    /// are skipped.
    pub fn import_bundle(&mut self, bundle: &Bundle) -> Result<ImportSummary> {
        self.require(Permission::Exchange)?;
        if bundle.format != BUNDLE_FORMAT {
            return Err(Error::validation("bundle", "not a Schakel bundle of a format this version reads"));
        }
        let me = self.self_partner_id()?;
        if bundle.recipient != me {
            return Err(Error::WrongRecipient("this bundle is for another partner".into()));
        }
        if bundle.envelopes.iter().any(|e| e.sender != bundle.sender) {
            return Err(Error::validation("bundle", "its envelopes come from more than one sender"));
        }
        self.import_envelopes(&bundle.envelopes)
    }

    /// Checks, opens and applies envelopes from one sender in one transaction (a bundle's, or
    /// those fetched from the hub).
    pub fn import_envelopes(&mut self, envelopes: &[Envelope]) -> Result<ImportSummary> {
        self.require(Permission::Exchange)?;
        let Some(first) = envelopes.first() else {
            return Err(Error::validation("bundle", "holds no envelope"));
        };
        let sender = first.sender;
        let sender_name = self.partner(sender).map(|p| p.name).map_err(|e| match e {
            Error::NotFound { .. } => Error::UnknownSender(format!("partner {sender} is not known here")),
            e => e,
        })?;
        let mut opened = Vec::with_capacity(envelopes.len());
        for env in envelopes {
            if env.sender != sender {
                return Err(Error::validation("bundle", "its envelopes come from more than one sender"));
            }
            let (o, digest) = self.unseal(env)?;
            let payload = Payload::from_bytes(&o.payload)?;
            opened.push((env, digest, payload));
        }
        self.write(|w| {
            let me = crate::store::self_partner_id(w.conn)?;
            let mut s = ImportSummary { sender, sender_name, ..ImportSummary::default() };
            for (env, digest, payload) in &opened {
                if inbox_record(w, env, digest)? {
                    s.already_seen += 1;
                    continue;
                }
                s.envelopes += 1;
                apply(w, me, sender, payload, &mut s)?;
                if !payload.is_receipts_only() {
                    enqueue(w, sender, Stream::Partner, ItemKind::Receipt, env.id)?;
                }
            }
            w.audit_event(
                AuditAction::ExchangeImport,
                "partner",
                sender,
                serde_json::json!({
                    "envelopes": s.envelopes, "already_seen": s.already_seen, "referrals": s.referrals,
                    "events": s.events, "confirmed": s.confirmed, "flagged": s.flagged,
                }),
            )?;
            Ok(s)
        })
    }
}

/// Writes a bundle to `path` atomically (a temporary file beside it, then a rename).
pub fn write_bundle(bundle: &Bundle, path: &Path) -> Result<()> {
    let bytes = serde_json::to_vec(bundle).map_err(|e| Error::validation("bundle", e.to_string()))?;
    crate::files::write_atomically(path, &bytes)
}

/// Reads a bundle file: its size, then its shape.
pub fn read_bundle(path: &Path) -> Result<Bundle> {
    let len = std::fs::metadata(path)?.len();
    if len > MAX_BUNDLE_BYTES {
        return Err(Error::validation("bundle", "the file is too large to be a Schakel bundle"));
    }
    let bytes = std::fs::read(path)?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::validation("bundle", format!("not a Schakel bundle (or a damaged one): {e}")))
}

/// A name as part of a suggested file name: ASCII letters, digits and single dashes, at most
/// 40 characters.
pub fn file_slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').chars().take(40).collect()
}

/// The suggested name of a bundle file, the same in the CLI and the app:
/// `schakel-OCMW-Jette-naar-CAW-Brussel-20261126-140512.json` (ASCII letters, digits and
/// dashes; the time is local).
pub fn bundle_file_name(from: &str, to: &str, at_ms: i64) -> String {
    let at = chrono::DateTime::from_timestamp_millis(at_ms)
        .map(|t| t.with_timezone(&chrono::Local).format("%Y%m%d-%H%M%S").to_string())
        .unwrap_or_default();
    format!("schakel-{}-naar-{}-{at}.json", file_slug(from), file_slug(to))
}

/// Which sealed-but-unconfirmed items go again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resend {
    /// Every item without a receipt (a bundle: the last one may have been lost).
    All,
    /// Items never sealed, and those sealed before this time (the hub: a receipt takes a
    /// while; after a day the item goes again).
    SealedBefore(i64),
}

/// Seals what waits for `recipient` into envelopes (at most [`ITEMS_PER_ENVELOPE`] items
/// each, one stream per envelope), marks the outbox, and audits it; `None` if nothing waits.
pub(crate) fn seal_pending(
    w: &Writer<'_>,
    me: Uuid,
    recipient: Uuid,
    recipient_name: String,
    resend: Resend,
) -> Result<Option<(Vec<Envelope>, ExportSummary)>> {
    let mut pending = pending_for(w, recipient)?;
    if let Resend::SealedBefore(t) = resend {
        pending.retain(|p| p.sealed_at.is_none_or(|s| s < t));
    }
    if pending.is_empty() {
        return Ok(None);
    }
    let mut summary = ExportSummary { recipient, recipient_name, ..ExportSummary::default() };
    let mut envelopes = Vec::new();
    for stream in [Stream::Partner, Stream::Coordinator] {
        let of_stream: Vec<&Pending> = pending.iter().filter(|p| p.stream == stream).collect();
        for chunk in of_stream.chunks(ITEMS_PER_ENVELOPE) {
            let mut items = Vec::with_capacity(chunk.len());
            for p in chunk {
                items.push(item_of(w, me, stream, p)?);
                match p.kind {
                    ItemKind::Referral => summary.referrals += 1,
                    ItemKind::Event => summary.events += 1,
                    ItemKind::Receipt => summary.receipts += 1,
                }
            }
            let env = seal_in(w, me, &[recipient], &Payload::new(stream, items).to_bytes()?)?;
            let mut mark = w.conn.prepare_cached(
                "UPDATE exchange_outbox SET envelope_id = ?2, sealed_at = ?3,
                   delivered_at = CASE item_kind WHEN 'receipt' THEN ?3 ELSE delivered_at END
                 WHERE rowid = ?1",
            )?;
            for p in chunk {
                mark.execute(rusqlite::params![p.row, env.id, w.now])?;
            }
            envelopes.push(env);
        }
    }
    summary.envelopes = u32::try_from(envelopes.len()).unwrap_or(u32::MAX);
    w.audit_event(
        AuditAction::ExchangeExport,
        "partner",
        recipient,
        serde_json::json!({
            "envelopes": summary.envelopes, "referrals": summary.referrals,
            "events": summary.events, "receipts": summary.receipts,
        }),
    )?;
    Ok(Some((envelopes, summary)))
}

fn pending_for(w: &Writer<'_>, recipient: Uuid) -> Result<Vec<Pending>> {
    let mut stmt = w.conn.prepare_cached(
        "SELECT rowid, stream, item_kind, item_id, sealed_at FROM exchange_outbox
         WHERE recipient_id = ?1 AND delivered_at IS NULL
         ORDER BY created_at, CASE item_kind WHEN 'referral' THEN 0 WHEN 'event' THEN 1 ELSE 2 END, rowid",
    )?;
    let rows = stmt.query_map([recipient], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Uuid>(3)?,
            r.get::<_, Option<i64>>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (row, stream, kind, item, sealed_at) = row?;
        out.push(Pending {
            row,
            stream: Stream::parse(&stream)?,
            kind: ItemKind::parse(&kind)?,
            item,
            sealed_at,
        });
    }
    Ok(out)
}

/// The item as it travels, read now.
fn item_of(w: &Writer<'_>, me: Uuid, stream: Stream, p: &Pending) -> Result<Item> {
    match p.kind {
        ItemKind::Receipt => Ok(Item::Receipt { envelope_id: p.item }),
        ItemKind::Event => {
            let e = w.event(p.item)?.ok_or_else(|| Error::StoreCorrupt("outbox: event gone".into()))?;
            if e.partner_id != me {
                return Err(Error::StoreCorrupt("outbox: an event of another partner".into()));
            }
            Ok(Item::Event(EventItem {
                id: e.id,
                referral_id: e.referral_id,
                kind: e.kind,
                occurred_on: e.occurred_on,
                recorded_at: e.recorded_at,
                partner_id: e.partner_id,
                reason: e.reason,
            }))
        }
        ItemKind::Referral => {
            let (from, to, domain, mode, created_at, code): (
                Uuid,
                Option<Uuid>,
                String,
                String,
                i64,
                Option<String>,
            ) = w
                .conn
                .prepare_cached(
                    "SELECT r.from_partner_id, r.to_partner_id, r.life_domain_code, r.mode, r.created_at,
                           COALESCE(c.code, r.case_code)
                         FROM referral r LEFT JOIN case_file c ON c.id = r.case_id WHERE r.id = ?1",
                )?
                .query_row([p.item], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                })
                .optional()?
                .ok_or_else(|| Error::StoreCorrupt("outbox: referral gone".into()))?;
            let to =
                to.ok_or_else(|| Error::StoreCorrupt("outbox: a referral outside the network".into()))?;
            let mode = ReferralMode::parse("mode", &mode)
                .map_err(|_| Error::StoreCorrupt("referral.mode".into()))?;
            let (case_code, shared) = match stream {
                Stream::Coordinator => (None, None),
                Stream::Partner => (code, Some(shared_of(w.conn, p.item)?.unwrap_or_default())),
            };
            Ok(Item::Referral(ReferralItem {
                id: p.item,
                from_partner_id: from,
                to_partner_id: to,
                life_domain: domain,
                mode,
                created_at,
                case_code,
                shared,
            }))
        }
    }
}

pub(crate) fn shared_of(conn: &rusqlite::Connection, referral_id: Uuid) -> Result<Option<Shared>> {
    Ok(conn
        .prepare_cached(
            "SELECT age_band_code, household_type_code, municipality_code, contact_language_code,
               interpreter, handover_note
             FROM referral_shared WHERE referral_id = ?1",
        )?
        .query_row([referral_id], |r| {
            Ok(Shared {
                age_band: r.get(0)?,
                household_type: r.get(1)?,
                municipality: r.get(2)?,
                contact_language: r.get(3)?,
                interpreter: r.get(4)?,
                handover_note: r.get(5)?,
            })
        })
        .optional()?)
}

/// Stores what goes (or came) with a referral, replacing an earlier choice.
pub(crate) fn put_shared(w: &Writer<'_>, referral_id: Uuid, owner: Uuid, s: &Shared) -> Result<()> {
    w.conn
        .prepare_cached(
            "INSERT INTO referral_shared (referral_id, owner_partner_id, age_band_code, household_type_code,
               municipality_code, contact_language_code, interpreter, handover_note, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (referral_id) DO UPDATE SET age_band_code = excluded.age_band_code,
               household_type_code = excluded.household_type_code,
               municipality_code = excluded.municipality_code,
               contact_language_code = excluded.contact_language_code,
               interpreter = excluded.interpreter, handover_note = excluded.handover_note",
        )?
        .execute(rusqlite::params![
            referral_id,
            owner,
            s.age_band,
            s.household_type,
            s.municipality,
            s.contact_language,
            s.interpreter,
            s.handover_note,
            w.now
        ])?;
    Ok(())
}

/// The longest handover note.
pub const MAX_HANDOVER_NOTE_CHARS: usize = 2_000;

/// Checks what a sender shares (its own, before sending; a partner's, on import): known
/// codes, a note without identifiers and not too long.
pub(crate) fn check_shared(w: &Writer<'_>, s: &Shared) -> Result<()> {
    let check = |v: Vocab, field: &str, code: &Option<String>| match code {
        Some(c) => w.vocab.check(v, field, c),
        None => Ok(()),
    };
    check(Vocab::AgeBand, "age_band", &s.age_band)?;
    check(Vocab::HouseholdType, "household_type", &s.household_type)?;
    check(Vocab::Municipality, "municipality", &s.municipality)?;
    check(Vocab::Language, "contact_language", &s.contact_language)?;
    if let Some(i) = &s.interpreter
        && !["not_needed", "needed", "used"].contains(&i.as_str())
    {
        return Err(Error::validation("interpreter", "not one of: not_needed, needed, used"));
    }
    if let Some(note) = &s.handover_note {
        if note.chars().count() > MAX_HANDOVER_NOTE_CHARS {
            return Err(Error::validation(
                "handover_note",
                format!("at most {MAX_HANDOVER_NOTE_CHARS} characters"),
            ));
        }
        crate::privacy::check_free_text("handover_note", note)?;
    }
    Ok(())
}

/// Applies one opened payload from `sender`: referrals first, then events, then receipts.
fn apply(w: &mut Writer<'_>, me: Uuid, sender: Uuid, payload: &Payload, s: &mut ImportSummary) -> Result<()> {
    for item in &payload.items {
        if let Item::Referral(r) = item {
            apply_referral(w, me, sender, payload.stream, r, s)?;
        }
    }
    for item in &payload.items {
        if let Item::Event(e) = item {
            apply_event(w, sender, e, s)?;
        }
    }
    for item in &payload.items {
        if let Item::Receipt { envelope_id } = item {
            let n = w
                .conn
                .prepare_cached(
                    "UPDATE exchange_outbox SET delivered_at = ?3
                     WHERE envelope_id = ?1 AND recipient_id = ?2 AND delivered_at IS NULL",
                )?
                .execute(rusqlite::params![envelope_id, sender, w.now])?;
            s.confirmed += u32::try_from(n).unwrap_or(u32::MAX);
        }
    }
    Ok(())
}

fn apply_referral(
    w: &mut Writer<'_>,
    me: Uuid,
    sender: Uuid,
    stream: Stream,
    r: &ReferralItem,
    s: &mut ImportSummary,
) -> Result<()> {
    let field = "referral";
    let origin = match stream {
        Stream::Partner => {
            if r.to_partner_id != me {
                return Err(Error::WrongRecipient(format!("referral {} is for another partner", r.id)));
            }
            if r.from_partner_id != sender {
                return Err(Error::validation(field, "a partner may only send its own referrals"));
            }
            ReferralOrigin::Received
        }
        Stream::Coordinator => {
            if r.from_partner_id != sender && r.to_partner_id != sender {
                return Err(Error::validation(field, "a partner may only report referrals it takes part in"));
            }
            if r.case_code.is_some() || r.shared.is_some() {
                return Err(Error::validation(field, "the coordinator's stream carries no case details"));
            }
            ReferralOrigin::Reported
        }
    };
    if r.from_partner_id == r.to_partner_id {
        return Err(Error::validation(field, "a referral cannot go to the partner that sends it"));
    }
    w.vocab.check(Vocab::LifeDomain, "life_domain", &r.life_domain)?;
    for p in [r.from_partner_id, r.to_partner_id] {
        if !w.partner_exists(p)? {
            return Err(Error::validation(
                field,
                format!("partner {p} is not known in this store; add it first"),
            ));
        }
    }
    let existing: Option<(Uuid, Option<Uuid>, String, String)> = w
        .conn
        .prepare_cached(
            "SELECT from_partner_id, to_partner_id, life_domain_code, mode FROM referral WHERE id = ?1",
        )?
        .query_row([r.id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))
        .optional()?;
    if let Some((from, to, domain, mode)) = existing {
        let same = from == r.from_partner_id
            && to == Some(r.to_partner_id)
            && domain == r.life_domain
            && mode == r.mode.as_str();
        if !same {
            return Err(Error::Conflict(format!("referral {} is here already with other facts", r.id)));
        }
        s.unchanged += 1;
        return Ok(());
    }
    let code = match origin {
        ReferralOrigin::Received => {
            let code = r.case_code.as_deref().map(str::trim).unwrap_or_default();
            if code.is_empty() || code.chars().count() > 40 {
                return Err(Error::validation(
                    "case_code",
                    "a received referral needs the sender's case code",
                ));
            }
            crate::privacy::check_free_text("case_code", code)?;
            Some(code.to_owned())
        }
        _ => None,
    };
    w.conn
        .prepare_cached(
            "INSERT INTO referral (id, owner_partner_id, origin, case_id, case_code, from_partner_id,
               to_partner_id, life_domain_code, mode, state, created_at, updated_at)
             VALUES (?1, ?2, ?3, NULL, ?4, ?2, ?5, ?6, ?7, 'draft', ?8, ?9)",
        )?
        .execute(rusqlite::params![
            r.id,
            r.from_partner_id,
            origin.as_str(),
            code,
            r.to_partner_id,
            r.life_domain,
            r.mode.as_str(),
            r.created_at,
            w.now
        ])?;
    if origin == ReferralOrigin::Received {
        let shared = r.shared.clone().unwrap_or_default();
        check_shared(w, &shared)?;
        put_shared(w, r.id, r.from_partner_id, &shared)?;
    }
    s.referrals += 1;
    Ok(())
}

fn apply_event(w: &mut Writer<'_>, sender: Uuid, e: &EventItem, s: &mut ImportSummary) -> Result<()> {
    let field = "event";
    let (from, to, mode): (Uuid, Option<Uuid>, String) = w
        .conn
        .prepare_cached("SELECT from_partner_id, to_partner_id, mode FROM referral WHERE id = ?1")?
        .query_row([e.referral_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| {
            Error::validation(field, format!("event {} is for a referral this store does not hold", e.id))
        })?;
    if e.partner_id != sender {
        return Err(Error::validation(field, "a partner may only send the events it recorded itself"));
    }
    if owner_of(e.kind, from, to) != sender {
        return Err(Error::validation(
            field,
            format!("{} is not recorded by this partner's side", e.kind.as_str()),
        ));
    }
    if let Some(reason) = &e.reason {
        w.vocab.check(Vocab::DeclineReason, "reason", reason)?;
    }
    if (e.kind == EventKind::Declined) != e.reason.is_some() {
        return Err(Error::validation("reason", "a decline, and only a decline, has a reason"));
    }
    if let Some(existing) = w.event(e.id)? {
        let same = existing.is_same(e.referral_id, e.kind, e.occurred_on, e.partner_id, &e.reason);
        if !same {
            return Err(Error::Conflict(format!("event {} is here already with other content", e.id)));
        }
        s.unchanged += 1;
        return Ok(());
    }
    w.conn
        .prepare_cached(
            "INSERT INTO referral_event (id, referral_id, kind, occurred_on, recorded_at, partner_id, worker_id,
               reason_code, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7, ?8)",
        )?
        .execute(rusqlite::params![
            e.id,
            e.referral_id,
            e.kind.as_str(),
            dates::iso(e.occurred_on),
            e.recorded_at,
            e.partner_id,
            e.reason,
            w.now
        ])?;
    let mode = ReferralMode::parse("mode", &mode).map_err(|_| Error::StoreCorrupt("referral.mode".into()))?;
    w.rederive(e.referral_id, mode)?;
    if !super::flags::of_event(e.occurred_on, e.recorded_at, Some(w.now)).is_empty() {
        s.flagged += 1;
    }
    s.events += 1;
    Ok(())
}

#[cfg(test)]
mod file_name_tests {
    #[test]
    fn a_bundle_file_name_has_only_ascii_letters_digits_and_dashes() {
        let name = super::bundle_file_name("OCMW Sint-Jans-Molenbeek", "CAW Brussel (Noord) é", 0);
        assert!(name.starts_with("schakel-OCMW-Sint-Jans-Molenbeek-naar-CAW-Brussel-Noord-"), "{name}");
        assert!(name.ends_with(".json"), "{name}");
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'), "{name}");
    }
}
