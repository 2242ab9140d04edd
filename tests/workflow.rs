//! A caseworker's day through the CLI: intake, referral with its states, follow-ups,
//! today view; and deterministic demo data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use schakel_tests::{TestStore, assert_exit, assert_ok};

#[test]
fn intake_referral_and_follow_up_through_the_cli() {
    let t = TestStore::init();
    let code =
        t.open_case(&["--domain", "housing", "--domain", "debts", "--gender", "f", "--language", "fr"]);
    let listed = t.json(&["cases", "list", "--search", &code[..4].to_lowercase()]);
    assert!(listed["rows"].as_array().unwrap().iter().any(|r| r["code"] == code.as_str()), "{listed}");

    // A warm referral to a service outside the network: the sender records both sides.
    let r = t.json(&[
        "referrals",
        "add",
        &code,
        "--outside",
        "Huurdersbond Brussel",
        "--domain",
        "housing",
        "--mode",
        "warm",
    ]);
    let rid = r["id"].as_str().unwrap().to_owned();
    let err = assert_exit(&t.run(&["referrals", "event", &rid, "sent"]), 8);
    assert!(err.contains("consent"), "{err}");
    for (kind, on) in [
        ("consent", "02/03/2026"),
        ("receiver_contacted", "02/03/2026"),
        ("sent", "03/03/2026"),
        ("accepted", "05/03/2026"),
        ("first_contact", "10/03/2026"),
    ] {
        let v = t.json(&["referrals", "event", &rid, kind, "--on", on]);
        assert!(v["state"].is_string(), "{v}");
    }
    let shown = t.json(&["referrals", "show", &rid]);
    assert_eq!(shown["referral"]["state"], "first_contact");
    assert_eq!(shown["referral"]["sent_on"], "2026-03-03");
    assert_eq!(shown["referral"]["first_contact_on"], "2026-03-10");
    assert_eq!(shown["events"].as_array().unwrap().len(), 5);
    // Declining needs a reason; illegal transitions are refused.
    assert_exit(&t.run(&["referrals", "event", &rid, "declined"]), 8);
    assert_exit(&t.run(&["referrals", "event", &rid, "expired"]), 8);

    // A referral to a partner in the network: answers belong to the receiver.
    assert_ok(&t.run(&["partners", "add", "--kind", "caw", "--name", "CAW Brussel"]));
    let r2 =
        t.json(&["referrals", "add", &code, "--to", "caw brussel", "--domain", "debts", "--mode", "cold"]);
    let r2 = r2["id"].as_str().unwrap().to_owned();
    assert_ok(&t.run(&["referrals", "event", &r2, "consent"]));
    assert_ok(&t.run(&["referrals", "event", &r2, "sent"]));
    let err = assert_exit(&t.run(&["referrals", "event", &r2, "accepted"]), 8);
    assert!(err.contains("receiving partner"), "{err}");
    let err = assert_exit(&t.run(&["referrals", "event", &r2, "appointment_made"]), 8);
    assert!(err.contains("warm"), "{err}");
    assert_ok(&t.run(&["referrals", "event", &r2, "withdrawn"]));

    // Follow-ups: due today shows up in `today`, done removes it.
    let today = chrono::Local::now().date_naive().format("%d/%m/%Y").to_string();
    let f = t.json(&["followups", "add", &code, "--due", &today, "--purpose", "check_referral"]);
    let fid = f["id"].as_str().unwrap().to_owned();
    let day = t.json(&["today"]);
    assert!(day["follow_ups_due"].as_array().unwrap().iter().any(|x| x["id"] == fid.as_str()), "{day}");
    assert!(day["sent_waiting"].as_array().unwrap().is_empty(), "{day}");
    assert_ok(&t.run(&["followups", "done", &fid]));
    let due = t.json(&["followups", "due"]);
    assert!(due.as_array().unwrap().is_empty(), "{due}");

    // Rights check and signal; the detail has them all, with a timeline.
    assert_ok(&t.run(&["cases", "right", &code, "increased_reimbursement", "--step", "possibly_entitled"]));
    assert_ok(&t.run(&[
        "cases",
        "signal",
        &code,
        "--theme",
        "digital_only",
        "Aanvraag enkel online mogelijk.",
    ]));
    assert_ok(&t.run(&["cases", "note", &code, "Eerste gesprek, samen overzicht gemaakt."]));
    let d = t.json(&["cases", "show", &code]);
    assert_eq!(d["referrals"].as_array().unwrap().len(), 2);
    assert_eq!(d["rights"][0]["step"], "possibly_entitled");
    assert_eq!(d["signals"].as_array().unwrap().len(), 1);
    assert_eq!(d["notes"].as_array().unwrap().len(), 1);
    let kinds: Vec<&str> =
        d["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for k in ["case_opened", "referral_event", "right_step", "follow_up_done", "signal", "note"] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }

    assert_ok(&t.run(&["cases", "close", &code]));
    let closed = t.json(&["cases", "list", "--status", "closed"]);
    assert_eq!(closed["total"], 1);
}

#[test]
fn demo_data_is_deterministic_for_a_seed() {
    let list = |seed: &str| {
        let t = TestStore::init();
        let s = t.json(&["demo", "--cases", "150", "--seed", seed, "--until", "30/06/2026"]);
        assert_eq!(s["cases"], 150);
        assert!(s["referrals"].as_u64().unwrap() >= 200, "{s}");
        let mut rows = t.json(&["cases", "list", "--sort", "code", "--limit", "500"])["rows"].clone();
        // The store's own partner gets a fresh id at `init`; everything else is the seed's.
        for r in rows.as_array_mut().unwrap() {
            r.as_object_mut().unwrap().remove("owner_partner_id");
        }
        rows
    };
    let a = list("7");
    assert_eq!(a.as_array().unwrap().len(), 150);
    assert_eq!(a, list("7"));
    assert_ne!(a, list("8"));
}

#[test]
fn referral_kpis_add_up_and_refuse_a_bad_period() {
    let t = TestStore::init();
    t.json(&["demo", "--cases", "200", "--seed", "3", "--until", "30/06/2026"]);
    let r = t.json(&["kpi", "referrals", "--from", "01/01/2026", "--to", "30/06/2026"]);
    let sent = r["overall"]["sent"].as_u64().unwrap();
    assert!(sent > 50, "{}", r["overall"]);
    // Every referral has exactly one outcome, one pair and one month.
    let outcomes: u64 =
        r["overall"]["outcomes"].as_object().unwrap().values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(outcomes, sent);
    let sum =
        |key: &str| -> u64 { r[key].as_array().unwrap().iter().map(|p| p["sent"].as_u64().unwrap()).sum() };
    assert_eq!(sum("pairs"), sent);
    assert_eq!(sum("monthly"), sent);
    assert_eq!(
        r["warm_cold"]["warm"]["sent"].as_u64().unwrap() + r["warm_cold"]["cold"]["sent"].as_u64().unwrap(),
        sent
    );
    // Stalled rows carry pseudonymous case codes, nothing else about the person.
    for s in r["stalled"].as_array().unwrap() {
        assert_eq!(s["case_code"].as_str().unwrap().len(), 9, "{s}");
    }
    let out = t.run(&["kpi", "referrals", "--from", "30/06/2026", "--to", "01/01/2026"]);
    assert_exit(&out, 8);
}

#[test]
fn monthly_statistics_are_written_protected_and_add_up_with_the_referral_figures() {
    let t = TestStore::init();
    t.json(&["demo", "--cases", "400", "--seed", "5", "--until", "30/06/2026"]);
    let file = t.dir.path().join("may.json");
    let w = t.json(&[
        "stats",
        "monthly",
        "--month",
        "2026-05",
        "--scope",
        "network",
        "--format",
        "json",
        "--out",
        file.to_str().unwrap(),
    ]);
    assert_eq!(w["tables"], 13);
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    let threshold = doc["threshold"].as_u64().unwrap();
    assert_eq!(threshold, 5);
    let mut hidden = 0;
    for table in doc["tables"].as_array().unwrap() {
        if table["unit"] != "count" {
            continue;
        }
        for cell in table["cells"].as_array().unwrap().iter().flat_map(|r| r.as_array().unwrap()) {
            match cell["value"].as_u64() {
                Some(v) => assert!(v == 0 || v >= threshold, "{} shows {v}", table["id"]),
                None => {
                    assert_eq!(cell["hidden"], true);
                    hidden += 1;
                }
            }
        }
    }
    assert!(hidden > 0, "a 400-case network has small counts in a month");
    assert_eq!(w["hidden_primary"].as_u64().unwrap() + w["hidden_secondary"].as_u64().unwrap(), hidden);
    // The grand total of the referral tables is the number the coordinator view counts.
    let sent = t.json(&["kpi", "referrals", "--from", "01/05/2026", "--to", "31/05/2026"])["overall"]["sent"]
        .as_u64()
        .unwrap();
    let flow = doc["tables"].as_array().unwrap().iter().find(|t| t["id"] == "referrals_flow").unwrap();
    let last_row = flow["cells"].as_array().unwrap().last().unwrap().as_array().unwrap();
    assert_eq!(last_row.last().unwrap()["value"].as_u64(), Some(sent));

    // Belgian CSV and the refusals: a bad month, a threshold of 1, pdf.
    let csv = t.dir.path().join("may.csv");
    t.json(&["stats", "monthly", "--month", "2026-05", "--format", "csv", "--out", csv.to_str().unwrap()]);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with('\u{feff}') && text.lines().next().unwrap().contains(";Tabel;"));
    for bad in [
        vec!["--month", "2026-5", "--format", "csv"],
        vec!["--month", "2026-05", "--threshold", "1", "--format", "csv"],
        vec!["--month", "2026-05", "--format", "pdf"],
    ] {
        let mut args = vec!["stats", "monthly"];
        args.extend(bad);
        assert_exit(&t.run(&args), 8);
    }
}
