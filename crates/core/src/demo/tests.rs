use super::random::add_days;
use super::tables::NETWORK;
use super::*;
use crate::cases::{CaseSort, CaseSummary};
use crate::referrals::{ReferralMode, ReferralState, Side};

fn until() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
}

fn new_store(dir: &std::path::Path, name: &str) -> Store {
    crate::test_util::store_at(&dir.join(name), "OCMW Test", Some("21010"))
}

fn run(store: &mut Store, cases: u32, seed: u64) -> DemoSummary {
    let mut calls = Vec::new();
    let t = std::time::Instant::now();
    let s = generate(store, &DemoOptions { cases, seed, until: until() }, &mut |d, n| {
        if std::env::var_os("SCHAKEL_DEMO_VERBOSE").is_some() {
            println!("{d}/{n} at {:.1?}", t.elapsed());
        }
        calls.push((d, n));
    })
    .unwrap();
    assert_eq!(calls.last().copied(), Some((u64::from(cases), u64::from(cases))));
    s
}

fn all_cases(store: &Store) -> Vec<CaseSummary> {
    let mut rows = store
        .list_cases(&CaseFilter { limit: Some(500), sort: CaseSort::Code, ..CaseFilter::default() })
        .unwrap()
        .rows;
    // The store's own partner gets a fresh id per store.
    for r in &mut rows {
        r.owner_partner_id = Uuid::nil();
    }
    rows
}

#[test]
fn demo_data_is_consistent_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = new_store(dir.path(), "a.db");
    assert!(!a.is_demo().unwrap());
    let sa = run(&mut a, 300, 7);
    assert!(a.is_demo().unwrap(), "a demo store says it is one");
    assert_eq!(sa.cases, 300);
    assert_eq!(sa.partners, NETWORK.len() as u32);
    assert_eq!(sa.projects, 2);
    assert!((600..=1200).contains(&sa.referrals), "{sa:?}");
    assert!(sa.referral_events >= sa.referrals * 3, "{sa:?}");
    assert!((800..=1600).contains(&sa.rights_checks), "{sa:?}");
    assert!((1000..=2100).contains(&sa.follow_ups), "{sa:?}");
    assert!((50..=150).contains(&sa.notes), "{sa:?}");

    let u = until();
    let cases = all_cases(&a);
    assert_eq!(cases.len(), 300);
    let mut open_refs = 0;
    let mut warm = 0;
    let mut refs = 0;
    for c in &cases {
        assert!(c.opened_on <= u && c.opened_on >= add_days(u, -SPAN_DAYS - 3));
        if let Some(closed) = c.closed_on {
            assert!(closed >= c.opened_on && closed <= u);
        }
        for r in a.referrals_of_any_case(c.id).unwrap() {
            refs += 1;
            if r.mode == ReferralMode::Warm {
                warm += 1;
            }
            use ReferralState as S;
            let dates = [r.consent_on, r.sent_on, r.accepted_on, r.first_contact_on, r.ended_on];
            let present: Vec<NaiveDate> = dates.iter().flatten().copied().collect();
            assert!(present.windows(2).all(|p| p[0] <= p[1]), "{r:?}");
            assert!(present.iter().all(|d| *d <= u && *d >= c.opened_on), "{r:?}");
            assert!(r.consent_on.is_some(), "{r:?}");
            match r.state {
                S::Draft => assert!(r.sent_on.is_none()),
                S::Sent => assert!(r.sent_on.is_some() && r.accepted_on.is_none()),
                S::Accepted => assert!(r.accepted_on.is_some() && r.first_contact_on.is_none()),
                S::FirstContact => {
                    assert!(r.first_contact_on.is_some() && r.ended_on.is_none());
                }
                S::Completed => assert!(r.first_contact_on.is_some() && r.ended_on.is_some()),
                S::Declined => assert!(r.decline_reason.is_some() && r.ended_on.is_some()),
                S::NoShow => assert!(r.accepted_on.is_some() && r.ended_on.is_some()),
                S::Withdrawn | S::Expired => assert!(r.ended_on.is_some()),
            }
            if r.state.is_open() {
                open_refs += 1;
                assert!(c.closed_on.is_none(), "closed case with open referral {r:?}");
            }
            let events = a.referral_events(r.id).unwrap();
            assert!(events.windows(2).all(|p| p[0].occurred_on <= p[1].occurred_on));
            for e in events {
                let owner = match (e.kind.side(), r.to_partner_id) {
                    (Side::Receiver, Some(to)) => to,
                    _ => r.from_partner_id,
                };
                assert_eq!(e.partner_id, owner, "{e:?}");
            }
        }
    }
    assert_eq!(refs, sa.referrals);
    assert!(open_refs > 0, "recent referrals should still be open");
    let warm_share = f64::from(warm) / f64::from(refs);
    assert!((0.4..0.7).contains(&warm_share), "{warm_share}");

    let report = a.check().unwrap();
    assert!(report.ok, "{:?}", report.problems);

    let due = a.due_follow_ups(u, None, 1000).unwrap();
    assert!(!due.is_empty(), "a today view needs open follow-ups");
    assert!(due.iter().all(|f| f.done_on.is_none() && f.due_on <= u));

    // Same seed in another fresh store: the same cases.
    let mut b = new_store(dir.path(), "b.db");
    let sb = run(&mut b, 300, 7);
    assert_eq!(all_cases(&b), cases);
    assert_eq!(sb.referrals, sa.referrals);
    assert_eq!(sb.follow_ups, sa.follow_ups);
    drop(b);

    // Another seed: other codes.
    let mut c = new_store(dir.path(), "c.db");
    run(&mut c, 300, 8);
    let codes = |v: &[CaseSummary]| v.iter().map(|r| r.code.clone()).collect::<Vec<_>>();
    assert_ne!(codes(&all_cases(&c)), codes(&cases));
    drop(c);

    // A second run into the same store reuses the network and adds new cases.
    let partners = a.partners().unwrap().len();
    let s2 = run(&mut a, 40, 7);
    assert_eq!((s2.partners, s2.workers, s2.projects), (0, 0, 0));
    assert_eq!(a.partners().unwrap().len(), partners);
    let total = a.count_cases(&CaseFilter::default()).unwrap();
    assert_eq!(total, 340);
}

/// Timing of one chunk (or `SCHAKEL_DEMO_CASES`) and a few distributions:
/// `cargo test -p schakel-core demo_timing -- --ignored --nocapture`.
#[test]
#[ignore = "timing only"]
fn demo_timing() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = new_store(dir.path(), "t.db");
    let n = std::env::var("SCHAKEL_DEMO_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
    let t = std::time::Instant::now();
    let sum = run(&mut s, n, 1);
    println!("{n} cases in {:.2?}: {sum:?}", t.elapsed());
    let conn = s.conn();
    for (label, sql) in [
        ("cases by status", "SELECT status, count(*) FROM case_file GROUP BY 1"),
        ("referral states", "SELECT state, count(*) FROM referral GROUP BY 1 ORDER BY 2 DESC"),
        ("referral modes", "SELECT mode, count(*) FROM referral GROUP BY 1"),
        ("outside services", "SELECT outside_service IS NOT NULL, count(*) FROM referral GROUP BY 1"),
        (
            "days sent->accepted (0..15+)",
            "SELECT min(julianday(accepted_on) - julianday(sent_on), 15), count(*) FROM referral
             WHERE accepted_on IS NOT NULL GROUP BY 1",
        ),
        ("municipalities", "SELECT municipality_code, count(*) FROM case_file GROUP BY 1 ORDER BY 2 DESC"),
        (
            "life domains",
            "SELECT life_domain_code, count(*) FROM case_life_domain GROUP BY 1 ORDER BY 2 DESC",
        ),
        ("rights steps", "SELECT step, count(*) FROM rights_check GROUP BY 1 ORDER BY 2 DESC"),
        (
            "open follow-ups vs until",
            "SELECT CASE WHEN due_on < '2026-03-31' THEN 'overdue' WHEN due_on = '2026-03-31' THEN 'today'
             ELSE 'future' END, count(*) FROM follow_up WHERE done_on IS NULL GROUP BY 1",
        ),
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let rows: Vec<String> = stmt
            .query_map([], |r| {
                let k: rusqlite::types::Value = r.get(0)?;
                let n: i64 = r.get(1)?;
                Ok(format!("{k:?}={n}"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        println!("{label}: {}", rows.join(", "));
    }
}
