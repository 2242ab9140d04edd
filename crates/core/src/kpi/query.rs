//! The referral facts of a period, read in one pass over a covering index.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

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
        let id = crate::partners::project_by_code(store.conn(), code)?
            .ok_or_else(|| Error::validation("project", format!("no project with code '{code}'")))?;
        add("r.project_id = ?", vec![blob(id)]);
    }
    Ok((sql, params))
}

pub(super) fn facts(store: &Store, f: &KpiFilter) -> Result<Vec<Fact>> {
    let (cond, params) = conditions(store, f)?;
    let sql = format!(
        "SELECT r.rowid, r.from_partner_id, r.to_partner_id, r.life_domain_code, r.mode, r.state,
                r.sent_on, r.accepted_on, r.first_contact_on, r.warm_steps, r.flags
         FROM referral r INDEXED BY referral_kpi
         WHERE {cond}"
    );
    let mut stmt = store.conn().prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(params))?;
    let mut out = Vec::new();
    // Few distinct codes: share one string per code instead of one per row.
    let mut domains: HashMap<String, Arc<str>> = HashMap::new();
    while let Some(r) = rows.next()? {
        let date = |i: usize, field: &str| -> Result<Option<chrono::NaiveDate>> {
            match r.get_ref(i)?.as_str_or_null() {
                Ok(Some(s)) => from_sql(field, s).map(Some),
                Ok(None) => Ok(None),
                Err(_) => Err(Error::StoreCorrupt(field.into())),
            }
        };
        let text = |i: usize, field: &str| -> Result<&str> {
            r.get_ref(i)?.as_str().map_err(|_| Error::StoreCorrupt(field.into()))
        };
        let Some(sent_on) = date(6, "referral.sent_on")? else { continue };
        let domain = text(3, "referral.life_domain_code")?;
        let life_domain = match domains.get(domain) {
            Some(d) => Arc::clone(d),
            None => {
                let d: Arc<str> = Arc::from(domain);
                domains.insert(domain.to_owned(), Arc::clone(&d));
                d
            }
        };
        out.push(Fact {
            row: r.get(0)?,
            from: r.get(1)?,
            to: r.get(2)?,
            life_domain,
            mode: ReferralMode::parse("mode", text(4, "referral.mode")?)
                .map_err(|_| Error::StoreCorrupt("referral.mode".into()))?,
            state: ReferralState::parse("state", text(5, "referral.state")?)
                .map_err(|_| Error::StoreCorrupt("referral.state".into()))?,
            sent_on,
            accepted_on: date(7, "referral.accepted_on")?,
            first_contact_on: date(8, "referral.first_contact_on")?,
            warm_steps: r.get(9)?,
            flags: r.get(10)?,
        });
    }
    Ok(out)
}

/// The referral id, case id and case code of one listed referral (stalled or flagged), by
/// its row: the covering index gives the row; only the listed few need the rest.
pub(super) fn ids_of_row(store: &Store, row: i64) -> Result<Option<(Uuid, Option<Uuid>, String)>> {
    Ok(store
        .conn()
        .prepare_cached(
            "SELECT r.id, r.case_id, COALESCE(c.code, r.case_code, '')
             FROM referral r LEFT JOIN case_file c ON c.id = r.case_id WHERE r.rowid = ?1",
        )?
        .query_row([row], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
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
