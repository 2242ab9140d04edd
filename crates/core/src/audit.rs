//! The audit log: who unlocked the store, who failed to, who looked at which case, what
//! changed, what was exported. Append-only (triggers refuse UPDATE and DELETE) and
//! tamper-evident: every entry carries the hash of the one before it, so an edited,
//! deleted or reordered entry breaks the chain at a place [`Store::verify_audit`] names.
//! The key file keeps the newest sequence number and hash seen at the end of a session
//! (the anchor), so cutting entries off the end shows too.
//!
//! Entries hold ids, codes, counts and field names: never free text, never a passphrase.
//!
//! What the chain cannot do: someone who holds the store's key and rewrites the whole
//! chain from the edit onwards, and the anchor in the key file with it, is not caught.
//! That is the limit of any log kept only on the machine it guards (docs/security.md).

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::store::{Actor, Store};

const DOMAIN: &[u8] = b"schakel-audit-v1";
pub const GENESIS: [u8; 32] = [0; 32];

/// What happened. Stable strings: they are hashed into the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub enum AuditAction {
    /// The store was unlocked (detail: how).
    #[serde(rename = "session.unlock")]
    Unlock,
    /// A wrong passphrase or recovery key (recorded at the next unlock, at its own time).
    #[serde(rename = "session.unlock_failed")]
    UnlockFailed,
    /// The store was locked or closed (detail: why).
    #[serde(rename = "session.end")]
    SessionEnd,
    #[serde(rename = "case.view")]
    CaseView,
    /// A record was created or changed (detail: action and field names).
    #[serde(rename = "record.change")]
    Change,
    /// An import (detail: how many records).
    #[serde(rename = "import")]
    Import,
    /// Statistics left the store (detail: month, scope, format, threshold).
    #[serde(rename = "export.statistics")]
    ExportStatistics,
    #[serde(rename = "passphrase.change")]
    PassphraseChange,
    /// A backup of the store was written (recorded before the file; the backup holds it).
    #[serde(rename = "backup.create")]
    BackupCreate,
    /// The store was restored from a backup (recorded in the restored store).
    #[serde(rename = "backup.restore")]
    BackupRestore,
    #[serde(rename = "user.add")]
    UserAdded,
    #[serde(rename = "user.remove")]
    UserRemoved,
    /// A user's roles changed (detail: from, to).
    #[serde(rename = "role.change")]
    RoleChange,
    /// The database was re-encrypted with a new data key (detail: its generation).
    #[serde(rename = "key.rotate")]
    KeyRotate,
    /// Text the identifier check warned about was kept (detail: field, kinds, reason).
    #[serde(rename = "privacy.warning_override")]
    WarningOverride,
    /// Closed cases past the retention period were purged (detail: cut-off, months, counts).
    #[serde(rename = "retention.purge")]
    RetentionPurge,
    /// This store's partner identity (exchange keys) was made (detail: generation, fingerprint).
    #[serde(rename = "identity.create")]
    IdentityCreate,
    /// This store's partner identity got new keys, signed by the old ones (detail: generations).
    #[serde(rename = "identity.rotate")]
    IdentityRotate,
    /// A partner's public keys were pinned (detail: generation, how, fingerprint).
    #[serde(rename = "partner.pin")]
    PartnerPin,
    /// A partner's pinned keys were revoked (detail: how many).
    #[serde(rename = "partner.revoke")]
    PartnerRevoke,
    /// Referrals and events were sealed for a partner in another store (detail: counts).
    #[serde(rename = "exchange.export")]
    ExchangeExport,
    /// A partner's envelopes were opened and applied (detail: counts).
    #[serde(rename = "exchange.import")]
    ExchangeImport,
}

impl AuditAction {
    pub const ALL: [AuditAction; 22] = [
        AuditAction::Unlock,
        AuditAction::UnlockFailed,
        AuditAction::SessionEnd,
        AuditAction::CaseView,
        AuditAction::Change,
        AuditAction::Import,
        AuditAction::ExportStatistics,
        AuditAction::PassphraseChange,
        AuditAction::BackupCreate,
        AuditAction::BackupRestore,
        AuditAction::UserAdded,
        AuditAction::UserRemoved,
        AuditAction::RoleChange,
        AuditAction::KeyRotate,
        AuditAction::WarningOverride,
        AuditAction::RetentionPurge,
        AuditAction::IdentityCreate,
        AuditAction::IdentityRotate,
        AuditAction::PartnerPin,
        AuditAction::PartnerRevoke,
        AuditAction::ExchangeExport,
        AuditAction::ExchangeImport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Unlock => "session.unlock",
            AuditAction::UnlockFailed => "session.unlock_failed",
            AuditAction::SessionEnd => "session.end",
            AuditAction::CaseView => "case.view",
            AuditAction::Change => "record.change",
            AuditAction::Import => "import",
            AuditAction::ExportStatistics => "export.statistics",
            AuditAction::PassphraseChange => "passphrase.change",
            AuditAction::BackupCreate => "backup.create",
            AuditAction::BackupRestore => "backup.restore",
            AuditAction::UserAdded => "user.add",
            AuditAction::UserRemoved => "user.remove",
            AuditAction::RoleChange => "role.change",
            AuditAction::KeyRotate => "key.rotate",
            AuditAction::WarningOverride => "privacy.warning_override",
            AuditAction::RetentionPurge => "retention.purge",
            AuditAction::IdentityCreate => "identity.create",
            AuditAction::IdentityRotate => "identity.rotate",
            AuditAction::PartnerPin => "partner.pin",
            AuditAction::PartnerRevoke => "partner.revoke",
            AuditAction::ExchangeExport => "exchange.export",
            AuditAction::ExchangeImport => "exchange.import",
        }
    }
}

/// One entry as stored.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AuditEntry {
    #[ts(type = "number")]
    pub seq: i64,
    /// Unix milliseconds.
    #[ts(type = "number")]
    pub at: i64,
    pub partner_id: Option<Uuid>,
    pub worker_id: Option<Uuid>,
    pub action: String,
    pub entity: Option<String>,
    pub entity_id: Option<Uuid>,
    /// JSON: codes, counts, field names.
    pub detail: String,
}

impl AuditEntry {
    /// From a row whose first eight columns are `seq, at, partner_id, worker_id, action,
    /// entity, entity_id, detail`.
    fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
        Ok(AuditEntry {
            seq: r.get(0)?,
            at: r.get(1)?,
            partner_id: r.get(2)?,
            worker_id: r.get(3)?,
            action: r.get(4)?,
            entity: r.get(5)?,
            entity_id: r.get(6)?,
            detail: r.get(7)?,
        })
    }
}

/// The most entries one page of [`Store::audit_page`] holds.
pub const MAX_AUDIT_PAGE: u32 = 500;

/// Which entries to list: `limit` entries from `offset`, newest first.
#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct AuditQuery {
    /// Only this action (`None`: every entry).
    pub action: Option<AuditAction>,
    pub offset: u32,
    pub limit: u32,
}

/// One entry with the name of its worker (`None` for a failed unlock: nobody is known).
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AuditLine {
    #[serde(flatten)]
    #[ts(flatten)]
    pub entry: AuditEntry,
    pub worker_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AuditPage {
    /// Entries matching the query, on every page.
    #[ts(type = "number")]
    pub total: i64,
    pub offset: u32,
    pub entries: Vec<AuditLine>,
}

/// What is appended (the store adds the sequence number and the hashes).
pub(crate) struct NewEntry<'a> {
    pub at: i64,
    pub actor: Option<&'a Actor>,
    pub action: AuditAction,
    pub entity: Option<&'a str>,
    pub entity_id: Option<Uuid>,
    pub detail: serde_json::Value,
}

fn hash(prev: &[u8; 32], e: &AuditEntry) -> [u8; 32] {
    let mut h = Blake2b::<U32>::new();
    h.update(DOMAIN);
    h.update(prev);
    h.update(e.seq.to_le_bytes());
    h.update(e.at.to_le_bytes());
    let mut field = |b: Option<&[u8]>| match b {
        Some(b) => {
            h.update(u32::try_from(b.len()).unwrap_or(u32::MAX - 1).to_le_bytes());
            h.update(b);
        }
        None => h.update(u32::MAX.to_le_bytes()),
    };
    field(e.partner_id.as_ref().map(|u| u.as_bytes().as_slice()));
    field(e.worker_id.as_ref().map(|u| u.as_bytes().as_slice()));
    field(Some(e.action.as_bytes()));
    field(e.entity.as_deref().map(str::as_bytes));
    field(e.entity_id.as_ref().map(|u| u.as_bytes().as_slice()));
    field(Some(e.detail.as_bytes()));
    h.finalize().into()
}

fn blob32(v: Vec<u8>, what: &str) -> Result<[u8; 32]> {
    v.try_into().map_err(|_| Error::StoreCorrupt(format!("audit_log.{what} is not 32 bytes")))
}

/// The newest entry's sequence number and hash (0 and the genesis hash when empty).
pub(crate) fn head(conn: &Connection) -> Result<(i64, [u8; 32])> {
    let row: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    match row {
        Some((seq, h)) => Ok((seq, blob32(h, "hash")?)),
        None => Ok((0, GENESIS)),
    }
}

/// Appends one entry. The caller holds a write transaction.
pub(crate) fn append(conn: &Connection, e: &NewEntry<'_>) -> Result<i64> {
    let (last, prev) = head(conn)?;
    let entry = AuditEntry {
        seq: last + 1,
        at: e.at,
        partner_id: e.actor.map(|a| a.partner_id),
        worker_id: e.actor.map(|a| a.worker_id),
        action: e.action.as_str().to_owned(),
        entity: e.entity.map(str::to_owned),
        entity_id: e.entity_id,
        detail: e.detail.to_string(),
    };
    let h = hash(&prev, &entry);
    conn.prepare_cached(
        "INSERT INTO audit_log (seq, at, partner_id, worker_id, action, entity, entity_id, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(rusqlite::params![
        entry.seq,
        entry.at,
        entry.partner_id,
        entry.worker_id,
        entry.action,
        entry.entity,
        entry.entity_id,
        entry.detail,
        prev.as_slice(),
        h.as_slice(),
    ])?;
    Ok(entry.seq)
}

/// A break in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AuditProblem {
    /// The entry's content no longer matches its hash: it was edited.
    Edited {
        #[ts(type = "number")]
        seq: i64,
    },
    /// Entries between two kept ones are gone (deleted), or came back in another order.
    Missing {
        #[ts(type = "number")]
        from: i64,
        #[ts(type = "number")]
        to: i64,
    },
    /// The entry does not follow the one before it (moved or replaced).
    Broken {
        #[ts(type = "number")]
        seq: i64,
    },
    /// The newest entries are gone: the key file's anchor names a later one.
    TailMissing {
        #[ts(type = "number")]
        last_kept: i64,
        #[ts(type = "number")]
        anchored: i64,
    },
}

impl AuditProblem {
    pub fn describe(&self) -> String {
        match self {
            AuditProblem::Edited { seq } => format!("entry {seq} was changed after it was written"),
            AuditProblem::Missing { from, to } if from == to => format!("entry {from} is missing"),
            AuditProblem::Missing { from, to } => format!("entries {from} to {to} are missing"),
            AuditProblem::Broken { seq } => {
                format!("entry {seq} does not follow the entry before it (moved, replaced or reordered)")
            }
            AuditProblem::TailMissing { last_kept, anchored } => {
                format!("the log ends at entry {last_kept}, but entry {anchored} was written before")
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AuditReport {
    pub ok: bool,
    #[ts(type = "number")]
    pub entries: i64,
    /// The last entry the key file vouches for (0 if none yet).
    #[ts(type = "number")]
    pub anchored: i64,
    pub problems: Vec<AuditProblem>,
    /// The problems in words, in order.
    pub messages: Vec<String>,
}

/// Checks the whole chain, and its end against the anchor `(seq, hash)`.
pub(crate) fn verify(conn: &Connection, anchor: Option<(i64, [u8; 32])>) -> Result<AuditReport> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, partner_id, worker_id, action, entity, entity_id, detail, prev_hash, hash
         FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut problems = Vec::new();
    let (mut expected_seq, mut prev_hash, mut entries) = (1i64, GENESIS, 0i64);
    let mut hashes: Vec<(i64, [u8; 32])> = Vec::new();
    while let Some(r) = rows.next()? {
        let e = AuditEntry::from_row(r)?;
        let stored_prev = blob32(r.get(8)?, "prev_hash")?;
        let stored = blob32(r.get(9)?, "hash")?;
        entries += 1;
        if e.seq != expected_seq {
            problems.push(AuditProblem::Missing { from: expected_seq, to: e.seq - 1 });
        } else if stored_prev != prev_hash {
            problems.push(AuditProblem::Broken { seq: e.seq });
        }
        if hash(&stored_prev, &e) != stored {
            problems.push(AuditProblem::Edited { seq: e.seq });
        }
        expected_seq = e.seq + 1;
        prev_hash = stored;
        hashes.push((e.seq, stored));
    }
    let last = expected_seq - 1;
    let mut anchored = 0;
    if let Some((seq, h)) = anchor {
        anchored = seq;
        if seq > last {
            problems.push(AuditProblem::TailMissing { last_kept: last, anchored: seq });
        } else if seq > 0 && hashes.iter().find(|(s, _)| *s == seq).is_some_and(|(_, stored)| *stored != h) {
            problems.push(AuditProblem::Broken { seq });
        }
    }
    let messages = problems.iter().map(AuditProblem::describe).collect();
    Ok(AuditReport { ok: problems.is_empty(), entries, anchored, problems, messages })
}

impl Store {
    /// Appends an entry outside a write (a view, a session event) in its own transaction.
    pub(crate) fn audit(
        &self,
        action: AuditAction,
        entity: Option<&str>,
        entity_id: Option<Uuid>,
        detail: serde_json::Value,
    ) -> Result<()> {
        let tx = self.conn().unchecked_transaction()?;
        let actor = self.actor();
        append(
            &tx,
            &NewEntry { at: crate::dates::now_ms(), actor: Some(&actor), action, entity, entity_id, detail },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A view of a case, unless the newest entry is this worker's view of it already.
    pub(crate) fn audit_view(&self, case_id: Uuid) -> Result<()> {
        let last: Option<(String, Option<Uuid>, Option<Uuid>)> = self
            .conn()
            .prepare_cached("SELECT action, entity_id, worker_id FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let me = self.actor().worker_id;
        if last.is_some_and(|(a, e, w)| {
            a == AuditAction::CaseView.as_str() && e == Some(case_id) && w == Some(me)
        }) {
            return Ok(());
        }
        self.audit(AuditAction::CaseView, Some("case"), Some(case_id), serde_json::json!({}))
    }

    /// Checks the audit chain and its anchor in the key file.
    pub fn verify_audit(&self) -> Result<AuditReport> {
        self.require(crate::access::Permission::Audit)?;
        let anchor = crate::keys::KeyFile::read(&self.paths().keys)?.audit_anchor();
        verify(self.conn(), anchor)
    }

    /// The newest entries, newest first.
    pub fn audit_entries(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        self.require(crate::access::Permission::Audit)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT seq, at, partner_id, worker_id, action, entity, entity_id, detail
             FROM audit_log ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], AuditEntry::from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One page of the log, newest first, optionally of one action only, with the name
    /// of the worker of each entry (the worker record stays when a user is removed).
    pub fn audit_page(&self, q: &AuditQuery) -> Result<AuditPage> {
        self.require(crate::access::Permission::Audit)?;
        if q.limit == 0 || q.limit > MAX_AUDIT_PAGE {
            return Err(Error::validation("limit", format!("a page holds 1 to {MAX_AUDIT_PAGE} entries")));
        }
        let action = q.action.map(AuditAction::as_str);
        let total: i64 = self
            .conn()
            .prepare_cached("SELECT count(*) FROM audit_log WHERE ?1 IS NULL OR action = ?1")?
            .query_row([action], |r| r.get(0))?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT a.seq, a.at, a.partner_id, a.worker_id, a.action, a.entity, a.entity_id, a.detail, w.display_name
             FROM audit_log a LEFT JOIN worker w ON w.id = a.worker_id
             WHERE ?1 IS NULL OR a.action = ?1
             ORDER BY a.seq DESC LIMIT ?2 OFFSET ?3",
        )?;
        let rows = stmt.query_map((action, q.limit, q.offset), |r| {
            Ok(AuditLine { entry: AuditEntry::from_row(r)?, worker_name: r.get(8)? })
        })?;
        Ok(AuditPage { total, offset: q.offset, entries: rows.collect::<rusqlite::Result<_>>()? })
    }

    /// Records that statistics left the store.
    pub fn record_statistics_export(
        &self,
        stats: &crate::stats::MonthlyStats,
        format: crate::stats::export::Format,
    ) -> Result<()> {
        self.audit(
            AuditAction::ExportStatistics,
            None,
            None,
            serde_json::json!({
                "month": stats.month,
                "scope": stats.scope,
                "format": format.extension(),
                "threshold": stats.threshold,
                "sensitive_threshold": stats.sensitive_threshold,
                "hidden": stats.hidden_primary + stats.hidden_secondary + stats.hidden_small_base,
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::{KeyFile, unlock_delay_seconds};
    use crate::test_util::{PASS, new_case, profile, store_at};

    fn actions(store: &Store) -> Vec<String> {
        let mut e = store.audit_entries(1000).expect("entries");
        e.reverse();
        e.into_iter().map(|e| e.action).collect()
    }

    /// A store with a few entries, closed and opened again.
    fn store_with_history(dir: &std::path::Path) -> (Store, Uuid) {
        let path = dir.join("a.db");
        let mut store = store_at(&path, "OCMW Test", None);
        let case = store
            .write(|w| {
                w.open_case(&new_case(
                    chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("d"),
                    profile("21010", &["housing"]),
                ))
            })
            .expect("case");
        store.case_detail(case.summary.id).expect("view");
        store.case_detail(case.summary.id).expect("the same visit");
        store.close("locked").expect("close");
        (Store::open(&path, PASS).expect("open"), case.summary.id)
    }

    #[test]
    fn a_session_is_recorded_and_the_chain_verifies() {
        let dir = tempfile::tempdir().expect("dir");
        let (store, case_id) = store_with_history(dir.path());
        let a = actions(&store);
        assert_eq!(a.first().map(String::as_str), Some("session.unlock"), "{a:?}");
        assert!(a.contains(&"record.change".to_owned()));
        assert_eq!(a.iter().filter(|x| *x == "case.view").count(), 1, "one entry per visit: {a:?}");
        let end = a.iter().position(|x| x == "session.end").expect("session end");
        assert_eq!(a[end + 1], "session.unlock");
        let view =
            store.audit_entries(100).expect("e").into_iter().find(|e| e.action == "case.view").expect("view");
        assert_eq!(view.entity_id, Some(case_id));
        let report = store.verify_audit().expect("verify");
        assert!(report.ok, "{:?}", report.messages);
        assert!(report.anchored >= 1);
        // Entries name no free text: the case's municipality code is a code, not a name.
        assert!(store.audit_entries(100).expect("e").iter().all(|e| !e.detail.contains("Medewerker")));
    }

    /// Runs SQL behind the triggers' back, as someone with the key and a SQLCipher shell.
    fn tamper(store: &Store, sql: &str) {
        store
            .conn()
            .execute_batch(&format!(
                "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; {sql}"
            ))
            .expect("tamper");
    }

    #[test]
    fn the_log_is_listed_in_pages_newest_first_filtered_by_action_with_names() {
        let dir = tempfile::tempdir().expect("dir");
        let (store, _) = store_with_history(dir.path());
        let all = store.audit_entries(1000).expect("entries");
        let q = |action, offset, limit| AuditQuery { action, offset, limit };
        let first = store.audit_page(&q(None, 0, 2)).expect("page");
        assert_eq!(first.total, all.len() as i64);
        let seqs: Vec<i64> = first.entries.iter().map(|l| l.entry.seq).collect();
        assert_eq!(seqs, vec![all[0].seq, all[1].seq]);
        let second = store.audit_page(&q(None, 2, 2)).expect("page");
        assert_eq!(second.offset, 2);
        assert_eq!(second.entries[0].entry, all[2]);
        let me = store.session_info().expect("session").worker_name;
        assert_eq!(first.entries[0].worker_name.as_deref(), Some(me.as_str()));

        let unlocks = store.audit_page(&q(Some(AuditAction::Unlock), 0, 50)).expect("unlocks");
        let expected = all.iter().filter(|e| e.action == "session.unlock").count();
        assert!(expected >= 2);
        assert_eq!((unlocks.total, unlocks.entries.len()), (expected as i64, expected));
        assert!(unlocks.entries.iter().all(|l| l.entry.action == "session.unlock"));
        let none = store.audit_page(&q(Some(AuditAction::UserRemoved), 0, 50)).expect("none");
        assert_eq!((none.total, none.entries.len()), (0, 0));
        assert!(store.audit_page(&q(None, 0, 0)).is_err());
        assert!(store.audit_page(&q(None, 0, MAX_AUDIT_PAGE + 1)).is_err());
        // Every action reads back from its stored name.
        for a in AuditAction::ALL {
            let json = serde_json::to_string(&a).expect("json");
            assert_eq!(json, format!("\"{}\"", a.as_str()));
            assert_eq!(serde_json::from_str::<AuditAction>(&json).expect("back"), a);
        }
    }

    #[test]
    fn the_log_refuses_edits_and_deletes_through_sql() {
        let dir = tempfile::tempdir().expect("dir");
        let (store, _) = store_with_history(dir.path());
        assert!(store.conn().execute("UPDATE audit_log SET detail = '{}' WHERE seq = 2", []).is_err());
        assert!(store.conn().execute("DELETE FROM audit_log WHERE seq = 2", []).is_err());
    }

    #[test]
    fn an_edited_entry_is_found_and_named() {
        let dir = tempfile::tempdir().expect("dir");
        let (store, _) = store_with_history(dir.path());
        tamper(&store, "UPDATE audit_log SET detail = '{\"method\":\"nothing to see\"}' WHERE seq = 3;");
        let r = store.verify_audit().expect("verify");
        assert!(!r.ok);
        assert_eq!(r.problems, vec![AuditProblem::Edited { seq: 3 }]);
        assert_eq!(r.messages[0], "entry 3 was changed after it was written");
    }

    #[test]
    fn an_edit_with_its_hash_recomputed_still_breaks_the_next_link() {
        let dir = tempfile::tempdir().expect("dir");
        let (store, _) = store_with_history(dir.path());
        // Rewrite entry 3 and give it a valid hash of its own.
        tamper(&store, "UPDATE audit_log SET at = at + 1 WHERE seq = 3;");
        let row = store
            .conn()
            .query_row(
                "SELECT seq, at, partner_id, worker_id, action, entity, entity_id, detail, prev_hash FROM audit_log WHERE seq = 3",
                [],
                |r| {
                    Ok((AuditEntry::from_row(r)?, r.get::<_, Vec<u8>>(8)?))
                },
            )
            .expect("row");
        let h = hash(&row.1.try_into().expect("32"), &row.0);
        store.conn().execute("UPDATE audit_log SET hash = ?1 WHERE seq = 3", [h.as_slice()]).expect("rehash");
        let r = store.verify_audit().expect("verify");
        assert_eq!(r.problems, vec![AuditProblem::Broken { seq: 4 }]);
    }

    #[test]
    fn deleted_entries_are_found_in_the_middle_and_at_the_end() {
        let dir = tempfile::tempdir().expect("dir");
        let (store, _) = store_with_history(dir.path());
        let total = store.audit_entries(1).expect("e")[0].seq;
        tamper(&store, "DELETE FROM audit_log WHERE seq IN (3, 4);");
        let r = store.verify_audit().expect("verify");
        assert_eq!(r.problems, vec![AuditProblem::Missing { from: 3, to: 4 }]);
        assert_eq!(r.messages[0], "entries 3 to 4 are missing");
        // Cutting off the newest entries: the key file's anchor remembers the session end.
        let anchored = r.anchored;
        assert!(anchored >= 3 && anchored <= total);
        tamper(&store, &format!("DELETE FROM audit_log WHERE seq >= {anchored};"));
        let r = store.verify_audit().expect("verify");
        assert_eq!(r.problems, vec![AuditProblem::TailMissing { last_kept: 2, anchored }], "{r:?}");
    }

    #[test]
    fn reordered_entries_are_found() {
        let dir = tempfile::tempdir().expect("dir");
        let (store, _) = store_with_history(dir.path());
        tamper(
            &store,
            "UPDATE audit_log SET seq = -1 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = -1;",
        );
        let r = store.verify_audit().expect("verify");
        assert!(r.problems.contains(&AuditProblem::Edited { seq: 3 }), "{r:?}");
        assert!(r.problems.contains(&AuditProblem::Edited { seq: 4 }), "{r:?}");
    }

    #[test]
    fn wrong_passphrases_wait_longer_and_longer_also_after_a_restart_and_are_logged() {
        assert_eq!((0..8).map(unlock_delay_seconds).collect::<Vec<_>>(), vec![0, 0, 0, 5, 10, 20, 40, 80]);
        assert_eq!(unlock_delay_seconds(40), 15 * 60);
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("b.db");
        drop(store_at(&path, "OCMW Test", None));
        for _ in 0..3 {
            assert!(matches!(
                Store::open(&path, "not the passphrase at all"),
                Err(crate::Error::WrongPassphrase)
            ));
        }
        // The fourth attempt must wait, even with the right passphrase, and the wait is
        // read from the key file: a new process (a restart) sees it too.
        match Store::open(&path, PASS) {
            Err(crate::Error::UnlockDelayed { seconds }) => assert!((1..=5).contains(&seconds), "{seconds}"),
            other => panic!("{:?}", other.map(|_| ())),
        }
        let keys = crate::keys::keyfile_path(&path);
        let mut kf = KeyFile::read(&keys).expect("key file");
        assert_eq!(kf.unlock_failures.len(), 3);
        // Five seconds later (moved back in the file rather than slept).
        for t in &mut kf.unlock_failures {
            *t -= 6_000;
        }
        kf.write(&keys).expect("write");
        let store = Store::open(&path, PASS).expect("open after the wait");
        let failed: Vec<AuditEntry> = store
            .audit_entries(100)
            .expect("e")
            .into_iter()
            .filter(|e| e.action == "session.unlock_failed")
            .collect();
        assert_eq!(failed.len(), 3, "each failed attempt at its own time");
        assert!(failed.iter().all(|e| e.worker_id.is_none()));
        assert!(KeyFile::read(&keys).expect("kf").unlock_failures.is_empty());
        assert!(store.verify_audit().expect("verify").ok);
    }
}
