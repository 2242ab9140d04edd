//! `schakel bench`: builds (once, cached) a network-scale demo store and times the hot
//! queries a caseworker waits for. A benchmark, not a test: it reports, never fails on
//! a slow figure.

use chrono::Datelike;
use std::path::Path;
use std::time::{Duration, Instant};

use schakel_core::cases::{CaseFilter, CaseStatus};
use schakel_core::partners::PartnerKind;
use schakel_core::{InitStore, Store};
use serde::Serialize;

use crate::args::BenchArgs;
use crate::exit::CliResult;
use crate::out::Out;

#[derive(Debug, Serialize)]
struct Figure {
    name: String,
    runs: usize,
    median_ms: f64,
    p95_ms: f64,
    max_ms: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    cases: u32,
    build_seconds: Option<f64>,
    build_records_per_second: Option<f64>,
    unlock_ms: f64,
    db_bytes: u64,
    figures: Vec<Figure>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn measure(
    name: &str,
    runs: u32,
    mut f: impl FnMut(usize) -> schakel_core::Result<()>,
) -> schakel_core::Result<Figure> {
    for i in 0..3 {
        f(i)?; // warm-up
    }
    let mut times = Vec::with_capacity(runs as usize);
    for i in 0..runs as usize {
        let t = Instant::now();
        f(i)?;
        times.push(ms(t.elapsed()));
    }
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    Ok(Figure { name: name.into(), runs: times.len(), median_ms: at(0.5), p95_ms: at(0.95), max_ms: at(1.0) })
}

pub fn run(path: &Path, a: &BenchArgs, o: Out) -> CliResult {
    let pass = crate::secret::passphrase()?;
    let mut build_seconds = None;
    let mut build_rate = None;
    if !path.exists() {
        let init = InitStore {
            partner_kind: PartnerKind::Ocmw,
            partner_name: "OCMW Bench".into(),
            municipality: Some("21001".into()),
            worker_name: "Bench".into(),
        };
        let (mut store, _recovery) = Store::create(path, &init, &pass)?;
        let pb = o.progress("building");
        let t = Instant::now();
        let opts =
            schakel_core::demo::DemoOptions { cases: a.cases, seed: 42, until: schakel_core::dates::today() };
        let s = schakel_core::demo::generate(&mut store, &opts, &mut |done, total| {
            pb.set_length(total);
            pb.set_position(done);
        })?;
        pb.finish_and_clear();
        let secs = t.elapsed().as_secs_f64();
        let records = u64::from(s.cases)
            + u64::from(s.referrals)
            + u64::from(s.referral_events)
            + u64::from(s.rights_checks)
            + u64::from(s.follow_ups)
            + u64::from(s.signals)
            + u64::from(s.notes);
        build_seconds = Some(secs);
        build_rate = Some(records as f64 / secs);
        store.checkpoint()?;
    }
    let t = Instant::now();
    let store = Store::open(path, &pass)?;
    let unlock_ms = ms(t.elapsed());
    let today = store.today();
    let me = store.actor();
    let first = store.list_cases(&CaseFilter { limit: Some(200), ..CaseFilter::default() })?;
    let ids: Vec<_> = first.rows.iter().map(|c| c.id).collect();
    let codes: Vec<String> = first.rows.iter().map(|c| c.code.chars().take(4).collect()).collect();
    let pick = |i: usize| ids.get(i % ids.len().max(1)).copied();

    let s = &store;
    let page = |f: CaseFilter| move |_| s.list_cases(&f).map(|_| ());
    let mut figures = vec![
        measure("case list, first page, no filter", a.runs, page(CaseFilter::default()))?,
        measure(
            "case list, open cases in Anderlecht",
            a.runs,
            page(CaseFilter {
                status: Some(CaseStatus::Open),
                municipality: Some("21001".into()),
                ..CaseFilter::default()
            }),
        )?,
        measure(
            "case list, open cases with life domain housing",
            a.runs,
            page(CaseFilter {
                status: Some(CaseStatus::Open),
                life_domain: Some("housing".into()),
                ..CaseFilter::default()
            }),
        )?,
        measure(
            "case list, own partner, entry route outreach",
            a.runs,
            page(CaseFilter {
                partner_id: Some(me.partner_id),
                entry_route: Some("outreach".into()),
                ..CaseFilter::default()
            }),
        )?,
        measure("case search by code (4 characters)", a.runs, |i| {
            let code = codes.get(i % codes.len().max(1)).cloned();
            store.list_cases(&CaseFilter { search: code, ..CaseFilter::default() }).map(|_| ())
        })?,
    ];
    figures.push(measure("case detail with timeline", a.runs, |i| match pick(i * 7) {
        Some(id) => store.case_detail(id).map(|_| ()),
        None => Ok(()),
    })?);
    figures.push(measure("due follow-ups (all workers, 100)", a.runs, |_| {
        store.due_follow_ups(today, None, 100).map(|_| ())
    })?);
    figures.push(measure("today view (mine + referrals waiting)", a.runs, |_| {
        store.due_follow_ups(today, Some(me.worker_id), 50)?;
        store.incoming_waiting(me.partner_id, 50)?;
        store.sent_waiting(me.partner_id, 50).map(|_| ())
    })?);
    // The coordinator dashboard: every referral-time figure for the last year, and for
    // the last month, of the whole network.
    let year = schakel_core::kpi::KpiFilter::period(today - chrono::Days::new(365), today);
    let dashboard_runs = a.runs.clamp(1, 20);
    figures.push(measure("referral-time dashboard, one year", dashboard_runs, |_| {
        store.referral_kpis(&year).map(|_| ())
    })?);
    let month = schakel_core::kpi::KpiFilter::period(today - chrono::Days::new(30), today);
    figures.push(measure("referral-time dashboard, one month", a.runs, |_| {
        store.referral_kpis(&month).map(|_| ())
    })?);
    // Monthly statistics of the whole network, protected: the last full month, and the
    // twelve months before it one after the other (what an exporter does for a year).
    let stats_request = |month: String| schakel_core::stats::MonthlyRequest {
        month,
        scope: schakel_core::stats::Scope::Network,
        threshold: None,
        sensitive_threshold: None,
        lang: schakel_core::stats::Lang::Nl,
    };
    let last_month = today.with_day(1).and_then(|d| d.pred_opt()).unwrap_or(today);
    let months: Vec<String> = (0..12u32)
        .filter_map(|i| last_month.checked_sub_months(chrono::Months::new(i)))
        .map(|d| d.format("%Y-%m").to_string())
        .collect();
    let stats_runs = a.runs.clamp(1, 20);
    figures.push(measure("monthly statistics, one month (network)", stats_runs, |_| {
        store.monthly_statistics(&stats_request(months[0].clone())).map(|_| ())
    })?);
    figures.push(measure("monthly statistics, twelve months (network)", stats_runs.min(5), |_| {
        months.iter().try_for_each(|m| store.monthly_statistics(&stats_request(m.clone())).map(|_| ()))
    })?);
    let db_bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let report = Report {
        cases: a.cases,
        build_seconds,
        build_records_per_second: build_rate,
        unlock_ms,
        db_bytes,
        figures,
    };
    if let Some(out) = &a.out
        && let Ok(s) = serde_json::to_string_pretty(&report)
    {
        std::fs::write(out, s).map_err(schakel_core::Error::from)?;
    }
    o.emit(&report, |r| {
        println!("Store: {} ({} cases, {:.1} MB)", path.display(), r.cases, r.db_bytes as f64 / 1e6);
        if let (Some(s), Some(rate)) = (r.build_seconds, r.build_records_per_second) {
            println!("Built in {s:.1} s ({rate:.0} records/s)");
        }
        println!("Unlock (Argon2id + open): {:.0} ms", r.unlock_ms);
        println!("{:<48} {:>9} {:>9} {:>9}", "query", "median ms", "p95 ms", "max ms");
        for f in &r.figures {
            println!("{:<48} {:>9.2} {:>9.2} {:>9.2}", f.name, f.median_ms, f.p95_ms, f.max_ms);
        }
    });
    Ok(())
}
