//! The protection property over random datasets, checked by an attacker model written
//! independently of `protect`: the unknowns are the individual combinations of
//! attributes (the "inner cells" of the microdata), every published figure is an
//! equation over them, and linear programming gives the range a reader can narrow each
//! hidden small count to. Then a golden month through the store.

use std::collections::HashMap;

use chrono::NaiveDate;
use microlp::{ComparisonOp, OptimizationDirection, Problem as Lp};
use proptest::prelude::*;

use super::table::{CountTable, Hidden, Label, StatTable, protect_all};
use super::*;

/// Units with attributes `(a, b, c, e)`. Tables published: b × a and c × a (sharing their
/// a-totals and grand total), and a one-column table over e sharing the grand total.
#[derive(Debug, Clone)]
struct Dataset {
    ra: usize,
    rb: usize,
    rc: usize,
    re: usize,
    units: Vec<Unit4>,
    k: u32,
}

type Unit4 = (usize, usize, usize, usize);

fn dataset() -> impl Strategy<Value = Dataset> {
    (2usize..5, 2usize..4, 2usize..4, 2usize..4, prop_oneof![Just(3u32), Just(5u32)]).prop_flat_map(
        |(ra, rb, rc, re, k)| {
            // Skewed attributes make both small and large cells.
            let unit = (0..ra * 2, 0..rb * 2, 0..rc, 0..re)
                .prop_map(move |(a, b, c, e)| (a.min(ra - 1), b.min(rb - 1), c, e));
            prop::collection::vec(unit, 0..70).prop_map(move |units| Dataset { ra, rb, rc, re, units, k })
        },
    )
}

fn labels(prefix: &str, n: usize) -> Vec<Label> {
    (0..n).map(|i| Label::new(format!("{prefix}{i}"), format!("{prefix}{i}"))).collect()
}

/// The tables of a dataset, and for each published cell `(table, row, col)` the set of
/// inner cells `(a, b, c)` it adds up.
fn tables(d: &Dataset) -> Vec<CountTable> {
    let count = |f: &dyn Fn(&Unit4) -> bool| d.units.iter().filter(|u| f(u)).count() as u64;
    let cross = |id: &'static str, rows: usize, row_of: fn(&Unit4) -> usize| {
        let counts =
            (0..rows).map(|r| (0..d.ra).map(|a| count(&|u| row_of(u) == r && u.0 == a)).collect()).collect();
        CountTable {
            id,
            title: id.into(),
            note: None,
            row_header: "row".into(),
            rows: labels(id, rows),
            columns: labels("a", d.ra),
            counts,
            thresholds: vec![d.k; rows],
            total_threshold: d.k,
            row_totals: true,
            column_totals: true,
            link_totals: Some("units"),
            link_grand_total: None,
        }
    };
    let one = CountTable {
        id: "e_only",
        title: "e".into(),
        note: None,
        row_header: "e".into(),
        rows: labels("e", d.re),
        columns: vec![Label::new("n", "n")],
        counts: (0..d.re).map(|e| vec![count(&|u| u.3 == e)]).collect(),
        thresholds: vec![d.k; d.re],
        total_threshold: d.k,
        row_totals: false,
        column_totals: true,
        link_totals: None,
        link_grand_total: Some("units"),
    };
    vec![cross("b_by_a", d.rb, |u| u.1), cross("c_by_a", d.rc, |u| u.2), one]
}

/// Which inner cells `(a, b, c, e)` a published cell adds up.
fn members(d: &Dataset, t: &StatTable, r: usize, c: usize) -> Vec<Unit4> {
    inner(d)
        .into_iter()
        .filter(|&(a, b, cc, e)| {
            let row_ok = t.rows[r].total
                || match t.id.as_str() {
                    "b_by_a" => r == b,
                    "c_by_a" => r == cc,
                    _ => r == e,
                };
            let col_ok = t.id == "e_only" || t.columns[c].total || c == a;
            row_ok && col_ok
        })
        .collect()
}

fn inner(d: &Dataset) -> Vec<Unit4> {
    let mut out = Vec::new();
    for a in 0..d.ra {
        for b in 0..d.rb {
            for c in 0..d.rc {
                for e in 0..d.re {
                    out.push((a, b, c, e));
                }
            }
        }
    }
    out
}

/// The range `[lo, hi]` of every hidden cell, from everything published, by LP over the
/// inner cells (non-negative).
/// `((table, row, column), (lo, hi), true value)` of each hidden small count.
type Range = ((usize, usize, usize), (f64, f64), f64);

fn attacker_ranges(d: &Dataset, published: &[StatTable]) -> Vec<Range> {
    let inner = inner(d);
    let truth = |cells: &[Unit4]| d.units.iter().filter(|u| cells.contains(u)).count() as f64;
    let mut out = Vec::new();
    for (ti, t) in published.iter().enumerate() {
        for r in 0..t.rows.len() {
            for c in 0..t.columns.len() {
                if t.cells[r][c].hidden != Some(Hidden::Primary) {
                    continue;
                }
                let target = members(d, t, r, c);
                let mut range = (0.0, f64::INFINITY);
                for dir in [OptimizationDirection::Minimize, OptimizationDirection::Maximize] {
                    let mut lp = Lp::new(dir);
                    let vars: HashMap<_, _> = inner
                        .iter()
                        .map(|i| {
                            (*i, lp.add_var(if target.contains(i) { 1.0 } else { 0.0 }, (0.0, f64::INFINITY)))
                        })
                        .collect();
                    for t2 in published {
                        for r2 in 0..t2.rows.len() {
                            for c2 in 0..t2.columns.len() {
                                if let Some(v) = t2.cells[r2][c2].value {
                                    let terms: Vec<_> =
                                        members(d, t2, r2, c2).iter().map(|i| (vars[i], 1.0)).collect();
                                    lp.add_constraint(terms.as_slice(), ComparisonOp::Eq, v);
                                }
                            }
                        }
                    }
                    match lp.solve() {
                        Ok(o) => {
                            let v = o.into_solution().expect("a solution").objective();
                            if dir == OptimizationDirection::Minimize { range.0 = v } else { range.1 = v }
                        }
                        Err(microlp::Error::Unbounded) => {}
                        Err(e) => panic!("attacker LP failed: {e:?}"),
                    }
                }
                out.push(((ti, r, c), range, truth(&target)));
            }
        }
    }
    out
}

proptest! {
    // 96 random datasets per run; PROPTEST_CASES=5000 for a deeper search.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(96),
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_small_count_is_published_or_can_be_narrowed_down(d in dataset()) {
        let published = protect_all(tables(&d), "total");
        let k = f64::from(d.k);
        for t in &published {
            for (r, row) in t.cells.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    // Every figure is either published or hidden, never both or neither.
                    prop_assert!(cell.value.is_some() != cell.hidden.is_some());
                    if let Some(v) = cell.value {
                        prop_assert!(v == 0.0 || v >= k, "{} [{r}][{c}] = {v} published", t.id);
                    }
                }
            }
        }
        for ((t, r, c), (lo, hi), truth) in attacker_ranges(&d, &published) {
            // The true value is consistent with what is published (a sanity check of the model).
            prop_assert!(lo <= truth + 1e-6 && truth <= hi + 1e-6);
            prop_assert!(
                lo <= 0.5 || hi >= k - 0.5,
                "table {t} cell [{r}][{c}] = {truth} narrowed to [{lo}, {hi}] with k = {k}"
            );
        }
    }

    #[test]
    fn protection_is_deterministic(d in dataset()) {
        let a = protect_all(tables(&d), "total");
        let b = protect_all(tables(&d), "total");
        for (x, y) in a.iter().zip(&b) {
            prop_assert_eq!(&x.cells, &y.cells);
        }
    }
}

#[test]
fn secondary_suppression_reaches_across_tables_that_share_totals() {
    // Two tables share their a-totals. In b_by_a, column a0 has a 2: hiding it and one
    // neighbour in its column is not enough if the shared total row is published and
    // the other table gives the column away — the attacker model above checks it.
    let d = Dataset {
        ra: 2,
        rb: 2,
        rc: 2,
        re: 2,
        units: [vec![(0, 0, 0, 0); 2], vec![(0, 1, 0, 1); 9], vec![(1, 0, 1, 0); 8], vec![(1, 1, 1, 1); 7]]
            .concat(),
        k: 5,
    };
    let published = protect_all(tables(&d), "total");
    let b_by_a = &published[0];
    assert_eq!(b_by_a.cells[0][0].hidden, Some(Hidden::Primary));
    for ((t, r, c), (lo, hi), _) in attacker_ranges(&d, &published) {
        assert!(lo <= 0.5 || hi >= 4.5, "table {t} [{r}][{c}] narrowed to [{lo}, {hi}]");
    }
    // The grand total (26) and the column totals stay published.
    let bottom = b_by_a.rows.len() - 1;
    assert_eq!(b_by_a.cells[bottom][2].value, Some(26.0));
}

// A golden month through the store.

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).expect("a date")
}

#[test]
fn a_golden_month_through_the_store() {
    use crate::test_util::{new_case, profile, store_at};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = store_at(&dir.path().join("stats.db"), "OCMW Test", None);
    store.set_today(d(11, 20));
    // October 2026: 12 new cases in Jette (21010), 3 in Koekelberg (21011); 7 cases opened
    // in September and still open; 2 opened in August and closed in September (not active).
    store
        .write(|w| {
            for i in 0..12 {
                w.open_case(&new_case(d(10, 1 + i), profile("21010", &["housing"])))?;
            }
            for i in 0..3 {
                w.open_case(&new_case(d(10, 20 + i), profile("21011", &["debts"])))?;
            }
            for i in 0..7 {
                w.open_case(&new_case(d(9, 1 + i), profile("21010", &["housing", "income"])))?;
            }
            for i in 0..2 {
                let c = w.open_case(&new_case(d(8, 1 + i), profile("21010", &["income"])))?;
                w.close_case(c.summary.id, d(9, 30))?;
            }
            Ok(())
        })
        .expect("cases");
    let stats = store
        .monthly_statistics(&MonthlyRequest {
            month: "2026-10".into(),
            scope: Scope::Network,
            threshold: None,
            sensitive_threshold: Some(5),
            lang: Lang::Nl,
        })
        .expect("statistics");
    assert_eq!((stats.threshold, stats.sensitive_threshold), (5, 5));
    let table = |id: &str| stats.tables.iter().find(|t| t.id == id).unwrap_or_else(|| panic!("{id}"));
    let cell = |t: &StatTable, row: &str, col: &str| {
        let r = t.rows.iter().position(|l| l.code == row).unwrap_or_else(|| panic!("row {row}"));
        let c = t.columns.iter().position(|l| l.code == col).unwrap_or_else(|| panic!("col {col}"));
        t.cells[r][c].clone()
    };

    // By municipality: Jette (21010) 12 new + 7 continuing = 19; Koekelberg (21011) 3 new,
    // 0 continuing, 3 in all; every other row zero; totals 15, 7, 22. Koekelberg's 3 and
    // its row total 3 are primary. The published table (x = hidden), checked by hand:
    //
    //                     new  cont  total
    //   Jette              x    x     19
    //   Koekelberg         x    0     x
    //   no fixed address   0    x     x
    //   total             15    7     22
    //
    // What a reader can still work out: with z = the hidden no-fixed-address figures,
    // J.cont = 7 − z, J.new = 19 − J.cont = 12 + z, K.new = 15 − J.new = 3 − z, and the
    // total column gives K.total = 22 − 19 − z = 3 − z. So Koekelberg's count lies
    // anywhere in 0..3: it may be empty, which is the protection required. Without the
    // hidden zeros (z known to be 0) it would be exactly 3.
    let m = table("cases_by_municipality");
    let shown = |row: &str| -> Vec<Option<f64>> {
        ["new", "continuing", "total"].iter().map(|c| cell(m, row, c).value).collect()
    };
    assert_eq!(shown("21010"), vec![None, None, Some(19.0)]);
    assert_eq!(shown("21011"), vec![None, Some(0.0), None]);
    assert_eq!(shown("no_fixed_address"), vec![Some(0.0), None, None]);
    assert_eq!(shown("total"), vec![Some(15.0), Some(7.0), Some(22.0)]);
    assert_eq!(cell(m, "21011", "new").hidden, Some(Hidden::Primary));
    assert_eq!(cell(m, "21011", "total").hidden, Some(Hidden::Primary));
    assert_eq!(cell(m, "21010", "new").hidden, Some(Hidden::Secondary));
    for row in
        m.rows.iter().filter(|r| !["21010", "21011", "no_fixed_address", "total"].contains(&r.code.as_str()))
    {
        assert_eq!(shown(&row.code), vec![Some(0.0); 3], "{}", row.code);
    }
    assert_eq!(m.columns.last().map(|c| c.label.as_str()), Some("Actief (totaal)"));

    // Everything else by one category (own initiative, 25–34, single): 15 | 7 | 22.
    for (id, code) in [
        ("cases_by_entry_route", "own_initiative"),
        ("cases_by_age_band", "25_34"),
        ("cases_by_household", "single"),
    ] {
        let t = table(id);
        assert_eq!(cell(t, code, "new").value, Some(15.0), "{id}");
        assert_eq!(cell(t, code, "total").value, Some(22.0), "{id}");
    }
    // Residence status (sensitive threshold set to 5 here): not recorded for anyone.
    let rs = table("cases_by_residence_status");
    assert_eq!(rs.threshold, 5);
    assert_eq!(cell(rs, "not_recorded", "continuing").value, Some(7.0));

    // Life domains: housing 12 new + 7 continuing; debts 3 new (hidden); income 7 continuing
    // (the two closed in September are not active in October).
    let ld = table("cases_by_life_domain");
    assert_eq!(cell(ld, "housing", "new").value, Some(12.0));
    assert_eq!(cell(ld, "housing", "total").value, Some(19.0));
    assert_eq!(cell(ld, "debts", "new").hidden, Some(Hidden::Primary));
    assert!(cell(ld, "debts", "total").hidden.is_some());
    assert_eq!(cell(ld, "income", "continuing").value, Some(7.0));
    assert!(ld.rows.iter().all(|r| !r.total), "no total row: a case counts in each of its domains");

    // No referrals: the times table says "not applicable", not hidden.
    let times = table("referral_times");
    assert!(times.cells.iter().flatten().all(|c| c.value.is_none() && c.hidden.is_none()));
    // With the default threshold of 10 for residence status, its 7 continuing cases are
    // hidden, and so must be the shared total of continuing cases in every case table
    // (it would give the 7 away): protection reaches across tables.
    let strict = store
        .monthly_statistics(&MonthlyRequest {
            month: "2026-10".into(),
            scope: Scope::Network,
            threshold: None,
            sensitive_threshold: None,
            lang: Lang::Fr,
        })
        .expect("statistics");
    let t = |id: &str| strict.tables.iter().find(|t| t.id == id).unwrap_or_else(|| panic!("{id}"));
    assert_eq!(t("cases_by_residence_status").threshold, 10);
    assert_eq!(
        cell(t("cases_by_residence_status"), "not_recorded", "continuing").hidden,
        Some(Hidden::Primary)
    );
    for id in ["cases_by_municipality", "cases_by_entry_route", "cases_by_age_band", "cases_by_household"] {
        assert!(cell(t(id), "total", "continuing").hidden.is_some(), "{id}");
    }
    assert_eq!(t("cases_by_municipality").title, "Dossiers par commune");

    assert_eq!(
        stats.hidden_primary as usize,
        stats
            .tables
            .iter()
            .flat_map(|t| t.cells.iter().flatten())
            .filter(|c| c.hidden == Some(Hidden::Primary))
            .count()
    );
}

#[test]
fn bad_requests_are_refused_with_the_field() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = crate::test_util::store_at(&dir.path().join("s.db"), "OCMW Test", None);
    let req = |month: &str, threshold: Option<u32>| MonthlyRequest {
        month: month.into(),
        scope: Scope::Partner,
        threshold,
        sensitive_threshold: None,
        lang: Lang::Nl,
    };
    for (month, k, field) in
        [("2026-13", None, "month"), ("10/2026", None, "month"), ("2026-10", Some(1), "threshold")]
    {
        match store.monthly_statistics(&req(month, k)) {
            Err(crate::Error::Validation { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{month} {k:?}: {other:?}"),
        }
    }
    assert!(
        Month::parse("m", "2024-02")
            .is_ok_and(|m| m.last == NaiveDate::from_ymd_opt(2024, 2, 29).expect("leap"))
    );
}
