//! The hub transport: a PostgreSQL database used as a mailbox of sealed envelopes (issue 8;
//! design and what the hub can learn in `docs/exchange-hub.md`).
//!
//! The hub only ever holds, per envelope, the recipient, a sequence number, the sender, the
//! envelope id, the size, the time it was posted and the opaque bytes a sender sealed. Its
//! schema is [`SCHEMA_SQL`] (`schema.sql`): per-partner login roles, row-level security so a
//! partner reads and deletes only its own mailbox, posting through a function that takes the
//! sender from the session and hands out gap-free per-recipient sequence numbers in commit
//! order, and an empty NOTIFY as the only wake-up.
//!
//! * [`config`]: where the hub is and how to reach it ([`HubConfig`], always TLS with the
//!   server's certificate and host name verified).
//! * [`client`]: a partner's session ([`Hub`]: post, fetch, ack, pending, wait for a wake-up).
//! * [`admin`]: the hub administrator's calls ([`init_hub`], [`add_partner`]).
//!
//! The rest of core is synchronous, so is this API: each connection owns a small
//! current-thread tokio runtime and blocks on it.

pub mod admin;
pub mod client;
pub mod config;
mod conn;

pub use admin::{PartnerAdded, add_partner, init_hub};
pub use client::{Hub, HubItem, first_gap};
pub use config::HubConfig;

/// The hub's schema, run by [`init_hub`] in one transaction. Safe to run again.
pub const SCHEMA_SQL: &str = include_str!("schema.sql");

/// The schema version [`SCHEMA_SQL`] installs; a hub with a newer one is refused.
pub const SCHEMA_VERSION: i32 = 1;

/// The largest envelope the hub accepts, in bytes (the schema checks it too).
pub const MAX_BODY: usize = 16 * 1024 * 1024;

/// At most this many envelopes per [`Hub::fetch`].
pub const MAX_FETCH: u32 = 1000;
