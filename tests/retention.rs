//! `schakel retention`: the period, the preview and a purge that removes exactly what the
//! preview listed, through the real binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Stdio;

use schakel_tests::{TestStore, assert_exit, assert_ok};

#[test]
fn a_purge_removes_exactly_the_previewed_cases_and_is_audited() {
    let t = TestStore::init();
    assert_ok(&t.run(&["demo", "--cases", "150", "--seed", "3"]));
    assert!(t.json(&["retention", "show"])["months"].is_null(), "off until an admin sets it");
    assert_exit(&t.run(&["retention", "preview"]), 8);
    assert_exit(&t.run(&["retention", "set", "--months", "11"]), 8);
    assert_ok(&t.run(&["retention", "set", "--months", "12"]));
    assert_eq!(t.json(&["retention", "show"])["months"], 12);

    let p = t.json(&["retention", "preview"]);
    let listed = p["cases"].as_array().unwrap().len() as i64;
    assert!(listed > 0, "{p}");
    assert_eq!(p["counts"]["cases"].as_i64(), Some(listed));
    let before = t.case_count();

    // Not a terminal and no --yes: nothing is purged.
    let out = t.cmd().args(["retention", "purge"]).stdin(Stdio::null()).output().unwrap();
    assert!(assert_exit(&out, 8).contains("--yes"));
    assert_eq!(t.case_count(), before);

    // A token whose set is not the current one: exit 17, nothing purged.
    let cut_off = p["cut_off"].as_str().unwrap();
    let stale = format!("r1.{cut_off}.{}", "0".repeat(64));
    assert_exit(&t.run(&["retention", "purge", "--yes", "--token", &stale]), 17);
    assert_eq!(t.case_count(), before);

    let r = t.json(&["retention", "purge", "--yes", "--token", p["token"].as_str().unwrap()]);
    assert_eq!(r["counts"], p["counts"]);
    assert_eq!(r["checkpointed"], true);
    assert_eq!(t.case_count(), before - listed);
    let entries = t.json(&["audit", "list", "--limit", "5"]);
    let purge =
        entries.as_array().unwrap().iter().find(|e| e["action"] == "retention.purge").expect("audited");
    assert!(purge["detail"].as_str().unwrap().contains(&format!("\"cases\":{listed}")));
    for c in p["cases"].as_array().unwrap().iter().take(3) {
        let out = t.run(&["cases", "show", c["code"].as_str().unwrap()]);
        assert_exit(&out, 9);
    }
    assert!(t.json(&["retention", "preview"])["cases"].as_array().unwrap().is_empty());
    assert_ok(&t.run(&["audit", "verify"]));
    assert_ok(&t.run(&["check"]));
}
