//! The hub transport seen from a store: where its hub is (kept inside the encrypted store,
//! password included), and one round of synchronisation: seal and post what waits for
//! each partner, fetch the own mailbox from the cursor on, open and apply each envelope,
//! then move the cursor and acknowledge (the hub deletes what was acknowledged).
//!
//! A refused envelope (a changed byte, an unknown sender, an event that does not fit) is
//! applied nowhere, reported and audited, and the cursor moves past it, so one bad envelope
//! cannot block a mailbox; its sender sends the items again when no receipt comes back. A
//! passing failure (the hub or the store busy) stops the round with the cursor where it was.

use serde::{Deserialize, Serialize};
use uuid::Uuid;
use zeroize::Zeroizing;

use super::bundle::{Resend, seal_pending};
use super::envelope::Envelope;
use super::hub::{Hub, HubConfig, MAX_FETCH, first_gap};
use super::outbox::is_exchange_partner;
use crate::access::Permission;
use crate::audit::AuditAction;
use crate::error::{Error, ErrorKind, Result};
use crate::settings::{read_meta, write_meta};
use crate::store::Store;

const HUB_KEY: &str = "hub";
const HUB_PASSWORD_KEY: &str = "hub_password";
const HUB_CURSOR_KEY: &str = "hub_cursor";
const HUB_LAST_SYNC_KEY: &str = "hub_last_sync_at";
const HUB_LAST_ERROR_KEY: &str = "hub_last_error";

/// After this long without a receipt, an item posted to the hub is posted again.
pub const HUB_RESEND_AFTER_MS: i64 = 24 * 60 * 60 * 1000;

/// Where the hub is, as an administrator sets it (the password is given apart and never
/// read back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct HubSettings {
    /// `postgres://role@host:port/dbname` (no password).
    pub url: String,
    /// PEM of the CA that signed the hub's certificate; `None` trusts the system's roots.
    #[serde(default)]
    pub ca_cert_pem: Option<String>,
}

/// The hub's status for the app's status line and `schakel hub status`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct HubStatus {
    pub configured: bool,
    /// `host:port/dbname as role`.
    pub describe: Option<String>,
    /// Last envelope sequence number applied from the own mailbox.
    #[ts(type = "number")]
    pub cursor: i64,
    /// Last round that ended without error, Unix ms.
    #[ts(type = "number | null")]
    pub last_sync_at: Option<i64>,
    /// The last round's error, in words (kind: message), cleared by a good round.
    pub last_error: Option<String>,
    /// Items waiting for any partner (not yet confirmed).
    #[ts(type = "number")]
    pub pending: i64,
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SyncSummary {
    /// Envelopes posted, per partner name.
    pub posted: Vec<(String, u32)>,
    /// Envelopes fetched and applied (or recognised as seen).
    pub received: u32,
    pub referrals: u32,
    pub events: u32,
    pub confirmed: u32,
    pub flagged: u32,
    /// Envelopes refused: nothing of them applied.
    pub refused: Vec<Refused>,
    /// A sequence number missing from the mailbox (the hub lost or withheld an envelope).
    #[ts(type = "number | null")]
    pub gap_at: Option<i64>,
    #[ts(type = "number")]
    pub cursor: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Refused {
    #[ts(type = "number")]
    pub seq: i64,
    pub sender: Uuid,
    pub kind: ErrorKind,
    pub message: String,
}

fn meta(store: &Store, key: &str) -> Result<Option<String>> {
    read_meta(store.conn(), key)
}

/// A passing failure: try the round again later, with nothing skipped.
fn is_passing(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::StoreLocked
            | ErrorKind::HubUnavailable
            | ErrorKind::HubRefused
            | ErrorKind::Io
            | ErrorKind::Database
            | ErrorKind::Forbidden
    )
}

impl Store {
    /// Sets where this store's hub is, and its partner role's password (kept in the
    /// encrypted store). The URL must not hold a password and must not turn TLS off.
    /// `None` forgets the hub.
    pub fn set_hub(&mut self, settings: Option<(&HubSettings, &str)>) -> Result<()> {
        self.require(Permission::ManageSettings)?;
        if let Some((s, password)) = settings {
            // Checked by parsing it the way a connection will.
            HubConfig::from_url(
                &s.url,
                Zeroizing::new(password.to_owned()),
                s.ca_cert_pem.as_ref().map(|p| p.as_bytes().to_vec()),
            )?;
            if password.is_empty() {
                return Err(Error::validation("password", "required"));
            }
        }
        let me = self.self_partner_id()?;
        self.write(|w| {
            match settings {
                Some((s, password)) => {
                    let json =
                        serde_json::to_string(s).map_err(|e| Error::validation("hub", e.to_string()))?;
                    write_meta(w.conn, HUB_KEY, Some(&json))?;
                    write_meta(w.conn, HUB_PASSWORD_KEY, Some(password))?;
                }
                None => {
                    write_meta(w.conn, HUB_KEY, None)?;
                    write_meta(w.conn, HUB_PASSWORD_KEY, None)?;
                }
            }
            write_meta(w.conn, HUB_CURSOR_KEY, None)?;
            write_meta(w.conn, HUB_LAST_ERROR_KEY, None)?;
            w.audit_event(
                AuditAction::Change,
                "settings",
                me,
                serde_json::json!({"action": "update", "fields": ["hub"]}),
            )
        })
    }

    /// The hub's connection settings, password included, for [`Hub::connect`]; `None` when
    /// no hub is set.
    pub fn hub_config(&self) -> Result<Option<HubConfig>> {
        self.require(Permission::Exchange)?;
        let Some(json) = meta(self, HUB_KEY)? else { return Ok(None) };
        let s: HubSettings =
            serde_json::from_str(&json).map_err(|_| Error::StoreCorrupt("store_meta.hub".into()))?;
        let password = Zeroizing::new(meta(self, HUB_PASSWORD_KEY)?.unwrap_or_default());
        HubConfig::from_url(&s.url, password, s.ca_cert_pem.map(String::into_bytes)).map(Some)
    }

    pub fn hub_status(&self) -> Result<HubStatus> {
        self.require(Permission::Exchange)?;
        let cfg = self.hub_config()?;
        let num = |k: &str| -> Result<Option<i64>> { Ok(meta(self, k)?.and_then(|v| v.parse().ok())) };
        let pending: i64 = self.conn().query_row(
            "SELECT count(*) FROM exchange_outbox WHERE delivered_at IS NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(HubStatus {
            configured: cfg.is_some(),
            describe: cfg.map(|c| c.describe()),
            cursor: num(HUB_CURSOR_KEY)?.unwrap_or(0),
            last_sync_at: num(HUB_LAST_SYNC_KEY)?,
            last_error: meta(self, HUB_LAST_ERROR_KEY)?,
            pending,
        })
    }

    /// One round with the hub (see the module comment). The status keeps the outcome.
    pub fn sync_hub(&mut self, hub: &mut Hub) -> Result<SyncSummary> {
        self.require(Permission::Exchange)?;
        let result = self.sync_round(hub);
        let now = crate::dates::now_ms();
        let (last_sync, last_error) = match &result {
            Ok(_) => (Some(now.to_string()), None),
            Err(e) => (None, Some(format!("{}: {e}", e.kind().as_str()))),
        };
        let _ = self.write(|w| {
            if let Some(t) = &last_sync {
                write_meta(w.conn, HUB_LAST_SYNC_KEY, Some(t))?;
            }
            write_meta(w.conn, HUB_LAST_ERROR_KEY, last_error.as_deref())
        });
        result
    }

    fn sync_round(&mut self, hub: &mut Hub) -> Result<SyncSummary> {
        let me = self.self_partner_id()?;
        if hub.partner_id() != me {
            return Err(Error::HubRefused(format!(
                "the hub knows this role as partner {}, not as this store's partner",
                hub.partner_id()
            )));
        }
        let mut summary = SyncSummary::default();
        // Out: everything waiting, per partner, sealed in this store's transaction first.
        let partners: Vec<(Uuid, String)> = {
            let mut stmt = self.conn().prepare_cached(
                "SELECT DISTINCT o.recipient_id, p.name FROM exchange_outbox o JOIN partner p ON p.id = o.recipient_id
                 WHERE o.delivered_at IS NULL",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        // A partner the hub refuses (one not on the hub, say) holds up neither the others'
        // envelopes nor the own mailbox: the round goes on and reports the refusal at its end.
        let mut refused_post: Option<Error> = None;
        'partners: for (partner, name) in partners {
            if !is_exchange_partner(self.conn(), partner)? {
                continue;
            }
            let resend = Resend::SealedBefore(crate::dates::now_ms() - HUB_RESEND_AFTER_MS);
            let sealed = self.write(|w| seal_pending(w, me, partner, name.clone(), resend))?;
            let Some((envelopes, _)) = sealed else { continue };
            for (i, env) in envelopes.iter().enumerate() {
                let posted = serde_json::to_vec(env)
                    .map_err(|e| Error::validation("envelope", e.to_string()))
                    .and_then(|body| hub.post(partner, env.id, &body));
                if let Err(e) = posted {
                    // Not posted: these items wait for the next round, not for a day.
                    let unposted: Vec<Uuid> = envelopes[i..].iter().map(|e| e.id).collect();
                    self.write(|w| {
                        let mut stmt = w.conn.prepare_cached(
                            "UPDATE exchange_outbox SET envelope_id = NULL, sealed_at = NULL, delivered_at = NULL
                             WHERE envelope_id = ?1",
                        )?;
                        for id in &unposted {
                            stmt.execute([id])?;
                        }
                        Ok(())
                    })?;
                    if e.kind() != ErrorKind::HubRefused {
                        return Err(e);
                    }
                    if i > 0 {
                        summary.posted.push((name, u32::try_from(i).unwrap_or(u32::MAX)));
                    }
                    refused_post.get_or_insert(e);
                    continue 'partners;
                }
            }
            summary.posted.push((name, u32::try_from(envelopes.len()).unwrap_or(u32::MAX)));
        }
        // In: the own mailbox from the cursor on.
        let mut cursor: i64 = meta(self, HUB_CURSOR_KEY)?.and_then(|v| v.parse().ok()).unwrap_or(0);
        loop {
            let items = hub.fetch(cursor, MAX_FETCH)?;
            if items.is_empty() {
                break;
            }
            if summary.gap_at.is_none() {
                summary.gap_at = first_gap(cursor, &items);
            }
            for item in &items {
                let outcome = serde_json::from_slice::<Envelope>(&item.body)
                    .map_err(|_| Error::validation("envelope", "not a Schakel envelope"))
                    .and_then(|env| {
                        if env.sender != item.sender {
                            return Err(Error::validation(
                                "envelope",
                                "posted by another partner than the one that signed it",
                            ));
                        }
                        self.import_envelopes(std::slice::from_ref(&env))
                    });
                match outcome {
                    Ok(s) => {
                        summary.received += 1;
                        summary.referrals += s.referrals;
                        summary.events += s.events;
                        summary.confirmed += s.confirmed;
                        summary.flagged += s.flagged;
                    }
                    Err(e) if is_passing(e.kind()) => return Err(e),
                    Err(e) => {
                        self.audit(
                            AuditAction::ExchangeImport,
                            Some("partner"),
                            Some(item.sender),
                            serde_json::json!({"refused": e.kind().as_str(), "seq": item.seq}),
                        )?;
                        summary.refused.push(Refused {
                            seq: item.seq,
                            sender: item.sender,
                            kind: e.kind(),
                            message: e.to_string(),
                        });
                    }
                }
                cursor = item.seq;
                let c = cursor.to_string();
                self.write(|w| write_meta(w.conn, HUB_CURSOR_KEY, Some(&c)))?;
            }
            hub.ack(cursor)?;
        }
        summary.cursor = cursor;
        match refused_post {
            Some(e) => Err(e),
            None => Ok(summary),
        }
    }
}
