//! Exchange between partners on different laptops (issue 8; design in `docs/exchange.md`).
//!
//! Built so far: [`identity`], each partner's key pairs (age X25519 to encrypt, Ed25519 to
//! sign), the signed identity card that carries the public halves, its fingerprint for a
//! comparison by phone, pinning another partner's card, rotation and revocation; and
//! [`envelope`], a payload signed by the sender and sealed to its recipients, opened once
//! through an inbox. Not yet: the events inside envelopes, bundles, the hub.

pub mod envelope;
pub mod hub;
pub mod identity;

pub use envelope::{ENVELOPE_FORMAT, Envelope, Opened};
pub use identity::{Fingerprint, IdentityCard, OwnIdentity, PinOutcome, PinnedKey, PreviousKey};
