//! Killing the process in the middle of a long import loses no committed transaction and
//! leaves no half import behind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::time::Duration;

use schakel_tests::{TestStore, assert_ok};

fn csv(rows: usize) -> String {
    let mut s = String::from("opened_on;entry_route;municipality;age_band;household_type;life_domains\n");
    let munis = ["21001", "21004", "21012", "21015", "21010"];
    for i in 0..rows {
        let day = 1 + i % 28;
        s.push_str(&format!(
            "{day:02}/03/2025;outreach;{};35_44;single_parent;housing|income\n",
            munis[i % munis.len()]
        ));
    }
    s
}

#[test]
fn kill_9_during_import_keeps_every_committed_row_and_no_partial_one() {
    let t = TestStore::init();
    let small = t.dir.path().join("small.csv");
    std::fs::write(&small, csv(40)).unwrap();
    assert_ok(&t.run(&["import", small.to_str().unwrap()]));
    let big_rows = 40_000;
    let big = t.dir.path().join("big.csv");
    std::fs::File::create(&big).unwrap().write_all(csv(big_rows).as_bytes()).unwrap();

    let mut expected = 40;
    let mut killed_mid_import = 0;
    for delay_ms in [150, 400, 800, 1500, 2500] {
        let mut child = t.cmd().args(["import", big.to_str().unwrap()]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let finished = child.try_wait().unwrap().is_some();
        if !finished {
            child.kill().unwrap(); // SIGKILL on Unix
        }
        let status = child.wait().unwrap();
        let n = t.case_count();
        if n == expected + big_rows as i64 {
            expected = n; // it finished: all of it is there
        } else {
            assert_eq!(
                n, expected,
                "after kill at {delay_ms} ms (status {status:?}): a partial import is visible"
            );
            killed_mid_import += 1;
        }
        let check = t.json(&["check"]);
        assert_eq!(check["ok"], true, "{check}");
    }
    assert!(
        killed_mid_import >= 2,
        "the import finished too fast to test a kill ({killed_mid_import} kills)"
    );
}
