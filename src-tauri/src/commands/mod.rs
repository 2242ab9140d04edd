//! The IPC commands, one module per topic. Each maps 1:1 onto a core call and holds no
//! business rule; every one runs on a blocking thread (see `state::blocking`), but for the
//! few that need no store and take microseconds.
#![allow(clippy::needless_pass_by_value, reason = "Tauri hands command arguments over by value")]

pub mod audit;
pub mod backup;
pub mod cases;
pub mod exchange;
pub mod follow_ups;
pub mod hub;
pub mod identity;
pub mod kpi;
pub mod privacy;
pub mod reference;
pub mod referrals;
pub mod retention;
pub mod rights;
pub mod session;
pub mod signals;
pub mod stats;
pub mod store;
pub mod today;
pub mod users;
