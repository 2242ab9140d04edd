//! Follow-ups: a due date with a purpose and an assignee, on a case and optionally on one
//! of its referrals or rights checks.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dates;
use crate::error::{Error, Result};
use crate::reference::Vocab;
use crate::store::{Store, Writer};

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewFollowUp {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub case_id: Uuid,
    #[serde(default)]
    pub referral_id: Option<Uuid>,
    #[serde(default)]
    pub rights_check_id: Option<Uuid>,
    pub due_on: NaiveDate,
    pub purpose: String,
    /// A few words; checked for identifiers like every free text.
    #[serde(default)]
    pub purpose_text: Option<String>,
    #[serde(default)]
    pub assignee_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FollowUp {
    pub id: Uuid,
    pub case_id: Uuid,
    pub case_code: String,
    pub referral_id: Option<Uuid>,
    pub rights_check_id: Option<Uuid>,
    pub due_on: NaiveDate,
    pub purpose: String,
    pub purpose_text: Option<String>,
    pub assignee_id: Uuid,
    pub done_on: Option<NaiveDate>,
    #[ts(type = "number")]
    pub reschedules: i64,
}

const COLS: &str = "f.id, f.case_id, c.code, f.referral_id, f.rights_check_id, f.due_on, f.purpose_code,
    f.purpose_text, f.assignee_id, f.done_on, f.reschedules";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<FollowUp> {
    let bad = |i| move |_| rusqlite::Error::InvalidColumnType(i, "date".into(), rusqlite::types::Type::Text);
    let due: String = r.get(5)?;
    let done: Option<String> = r.get(9)?;
    Ok(FollowUp {
        id: r.get(0)?,
        case_id: r.get(1)?,
        case_code: r.get(2)?,
        referral_id: r.get(3)?,
        rights_check_id: r.get(4)?,
        due_on: dates::from_sql("due_on", &due).map_err(bad(5))?,
        purpose: r.get(6)?,
        purpose_text: r.get(7)?,
        assignee_id: r.get(8)?,
        done_on: done.map(|d| dates::from_sql("done_on", &d)).transpose().map_err(bad(9))?,
        reschedules: r.get(10)?,
    })
}

impl Writer<'_> {
    pub fn add_follow_up(&mut self, f: &NewFollowUp) -> Result<Uuid> {
        self.require_case(f.case_id)?;
        self.vocab.check(Vocab::FollowUpPurpose, "purpose", &f.purpose)?;
        let text = f.purpose_text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        if let Some(t) = text
            && t.chars().count() > 200
        {
            return Err(Error::validation("purpose_text", "at most 200 characters"));
        }
        let id = f.id.unwrap_or_else(crate::ids::new_id);
        if let Some(t) = text {
            self.check_text("follow_up", id, "purpose_text", t)?;
        }
        let owner = crate::cases::case_owner(self.conn, f.case_id)?;
        for (field, table, id) in [
            ("referral_id", "referral", f.referral_id),
            ("rights_check_id", "rights_check", f.rights_check_id),
        ] {
            if let Some(id) = id {
                let case: Option<Uuid> = self
                    .conn
                    .query_row(&format!("SELECT case_id FROM {table} WHERE id = ?1"), [id], |r| r.get(0))
                    .optional()?;
                if case != Some(f.case_id) {
                    return Err(Error::validation(field, "does not belong to this case"));
                }
            }
        }
        self.conn
            .prepare_cached(
                "INSERT INTO follow_up (id, owner_partner_id, case_id, referral_id, rights_check_id, due_on, purpose_code,
                   purpose_text, assignee_id, created_at, updated_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11)",
            )?
            .execute(rusqlite::params![
                id,
                owner,
                f.case_id,
                f.referral_id,
                f.rights_check_id,
                dates::iso(f.due_on),
                f.purpose,
                text,
                f.assignee_id.unwrap_or(self.actor.worker_id),
                self.now,
                self.actor.worker_id
            ])?;
        self.log("follow_up", id, "create", &["due_on", "purpose", "assignee"])?;
        Ok(id)
    }

    fn open_follow_up(&self, id: Uuid) -> Result<()> {
        let done: Option<String> = self
            .conn
            .prepare_cached("SELECT done_on FROM follow_up WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::not_found("follow-up", id))?;
        if done.is_some() {
            return Err(Error::validation("done_on", "this follow-up is already done"));
        }
        Ok(())
    }

    pub fn complete_follow_up(&mut self, id: Uuid, on: NaiveDate) -> Result<()> {
        self.require(crate::access::Permission::CaseWork)?;
        self.open_follow_up(id)?;
        if on > self.today {
            return Err(Error::validation("done_on", "the date lies in the future"));
        }
        self.conn
            .prepare_cached("UPDATE follow_up SET done_on = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute((id, dates::iso(on), self.now))?;
        self.log("follow_up", id, "complete", &["done_on"])
    }

    pub fn reschedule_follow_up(&mut self, id: Uuid, due_on: NaiveDate) -> Result<()> {
        self.require(crate::access::Permission::CaseWork)?;
        self.open_follow_up(id)?;
        self.conn.prepare_cached(
            "UPDATE follow_up SET due_on = ?2, reschedules = reschedules + 1, updated_at = ?3 WHERE id = ?1",
        )?
        .execute((id, dates::iso(due_on), self.now))?;
        self.log("follow_up", id, "reschedule", &["due_on"])
    }
}

impl Store {
    /// Open follow-ups due on or before `until`, oldest first; for one assignee or all.
    /// Ids of the open follow-ups of `assignee` due on `day` exactly (the desktop
    /// reminder; overdue ones are on the today screen already).
    pub fn follow_ups_due_on(&self, assignee: Uuid, day: NaiveDate) -> Result<Vec<Uuid>> {
        self.require(crate::access::Permission::CaseWork)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT f.id FROM follow_up f
             WHERE f.done_on IS NULL AND f.assignee_id = ?1 AND f.due_on = ?2",
        )?;
        let ids = stmt.query_map(rusqlite::params![assignee, dates::iso(day)], |r| r.get(0))?;
        Ok(ids.collect::<rusqlite::Result<_>>()?)
    }

    pub fn due_follow_ups(
        &self,
        until: NaiveDate,
        assignee: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<FollowUp>> {
        self.require(crate::access::Permission::CaseWork)?;
        // Two statements rather than `(?2 IS NULL OR assignee_id = ?2)`, so each uses its index.
        let until = dates::iso(until);
        let rows = match assignee {
            Some(a) => {
                let mut stmt = self.conn().prepare_cached(&format!(
                    "SELECT {COLS} FROM follow_up f JOIN case_file c ON c.id = f.case_id
                     WHERE f.done_on IS NULL AND f.assignee_id = ?1 AND f.due_on <= ?2
                     ORDER BY f.due_on, f.id LIMIT ?3"
                ))?;
                stmt.query_map(rusqlite::params![a, until, limit], from_row)?
                    .collect::<rusqlite::Result<_>>()?
            }
            None => {
                let mut stmt = self.conn().prepare_cached(&format!(
                    "SELECT {COLS} FROM follow_up f JOIN case_file c ON c.id = f.case_id
                     WHERE f.done_on IS NULL AND f.due_on <= ?1
                     ORDER BY f.due_on, f.id LIMIT ?2"
                ))?;
                stmt.query_map(rusqlite::params![until, limit], from_row)?.collect::<rusqlite::Result<_>>()?
            }
        };
        Ok(rows)
    }

    pub fn follow_ups_of_case(&self, case_id: Uuid) -> Result<Vec<FollowUp>> {
        self.require_case(case_id)?;
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLS} FROM follow_up f JOIN case_file c ON c.id = f.case_id WHERE f.case_id = ?1 ORDER BY f.due_on, f.id"
        ))?;
        let rows = stmt.query_map([case_id], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{new_case, profile, store_at};

    #[test]
    fn due_on_a_day_lists_only_that_days_open_ones_of_the_worker() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_at(&dir.path().join("f.db"), "OCMW Test", None);
        let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
        store.set_today(d(25));
        let me = store.actor().worker_id;
        let (today, done) = store
            .write(|w| {
                let case = w.open_case(&new_case(d(1), profile("21001", &["housing"])))?.summary.id;
                let add = |w: &mut crate::Writer<'_>, due| {
                    w.add_follow_up(&NewFollowUp {
                        id: None,
                        case_id: case,
                        referral_id: None,
                        rights_check_id: None,
                        due_on: due,
                        purpose: "call_back".into(),
                        purpose_text: None,
                        assignee_id: None,
                    })
                };
                let today = add(w, d(25))?;
                let done = add(w, d(25))?;
                add(w, d(24))?; // overdue: on the today screen, not in the reminder
                add(w, d(26))?;
                w.complete_follow_up(done, d(25))?;
                Ok((today, done))
            })
            .unwrap();
        let ids = store.follow_ups_due_on(me, d(25)).unwrap();
        assert_eq!(ids, vec![today]);
        assert!(!ids.contains(&done));
        assert!(store.follow_ups_due_on(Uuid::nil(), d(25)).unwrap().is_empty());
    }
}
