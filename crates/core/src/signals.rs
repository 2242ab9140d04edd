//! Signals to policy: a case tagged as an example of a structural barrier.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{Error, Result};
use crate::reference::Vocab;
use crate::store::{Store, Writer};

pub const MAX_SIGNAL_CHARS: usize = 500;

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewSignal {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub case_id: Uuid,
    pub theme: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Signal {
    pub id: Uuid,
    pub case_id: Uuid,
    pub theme: String,
    pub text: String,
    #[ts(type = "number")]
    pub created_at: i64,
}

impl Writer<'_> {
    pub fn add_signal(&mut self, s: &NewSignal) -> Result<Uuid> {
        self.require_case(s.case_id)?;
        self.vocab.check(Vocab::SignalTheme, "theme", &s.theme)?;
        let text = s.text.trim();
        if text.is_empty() {
            return Err(Error::validation("text", "describe the barrier in a few words"));
        }
        if text.chars().count() > MAX_SIGNAL_CHARS {
            return Err(Error::validation("text", format!("at most {MAX_SIGNAL_CHARS} characters")));
        }
        let id = s.id.unwrap_or_else(crate::ids::new_id);
        self.check_text("signal", id, "text", text)?;
        let owner = crate::cases::case_owner(self.conn, s.case_id)?;
        self.conn
            .prepare_cached(
                "INSERT INTO signal (id, owner_partner_id, case_id, theme_code, body, created_at, updated_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
            )?
            .execute(rusqlite::params![id, owner, s.case_id, s.theme, text, self.now, self.actor.worker_id])?;
        self.log("signal", id, "create", &["theme", "text"])?;
        Ok(id)
    }
}

impl Store {
    pub fn signals_of_case(&self, case_id: Uuid) -> Result<Vec<Signal>> {
        self.require_case(case_id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, case_id, theme_code, body, created_at FROM signal WHERE case_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok(Signal {
                id: r.get(0)?,
                case_id: r.get(1)?,
                theme: r.get(2)?,
                text: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
