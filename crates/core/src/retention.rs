//! Retention: closed cases are not kept longer than the store's retention period.
//!
//! An admin sets a period in months (`Writer::set_retention_months`, off until set). The
//! cut-off is that many months before the day asked about; every case closed *before*
//! the cut-off goes, with everything that hangs off it:
//!
//! | table | how it belongs to a purged case |
//! |---|---|
//! | `case_file` | the case itself (its code, dates and profile) |
//! | `case_life_domain` | `case_id` (derived onto the case row, which goes too) |
//! | `note`, `signal` | `case_id` (free text) |
//! | `referral` | `case_id`, whatever its state or receiver |
//! | `referral_event` | through its referral |
//! | `rights_check` | `case_id` |
//! | `rights_check_step` | through its rights check |
//! | `follow_up` | `case_id` |
//! | `change_log` | `entity_id` is the case or one of the records above |
//!
//! Referrals that came from another store (`origin` received or reported, issue 8) have no
//! case here; they go when they **ended** (declined, completed, withdrawn, …) before the
//! cut-off, with their events, what was shared with them (`referral_shared`: a handover
//! note) and their items in the exchange outbox. The outbox items of purged own referrals
//! go too. The envelope inbox keeps only envelope ids and digests, no content, and stays.
//!
//! What stays, and why:
//!
//! * **Referrals to another partner.** A referral is a row of the sending case; the schema
//!   has no second, receiving case linked to it, so the referral goes with its case and
//!   disappears from the receiver's list of incoming referrals too. The preview counts
//!   them (`referrals_to_other_partners`) so the admin sees it before purging.
//! * **A follow-up of a kept case that points at a purged referral or rights check.**
//!   Core refuses to create one, but a store filled by an older version or by hand might
//!   hold one: the follow-up is kept (it belongs to the kept case) and only its link is
//!   cleared (`follow_ups_unlinked`, recorded in the change log), instead of the database
//!   cascade deleting a kept case's row.
//! * **The audit log.** It is append-only and hash-chained; its entries about a purged
//!   case keep only the case's random id (a UUID that now points at nothing), action
//!   names, event kinds and field names, never a case code or content. The purge adds one
//!   entry of its own (`retention.purge`) with the cut-off and the counts, no ids.
//! * **Partners, workers, projects, reference lists**: not case data.
//!
//! **Statistics and referral figures change.** Monthly statistics and referral-time
//! figures are computed from the cases in the store; after a purge, the months in which
//! purged cases were open (`statistics_from` to `statistics_until` in the preview) count
//! fewer cases, referrals, rights steps and follow-ups than before. Figures already
//! published stay as they were exported; keep the exported files.
//!
//! **Exactly what was shown.** [`Store::retention_preview`] returns a token: the cut-off
//! and a Blake2b-256 hash over the ids of every row the purge would delete. The purge
//! recomputes both inside its own write transaction and refuses with
//! [`Error::PreviewChanged`] (nothing written) when a case was closed, reopened, added or
//! given a note since the preview. It runs with `PRAGMA secure_delete` on, so freed
//! space in the database's pages is overwritten, and then checkpoints the WAL into the
//! database file and truncates it.

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use chrono::{Months, NaiveDate};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use crate::access::Permission;
use crate::audit::AuditAction;
use crate::dates;
use crate::error::{Error, Result};
use crate::store::Store;

const TOKEN_VERSION: &str = "r1";
const HASH_DOMAIN: &[u8] = b"schakel-retention-v1";

/// The cases closed before the cut-off: `?1` is the cut-off date (ISO).
const DOOMED: &str = "SELECT id FROM case_file WHERE closed_on < ?1 AND status = 'closed'";

/// Referrals from another store (no case here) that ended before the cut-off.
const EXCHANGED: &str = "SELECT id FROM referral WHERE origin <> 'own' AND ended_on < ?1";

/// Every referral a purge removes: those of purged cases and [`EXCHANGED`] ones.
const REFERRALS: &str = "SELECT id FROM referral WHERE case_id IN ({D}) UNION ALL {X}";

/// Each table a purge deletes from, with the rows of it that belong to purged cases (the
/// ids to delete, for the token and the counts). `{D}` is [`DOOMED`]. Order: the change
/// log first (it finds its rows through the records), then children before their
/// parents, so each delete finds exactly its own rows and no cascade is left to act.
const PARTS: [(Part, &str); 13] = [
    (
        Part::ChangeLog,
        "SELECT id FROM change_log WHERE entity_id IN (
        SELECT id FROM case_file WHERE id IN ({D})
        UNION ALL SELECT id FROM note WHERE case_id IN ({D})
        UNION ALL SELECT id FROM signal WHERE case_id IN ({D})
        UNION ALL {R}
        UNION ALL SELECT id FROM rights_check WHERE case_id IN ({D})
        UNION ALL SELECT id FROM follow_up WHERE case_id IN ({D}))",
    ),
    (
        Part::Outbox,
        "SELECT id FROM exchange_outbox WHERE item_id IN ({R})
         OR item_id IN (SELECT e.id FROM referral_event e WHERE e.referral_id IN ({R}))",
    ),
    (Part::ReferralEvents, "SELECT e.id FROM referral_event e WHERE e.referral_id IN ({R})"),
    (
        Part::RightsCheckSteps,
        "SELECT s.id FROM rights_check_step s JOIN rights_check k ON k.id = s.rights_check_id WHERE k.case_id IN ({D})",
    ),
    (Part::FollowUps, "SELECT id FROM follow_up WHERE case_id IN ({D})"),
    (Part::Notes, "SELECT id FROM note WHERE case_id IN ({D})"),
    (Part::Signals, "SELECT id FROM signal WHERE case_id IN ({D})"),
    (Part::Shared, "SELECT referral_id FROM referral_shared WHERE referral_id IN ({R})"),
    (Part::Referrals, "{R}"),
    (Part::RightsChecks, "SELECT id FROM rights_check WHERE case_id IN ({D})"),
    // Has no id of its own: the case id and the code, as one 16-byte hash input each.
    (Part::LifeDomains, "SELECT case_id FROM case_life_domain WHERE case_id IN ({D})"),
    (Part::Cases, "{D}"),
    (Part::Exchanged, "{X}"),
];

/// Follow-ups of kept cases that point at a referral or rights check of a purged case.
const UNLINK: [(&str, &str); 2] = [
    ("referral_id", "SELECT id FROM follow_up WHERE referral_id IN ({R}) AND case_id NOT IN ({D})"),
    (
        "rights_check_id",
        "SELECT id FROM follow_up WHERE rights_check_id IN (SELECT id FROM rights_check WHERE case_id IN ({D})) AND case_id NOT IN ({D})",
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Outbox,
    Shared,
    /// Counted only: the received and reported referrals among `Referrals` (deleted there).
    Exchanged,
    ReferralEvents,
    RightsCheckSteps,
    FollowUps,
    Notes,
    Signals,
    Referrals,
    RightsChecks,
    LifeDomains,
    ChangeLog,
    Cases,
}

impl Part {
    fn table(self) -> &'static str {
        match self {
            Part::Outbox => "exchange_outbox",
            Part::Shared => "referral_shared",
            Part::Exchanged => "referral",
            Part::ReferralEvents => "referral_event",
            Part::RightsCheckSteps => "rights_check_step",
            Part::FollowUps => "follow_up",
            Part::Notes => "note",
            Part::Signals => "signal",
            Part::Referrals => "referral",
            Part::RightsChecks => "rights_check",
            Part::LifeDomains => "case_life_domain",
            Part::ChangeLog => "change_log",
            Part::Cases => "case_file",
        }
    }

    /// The column its rows are deleted by (the one the id query selects).
    fn key(self) -> &'static str {
        match self {
            Part::LifeDomains => "case_id",
            Part::Shared => "referral_id",
            _ => "id",
        }
    }
}

/// One case a purge removes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PurgeCase {
    /// The pseudonymous case code.
    pub code: String,
    pub opened_on: NaiveDate,
    pub closed_on: NaiveDate,
    pub owner_partner_id: Uuid,
    pub owner_partner_name: String,
}

/// How many rows of each kind go (or went).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PurgeCounts {
    pub cases: u32,
    /// Life-domain rows of the cases (derived data).
    pub life_domains: u32,
    pub notes: u32,
    pub signals: u32,
    pub referrals: u32,
    pub referral_events: u32,
    /// Of `referrals`: made to another partner of the network (they leave that partner's
    /// incoming list too).
    pub referrals_to_other_partners: u32,
    pub rights_checks: u32,
    pub rights_check_steps: u32,
    pub follow_ups: u32,
    /// Change-log rows about the purged cases and their records.
    pub change_log: u32,
    /// Follow-ups of *kept* cases whose link to a purged referral or rights check is
    /// cleared (normally 0).
    pub follow_ups_unlinked: u32,
    /// Of `referrals`: received from or reported by another store, ended before the cut-off.
    pub exchanged_referrals: u32,
    /// What senders shared with the purged referrals (handover notes).
    pub shared: u32,
    /// Items of the exchange outbox about the purged referrals and events.
    pub outbox: u32,
}

impl PurgeCounts {
    fn set(&mut self, part: Part, n: u32) {
        let slot = match part {
            Part::Outbox => &mut self.outbox,
            Part::Shared => &mut self.shared,
            Part::Exchanged => &mut self.exchanged_referrals,
            Part::ReferralEvents => &mut self.referral_events,
            Part::RightsCheckSteps => &mut self.rights_check_steps,
            Part::FollowUps => &mut self.follow_ups,
            Part::Notes => &mut self.notes,
            Part::Signals => &mut self.signals,
            Part::Referrals => &mut self.referrals,
            Part::RightsChecks => &mut self.rights_checks,
            Part::LifeDomains => &mut self.life_domains,
            Part::ChangeLog => &mut self.change_log,
            Part::Cases => &mut self.cases,
        };
        *slot = n;
    }
}

/// What a purge on `as_of` would remove.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RetentionPreview {
    pub months: u32,
    pub as_of: NaiveDate,
    /// Cases closed before this date are purged.
    pub cut_off: NaiveDate,
    /// Oldest closing date first.
    pub cases: Vec<PurgeCase>,
    pub counts: PurgeCounts,
    /// Monthly statistics and referral figures of the months from this date (the earliest
    /// opening date of a purged case) to `statistics_until` will change.
    pub statistics_from: Option<NaiveDate>,
    pub statistics_until: Option<NaiveDate>,
    /// Hand this to [`Store::retention_purge`]: it purges exactly this set or nothing.
    pub token: String,
}

/// What a purge removed.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RetentionReport {
    pub cut_off: NaiveDate,
    pub counts: PurgeCounts,
    /// The WAL was written back into the database file and truncated.
    pub checkpointed: bool,
}

/// The period as a front-end shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RetentionSetting {
    /// `None`: no period set, nothing is purged.
    pub months: Option<u32>,
    pub min_months: u32,
    pub max_months: u32,
    /// Today's cut-off when a period is set: cases closed before it can be purged.
    pub cut_off: Option<NaiveDate>,
}

/// The rows of a purge, read inside one transaction (or snapshot).
struct Doomed {
    cases: Vec<PurgeCase>,
    counts: PurgeCounts,
    hash: [u8; 32],
}

fn sql(template: &str) -> String {
    template.replace("{R}", REFERRALS).replace("{X}", EXCHANGED).replace("{D}", DOOMED)
}

fn ids(conn: &Connection, template: &str, cut_off: &str) -> Result<Vec<Uuid>> {
    let mut stmt = conn.prepare(&sql(template))?;
    let rows = stmt.query_map([cut_off], |r| r.get::<_, Uuid>(0))?;
    let mut v = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    v.sort_unstable();
    Ok(v)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn collect(conn: &Connection, cut_off: NaiveDate) -> Result<Doomed> {
    let c = dates::iso(cut_off);
    let mut h = Blake2b::<U32>::new();
    h.update(HASH_DOMAIN);
    h.update(c.as_bytes());
    let mut counts = PurgeCounts::default();
    for (part, template) in PARTS {
        if part == Part::LifeDomains {
            // (case, code) pairs: hash the code too, so a changed life domain counts.
            let mut stmt = conn.prepare(&sql(
                "SELECT case_id, life_domain_code FROM case_life_domain WHERE case_id IN ({D})
                 ORDER BY case_id, life_domain_code",
            ))?;
            let rows = stmt.query_map([&c], |r| Ok((r.get::<_, Uuid>(0)?, r.get::<_, String>(1)?)))?;
            let pairs = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            h.update(part.table().as_bytes());
            h.update((pairs.len() as u64).to_le_bytes());
            for (id, code) in &pairs {
                h.update(id.as_bytes());
                h.update((code.len() as u64).to_le_bytes());
                h.update(code.as_bytes());
            }
            counts.set(part, count(pairs.len()));
            continue;
        }
        let ids = ids(conn, template, &c)?;
        h.update(part.table().as_bytes());
        h.update((ids.len() as u64).to_le_bytes());
        for id in &ids {
            h.update(id.as_bytes());
        }
        counts.set(part, count(ids.len()));
    }
    for (column, template) in UNLINK {
        let ids = ids(conn, template, &c)?;
        h.update(column.as_bytes());
        h.update((ids.len() as u64).to_le_bytes());
        for id in &ids {
            h.update(id.as_bytes());
        }
        counts.follow_ups_unlinked += count(ids.len());
    }
    counts.referrals_to_other_partners = conn.query_row(
        &sql(
            "SELECT count(*) FROM referral r JOIN case_file c ON c.id = r.case_id
             WHERE r.case_id IN ({D}) AND r.to_partner_id IS NOT NULL AND r.to_partner_id <> c.owner_partner_id",
        ),
        [&c],
        |r| r.get(0),
    )?;
    let mut stmt =
        conn.prepare(&sql("SELECT c.code, c.opened_on, c.closed_on, c.owner_partner_id, p.name
         FROM case_file c JOIN partner p ON p.id = c.owner_partner_id
         WHERE c.id IN ({D}) ORDER BY c.closed_on, c.code"))?;
    let rows = stmt.query_map([&c], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?))
    })?;
    let mut cases = Vec::new();
    for row in rows {
        let (code, opened, closed, owner_partner_id, owner_partner_name) = row?;
        cases.push(PurgeCase {
            code,
            opened_on: dates::from_sql("opened_on", &opened)?,
            closed_on: dates::from_sql("closed_on", &closed)?,
            owner_partner_id,
            owner_partner_name,
        });
    }
    Ok(Doomed { cases, counts, hash: h.finalize().into() })
}

fn token(cut_off: NaiveDate, hash: &[u8; 32]) -> String {
    format!("{TOKEN_VERSION}.{}.{}", dates::iso(cut_off), data_encoding::HEXLOWER.encode(hash))
}

/// The cut-off and hash a token names; a token that is not one is invalid input.
fn parse_token(t: &str) -> Result<(NaiveDate, [u8; 32])> {
    let bad = || Error::validation("token", "not a retention preview token; preview again");
    let mut parts = t.trim().split('.');
    let (Some(v), Some(d), Some(h), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if v != TOKEN_VERSION {
        return Err(bad());
    }
    let cut_off = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad())?;
    let hash = data_encoding::HEXLOWER
        .decode(h.as_bytes())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(bad)?;
    Ok((cut_off, hash))
}

/// The cut-off for a period on a day: `months` calendar months earlier (the 31st of a
/// month becomes the last day of a shorter one).
pub fn cut_off(as_of: NaiveDate, months: u32) -> Result<NaiveDate> {
    as_of
        .checked_sub_months(Months::new(months))
        .ok_or_else(|| Error::validation("as_of", "the date is out of range"))
}

impl Store {
    /// The period, its bounds and today's cut-off. Anyone unlocked may read it.
    pub fn retention_setting(&self) -> Result<RetentionSetting> {
        let months = self.retention_months()?;
        Ok(RetentionSetting {
            months,
            min_months: *crate::settings::RETENTION_MONTHS_RANGE.start(),
            max_months: *crate::settings::RETENTION_MONTHS_RANGE.end(),
            cut_off: months.map(|m| cut_off(self.today(), m)).transpose()?,
        })
    }

    /// The retention period, or a validation error naming the setting when none is set.
    fn retention_period(&self) -> Result<u32> {
        self.retention_months()?
            .ok_or_else(|| Error::validation("retention_months", "no retention period is set"))
    }

    /// What a purge on `as_of` (today or earlier) would remove. Admins only
    /// (maintenance): it lists case codes of every partner.
    pub fn retention_preview(&self, as_of: NaiveDate) -> Result<RetentionPreview> {
        self.require(Permission::Maintenance)?;
        let months = self.retention_period()?;
        if as_of > self.today() {
            return Err(Error::validation("as_of", "the date lies in the future"));
        }
        let cut_off = cut_off(as_of, months)?;
        // One read transaction, so the list, the counts and the token agree.
        let tx = self.conn().unchecked_transaction()?;
        let d = collect(&tx, cut_off)?;
        tx.commit()?;
        Ok(RetentionPreview {
            months,
            as_of,
            cut_off,
            statistics_from: d.cases.iter().map(|c| c.opened_on).min(),
            statistics_until: d.cases.iter().map(|c| c.closed_on).max(),
            token: token(cut_off, &d.hash),
            cases: d.cases,
            counts: d.counts,
        })
    }

    /// Purges exactly what the preview with this token showed, in one transaction, or
    /// nothing: [`Error::PreviewChanged`] when the set differs now. Freed space is
    /// overwritten (`secure_delete`) and the WAL is checkpointed into the database file
    /// and truncated. One audit entry records the cut-off and the counts.
    pub fn retention_purge(&mut self, token: &str) -> Result<RetentionReport> {
        self.require(Permission::Maintenance)?;
        let (cut_off, expected) = parse_token(token)?;
        let months = self.retention_period()?;
        // Never a case still inside the period, whatever the token says.
        let latest = crate::retention::cut_off(self.today(), months)?;
        if cut_off > latest {
            return Err(Error::validation("token", "the cut-off lies inside the retention period"));
        }
        let was: i64 = self.conn().query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
        self.conn().pragma_update(None, "secure_delete", "ON")?;
        let result = self.write(|w| {
            let d = collect(w.conn, cut_off)?;
            if d.hash != expected {
                return Err(Error::PreviewChanged);
            }
            w.audit_summary(
                AuditAction::RetentionPurge,
                serde_json::json!({
                    "cut_off": dates::iso(cut_off),
                    "months": months,
                    "counts": d.counts,
                }),
            )?;
            purge(w, cut_off, &d.counts)?;
            Ok(d.counts)
        });
        let restored = self.conn().pragma_update(None, "secure_delete", was);
        let counts = result?;
        restored?;
        let checkpointed = self.retention_checkpoint()?;
        Ok(RetentionReport { cut_off, counts, checkpointed })
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)`: true when every frame went back into the
    /// database file and the WAL was emptied.
    fn retention_checkpoint(&self) -> Result<bool> {
        let (busy, log, done): (i64, i64, i64) =
            self.conn().query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        Ok(busy == 0 && log == done)
    }
}

/// Deletes the rows `collect` found, checking each count against it.
fn purge(w: &mut crate::store::Writer<'_>, cut_off: NaiveDate, counts: &PurgeCounts) -> Result<()> {
    let c = dates::iso(cut_off);
    // Kept cases keep their follow-ups; only the link to a purged record goes.
    for (column, template) in UNLINK {
        for id in ids(w.conn, template, &c)? {
            w.conn.execute(
                &format!("UPDATE follow_up SET {column} = NULL, updated_at = ?2 WHERE id = ?1"),
                (id, w.now),
            )?;
            crate::changelog::record(w.conn, &w.actor, w.now, "follow_up", id, "unlink", &[column])?;
        }
    }
    // The change log refuses deletes (a trigger). Lift that for this transaction only:
    // the trigger is put back, exactly as the schema defined it, before the commit.
    let trigger: String = w
        .conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'change_log_no_delete'",
            [],
            |r| r.get(0),
        )
        .optional()?
        .ok_or_else(|| Error::StoreCorrupt("the change log's delete guard is missing".into()))?;
    w.conn.execute_batch("DROP TRIGGER change_log_no_delete")?;
    let mut expected = PurgeCounts::default();
    for (part, template) in PARTS {
        if part == Part::Exchanged {
            // Counted in the preview; deleted with `Referrals` (which runs before it).
            expected.set(part, counts.exchanged_referrals);
            continue;
        }
        let n = w.conn.execute(
            &format!("DELETE FROM {} WHERE {} IN ({})", part.table(), part.key(), sql(template)),
            [&c],
        )?;
        expected.set(part, count(n));
    }
    w.conn.execute_batch(&trigger)?;
    expected.referrals_to_other_partners = counts.referrals_to_other_partners;
    expected.follow_ups_unlinked = counts.follow_ups_unlinked;
    if expected != *counts {
        return Err(Error::StoreCorrupt(format!(
            "the purge deleted {expected:?}, the preview showed {counts:?}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod pages;
#[cfg(test)]
mod tests;
