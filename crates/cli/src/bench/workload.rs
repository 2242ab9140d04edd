//! The operations a caseworker, a coordinator and an exporter wait for, timed on one
//! store. Run the same on the encrypted store and on its plaintext copy.

use chrono::Datelike;
use schakel_core::Store;
use schakel_core::cases::{CaseFilter, CaseStatus};
use schakel_core::kpi::KpiFilter;
use schakel_core::stats::{Lang, MonthlyRequest, Scope};

use super::measure::{Timing, measure};

/// What a figure is held against (the targets, on 2 cores).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// p95 under 16 ms: one frame.
    Interactive,
    /// p95 under 200 ms.
    Report,
    /// Reported, no target (twelve months one after the other).
    Batch,
}

impl Class {
    pub fn target_ms(self) -> Option<f64> {
        match self {
            Class::Interactive => Some(16.0),
            Class::Report => Some(200.0),
            Class::Batch => None,
        }
    }
}

pub struct Measured {
    pub name: &'static str,
    pub class: Class,
    pub timing: Timing,
}

/// Every operation of the workload, in a fixed order.
pub fn run(store: &Store, runs: u32) -> schakel_core::Result<Vec<Measured>> {
    let today = store.today();
    let me = store.actor();
    // Cases of the bench worker's own organisation: the ones a caseworker may open.
    let first = store.list_cases(&CaseFilter {
        limit: Some(200),
        partner_id: Some(me.partner_id),
        ..CaseFilter::default()
    })?;
    let ids: Vec<_> = first.rows.iter().map(|c| c.id).collect();
    let codes: Vec<String> = first.rows.iter().map(|c| c.code.chars().take(4).collect()).collect();
    let pick = |i: usize| ids.get(i % ids.len().max(1)).copied();
    let page = |f: CaseFilter| move |_| store.list_cases(&f).map(|_| ());
    let few = runs.clamp(1, 20);

    let mut out = Vec::new();
    let mut add = |name, class, timing| out.push(Measured { name, class, timing });
    add("case list, first page, no filter", Class::Interactive, measure(runs, page(CaseFilter::default()))?);
    add(
        "case list, open cases in Anderlecht",
        Class::Interactive,
        measure(
            runs,
            page(CaseFilter {
                status: Some(CaseStatus::Open),
                municipality: Some("21001".into()),
                ..CaseFilter::default()
            }),
        )?,
    );
    add(
        "case list, open cases with life domain housing",
        Class::Interactive,
        measure(
            runs,
            page(CaseFilter {
                status: Some(CaseStatus::Open),
                life_domain: Some("housing".into()),
                ..CaseFilter::default()
            }),
        )?,
    );
    add(
        "case list, own partner, entry route outreach",
        Class::Interactive,
        measure(
            runs,
            page(CaseFilter {
                partner_id: Some(me.partner_id),
                entry_route: Some("outreach".into()),
                ..CaseFilter::default()
            }),
        )?,
    );
    add(
        "case search by code (4 characters)",
        Class::Interactive,
        measure(runs, |i| {
            let code = codes.get(i % codes.len().max(1)).cloned();
            store.list_cases(&CaseFilter { search: code, ..CaseFilter::default() }).map(|_| ())
        })?,
    );
    add(
        "case detail with timeline",
        Class::Interactive,
        measure(runs, |i| match pick(i * 7) {
            Some(id) => store.case_detail(id).map(|_| ()),
            None => Ok(()),
        })?,
    );
    add(
        "today view (mine + referrals waiting)",
        Class::Interactive,
        measure(runs, |_| {
            store.due_follow_ups(today, Some(me.worker_id), 50)?;
            store.incoming_waiting(me.partner_id, 50)?;
            store.sent_waiting(me.partner_id, 50).map(|_| ())
        })?,
    );
    add(
        "due follow-ups (all workers, 100)",
        Class::Interactive,
        measure(runs, |_| store.due_follow_ups(today, None, 100).map(|_| ()))?,
    );
    let year = KpiFilter::period(today - chrono::Days::new(365), today);
    add(
        "coordinator dashboard, one year",
        Class::Report,
        measure(few, |_| store.referral_kpis(&year).map(|_| ()))?,
    );
    let month = KpiFilter::period(today - chrono::Days::new(30), today);
    add(
        "coordinator dashboard, one month",
        Class::Report,
        measure(runs, |_| store.referral_kpis(&month).map(|_| ()))?,
    );
    let request = |month: &str| MonthlyRequest {
        month: month.to_owned(),
        scope: Scope::Network,
        threshold: None,
        sensitive_threshold: None,
        lang: Lang::Nl,
    };
    let last_month = today.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(today);
    let months: Vec<String> = (0..12u32)
        .filter_map(|i| last_month.checked_sub_months(chrono::Months::new(i)))
        .map(|d| d.format("%Y-%m").to_string())
        .collect();
    let last = months.first().cloned().unwrap_or_default();
    add(
        "monthly statistics, one month (network)",
        Class::Report,
        measure(few, |_| store.monthly_statistics(&request(&last)).map(|_| ()))?,
    );
    add(
        "monthly statistics, twelve months (network)",
        Class::Batch,
        measure(few.min(5), |_| {
            months.iter().try_for_each(|m| store.monthly_statistics(&request(m)).map(|_| ()))
        })?,
    );
    Ok(out)
}
