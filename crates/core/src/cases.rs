//! Cases: the pseudonymous record of a person's questions, with life domains and notes.

use chrono::NaiveDate;
use rand::Rng;
use rusqlite::{OptionalExtension, params_from_iter, types::Value};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dates;
use crate::error::{Error, Result};
use crate::reference::Vocab;
use crate::store::{Store, Writer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    Open,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Closed => "closed",
        }
    }
    fn from_sql(s: &str) -> CaseStatus {
        if s == "closed" { CaseStatus::Closed } else { CaseStatus::Open }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    F,
    M,
    X,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Interpreter {
    NotNeeded,
    Needed,
    Used,
}

macro_rules! sql_enum {
    ($t:ty { $($v:path => $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str { match self { $($v => $s),* } }
            pub fn parse(field: &str, s: &str) -> Result<Self> {
                match s.trim().to_ascii_lowercase().as_str() {
                    $($s => Ok($v),)*
                    other => Err(Error::validation(field, format!("'{other}' is not one of: {}", [$($s),*].join(", ")))),
                }
            }
        }
    };
}
sql_enum!(Gender { Gender::F => "f", Gender::M => "m", Gender::X => "x" });
sql_enum!(Interpreter { Interpreter::NotNeeded => "not_needed", Interpreter::Needed => "needed", Interpreter::Used => "used" });

/// The fields of a case a worker edits. Sensitive fields are optional and coarse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CaseProfile {
    pub entry_route: String,
    pub municipality: String,
    pub age_band: String,
    pub household_type: String,
    #[serde(default)]
    pub gender: Option<Gender>,
    #[serde(default)]
    pub contact_language: Option<String>,
    #[serde(default)]
    pub interpreter: Option<Interpreter>,
    #[serde(default)]
    pub residence_status: Option<String>,
    #[serde(default)]
    pub life_domains: Vec<String>,
    /// Project code.
    #[serde(default)]
    pub project: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewCase {
    #[serde(default)]
    pub id: Option<Uuid>,
    /// Kept when importing from another store; generated otherwise.
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub opened_on: Option<NaiveDate>,
    #[serde(default)]
    pub owner_partner_id: Option<Uuid>,
    #[serde(default)]
    pub owner_worker_id: Option<Uuid>,
    #[serde(flatten)]
    pub profile: CaseProfile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CaseSummary {
    pub id: Uuid,
    pub code: String,
    pub status: CaseStatus,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub owner_partner_id: Uuid,
    pub partner_name: String,
    pub entry_route: String,
    pub municipality: String,
    pub age_band: String,
    pub household_type: String,
    pub life_domains: Vec<String>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Case {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub owner_worker_id: Uuid,
    pub profile: CaseProfile,
    #[ts(type = "number")]
    pub created_at: i64,
    #[ts(type = "number")]
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Note {
    pub id: Uuid,
    pub case_id: Uuid,
    pub body: String,
    #[ts(type = "number")]
    pub created_at: i64,
    pub created_by: Uuid,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum CaseSort {
    #[default]
    OpenedDesc,
    OpenedAsc,
    Code,
    Municipality,
}

#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct CaseFilter {
    /// Start of a case code, as typed.
    pub search: Option<String>,
    pub status: Option<CaseStatus>,
    pub municipality: Option<String>,
    pub life_domain: Option<String>,
    pub partner_id: Option<Uuid>,
    pub entry_route: Option<String>,
    #[serde(default)]
    pub sort: CaseSort,
    pub limit: Option<u32>,
    #[serde(default)]
    pub offset: u32,
}

/// Counting stops here: "1,000+" tells a worker enough, and an exact count of a large
/// network's cases would cost more than the page itself.
pub const COUNT_CAP: i64 = 1000;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CasePage {
    /// Matching cases, exact up to [`COUNT_CAP`].
    #[ts(type = "number")]
    pub total: i64,
    /// True when there are more than `total` matches.
    pub total_capped: bool,
    pub offset: u32,
    pub rows: Vec<CaseSummary>,
}

pub const MAX_NOTE_CHARS: usize = 4000;

impl Writer<'_> {
    fn check_profile(&self, p: &CaseProfile) -> Result<Option<Uuid>> {
        self.vocab.check(Vocab::EntryRoute, "entry_route", &p.entry_route)?;
        self.vocab.check(Vocab::Municipality, "municipality", &p.municipality)?;
        self.vocab.check(Vocab::AgeBand, "age_band", &p.age_band)?;
        self.vocab.check(Vocab::HouseholdType, "household_type", &p.household_type)?;
        if let Some(l) = &p.contact_language {
            self.vocab.check(Vocab::Language, "contact_language", l)?;
        }
        if let Some(r) = &p.residence_status {
            self.vocab.check(Vocab::ResidenceStatus, "residence_status", r)?;
        }
        for d in &p.life_domains {
            self.vocab.check(Vocab::LifeDomain, "life_domains", d)?;
        }
        match &p.project {
            None => Ok(None),
            Some(code) => self
                .project_by_code(code)?
                .map(Some)
                .ok_or_else(|| Error::validation("project", format!("no project with code '{code}'"))),
        }
    }

    /// Opens a case. Only the four coded fields are needed: a walk-in takes seconds.
    pub fn open_case(&mut self, c: &NewCase) -> Result<Case> {
        self.require(crate::access::Permission::CaseWork)?;
        let project_id = self.check_profile(&c.profile)?;
        let opened_on = c.opened_on.unwrap_or(self.today);
        if opened_on > self.today {
            return Err(Error::validation("opened_on", "a case cannot be opened in the future"));
        }
        let owner_partner = c.owner_partner_id.unwrap_or(self.actor.partner_id);
        let owner_worker = c.owner_worker_id.unwrap_or(self.actor.worker_id);
        if !self.partner_exists(owner_partner)? {
            return Err(Error::validation("owner_partner_id", "unknown partner"));
        }
        let id = c.id.unwrap_or_else(crate::ids::new_id);
        let code = match &c.code {
            Some(code) => {
                let norm =
                    crate::ids::normalize_case_code(code).filter(|_| crate::ids::is_valid_case_code(code));
                norm.ok_or_else(|| Error::validation("code", format!("'{code}' is not a valid case code")))?
            }
            None => self.unused_case_code(&mut rand::rng())?,
        };
        let exists: Option<Uuid> = self
            .conn
            .prepare_cached("SELECT id FROM case_file WHERE code = ?1 OR id = ?2")?
            .query_row((&code, id), |r| r.get(0))
            .optional()?;
        if exists.is_some() {
            return Err(Error::Conflict(format!("case {code} already exists")));
        }
        let p = &c.profile;
        self.conn
            .prepare_cached(
                "INSERT INTO case_file (id, owner_partner_id, code, status, opened_on, owner_worker_id,
                   entry_route_code, municipality_code, age_band_code, household_type_code, gender,
                   contact_language_code, interpreter, residence_status_code, project_id,
                   created_at, updated_at, created_by, updated_by)
                 VALUES (?1, ?2, ?3, 'open', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?16, ?16)",
            )?
            .execute(rusqlite::params![
                id,
                owner_partner,
                code,
                dates::iso(opened_on),
                owner_worker,
                p.entry_route,
                p.municipality,
                p.age_band,
                p.household_type,
                p.gender.map(Gender::as_str),
                p.contact_language,
                p.interpreter.map(Interpreter::as_str),
                p.residence_status,
                project_id,
                self.now,
                self.actor.worker_id,
            ])?;
        self.write_life_domains(id, &p.life_domains)?;
        self.log("case", id, "create", &["code", "opened_on", "profile"])?;
        Ok(Case {
            summary: CaseSummary {
                id,
                code,
                status: CaseStatus::Open,
                opened_on,
                closed_on: None,
                owner_partner_id: owner_partner,
                partner_name: String::new(),
                entry_route: p.entry_route.clone(),
                municipality: p.municipality.clone(),
                age_band: p.age_band.clone(),
                household_type: p.household_type.clone(),
                life_domains: dedup(&p.life_domains),
            },
            owner_worker_id: owner_worker,
            profile: p.clone(),
            created_at: self.now,
            updated_at: self.now,
        })
    }

    pub(crate) fn unused_case_code(&self, rng: &mut impl Rng) -> Result<String> {
        for _ in 0..20 {
            let code = crate::ids::new_case_code(rng);
            let taken = self
                .conn
                .prepare_cached("SELECT 1 FROM case_file WHERE code = ?1")?
                .query_row([&code], |_| Ok(()))
                .optional()?;
            if taken.is_none() {
                return Ok(code);
            }
        }
        Err(Error::Conflict("could not find a free case code".into()))
    }

    fn write_life_domains(&self, case_id: Uuid, domains: &[String]) -> Result<()> {
        self.conn.prepare_cached("DELETE FROM case_life_domain WHERE case_id = ?1")?.execute([case_id])?;
        let mut ins = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO case_life_domain (case_id, life_domain_code) VALUES (?1, ?2)",
        )?;
        for d in domains {
            ins.execute((case_id, d))?;
        }
        // The derived copy on the case row (see migrations/0005), from what was stored.
        self.conn
            .prepare_cached(
                "UPDATE case_file SET life_domain_codes = COALESCE((
                     SELECT group_concat(code, ',') FROM (
                         SELECT life_domain_code AS code FROM case_life_domain
                         WHERE case_id = ?1 ORDER BY life_domain_code)), '')
                 WHERE id = ?1",
            )?
            .execute([case_id])?;
        Ok(())
    }

    /// Replaces the editable profile; logs which fields changed.
    pub fn update_case(&mut self, case_id: Uuid, p: &CaseProfile) -> Result<()> {
        self.require_case(case_id)?;
        let project_id = self.check_profile(p)?;
        let old = load_case(self.conn, case_id)?;
        let o = &old.profile;
        let mut changed = Vec::new();
        macro_rules! diff {
            ($($f:ident),*) => { $( if o.$f != p.$f { changed.push(stringify!($f)); } )* };
        }
        diff!(
            entry_route,
            municipality,
            age_band,
            household_type,
            gender,
            contact_language,
            interpreter,
            residence_status,
            project
        );
        if dedup(&o.life_domains) != dedup(&p.life_domains) {
            changed.push("life_domains");
        }
        if changed.is_empty() {
            return Ok(());
        }
        self.conn.execute(
            "UPDATE case_file SET entry_route_code = ?2, municipality_code = ?3, age_band_code = ?4,
               household_type_code = ?5, gender = ?6, contact_language_code = ?7, interpreter = ?8,
               residence_status_code = ?9, project_id = ?10, updated_at = ?11, updated_by = ?12
             WHERE id = ?1",
            rusqlite::params![
                case_id,
                p.entry_route,
                p.municipality,
                p.age_band,
                p.household_type,
                p.gender.map(Gender::as_str),
                p.contact_language,
                p.interpreter.map(Interpreter::as_str),
                p.residence_status,
                project_id,
                self.now,
                self.actor.worker_id
            ],
        )?;
        self.write_life_domains(case_id, &p.life_domains)?;
        self.log("case", case_id, "update", &changed)
    }

    pub fn close_case(&mut self, case_id: Uuid, on: NaiveDate) -> Result<()> {
        self.require_case(case_id)?;
        let c = load_case(self.conn, case_id)?;
        if c.summary.status == CaseStatus::Closed {
            return Err(Error::validation("status", "the case is already closed"));
        }
        if on < c.summary.opened_on {
            return Err(Error::validation("closed_on", "a case cannot close before it opened"));
        }
        if on > self.today {
            return Err(Error::validation("closed_on", "a case cannot close in the future"));
        }
        self.conn.prepare_cached(
            "UPDATE case_file SET status = 'closed', closed_on = ?2, updated_at = ?3, updated_by = ?4 WHERE id = ?1",
        )?
        .execute((case_id, dates::iso(on), self.now, self.actor.worker_id))?;
        self.log("case", case_id, "close", &["status", "closed_on"])
    }

    pub fn reopen_case(&mut self, case_id: Uuid) -> Result<()> {
        self.require_case(case_id)?;
        let c = load_case(self.conn, case_id)?;
        if c.summary.status == CaseStatus::Open {
            return Err(Error::validation("status", "the case is already open"));
        }
        self.conn.prepare_cached(
            "UPDATE case_file SET status = 'open', closed_on = NULL, updated_at = ?2, updated_by = ?3 WHERE id = ?1",
        )?
        .execute((case_id, self.now, self.actor.worker_id))?;
        self.log("case", case_id, "reopen", &["status", "closed_on"])
    }

    /// Adds a note. Notes are checked for identifiers before anything is written; text the
    /// check warns about needs a reason ([`Writer::keep_warned_text`]).
    pub fn add_note(&mut self, case_id: Uuid, body: &str, id: Option<Uuid>) -> Result<Uuid> {
        self.require_case(case_id)?;
        let body = body.trim();
        if body.is_empty() {
            return Err(Error::validation("body", "a note cannot be empty"));
        }
        if body.chars().count() > MAX_NOTE_CHARS {
            return Err(Error::validation("body", format!("at most {MAX_NOTE_CHARS} characters")));
        }
        let id = id.unwrap_or_else(crate::ids::new_id);
        self.check_text("note", id, "body", body)?;
        let owner = case_owner(self.conn, case_id)?;
        self.conn
            .prepare_cached(
                "INSERT INTO note (id, owner_partner_id, case_id, body, created_at, updated_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            )?
            .execute((id, owner, case_id, body, self.now, self.actor.worker_id))?;
        self.log("note", id, "create", &["body"])?;
        Ok(id)
    }
}

pub(crate) fn case_owner(conn: &rusqlite::Connection, case_id: Uuid) -> Result<Uuid> {
    conn.prepare_cached("SELECT owner_partner_id FROM case_file WHERE id = ?1")?
        .query_row([case_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found("case", case_id))
}

fn dedup(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v.dedup();
    v
}

const SUMMARY_COLS: &str = "c.id, c.code, c.status, c.opened_on, c.closed_on, c.owner_partner_id, p.name,
    c.entry_route_code, c.municipality_code, c.age_band_code, c.household_type_code,
    (SELECT group_concat(life_domain_code, ',') FROM case_life_domain d WHERE d.case_id = c.id)";

fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CaseSummary> {
    let opened: String = r.get(3)?;
    let closed: Option<String> = r.get(4)?;
    let domains: Option<String> = r.get(11)?;
    let mut life_domains: Vec<String> =
        domains.map(|d| d.split(',').map(str::to_owned).collect()).unwrap_or_default();
    life_domains.sort();
    let bad = |_| rusqlite::Error::InvalidColumnType(3, "date".into(), rusqlite::types::Type::Text);
    Ok(CaseSummary {
        id: r.get(0)?,
        code: r.get(1)?,
        status: CaseStatus::from_sql(&r.get::<_, String>(2)?),
        opened_on: dates::from_sql("opened_on", &opened).map_err(bad)?,
        closed_on: closed.map(|c| dates::from_sql("closed_on", &c)).transpose().map_err(bad)?,
        owner_partner_id: r.get(5)?,
        partner_name: r.get(6)?,
        entry_route: r.get(7)?,
        municipality: r.get(8)?,
        age_band: r.get(9)?,
        household_type: r.get(10)?,
        life_domains,
    })
}

pub(crate) fn load_case(conn: &rusqlite::Connection, case_id: Uuid) -> Result<Case> {
    let sql = format!(
        "SELECT {SUMMARY_COLS}, c.owner_worker_id, c.gender, c.contact_language_code, c.interpreter,
                c.residence_status_code, pr.code, c.created_at, c.updated_at
         FROM case_file c JOIN partner p ON p.id = c.owner_partner_id
         LEFT JOIN project pr ON pr.id = c.project_id
         WHERE c.id = ?1"
    );
    conn.prepare_cached(&sql)?
        .query_row([case_id], |r| {
            let summary = summary_from_row(r)?;
            let gender: Option<String> = r.get(13)?;
            let interpreter: Option<String> = r.get(15)?;
            Ok(Case {
                owner_worker_id: r.get(12)?,
                profile: CaseProfile {
                    entry_route: summary.entry_route.clone(),
                    municipality: summary.municipality.clone(),
                    age_band: summary.age_band.clone(),
                    household_type: summary.household_type.clone(),
                    gender: gender.and_then(|g| Gender::parse("gender", &g).ok()),
                    contact_language: r.get(14)?,
                    interpreter: interpreter.and_then(|i| Interpreter::parse("interpreter", &i).ok()),
                    residence_status: r.get(16)?,
                    life_domains: summary.life_domains.clone(),
                    project: r.get(17)?,
                },
                created_at: r.get(18)?,
                updated_at: r.get(19)?,
                summary,
            })
        })
        .optional()?
        .ok_or_else(|| Error::not_found("case", case_id))
}

impl Store {
    pub fn case(&self, case_id: Uuid) -> Result<Case> {
        self.require_case(case_id)?;
        load_case(self.conn(), case_id)
    }

    /// A coordinator lists every partner's cases; anyone else only their own
    /// organisation's (asking for another's is refused).
    fn scope_case_filter(&self, f: &CaseFilter) -> Result<CaseFilter> {
        let actor = self.actor();
        if actor.roles.has(crate::access::Role::Coordinator) {
            return Ok(f.clone());
        }
        match f.partner_id {
            Some(p) if p != actor.partner_id => Err(Error::Forbidden { permission: "case_lists" }),
            _ => Ok(CaseFilter { partner_id: Some(actor.partner_id), ..f.clone() }),
        }
    }

    /// A case by its code, as typed (case, spaces and a missing dash are forgiven).
    pub fn case_by_code(&self, code: &str) -> Result<Case> {
        self.require(crate::access::Permission::CaseWork)?;
        let norm = crate::ids::normalize_case_code(code).ok_or_else(|| Error::not_found("case", code))?;
        let id: Uuid = self
            .conn()
            .prepare_cached("SELECT id FROM case_file WHERE code = ?1")?
            .query_row([&norm], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::not_found("case", code))?;
        self.case(id)
    }

    pub fn notes(&self, case_id: Uuid) -> Result<Vec<Note>> {
        self.require_case(case_id)?;
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, case_id, body, created_at, created_by FROM note WHERE case_id = ?1 ORDER BY created_at, id",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok(Note {
                id: r.get(0)?,
                case_id: r.get(1)?,
                body: r.get(2)?,
                created_at: r.get(3)?,
                created_by: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The exact number of cases matching a filter (sort and paging ignored).
    pub fn count_cases(&self, f: &CaseFilter) -> Result<i64> {
        self.require(crate::access::Permission::CaseLists)?;
        let scoped = self.scope_case_filter(f)?;
        let f = &scoped;
        let Some((where_sql, args)) = case_where(f) else { return Ok(0) };
        Ok(self
            .conn()
            .prepare_cached(&format!("SELECT count(*) FROM case_file c {where_sql}"))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))?)
    }

    /// One page of the case list, filtered and sorted, with the total for paging.
    pub fn list_cases(&self, f: &CaseFilter) -> Result<CasePage> {
        self.require(crate::access::Permission::CaseLists)?;
        let scoped = self.scope_case_filter(f)?;
        let f = &scoped;
        let Some((where_sql, args)) = case_where(f) else {
            return Ok(CasePage { total: 0, total_capped: false, offset: f.offset, rows: Vec::new() });
        };
        let counted: i64 = self
            .conn()
            .prepare_cached(&format!(
                "SELECT count(*) FROM (SELECT 1 FROM case_file c {where_sql} LIMIT {})",
                COUNT_CAP + 1
            ))?
            .query_row(params_from_iter(args.iter()), |r| r.get(0))?;
        let (total, total_capped) = if counted > COUNT_CAP { (COUNT_CAP, true) } else { (counted, false) };
        let order = match f.sort {
            CaseSort::OpenedDesc => "c.opened_on DESC, c.id DESC",
            CaseSort::OpenedAsc => "c.opened_on ASC, c.id ASC",
            CaseSort::Code => "c.code",
            CaseSort::Municipality => "c.municipality_code, c.opened_on DESC",
        };
        let limit = f.limit.unwrap_or(50).clamp(1, 500);
        let sql = format!(
            "SELECT {SUMMARY_COLS} FROM case_file c JOIN partner p ON p.id = c.owner_partner_id
             {where_sql} ORDER BY {order} LIMIT {limit} OFFSET {}",
            f.offset
        );
        let mut stmt = self.conn().prepare_cached(&sql)?;
        let rows = stmt.query_map(params_from_iter(args.iter()), summary_from_row)?;
        Ok(CasePage { total, total_capped, offset: f.offset, rows: rows.collect::<rusqlite::Result<_>>()? })
    }
}

/// The WHERE clause and its arguments for a filter; `None` when nothing can match.
fn case_where(f: &CaseFilter) -> Option<(String, Vec<Value>)> {
    let mut wheres: Vec<&str> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    if let Some(s) = f.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        match crate::ids::normalize_case_code(s) {
            Some(prefix) => {
                // Range on the unique index instead of LIKE.
                wheres.push("c.code >= ? AND c.code < ?");
                args.push(Value::Text(prefix.clone()));
                args.push(Value::Text(format!("{prefix}\u{7f}")));
            }
            None => return None,
        }
    }
    if let Some(st) = f.status {
        wheres.push("c.status = ?");
        args.push(Value::Text(st.as_str().into()));
    }
    if let Some(m) = &f.municipality {
        wheres.push("c.municipality_code = ?");
        args.push(Value::Text(m.clone()));
    }
    if let Some(e) = &f.entry_route {
        wheres.push("c.entry_route_code = ?");
        args.push(Value::Text(e.clone()));
    }
    if let Some(p) = f.partner_id {
        wheres.push("c.owner_partner_id = ?");
        args.push(Value::Blob(p.as_bytes().to_vec()));
    }
    if let Some(d) = &f.life_domain {
        // EXISTS probes the primary key row by row, so a page stops early; IN would
        // first collect every case with that domain.
        wheres.push(
            "EXISTS (SELECT 1 FROM case_life_domain d WHERE d.case_id = c.id AND d.life_domain_code = ?)",
        );
        args.push(Value::Text(d.clone()));
    }
    let where_sql = if wheres.is_empty() { String::new() } else { format!("WHERE {}", wheres.join(" AND ")) };
    Some((where_sql, args))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_util::{new_case, profile, store_at};

    #[test]
    fn the_case_list_filters_sorts_pages_and_caps_its_count() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_at(&dir.path().join("s.db"), "OCMW Jette", None);
        store.set_today(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
        let codes = store
            .write(|w| {
                let mut codes = Vec::new();
                for i in 0..(COUNT_CAP + 5) {
                    let (m, d): (&str, &[&str]) =
                        if i % 10 == 0 { ("21001", &["housing"]) } else { ("21010", &["income"]) };
                    let opened =
                        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new((i % 150) as u64);
                    let c = w.open_case(&new_case(opened, profile(m, d)))?;
                    codes.push(c.summary.code);
                }
                Ok(codes)
            })
            .unwrap();
        let all = store.list_cases(&CaseFilter::default()).unwrap();
        assert_eq!((all.total, all.total_capped), (COUNT_CAP, true));
        assert_eq!(all.rows.len(), 50);
        assert!(all.rows.windows(2).all(|w| w[0].opened_on >= w[1].opened_on), "newest first");

        let anderlecht = CaseFilter { municipality: Some("21001".into()), ..CaseFilter::default() };
        let page = store.list_cases(&anderlecht).unwrap();
        assert_eq!((page.total, page.total_capped), (101, false));
        assert!(page.rows.iter().all(|c| c.municipality == "21001" && c.life_domains == ["housing"]));
        let housing =
            CaseFilter { life_domain: Some("housing".into()), limit: Some(500), ..CaseFilter::default() };
        assert_eq!(store.list_cases(&housing).unwrap().rows.len(), 101);

        // Paging: the second page continues the first without overlap.
        let p1 = store.list_cases(&CaseFilter { limit: Some(20), ..CaseFilter::default() }).unwrap();
        let p2 =
            store.list_cases(&CaseFilter { limit: Some(20), offset: 20, ..CaseFilter::default() }).unwrap();
        assert!(p1.rows.iter().all(|a| p2.rows.iter().all(|b| a.id != b.id)));
        assert!(p1.rows.last().unwrap().opened_on >= p2.rows[0].opened_on);

        // Search by the start of a code, typed loosely.
        let code = &codes[17];
        let typed = code[..6].to_lowercase().replace('-', " ");
        let found = store.list_cases(&CaseFilter { search: Some(typed), ..CaseFilter::default() }).unwrap();
        assert!(found.rows.iter().any(|c| &c.code == code));
        assert!(found.rows.iter().all(|c| c.code.starts_with(&code[..6])));
        let none =
            store.list_cases(&CaseFilter { search: Some("ÖÖ".into()), ..CaseFilter::default() }).unwrap();
        assert_eq!(none.total, 0);

        let by_code = store
            .list_cases(&CaseFilter { sort: CaseSort::Code, limit: Some(500), ..CaseFilter::default() })
            .unwrap();
        assert!(by_code.rows.windows(2).all(|w| w[0].code < w[1].code));
    }
}
