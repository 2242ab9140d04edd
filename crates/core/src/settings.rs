//! Per-store settings and who is working: kept in `store_meta`, inside the encrypted
//! store, so a setting travels with the store and nobody can change it without a
//! passphrase.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::{Actor, Store, Writer};

/// Idle minutes before the app locks itself, unless the store says otherwise.
pub const DEFAULT_AUTO_LOCK_MINUTES: u32 = 10;
/// The shortest and longest idle time a store accepts.
pub const AUTO_LOCK_RANGE: std::ops::RangeInclusive<u32> = 1..=240;

const AUTO_LOCK_KEY: &str = "auto_lock_minutes";
/// How long closed cases are kept (see `retention`); no row means "keep until an admin
/// sets a period": the law that applies differs per partner, so Schakel does not guess.
const RETENTION_KEY: &str = "retention_months";
/// The retention periods a store accepts, in months: at least a year (a closed case often
/// comes back within months, and last year's figures are still being reported), at most
/// twenty years.
pub const RETENTION_MONTHS_RANGE: std::ops::RangeInclusive<u32> = 12..=240;
const DEMO_KEY: &str = "demo";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Settings {
    /// Minutes without activity after which the app locks the store.
    pub auto_lock_minutes: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { auto_lock_minutes: DEFAULT_AUTO_LOCK_MINUTES }
    }
}

/// Who is working in an unlocked store, and on what kind of store.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct SessionInfo {
    pub actor: Actor,
    pub partner_name: String,
    pub worker_name: String,
    /// The date business rules treat as today.
    pub today: NaiveDate,
    /// Filled with simulated data (`schakel demo`): the UI says so on every screen.
    pub demo: bool,
    pub settings: Settings,
    /// What this worker's roles allow (the UI offers only these screens; core checks
    /// every call regardless).
    pub permissions: Vec<crate::access::Permission>,
}

/// One value of `store_meta`, if set.
pub(crate) fn read_meta(conn: &rusqlite::Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT value FROM store_meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// Sets (or, with `None`, removes) one value of `store_meta`.
pub(crate) fn write_meta(conn: &rusqlite::Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) => conn.execute(
            "INSERT INTO store_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, v),
        )?,
        None => conn.execute("DELETE FROM store_meta WHERE key = ?1", [key])?,
    };
    Ok(())
}

impl Store {
    fn meta(&self, key: &str) -> Result<Option<String>> {
        read_meta(self.conn(), key)
    }

    pub fn settings(&self) -> Result<Settings> {
        let auto_lock_minutes = match self.meta(AUTO_LOCK_KEY)? {
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|m| AUTO_LOCK_RANGE.contains(m))
                .ok_or_else(|| Error::StoreCorrupt(format!("store_meta.{AUTO_LOCK_KEY}")))?,
            None => DEFAULT_AUTO_LOCK_MINUTES,
        };
        Ok(Settings { auto_lock_minutes })
    }

    /// Months after its closing date that a closed case is kept; `None`: no period set,
    /// nothing is purged. Anyone unlocked may read it, like the other settings.
    pub fn retention_months(&self) -> Result<Option<u32>> {
        match self.meta(RETENTION_KEY)? {
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|m| RETENTION_MONTHS_RANGE.contains(m))
                .map(Some)
                .ok_or_else(|| Error::StoreCorrupt(format!("store_meta.{RETENTION_KEY}"))),
            None => Ok(None),
        }
    }

    /// True for a store filled by `schakel demo`.
    pub fn is_demo(&self) -> Result<bool> {
        Ok(self.meta(DEMO_KEY)?.is_some_and(|v| v == "1"))
    }

    pub fn session_info(&self) -> Result<SessionInfo> {
        let actor = self.actor();
        let (partner_name, worker_name): (String, String) = self.conn().query_row(
            "SELECT p.name, w.display_name FROM worker w JOIN partner p ON p.id = w.owner_partner_id
             WHERE w.id = ?1",
            [actor.worker_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(SessionInfo {
            actor,
            partner_name,
            worker_name,
            today: self.today(),
            demo: self.is_demo()?,
            settings: self.settings()?,
            permissions: crate::access::Permission::ALL
                .into_iter()
                .filter(|p| actor.roles.allows(*p))
                .collect(),
        })
    }
}

impl Writer<'_> {
    fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        write_meta(self.conn, key, Some(value))
    }

    pub fn set_settings(&mut self, s: &Settings) -> Result<()> {
        self.require(crate::access::Permission::ManageSettings)?;
        if !AUTO_LOCK_RANGE.contains(&s.auto_lock_minutes) {
            return Err(Error::validation(
                "auto_lock_minutes",
                format!("must be {} to {} minutes", AUTO_LOCK_RANGE.start(), AUTO_LOCK_RANGE.end()),
            ));
        }
        self.set_meta(AUTO_LOCK_KEY, &s.auto_lock_minutes.to_string())?;
        self.log("settings", uuid::Uuid::nil(), "update", &[AUTO_LOCK_KEY])
    }

    /// Sets (or, with `None`, switches off) the retention period of closed cases.
    pub fn set_retention_months(&mut self, months: Option<u32>) -> Result<()> {
        self.require(crate::access::Permission::ManageSettings)?;
        match months {
            Some(m) if !RETENTION_MONTHS_RANGE.contains(&m) => {
                return Err(Error::validation(
                    "retention_months",
                    format!(
                        "must be {} to {} months",
                        RETENTION_MONTHS_RANGE.start(),
                        RETENTION_MONTHS_RANGE.end()
                    ),
                ));
            }
            Some(m) => self.set_meta(RETENTION_KEY, &m.to_string())?,
            None => {
                self.conn.execute("DELETE FROM store_meta WHERE key = ?1", [RETENTION_KEY])?;
            }
        }
        self.log("settings", uuid::Uuid::nil(), "update", &[RETENTION_KEY])
    }

    /// Marks the store as holding simulated data.
    pub(crate) fn mark_demo(&mut self) -> Result<()> {
        self.set_meta(DEMO_KEY, "1")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::store_at;

    fn fresh_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = store_at(&dir.path().join("s.db"), "OCMW Test", None);
        (dir, store)
    }

    #[test]
    fn settings_default_then_persist_and_refuse_out_of_range() {
        let (_dir, mut store) = fresh_store();
        assert_eq!(store.settings().unwrap().auto_lock_minutes, DEFAULT_AUTO_LOCK_MINUTES);
        store.write(|w| w.set_settings(&Settings { auto_lock_minutes: 3 })).unwrap();
        assert_eq!(store.settings().unwrap().auto_lock_minutes, 3);
        for bad in [0, 241] {
            let err = store.write(|w| w.set_settings(&Settings { auto_lock_minutes: bad })).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Validation);
        }
        assert_eq!(store.settings().unwrap().auto_lock_minutes, 3);
    }

    #[test]
    fn session_names_the_worker_and_partner() {
        let (_dir, store) = fresh_store();
        let s = store.session_info().unwrap();
        assert_eq!(s.actor, store.actor());
        assert!(!s.partner_name.is_empty());
        assert!(!s.worker_name.is_empty());
        assert!(!s.demo);
    }
}
