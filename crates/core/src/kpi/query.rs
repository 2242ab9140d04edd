//! The referral facts of a period, read in one pass over a covering index.

use std::collections::{BTreeSet, HashMap};

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params_from_iter};
use uuid::Uuid;

use super::{Fact, KpiFilter, ReferralKpis};
use crate::dates::{from_sql, iso};
use crate::error::{Error, Result};
use crate::referrals::{ReferralMode, ReferralState};
use crate::store::Store;

/// `WHERE` clause and parameters for the filter (on table alias `r`).
fn conditions(store: &Store, f: &KpiFilter) -> Result<(String, Vec<Value>)> {
    let mut sql = String::from("r.sent_on BETWEEN ?1 AND ?2");
    let mut params = vec![Value::Text(iso(f.from)), Value::Text(iso(f.to))];
    // Each `?` of a clause becomes the number of the value it takes.
    let mut add = |clause: &str, values: Vec<Value>| {
        sql.push_str(" AND ");
        let mut values = values.into_iter();
        for (i, piece) in clause.split('?').enumerate() {
            if i > 0
                && let Some(v) = values.next()
            {
                params.push(v);
                sql.push_str(&format!("?{}", params.len()));
            }
            sql.push_str(piece);
        }
    };
    let blob = |id: Uuid| Value::Blob(id.as_bytes().to_vec());
    if let Some(p) = f.partner_id {
        add("(r.from_partner_id = ? OR r.to_partner_id = ?)", vec![blob(p), blob(p)]);
    }
    if let Some(p) = f.from_partner_id {
        add("r.from_partner_id = ?", vec![blob(p)]);
    }
    if let Some(p) = f.to_partner_id {
        add("r.to_partner_id = ?", vec![blob(p)]);
    }
    if let Some(d) = &f.life_domain {
        add("r.life_domain_code = ?", vec![Value::Text(d.clone())]);
    }
    if let Some(m) = f.mode {
        add("r.mode = ?", vec![Value::Text(m.as_str().to_owned())]);
    }
    if let Some(code) = &f.project {
        let id: Option<Uuid> = store
            .conn()
            .query_row("SELECT id FROM project WHERE code = ?1", [code], |r| r.get(0))
            .optional()?;
        let id = id.ok_or_else(|| Error::validation("project", format!("no project with code '{code}'")))?;
        add("r.project_id = ?", vec![blob(id)]);
    }
    Ok((sql, params))
}

pub(super) fn facts(store: &Store, f: &KpiFilter) -> Result<Vec<Fact>> {
    let (cond, params) = conditions(store, f)?;
    let sql = format!(
        "SELECT r.id, r.case_id, r.from_partner_id, r.to_partner_id, r.life_domain_code, r.mode, r.state,
                r.sent_on, r.accepted_on, r.first_contact_on, r.warm_steps
         FROM referral r INDEXED BY referral_kpi
         WHERE {cond}"
    );
    let mut stmt = store.conn().prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(params))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let date = |i: usize, field: &str| -> Result<Option<chrono::NaiveDate>> {
            let s: Option<String> = r.get(i)?;
            s.map(|s| from_sql(field, &s)).transpose()
        };
        let mode: String = r.get(5)?;
        let state: String = r.get(6)?;
        let Some(sent_on) = date(7, "referral.sent_on")? else { continue };
        out.push(Fact {
            id: r.get(0)?,
            case_id: r.get(1)?,
            from: r.get(2)?,
            to: r.get(3)?,
            life_domain: r.get(4)?,
            mode: ReferralMode::parse("mode", &mode)
                .map_err(|_| Error::StoreCorrupt("referral.mode".into()))?,
            state: ReferralState::parse("state", &state)
                .map_err(|_| Error::StoreCorrupt("referral.state".into()))?,
            sent_on,
            accepted_on: date(8, "referral.accepted_on")?,
            first_contact_on: date(9, "referral.first_contact_on")?,
            warm_steps: r.get(10)?,
        });
    }
    Ok(out)
}

pub(super) fn case_codes(store: &Store, ids: &[Uuid]) -> Result<HashMap<Uuid, String>> {
    let mut stmt = store.conn().prepare_cached("SELECT code FROM case_file WHERE id = ?1")?;
    let mut out = HashMap::new();
    for id in ids {
        if let Some(code) = stmt.query_row([id], |r| r.get::<_, String>(0)).optional()? {
            out.insert(*id, code);
        }
    }
    Ok(out)
}

pub(super) fn partner_names(store: &Store, report: &ReferralKpis) -> Result<Vec<super::PartnerName>> {
    let mut ids: BTreeSet<Uuid> = BTreeSet::new();
    for p in &report.pairs {
        ids.insert(p.from);
        ids.extend(p.to);
    }
    for s in &report.stalled {
        ids.insert(s.from);
        ids.extend(s.to);
    }
    let mut stmt = store.conn().prepare_cached("SELECT name FROM partner WHERE id = ?1")?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(name) = stmt.query_row([id], |r| r.get::<_, String>(0)).optional()? {
            out.push(super::PartnerName { id, name });
        }
    }
    Ok(out)
}
