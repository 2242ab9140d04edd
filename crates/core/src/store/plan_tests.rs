//! Every query behind a screen someone waits for uses an index: the statements that the
//! hot calls actually run are captured (SQLite's trace), and each one's query plan may
//! not read a large table from end to end. Without `ANALYZE` statistics (Schakel never
//! runs it) the planner decides on the schema alone, so a small store shows the plans a
//! 100,000-case store gets. `SCHAKEL_PLANS=1 cargo test -p schakel-core plan_tests --
//! --nocapture` prints every index walk too.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use rusqlite::trace::{TraceEvent, TraceEventCodes};

use super::Store;
use crate::cases::{CaseFilter, CaseSort, CaseStatus};
use crate::kpi::KpiFilter;
use crate::stats::{Lang, MonthlyRequest, Scope};
use crate::test_util::store_at;

/// Tables that grow with the network; a full scan of any of them is a failure.
const LARGE: [&str; 11] = [
    "case_file",
    "case_life_domain",
    "note",
    "referral",
    "referral_event",
    "rights_check",
    "rights_check_step",
    "follow_up",
    "signal",
    "change_log",
    "audit_log",
];

/// A hot call: a closure over the store.
type Run<'a> = Box<dyn Fn(&Store) -> crate::Result<()> + 'a>;
/// The hot calls, by name.
type Call<'a> = (&'a str, Run<'a>);

fn full_scan(detail: &str) -> Option<&'static str> {
    let rest = detail.strip_prefix("SCAN ")?;
    let table = rest.split_whitespace().next()?;
    // "SCAN t USING [COVERING] INDEX i" walks an index in order (a page with LIMIT, or
    // a covering read); "SCAN t" alone reads the whole table.
    if rest.contains(" USING ") {
        return None;
    }
    LARGE.iter().copied().find(|t| *t == table)
}

#[test]
fn the_hot_queries_use_indexes_and_scan_no_large_table() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = store_at(&dir.path().join("plans.db"), "OCMW Plan", Some("21001"));
    let until = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    crate::demo::generate(
        &mut store,
        &crate::demo::DemoOptions { cases: 600, seed: 7, until },
        &mut |_, _| {},
    )
    .expect("demo data");
    let me = store.actor();
    let own = store
        .list_cases(&CaseFilter { partner_id: Some(me.partner_id), limit: Some(5), ..CaseFilter::default() })
        .expect("own cases");
    let case = own.rows.first().expect("a case of our own").clone();

    let seen: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let sink = Arc::clone(&seen);
    store
        .conn
        .trace_v2(
            TraceEventCodes::SQLITE_TRACE_STMT,
            Some(move |e: TraceEvent<'_>| {
                if let TraceEvent::Stmt(stmt, sql) = e {
                    // Trigger bodies arrive as "-- comment" lines; their statement is the caller's.
                    if !sql.starts_with("--")
                        && let Ok(mut seen) = sink.lock()
                    {
                        seen.insert(stmt.expanded_sql().unwrap_or_else(|| sql.to_owned()));
                    }
                }
            }),
        )
        .expect("trace");

    let page = |f: CaseFilter| -> Run<'static> { Box::new(move |s: &Store| s.list_cases(&f).map(|_| ())) };
    let code = case.code.clone();
    let prefix: String = case.code.chars().take(4).collect();
    let year = KpiFilter::period(until - chrono::Days::new(365), until);
    let calls: Vec<Call<'_>> = vec![
        ("case list", page(CaseFilter::default())),
        (
            "case list, open, municipality",
            page(CaseFilter {
                status: Some(CaseStatus::Open),
                municipality: Some("21001".into()),
                ..CaseFilter::default()
            }),
        ),
        (
            "case list, open, life domain",
            page(CaseFilter {
                status: Some(CaseStatus::Open),
                life_domain: Some("housing".into()),
                ..CaseFilter::default()
            }),
        ),
        (
            "case list, partner, entry route",
            page(CaseFilter {
                partner_id: Some(me.partner_id),
                entry_route: Some("outreach".into()),
                ..CaseFilter::default()
            }),
        ),
        (
            "case list, closed, by code",
            page(CaseFilter {
                status: Some(CaseStatus::Closed),
                sort: CaseSort::Code,
                ..CaseFilter::default()
            }),
        ),
        ("case search", page(CaseFilter { search: Some(prefix), ..CaseFilter::default() })),
        ("case by code", Box::new(move |s: &Store| s.case_by_code(&code).map(|_| ()))),
        ("case detail", Box::new(move |s: &Store| s.case_detail(case.id).map(|_| ()))),
        (
            "today",
            Box::new(move |s: &Store| {
                s.due_follow_ups(until, Some(me.worker_id), 50)?;
                s.incoming_waiting(me.partner_id, 50)?;
                s.sent_waiting(me.partner_id, 50).map(|_| ())
            }),
        ),
        ("due follow-ups", Box::new(move |s: &Store| s.due_follow_ups(until, None, 100).map(|_| ()))),
        ("dashboard, one year", Box::new(move |s: &Store| s.referral_kpis(&year).map(|_| ()))),
        (
            "monthly statistics",
            Box::new(|s: &Store| {
                s.monthly_statistics(&MonthlyRequest {
                    month: "2026-10".into(),
                    scope: Scope::Network,
                    threshold: None,
                    sensitive_threshold: None,
                    lang: Lang::Nl,
                })
                .map(|_| ())
            }),
        ),
    ];

    let mut problems = Vec::new();
    let mut checked = 0;
    for (name, call) in &calls {
        seen.lock().expect("lock").clear();
        call(&store).unwrap_or_else(|e| panic!("{name}: {e}"));
        let statements: Vec<String> = seen.lock().expect("lock").iter().cloned().collect();
        let selects: Vec<&String> = statements
            .iter()
            .filter(|s| {
                let head = s.trim_start().to_ascii_uppercase();
                head.starts_with("SELECT") || head.starts_with("WITH")
            })
            .collect();
        assert!(!selects.is_empty(), "{name}: no query was captured");
        eprintln!("{name}: {} queries", selects.len());
        for sql in selects {
            let mut stmt = store.conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("explain");
            let details: Vec<String> = stmt
                .query_map([], |r| r.get::<_, String>(3))
                .expect("plan")
                .map(|d| d.expect("row"))
                .collect();
            checked += 1;
            for d in &details {
                if d.starts_with("SCAN ") && std::env::var_os("SCHAKEL_PLANS").is_some() {
                    eprintln!("{name}: {d}\n    {sql}");
                }
                if let Some(table) = full_scan(d) {
                    problems.push(format!("{name}: full scan of {table}\n  {sql}\n  plan: {details:?}"));
                }
            }
        }
    }
    assert!(checked >= calls.len(), "too few statements checked: {checked}");
    assert!(problems.is_empty(), "{} full scan(s):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn a_full_scan_is_recognised_and_an_index_walk_is_not() {
    assert_eq!(full_scan("SCAN referral"), Some("referral"));
    assert_eq!(full_scan("SCAN case_file USING INDEX case_by_opened"), None);
    assert_eq!(full_scan("SCAN municipality"), None, "small reference tables may be scanned");
    assert_eq!(full_scan("SEARCH follow_up USING INDEX follow_up_by_due (due_on<?)"), None);
}
