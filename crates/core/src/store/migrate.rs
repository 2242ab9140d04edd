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
        if m.sql.starts_with(FOREIGN_KEYS_OFF) {
            // A table rebuild: `DROP TABLE` with foreign keys on would cascade into the
            // tables that point at it. The pragma is a no-op inside a transaction, so it is
            // set around it, and set back whatever happens.
            conn.pragma_update(None, "foreign_keys", false)?;
            let applied = apply(conn, m, true);
            conn.pragma_update(None, "foreign_keys", true)?;
            applied?;
        } else {
            apply(conn, m, false)?;
        }
    }
    Ok(())
}

/// The first line of a migration that must run with foreign keys off.
const FOREIGN_KEYS_OFF: &str = "-- schakel: foreign_keys off";

fn apply(conn: &mut Connection, m: &Migration, check_keys: bool) -> Result<()> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    // Re-check inside the write lock: another process may have migrated meanwhile.
    let now = user_version(&tx)?;
    if now >= m.version {
        return Ok(());
    }
    tx.execute_batch(m.sql).map_err(|e| Error::StoreCorrupt(format!("migration {} failed: {e}", m.name)))?;
    if check_keys {
        let broken: i64 = tx.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))?;
        if broken > 0 {
            return Err(Error::StoreCorrupt(format!(
                "migration {} would leave {broken} broken reference(s); nothing was changed",
                m.name
            )));
        }
    }
    tx.pragma_update(None, "user_version", m.version)?;
    tx.commit()?;
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

    /// Migration 0011 rebuilds `referral`: with foreign keys on, its `DROP TABLE` would have
    /// deleted every event, follow-up link and (for a broken copy) more. Everything survives.
    #[test]
    fn the_referral_rebuild_keeps_events_and_links() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "foreign_keys", true).unwrap();
        for m in MIGRATIONS.iter().filter(|m| m.version <= 10) {
            apply(&mut conn, m, false).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO partner (id, owner_partner_id, kind, name, created_at, updated_at)
               VALUES (x'01', x'01', 'ocmw', 'OCMW', 0, 0), (x'02', x'02', 'caw', 'CAW', 0, 0);
             INSERT INTO worker (id, owner_partner_id, display_name, created_at, updated_at)
               VALUES (x'0a', x'01', 'W', 0, 0);
             INSERT INTO case_file (id, owner_partner_id, code, status, opened_on, owner_worker_id,
               entry_route_code, municipality_code, age_band_code, household_type_code,
               created_at, updated_at, created_by, updated_by)
               VALUES (x'c1', x'01', 'AAAA-BBBB', 'open', '2026-01-02', x'0a', 'own_initiative',
                 (SELECT code FROM municipality LIMIT 1), '25_34', 'single', 0, 0, x'0a', x'0a');
             INSERT INTO referral (id, owner_partner_id, case_id, from_partner_id, to_partner_id,
               life_domain_code, mode, state, consent_on, sent_on, created_at, updated_at, created_by, warm_steps)
               VALUES (x'r1', x'01', x'c1', x'01', x'02', 'income', 'warm', 'sent', '2026-01-03',
                 '2026-01-04', 0, 0, x'0a', 1);
             INSERT INTO referral_event (id, referral_id, kind, occurred_on, recorded_at, partner_id)
               VALUES (x'e1', x'r1', 'consent', '2026-01-03', 1, x'01'),
                      (x'e2', x'r1', 'sent', '2026-01-04', 2, x'01');"
                .replace("x'r1'", "x'd1'")
                .as_str(),
        )
        .unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), latest_version());
        let events: i64 = conn.query_row("SELECT count(*) FROM referral_event", [], |r| r.get(0)).unwrap();
        assert_eq!(events, 2);
        let (origin, state, warm): (String, String, i64) = conn
            .query_row("SELECT origin, state, warm_steps FROM referral WHERE id = x'd1'", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!((origin.as_str(), state.as_str(), warm), ("own", "sent", 1));
        let on: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert!(on, "foreign keys are back on");
        let broken: i64 =
            conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(broken, 0);
        // The cascade still works on the rebuilt table.
        conn.execute("DELETE FROM case_file WHERE id = x'c1'", []).unwrap();
        let left: i64 = conn.query_row("SELECT count(*) FROM referral_event", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0);
    }
}
