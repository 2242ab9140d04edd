//! The exchange end to end through the `schakel` binary, with three stores set up as their
//! administrators would (OCMW, CAW, and the network's coordinator): a warm referral travels
//! OCMW → CAW → back, and to the coordinator, by bundle files and through a real PostgreSQL
//! hub (support/pg.rs). Refused bundles and envelopes change nothing; no case field is in a
//! bundle file or anywhere in the hub's tables.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Output;

use schakel_core::exchange::hub::{Hub, HubConfig};
use schakel_tests::pg::{ADMIN_PASSWORD, ADMIN_USER, PgServer};
use schakel_tests::{TestStore, assert_exit, assert_ok, bin, contains};
use serde_json::Value;
use uuid::Uuid;

const NOTE: &str = "Huurachterstand van drie maanden; zoekt begeleiding bij het budget.";
const OCMW: &str = "OCMW Jette";
const CAW: &str = "CAW Brussel";
const COORD: &str = "GBO Coordinatie Noord";

/// One partner's store, with its identity card as its administrator wrote it.
struct Org {
    t: TestStore,
    name: &'static str,
    kind: &'static str,
    id: String,
    card: PathBuf,
    words: String,
}

impl Org {
    fn new(kind: &'static str, name: &'static str) -> Org {
        let t = TestStore::empty();
        assert_ok(&t.run(&[
            "init",
            "--partner-kind",
            kind,
            "--partner-name",
            name,
            "--municipality",
            "21010",
            "--worker",
            "Medewerker",
        ]));
        let card = t.dir.path().join("card.json");
        let written = t.json(&["partners", "card", "--out", card.to_str().unwrap()]);
        let words = written["fingerprint"]["words"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w.as_str().unwrap())
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(words.split(' ').count(), 10, "{written}");
        let on_card: Value = serde_json::from_slice(&std::fs::read(&card).unwrap()).unwrap();
        let id = on_card["partner_id"].as_str().unwrap().to_owned();
        Org { t, name, kind, id, card, words }
    }

    fn json(&self, args: &[&str]) -> Value {
        self.t.json(args)
    }

    /// Runs with `--json`, whatever the outcome.
    fn run(&self, args: &[&str]) -> Output {
        self.t.cmd().arg("--json").args(args).output().unwrap()
    }

    /// Adds `other` with the id from its card and pins the card with the words it read out.
    fn pin(&self, other: &Org) {
        self.json(&["partners", "add", "--kind", other.kind, "--name", other.name, "--id", &other.id]);
        let pinned = self.json(&["partners", "pin", other.card.to_str().unwrap(), "--words", &other.words]);
        assert_eq!(pinned["how"], "fingerprint", "{pinned}");
        assert_eq!(pinned["partner_id"], other.id.as_str());
    }

    fn export_to(&self, to: &Org, file: &Path) -> Value {
        let v = self.json(&["exchange", "export", "--to", to.name, "--out", file.to_str().unwrap()]);
        let written = v["written"].as_array().unwrap();
        assert_eq!(written.len(), 1, "{v}");
        written[0]["summary"].clone()
    }

    /// Imports bundle files; returns each file's summary.
    fn import(&self, files: &[&Path]) -> Vec<Value> {
        let mut args = vec!["exchange", "import"];
        args.extend(files.iter().map(|f| f.to_str().unwrap()));
        let v = self.json(&args);
        v["imported"].as_array().unwrap().iter().map(|r| r["summary"].clone()).collect()
    }

    fn show(&self, referral: &str) -> Value {
        self.json(&["referrals", "show", referral])
    }

    /// What a refused import must leave as it was: every audit entry but the sessions'
    /// (every change is audited), the exchange status, and the referrals with their events.
    fn observable(&self, referrals: &[&str]) -> Value {
        let audit = self.json(&["audit", "list", "--limit", "1000"]);
        let changes: Vec<&Value> = audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| !e["action"].as_str().unwrap().starts_with("session."))
            .collect();
        let shown: Vec<Value> = referrals.iter().map(|r| self.show(r)).collect();
        serde_json::json!({
            "status": self.json(&["exchange", "status"]),
            "referrals": shown,
            "audit": changes,
        })
    }

    fn audit_verifies(&self) {
        let verify = self.json(&["audit", "verify"]);
        assert_eq!(verify["ok"], true, "{verify}");
        assert!(verify["problems"].as_array().unwrap().is_empty(), "{verify}");
    }
}

/// Three stores that know and have pinned each other; the OCMW and the CAW report to the
/// coordinator.
fn network() -> (Org, Org, Org) {
    let ocmw = Org::new("ocmw", OCMW);
    let caw = Org::new("caw", CAW);
    let coord = Org::new("other", COORD);
    for (a, b) in
        [(&ocmw, &caw), (&ocmw, &coord), (&caw, &ocmw), (&caw, &coord), (&coord, &ocmw), (&coord, &caw)]
    {
        a.pin(b);
    }
    for o in [&ocmw, &caw] {
        let c = o.json(&["exchange", "coordinator", COORD]);
        assert_eq!(c["coordinator"], coord.id.as_str(), "{c}");
    }
    (ocmw, caw, coord)
}

/// The OCMW opens a case and sends a warm housing referral to the CAW with an age band and
/// a handover note: consent and the warm step on 2 March 2026, sent on the 3rd.
/// Returns the case code and the referral id.
fn send_warm_referral(ocmw: &Org) -> (String, String) {
    let code = ocmw.t.open_case(&["--domain", "housing", "--domain", "debts"]);
    let r = ocmw.json(&["referrals", "add", &code, "--to", CAW, "--domain", "housing", "--mode", "warm"]);
    let rid = r["id"].as_str().unwrap().to_owned();
    let shared = ocmw.json(&["exchange", "share", &rid, "--age-band", "25_34", "--note", NOTE]);
    assert_eq!(shared["shared"]["handover_note"], NOTE, "{shared}");
    for (kind, on) in
        [("consent", "02/03/2026"), ("receiver_contacted", "02/03/2026"), ("sent", "03/03/2026")]
    {
        ocmw.json(&["referrals", "event", &rid, kind, "--on", on]);
    }
    assert_eq!(ocmw.show(&rid)["referral"]["state"], "sent");
    (code, rid)
}

/// The CAW accepts on 5 March and meets the client on the 10th (its own dates).
fn caw_answers(caw: &Org, rid: &str) {
    for (kind, on) in [("accepted", "05/03/2026"), ("first_contact", "10/03/2026")] {
        caw.json(&["referrals", "event", rid, kind, "--on", on]);
    }
}

/// The CAW's view of a received referral: the OCMW's case code, what was shared, the sender's
/// dates; no case of its own.
fn check_received(caw: &Org, ocmw: &Org, code: &str, rid: &str) {
    let today = caw.json(&["today"]);
    let incoming = today["incoming_waiting"].as_array().unwrap();
    assert_eq!(incoming.len(), 1, "{today}");
    assert_eq!(incoming[0]["id"], rid);
    assert_eq!(incoming[0]["case_code"], code);
    assert_eq!(incoming[0]["origin"], "received");
    assert_eq!(incoming[0]["sent_on"], "2026-03-03");
    assert_eq!(incoming[0]["mode"], "warm");
    assert_eq!(incoming[0]["life_domain"], "housing");
    let shown = caw.show(rid);
    assert_eq!(shown["referral"]["from_partner_id"], ocmw.id.as_str());
    assert!(shown["referral"]["case_id"].is_null(), "{shown}");
    assert_eq!(shown["shared"]["age_band"], "25_34", "{shown}");
    assert_eq!(shown["shared"]["handover_note"], NOTE, "{shown}");
    assert!(shown["shared"]["household_type"].is_null(), "only what was chosen is shared: {shown}");
    let kinds: Vec<&str> =
        shown["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["consent", "receiver_contacted", "sent"]);
    assert_eq!(caw.t.case_count(), 0, "a received referral opens no case");
}

/// The OCMW's view after the CAW's answers arrived: first contact, on the CAW's dates and
/// with the CAW's own recording times.
fn check_answered(ocmw: &Org, caw: &Org, rid: &str) {
    let here = ocmw.show(rid);
    let there = caw.show(rid);
    assert_eq!(here["referral"]["state"], "first_contact", "{here}");
    assert_eq!(here["referral"]["accepted_on"], "2026-03-05");
    assert_eq!(here["referral"]["first_contact_on"], "2026-03-10");
    assert_eq!(here["referral"]["origin"], "own");
    let answers = |v: &Value| -> Vec<Value> {
        v["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["partner_id"] == caw.id.as_str())
            .map(|e| serde_json::json!([e["id"], e["kind"], e["occurred_on"], e["recorded_at"]]))
            .collect()
    };
    assert_eq!(answers(&here).len(), 2, "{here}");
    assert_eq!(answers(&here), answers(&there), "the CAW's events with its own dates and clock");
    for e in here["events"].as_array().unwrap() {
        assert_eq!(e["flags"], serde_json::json!([]), "{e}");
        let received = !e["received_at"].is_null();
        assert_eq!(received, e["partner_id"] == caw.id.as_str(), "{e}");
    }
    let today = ocmw.json(&["today"]);
    assert!(today["sent_waiting"].as_array().unwrap().is_empty(), "{today}");
}

/// The coordinator's view: one warm referral OCMW → CAW, no case details, and its times.
fn check_coordinator(coord: &Org, ocmw: &Org, caw: &Org, rid: &str) {
    let shown = coord.show(rid);
    assert_eq!(shown["referral"]["origin"], "reported", "{shown}");
    assert_eq!(shown["referral"]["case_code"], "", "{shown}");
    assert!(shown["shared"].is_null(), "{shown}");
    assert_eq!(shown["referral"]["state"], "first_contact");
    let kinds: Vec<&str> =
        shown["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["consent", "receiver_contacted", "sent", "accepted", "first_contact"]);
    assert_eq!(coord.t.case_count(), 0);

    let k = coord.json(&["kpi", "referrals", "--from", "01/03/2026", "--to", "31/03/2026"]);
    assert_eq!(k["overall"]["sent"], 1, "{k}");
    assert_eq!(k["overall"]["outcomes"]["accepted"], 1);
    let pairs = k["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{k}");
    assert_eq!(pairs[0]["from"], ocmw.id.as_str());
    assert_eq!(pairs[0]["to"], caw.id.as_str());
    assert_eq!(pairs[0]["sent"], 1);
    let warm = &k["warm_cold"]["warm"];
    assert_eq!(warm["sent"], 1, "{k}");
    assert_eq!(k["warm_cold"]["cold"]["sent"], 0, "{k}");
    // Sent Tuesday 3 March, accepted Thursday 5 March, first contact Tuesday 10 March.
    assert_eq!(warm["to_acceptance"]["calendar_days"]["median"], 2, "{k}");
    assert_eq!(warm["to_acceptance"]["working_days"]["median"], 2);
    assert_eq!(warm["to_first_contact"]["calendar_days"]["median"], 7);
    assert_eq!(warm["to_first_contact"]["working_days"]["median"], 5);
    let names: Vec<&str> =
        k["partners"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(names.contains(&OCMW) && names.contains(&CAW), "{names:?}");
}

/// Case fields that must never travel in the clear.
fn secrets(code: &str) -> Vec<String> {
    [code, NOTE, "Huurachterstand", "housing", "debts", "25_34", "single", "own_initiative", OCMW, CAW, COORD]
        .iter()
        .map(|s| (*s).to_owned())
        .collect()
}

fn assert_absent(what: &str, bytes: &[u8], needles: &[String]) {
    for n in needles {
        assert!(!contains(bytes, n.as_bytes()), "{what} holds '{n}' in the clear");
    }
}

#[test]
fn a_warm_referral_travels_by_bundle_to_the_caw_back_and_to_the_coordinator() {
    let (ocmw, caw, coord) = network();
    let (code, rid) = send_warm_referral(&ocmw);

    // The OCMW exports into a folder: one bundle for the CAW, one for the coordinator,
    // named after them.
    let dir = tempfile::tempdir().unwrap();
    let f = |name: &str| dir.path().join(name);
    let outbox = dir.path().join("uit");
    std::fs::create_dir(&outbox).unwrap();
    let v = ocmw.json(&["exchange", "export", "--dir", outbox.to_str().unwrap()]);
    let written = v["written"].as_array().unwrap();
    assert_eq!(written.len(), 2, "{v}");
    for (to, name) in [(&caw, "ocmw-caw.json"), (&coord, "ocmw-coord.json")] {
        let w = written.iter().find(|w| w["summary"]["recipient"] == to.id.as_str()).unwrap();
        let s = &w["summary"];
        assert_eq!((s["referrals"].as_u64(), s["events"].as_u64()), (Some(1), Some(3)), "{s}");
        let file = PathBuf::from(w["file"].as_str().unwrap());
        let file_name = file.file_name().unwrap().to_str().unwrap().to_owned();
        let slug = to.name.replace(' ', "-");
        assert!(file_name.starts_with(&format!("schakel-OCMW-Jette-naar-{slug}-")), "{file_name}");
        std::fs::rename(&file, f(name)).unwrap();
    }
    assert_eq!(std::fs::read_dir(&outbox).unwrap().count(), 0);

    // The CAW imports: the referral waits for its answer, with the OCMW's case code.
    let s = caw.import(&[&f("ocmw-caw.json")]);
    assert_eq!(s[0]["sender"], ocmw.id.as_str());
    assert_eq!((s[0]["referrals"].as_u64(), s[0]["events"].as_u64()), (Some(1), Some(3)), "{s:?}");
    check_received(&caw, &ocmw, &code, &rid);
    caw_answers(&caw, &rid);
    let s = caw.export_to(&ocmw, &f("caw-ocmw.json"));
    assert_eq!((s["events"].as_u64(), s["receipts"].as_u64()), (Some(2), Some(1)), "{s}");
    caw.export_to(&coord, &f("caw-coord.json"));

    // The OCMW imports: first contact, the CAW's dates; its items are confirmed.
    let s = ocmw.import(&[&f("caw-ocmw.json")]);
    assert_eq!(s[0]["events"], 2, "{s:?}");
    assert_eq!(s[0]["confirmed"], 4, "the referral and its three events: {s:?}");
    check_answered(&ocmw, &caw, &rid);
    let status = ocmw.json(&["exchange", "status"]);
    let to_caw = status.as_array().unwrap().iter().find(|p| p["name"] == CAW).unwrap();
    assert_eq!(to_caw["unconfirmed"], 0, "{status}");

    // The OCMW's list of the referral's events: who recorded each, and that the CAW's
    // came from elsewhere.
    let events = ocmw.json(&["exchange", "events", &rid]);
    let from_caw: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["partner_id"] == caw.id.as_str() && !e["received_at"].is_null())
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(from_caw, ["accepted", "first_contact"], "{events}");

    // The coordinator imports both streams at once (as a person reads it: the text output).
    let out = coord
        .t
        .cmd()
        .args(["exchange", "import"])
        .arg(f("ocmw-coord.json"))
        .arg(f("caw-coord.json"))
        .output()
        .unwrap();
    assert_ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("from {OCMW}: 1 new referral(s), 3 new event(s)")), "{text}");
    assert!(text.contains(&format!("from {CAW}: 0 new referral(s), 2 new event(s)")), "{text}");
    check_coordinator(&coord, &ocmw, &caw, &rid);

    // No bundle holds a case field in the clear.
    let needles = secrets(&code);
    for name in ["ocmw-caw.json", "ocmw-coord.json", "caw-ocmw.json", "caw-coord.json"] {
        let bytes = std::fs::read(f(name)).unwrap();
        assert!(bytes.len() > 200, "{name}");
        assert_absent(name, &bytes, &needles);
    }

    // Crossing answers: the OCMW withdraws a second referral while the CAW accepts it; once
    // the bundles crossed, both stores hold the same events and the same state (the
    // acceptance that came too late is kept, flagged as a conflict).
    let (_, rid2) = send_warm_referral_again(&ocmw);
    ocmw.export_to(&caw, &f("2-ocmw-caw.json"));
    caw.import(&[&f("2-ocmw-caw.json")]);
    caw.json(&["referrals", "event", &rid2, "accepted", "--on", "18/03/2026"]);
    ocmw.json(&["referrals", "event", &rid2, "withdrawn", "--on", "17/03/2026"]);
    caw.export_to(&ocmw, &f("2-caw-ocmw.json"));
    ocmw.export_to(&caw, &f("2-ocmw-caw-b.json"));
    ocmw.import(&[&f("2-caw-ocmw.json")]);
    caw.import(&[&f("2-ocmw-caw-b.json")]);
    let view = |o: &Org| {
        let v = o.show(&rid2);
        let events: Vec<Value> = v["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| serde_json::json!([e["id"], e["kind"], e["occurred_on"], e["partner_id"], e["flags"]]))
            .collect();
        (v["referral"]["state"].clone(), v["referral"]["ended_on"].clone(), events)
    };
    let (here, there) = (view(&ocmw), view(&caw));
    assert_eq!(here, there);
    assert_eq!(here.0, "withdrawn", "{here:?}");
    assert_eq!(here.1, "2026-03-17");
    let accepted = here.2.iter().find(|e| e[1] == "accepted").unwrap();
    assert_eq!(accepted[4], serde_json::json!(["conflict"]), "{accepted}");
}

/// A bundle file changed by `change` (on its JSON), written beside it.
fn changed(src: &Path, name: &str, change: impl FnOnce(&mut Value)) -> PathBuf {
    let mut v: Value = serde_json::from_slice(&std::fs::read(src).unwrap()).unwrap();
    change(&mut v);
    let out = src.with_file_name(name);
    std::fs::write(&out, serde_json::to_vec(&v).unwrap()).unwrap();
    out
}

/// Flips one byte of base64 text in the middle (to another base64 character): one byte
/// of what it encodes changes.
fn flip_base64(s: &str) -> String {
    let mut b = s.as_bytes().to_vec();
    let i = b.len() / 2;
    b[i] = if b[i] == b'A' { b'B' } else { b'A' };
    String::from_utf8(b).unwrap()
}

/// The error's kind and message from `--json`'s standard error.
fn error_of(out: &Output) -> (String, String) {
    let err: Value = serde_json::from_slice(&out.stderr)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (err["error"]["kind"].as_str().unwrap().to_owned(), err["error"]["message"].as_str().unwrap().to_owned())
}

#[test]
fn refused_bundles_change_nothing() {
    let (ocmw, caw, coord) = network();
    let (_code, rid) = send_warm_referral(&ocmw);
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("ocmw-caw.json");
    ocmw.export_to(&caw, &good);

    // Each refusal: its exit code, error kind and message; and the store as it was. (The
    // store is compared after each refusal the brief names, and after a few more refused
    // just before one of those: a refusal that wrote something would show, as the audit
    // log only grows and no later refusal could undo it.)
    let refuse = |t: &Org, file: &Path, code: i32, (kind, says): (&str, &str)| {
        let out = t.run(&["exchange", "import", file.to_str().unwrap()]);
        assert_exit(&out, code);
        let (k, message) = error_of(&out);
        assert_eq!(k, kind, "{}: {message}", file.display());
        assert!(message.contains(says), "{}: {message}", file.display());
    };
    let unchanged = |t: &Org, baseline: &Value, referrals: &[&str], after: &str| {
        assert_eq!(&t.observable(referrals), baseline, "{after} changed the store");
    };

    // A bundle for the CAW, imported by the coordinator.
    let coord_before = coord.observable(&[]);
    refuse(&coord, &good, 26, ("wrong_recipient", "another partner"));
    unchanged(&coord, &coord_before, &[], "a bundle for another partner");
    assert_exit(&coord.run(&["referrals", "show", &rid]), 9);
    coord.audit_verifies();

    // Changed copies of the CAW's bundle, before the CAW has seen the real one: the
    // creation time changed, the signature changed, one byte flipped inside an envelope's
    // body; the signature field removed, or emptied: the signature does not verify.
    let mut caw_now = caw.observable(&[]);
    let later = changed(&good, "later.json", |v| {
        let t = v["envelopes"][0]["created_at"].as_i64().unwrap();
        v["envelopes"][0]["created_at"] = Value::from(t + 1);
    });
    refuse(&caw, &later, 19, ("invalid_signature", "was changed"));
    let wrong_signature = changed(&good, "wrong-signature.json", |v| {
        let sig = v["envelopes"][0]["signature"].as_str().unwrap().to_owned();
        v["envelopes"][0]["signature"] = Value::String(flip_base64(&sig));
    });
    refuse(&caw, &wrong_signature, 19, ("invalid_signature", "was changed"));
    let flipped = changed(&good, "flipped.json", |v| {
        let body = v["envelopes"][0]["body"].as_str().unwrap().to_owned();
        v["envelopes"][0]["body"] = Value::String(flip_base64(&body));
    });
    refuse(&caw, &flipped, 19, ("invalid_signature", "was changed"));
    unchanged(&caw, &caw_now, &[], "a flipped byte");
    // Without the field at all the envelope is not one; an empty signature is none.
    let no_field = changed(&good, "no-signature-field.json", |v| {
        v["envelopes"][0].as_object_mut().unwrap().remove("signature");
    });
    refuse(&caw, &no_field, 8, ("validation", "not a Schakel bundle"));
    let unsigned = changed(&good, "unsigned.json", |v| {
        v["envelopes"][0]["signature"] = Value::String(String::new());
    });
    refuse(&caw, &unsigned, 19, ("invalid_signature", "signature"));
    unchanged(&caw, &caw_now, &[], "a removed signature");

    // A file that is not JSON, and a truncated one.
    let not_json = dir.path().join("not-json.json");
    std::fs::write(&not_json, b"\x00\x01 this is not a bundle").unwrap();
    refuse(&caw, &not_json, 8, ("validation", "not a Schakel bundle"));
    let bytes = std::fs::read(&good).unwrap();
    let truncated = dir.path().join("truncated.json");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    refuse(&caw, &truncated, 8, ("validation", "not a Schakel bundle"));
    unchanged(&caw, &caw_now, &[], "a truncated file");

    // A partner the CAW has not pinned: a DMW that pinned the CAW sends it a referral. Not
    // known at all, then known but its card not pinned: an unknown sender both times.
    let dmw = Org::new("dmw", "DMW Brussel");
    dmw.pin(&caw);
    let dmw_code = dmw.t.open_case(&["--domain", "housing"]);
    let r = dmw.json(&["referrals", "add", &dmw_code, "--to", CAW, "--domain", "housing", "--mode", "cold"]);
    let dmw_rid = r["id"].as_str().unwrap().to_owned();
    dmw.json(&["referrals", "event", &dmw_rid, "consent"]);
    dmw.json(&["referrals", "event", &dmw_rid, "sent"]);
    let from_dmw = dir.path().join("dmw-caw.json");
    dmw.export_to(&caw, &from_dmw);
    refuse(&caw, &from_dmw, 25, ("unknown_sender", &dmw.id));
    unchanged(&caw, &caw_now, &[], "an unknown sender");
    caw.json(&["partners", "add", "--kind", "dmw", "--name", "DMW Brussel", "--id", &dmw.id]);
    caw_now = caw.observable(&[]);
    refuse(&caw, &from_dmw, 25, ("unknown_sender", &dmw.id));
    unchanged(&caw, &caw_now, &[], "a sender known but not pinned");
    assert_exit(&caw.run(&["referrals", "show", &dmw_rid]), 9);

    // The genuine bundle imports after all that (the refused copies of its envelope left
    // nothing behind), once.
    let s = caw.import(&[&good]);
    assert_eq!((s[0]["referrals"].as_u64(), s[0]["events"].as_u64()), (Some(1), Some(3)), "{s:?}");
    let before = caw.observable(&[&rid]);
    let s = caw.import(&[&good]);
    assert_eq!(s[0]["already_seen"], 1, "{s:?}");
    for k in ["envelopes", "referrals", "events", "confirmed"] {
        assert_eq!(s[0][k], 0, "{k}: {s:?}");
    }
    // The second import is audited; nothing else changed.
    caw_now = caw.observable(&[&rid]);
    let mut again = caw_now.clone();
    let audit = again["audit"].as_array_mut().unwrap();
    assert_eq!(audit.len(), before["audit"].as_array().unwrap().len() + 1);
    let newest = (0..audit.len()).max_by_key(|&i| audit[i]["seq"].as_i64().unwrap()).unwrap();
    let entry = audit.remove(newest);
    assert_eq!(entry["action"], "exchange.import");
    assert!(entry["detail"].as_str().unwrap().contains("\"already_seen\":1"), "{entry}");
    assert_eq!(again, before);

    // The OCMW rotates its keys: its next bundle is signed by a generation the CAW has not
    // pinned, and refused until the CAW pins the new card (a rotation: no words needed).
    ocmw.json(&["partners", "rotate-key"]);
    ocmw.json(&["referrals", "event", &rid, "withdrawn", "--on", "04/03/2026"]);
    let next = dir.path().join("ocmw-caw-2.json");
    ocmw.export_to(&caw, &next);
    refuse(&caw, &next, 19, ("invalid_signature", "generation 2"));
    unchanged(&caw, &caw_now, &[&rid], "a generation not pinned");
    assert_eq!(caw_now["referrals"][0]["referral"]["state"], "sent");
    let card2 = ocmw.t.dir.path().join("card-2.json");
    ocmw.json(&["partners", "card", "--out", card2.to_str().unwrap()]);
    let pinned = caw.json(&["partners", "pin", card2.to_str().unwrap()]);
    assert_eq!(pinned["how"], "rotation", "{pinned}");
    let s = caw.import(&[&next]);
    assert_eq!(s[0]["events"], 1, "{s:?}");
    assert_eq!(caw.show(&rid)["referral"]["state"], "withdrawn");

    // Once the CAW revoked the OCMW's keys, nothing of the OCMW's is opened any more.
    caw.json(&["partners", "revoke", OCMW]);
    caw_now = caw.observable(&[&rid]);
    refuse(&caw, &next, 22, ("partner_revoked", "revoked"));
    refuse(&caw, &good, 22, ("partner_revoked", "revoked"));
    unchanged(&caw, &caw_now, &[&rid], "a revoked sender");
    caw.audit_verifies();
}

// ---------------------------------------------------------------------------------------
// Through a real hub.

fn hub_password(role: &str) -> String {
    format!("{role}: generated hub password for the test")
}

/// `schakel hub …` as the hub administrator (no store).
fn hub_admin(args: &[&str], partner_password: Option<&str>) -> Output {
    let mut c = std::process::Command::new(bin());
    c.arg("--json")
        .arg("hub")
        .args(args)
        .env("SCHAKEL_HUB_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env_remove("SCHAKEL_HUB_PARTNER_PASSWORD")
        .env_remove("SCHAKEL_HUB_PASSWORD")
        .env_remove("SCHAKEL_HUB_URL")
        .env_remove("SCHAKEL_STORE");
    if let Some(p) = partner_password {
        c.env("SCHAKEL_HUB_PARTNER_PASSWORD", p);
    }
    c.output().unwrap()
}

/// A started hub, its schema installed and the partners added with the CLI, and each
/// store connected to it.
fn hub_network(orgs: &[(&Org, &str)]) -> PgServer {
    let pg = PgServer::start();
    let ca = pg.ca_file();
    let ca = ca.to_str().unwrap();
    let admin_url = pg.url(ADMIN_USER);
    let out = hub_admin(&["init", "--url", &admin_url, "--ca-cert", ca], None);
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stderr), pg.log());
    for (org, role) in orgs {
        let out = hub_admin(
            &["add-partner", "--url", &admin_url, "--ca-cert", ca, "--id", &org.id, "--role", role],
            Some(&hub_password(role)),
        );
        assert_ok(&out);
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["outcome"], "created", "{v}");
        let out = org
            .t
            .cmd()
            .env("SCHAKEL_HUB_PASSWORD", hub_password(role))
            .args(["--json", "hub", "connect", "--url", &pg.url(role), "--ca-cert", ca])
            .output()
            .unwrap();
        assert_ok(&out);
        let status: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(status["configured"], true, "{status}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains(&hub_password(role)));
    }
    pg
}

/// One `hub sync` round; its summary.
fn sync(org: &Org) -> Value {
    let v = org.json(&["hub", "sync"]);
    assert_eq!(v["refused"], serde_json::json!([]), "{v}");
    assert!(v["gap_at"].is_null(), "{v}");
    v
}

fn posted(summary: &Value) -> u64 {
    summary["posted"].as_array().unwrap().iter().map(|p| p[1].as_u64().unwrap()).sum()
}

/// What the hub holds, read by its superuser: every row of every table of its schema as
/// text, and the envelopes' bodies raw.
struct HubRows {
    rows: usize,
    envelopes: Vec<(Uuid, Uuid, Uuid, Vec<u8>)>,
    texts: Vec<String>,
}

fn hub_rows(pg: &PgServer) -> HubRows {
    let mut su = pg.superuser();
    let tables: Vec<String> = su
        .query(
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'schakel_hub' AND c.relkind IN ('r', 'p', 'm', 'v') ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    for t in ["envelope", "mailbox", "meta", "partner"] {
        assert!(tables.iter().any(|x| x == t), "{t} missing from {tables:?}");
    }
    let mut texts = Vec::new();
    for t in &tables {
        for r in su.query(&format!("SELECT x::text FROM schakel_hub.{t} x"), &[]).unwrap() {
            texts.push(r.get::<_, String>(0));
        }
    }
    let envelopes = su
        .query(
            "SELECT recipient, sender, envelope_id, body FROM schakel_hub.envelope ORDER BY recipient, seq",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    HubRows { rows: texts.len(), envelopes, texts }
}

/// Scans everything the hub holds for the needles; returns how many envelopes it held.
fn scan_hub(pg: &PgServer, needles: &[String]) -> usize {
    let h = hub_rows(pg);
    assert!(h.rows >= 4, "meta and three partners at least");
    for t in &h.texts {
        assert_absent("a hub row", t.as_bytes(), needles);
    }
    for (_, _, _, body) in &h.envelopes {
        assert_absent("an envelope's body", body, needles);
    }
    h.envelopes.len()
}

fn uuid(s: &str) -> Uuid {
    s.parse().unwrap()
}

#[test]
fn a_warm_referral_travels_through_a_real_hub() {
    let (ocmw, caw, coord) = network();
    let pg = hub_network(&[(&ocmw, "ocmw_jette"), (&caw, "caw_brussel"), (&coord, "gbo_coordinatie")]);
    let (ocmw_id, caw_id, coord_id) = (uuid(&ocmw.id), uuid(&caw.id), uuid(&coord.id));
    let (code, rid) = send_warm_referral(&ocmw);
    let needles = secrets(&code);

    // The OCMW posts: one envelope for the CAW, one for the coordinator.
    let s = sync(&ocmw);
    assert_eq!(posted(&s), 2, "{s}");
    assert_eq!(scan_hub(&pg, &needles), 2);
    let posted_first = hub_rows(&pg).envelopes;
    let first = posted_first.iter().find(|e| e.0 == caw_id).unwrap().clone();
    let first_for_coord = posted_first.iter().find(|e| e.0 == coord_id).unwrap().clone();
    assert_eq!((first.1, first_for_coord.1), (ocmw_id, ocmw_id));

    // The CAW fetches: the referral is there; its mailbox is empty on the hub afterwards.
    let s = sync(&caw);
    assert_eq!((s["received"].as_u64(), s["referrals"].as_u64()), (Some(1), Some(1)), "{s}");
    assert_eq!(s["events"], 3);
    check_received(&caw, &ocmw, &code, &rid);
    let waiting: Vec<Uuid> = hub_rows(&pg).envelopes.iter().map(|e| e.0).collect();
    assert_eq!(waiting, [uuid(&coord.id)], "only the coordinator's envelope waits");

    // The CAW answers and syncs: its events (and a receipt) to the OCMW, a report to the
    // coordinator.
    caw_answers(&caw, &rid);
    let s = sync(&caw);
    assert_eq!(posted(&s), 2, "{s}");
    assert_eq!(scan_hub(&pg, &needles), 3);

    // The CAW's role cannot read or fetch what waits in the OCMW's mailbox.
    let waiting_for_ocmw = hub_rows(&pg).envelopes.iter().filter(|e| e.0 == ocmw_id).count();
    assert_eq!(waiting_for_ocmw, 1);
    let mut raw = pg.raw("caw_brussel", &hub_password("caw_brussel"));
    let n: i64 = raw.query_one("SELECT count(*) FROM schakel_hub.envelope", &[]).unwrap().get(0);
    assert_eq!(n, 0);
    let rows = raw.query("SELECT * FROM schakel_hub.envelope WHERE recipient = $1", &[&ocmw_id]).unwrap();
    assert!(rows.is_empty());
    let deleted = raw.execute("DELETE FROM schakel_hub.envelope WHERE recipient = $1", &[&ocmw_id]).unwrap();
    assert_eq!(deleted, 0);
    assert!(raw.query("SELECT * FROM schakel_hub.mailbox", &[]).is_err(), "mailbox is not readable");
    drop(raw);
    let mut raw = pg.raw("gbo_coordinatie", &hub_password("gbo_coordinatie"));
    let rows = raw.query("SELECT recipient FROM schakel_hub.envelope", &[]).unwrap();
    let theirs: Vec<Uuid> = rows.iter().map(|r| r.get(0)).collect();
    assert!(theirs.iter().all(|r| *r == coord_id), "the coordinator sees only its own: {theirs:?}");
    drop(raw);
    let mut as_caw = Hub::connect(&pg.config("caw_brussel", &hub_password("caw_brussel"))).unwrap();
    assert!(as_caw.fetch(0, 1000).unwrap().is_empty());
    assert_eq!(as_caw.pending().unwrap(), 0);
    assert_eq!(hub_rows(&pg).envelopes.iter().filter(|e| e.0 == ocmw_id).count(), 1, "still there");

    // The OCMW sees the answers; the coordinator both streams.
    let s = sync(&ocmw);
    assert_eq!((s["received"].as_u64(), s["events"].as_u64()), (Some(1), Some(2)), "{s}");
    assert_eq!(s["confirmed"], 4, "{s}");
    check_answered(&ocmw, &caw, &rid);
    let s = sync(&coord);
    assert_eq!(s["received"], 2, "{s}");
    check_coordinator(&coord, &ocmw, &caw, &rid);

    // A few more rounds carry the receipts; then nothing waits anywhere.
    let mut quiet = false;
    for _ in 0..4 {
        let rounds: Vec<Value> = [&ocmw, &caw, &coord].iter().map(|o| sync(o)).collect();
        if rounds.iter().all(|s| posted(s) == 0 && s["received"] == 0) {
            quiet = true;
            break;
        }
    }
    assert!(quiet, "the receipts did not settle");
    assert_eq!(scan_hub(&pg, &needles), 0, "every envelope was deleted after its recipient synced");
    let mut su = pg.superuser();
    let n: i64 = su.query_one("SELECT count(*) FROM schakel_hub.envelope", &[]).unwrap().get(0);
    assert_eq!(n, 0);
    for o in [&ocmw, &caw, &coord] {
        let st = o.json(&["hub", "status"]);
        assert_eq!(st["pending"], 0, "{st}");
        assert!(st["last_error"].is_null(), "{st}");
        assert!(st["last_sync_at"].is_i64(), "{st}");
        let v = o.json(&["audit", "verify"]);
        assert_eq!(v["ok"], true, "{v}");
    }

    // A tampered envelope posted straight to the hub by the OCMW's role (an envelope of a
    // second referral, exported as a bundle, with one byte of its body flipped), then a good
    // one of a third referral through the OCMW's sync.
    let (_, rid2) = send_warm_referral_again(&ocmw);
    let dir = tempfile::tempdir().unwrap();
    let bundle_file = dir.path().join("second.json");
    ocmw.export_to(&caw, &bundle_file);
    let bundle: Value = serde_json::from_slice(&std::fs::read(&bundle_file).unwrap()).unwrap();
    let env2 = bundle["envelopes"][0].clone();
    let env2_id = uuid(env2["id"].as_str().unwrap());
    let mut tampered = env2.clone();
    tampered["body"] = Value::String(flip_base64(env2["body"].as_str().unwrap()));
    let ocmw_hub_config: HubConfig = pg.config("ocmw_jette", &hub_password("ocmw_jette"));
    let mut as_ocmw = Hub::connect(&ocmw_hub_config).unwrap();
    let bad_seq = as_ocmw.post(caw_id, env2_id, &serde_json::to_vec(&tampered).unwrap()).unwrap();
    // And an unsigned copy (under another id on the hub, which refuses other bytes under an
    // id that waits).
    let mut unsigned = env2.clone();
    unsigned["signature"] = Value::String(String::new());
    let unsigned_seq = as_ocmw.post(caw_id, Uuid::now_v7(), &serde_json::to_vec(&unsigned).unwrap()).unwrap();
    let (_, rid3) = send_warm_referral_again(&ocmw);
    let s = sync(&ocmw);
    assert!(posted(&s) >= 1, "{s}");

    let caw_before = caw.show(&rid);
    let s = caw.json(&["hub", "sync"]);
    let refused = s["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 2, "{s}");
    assert_eq!((&refused[0]["seq"], &refused[1]["seq"]), (&Value::from(bad_seq), &Value::from(unsigned_seq)));
    for r in refused {
        assert_eq!(r["kind"], "invalid_signature", "{r}");
        assert_eq!(r["sender"], ocmw.id.as_str());
    }
    let msg = refused[0]["message"].as_str().unwrap();
    assert!(msg.contains("the envelope was changed or not signed by its sender"), "{msg}");
    let msg = refused[1]["message"].as_str().unwrap();
    assert!(msg.contains("not an Ed25519 signature"), "{msg}");
    assert_eq!(s["referrals"], 1, "the good envelope after them went through: {s}");
    assert_exit(&caw.run(&["referrals", "show", &rid2]), 9);
    assert_eq!(caw.show(&rid3)["referral"]["state"], "sent");
    assert_eq!(caw.show(&rid), caw_before);
    let v = caw.json(&["audit", "verify"]);
    assert_eq!(v["ok"], true, "{v}");
    assert!(hub_rows(&pg).envelopes.iter().all(|e| e.0 != caw_id), "the refused one is acknowledged");

    // The refusal did not poison the envelope's id: the genuine one, posted now, opens.
    as_ocmw.post(caw_id, env2_id, &serde_json::to_vec(&env2).unwrap()).unwrap();
    // And a replay of the very first envelope changes nothing.
    as_ocmw.post(caw_id, first.2, &first.3).unwrap();
    let s = sync(&caw);
    assert_eq!(s["received"], 2, "{s}");
    assert_eq!(s["referrals"], 1, "{s}");
    assert!(s["refused"].as_array().unwrap().is_empty(), "{s}");
    assert_eq!(caw.show(&rid2)["referral"]["state"], "sent");
    assert_eq!(caw.show(&rid), caw_before, "the replay changed nothing");

    // The hub withholds an envelope: the OCMW's role posts two (a replay, then the genuine
    // one again), and an envelope is deleted behind the CAW's back. The CAW's round names
    // the missing number and still takes what follows.
    let withheld = as_ocmw.post(caw_id, first.2, &first.3).unwrap();
    as_ocmw.post(caw_id, env2_id, &serde_json::to_vec(&env2).unwrap()).unwrap();
    let mut su = pg.superuser();
    let n = su
        .execute("DELETE FROM schakel_hub.envelope WHERE recipient = $1 AND seq = $2", &[&caw_id, &withheld])
        .unwrap();
    assert_eq!(n, 1);
    let s = caw.json(&["hub", "sync"]);
    assert_eq!(s["gap_at"], withheld, "{s}");
    assert_eq!((s["received"].as_u64(), s["referrals"].as_u64()), (Some(1), Some(0)), "{s}");
    assert_eq!(s["cursor"], withheld + 1, "{s}");

    // The CAW's role posts the OCMW's envelope for the coordinator as if it were its own
    // (the hub records the CAW as its sender, the signature is the OCMW's), and the OCMW's
    // role posts the CAW's envelope to the coordinator (sealed to the CAW): both refused,
    // and the text output says why.
    as_caw.post(coord_id, first_for_coord.2, &first_for_coord.3).unwrap();
    as_ocmw.post(coord_id, first.2, &first.3).unwrap();
    let out = coord.t.cmd().args(["hub", "sync"]).output().unwrap();
    assert_ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("refused 2"), "{text}");
    assert!(text.contains(&format!("from {}", caw.id)) && text.contains("another partner"), "{text}");
    assert!(
        text.contains(&format!("from {}", ocmw.id)) && text.contains("not addressed to this store"),
        "{text}"
    );
    coord.audit_verifies();
    assert_eq!(coord.show(&rid)["referral"]["state"], "first_contact");
    let st = coord.json(&["hub", "status"]);
    assert!(st["last_error"].is_null(), "a refused envelope is no failed round: {st}");

    // `hub sync --watch` wakes on the hub's signal: the CAW watches with a minute between
    // rounds, the OCMW sends a referral, and the CAW's next round comes well before that.
    let mut watch = Watch(
        caw.t
            .cmd()
            .args(["--json", "hub", "sync", "--watch", "60"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let rounds = rounds_of(watch.0.stdout.take().unwrap());
    let wait = std::time::Duration::from_secs(30);
    let r = rounds.recv_timeout(wait).expect("the first round");
    assert!(r["refused"].as_array().unwrap().is_empty(), "{r}");
    let (_, rid4) = send_warm_referral_again(&ocmw);
    let s = sync(&ocmw);
    assert!(posted(&s) >= 1, "{s}");
    let woken = std::time::Instant::now();
    let r = rounds.recv_timeout(wait).expect("a round after the wake-up");
    assert!(woken.elapsed() < wait, "woken by the signal, not by the minute");
    assert_eq!(r["referrals"], 1, "{r}");
    drop(watch);
    assert_eq!(caw.show(&rid4)["referral"]["state"], "sent");
    caw.audit_verifies();

    // The server's log holds nothing of the cases either.
    let log = pg.log();
    assert!(!log.is_empty());
    assert_absent("the hub server's log", log.as_bytes(), &needles);
}

/// A `hub sync --watch` process, stopped (by its own handle) when the test ends or fails.
struct Watch(std::process::Child);

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Each JSON document a `--watch` process prints, as it comes.
fn rounds_of(out: std::process::ChildStdout) -> std::sync::mpsc::Receiver<Value> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for v in serde_json::Deserializer::from_reader(std::io::BufReader::new(out)).into_iter::<Value>() {
            let Ok(v) = v else { break };
            if tx.send(v).is_err() {
                break;
            }
        }
    });
    rx
}

/// Another warm referral of a new case from the OCMW to the CAW, sent.
fn send_warm_referral_again(ocmw: &Org) -> (String, String) {
    let code = ocmw.t.open_case(&["--domain", "debts"]);
    let r = ocmw.json(&["referrals", "add", &code, "--to", CAW, "--domain", "debts", "--mode", "warm"]);
    let rid = r["id"].as_str().unwrap().to_owned();
    for kind in ["consent", "receiver_contacted", "sent"] {
        ocmw.json(&["referrals", "event", &rid, kind, "--on", "16/03/2026"]);
    }
    (code, rid)
}

/// A network where the coordinator works by bundle and is not on the hub: the OCMW's and
/// the CAW's rounds report that the hub refuses it, and still exchange with each other; what
/// waits for the coordinator goes by bundle.
#[test]
fn a_partner_missing_from_the_hub_holds_up_no_one_else() {
    let (ocmw, caw, coord) = network();
    let pg = hub_network(&[(&ocmw, "ocmw_jette"), (&caw, "caw_brussel")]);
    let (code, rid) = send_warm_referral(&ocmw);
    let refused_round = |o: &Org| {
        let out = o.run(&["hub", "sync"]);
        assert_exit(&out, 24);
        let (kind, message) = error_of(&out);
        assert_eq!(kind, "hub_refused");
        assert!(message.contains(&coord.id) && message.contains("not a partner of this hub"), "{message}");
    };

    refused_round(&ocmw);
    let waiting: Vec<Uuid> = hub_rows(&pg).envelopes.iter().map(|e| e.0).collect();
    assert_eq!(waiting, [uuid(&caw.id)], "the CAW's envelope was posted all the same");
    let s = sync(&caw);
    assert_eq!(s["referrals"], 1, "{s}");
    check_received(&caw, &ocmw, &code, &rid);
    caw_answers(&caw, &rid);
    refused_round(&caw);
    refused_round(&ocmw);
    check_answered(&ocmw, &caw, &rid);
    let st = ocmw.json(&["hub", "status"]);
    assert!(st["last_error"].as_str().unwrap().contains("not a partner of this hub"), "{st}");
    assert!(st["cursor"].as_i64().unwrap() >= 1, "{st}");

    // The coordinator's stream waited in the outboxes and goes by bundle.
    let dir = tempfile::tempdir().unwrap();
    let (from_ocmw, from_caw) = (dir.path().join("ocmw.json"), dir.path().join("caw.json"));
    let s = ocmw.export_to(&coord, &from_ocmw);
    assert_eq!((s["referrals"].as_u64(), s["events"].as_u64()), (Some(1), Some(3)), "{s}");
    caw.export_to(&coord, &from_caw);
    coord.import(&[&from_ocmw, &from_caw]);
    check_coordinator(&coord, &ocmw, &caw, &rid);
    // Nothing more waits for the coordinator on the hub's side: the next round is clean.
    let s = sync(&ocmw);
    assert_eq!(posted(&s), 1, "the receipt for the CAW: {s}");
    assert!(ocmw.json(&["hub", "status"])["last_error"].is_null());

    // Connecting needs the password apart from the URL, never in it.
    let ca = pg.ca_file();
    let with_password = format!("postgres://caw_brussel:{}@127.0.0.1:{}/hub", "s3cret-in-url", pg.port);
    let out = caw.run(&["hub", "connect", "--url", &with_password, "--ca-cert", ca.to_str().unwrap()]);
    assert_exit(&out, 8);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("s3cret-in-url"));
    let url = pg.url("caw_brussel");
    let out = caw
        .t
        .cmd()
        .env_remove("SCHAKEL_HUB_PASSWORD")
        .stdin(std::process::Stdio::null())
        .args(["--json", "hub", "connect", "--url", &url, "--ca-cert", ca.to_str().unwrap()])
        .output()
        .unwrap();
    assert_exit(&out, 8);
    assert_eq!(caw.json(&["hub", "status"])["configured"], true, "the hub set before stays");

    // The hub gone: the round cannot start, and says where it tried.
    let mut pg = pg;
    pg.stop();
    let out = caw.run(&["hub", "sync"]);
    assert_exit(&out, 23);
    let (kind, message) = error_of(&out);
    assert_eq!(kind, "hub_unavailable");
    assert!(message.contains(&format!("127.0.0.1:{}", pg.port)), "{message}");
}
