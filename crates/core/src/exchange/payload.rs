//! What travels inside an envelope: referral headers, referral events and receipts, as
//! JSON. Only what the recipient needs, and nothing that names a worker (see
//! `docs/exchange.md`, "What travels").

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::referrals::{EventKind, ReferralMode};

/// The `format` of a payload this version writes and reads.
pub const PAYLOAD_FORMAT: &str = "schakel-exchange-v1";

/// At most this many items per envelope; an export with more seals several envelopes.
pub const ITEMS_PER_ENVELOPE: usize = 5_000;

/// Which stream an envelope belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Stream {
    /// Between the two partners of a referral: the referral with what the sender shares,
    /// and each side's events.
    Partner,
    /// To the network's coordinator: partners, life domain, warm or cold, dates. No case
    /// code, nothing shared, no note.
    Coordinator,
}

impl Stream {
    pub fn as_str(self) -> &'static str {
        match self {
            Stream::Partner => "partner",
            Stream::Coordinator => "coordinator",
        }
    }

    pub(crate) fn parse(s: &str) -> Result<Stream> {
        match s {
            "partner" => Ok(Stream::Partner),
            "coordinator" => Ok(Stream::Coordinator),
            _ => Err(Error::StoreCorrupt(format!("exchange stream '{s}'"))),
        }
    }
}

/// The decrypted content of one envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    pub format: String,
    pub stream: Stream,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Item {
    Referral(ReferralItem),
    Event(EventItem),
    /// The sender of this envelope received and stored the envelope with this id.
    Receipt {
        envelope_id: Uuid,
    },
}

/// A referral's fixed facts. Its state is never sent: each store derives it from the events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferralItem {
    pub id: Uuid,
    pub from_partner_id: Uuid,
    pub to_partner_id: Uuid,
    pub life_domain: String,
    pub mode: ReferralMode,
    /// Unix milliseconds, the sender's clock.
    pub created_at: i64,
    /// Partner stream only: the sender's case code, a pseudonym to talk about it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_code: Option<String>,
    /// Partner stream only: what the sender chose to share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shared: Option<Shared>,
}

/// The case details a sender may share with the receiving partner, each only if chosen,
/// and an optional handover note (checked for identifiers on both sides).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(deny_unknown_fields)]
pub struct Shared {
    #[serde(default)]
    pub age_band: Option<String>,
    #[serde(default)]
    pub household_type: Option<String>,
    #[serde(default)]
    pub municipality: Option<String>,
    #[serde(default)]
    pub contact_language: Option<String>,
    #[serde(default)]
    pub interpreter: Option<String>,
    #[serde(default)]
    pub handover_note: Option<String>,
}

/// One referral event, as recorded by the partner that owns it: its business date and its
/// own clock. No worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventItem {
    pub id: Uuid,
    pub referral_id: Uuid,
    pub kind: EventKind,
    pub occurred_on: NaiveDate,
    /// Unix milliseconds, the recording partner's clock.
    pub recorded_at: i64,
    pub partner_id: Uuid,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Payload {
    pub fn new(stream: Stream, items: Vec<Item>) -> Payload {
        Payload { format: PAYLOAD_FORMAT.into(), stream, items }
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>> {
        serde_json::to_vec(self).map_err(|e| Error::validation("payload", e.to_string()))
    }

    /// Reads a decrypted payload: its format, then its shape.
    pub fn from_bytes(bytes: &[u8]) -> Result<Payload> {
        let p: Payload = serde_json::from_slice(bytes)
            .map_err(|e| Error::validation("payload", format!("not a Schakel exchange payload: {e}")))?;
        if p.format != PAYLOAD_FORMAT {
            return Err(Error::validation(
                "payload",
                format!("format '{}' is not one this version reads", p.format),
            ));
        }
        if p.items.len() > ITEMS_PER_ENVELOPE {
            return Err(Error::validation("payload", "too many items in one envelope"));
        }
        Ok(p)
    }

    /// Only receipts: such an envelope gets no receipt of its own.
    pub fn is_receipts_only(&self) -> bool {
        self.items.iter().all(|i| matches!(i, Item::Receipt { .. }))
    }
}
