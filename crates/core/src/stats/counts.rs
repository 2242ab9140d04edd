//! The raw counts of one month, read from the store. Every read is an aggregate: no
//! case-level row leaves this module.

use std::collections::{HashMap, HashSet};

use rusqlite::params_from_iter;
use rusqlite::types::Value;
use uuid::Uuid;

use super::labels::{Lang, word};
use super::table::{CountTable, Label, StatCell, StatTable, Unit};
use super::{Month, Thresholds};
use crate::dates::iso;
use crate::error::{Error, Result};
use crate::kpi::{Figures, KpiFilter, ReferralKpis};
use crate::reference::{Term, Vocab};
use crate::store::Store;

/// What a report reads: a month and, for the partner scope, whose records.
pub(super) struct Frame<'a> {
    pub store: &'a Store,
    pub month: Month,
    pub partner: Option<Uuid>,
    pub lang: Lang,
    pub k: Thresholds,
}

impl Frame<'_> {
    fn w(&self, key: &str) -> String {
        word(self.lang, key)
    }

    fn name(&self, t: &Term) -> String {
        self.lang.pick(&t.name_nl, &t.name_fr, &t.name_en).to_owned()
    }

    /// The rows of a vocabulary (active terms, and inactive ones that occur).
    fn vocab_rows(&self, v: Vocab, seen: &HashSet<String>) -> Vec<Label> {
        self.store
            .vocabularies()
            .terms(v)
            .iter()
            .filter(|t| t.active || seen.contains(&t.code))
            .map(|t| Label::new(&t.code, self.name(t)))
            .collect()
    }

    /// `AND <column> = ?` for the partner scope.
    fn scope(&self, column: &str, params: &mut Vec<Value>) -> String {
        match self.partner {
            Some(p) => {
                params.push(Value::Blob(p.as_bytes().to_vec()));
                format!(" AND {column} = ?{}", params.len())
            }
            None => String::new(),
        }
    }

    fn bounds(&self) -> Vec<Value> {
        vec![Value::Text(iso(self.month.first)), Value::Text(iso(self.month.last))]
    }

    fn count_table(
        &self,
        id: &'static str,
        row_header: &str,
        rows: Vec<Label>,
        columns: Vec<Label>,
    ) -> CountTable {
        let n = rows.len();
        CountTable {
            id,
            title: self.w(id),
            note: None,
            row_header: self.w(row_header),
            counts: vec![vec![0; columns.len()]; n],
            thresholds: vec![self.k.normal; n],
            total_threshold: self.k.normal,
            rows,
            columns,
            row_totals: true,
            column_totals: true,
            link_totals: None,
            link_grand_total: None,
        }
    }
}

fn text(r: &rusqlite::Row<'_>, i: usize) -> Result<Option<String>> {
    Ok(r.get::<_, Option<String>>(i)?)
}

fn position(rows: &[Label], code: &str) -> Option<usize> {
    rows.iter().position(|l| l.code == code)
}

const NOT_RECORDED: &str = "not_recorded";

/// New / continuing cases by entry route, municipality, age band, household type and
/// residence status (five tables sharing their total row), and by life domain.
pub(super) fn cases(f: &Frame<'_>) -> Result<Vec<CountTable>> {
    let mut params = f.bounds();
    let scope = f.scope("owner_partner_id", &mut params);
    // Still open, or closed in or after the month: two ranges of the index.
    let cols = "entry_route_code, municipality_code, age_band_code, household_type_code,
                residence_status_code, opened_on >= ?1, life_domain_codes";
    let sql = format!(
        "SELECT {cols} FROM case_file INDEXED BY case_statistics
         WHERE closed_on IS NULL AND opened_on <= ?2{scope}
         UNION ALL
         SELECT {cols} FROM case_file INDEXED BY case_statistics
         WHERE closed_on >= ?1 AND opened_on <= ?2{scope}"
    );
    // Per dimension: code -> [new, continuing].
    let mut dims: [HashMap<String, [u64; 2]>; 5] = Default::default();
    let mut domains: HashMap<String, [u64; 2]> = HashMap::new();
    let mut stmt = f.store.conn().prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        let col = usize::from(!r.get::<_, bool>(5)?);
        for (d, counts) in dims.iter_mut().enumerate() {
            let code = r.get_ref(d)?.as_str_or_null().map_err(|_| Error::StoreCorrupt("case_file".into()))?;
            let code = code.unwrap_or(NOT_RECORDED);
            match counts.get_mut(code) {
                Some(c) => c[col] += 1,
                None => counts.entry(code.to_owned()).or_default()[col] += 1,
            }
        }
        let codes =
            r.get_ref(6)?.as_str().map_err(|_| Error::StoreCorrupt("case_file.life_domain_codes".into()))?;
        for code in codes.split(',').filter(|c| !c.is_empty()) {
            match domains.get_mut(code) {
                Some(c) => c[col] += 1,
                None => domains.entry(code.to_owned()).or_default()[col] += 1,
            }
        }
    }
    drop(rows);

    let columns = vec![Label::new("new", f.w("new")), Label::new("continuing", f.w("continuing"))];
    let specs: [(&'static str, &str, Vocab); 5] = [
        ("cases_by_entry_route", "entry_route", Vocab::EntryRoute),
        ("cases_by_municipality", "municipality", Vocab::Municipality),
        ("cases_by_age_band", "age_band", Vocab::AgeBand),
        ("cases_by_household", "household", Vocab::HouseholdType),
        ("cases_by_residence_status", "residence_status", Vocab::ResidenceStatus),
    ];
    let mut out = Vec::new();
    for ((id, header, vocab), counts) in specs.into_iter().zip(dims) {
        let seen: HashSet<String> = counts.keys().cloned().collect();
        let mut rows = f.vocab_rows(vocab, &seen);
        let sensitive = vocab == Vocab::ResidenceStatus;
        if sensitive {
            rows.push(Label::new(NOT_RECORDED, f.w(NOT_RECORDED)));
        }
        let mut t = f.count_table(id, header, rows, columns.clone());
        for (code, c) in counts {
            let r = position(&t.rows, &code)
                .ok_or_else(|| Error::StoreCorrupt(format!("unknown {header} '{code}'")))?;
            t.counts[r] = c.to_vec();
        }
        // The active total is the row total: "Actief (totaal)".
        t.link_totals = Some("cases");
        if sensitive {
            t.thresholds = vec![f.k.sensitive; t.rows.len()];
        }
        out.push(t);
    }
    out.push(life_domains(f, domains)?);
    Ok(out)
}

/// Domain × new / continuing, counted in the same pass as the cases.
fn life_domains(f: &Frame<'_>, counts: HashMap<String, [u64; 2]>) -> Result<CountTable> {
    let seen: HashSet<String> = counts.keys().cloned().collect();
    let rows = f.vocab_rows(Vocab::LifeDomain, &seen);
    let columns = vec![Label::new("new", f.w("new")), Label::new("continuing", f.w("continuing"))];
    let mut t = f.count_table("cases_by_life_domain", "life_domain", rows, columns);
    for (code, c) in counts {
        let r = position(&t.rows, &code)
            .ok_or_else(|| Error::StoreCorrupt(format!("unknown life domain '{code}'")))?;
        t.counts[r] = c.to_vec();
        if code == "residence" {
            t.thresholds[r] = f.k.sensitive;
        }
    }
    if let Some(r) = position(&t.rows, "residence") {
        t.thresholds[r] = f.k.sensitive;
    }
    // A case counts once in each of its domains: no total row.
    t.column_totals = false;
    t.note = Some(f.w("note_life_domain"));
    Ok(t)
}

/// Sender × receiver and warm/cold × outcome (sharing their grand total), and the
/// referral-time statistics (from the coordinator figures of the month).
pub(super) fn referrals(
    f: &Frame<'_>,
    target: Option<u32>,
) -> Result<(Vec<CountTable>, StatTable, ReferralKpis)> {
    let mut filter = KpiFilter::period(f.month.first, f.month.last);
    filter.partner_id = f.partner;
    filter.target_working_days = target;
    let kpis = f.store.referral_figures(&filter)?;
    let name = |id: Uuid| kpis.partners.iter().find(|p| p.id == id).map(|p| p.name.clone());

    let mut senders: Vec<Uuid> = kpis.pairs.iter().map(|p| p.from).collect();
    let mut receivers: Vec<Uuid> = kpis.pairs.iter().filter_map(|p| p.to).collect();
    for list in [&mut senders, &mut receivers] {
        list.sort_by_key(|id| name(*id).unwrap_or_default());
        list.dedup();
    }
    let outside = kpis.pairs.iter().any(|p| p.to.is_none());
    let rows: Vec<Label> =
        senders.iter().map(|id| Label::new(id.to_string(), name(*id).unwrap_or_default())).collect();
    let mut columns: Vec<Label> =
        receivers.iter().map(|id| Label::new(id.to_string(), name(*id).unwrap_or_default())).collect();
    if outside || columns.is_empty() {
        columns.push(Label::new("outside", f.w("outside")));
    }
    let mut flow = f.count_table("referrals_flow", "sender", rows, columns);
    for p in &kpis.pairs {
        let r = senders.iter().position(|s| *s == p.from);
        let c = match p.to {
            Some(to) => receivers.iter().position(|x| *x == to),
            None => Some(flow.columns.len() - 1),
        };
        if let (Some(r), Some(c)) = (r, c) {
            flow.counts[r][c] += u64::from(p.figures.sent);
        }
    }
    flow.link_grand_total = Some("referrals");

    const OUTCOMES: [&str; 6] = ["accepted", "declined", "no_show", "withdrawn", "expired", "open"];
    let outcome_counts = |g: &Figures| {
        let o = &g.outcomes;
        [o.accepted, o.declined, o.no_show, o.withdrawn, o.expired, o.open].map(u64::from).to_vec()
    };
    let rows = vec![Label::new("warm", f.w("warm")), Label::new("cold", f.w("cold"))];
    let columns = OUTCOMES.iter().map(|c| Label::new(*c, f.w(c))).collect();
    let mut outcome = f.count_table("referrals_outcome", "mode", rows, columns);
    outcome.counts = vec![outcome_counts(&kpis.warm_cold.warm), outcome_counts(&kpis.warm_cold.cold)];
    outcome.link_grand_total = Some("referrals");

    let times = referral_times(f, &kpis);
    Ok((vec![flow, outcome], times, kpis))
}

/// Medians, P90 and share within target; hidden when based on fewer than `k` referrals.
fn referral_times(f: &Frame<'_>, kpis: &ReferralKpis) -> StatTable {
    use super::table::Hidden;
    let k = f.k.normal;
    let stat = |n: u32, v: Option<f64>| match v {
        None => StatCell::empty(),
        Some(_) if n < k => StatCell::hidden(Hidden::SmallBase),
        Some(v) => StatCell::shown(v),
    };
    let row = |g: &Figures| {
        let a = &g.to_acceptance;
        let fc = &g.to_first_contact;
        vec![
            stat(a.observed, a.working_days.median.map(f64::from)),
            stat(a.observed, a.working_days.p90.map(f64::from)),
            stat(fc.observed, fc.working_days.median.map(f64::from)),
            stat(a.known, a.share_within_target.map(|s| (s * 1000.0).round() / 10.0)),
        ]
    };
    let columns =
        ["median_to_acceptance", "p90_to_acceptance", "median_to_first_contact", "share_within_target"]
            .iter()
            .map(|c| Label::new(*c, f.w(c)))
            .collect();
    StatTable {
        id: "referral_times".into(),
        title: f.w("referral_times"),
        note: Some(format!("{}: {}", f.w("target"), kpis.target_working_days)),
        row_header: f.w("mode"),
        unit: Unit::WorkingDays,
        threshold: k,
        rows: vec![
            Label::new("warm", f.w("warm")),
            Label::new("cold", f.w("cold")),
            Label { code: "all".into(), label: f.w("all"), total: true },
        ],
        columns,
        cells: vec![row(&kpis.warm_cold.warm), row(&kpis.warm_cold.cold), row(&kpis.overall)],
    }
}

/// Per right: checks worked on, applied, granted in the month; and non-take-up reasons
/// × barriers of the checks whose current step was set in the month.
pub(super) fn rights(f: &Frame<'_>) -> Result<Vec<CountTable>> {
    let mut params = f.bounds();
    let scope = f.scope("rc.owner_partner_id", &mut params);
    let sql = format!(
        "SELECT s.rights_check_id, s.step, rc.right_code, rc.non_take_up_reason_code,
                rc.barrier_type_code, rc.step_on BETWEEN ?1 AND ?2
         FROM rights_check_step s INDEXED BY rights_check_step_by_date
         JOIN rights_check rc INDEXED BY rights_check_statistics ON rc.id = s.rights_check_id
         WHERE s.occurred_on BETWEEN ?1 AND ?2{scope}"
    );
    // right -> [worked on, applied, granted] as sets of checks.
    let mut per_right: HashMap<String, [HashSet<Uuid>; 3]> = HashMap::new();
    let mut non_take_up: HashMap<Uuid, (String, Option<String>)> = HashMap::new();
    let mut stmt = f.store.conn().prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        let check: Uuid = r.get(0)?;
        let step: String = r.get(1)?;
        let right: String = r.get(2)?;
        let sets = per_right.entry(right).or_default();
        sets[0].insert(check);
        match step.as_str() {
            "applied" => {
                sets[1].insert(check);
            }
            "granted" | "granted_automatically" => {
                sets[2].insert(check);
            }
            _ => {}
        }
        let current_in_month: bool = r.get(5)?;
        if current_in_month && let Some(reason) = text(r, 3)? {
            non_take_up.insert(check, (reason, text(r, 4)?));
        }
    }
    drop(rows);

    let seen: HashSet<String> = per_right.keys().cloned().collect();
    let rows = f.vocab_rows(Vocab::RightKind, &seen);
    let columns = ["investigated", "applied", "granted"].iter().map(|c| Label::new(*c, f.w(c))).collect();
    let mut t = f.count_table("rights", "right", rows, columns);
    t.row_totals = false; // a check can be in all three columns
    for (code, sets) in per_right {
        let r =
            position(&t.rows, &code).ok_or_else(|| Error::StoreCorrupt(format!("unknown right '{code}'")))?;
        t.counts[r] = sets.iter().map(|s| s.len() as u64).collect();
    }
    if let Some(r) = position(&t.rows, "urgent_medical_aid") {
        t.thresholds[r] = f.k.sensitive;
    }

    let reasons: HashSet<String> = non_take_up.values().map(|(r, _)| r.clone()).collect();
    let barriers: HashSet<String> = non_take_up.values().filter_map(|(_, b)| b.clone()).collect();
    let rows = f.vocab_rows(Vocab::NonTakeUpReason, &reasons);
    let mut columns = f.vocab_rows(Vocab::BarrierType, &barriers);
    columns.push(Label::new("none", f.w("no_barrier")));
    let mut n = f.count_table("non_take_up", "reason", rows, columns);
    let none = n.columns.len() - 1;
    for (reason, barrier) in non_take_up.values() {
        let r = position(&n.rows, reason)
            .ok_or_else(|| Error::StoreCorrupt("unknown non-take-up reason".into()))?;
        let c = match barrier {
            Some(b) => {
                position(&n.columns, b).ok_or_else(|| Error::StoreCorrupt("unknown barrier".into()))?
            }
            None => none,
        };
        n.counts[r][c] += 1;
    }
    Ok(vec![t, n])
}

/// Follow-ups due in the month by purpose: done on time, done late, not done.
pub(super) fn follow_ups(f: &Frame<'_>) -> Result<CountTable> {
    let mut params = f.bounds();
    let scope = f.scope("owner_partner_id", &mut params);
    let sql = format!(
        "SELECT purpose_code,
                CASE WHEN done_on IS NULL THEN 2 WHEN done_on <= due_on THEN 0 ELSE 1 END, count(*)
         FROM follow_up INDEXED BY follow_up_by_due
         WHERE due_on BETWEEN ?1 AND ?2{scope}
         GROUP BY 1, 2"
    );
    let mut counts: HashMap<String, [u64; 3]> = HashMap::new();
    let mut stmt = f.store.conn().prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        let code: String = r.get(0)?;
        let col: i64 = r.get(1)?;
        let n: i64 = r.get(2)?;
        let slot = usize::try_from(col)
            .ok()
            .filter(|c| *c < 3)
            .ok_or_else(|| Error::StoreCorrupt("follow_up".into()))?;
        counts.entry(code).or_default()[slot] += u64::try_from(n).unwrap_or(0);
    }
    drop(rows);
    let seen: HashSet<String> = counts.keys().cloned().collect();
    let rows = f.vocab_rows(Vocab::FollowUpPurpose, &seen);
    let columns = ["on_time", "late", "not_done"].iter().map(|c| Label::new(*c, f.w(c))).collect();
    let mut t = f.count_table("follow_ups", "purpose", rows, columns);
    for (code, c) in counts {
        let r = position(&t.rows, &code)
            .ok_or_else(|| Error::StoreCorrupt("unknown follow-up purpose".into()))?;
        t.counts[r] = c.to_vec();
    }
    Ok(t)
}

/// Signals recorded in the month (local dates), by theme.
pub(super) fn signals(f: &Frame<'_>) -> Result<CountTable> {
    let (from_ms, to_ms) = f.month.millis();
    let mut params = vec![Value::Integer(from_ms), Value::Integer(to_ms)];
    let scope = f.scope("owner_partner_id", &mut params);
    let sql = format!(
        "SELECT theme_code, count(*) FROM signal
         WHERE created_at >= ?1 AND created_at < ?2{scope}
         GROUP BY 1"
    );
    let mut counts: HashMap<String, u64> = HashMap::new();
    let mut stmt = f.store.conn().prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(params.iter()))?;
    while let Some(r) = rows.next()? {
        let n: i64 = r.get(1)?;
        counts.insert(r.get(0)?, u64::try_from(n).unwrap_or(0));
    }
    drop(rows);
    let seen: HashSet<String> = counts.keys().cloned().collect();
    let rows = f.vocab_rows(Vocab::SignalTheme, &seen);
    let mut t = f.count_table("signals", "theme", rows, vec![Label::new("signals", f.w("signals_count"))]);
    t.row_totals = false;
    for (code, n) in counts {
        let r = position(&t.rows, &code).ok_or_else(|| Error::StoreCorrupt("unknown signal theme".into()))?;
        t.counts[r][0] = n;
    }
    Ok(t)
}
