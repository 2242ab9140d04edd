//! The operations a caseworker, a coordinator and an exporter wait for. Each is timed on
//! the encrypted store and on its plaintext copy in alternation (encrypted, plain,
//! encrypted, …), so that both meet the same machine: on a shared 2-core machine the speed
//! drifts over seconds, and timing one store after the other made the ratio drift with it.

use chrono::Datelike;
use schakel_core::Store;
use schakel_core::cases::{CaseFilter, CaseStatus};
use schakel_core::kpi::KpiFilter;
use schakel_core::stats::{Lang, MonthlyRequest, Scope};

use super::measure::{Timing, ms, summarise};

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
    pub encrypted: Timing,
    pub plain: Timing,
}

type Run<'a> = Box<dyn Fn(&Store, usize) -> schakel_core::Result<()> + 'a>;

struct Operation<'a> {
    name: &'static str,
    class: Class,
    runs: u32,
    run: Run<'a>,
}

/// Every operation of the workload, in a fixed order, on both stores. `enc` chooses the
/// cases and codes; the plain copy has the same ones.
pub fn run(enc: &Store, plain: &Store, runs: u32) -> schakel_core::Result<Vec<Measured>> {
    let ops = operations(enc, runs)?;
    let mut out = Vec::with_capacity(ops.len());
    for op in &ops {
        for i in 0..3 {
            (op.run)(enc, i)?;
            (op.run)(plain, i)?;
        }
        let (mut e, mut p) = (Vec::new(), Vec::new());
        for i in 0..op.runs.max(1) as usize {
            let t = std::time::Instant::now();
            (op.run)(enc, i)?;
            e.push(ms(t.elapsed()));
            let t = std::time::Instant::now();
            (op.run)(plain, i)?;
            p.push(ms(t.elapsed()));
        }
        out.push(Measured { name: op.name, class: op.class, encrypted: summarise(e), plain: summarise(p) });
    }
    Ok(out)
}

/// Runs every operation once on one store (for its peak memory).
pub fn once(store: &Store, runs: u32) -> schakel_core::Result<()> {
    for op in operations(store, runs)? {
        (op.run)(store, 0)?;
    }
    Ok(())
}

fn operations(store: &Store, runs: u32) -> schakel_core::Result<Vec<Operation<'static>>> {
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
    let few = runs.clamp(1, 20);
    let page = |f: CaseFilter| -> Run<'static> { Box::new(move |s: &Store, _| s.list_cases(&f).map(|_| ())) };
    let op = |name, class, runs, run| Operation { name, class, runs, run };

    let year = KpiFilter::period(today - chrono::Days::new(365), today);
    let month = KpiFilter::period(today - chrono::Days::new(30), today);
    let last_month = today.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(today);
    let months: Vec<String> = (0..12u32)
        .filter_map(|i| last_month.checked_sub_months(chrono::Months::new(i)))
        .map(|d| d.format("%Y-%m").to_string())
        .collect();
    let request = |month: &str| MonthlyRequest {
        month: month.to_owned(),
        scope: Scope::Network,
        threshold: None,
        sensitive_threshold: None,
        lang: Lang::Nl,
    };
    let last = months.first().cloned().unwrap_or_default();

    Ok(vec![
        op("case list, first page, no filter", Class::Interactive, runs, page(CaseFilter::default())),
        op(
            "case list, open cases in Anderlecht",
            Class::Interactive,
            runs,
            page(CaseFilter {
                status: Some(CaseStatus::Open),
                municipality: Some("21001".into()),
                ..CaseFilter::default()
            }),
        ),
        op(
            "case list, open cases with life domain housing",
            Class::Interactive,
            runs,
            page(CaseFilter {
                status: Some(CaseStatus::Open),
                life_domain: Some("housing".into()),
                ..CaseFilter::default()
            }),
        ),
        op(
            "case list, own partner, entry route outreach",
            Class::Interactive,
            runs,
            page(CaseFilter {
                partner_id: Some(me.partner_id),
                entry_route: Some("outreach".into()),
                ..CaseFilter::default()
            }),
        ),
        op(
            "case search by code (4 characters)",
            Class::Interactive,
            runs,
            Box::new(move |s: &Store, i| {
                let code = codes.get(i % codes.len().max(1)).cloned();
                s.list_cases(&CaseFilter { search: code, ..CaseFilter::default() }).map(|_| ())
            }),
        ),
        op(
            "case detail with timeline",
            Class::Interactive,
            runs,
            Box::new(move |s: &Store, i| match ids.get((i * 7) % ids.len().max(1)) {
                Some(id) => s.case_detail(*id).map(|_| ()),
                None => Ok(()),
            }),
        ),
        op(
            "today view (mine + referrals waiting)",
            Class::Interactive,
            runs,
            Box::new(move |s: &Store, _| {
                s.due_follow_ups(today, Some(me.worker_id), 50)?;
                s.incoming_waiting(me.partner_id, 50)?;
                s.sent_waiting(me.partner_id, 50).map(|_| ())
            }),
        ),
        op(
            "due follow-ups (all workers, 100)",
            Class::Interactive,
            runs,
            Box::new(move |s: &Store, _| s.due_follow_ups(today, None, 100).map(|_| ())),
        ),
        op(
            "coordinator dashboard, one year",
            Class::Report,
            few,
            Box::new(move |s: &Store, _| s.referral_kpis(&year).map(|_| ())),
        ),
        op(
            "coordinator dashboard, one month",
            Class::Report,
            runs,
            Box::new(move |s: &Store, _| s.referral_kpis(&month).map(|_| ())),
        ),
        op(
            "monthly statistics, one month (network)",
            Class::Report,
            few,
            Box::new(move |s: &Store, _| s.monthly_statistics(&request(&last)).map(|_| ())),
        ),
        op(
            "monthly statistics, twelve months (network)",
            Class::Batch,
            few.min(5),
            Box::new(move |s: &Store, _| {
                months.iter().try_for_each(|m| s.monthly_statistics(&request(m)).map(|_| ()))
            }),
        ),
    ])
}
