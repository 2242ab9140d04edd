use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use rusqlite::types::Value;
use uuid::Uuid;

use super::*;
use crate::access::Role;
use crate::follow_ups::NewFollowUp;
use crate::referrals::{EventKind, NewEvent, NewReferral, ReferralMode};
use crate::rights::{NewRightsCheck, RightStep};
use crate::signals::NewSignal;
use crate::test_util::{PASS, new_case, profile, store_at};
use crate::users::NewUser;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).expect("date")
}

/// The day the tests purge on, and the period: the cut-off is 30/06/2021.
const MONTHS: u32 = 60;
fn as_of() -> NaiveDate {
    d(2026, 6, 30)
}

/// Written into the notes and signals of the cases that go.
const CANARY: &str = "Kanariepiet retentietest zeven";

struct Fixture {
    /// Closed before the cut-off: ours, and the CAW's.
    purged: Vec<(Uuid, String)>,
    /// Closed after the cut-off; open since long ago.
    kept: Vec<(Uuid, String)>,
    caw: Uuid,
}

/// A case with everything that can hang off one, opened on `opened` and closed on
/// `closed` (if any), with `text` in its note and signal.
fn full_case(
    store: &mut Store,
    opened: NaiveDate,
    closed: Option<NaiveDate>,
    to: Uuid,
    text: &str,
) -> (Uuid, String) {
    store.set_today(closed.unwrap_or(opened));
    store
        .write(|w| {
            let c = w.open_case(&new_case(opened, profile("21010", &["housing", "debts"])))?;
            let id = c.summary.id;
            w.add_note(id, &format!("{text}: belt volgende week terug"), None)?;
            w.add_signal(&NewSignal {
                id: None,
                case_id: id,
                theme: "waiting_lists".into(),
                text: format!("{text}: wachtlijst sociale woning"),
            })?;
            let r = w.create_referral(&NewReferral {
                id: None,
                case_id: id,
                to_partner_id: Some(to),
                outside_service: None,
                life_domain: "housing".into(),
                mode: ReferralMode::Warm,
                project: None,
            })?;
            for kind in [EventKind::Consent, EventKind::Sent] {
                w.record_event(&NewEvent {
                    id: None,
                    referral_id: r,
                    kind,
                    occurred_on: opened,
                    partner_id: None,
                    worker_id: None,
                    reason: None,
                })?;
            }
            let rc = w.add_rights_check(&NewRightsCheck {
                id: None,
                case_id: id,
                right: "leefloon".into(),
                step: Some(RightStep::PossiblyEntitled),
                on: Some(opened),
            })?;
            w.set_right_step(rc, RightStep::Applied, opened)?;
            w.add_follow_up(&NewFollowUp {
                id: None,
                case_id: id,
                referral_id: Some(r),
                rights_check_id: Some(rc),
                due_on: opened,
                purpose: "check_referral".into(),
                purpose_text: None,
                assignee_id: None,
            })?;
            if let Some(on) = closed {
                w.close_case(id, on)?;
            }
            Ok((id, c.summary.code))
        })
        .expect("case")
}

fn fixture(path: &std::path::Path) -> (Store, Fixture) {
    let mut store = store_at(path, "OCMW Test", None);
    let (caw, caw_worker) = store
        .write(|w| {
            let caw = w.add_partner(&crate::partners::NewPartner {
                kind: Some(crate::partners::PartnerKind::Caw),
                name: "CAW Test".into(),
                ..Default::default()
            })?;
            Ok((caw, w.add_worker(caw, "Medewerker CAW")?))
        })
        .expect("partner");
    let own = store.actor();
    let mut purged = vec![full_case(&mut store, d(2018, 1, 10), Some(d(2019, 2, 1)), caw, CANARY)];
    // The CAW's case, closed the day before the cut-off: purged (strictly before).
    store.set_today(d(2021, 6, 29));
    let caw_case = store
        .write(|w| {
            w.demo_act_as(caw, caw_worker, w.now);
            let c = w.open_case(&new_case(d(2020, 3, 2), profile("21011", &["income"])))?;
            w.add_note(c.summary.id, CANARY, None)?;
            w.close_case(c.summary.id, d(2021, 6, 29))?;
            w.demo_act_as(own.partner_id, own.worker_id, w.now);
            Ok((c.summary.id, c.summary.code))
        })
        .expect("caw case");
    purged.push(caw_case);
    let kept = vec![
        // Closed on the cut-off day itself: kept.
        full_case(&mut store, d(2020, 5, 4), Some(d(2021, 6, 30)), caw, "Blijft bewaard"),
        full_case(&mut store, d(2023, 9, 1), Some(d(2024, 6, 1)), caw, "Blijft bewaard"),
        // Open since 2017: old, but open cases are never purged.
        full_case(&mut store, d(2017, 4, 3), None, caw, "Blijft bewaard"),
    ];
    store.set_today(as_of());
    store.write(|w| w.set_retention_months(Some(MONTHS))).expect("period");
    (store, Fixture { purged, kept, caw })
}

type Rows = BTreeMap<String, Vec<Vec<Value>>>;

/// Every row of every table, by table.
fn snapshot(store: &Store) -> Rows {
    let conn = store.conn();
    let mut tables: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("q")
        .collect::<rusqlite::Result<_>>()
        .expect("names");
    tables.sort();
    let mut out = Rows::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).expect("select");
        let n = stmt.column_count();
        let mut rows: Vec<Vec<Value>> = stmt
            .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        rows.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
        out.insert(t, rows);
    }
    out
}

fn blobs(row: &[Value]) -> impl Iterator<Item = &[u8]> {
    row.iter().filter_map(|v| if let Value::Blob(b) = v { Some(b.as_slice()) } else { None })
}

fn case_codes(store: &Store) -> BTreeSet<String> {
    store
        .conn()
        .prepare("SELECT code FROM case_file")
        .expect("q")
        .query_map([], |r| r.get(0))
        .expect("q")
        .collect::<rusqlite::Result<_>>()
        .expect("codes")
}

/// The rows of `before` missing from `after`, by table.
fn removed(before: &Rows, after: &Rows) -> BTreeMap<String, Vec<Vec<Value>>> {
    let mut out = BTreeMap::new();
    for (t, rows) in before {
        let kept: BTreeSet<String> =
            after.get(t).map(|r| r.iter().map(|x| format!("{x:?}")).collect()).unwrap_or_default();
        let gone: Vec<Vec<Value>> =
            rows.iter().filter(|r| !kept.contains(&format!("{r:?}"))).cloned().collect();
        if !gone.is_empty() {
            out.insert(t.clone(), gone);
        }
    }
    out
}

fn count_of(counts: &PurgeCounts, table: &str) -> u32 {
    match table {
        "case_file" => counts.cases,
        "case_life_domain" => counts.life_domains,
        "note" => counts.notes,
        "signal" => counts.signals,
        "referral" => counts.referrals,
        "referral_event" => counts.referral_events,
        "rights_check" => counts.rights_checks,
        "rights_check_step" => counts.rights_check_steps,
        "follow_up" => counts.follow_ups,
        "change_log" => counts.change_log,
        "referral_shared" => counts.shared,
        "exchange_outbox" => counts.outbox,
        other => panic!("the purge removed rows of {other}"),
    }
}

#[test]
fn the_preview_is_exactly_what_is_purged_and_kept_cases_are_untouched() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut store, f) = fixture(&dir.path().join("r.db"));
    let p = store.retention_preview(as_of()).expect("preview");
    assert_eq!((p.months, p.cut_off), (MONTHS, d(2021, 6, 30)));
    let shown: BTreeSet<String> = p.cases.iter().map(|c| c.code.clone()).collect();
    let expected: BTreeSet<String> = f.purged.iter().map(|(_, c)| c.clone()).collect();
    assert_eq!(shown, expected);
    assert_eq!(p.cases.iter().map(|c| c.closed_on).collect::<Vec<_>>(), vec![d(2019, 2, 1), d(2021, 6, 29)]);
    assert!(p.cases.iter().any(|c| c.owner_partner_id == f.caw && c.owner_partner_name == "CAW Test"));
    assert_eq!((p.statistics_from, p.statistics_until), (Some(d(2018, 1, 10)), Some(d(2021, 6, 29))));
    assert_eq!(p.counts.referrals_to_other_partners, 1);
    // The CAW's own case has no referral; ours has one of each.
    assert_eq!(
        (p.counts.notes, p.counts.signals, p.counts.referrals, p.counts.rights_checks, p.counts.follow_ups),
        (2, 1, 1, 1, 1)
    );

    // SQLCipher turns secure_delete on by default; the purge must not rely on that.
    store.conn().pragma_update(None, "secure_delete", 0).expect("off");
    let before = snapshot(&store);
    let report = store.retention_purge(&p.token).expect("purge");
    let after = snapshot(&store);
    assert_eq!(report.counts, p.counts);
    assert!(report.checkpointed);

    // Exactly the previewed cases are gone; every kept case is still there.
    let now: BTreeSet<String> = case_codes(&store);
    assert!(now.is_disjoint(&expected));
    assert_eq!(now, f.kept.iter().map(|(_, c)| c.clone()).collect());

    // Every table lost exactly the rows the preview counted, nothing else changed.
    let gone = removed(&before, &after);
    for (t, rows) in &gone {
        assert_eq!(count_of(&p.counts, t), u32::try_from(rows.len()).expect("n"), "{t}");
    }
    for t in [
        "case_file",
        "case_life_domain",
        "note",
        "signal",
        "referral",
        "referral_event",
        "rights_check",
        "rights_check_step",
        "follow_up",
        "change_log",
    ] {
        assert_eq!(gone.get(t).map_or(0, Vec::len) > 0, count_of(&p.counts, t) > 0, "{t}");
    }
    for (t, rows) in &after {
        let was = &before[t];
        let new: Vec<&Vec<Value>> = rows.iter().filter(|r| !was.contains(r)).collect();
        if t == "audit_log" {
            assert_eq!(new.len(), 1, "one audit entry");
        } else {
            assert!(new.is_empty(), "{t} gained or changed rows: {new:?}");
        }
    }

    // Nothing is left that points at a purged record (the audit log keeps bare ids).
    let purged_ids: BTreeSet<Vec<u8>> = gone
        .iter()
        .filter(|(t, _)| *t != "case_life_domain")
        .flat_map(|(_, rows)| {
            rows.iter().filter_map(|r| if let Value::Blob(b) = &r[0] { Some(b.clone()) } else { None })
        })
        .collect();
    assert!(purged_ids.len() > 10, "{}", purged_ids.len());
    for (t, rows) in after.iter().filter(|(t, _)| *t != "audit_log") {
        for r in rows {
            assert!(blobs(r).all(|b| !purged_ids.contains(b)), "{t} still names a purged record: {r:?}");
        }
    }
    assert!(store.check().expect("check").ok);
    // The change log keeps nothing about the purged cases, and everything about the others.
    for (id, _) in &f.purged {
        assert!(store.changes_of(*id).expect("changes").is_empty());
    }
    for (id, _) in &f.kept {
        assert!(!store.changes_of(*id).expect("changes").is_empty());
    }
    // Its delete guard is back.
    assert!(store.conn().execute("DELETE FROM change_log", []).is_err());
    // Secure delete is as it was before.
    assert_eq!(
        store.conn().query_row("PRAGMA secure_delete", [], |r| r.get::<_, i64>(0)).expect("pragma"),
        0
    );

    // A second preview finds nothing, and the old token purges nothing.
    let again = store.retention_preview(as_of()).expect("preview");
    assert!(again.cases.is_empty());
    assert_eq!(again.counts, PurgeCounts::default());
    assert!(matches!(store.retention_purge(&p.token), Err(Error::PreviewChanged)));
}

#[test]
fn a_changed_set_refuses_the_purge_and_leaves_the_store_as_it_was() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut store, f) = fixture(&dir.path().join("r.db"));
    let p = store.retention_preview(as_of()).expect("preview");

    // Another case becomes old enough after the preview: the open one, closed in 2020.
    store.write(|w| w.close_case(f.kept[2].0, d(2020, 1, 6))).expect("close");
    store.conn().pragma_update(None, "secure_delete", 0).expect("off");
    let before = snapshot(&store);
    assert!(matches!(store.retention_purge(&p.token), Err(Error::PreviewChanged)));
    assert_eq!(snapshot(&store), before, "nothing written");
    assert_eq!(
        store.conn().query_row("PRAGMA secure_delete", [], |r| r.get::<_, i64>(0)).expect("pragma"),
        0
    );

    // One more row under a previewed case (a note) is a change too.
    let p = store.retention_preview(as_of()).expect("preview");
    assert_eq!(p.cases.len(), 3);
    store.write(|w| w.add_note(f.purged[0].0, "Nog een notitie", None)).expect("note");
    let before = snapshot(&store);
    assert!(matches!(store.retention_purge(&p.token), Err(Error::PreviewChanged)));
    assert_eq!(snapshot(&store), before);

    // A fresh preview purges.
    let p = store.retention_preview(as_of()).expect("preview");
    let r = store.retention_purge(&p.token).expect("purge");
    assert_eq!(r.counts.cases, 3);
}

#[test]
fn tokens_and_settings_are_checked() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("r.db");
    let mut store = store_at(&path, "OCMW Test", None);
    assert_eq!(store.retention_months().expect("months"), None);
    let none = store.retention_preview(store.today());
    assert!(
        matches!(none, Err(Error::Validation { ref field, .. }) if field == "retention_months"),
        "{none:?}"
    );
    for bad in [0, 11, 241] {
        let e = store.write(|w| w.set_retention_months(Some(bad))).expect_err("out of range");
        assert!(matches!(e, Error::Validation { ref field, .. } if field == "retention_months"));
    }
    store.write(|w| w.set_retention_months(Some(12))).expect("12");
    store.write(|w| w.set_retention_months(Some(240))).expect("240");
    assert_eq!(store.retention_months().expect("months"), Some(240));
    store.write(|w| w.set_retention_months(None)).expect("off");
    assert_eq!(store.retention_months().expect("months"), None);
    store.write(|w| w.set_retention_months(Some(24))).expect("24");

    let future = store.today().succ_opt().expect("tomorrow");
    assert!(
        matches!(store.retention_preview(future), Err(Error::Validation { ref field, .. }) if field == "as_of")
    );
    let bad_tokens =
        ["".to_owned(), "r1".into(), "r1.2020-01-01.00".into(), format!("r2.2020-01-01.{}", "0".repeat(64))];
    for bad in &bad_tokens {
        assert!(
            matches!(store.retention_purge(bad), Err(Error::Validation { ref field, .. }) if field == "token"),
            "{bad}"
        );
    }
    // A token made up to reach inside the period is refused, even with the right hash.
    let today = store.today();
    let inside = today.pred_opt().expect("yesterday");
    let forged = token(inside, &collect(store.conn(), inside).expect("collect").hash);
    assert!(
        matches!(store.retention_purge(&forged), Err(Error::Validation { ref field, .. }) if field == "token")
    );
    // The 31st less a month is the last day of the shorter month.
    assert_eq!(cut_off(d(2026, 3, 31), 1).expect("cut"), d(2026, 2, 28));
    assert_eq!(cut_off(d(2026, 6, 30), 60).expect("cut"), d(2021, 6, 30));
}

#[test]
fn only_an_admin_previews_purges_and_sets_the_period() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("r.db");
    let (mut store, f) = fixture(&path);
    let p = store.retention_preview(as_of()).expect("preview");
    let mut users = Vec::new();
    for role in [Role::Caseworker, Role::Coordinator, Role::Exporter] {
        let pass = format!("a long enough passphrase for {}", role.as_str());
        store
            .add_user(&NewUser {
                display_name: role.as_str().into(),
                roles: vec![role],
                passphrase: pass.clone(),
            })
            .expect("user");
        users.push(pass);
    }
    drop(store);
    for pass in &users {
        let mut s = Store::open(&path, pass).expect("open");
        s.set_today(as_of());
        assert_eq!(s.retention_months().expect("anyone reads the period"), Some(MONTHS));
        let before = snapshot(&s);
        assert!(matches!(s.retention_preview(as_of()), Err(Error::Forbidden { .. })));
        assert!(matches!(s.retention_purge(&p.token), Err(Error::Forbidden { .. })));
        assert!(matches!(s.write(|w| w.set_retention_months(Some(12))), Err(Error::Forbidden { .. })));
        assert_eq!(snapshot(&s), before);
    }
    let mut store = Store::open(&path, PASS).expect("admin");
    store.set_today(as_of());
    // Users were added since the preview, but no case changed: the token still holds.
    assert_eq!(store.retention_purge(&p.token).expect("purge").counts.cases, f.purged.len() as u32);
}

#[test]
fn the_purge_is_audited_once_without_codes_and_the_chain_still_verifies() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("r.db");
    let (mut store, f) = fixture(&path);
    let p = store.retention_preview(as_of()).expect("preview");
    let seq_before = store.audit_entries(1).expect("e")[0].seq;
    store.retention_purge(&p.token).expect("purge");
    let new: Vec<_> =
        store.audit_entries(100).expect("e").into_iter().filter(|e| e.seq > seq_before).collect();
    assert_eq!(new.len(), 1, "{new:?}");
    let e = &new[0];
    assert_eq!((e.action.as_str(), e.entity.as_deref(), e.entity_id), ("retention.purge", None, None));
    let detail: serde_json::Value = serde_json::from_str(&e.detail).expect("json");
    assert_eq!(detail["cut_off"], "2021-06-30");
    assert_eq!(detail["months"], MONTHS);
    assert_eq!(detail["counts"]["cases"], 2);
    assert_eq!(detail["counts"]["notes"], p.counts.notes);
    for (id, code) in &f.purged {
        assert!(!e.detail.contains(code.as_str()) && !e.detail.contains(&id.to_string()));
    }
    assert!(store.verify_audit().expect("verify").ok);
    store.close("locked").expect("close");
    let store = Store::open(&path, PASS).expect("open");
    let r = store.verify_audit().expect("verify");
    assert!(r.ok, "{:?}", r.messages);
}

#[test]
fn a_kept_cases_follow_up_loses_only_its_link_to_a_purged_referral() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut store, f) = fixture(&dir.path().join("r.db"));
    // Core refuses this link; an old or hand-edited store might hold one.
    let (fu, referral): (Uuid, Uuid) = store
        .conn()
        .query_row(
            "SELECT f.id, r.id FROM follow_up f, referral r WHERE f.case_id = ?1 AND r.case_id = ?2",
            [f.kept[1].0, f.purged[0].0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("rows");
    store
        .conn()
        .execute("UPDATE follow_up SET referral_id = ?2 WHERE id = ?1", [fu, referral])
        .expect("link");
    let p = store.retention_preview(as_of()).expect("preview");
    assert_eq!(p.counts.follow_ups_unlinked, 1);
    store.retention_purge(&p.token).expect("purge");
    let (case, link): (Uuid, Option<Uuid>) = store
        .conn()
        .query_row("SELECT case_id, referral_id FROM follow_up WHERE id = ?1", [fu], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("kept");
    assert_eq!((case, link), (f.kept[1].0, None));
    assert!(store.changes_of(fu).expect("changes").iter().any(|c| c.action == "unlink"));
    assert!(store.check().expect("check").ok);
}

#[test]
fn a_demo_network_purges_exactly_its_preview() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = store_at(&dir.path().join("demo.db"), "OCMW Demo", Some("21010"));
    let until = d(2025, 12, 31);
    crate::demo::generate(
        &mut store,
        &crate::demo::DemoOptions { cases: 400, seed: 7, until },
        &mut |_, _| {},
    )
    .expect("demo");
    // Six months later, with a year's period: the cases closed in the first eighteen
    // months of the two simulated years go, the rest stays.
    store.set_today(d(2026, 6, 30));
    store.write(|w| w.set_retention_months(Some(12))).expect("period");
    let p = store.retention_preview(store.today()).expect("preview");
    let closed_before: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM case_file WHERE closed_on < '2025-06-30'", [], |r| r.get(0))
        .expect("n");
    assert_eq!(i64::from(p.counts.cases), closed_before);
    assert!(p.counts.cases > 50 && p.counts.referrals > p.counts.cases, "{:?}", p.counts);
    let total = case_codes(&store).len();
    let before = snapshot(&store);
    let t = std::time::Instant::now();
    let r = store.retention_purge(&p.token).expect("purge");
    eprintln!("purged {:?} of {total} cases in {:?}", r.counts, t.elapsed());
    let after = snapshot(&store);
    let gone = removed(&before, &after);
    for (t, rows) in &gone {
        assert_eq!(count_of(&p.counts, t), u32::try_from(rows.len()).expect("n"), "{t}");
    }
    let codes = case_codes(&store);
    assert_eq!(codes.len() + p.cases.len(), total);
    assert!(p.cases.iter().all(|c| !codes.contains(&c.code)));
    assert!(store.check().expect("check").ok);
    assert!(store.verify_audit().expect("verify").ok);
}

fn decrypted(store: &Store) -> Vec<u8> {
    let hex = store.data_key().pragma_value();
    let raw = data_encoding::HEXLOWER.decode(&hex.as_bytes()[2..66]).expect("hex");
    let key: [u8; 32] = raw.try_into().expect("32 bytes");
    let file = std::fs::read(&store.paths().db).expect("read");
    super::pages::decrypt_pages(&file, &key)
}

fn holds(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn purged_text_is_overwritten_in_the_database_file() {
    // Control: the decryption sees what is in the file, and a delete without
    // secure_delete leaves the deleted text behind in a page.
    let dir = tempfile::tempdir().expect("dir");
    let mut control = store_at(&dir.path().join("control.db"), "OCMW Test", None);
    let note = control
        .write(|w| {
            let c = w.open_case(&new_case(d(2024, 1, 2), profile("21010", &[])))?;
            w.add_note(c.summary.id, "Controlekanarie blijft hangen", None)
        })
        .expect("note");
    control.checkpoint().expect("checkpoint");
    let plain = decrypted(&control);
    assert_eq!(plain[0..2], [0x10, 0x00], "page size 4096 in the header");
    assert_eq!(plain[4], 80, "80 reserved bytes per page");
    assert!(holds(&plain, "Controlekanarie blijft hangen"));
    control.conn().pragma_update(None, "secure_delete", 0).expect("off");
    control.conn().execute("DELETE FROM note WHERE id = ?1", [note]).expect("delete");
    control.checkpoint().expect("checkpoint");
    assert!(holds(&decrypted(&control), "Controlekanarie blijft hangen"), "a plain delete leaves the text");
    drop(control);

    let (mut store, f) = fixture(&dir.path().join("r.db"));
    store.checkpoint().expect("checkpoint");
    let plain = decrypted(&store);
    assert!(holds(&plain, CANARY));
    for (_, code) in &f.purged {
        assert!(holds(&plain, code), "{code} in the file before");
    }
    let p = store.retention_preview(as_of()).expect("preview");
    store.conn().pragma_update(None, "secure_delete", 0).expect("off");
    store.retention_purge(&p.token).expect("purge");
    let wal = store.paths().database_files()[1].clone();
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0, "the WAL is truncated");
    let plain = decrypted(&store);
    assert!(!holds(&plain, CANARY), "purged text left in a page");
    for (_, code) in &f.purged {
        assert!(!holds(&plain, code), "{code} left in a page");
    }
    for (_, code) in &f.kept {
        assert!(holds(&plain, code), "kept {code} still there");
    }
    assert!(holds(&plain, "Blijft bewaard"));
}

#[test]
fn deleting_a_referral_or_rights_check_finds_its_follow_ups_by_index() {
    // The ON DELETE CASCADE of follow_up.referral_id and .rights_check_id looks follow-ups
    // up by these columns once per deleted row; a scan there made a large purge quadratic.
    let dir = tempfile::tempdir().expect("dir");
    let store = store_at(&dir.path().join("i.db"), "OCMW Test", None);
    for (column, index) in
        [("referral_id", "follow_up_by_referral"), ("rights_check_id", "follow_up_by_rights_check")]
    {
        let plan: Vec<String> = store
            .conn()
            .prepare(&format!("EXPLAIN QUERY PLAN SELECT 1 FROM follow_up WHERE {column} = ?1"))
            .expect("plan")
            .query_map([Uuid::nil()], |r| r.get::<_, String>(3))
            .expect("rows")
            .collect::<rusqlite::Result<_>>()
            .expect("plan");
        assert!(plan.iter().any(|p| p.contains(index)), "{column}: {plan:?}");
    }
}

/// A referral received from a partner in another store has no case here: it goes when it
/// ended before the cut-off, with its events, the handover note and its outbox items; an
/// open one stays. On the sender's side, the outbox items of a purged case's referral go
/// with it.
#[test]
fn received_referrals_that_ended_before_the_cut_off_go_with_their_note() {
    use crate::exchange::Shared;
    use crate::partners::PartnerKind;
    let dir = tempfile::tempdir().expect("dir");
    let mut net = crate::test_util::network(
        dir.path(),
        &[(PartnerKind::Ocmw, "OCMW Test"), (PartnerKind::Caw, "CAW Test")],
    );
    let mut caw = net.pop().expect("caw");
    let mut ocmw = net.pop().expect("ocmw");
    let caw_id = caw.self_partner_id().expect("id");
    let event = |referral_id, kind, occurred_on| NewEvent {
        id: None,
        referral_id,
        kind,
        occurred_on,
        partner_id: None,
        worker_id: None,
        reason: (kind == EventKind::Declined).then(|| "capacity".to_owned()),
    };
    // Two referrals: one in 2020 (declined then), one last month (still waiting).
    let (old, recent, old_case) = ocmw
        .write(|w| {
            let mut out = Vec::new();
            for (opened, sent, note) in [
                (d(2020, 3, 2), d(2020, 3, 4), "Oude overdracht over de zeekoeienkanarie"),
                (d(2026, 5, 4), d(2026, 5, 6), CANARY),
            ] {
                let case = w.open_case(&new_case(opened, profile("21004", &["debts"])))?;
                let r = w.create_referral(&NewReferral {
                    id: None,
                    case_id: case.summary.id,
                    to_partner_id: Some(caw_id),
                    outside_service: None,
                    life_domain: "debts".into(),
                    mode: ReferralMode::Cold,
                    project: None,
                })?;
                w.share_with_referral(r, &Shared { handover_note: Some(note.into()), ..Shared::default() })?;
                w.record_event(&event(r, EventKind::Consent, sent))?;
                w.record_event(&event(r, EventKind::Sent, sent))?;
                out.push((r, case.summary.id));
            }
            Ok((out[0].0, out[1].0, out[0].1))
        })
        .expect("send");
    let bundle = ocmw.export_bundle(caw_id).expect("export").expect("bundle").0;
    caw.import_bundle(&bundle).expect("import");
    caw.write(|w| w.record_event(&event(old, EventKind::Declined, d(2020, 3, 9)))).expect("decline");
    caw.write(|w| w.set_retention_months(Some(MONTHS))).expect("period");
    caw.set_today(as_of());

    let p = caw.retention_preview(as_of()).expect("preview");
    assert!(p.cases.is_empty(), "the CAW holds no case of the OCMW");
    assert_eq!((p.counts.referrals, p.counts.exchanged_referrals, p.counts.shared), (1, 1, 1));
    assert_eq!(p.counts.referral_events, 3, "consent, sent and the decline");
    assert_eq!(p.counts.outbox, 1, "the decline waiting for the OCMW");
    let before = snapshot(&caw);
    caw.retention_purge(&p.token).expect("purge");
    let gone = removed(&before, &snapshot(&caw));
    for (t, rows) in &gone {
        assert_eq!(count_of(&p.counts, t), u32::try_from(rows.len()).expect("n"), "{t}");
    }
    assert!(caw.referral(old).is_err(), "gone");
    assert_eq!(caw.referral(recent).expect("kept").state, crate::referrals::ReferralState::Sent);
    assert!(caw.referral_shared(recent).expect("shared").is_some());
    assert!(holds(&decrypted(&caw), "retentietest"), "the kept referral's note is still there");
    assert!(!holds(&decrypted(&caw), "zeekoeienkanarie"), "the purged note is overwritten");
    // The CAW can still export: nothing in its outbox points at the purged referral.
    caw.export_bundle(ocmw.self_partner_id().expect("id")).expect("export after the purge");

    // The OCMW closes the old case and purges it: its outbox items about it go too.
    ocmw.write(|w| w.close_case(old_case, d(2020, 4, 1))).expect("close");
    ocmw.write(|w| w.set_retention_months(Some(MONTHS))).expect("period");
    ocmw.set_today(as_of());
    let p = ocmw.retention_preview(as_of()).expect("preview");
    assert_eq!((p.counts.cases, p.counts.referrals, p.counts.exchanged_referrals), (1, 1, 0));
    assert!(p.counts.outbox >= 3, "the referral and its two events, sealed for the CAW: {}", p.counts.outbox);
    ocmw.retention_purge(&p.token).expect("purge");
    ocmw.export_bundle(caw_id).expect("export after the purge");
}
