//! Schema migrations: numbered `.sql` files from `/migrations`, embedded at build time.
//!
//! Each migration runs in its own `BEGIN IMMEDIATE` transaction together with the bump of
//! `PRAGMA user_version`, so a crash leaves the store at the previous version, never in
//! between. A store whose `user_version` is newer than the newest migration we know was
//! written by a newer Schakel and is refused before anything is written.

use rusqlite::Connection;

use crate::error::{Error, Result};

pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

pub(crate) fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Refuses a store from a newer version. Writes nothing.
pub(crate) fn check_not_newer(conn: &Connection) -> Result<i64> {
    let found = user_version(conn)?;
    let supported = latest_version();
    if found > supported {
        return Err(Error::NewerVersion { found, supported });
    }
    Ok(found)
}

/// Applies every migration newer than the store, each in its own transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    let current = check_not_newer(conn)?;
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Re-check inside the write lock: another process may have migrated meanwhile.
        let now = user_version(&tx)?;
        if now >= m.version {
            continue;
        }
        tx.execute_batch(m.sql)
            .map_err(|e| Error::StoreCorrupt(format!("migration {} failed: {e}", m.name)))?;
        tx.pragma_update(None, "user_version", m.version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_from_one_without_gaps() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
        }
        assert!(latest_version() >= 1);
    }

    #[test]
    fn a_newer_store_is_refused_and_left_alone() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", latest_version() + 1).unwrap();
        let err = migrate(&mut conn).unwrap_err();
        assert!(matches!(err, Error::NewerVersion { .. }), "{err}");
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0);
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let v = user_version(&conn).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), v);
        assert_eq!(v, latest_version());
    }
}
