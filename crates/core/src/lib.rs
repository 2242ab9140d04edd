//! Schakel's core: the domain of case coordination in Integrated Broad Reception (GBO),
//! the SQLCipher store it lives in, and the privacy rules that guard it.
//!
//! Only this crate knows SQL. It knows nothing of Tauri or of any user interface: the CLI
//! and the desktop shell call it and translate its typed errors.

pub mod access;
pub mod audit;
pub mod backup;
pub mod calendar;
pub mod cases;
pub mod changelog;
pub mod dates;
pub mod detail;
pub mod error;
pub mod exchange;
pub mod files;
pub mod follow_ups;
pub mod ids;
pub mod keys;
pub mod kpi;
pub mod partners;
pub mod privacy;
pub mod reference;
pub mod referrals;
pub mod retention;
pub mod rights;
pub mod settings;
pub mod signals;
pub mod stats;
pub mod store;
pub mod users;

pub use error::{Error, ErrorKind, ErrorReport, Result};
pub use store::{Actor, InitStore, Store, Writer};
pub mod demo;
pub mod import;
#[cfg(test)]
mod test_util;
#[cfg(feature = "test-support")]
pub mod testing;
