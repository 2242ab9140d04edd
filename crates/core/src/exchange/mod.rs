//! Exchange between partners on different laptops (issue 8; design in `docs/exchange.md`).
//!
//! * [`identity`]: each partner's key pairs (age X25519 to encrypt, Ed25519 to sign), the
//!   signed identity card that carries the public halves, its fingerprint for a comparison
//!   by phone, pinning another partner's card, rotation and revocation.
//! * [`envelope`]: a payload signed by the sender and sealed to its recipients, opened once
//!   through an inbox.
//! * [`payload`]: what travels inside: referral headers, events, receipts.
//! * [`outbox`]: what must go to whom, queued in the transaction that records a change.
//! * [`bundle`]: the offline transport (one file per recipient) and the import that
//!   applies a partner's envelopes in one transaction.
//! * [`flags`]: implausible dates and clocks, flagged rather than hidden.
//! * [`hub`]: the PostgreSQL mailbox transport, and [`sync`]: a store's round with it.

pub mod bundle;
pub mod envelope;
pub mod flags;
pub mod hub;
pub mod identity;
pub mod outbox;
pub mod payload;
pub mod share;
pub mod sync;

pub use bundle::{
    BUNDLE_FORMAT, Bundle, ExportSummary, ImportSummary, bundle_file_name, file_slug, read_bundle,
    write_bundle,
};
pub use envelope::{ENVELOPE_FORMAT, Envelope, Opened};
pub use identity::{Fingerprint, IdentityCard, OwnIdentity, PinOutcome, PinnedKey, PreviousKey};
pub use outbox::ExchangePartner;
pub use payload::{Shared, Stream};
pub use sync::{HubSettings, HubStatus, Refused, SyncSummary};

#[cfg(test)]
#[path = "exchange_tests.rs"]
mod tests;
