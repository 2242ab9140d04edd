//! A partner's session with the hub: post envelopes to other partners, fetch one's own,
//! acknowledge them (which deletes them from the hub), count what waits, and wait for the
//! empty NOTIFY that says something arrived.

use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc::error::TryRecvError;
use uuid::Uuid;

use super::conn::Conn;
use super::{HubConfig, MAX_BODY, MAX_FETCH, SCHEMA_VERSION};
use crate::error::{Error, Result};

/// One envelope waiting in the own mailbox, as the hub holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HubItem {
    /// Gap-free per recipient, in the order the posts committed: 1, 2, 3, …
    pub seq: i64,
    /// The partner whose login role posted it (the hub's word; the envelope's signature is
    /// what proves it).
    pub sender: Uuid,
    pub envelope_id: Uuid,
    pub size: i32,
    /// When the hub stored it (the hub's clock), Unix milliseconds.
    pub posted_at_ms: i64,
    /// The sealed envelope, unchanged.
    pub body: Vec<u8>,
}

/// A connected partner session. Listens on the own channel from the start, so a wake-up
/// that comes between two calls is not lost.
pub struct Hub {
    conn: Conn,
    partner: Uuid,
}

impl Hub {
    /// Connects as a partner (TLS, verified; timeout `connect_timeout`), checks that the
    /// login role is a partner of a hub whose schema this version knows, and listens.
    pub fn connect(cfg: &HubConfig) -> Result<Hub> {
        let conn = Conn::open(cfg)?;
        let row = conn.call("reading the partner's mailbox", async {
            conn.client
                .query_one(
                    "SELECT schakel_hub.schema_version(), schakel_hub.current_partner(), schakel_hub.my_channel()",
                    &[],
                )
                .await
        })?;
        let version: Option<i32> = row.try_get(0).map_err(|e| refused("schema version", &e))?;
        let partner: Option<Uuid> = row.try_get(1).map_err(|e| refused("partner", &e))?;
        let channel: Option<String> = row.try_get(2).map_err(|e| refused("channel", &e))?;
        match version {
            Some(v) if v > SCHEMA_VERSION => {
                return Err(Error::HubRefused(format!(
                    "the hub has schema version {v}, this Schakel knows up to {SCHEMA_VERSION}: update Schakel"
                )));
            }
            Some(_) => {}
            None => return Err(Error::HubRefused("the hub has no schema version".into())),
        }
        let (Some(partner), Some(channel)) = (partner, channel) else {
            return Err(Error::HubRefused(format!("the role {} is not a partner of this hub", cfg.user)));
        };
        if !is_channel_name(&channel) {
            return Err(Error::HubRefused("the hub gave a malformed channel name".into()));
        }
        let listen = format!("LISTEN \"{channel}\"");
        conn.call("listening for wake-ups", async { conn.client.batch_execute(&listen).await })?;
        Ok(Hub { conn, partner })
    }

    /// The partner this session posts as and reads for.
    pub fn partner_id(&self) -> Uuid {
        self.partner
    }

    /// Posts a sealed envelope to `recipient` and returns its sequence number in the
    /// recipient's mailbox. Posting the same envelope id (same bytes) again while it waits
    /// returns the same number and adds nothing; other bytes under that id are refused.
    pub fn post(&mut self, recipient: Uuid, envelope_id: Uuid, body: &[u8]) -> Result<i64> {
        if body.is_empty() || body.len() > MAX_BODY {
            return Err(Error::validation("body", format!("an envelope has 1 to {MAX_BODY} bytes")));
        }
        let c = &self.conn;
        let row = c.call("posting an envelope", async {
            c.client
                .query_one("SELECT schakel_hub.post_envelope($1, $2, $3)", &[&recipient, &envelope_id, &body])
                .await
        })?;
        row.try_get(0).map_err(|e| refused("sequence number", &e))
    }

    /// The own envelopes with a sequence number above `after_seq`, oldest first, at most
    /// `limit` (1 to [`MAX_FETCH`]). Reading does not remove them: [`Hub::ack`] does.
    pub fn fetch(&mut self, after_seq: i64, limit: u32) -> Result<Vec<HubItem>> {
        let limit = i64::from(limit.clamp(1, MAX_FETCH));
        let c = &self.conn;
        let partner = self.partner;
        let rows = c.call("fetching envelopes", async {
            c.client
                .query(
                    "SELECT seq, sender, envelope_id, size, \
                            (extract(epoch FROM posted_at) * 1000)::bigint, body \
                     FROM schakel_hub.envelope \
                     WHERE recipient = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                    &[&partner, &after_seq, &limit],
                )
                .await
        })?;
        rows.iter()
            .map(|r| {
                Ok(HubItem {
                    seq: r.try_get(0).map_err(|e| refused("seq", &e))?,
                    sender: r.try_get(1).map_err(|e| refused("sender", &e))?,
                    envelope_id: r.try_get(2).map_err(|e| refused("envelope_id", &e))?,
                    size: r.try_get(3).map_err(|e| refused("size", &e))?,
                    posted_at_ms: r.try_get(4).map_err(|e| refused("posted_at", &e))?,
                    body: r.try_get(5).map_err(|e| refused("body", &e))?,
                })
            })
            .collect()
    }

    /// Receipt: deletes the own envelopes up to and including `up_to_seq` from the hub (call
    /// it once they are stored). Returns how many were deleted.
    pub fn ack(&mut self, up_to_seq: i64) -> Result<u64> {
        let c = &self.conn;
        let row = c.call("acknowledging envelopes", async {
            c.client.query_one("SELECT schakel_hub.ack($1)", &[&up_to_seq]).await
        })?;
        let n: i64 = row.try_get(0).map_err(|e| refused("count", &e))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    /// How many envelopes wait in the own mailbox.
    pub fn pending(&mut self) -> Result<i64> {
        let c = &self.conn;
        let row = c.call("counting envelopes", async {
            c.client.query_one("SELECT schakel_hub.pending()", &[]).await
        })?;
        row.try_get(0).map_err(|e| refused("count", &e))
    }

    /// Waits until the hub says something arrived for this partner (an empty NOTIFY), at
    /// most `timeout`. `true` when woken (also for a wake-up that came since the last call),
    /// `false` when the time ran out; `hub_unavailable` when the connection is lost.
    pub fn wait_for_wakeup(&mut self, timeout: Duration) -> Result<bool> {
        if self.drain()? {
            return Ok(true);
        }
        let rx = &mut self.conn.notifications;
        match self.conn.rt.block_on(async { tokio::time::timeout(timeout, rx.recv()).await }) {
            Err(_) => Ok(false),
            Ok(None) => Err(lost()),
            Ok(Some(_)) => {
                // Several posts, one wake-up.
                let _ = self.drain();
                Ok(true)
            }
        }
    }

    /// Takes every wake-up already received; `true` if there was one.
    fn drain(&mut self) -> Result<bool> {
        let mut woken = false;
        loop {
            match self.conn.notifications.try_recv() {
                Ok(_) => woken = true,
                Err(TryRecvError::Empty) => return Ok(woken),
                Err(TryRecvError::Disconnected) if woken => return Ok(true),
                Err(TryRecvError::Disconnected) => return Err(lost()),
            }
        }
    }
}

/// The first sequence number missing from `items` (a fetch after `after_seq`), if any.
///
/// The hub hands out numbers without gaps and deletes only what the recipient acknowledged,
/// so for a recipient that fetches after the last number it stored, a gap means that
/// envelopes were removed from the hub by someone else (its operator). Only a check against
/// the own cursor: a hub operator who renumbers can hide a removal from it, which only the
/// end-to-end checks inside the signed envelopes can find.
pub fn first_gap(after_seq: i64, items: &[HubItem]) -> Option<i64> {
    let mut expected = after_seq.checked_add(1)?;
    for item in items {
        if item.seq != expected {
            return Some(expected);
        }
        expected = expected.checked_add(1)?;
    }
    None
}

fn lost() -> Error {
    Error::HubUnavailable("the connection to the hub was lost".into())
}

fn refused(what: &str, e: &tokio_postgres::Error) -> Error {
    Error::HubRefused(format!("unexpected answer from the hub ({what}): {e}"))
}

/// `schakel_hub_` and 32 lower-case hex digits, as the schema makes them.
fn is_channel_name(s: &str) -> bool {
    s.strip_prefix("schakel_hub_")
        .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

#[cfg(test)]
mod tests {
    use super::{HubItem, first_gap, is_channel_name};

    fn item(seq: i64) -> HubItem {
        HubItem {
            seq,
            sender: uuid::Uuid::nil(),
            envelope_id: uuid::Uuid::nil(),
            size: 1,
            posted_at_ms: 0,
            body: vec![0],
        }
    }

    #[test]
    fn gaps() {
        assert_eq!(first_gap(0, &[]), None);
        assert_eq!(first_gap(4, &[item(5), item(6)]), None);
        assert_eq!(first_gap(4, &[item(6)]), Some(5));
        assert_eq!(first_gap(0, &[item(1), item(2), item(4)]), Some(3));
        assert_eq!(first_gap(i64::MAX, &[item(1)]), None);
    }

    #[test]
    fn channel_names() {
        assert!(is_channel_name("schakel_hub_0123456789abcdef0123456789abcdef"));
        assert!(!is_channel_name("schakel_hub_0123456789abcdef0123456789abcde"));
        assert!(!is_channel_name("schakel_hub_0123456789abcdef0123456789abcdeF"));
        assert!(!is_channel_name("schakel_hub_0123456789abcdef0123456789abcd\"x"));
        assert!(!is_channel_name("other"));
    }
}
