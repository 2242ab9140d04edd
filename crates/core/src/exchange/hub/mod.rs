//! The hub transport: a PostgreSQL database used as a mailbox of sealed envelopes
//! (issue 8; being built).
