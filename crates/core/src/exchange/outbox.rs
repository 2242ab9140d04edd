//! The outbox: what this store must send to which partner, filled in the transaction that
//! records a change, emptied by an export (bundle or hub) and marked delivered when the
//! recipient's receipt comes back.
//!
//! The rule, in one place ([`after_local_event`]): once a referral is sent, everything this
//! store's partner records about it goes to the other partner of the referral (when that
//! partner has a pinned key: it works in another store) and, in the anonymised stream, to
//! the network's coordinator (when one is set). Drafts and consent before sending stay
//! here until the referral is sent. Events recorded on another partner's behalf, and
//! referrals to services outside the network, stay here.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use super::payload::Stream;
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::referrals::{EventKind, ReferralOrigin};
use crate::settings::write_meta;
use crate::store::{Store, Writer};

const COORDINATOR_KEY: &str = "exchange_coordinator";

/// What an item of the outbox is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemKind {
    Referral,
    Event,
    Receipt,
}

impl ItemKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ItemKind::Referral => "referral",
            ItemKind::Event => "event",
            ItemKind::Receipt => "receipt",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<ItemKind> {
        match s {
            "referral" => Ok(ItemKind::Referral),
            "event" => Ok(ItemKind::Event),
            "receipt" => Ok(ItemKind::Receipt),
            _ => Err(Error::StoreCorrupt(format!("outbox item kind '{s}'"))),
        }
    }
}

/// The network's coordinator, if this store sends it the anonymised stream.
pub(crate) fn coordinator(conn: &Connection) -> Result<Option<Uuid>> {
    crate::settings::read_meta(conn, COORDINATOR_KEY)?
        .map(|s| {
            crate::ids::parse_id(COORDINATOR_KEY, &s).map_err(|_| Error::StoreCorrupt(COORDINATOR_KEY.into()))
        })
        .transpose()
}

/// A partner in another store: one with a current pinned key, not revoked.
pub(crate) fn is_exchange_partner(conn: &Connection, partner: Uuid) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM partner_key WHERE partner_id = ?1 AND superseded_at IS NULL AND revoked_at IS NULL",
        )?
        .query_row([partner], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Puts one item in the outbox for `recipient`, unless it is there already (sent or not).
pub(crate) fn enqueue(
    w: &Writer<'_>,
    recipient: Uuid,
    stream: Stream,
    kind: ItemKind,
    item: Uuid,
) -> Result<()> {
    w.conn
        .prepare_cached(
            "INSERT OR IGNORE INTO exchange_outbox (id, recipient_id, stream, item_kind, item_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(rusqlite::params![
            crate::ids::new_id(),
            recipient,
            stream.as_str(),
            kind.as_str(),
            item,
            w.now
        ])?;
    Ok(())
}

/// After this store recorded `kind` on a referral for `partner`: queue what the other side
/// and the coordinator must receive (see the module comment).
pub(crate) fn after_local_event(
    w: &Writer<'_>,
    referral_id: Uuid,
    _event_id: Uuid,
    _kind: EventKind,
    partner: Uuid,
) -> Result<()> {
    // Most stores exchange with no one (and an import records many events): one look at
    // the pinned keys first.
    let exchanging = match w.exchanging.get() {
        Some(known) => known,
        None => {
            let known = w
                .conn
                .prepare_cached(
                    "SELECT 1 FROM partner_key WHERE superseded_at IS NULL AND revoked_at IS NULL LIMIT 1",
                )?
                .query_row([], |_| Ok(()))
                .optional()?
                .is_some();
            w.exchanging.set(Some(known));
            known
        }
    };
    if !exchanging {
        return Ok(());
    }
    let me = crate::store::self_partner_id(w.conn)?;
    if partner != me {
        return Ok(());
    }
    queue_referral(w, me, referral_id)
}

/// Queues everything this store's partner recorded on a sent referral, for the other side
/// and the coordinator. Idempotent.
pub(crate) fn queue_referral(w: &Writer<'_>, me: Uuid, referral_id: Uuid) -> Result<()> {
    let Some((origin, from, to, sent)) = w
        .conn
        .prepare_cached(
            "SELECT origin, from_partner_id, to_partner_id, sent_on IS NOT NULL FROM referral WHERE id = ?1",
        )?
        .query_row([referral_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Uuid>(1)?,
                r.get::<_, Option<Uuid>>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })
        .optional()?
    else {
        return Ok(());
    };
    let origin = ReferralOrigin::parse("origin", &origin)
        .map_err(|_| Error::StoreCorrupt("referral.origin".into()))?;
    // Drafts stay here; so do referrals to services outside the network.
    let Some(to) = to else { return Ok(()) };
    if !sent {
        return Ok(());
    }
    let own_events: Vec<Uuid> = {
        let mut stmt = w.conn.prepare_cached(
            "SELECT id FROM referral_event WHERE referral_id = ?1 AND partner_id = ?2 ORDER BY occurred_on, recorded_at",
        )?;
        let rows = stmt.query_map((referral_id, me), |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let other = match origin {
        ReferralOrigin::Own => Some(to),
        ReferralOrigin::Received => Some(from),
        ReferralOrigin::Reported => None,
    };
    if let Some(other) = other.filter(|o| *o != me)
        && is_exchange_partner(w.conn, other)?
    {
        if origin == ReferralOrigin::Own {
            enqueue(w, other, Stream::Partner, ItemKind::Referral, referral_id)?;
        }
        for e in &own_events {
            enqueue(w, other, Stream::Partner, ItemKind::Event, *e)?;
        }
    }
    if let Some(coord) = coordinator(w.conn)?.filter(|c| *c != me)
        && origin != ReferralOrigin::Reported
        && is_exchange_partner(w.conn, coord)?
    {
        enqueue(w, coord, Stream::Coordinator, ItemKind::Referral, referral_id)?;
        for e in &own_events {
            enqueue(w, coord, Stream::Coordinator, ItemKind::Event, *e)?;
        }
    }
    Ok(())
}

/// The exchange with one partner, for the status line of the app and `schakel exchange status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ExchangePartner {
    pub partner_id: Uuid,
    pub name: String,
    /// This partner is the network's coordinator (it gets the anonymised stream).
    pub coordinator: bool,
    /// Items waiting to be sent (never sealed).
    #[ts(type = "number")]
    pub pending: i64,
    /// Items sent whose receipt has not come back yet (they go again in the next export).
    #[ts(type = "number")]
    pub unconfirmed: i64,
    /// When the last envelope for this partner was sealed, Unix ms.
    #[ts(type = "number | null")]
    pub last_sent_at: Option<i64>,
    /// When the last envelope from this partner was opened here, Unix ms.
    #[ts(type = "number | null")]
    pub last_received_at: Option<i64>,
}

impl Store {
    /// The partner this store sends the anonymised stream of referral events to.
    pub fn exchange_coordinator(&self) -> Result<Option<Uuid>> {
        self.require(Permission::Exchange)?;
        coordinator(self.conn())
    }

    /// Sets (or clears) the network's coordinator. From then on, referrals sent or
    /// answered here are queued for it too (earlier ones are not: they are history).
    pub fn set_exchange_coordinator(&mut self, partner: Option<Uuid>) -> Result<()> {
        self.require(Permission::ManageSettings)?;
        let me = self.self_partner_id()?;
        self.write(|w| {
            match partner {
                Some(p) if p == me => {
                    return Err(Error::validation("coordinator", "this store's own partner"));
                }
                Some(p) if !w.partner_exists(p)? => {
                    return Err(Error::validation("coordinator", "unknown partner"));
                }
                Some(p) => write_meta(w.conn, COORDINATOR_KEY, Some(&p.to_string()))?,
                None => write_meta(w.conn, COORDINATOR_KEY, None)?,
            }
            w.audit_event(
                crate::audit::AuditAction::Change,
                "settings",
                me,
                serde_json::json!({"action": "update", "fields": ["exchange_coordinator"]}),
            )
        })
    }

    /// Every partner this store exchanges with (a pinned key), with what waits for it.
    pub fn exchange_partners(&self) -> Result<Vec<ExchangePartner>> {
        self.require(Permission::Exchange)?;
        let coord = coordinator(self.conn())?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT p.id, p.name,
               (SELECT count(*) FROM exchange_outbox o WHERE o.recipient_id = p.id AND o.envelope_id IS NULL),
               (SELECT count(*) FROM exchange_outbox o WHERE o.recipient_id = p.id AND o.envelope_id IS NOT NULL
                  AND o.delivered_at IS NULL),
               (SELECT max(sealed_at) FROM exchange_outbox o WHERE o.recipient_id = p.id),
               (SELECT max(opened_at) FROM envelope_inbox i WHERE i.sender = p.id)
             FROM partner p
             WHERE EXISTS (SELECT 1 FROM partner_key k WHERE k.partner_id = p.id
                           AND k.superseded_at IS NULL AND k.revoked_at IS NULL)
             ORDER BY p.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            let id: Uuid = r.get(0)?;
            Ok(ExchangePartner {
                partner_id: id,
                name: r.get(1)?,
                coordinator: coord == Some(id),
                pending: r.get(2)?,
                unconfirmed: r.get(3)?,
                last_sent_at: r.get(4)?,
                last_received_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
