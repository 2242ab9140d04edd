//! A scan of every file Schakel writes (database, WAL, shm, key file, backups, restored
//! and kept stores, statistics exports, whatever else lands in the directories) finds no
//! canary: not a word typed into any free-text field, not a passphrase, not the recovery
//! key, not the data key (hex or raw). Each canary is looked for as UTF-8 and as UTF-16LE,
//! in every file's raw bytes and, for a zip (XLSX), in every inflated part.
//!
//! The one exception: statistics exports name partners (the publishing organisation, and
//! senders and receivers in the network tables), so partner names are allowed in exports
//! and nowhere else.
//!
//! Canaries are plain words (no digits): free text is refused when it holds an identifier.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use schakel_core::cases::{CaseProfile, NewCase};
use schakel_core::follow_ups::NewFollowUp;
use schakel_core::partners::{NewPartner, NewProject, PartnerKind};
use schakel_core::referrals::{EventKind, NewEvent, NewReferral, ReferralMode};
use schakel_core::signals::NewSignal;
use schakel_core::stats::export::{ExportOptions, Format, write_file};
use schakel_core::stats::{Lang, MonthlyRequest, Scope};
use schakel_core::users::NewUser;
use schakel_core::{InitStore, Store};
use schakel_tests::{assert_ok, bin, contains};

const PASSPHRASE: &str = "zebrakanarie okapiwachtzin plooitrommel";
const USER_PASSPHRASE: &str = "capibarakanarie tweede wachtzin lantaarn";
const NEW_PASSPHRASE: &str = "gordeldierkanarie vervangen wachtzin";
const RECOVERED_PASSPHRASE: &str = "miereneterkanarie hersteld met sleutel";
const PARTNER: &str = "Gnoekanarie Welzijnshuis";
const NETWORK_PARTNER: &str = "Lamakanarie Onthaalpunt";
const WORKER: &str = "Tapirkanarie Medewerker";
const USER: &str = "Axolotlkanarie Collega";
const PROJECT_CODE: &str = "KWAGGAKANARIE";
const PROJECT_NAME: &str = "Kwaggakanarie buurtproject";
const NOTE: &str = "Gesprek over de huur met narwalkanarie als codewoord";
const SIGNAL: &str = "Wachtlijst dugongkanarie blijft te lang";
const FOLLOW_UP: &str = "Terugbellen over wombatkanarie";
const OUTSIDE: &str = "Dienst Quokkakanarie";
const HANDOVER: &str = "Overdracht: pelikaankanarie belt liefst in de voormiddag";

/// Canaries a user types, with whether an export may name them (partner names only).
const TYPED: &[(&str, bool)] = &[
    (PASSPHRASE, false),
    (USER_PASSPHRASE, false),
    (NEW_PASSPHRASE, false),
    (RECOVERED_PASSPHRASE, false),
    (PARTNER, true),
    (NETWORK_PARTNER, true),
    (WORKER, false),
    (USER, false),
    (PROJECT_CODE, false),
    (PROJECT_NAME, false),
    (NOTE, false),
    (SIGNAL, false),
    (FOLLOW_UP, false),
    (OUTSIDE, false),
    (HANDOVER, false),
];

/// Every canary, with the secrets known only after creation.
struct Canaries(Vec<(String, Vec<u8>, bool)>);

impl Canaries {
    /// The typed canaries (also each distinctive word alone: a field cut short or split
    /// would still show), the recovery key as shown and without dashes, and the data key
    /// in hex and raw.
    fn new(recovery_key: &str, data_key_hex: &str) -> Canaries {
        let mut all = Vec::new();
        for &(text, in_exports) in TYPED {
            all.push((text.to_owned(), text.as_bytes().to_vec(), in_exports));
            for word in text.split(' ').filter(|w| *w != text && w.to_lowercase().contains("kanarie")) {
                all.push((word.to_owned(), word.as_bytes().to_vec(), in_exports));
            }
        }
        for secret in [recovery_key.to_owned(), recovery_key.replace('-', ""), data_key_hex.to_owned()] {
            all.push((secret.clone(), secret.into_bytes(), false));
        }
        let raw = (0..data_key_hex.len() / 2)
            .map(|i| u8::from_str_radix(&data_key_hex[2 * i..2 * i + 2], 16).unwrap())
            .collect::<Vec<u8>>();
        assert_eq!(raw.len(), 32, "a 256-bit data key");
        all.push(("the raw data key".to_owned(), raw, false));
        Canaries(all)
    }
}

/// How a file is scanned: as a store file (every canary) or as an export (partner names
/// allowed).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Store,
    Export,
}

/// `needle` as UTF-16LE, when it is text.
fn utf16le(needle: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(needle).ok()?;
    Some(text.encode_utf16().flat_map(u16::to_le_bytes).collect())
}

/// Every canary found in `bytes`, named with `label`.
fn scan_bytes(label: &str, bytes: &[u8], canaries: &Canaries, kind: Kind, hits: &mut Vec<String>) {
    for (name, needle, in_exports) in &canaries.0 {
        if kind == Kind::Export && *in_exports {
            continue;
        }
        if contains(bytes, needle) {
            hits.push(format!("{label}: {name:?} (UTF-8/raw)"));
        }
        if let Some(wide) = utf16le(needle)
            && contains(bytes, &wide)
        {
            hits.push(format!("{label}: {name:?} (UTF-16LE)"));
        }
    }
    // A zip (XLSX) keeps its parts deflated: scan each part inflated too.
    if bytes.starts_with(b"PK\x03\x04") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            let name = format!("{label}!{}", part.name().unwrap());
            let mut inflated = Vec::new();
            part.read_to_end(&mut inflated).unwrap();
            scan_bytes(&name, &inflated, canaries, kind, hits);
        }
    }
}

/// Every file under `dir`, however deep.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Scans every file under `dir`; returns the canaries found, naming file and canary.
fn scan_dir(dir: &Path, canaries: &Canaries, kind: Kind) -> Vec<String> {
    let mut hits = Vec::new();
    for file in files_under(dir) {
        let bytes = std::fs::read(&file).unwrap();
        scan_bytes(&file.display().to_string(), &bytes, canaries, kind, &mut hits);
    }
    hits
}

fn assert_clean(what: &str, hits: &[String]) {
    assert!(hits.is_empty(), "canaries found {what}:\n  {}", hits.join("\n  "));
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 10, d).unwrap()
}

fn profile(project: Option<&str>) -> CaseProfile {
    CaseProfile {
        entry_route: "outreach".into(),
        municipality: "21004".into(),
        age_band: "35_44".into(),
        household_type: "single_parent".into(),
        gender: None,
        contact_language: None,
        interpreter: None,
        residence_status: None,
        life_domains: vec!["housing".into()],
        project: project.map(Into::into),
    }
}

/// Fills every free-text field the core offers with a canary, in one transaction (so
/// it sits in the WAL until a checkpoint).
fn fill(store: &mut Store) {
    store
        .write(|w| {
            let network = w.add_partner(&NewPartner {
                id: None,
                kind: Some(PartnerKind::Caw),
                name: NETWORK_PARTNER.into(),
                municipality: Some("21004".into()),
            })?;
            w.add_project(&NewProject {
                id: None,
                code: PROJECT_CODE.into(),
                name: PROJECT_NAME.into(),
                starts_on: day(1),
                ends_on: None,
            })?;
            for i in 0..12 {
                let case_id = w
                    .open_case(&NewCase {
                        id: None,
                        code: None,
                        opened_on: Some(day(1 + i)),
                        owner_partner_id: None,
                        owner_worker_id: None,
                        profile: profile((i % 2 == 0).then_some(PROJECT_CODE)),
                    })?
                    .summary
                    .id;
                w.add_note(case_id, NOTE, None)?;
                w.add_signal(&NewSignal {
                    id: None,
                    case_id,
                    theme: "waiting_lists".into(),
                    text: SIGNAL.into(),
                })?;
                w.add_follow_up(&NewFollowUp {
                    id: None,
                    case_id,
                    referral_id: None,
                    rights_check_id: None,
                    due_on: day(20),
                    purpose: "call_back".into(),
                    purpose_text: Some(FOLLOW_UP.into()),
                    assignee_id: None,
                })?;
                let (to_partner_id, outside_service) =
                    if i % 2 == 0 { (Some(network), None) } else { (None, Some(OUTSIDE.into())) };
                let referral = w.create_referral(&NewReferral {
                    id: None,
                    case_id,
                    to_partner_id,
                    outside_service,
                    life_domain: "housing".into(),
                    mode: ReferralMode::Cold,
                    project: None,
                })?;
                for (kind, on) in [(EventKind::Consent, day(2 + i)), (EventKind::Sent, day(2 + i))] {
                    w.record_event(&NewEvent {
                        id: None,
                        referral_id: referral,
                        kind,
                        occurred_on: on,
                        partner_id: None,
                        worker_id: None,
                        reason: None,
                    })?;
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn every_file_the_core_writes_is_free_of_canaries() {
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("store");
    let exports = dir.path().join("exports");
    let backups = dir.path().join("backups");
    for d in [&store_dir, &exports, &backups] {
        std::fs::create_dir(d).unwrap();
    }
    let db = store_dir.join("schakel.db");
    let init = InitStore {
        partner_kind: PartnerKind::Ocmw,
        partner_name: PARTNER.into(),
        municipality: Some("21004".into()),
        worker_name: WORKER.into(),
    };
    let (mut store, recovery_key) = Store::create(&db, &init, PASSPHRASE).unwrap();
    store.set_today(day(31));
    let canaries =
        Canaries::new(recovery_key.as_str(), &schakel_core::testing::data_key_hex(&db, PASSPHRASE).unwrap());
    drop(recovery_key);
    store.checkpoint().unwrap();
    fill(&mut store);
    store
        .add_user(&NewUser {
            display_name: USER.into(),
            roles: vec![schakel_core::access::Role::Caseworker],
            passphrase: USER_PASSPHRASE.into(),
        })
        .unwrap();

    // Open, the writes not yet checkpointed: database, WAL, shm and key file.
    let wal = std::fs::read(db.with_extension("db-wal")).unwrap();
    assert!(wal.len() > 8 * 4096, "the writes should sit in the WAL ({} bytes)", wal.len());
    assert!(db.with_extension("db-shm").exists());
    assert_clean("in the open store before a checkpoint", &scan_dir(&store_dir, &canaries, Kind::Store));

    // A backup.
    store.backup_to(&backups.join("b.schakelbackup")).unwrap();
    assert_clean("in the backup", &scan_dir(&backups, &canaries, Kind::Store));

    // The statistics exports, every format, both scopes.
    for scope in [Scope::Partner, Scope::Network] {
        let stats = store
            .monthly_statistics(&MonthlyRequest {
                month: "2026-10".into(),
                scope,
                threshold: None,
                sensitive_threshold: None,
                lang: Lang::Nl,
            })
            .unwrap();
        assert!(!stats.tables.is_empty());
        for format in [Format::Csv, Format::Xlsx, Format::Json, Format::Html] {
            let file = exports.join(format!("{scope:?}.{}", format.extension()));
            write_file(&stats, &ExportOptions { format, belgian_csv: true }, &file).unwrap();
            store.record_statistics_export(&stats, format).unwrap();
        }
    }
    let written = files_under(&exports);
    assert_eq!(written.len(), 8, "{written:?}");
    assert!(
        std::fs::read(exports.join("Network.xlsx")).unwrap().starts_with(b"PK\x03\x04"),
        "the XLSX is a zip, scanned part by part"
    );
    assert_clean("in the exports", &scan_dir(&exports, &canaries, Kind::Export));
    // The exports do name the partners (the reason for the exception above).
    let json = std::fs::read_to_string(exports.join("Network.json")).unwrap();
    assert!(json.contains(PARTNER), "the report names its partner");

    // After a checkpoint, after closing, and after opening it again.
    store.checkpoint().unwrap();
    assert_clean("in the store after a checkpoint", &scan_dir(&store_dir, &canaries, Kind::Store));
    store.close("locked").unwrap();
    assert_clean("in the closed store", &scan_dir(&store_dir, &canaries, Kind::Store));
    // The second user's session (their own key slot) adds nothing readable either.
    let store = Store::open(&db, USER_PASSPHRASE).unwrap();
    store.close("locked").unwrap();
    assert_clean("after the second user's session", &scan_dir(&store_dir, &canaries, Kind::Store));
}

/// A referral to a partner in another store: the bundle that carries it (with a handover
/// note and the case code) and the receiving store's files hold no canary in the clear; the
/// note arrives, readable through the receiving store only.
#[test]
fn a_bundle_and_the_store_that_receives_it_are_free_of_canaries() {
    let dir = tempfile::tempdir().unwrap();
    let (ocmw_dir, caw_dir, outbox) =
        (dir.path().join("ocmw"), dir.path().join("caw"), dir.path().join("outbox"));
    for d in [&ocmw_dir, &caw_dir, &outbox] {
        std::fs::create_dir(d).unwrap();
    }
    let make = |path: &Path, kind, name: &str| {
        let init = InitStore {
            partner_kind: kind,
            partner_name: name.into(),
            municipality: Some("21004".into()),
            worker_name: WORKER.into(),
        };
        Store::create(path, &init, PASSPHRASE).unwrap()
    };
    let (mut ocmw, recovery_key) = make(&ocmw_dir.join("ocmw.db"), PartnerKind::Ocmw, PARTNER);
    let (mut caw, _) = make(&caw_dir.join("caw.db"), PartnerKind::Caw, NETWORK_PARTNER);
    let canaries = Canaries::new(
        recovery_key.as_str(),
        &schakel_core::testing::data_key_hex(&ocmw_dir.join("ocmw.db"), PASSPHRASE).unwrap(),
    );
    let link = |a: &mut Store, b: &mut Store, b_kind| {
        let card = b.identity_card().unwrap();
        a.write(|w| {
            w.add_partner(&NewPartner {
                id: Some(card.partner_id),
                kind: Some(b_kind),
                name: card.partner_name.clone(),
                municipality: None,
            })
        })
        .unwrap();
        a.pin_partner_card(&card, Some(&card.fingerprint().unwrap().words_text())).unwrap();
    };
    link(&mut ocmw, &mut caw, PartnerKind::Caw);
    link(&mut caw, &mut ocmw, PartnerKind::Ocmw);
    let caw_id = caw.self_partner_id().unwrap();
    ocmw.set_today(day(31));
    let (referral, code) = ocmw
        .write(|w| {
            let case = w.open_case(&NewCase {
                id: None,
                code: None,
                opened_on: Some(day(2)),
                owner_partner_id: None,
                owner_worker_id: None,
                profile: profile(None),
            })?;
            w.add_note(case.summary.id, NOTE, None)?;
            let r = w.create_referral(&NewReferral {
                id: None,
                case_id: case.summary.id,
                to_partner_id: Some(caw_id),
                outside_service: None,
                life_domain: "housing".into(),
                mode: ReferralMode::Warm,
                project: None,
            })?;
            w.share_with_referral(
                r,
                &schakel_core::exchange::Shared {
                    handover_note: Some(HANDOVER.into()),
                    ..Default::default()
                },
            )?;
            for kind in [EventKind::Consent, EventKind::Sent] {
                w.record_event(&NewEvent {
                    id: None,
                    referral_id: r,
                    kind,
                    occurred_on: day(3),
                    partner_id: None,
                    worker_id: None,
                    reason: None,
                })?;
            }
            Ok((r, case.summary.code))
        })
        .unwrap();
    let (bundle, _) = ocmw.export_bundle(caw_id).unwrap().unwrap();
    let file = outbox.join("ocmw-naar-caw.json");
    schakel_core::exchange::write_bundle(&bundle, &file).unwrap();
    let mut hits = scan_dir(&outbox, &canaries, Kind::Store);
    let text = std::fs::read_to_string(&file).unwrap();
    for (what, plain) in [("the case code", code.as_str()), ("the life domain", "housing")] {
        if text.contains(plain) {
            hits.push(format!("{what} in the bundle"));
        }
    }
    assert_clean("in the bundle", &hits);

    let got = caw.import_bundle(&schakel_core::exchange::read_bundle(&file).unwrap()).unwrap();
    assert_eq!(got.referrals, 1);
    let shared = caw.referral_shared(referral).unwrap().unwrap();
    assert_eq!(shared.handover_note.as_deref(), Some(HANDOVER), "the note arrives, inside the store");
    assert_clean("in the receiving store", &scan_dir(&caw_dir, &canaries, Kind::Store));
    caw.checkpoint().unwrap();
    assert_clean("in the receiving store after a checkpoint", &scan_dir(&caw_dir, &canaries, Kind::Store));
    assert_clean("in the sending store", &scan_dir(&ocmw_dir, &canaries, Kind::Store));
}

/// The `schakel` CLI with a canary passphrase.
fn cli(db: &Path, passphrase: &str, args: &[&str]) -> std::process::Output {
    Command::new(bin())
        .arg("--store")
        .arg(db)
        .arg("--json")
        .args(args)
        .env("SCHAKEL_PASSPHRASE", passphrase)
        .env("SCHAKEL_NEW_PASSPHRASE", USER_PASSPHRASE)
        .env_remove("SCHAKEL_STORE")
        .output()
        .unwrap()
}

fn cli_json(db: &Path, passphrase: &str, args: &[&str]) -> serde_json::Value {
    let out = cli(db, passphrase, args);
    assert_ok(&out);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn every_file_the_cli_writes_is_free_of_canaries() {
    let dir = tempfile::tempdir().unwrap();
    let store_dir = dir.path().join("store");
    let out_dir = dir.path().join("out");
    let exports = dir.path().join("exports");
    for d in [&store_dir, &out_dir, &exports] {
        std::fs::create_dir(d).unwrap();
    }
    let db = store_dir.join("schakel.db");
    let p = PASSPHRASE;
    let created = cli_json(
        &db,
        p,
        &[
            "init",
            "--partner-kind",
            "ocmw",
            "--partner-name",
            PARTNER,
            "--municipality",
            "21004",
            "--worker",
            WORKER,
        ],
    );
    let recovery_key = created["recovery_key"].as_str().unwrap().to_owned();
    let canaries = Canaries::new(&recovery_key, &schakel_core::testing::data_key_hex(&db, p).unwrap());

    cli_json(&db, p, &["partners", "add", "--kind", "caw", "--name", NETWORK_PARTNER]);
    cli_json(
        &db,
        p,
        &["projects", "add", "--code", PROJECT_CODE, "--name", PROJECT_NAME, "--from", "01/10/2026"],
    );
    for i in 1..=6 {
        let opened = format!("{i:02}/10/2026");
        let mut open = vec![
            "cases",
            "open",
            "--entry-route",
            "outreach",
            "--municipality",
            "21004",
            "--age-band",
            "35_44",
            "--household",
            "single",
            "--domain",
            "housing",
            "--opened-on",
            &opened,
        ];
        if i % 2 == 0 {
            open.extend(["--project", PROJECT_CODE]);
        }
        let code = cli_json(&db, p, &open)["code"].as_str().unwrap().to_owned();
        cli_json(&db, p, &["cases", "note", &code, NOTE]);
        cli_json(&db, p, &["cases", "signal", &code, "--theme", "waiting_lists", SIGNAL]);
        cli_json(
            &db,
            p,
            &[
                "followups",
                "add",
                &code,
                "--due",
                "20/12/2026",
                "--purpose",
                "call_back",
                "--text",
                FOLLOW_UP,
            ],
        );
        let to = if i % 2 == 0 { ["--to", NETWORK_PARTNER] } else { ["--outside", OUTSIDE] };
        let referral = cli_json(
            &db,
            p,
            &["referrals", "add", &code, to[0], to[1], "--domain", "housing", "--mode", "cold"],
        );
        let referral = referral["id"].as_str().unwrap().to_owned();
        for kind in ["consent", "sent"] {
            cli_json(&db, p, &["referrals", "event", &referral, kind, "--on", &opened]);
        }
    }
    cli_json(&db, p, &["users", "add", "--name", USER, "--role", "caseworker"]);
    let changed = Command::new(bin())
        .args(["--store", db.to_str().unwrap(), "--json", "passphrase"])
        .env("SCHAKEL_PASSPHRASE", p)
        .env("SCHAKEL_NEW_PASSPHRASE", NEW_PASSPHRASE)
        .env_remove("SCHAKEL_STORE")
        .output()
        .unwrap();
    assert_ok(&changed);
    let p = NEW_PASSPHRASE;

    // Backups: made, checked, restored (which keeps the replaced files beside the store).
    let backup = out_dir.join("b.schakelbackup");
    let backup = backup.to_str().unwrap();
    cli_json(&db, p, &["backup", "create", "--out", backup]);
    cli_json(&db, p, &["backup", "verify", backup]);
    cli_json(&db, p, &["backup", "restore", backup]);
    let kept = files_under(&store_dir);
    assert!(kept.iter().any(|f| f.to_string_lossy().contains(".before-restore-")), "{kept:?}");

    // Statistics in every format, plus the checks that only read.
    for format in ["csv", "xlsx", "json", "html"] {
        let file = exports.join(format!("october.{format}"));
        cli_json(
            &db,
            p,
            &[
                "stats",
                "monthly",
                "--month",
                "2026-10",
                "--scope",
                "network",
                "--format",
                format,
                "--out",
                file.to_str().unwrap(),
            ],
        );
    }
    assert_eq!(files_under(&exports).len(), 4);
    cli_json(&db, p, &["check"]);
    cli_json(&db, p, &["audit", "verify"]);
    cli_json(&db, USER_PASSPHRASE, &["cases", "count"]);
    // The recovery key sets a new passphrase (the key file rewritten once more).
    let recovered = Command::new(bin())
        .args(["--store", db.to_str().unwrap(), "--json", "recover"])
        .env("SCHAKEL_RECOVERY_KEY", &recovery_key)
        .env("SCHAKEL_NEW_PASSPHRASE", RECOVERED_PASSPHRASE)
        .env_remove("SCHAKEL_PASSPHRASE")
        .env_remove("SCHAKEL_STORE")
        .output()
        .unwrap();
    assert_ok(&recovered);
    cli_json(&db, RECOVERED_PASSPHRASE, &["cases", "count"]);

    assert_clean("in the store directory", &scan_dir(&store_dir, &canaries, Kind::Store));
    assert_clean("in the backup directory", &scan_dir(&out_dir, &canaries, Kind::Store));
    assert_clean("in the exports", &scan_dir(&exports, &canaries, Kind::Export));
    // Nothing else appeared anywhere in the test's directory.
    assert_eq!(
        files_under(dir.path()).len(),
        files_under(&store_dir).len() + files_under(&out_dir).len() + files_under(&exports).len()
    );
}

#[test]
fn the_scan_finds_a_canary_however_it_is_written() {
    // Control: plain UTF-8, UTF-16LE, inside a deflated zip part, and the raw data key.
    let dir = tempfile::tempdir().unwrap();
    let key_hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    let canaries = Canaries::new("ABCD-EFGH", key_hex);
    std::fs::write(dir.path().join("plain.log"), format!("line one\nnote: {NOTE}\n")).unwrap();
    let wide: Vec<u8> = SIGNAL.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(dir.path().join("wide.db"), [b"\0\0".as_slice(), &wide].concat()).unwrap();
    let mut zipped = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let deflated =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zipped.start_file("xl/sharedStrings.xml", deflated).unwrap();
    std::io::Write::write_all(&mut zipped, format!("<t>{FOLLOW_UP}</t>").repeat(20).as_bytes()).unwrap();
    let zipped = zipped.finish().unwrap().into_inner();
    assert!(!contains(&zipped, FOLLOW_UP.as_bytes()), "deflated: not visible in the raw bytes");
    std::fs::write(dir.path().join("report.xlsx"), zipped).unwrap();
    let raw_key: Vec<u8> =
        (0..32).map(|i| u8::from_str_radix(&key_hex[2 * i..2 * i + 2], 16).unwrap()).collect();
    std::fs::write(dir.path().join("keys"), [b"slot".as_slice(), &raw_key].concat()).unwrap();
    std::fs::write(dir.path().join("export.csv"), PARTNER).unwrap();

    let hits = scan_dir(dir.path(), &canaries, Kind::Store);
    let found = |file: &str, canary: &str| hits.iter().any(|h| h.contains(file) && h.contains(canary));
    assert!(found("plain.log", NOTE), "{hits:#?}");
    assert!(found("wide.db", SIGNAL) && hits.iter().any(|h| h.contains("UTF-16LE")), "{hits:#?}");
    assert!(found("report.xlsx!xl/sharedStrings.xml", FOLLOW_UP), "{hits:#?}");
    assert!(found("keys", "the raw data key"), "{hits:#?}");
    assert!(found("export.csv", PARTNER), "{hits:#?}");
    // As an export, a partner's name is allowed; nothing else is.
    let as_export = scan_dir(dir.path(), &canaries, Kind::Export);
    assert!(!as_export.iter().any(|h| h.contains("export.csv")), "{as_export:#?}");
    assert!(as_export.iter().any(|h| h.contains("plain.log")), "{as_export:#?}");
}
