//! Partner organisations (OCMW, CAW, DMW, others), their workers, and projects.

use chrono::NaiveDate;
use rusqlite::{OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dates;
use crate::error::{Error, Result};
use crate::reference::Vocab;
use crate::store::{Store, Writer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    Ocmw,
    Caw,
    Dmw,
    Other,
}

impl PartnerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerKind::Ocmw => "ocmw",
            PartnerKind::Caw => "caw",
            PartnerKind::Dmw => "dmw",
            PartnerKind::Other => "other",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ocmw" | "cpas" => Ok(PartnerKind::Ocmw),
            "caw" => Ok(PartnerKind::Caw),
            "dmw" | "mutualite" | "mutualité" | "ziekenfonds" => Ok(PartnerKind::Dmw),
            "other" | "ander" | "autre" => Ok(PartnerKind::Other),
            _ => {
                Err(Error::validation(field, format!("'{s}' is not a partner kind (ocmw, caw, dmw, other)")))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Partner {
    pub id: Uuid,
    pub owner_partner_id: Uuid,
    pub kind: PartnerKind,
    pub name: String,
    pub municipality: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewPartner {
    pub id: Option<Uuid>,
    pub kind: Option<PartnerKind>,
    pub name: String,
    pub municipality: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Worker {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Project {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewProject {
    pub id: Option<Uuid>,
    pub code: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
}

fn partner_from_row(r: &Row<'_>) -> rusqlite::Result<Partner> {
    let kind: String = r.get(2)?;
    Ok(Partner {
        id: r.get(0)?,
        owner_partner_id: r.get(1)?,
        kind: PartnerKind::parse("kind", &kind).unwrap_or(PartnerKind::Other),
        name: r.get(3)?,
        municipality: r.get(4)?,
    })
}

/// The id of the project with this code, if any.
pub(crate) fn project_by_code(conn: &rusqlite::Connection, code: &str) -> Result<Option<Uuid>> {
    Ok(conn
        .prepare_cached("SELECT id FROM project WHERE code = ?1")?
        .query_row([code], |r| r.get(0))
        .optional()?)
}

const PARTNER_COLS: &str = "id, owner_partner_id, kind, name, municipality_code";

impl Writer<'_> {
    pub fn add_partner(&mut self, p: &NewPartner) -> Result<Uuid> {
        self.require(crate::access::Permission::ManageSettings)?;
        let name = crate::privacy::check_name("name", &p.name)?;
        let kind = p.kind.ok_or_else(|| Error::validation("kind", "required"))?;
        if let Some(m) = &p.municipality {
            self.vocab.check(Vocab::Municipality, "municipality", m)?;
        }
        let exists: Option<Uuid> = self
            .conn
            .query_row("SELECT id FROM partner WHERE name = ?1 COLLATE NOCASE", [name], |r| r.get(0))
            .optional()?;
        if exists.is_some() {
            return Err(Error::Conflict(format!("a partner named '{name}' already exists")));
        }
        let id = p.id.unwrap_or_else(crate::ids::new_id);
        self.conn.execute(
            "INSERT INTO partner (id, owner_partner_id, kind, name, municipality_code, created_at, updated_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
            (id, self.actor.partner_id, kind.as_str(), name, &p.municipality, self.now, self.actor.worker_id),
        )?;
        self.log("partner", id, "create", &["kind", "name", "municipality"])?;
        Ok(id)
    }

    pub fn add_worker(&mut self, partner_id: Uuid, display_name: &str) -> Result<Uuid> {
        self.require(crate::access::Permission::ManageUsers)?;
        let name = crate::privacy::check_name("display_name", display_name)?;
        let id = crate::ids::new_id();
        self.conn.execute(
            "INSERT INTO worker (id, owner_partner_id, display_name, created_at, updated_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?4, ?5)",
            (id, partner_id, name, self.now, self.actor.worker_id),
        )?;
        self.log("worker", id, "create", &["display_name"])?;
        Ok(id)
    }

    pub fn add_project(&mut self, p: &NewProject) -> Result<Uuid> {
        self.require(crate::access::Permission::ManageSettings)?;
        let code = p.code.trim();
        if code.is_empty() || code.len() > 40 {
            return Err(Error::validation("code", "1 to 40 characters"));
        }
        let name = crate::privacy::check_name("name", &p.name)?;
        if let Some(end) = p.ends_on
            && end < p.starts_on
        {
            return Err(Error::validation("ends_on", "a project cannot end before it starts"));
        }
        if self.project_by_code(code)?.is_some() {
            return Err(Error::Conflict(format!("project '{code}' already exists")));
        }
        let id = p.id.unwrap_or_else(crate::ids::new_id);
        self.conn.execute(
            "INSERT INTO project (id, owner_partner_id, code, name, starts_on, ends_on, created_at, updated_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
            (
                id,
                self.actor.partner_id,
                code,
                name,
                dates::iso(p.starts_on),
                p.ends_on.map(dates::iso),
                self.now,
                self.actor.worker_id,
            ),
        )?;
        self.log("project", id, "create", &["code", "name", "starts_on", "ends_on"])?;
        Ok(id)
    }

    pub(crate) fn project_by_code(&self, code: &str) -> Result<Option<Uuid>> {
        project_by_code(self.conn, code)
    }

    pub(crate) fn partner_exists(&self, id: Uuid) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM partner WHERE id = ?1")?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }
}

impl Store {
    pub fn partners(&self) -> Result<Vec<Partner>> {
        let mut stmt =
            self.conn().prepare_cached(&format!("SELECT {PARTNER_COLS} FROM partner ORDER BY name"))?;
        let rows = stmt.query_map([], partner_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn partner(&self, id: Uuid) -> Result<Partner> {
        self.conn()
            .prepare_cached(&format!("SELECT {PARTNER_COLS} FROM partner WHERE id = ?1"))?
            .query_row([id], partner_from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("partner", id))
    }

    /// A partner by exact id or by name (case-insensitive).
    pub fn find_partner(&self, id_or_name: &str) -> Result<Partner> {
        if let Ok(id) = Uuid::parse_str(id_or_name.trim()) {
            return self.partner(id);
        }
        self.conn()
            .prepare_cached(&format!("SELECT {PARTNER_COLS} FROM partner WHERE name = ?1 COLLATE NOCASE"))?
            .query_row([id_or_name.trim()], partner_from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("partner", id_or_name))
    }

    pub fn workers(&self) -> Result<Vec<Worker>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT id, owner_partner_id, display_name FROM worker ORDER BY display_name")?;
        let rows = stmt.query_map([], |r| {
            Ok(Worker { id: r.get(0)?, partner_id: r.get(1)?, display_name: r.get(2)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn projects(&self) -> Result<Vec<Project>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, code, name, starts_on, ends_on FROM project ORDER BY starts_on, code",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, Uuid>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, code, name, starts, ends) = row?;
            out.push(Project {
                id,
                code,
                name,
                starts_on: dates::from_sql("starts_on", &starts)?,
                ends_on: ends.map(|e| dates::from_sql("ends_on", &e)).transpose()?,
            });
        }
        Ok(out)
    }
}
