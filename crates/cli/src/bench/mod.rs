//! `schakel bench`: builds (once, cached) a network-scale demo store and times what a
//! caseworker, a coordinator and an exporter wait for, on the encrypted store and on a
//! plaintext copy of it with the same schema, in the same run, with the ratio of the two.
//! A benchmark, not a test: it reports, never fails on a slow figure.

mod exchange;
mod import;
mod measure;
mod workload;

use std::path::{Path, PathBuf};
use std::time::Instant;

use schakel_core::partners::PartnerKind;
use schakel_core::{InitStore, Store};
use serde::Serialize;

use crate::args::BenchArgs;
use crate::exit::CliResult;
use crate::out::Out;
use measure::{Timing, ms, peak_rss_mib, reset_peak_rss, summarise};
use workload::Class;

#[derive(Debug, Serialize)]
struct Figure {
    name: &'static str,
    class: Class,
    target_ms: Option<f64>,
    encrypted: Timing,
    plain: Timing,
    /// Encrypted median / plain median.
    ratio: f64,
}

#[derive(Debug, Serialize)]
struct Import {
    records: u64,
    encrypted_records_per_second: f64,
    plain_records_per_second: f64,
    ratio: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    cases: u32,
    counts: Vec<(&'static str, i64)>,
    build_seconds: Option<f64>,
    build_records_per_second: Option<f64>,
    /// Argon2id and opening the database (the plain copy: opening only).
    unlock: Timing,
    plain_open: Timing,
    db_bytes: u64,
    plain_db_bytes: u64,
    peak_rss_mib_encrypted: Option<f64>,
    peak_rss_mib_plain: Option<f64>,
    figures: Vec<Figure>,
    import: Option<Import>,
    exchange: Option<exchange::Exchange>,
}

fn init(name: &str) -> InitStore {
    InitStore {
        partner_kind: PartnerKind::Ocmw,
        partner_name: name.into(),
        municipality: Some("21001".into()),
        worker_name: "Bench".into(),
    }
}

/// `<stem>.plain.db` beside the store.
fn plain_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".plain");
    PathBuf::from(s)
}

fn file_size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

pub fn run(path: &Path, a: &BenchArgs, o: Out) -> CliResult {
    let pass = crate::secret::passphrase()?;
    if a.import_only {
        let i = import_throughput(&pass, a.import_cases.max(1), &o)?;
        o.emit(&i, print_import);
        return Ok(());
    }
    if a.exchange_only {
        let e = exchange::measure(a.exchange_referrals.max(1), &pass)?;
        o.emit(&e, exchange::print);
        return Ok(());
    }
    let mut build_seconds = None;
    let mut build_rate = None;
    if !path.exists() {
        let (mut store, _recovery) = Store::create(path, &init("OCMW Bench"), &pass)?;
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

    // Unlock: Argon2id and the open, each run a new process-level open.
    let mut unlocks = Vec::new();
    for _ in 0..a.unlock_runs.max(1) {
        let t = Instant::now();
        let store = Store::open(path, &pass)?;
        unlocks.push(ms(t.elapsed()));
        drop(store);
    }
    let unlock = summarise(unlocks);

    let plain = plain_path(path);
    let worker;
    {
        let store = Store::open(path, &pass)?;
        worker = store.actor().worker_id;
        if !plain.exists() {
            let pb = o.progress("plain copy");
            store.export_plain_copy_for_bench(&plain)?;
            pb.finish_and_clear();
        }
    }

    // Peak memory: each store alone, every operation once.
    reset_peak_rss();
    let store = Store::open(path, &pass)?;
    let counts = store.record_counts()?;
    workload::once(&store, a.runs)?;
    drop(store);
    let peak_rss_mib_encrypted = peak_rss_mib();
    reset_peak_rss();
    let plain_store = Store::open_plain_for_bench(&plain, worker)?;
    workload::once(&plain_store, a.runs)?;
    drop(plain_store);
    let peak_rss_mib_plain = peak_rss_mib();

    let mut plain_opens = Vec::new();
    for _ in 0..a.unlock_runs.max(1) {
        let t = Instant::now();
        let s = Store::open_plain_for_bench(&plain, worker)?;
        plain_opens.push(ms(t.elapsed()));
        drop(s);
    }

    // Timing: both stores open, each operation in alternation.
    let store = Store::open(path, &pass)?;
    let plain_store = Store::open_plain_for_bench(&plain, worker)?;
    let figures = workload::run(&store, &plain_store, a.runs)?
        .into_iter()
        .map(|m| Figure {
            name: m.name,
            class: m.class,
            target_ms: m.class.target_ms(),
            ratio: if m.plain.median_ms > 0.0 { m.encrypted.median_ms / m.plain.median_ms } else { 0.0 },
            encrypted: m.encrypted,
            plain: m.plain,
        })
        .collect();
    drop(store);
    drop(plain_store);

    let import = if a.import_cases > 0 { Some(import_throughput(&pass, a.import_cases, &o)?) } else { None };
    let exchange =
        if a.exchange_referrals > 0 { Some(exchange::measure(a.exchange_referrals, &pass)?) } else { None };

    let report = Report {
        cases: a.cases,
        counts,
        build_seconds,
        build_records_per_second: build_rate,
        unlock,
        plain_open: summarise(plain_opens),
        db_bytes: file_size(path),
        plain_db_bytes: file_size(&plain),
        peak_rss_mib_encrypted,
        peak_rss_mib_plain,
        figures,
        import,
        exchange,
    };
    if let Some(out) = &a.out
        && let Ok(s) = serde_json::to_string_pretty(&report)
    {
        std::fs::write(out, s).map_err(schakel_core::Error::from)?;
    }
    o.emit(&report, |r| print(path, r));
    Ok(())
}

/// Imports the same record file into new encrypted and plaintext stores, in alternation,
/// three times each; the median of each.
fn import_throughput(pass: &str, cases: u32, o: &Out) -> schakel_core::Result<Import> {
    let dir = tempfile::tempdir()?;
    let file = dir.path().join("records.jsonl");
    let (mut records, mut enc_secs, mut plain_secs) = (0, Vec::new(), Vec::new());
    let pb = o.progress("import");
    for round in 0..3 {
        let enc_path = dir.path().join(format!("import-{round}.db"));
        let plain_path = dir.path().join(format!("import-{round}-plain.db"));
        let (mut store, _) = Store::create(&enc_path, &init("OCMW Import"), pass)?;
        if round == 0 {
            records = import::write_record_file(&store, &file, cases)?;
        }
        let worker = store.actor().worker_id;
        store.export_plain_copy_for_bench(&plain_path)?;
        let t = Instant::now();
        schakel_core::import::import_file(&mut store, &file, &mut |_, _| {})?;
        enc_secs.push(t.elapsed().as_secs_f64());
        drop(store);
        let mut plain = Store::open_plain_for_bench(&plain_path, worker)?;
        let t = Instant::now();
        schakel_core::import::import_file(&mut plain, &file, &mut |_, _| {})?;
        plain_secs.push(t.elapsed().as_secs_f64());
        drop(plain);
        for p in [&enc_path, &plain_path] {
            let _ = std::fs::remove_file(p);
        }
        pb.set_position(round + 1);
    }
    pb.finish_and_clear();
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f64::INFINITY)
    };
    let enc_rate = records as f64 / median(enc_secs);
    let plain_rate = records as f64 / median(plain_secs);
    Ok(Import {
        records,
        encrypted_records_per_second: enc_rate,
        plain_records_per_second: plain_rate,
        ratio: plain_rate / enc_rate,
    })
}

fn print_import(i: &Import) {
    println!(
        "Import of {} records: {:.0} records/s encrypted, {:.0} plain (ratio {:.2}) [target >= 50000: {}]",
        i.records,
        i.encrypted_records_per_second,
        i.plain_records_per_second,
        i.ratio,
        verdict(i.encrypted_records_per_second >= 50_000.0)
    );
}

fn verdict(ok: bool) -> &'static str {
    if ok { "ok" } else { "MISSED" }
}

fn print(path: &Path, r: &Report) {
    println!(
        "Store: {} ({} cases, {:.1} MB; plain copy {:.1} MB)",
        path.display(),
        r.cases,
        r.db_bytes as f64 / 1e6,
        r.plain_db_bytes as f64 / 1e6
    );
    let counts: Vec<String> = r.counts.iter().map(|(t, n)| format!("{t} {n}")).collect();
    println!("Rows: {}", counts.join(", "));
    if let (Some(s), Some(rate)) = (r.build_seconds, r.build_records_per_second) {
        println!("Built in {s:.1} s ({rate:.0} records/s)");
    }
    println!(
        "Unlock (Argon2id + open): median {:.0} ms, p95 {:.0} ms [target < 1000 ms: {}]; plain open {:.1} ms",
        r.unlock.median_ms,
        r.unlock.p95_ms,
        verdict(r.unlock.p95_ms < 1000.0),
        r.plain_open.median_ms
    );
    println!(
        "{:<46} {:>9} {:>9} {:>9} {:>9} {:>6} {:>8}",
        "operation", "enc med", "enc p95", "plain med", "plain p95", "ratio", "target"
    );
    for f in &r.figures {
        let target = match f.target_ms {
            Some(t) => format!("{} {}", if f.encrypted.p95_ms < t { "ok" } else { "MISSED" }, t),
            None => "-".into(),
        };
        println!(
            "{:<46} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>6.2} {:>8}",
            f.name,
            f.encrypted.median_ms,
            f.encrypted.p95_ms,
            f.plain.median_ms,
            f.plain.p95_ms,
            f.ratio,
            target
        );
    }
    if let Some(i) = &r.import {
        print_import(i);
    }
    if let Some(e) = &r.exchange {
        exchange::print(e);
    }
    let rss = |v: Option<f64>| v.map_or("n/a".into(), |m| format!("{m:.0} MiB"));
    println!(
        "Peak RSS: {} encrypted, {} plain [target < 200 MiB: {}]",
        rss(r.peak_rss_mib_encrypted),
        rss(r.peak_rss_mib_plain),
        verdict(r.peak_rss_mib_encrypted.is_some_and(|m| m < 200.0))
    );
}
