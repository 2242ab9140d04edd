//! Rights investigation (rechtenonderzoek): per case, a checklist of rights from the
//! taxonomy, each with its step history, non-take-up reason and barrier.

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dates;
use crate::error::{Error, Result};
use crate::reference::Vocab;
use crate::store::{Store, Writer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum RightStep {
    NotChecked,
    PossiblyEntitled,
    Applied,
    Granted,
    Refused,
    NotEntitled,
    GrantedAutomatically,
}

impl RightStep {
    pub const ALL: [RightStep; 7] = [
        RightStep::NotChecked,
        RightStep::PossiblyEntitled,
        RightStep::Applied,
        RightStep::Granted,
        RightStep::Refused,
        RightStep::NotEntitled,
        RightStep::GrantedAutomatically,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RightStep::NotChecked => "not_checked",
            RightStep::PossiblyEntitled => "possibly_entitled",
            RightStep::Applied => "applied",
            RightStep::Granted => "granted",
            RightStep::Refused => "refused",
            RightStep::NotEntitled => "not_entitled",
            RightStep::GrantedAutomatically => "granted_automatically",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Self> {
        RightStep::ALL
            .into_iter()
            .find(|x| x.as_str() == s.trim())
            .ok_or_else(|| Error::validation(field, format!("'{s}' is not a step of a rights check")))
    }

    /// A right realised: the key output against under-protection.
    pub fn is_realised(self) -> bool {
        matches!(self, RightStep::Granted | RightStep::GrantedAutomatically)
    }
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewRightsCheck {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub case_id: Uuid,
    pub right: String,
    #[serde(default)]
    pub step: Option<RightStep>,
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct RightsCheck {
    pub id: Uuid,
    pub case_id: Uuid,
    pub right: String,
    pub step: RightStep,
    pub step_on: NaiveDate,
    pub non_take_up_reason: Option<String>,
    pub barrier_type: Option<String>,
    pub history: Vec<(RightStep, NaiveDate)>,
}

impl Writer<'_> {
    pub fn add_rights_check(&mut self, r: &NewRightsCheck) -> Result<Uuid> {
        self.require_case(r.case_id)?;
        self.vocab.check(Vocab::RightKind, "right", &r.right)?;
        let owner = crate::cases::case_owner(self.conn, r.case_id)?;
        let step = r.step.unwrap_or(RightStep::NotChecked);
        let on = r.on.unwrap_or(self.today);
        if on > self.today {
            return Err(Error::validation("on", "the date lies in the future"));
        }
        let id = r.id.unwrap_or_else(crate::ids::new_id);
        self.conn
            .prepare_cached(
                "INSERT INTO rights_check (id, owner_partner_id, case_id, right_code, step, step_on, created_at, updated_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
            )?
            .execute(rusqlite::params![id, owner, r.case_id, r.right, step.as_str(), dates::iso(on), self.now, self.actor.worker_id])?;
        self.insert_step(id, step, on)?;
        self.log("rights_check", id, "create", &["right", "step"])?;
        Ok(id)
    }

    fn insert_step(&self, check: Uuid, step: RightStep, on: NaiveDate) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO rights_check_step (id, rights_check_id, step, occurred_on, recorded_at, partner_id, worker_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(rusqlite::params![
                crate::ids::new_id(),
                check,
                step.as_str(),
                dates::iso(on),
                self.now,
                self.actor.partner_id,
                self.actor.worker_id
            ])?;
        self.audit("rights_check", check, serde_json::json!({"step": step.as_str()}))?;
        Ok(())
    }

    /// Moves a rights check to a step on a date; the history keeps every step.
    pub fn set_right_step(&mut self, check: Uuid, step: RightStep, on: NaiveDate) -> Result<()> {
        self.require(crate::access::Permission::CaseWork)?;
        let last: String = self
            .conn
            .prepare_cached("SELECT step_on FROM rights_check WHERE id = ?1")?
            .query_row([check], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::not_found("rights check", check))?;
        if on < dates::from_sql("step_on", &last)? {
            return Err(Error::validation("on", "a step cannot be dated before the previous one"));
        }
        if on > self.today {
            return Err(Error::validation("on", "the date lies in the future"));
        }
        self.insert_step(check, step, on)?;
        self.conn
            .prepare_cached("UPDATE rights_check SET step = ?2, step_on = ?3, updated_at = ?4 WHERE id = ?1")?
            .execute((check, step.as_str(), dates::iso(on), self.now))?;
        // No change-log entry: the step row itself records who did what, and when.
        Ok(())
    }

    /// Why a right is not taken up, and the barrier behind it. `None` clears.
    pub fn set_non_take_up(
        &mut self,
        check: Uuid,
        reason: Option<&str>,
        barrier: Option<&str>,
    ) -> Result<()> {
        self.require(crate::access::Permission::CaseWork)?;
        if let Some(r) = reason {
            self.vocab.check(Vocab::NonTakeUpReason, "non_take_up_reason", r)?;
        }
        if let Some(b) = barrier {
            self.vocab.check(Vocab::BarrierType, "barrier_type", b)?;
        }
        let n = self.conn.prepare_cached(
            "UPDATE rights_check SET non_take_up_reason_code = ?2, barrier_type_code = ?3, updated_at = ?4 WHERE id = ?1",
        )?
        .execute((check, reason, barrier, self.now))?;
        if n == 0 {
            return Err(Error::not_found("rights check", check));
        }
        self.log("rights_check", check, "update", &["non_take_up_reason", "barrier_type"])
    }
}

impl Store {
    pub fn rights_checks(&self, case_id: Uuid) -> Result<Vec<RightsCheck>> {
        self.require_case(case_id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, case_id, right_code, step, step_on, non_take_up_reason_code, barrier_type_code
             FROM rights_check WHERE case_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok((
                r.get::<_, Uuid>(0)?,
                r.get::<_, Uuid>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
            ))
        })?;
        let mut hist = self.conn().prepare_cached(
            "SELECT step, occurred_on FROM rights_check_step WHERE rights_check_id = ?1 ORDER BY occurred_on, recorded_at, id",
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (id, case_id, right, step, step_on, reason, barrier) = row?;
            let mut history = Vec::new();
            for h in hist.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
                let (s, on) = h?;
                history.push((RightStep::parse("step", &s)?, dates::from_sql("occurred_on", &on)?));
            }
            out.push(RightsCheck {
                id,
                case_id,
                right,
                step: RightStep::parse("step", &step)?,
                step_on: dates::from_sql("step_on", &step_on)?,
                non_take_up_reason: reason,
                barrier_type: barrier,
                history,
            });
        }
        Ok(out)
    }
}
