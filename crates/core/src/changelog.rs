//! The append-only change log: who changed which record, when, and which fields.
//! Free-text content is never written here; only field names.

use rusqlite::Connection;
use serde::Serialize;
use uuid::Uuid;

use crate::error::Result;
use crate::store::{Actor, Store};

pub(crate) fn record(
    conn: &Connection,
    actor: &Actor,
    at: i64,
    entity: &str,
    entity_id: Uuid,
    action: &str,
    fields: &[&str],
) -> Result<()> {
    let fields = serde_json::to_string(fields).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(
        "INSERT INTO change_log (id, at, partner_id, worker_id, entity, entity_id, action, fields)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute((
        crate::ids::new_id(),
        at,
        actor.partner_id,
        actor.worker_id,
        entity,
        entity_id,
        action,
        fields,
    ))?;
    Ok(())
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangeEntry {
    pub at: i64,
    pub partner_id: Uuid,
    pub worker_id: Option<Uuid>,
    pub entity: String,
    pub entity_id: Uuid,
    pub action: String,
    pub fields: Vec<String>,
}

impl Store {
    /// Changes to one record, oldest first.
    pub fn changes_of(&self, entity_id: Uuid) -> Result<Vec<ChangeEntry>> {
        self.require(crate::access::Permission::CaseWork)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT at, partner_id, worker_id, entity, entity_id, action, fields
             FROM change_log WHERE entity_id = ?1 ORDER BY at, id",
        )?;
        let rows = stmt.query_map([entity_id], |r| {
            let fields: String = r.get(6)?;
            Ok(ChangeEntry {
                at: r.get(0)?,
                partner_id: r.get(1)?,
                worker_id: r.get(2)?,
                entity: r.get(3)?,
                entity_id: r.get(4)?,
                action: r.get(5)?,
                fields: serde_json::from_str(&fields).unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
