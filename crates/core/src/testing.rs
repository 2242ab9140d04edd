//! Helpers for integration tests only (feature `test-support`). Never in a release build
//! of the app or CLI.

use std::path::Path;

use crate::error::Result;
use crate::keys::KeyFile;
use crate::store::StorePaths;

/// Sets the schema version of a closed store, as a newer Schakel would have left it.
pub fn set_user_version(db: &Path, passphrase: &str, version: i64) -> Result<()> {
    let paths = StorePaths::new(db);
    let (key, _) = KeyFile::read(&paths.keys)?.unlock_passphrase(passphrase)?;
    let conn = rusqlite::Connection::open(db)?;
    conn.pragma_update(None, "key", &*key.pragma_value())?;
    conn.pragma_update(None, "user_version", version)?;
    Ok(())
}

/// A raw connection to a closed store, for tests that inspect query plans or tables.
pub fn connection(db: &Path, passphrase: &str) -> Result<rusqlite::Connection> {
    let paths = StorePaths::new(db);
    let (key, _) = KeyFile::read(&paths.keys)?.unlock_passphrase(passphrase)?;
    let conn = rusqlite::Connection::open(db)?;
    conn.pragma_update(None, "key", &*key.pragma_value())?;
    Ok(conn)
}

/// The store's data key as lowercase hex, for tests that scan every file for it.
pub fn data_key_hex(db: &Path, passphrase: &str) -> Result<String> {
    let (key, _) = KeyFile::read(&StorePaths::new(db).keys)?.unlock_passphrase(passphrase)?;
    let value = key.pragma_value();
    Ok(value.trim_start_matches("x'").trim_end_matches('\'').to_owned())
}
