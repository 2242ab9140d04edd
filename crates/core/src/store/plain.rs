//! An unencrypted copy of a store, for one purpose: `schakel bench` runs the same
//! workload on it to measure what encryption costs (issue: the ratio encrypted/plain).
//! Compiled only with the `bench-plain` feature. It never decrypts anything it was not
//! given already open, and a plaintext file still does not open with [`Store::open`].

use std::path::Path;

use uuid::Uuid;

use super::{Store, StorePaths, connect_keyed, lock};
use crate::access::Permission;
use crate::error::{Error, Result};
use crate::keys::DataKey;

impl Store {
    /// Writes an unencrypted copy of this store (same schema, rows and version) to `to`,
    /// with a copy of its key file so the copy's sessions can be anchored like the
    /// original's. Needs the right to run maintenance.
    pub fn export_plain_copy_for_bench(&self, to: &Path) -> Result<()> {
        self.require(Permission::Maintenance)?;
        let to_paths = StorePaths::new(to);
        if to_paths.db.exists() {
            return Err(Error::StoreExists(to.display().to_string()));
        }
        let target = to.to_str().ok_or_else(|| Error::validation("path", "not valid UTF-8"))?;
        // The store's connection may not create files (ATTACH inherits its flags): an
        // empty file is an empty database.
        std::fs::File::create(to)?;
        self.conn.execute("ATTACH DATABASE ?1 AS plain KEY ''", [target])?;
        let exported =
            self.conn.query_row("SELECT sqlcipher_export('plain')", [], |_| Ok(())).and_then(|()| {
                let v: i64 = self.conn.query_row("PRAGMA main.user_version", [], |r| r.get(0))?;
                self.conn.pragma_update(Some("plain"), "user_version", v)
            });
        let detached = self.conn.execute("DETACH DATABASE plain", []);
        exported?;
        detached?;
        std::fs::copy(&self.paths.keys, &to_paths.keys)?;
        Ok(())
    }

    /// Opens a copy made by [`Store::export_plain_copy_for_bench`] as `worker`, with the
    /// same connection settings as an encrypted store.
    pub fn open_plain_for_bench(path: &Path, worker: Uuid) -> Result<Store> {
        let paths = StorePaths::new(path);
        if !paths.db.exists() {
            return Err(Error::StoreNotFound(paths.db.display().to_string()));
        }
        let lock = lock(&paths)?;
        let conn = connect_keyed(&paths.db, None, false)?;
        Store::from_connection(paths, lock, conn, DataKey::none(), Some(worker))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{PASS, new_case, profile, store_at};

    #[test]
    fn the_plain_copy_holds_the_same_rows_in_the_clear_and_does_not_open_as_a_store() {
        let dir = tempfile::tempdir().expect("dir");
        let enc = dir.path().join("enc.db");
        let mut store = store_at(&enc, "OCMW Kopie", None);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
        store.write(|w| w.open_case(&new_case(day, profile("21010", &["housing"])))).expect("case");
        let worker = store.actor().worker_id;
        let plain = dir.path().join("plain.db");
        store.export_plain_copy_for_bench(&plain).expect("copy");
        let bytes = std::fs::read(&plain).expect("read");
        assert!(bytes.starts_with(b"SQLite format 3\0"), "the copy is plaintext");
        assert!(bytes.windows(10).any(|w| w == b"OCMW Kopie"));
        drop(store);

        let copy = Store::open_plain_for_bench(&plain, worker).expect("open the copy");
        let count: i64 =
            copy.conn.query_row("SELECT count(*) FROM case_file", [], |r| r.get(0)).expect("count");
        assert_eq!(count, 1);
        drop(copy);
        assert!(Store::open(&plain, PASS).is_err(), "a plaintext file never opens as a store");
    }
}
