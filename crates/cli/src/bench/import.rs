//! Import throughput: a record file with the mix of a real migration (cases with their
//! notes, warm referrals and their events, rights checks with a step, follow-ups done),
//! imported into a new empty store.

use std::fmt::Write as _;
use std::path::Path;

use chrono::{Days, NaiveDate};
use schakel_core::Store;
use schakel_core::reference::Vocab;
use uuid::Uuid;

/// Records per case in the file: 1 case, 1 note, 3 referrals with 5 events each, 4 rights
/// checks with one step each, 5 follow-ups each done.
pub const RECORDS_PER_CASE: u64 = 1 + 1 + 3 * 6 + 4 * 2 + 5 * 2;

fn codes(store: &Store, v: Vocab) -> Vec<String> {
    store.vocabularies().terms(v).iter().filter(|t| t.active).map(|t| t.code.clone()).collect()
}

/// Writes the record file for `cases` cases; returns the number of records. The codes
/// come from the store's own reference lists, so every record is valid.
pub fn write_record_file(store: &Store, path: &Path, cases: u32) -> schakel_core::Result<u64> {
    let muni = codes(store, Vocab::Municipality);
    let route = codes(store, Vocab::EntryRoute);
    let age = codes(store, Vocab::AgeBand);
    let household = codes(store, Vocab::HouseholdType);
    let domain = codes(store, Vocab::LifeDomain);
    let right = codes(store, Vocab::RightKind);
    let purpose = codes(store, Vocab::FollowUpPurpose);
    let pick = |list: &Vec<String>, i: u64| list[(i % list.len().max(1) as u64) as usize].clone();
    let base =
        NaiveDate::from_ymd_opt(2025, 1, 6).ok_or_else(|| schakel_core::Error::validation("date", "base"))?;
    let day = |n: u64| (base + Days::new(n % 600)).format("%Y-%m-%d").to_string();

    let partners: Vec<Uuid> = (0..3).map(|_| Uuid::now_v7()).collect();
    let mut out = String::with_capacity(cases as usize * 4096);
    out.push_str("{\"schakel\":\"records\",\"version\":1}\n");
    for (i, p) in partners.iter().enumerate() {
        let _ = writeln!(
            out,
            r#"{{"type":"partner","id":"{p}","kind":"caw","name":"Bench partner {i}","municipality":"{}"}}"#,
            pick(&muni, i as u64)
        );
    }
    let mut records = partners.len() as u64;
    for c in 0..u64::from(cases) {
        let case = Uuid::now_v7();
        let opened = c * 7 % 540;
        let _ = writeln!(
            out,
            r#"{{"type":"case","id":"{case}","opened_on":"{}","entry_route":"{}","municipality":"{}","age_band":"{}","household_type":"{}","life_domains":["{}","{}"]}}"#,
            day(opened),
            pick(&route, c),
            pick(&muni, c * 3),
            pick(&age, c * 5),
            pick(&household, c * 7),
            pick(&domain, c),
            pick(&domain, c + 1),
        );
        let _ = writeln!(
            out,
            r#"{{"type":"note","case_id":"{case}","body":"Eerste gesprek, vraag rond huur en schulden."}}"#
        );
        for r in 0..3u64 {
            let referral = Uuid::now_v7();
            let to = partners[((c + r) % 3) as usize];
            let _ = writeln!(
                out,
                r#"{{"type":"referral","id":"{referral}","case_id":"{case}","to_partner_id":"{to}","life_domain":"{}","mode":"warm"}}"#,
                pick(&domain, c + r)
            );
            let start = opened + 2 + r * 5;
            for (k, (kind, by)) in [
                ("consent", None),
                ("receiver_contacted", None),
                ("sent", None),
                ("accepted", Some(to)),
                ("first_contact", Some(to)),
            ]
            .iter()
            .enumerate()
            {
                let partner = by.map_or(String::new(), |p| format!(r#","partner_id":"{p}""#));
                let _ = writeln!(
                    out,
                    r#"{{"type":"referral_event","id":"{}","referral_id":"{referral}","kind":"{kind}","occurred_on":"{}"{partner}}}"#,
                    Uuid::now_v7(),
                    day(start + k as u64 * 2)
                );
            }
        }
        for r in 0..4u64 {
            let check = Uuid::now_v7();
            let _ = writeln!(
                out,
                r#"{{"type":"rights_check","id":"{check}","case_id":"{case}","right":"{}","step":"possibly_entitled","on":"{}"}}"#,
                pick(&right, c * 4 + r),
                day(opened + 1 + r)
            );
            let _ = writeln!(
                out,
                r#"{{"type":"rights_step","rights_check_id":"{check}","step":"applied","on":"{}"}}"#,
                day(opened + 10 + r)
            );
        }
        for r in 0..5u64 {
            let fu = Uuid::now_v7();
            let _ = writeln!(
                out,
                r#"{{"type":"follow_up","id":"{fu}","case_id":"{case}","due_on":"{}","purpose":"{}"}}"#,
                day(opened + 7 + r * 7),
                pick(&purpose, c + r)
            );
            let _ = writeln!(
                out,
                r#"{{"type":"follow_up_done","follow_up_id":"{fu}","on":"{}"}}"#,
                day(opened + 8 + r * 7)
            );
        }
        records += RECORDS_PER_CASE;
    }
    std::fs::write(path, out)?;
    Ok(records)
}
