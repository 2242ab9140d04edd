//! A warm referral travels OCMW → CAW → back, and to the coordinator, by bundle; every
//! refusal leaves the store as it was.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::error::ErrorKind as K;
use crate::exchange::{Bundle, Shared};
use crate::kpi::KpiFilter;
use crate::partners::PartnerKind;
use crate::referrals::{EventKind, NewEvent, NewReferral, ReferralMode, ReferralOrigin, ReferralState};
use crate::store::Store;
use crate::test_util::{network, new_case, profile};

fn d(day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, day).expect("date")
}

struct Net {
    ocmw: Store,
    caw: Store,
    coord: Store,
    ids: [Uuid; 3],
    _dir: tempfile::TempDir,
}

fn net() -> Net {
    let dir = tempfile::tempdir().expect("dir");
    let mut s = network(
        dir.path(),
        &[
            (PartnerKind::Ocmw, "OCMW Test"),
            (PartnerKind::Caw, "CAW Test"),
            (PartnerKind::Other, "Coordinatie"),
        ],
    );
    let mut coord = s.pop().expect("coord");
    let mut caw = s.pop().expect("caw");
    let mut ocmw = s.pop().expect("ocmw");
    let ids = [&ocmw, &caw, &coord].map(|s| s.self_partner_id().expect("id"));
    for st in [&mut ocmw, &mut caw, &mut coord] {
        st.set_today(d(20));
    }
    ocmw.set_exchange_coordinator(Some(ids[2])).expect("coordinator");
    caw.set_exchange_coordinator(Some(ids[2])).expect("coordinator");
    Net { ocmw, caw, coord, ids, _dir: dir }
}

fn event(referral_id: Uuid, kind: EventKind, on: NaiveDate) -> NewEvent {
    NewEvent {
        id: None,
        referral_id,
        kind,
        occurred_on: on,
        partner_id: None,
        worker_id: None,
        reason: (kind == EventKind::Declined).then(|| "capacity".to_owned()),
    }
}

/// The OCMW opens a case and sends a warm referral to the CAW, sharing an age band and a
/// handover note.
fn send_warm_referral(n: &mut Net) -> (Uuid, String) {
    let caw = n.ids[1];
    n.ocmw
        .write(|w| {
            let case = w.open_case(&new_case(d(2), profile("21004", &["housing", "debts"])))?;
            let r = w.create_referral(&NewReferral {
                id: None,
                case_id: case.summary.id,
                to_partner_id: Some(caw),
                outside_service: None,
                life_domain: "debts".into(),
                mode: ReferralMode::Warm,
                project: None,
            })?;
            w.share_with_referral(
                r,
                &Shared {
                    age_band: Some("25_34".into()),
                    handover_note: Some("Schuldbemiddeling gevraagd; liefst in de voormiddag bellen.".into()),
                    ..Shared::default()
                },
            )?;
            for (kind, day) in
                [(EventKind::Consent, 3), (EventKind::ReceiverContacted, 3), (EventKind::Sent, 4)]
            {
                w.record_event(&event(r, kind, d(day)))?;
            }
            Ok((r, case.summary.code))
        })
        .expect("send")
}

fn export(from: &mut Store, to: Uuid) -> Bundle {
    from.export_bundle(to).expect("export").expect("something to send").0
}

fn counts(s: &Store) -> Vec<i64> {
    ["referral", "referral_event", "referral_shared", "envelope_inbox", "exchange_outbox", "audit_log"]
        .iter()
        .map(|t| s.conn().query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).expect("count"))
        .collect()
}

#[test]
fn a_warm_referral_travels_to_the_caw_back_and_to_the_coordinator() {
    let mut n = net();
    let [ocmw_id, caw_id, coord_id] = n.ids;
    let (referral, code) = send_warm_referral(&mut n);

    // OCMW → CAW: the referral with its code, what was shared, and the OCMW's events.
    let to_caw = export(&mut n.ocmw, caw_id);
    let text = serde_json::to_string(&to_caw).expect("json");
    for secret in [code.as_str(), "Schuldbemiddeling", "debts", "25_34"] {
        assert!(!text.contains(secret), "{secret} travels encrypted");
    }
    let got = n.caw.import_bundle(&to_caw).expect("import at the CAW");
    assert_eq!((got.envelopes, got.referrals, got.events, got.flagged), (1, 1, 3, 0));
    let incoming = n.caw.incoming_waiting(caw_id, 10).expect("incoming");
    assert_eq!(incoming.len(), 1);
    let r = &incoming[0];
    assert_eq!(
        (r.id, r.origin, r.case_id, r.case_code.as_str()),
        (referral, ReferralOrigin::Received, None, code.as_str())
    );
    assert_eq!((r.state, r.sent_on, r.consent_on), (ReferralState::Sent, Some(d(4)), Some(d(3))));
    let shared = n.caw.referral_shared(referral).expect("shared").expect("something shared");
    assert_eq!(shared.age_band.as_deref(), Some("25_34"));
    assert_eq!(shared.household_type, None, "not chosen, not shared");
    assert!(shared.handover_note.as_deref().is_some_and(|t| t.starts_with("Schuldbemiddeling")));
    // The CAW's store holds no case of the OCMW.
    let cases: i64 =
        n.caw.conn().query_row("SELECT count(*) FROM case_file", [], |r| r.get(0)).expect("count");
    assert_eq!(cases, 0);

    // The CAW accepts and records the first contact, on its own dates.
    n.caw
        .write(|w| {
            w.record_event(&event(referral, EventKind::Accepted, d(6)))?;
            w.record_event(&event(referral, EventKind::FirstContact, d(11)))
        })
        .expect("answer");

    // CAW → OCMW: its events and the receipt; the OCMW sees the state and the dates.
    let to_ocmw = export(&mut n.caw, ocmw_id);
    let got = n.ocmw.import_bundle(&to_ocmw).expect("import at the OCMW");
    assert_eq!(
        (got.events, got.confirmed),
        (2, 4),
        "two events; the receipt confirms the referral and 3 events"
    );
    let back = n.ocmw.referral(referral).expect("referral");
    assert_eq!(back.origin, ReferralOrigin::Own);
    assert_eq!(
        (back.state, back.accepted_on, back.first_contact_on),
        (ReferralState::FirstContact, Some(d(6)), Some(d(11)))
    );
    let status = n.ocmw.exchange_partners().expect("status");
    let caw_status = status.iter().find(|p| p.partner_id == caw_id).expect("caw");
    assert_eq!((caw_status.pending, caw_status.unconfirmed), (1, 0), "only the receipt for the CAW waits");

    // Both report to the coordinator; it sees the pair, the domain, warm, and the times, and
    // nothing of the case.
    let from_ocmw = export(&mut n.ocmw, coord_id);
    let from_caw = export(&mut n.caw, coord_id);
    n.coord.import_bundle(&from_caw).expect("the CAW's report first");
    n.coord.import_bundle(&from_ocmw).expect("then the OCMW's");
    let reported = n.coord.referral(referral).expect("reported");
    assert_eq!(
        (reported.origin, reported.case_id, reported.case_code.as_str()),
        (ReferralOrigin::Reported, None, "")
    );
    assert_eq!((reported.from_partner_id, reported.to_partner_id), (ocmw_id, Some(caw_id)));
    assert_eq!(
        (reported.state, reported.sent_on, reported.accepted_on),
        (ReferralState::FirstContact, Some(d(4)), Some(d(6)))
    );
    assert_eq!(
        n.coord.referral_shared(referral).expect("shared"),
        None,
        "nothing shared with the coordinator"
    );
    let kpis = n.coord.referral_kpis(&KpiFilter::period(d(1), d(20))).expect("figures");
    assert_eq!(kpis.overall.sent, 1);
    assert_eq!(kpis.warm_cold.warm.sent, 1);
    assert_eq!(kpis.pairs.len(), 1);
    assert_eq!((kpis.pairs[0].from, kpis.pairs[0].to), (ocmw_id, Some(caw_id)));
    // Accepted two working days after sending (Wed 4 → Fri 6 November 2026).
    assert_eq!(kpis.overall.to_acceptance.working_days.median, Some(2));
    let coord_text: String = n
        .coord
        .conn()
        .query_row("SELECT group_concat(COALESCE(case_code, ''), ',') FROM referral", [], |r| r.get(0))
        .expect("codes");
    assert!(!coord_text.contains(&code));
}

#[test]
fn importing_the_same_bundle_twice_changes_nothing() {
    let mut n = net();
    let caw_id = n.ids[1];
    send_warm_referral(&mut n);
    let bundle = export(&mut n.ocmw, caw_id);
    n.caw.import_bundle(&bundle).expect("first");
    let before = counts(&n.caw);
    let again = n.caw.import_bundle(&bundle).expect("second");
    assert_eq!((again.envelopes, again.already_seen, again.referrals, again.events), (0, 1, 0, 0));
    let after = counts(&n.caw);
    assert_eq!(before[..5], after[..5], "only the audit log notes the second import");
}

#[test]
fn an_unconfirmed_item_goes_again_and_is_applied_once() {
    let mut n = net();
    let caw_id = n.ids[1];
    let (referral, _) = send_warm_referral(&mut n);
    let lost = export(&mut n.ocmw, caw_id);
    // The e-mail was lost; the OCMW records a step and exports again: everything unconfirmed
    // goes again, in a new envelope.
    n.ocmw.write(|w| w.record_event(&event(referral, EventKind::AppointmentMade, d(5)))).expect("step");
    let second = export(&mut n.ocmw, caw_id);
    let got = n.caw.import_bundle(&second).expect("import");
    assert_eq!((got.referrals, got.events), (1, 4));
    // The lost one turns up after all: nothing new.
    let late = n.caw.import_bundle(&lost).expect("late");
    assert_eq!((late.envelopes, late.referrals, late.events, late.unchanged), (1, 0, 0, 4));
}

#[test]
fn wrongly_addressed_tampered_and_unknown_bundles_are_refused_with_nothing_applied() {
    let mut n = net();
    let [_, caw_id, _] = n.ids;
    send_warm_referral(&mut n);
    let bundle = export(&mut n.ocmw, caw_id);
    let before_caw = counts(&n.caw);
    let before_coord = counts(&n.coord);

    // Addressed to the CAW, imported by the coordinator.
    assert_eq!(n.coord.import_bundle(&bundle).unwrap_err().kind(), K::WrongRecipient);
    let mut readdressed = bundle.clone();
    readdressed.recipient = n.ids[2];
    assert_eq!(n.coord.import_bundle(&readdressed).unwrap_err().kind(), K::WrongRecipient);

    // A changed byte in the body, an unsigned envelope, another sender claimed.
    let mut tampered = bundle.clone();
    let mut body = data_encoding::BASE64.decode(tampered.envelopes[0].body.as_bytes()).expect("b64");
    let mid = body.len() / 2;
    body[mid] ^= 1;
    tampered.envelopes[0].body = data_encoding::BASE64.encode(&body);
    assert_eq!(n.caw.import_bundle(&tampered).unwrap_err().kind(), K::InvalidSignature);
    let mut unsigned = bundle.clone();
    unsigned.envelopes[0].signature = String::new();
    assert_eq!(n.caw.import_bundle(&unsigned).unwrap_err().kind(), K::InvalidSignature);
    let mut stranger = bundle.clone();
    stranger.sender = Uuid::now_v7();
    for e in &mut stranger.envelopes {
        e.sender = stranger.sender;
    }
    assert_eq!(n.caw.import_bundle(&stranger).unwrap_err().kind(), K::UnknownSender);

    assert_eq!(counts(&n.caw), before_caw, "nothing applied at the CAW");
    assert_eq!(counts(&n.coord), before_coord, "nothing applied at the coordinator");
    // The real bundle still imports.
    n.caw.import_bundle(&bundle).expect("import");
}

#[test]
fn a_partner_may_not_send_another_partners_events_or_referrals() {
    // The CAW seals a payload claiming the OCMW's event: refused at the OCMW, nothing applied.
    let mut n = net();
    let [ocmw_id, caw_id, _] = n.ids;
    let (referral, _) = send_warm_referral(&mut n);
    n.caw.import_bundle(&export(&mut n.ocmw, caw_id)).expect("import");
    let forged = crate::exchange::payload::Payload::new(
        crate::exchange::Stream::Partner,
        vec![crate::exchange::payload::Item::Event(crate::exchange::payload::EventItem {
            id: Uuid::now_v7(),
            referral_id: referral,
            kind: EventKind::Withdrawn,
            occurred_on: d(7),
            recorded_at: 0,
            partner_id: ocmw_id,
            reason: None,
        })],
    );
    let env = n.caw.seal_envelope(&[ocmw_id], &forged.to_bytes().expect("bytes")).expect("seal");
    let before = counts(&n.ocmw);
    let e = n.ocmw.import_envelopes(&[env]).unwrap_err();
    assert_eq!(e.kind(), K::Validation, "{e}");
    assert_eq!(counts(&n.ocmw), before);
}

#[test]
fn answers_crossing_each_other_end_in_the_same_state_in_both_stores() {
    // The OCMW withdraws on the 5th while the CAW, not knowing, declines on the 6th.
    let mut n = net();
    let [ocmw_id, caw_id, _] = n.ids;
    let (referral, _) = send_warm_referral(&mut n);
    n.caw.import_bundle(&export(&mut n.ocmw, caw_id)).expect("import");
    n.ocmw.write(|w| w.record_event(&event(referral, EventKind::Withdrawn, d(5)))).expect("withdraw");
    n.caw.write(|w| w.record_event(&event(referral, EventKind::Declined, d(6)))).expect("decline");
    n.caw.import_bundle(&export(&mut n.ocmw, caw_id)).expect("to the CAW");
    n.ocmw.import_bundle(&export(&mut n.caw, ocmw_id)).expect("to the OCMW");
    let a = n.ocmw.referral(referral).expect("ocmw");
    let b = n.caw.referral(referral).expect("caw");
    assert_eq!((a.state, a.ended_on), (ReferralState::Withdrawn, Some(d(5))));
    assert_eq!((b.state, b.ended_on), (a.state, a.ended_on), "both stores agree");
    // The decline is kept and flagged as a conflict on both sides.
    for s in [&n.ocmw, &n.caw] {
        let events = s.referral_events(referral).expect("events");
        let declined = events.iter().find(|e| e.kind == EventKind::Declined).expect("kept");
        assert_eq!(declined.flags, vec![crate::exchange::flags::EventFlag::Conflict]);
        let kpis = s.referral_kpis(&KpiFilter::period(d(1), d(20))).expect("figures");
        assert_eq!(kpis.flagged_total, 1);
        assert_eq!(kpis.flagged[0].flags, vec![crate::exchange::flags::EventFlag::Conflict]);
    }
}

#[test]
fn nothing_is_queued_before_sending_nor_for_a_partner_in_the_same_store() {
    let mut n = net();
    let caw_id = n.ids[1];
    // A draft with consent: nothing leaves.
    let referral = n
        .ocmw
        .write(|w| {
            let case = w.open_case(&new_case(d(2), profile("21004", &["housing"])))?;
            let r = w.create_referral(&NewReferral {
                id: None,
                case_id: case.summary.id,
                to_partner_id: Some(caw_id),
                outside_service: None,
                life_domain: "housing".into(),
                mode: ReferralMode::Cold,
                project: None,
            })?;
            w.record_event(&event(r, EventKind::Consent, d(3)))?;
            Ok(r)
        })
        .expect("draft");
    assert!(n.ocmw.export_bundle(caw_id).expect("export").is_none());
    // Sending queues it.
    n.ocmw.write(|w| w.record_event(&event(referral, EventKind::Sent, d(4)))).expect("send");
    assert!(n.ocmw.export_bundle(caw_id).expect("export").is_some());
}

#[test]
fn a_clock_ahead_and_crossing_answers_are_flagged_in_the_figures_not_left_out() {
    let mut n = net();
    let [ocmw_id, caw_id, _] = n.ids;
    let (referral, _) = send_warm_referral(&mut n);
    n.caw.import_bundle(&export(&mut n.ocmw, caw_id)).expect("import");
    // The CAW's laptop clock runs an hour ahead: its acceptance says it was recorded later
    // than it arrives at the OCMW.
    let ahead = crate::dates::now_ms() + 60 * 60 * 1000;
    let accepted = crate::exchange::payload::Payload::new(
        crate::exchange::Stream::Partner,
        vec![crate::exchange::payload::Item::Event(crate::exchange::payload::EventItem {
            id: Uuid::now_v7(),
            referral_id: referral,
            kind: EventKind::Accepted,
            occurred_on: d(6),
            recorded_at: ahead,
            partner_id: caw_id,
            reason: None,
        })],
    );
    let env = n.caw.seal_envelope(&[ocmw_id], &accepted.to_bytes().expect("bytes")).expect("seal");
    let got = n.ocmw.import_envelopes(&[env]).expect("applied");
    assert_eq!((got.events, got.flagged), (1, 1));
    let events = n.ocmw.referral_events(referral).expect("events");
    let e = events.iter().find(|e| e.kind == EventKind::Accepted).expect("accepted");
    assert_eq!(e.flags, vec![crate::exchange::flags::EventFlag::ClockAhead]);

    let kpis = n.ocmw.referral_kpis(&KpiFilter::period(d(1), d(20))).expect("figures");
    assert_eq!(kpis.overall.to_acceptance.observed, 1, "counted as recorded");
    assert_eq!(kpis.flagged_total, 1);
    assert_eq!(kpis.flagged[0].referral_id, referral);
    assert_eq!(kpis.flagged[0].flags, vec![crate::exchange::flags::EventFlag::ClockAhead]);
}

#[test]
fn an_answer_dated_before_the_sending_is_refused_in_words() {
    let mut n = net();
    let caw_id = n.ids[1];
    let (referral, _) = send_warm_referral(&mut n);
    n.caw.import_bundle(&export(&mut n.ocmw, caw_id)).expect("import");
    let e = n.caw.write(|w| w.record_event(&event(referral, EventKind::Accepted, d(3)))).unwrap_err();
    match e {
        crate::Error::Validation { field, reason } => {
            assert_eq!(field, "occurred_on");
            assert!(reason.contains("04/11/2026"), "{reason}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn each_side_is_offered_and_may_record_only_its_own_steps() {
    let mut n = net();
    let [ocmw_id, caw_id, _] = n.ids;
    let (referral, _) = send_warm_referral(&mut n);
    n.caw.import_bundle(&export(&mut n.ocmw, caw_id)).expect("import");
    let kinds = |s: &Store| -> Vec<EventKind> {
        s.referral_with_events(referral).expect("view").next.iter().map(|n| n.kind).collect()
    };
    // The CAW answers; it is not offered the OCMW's steps (withdrawing, its warm steps).
    let at_caw = kinds(&n.caw);
    assert!(at_caw.contains(&EventKind::Accepted) && at_caw.contains(&EventKind::Declined), "{at_caw:?}");
    assert!(
        !at_caw.contains(&EventKind::Withdrawn) && !at_caw.contains(&EventKind::AppointmentMade),
        "{at_caw:?}"
    );
    // The OCMW is not offered the CAW's answers: they arrive with its bundle.
    let at_ocmw = kinds(&n.ocmw);
    assert!(at_ocmw.contains(&EventKind::Withdrawn), "{at_ocmw:?}");
    assert!(!at_ocmw.contains(&EventKind::Accepted), "{at_ocmw:?}");
    // Recording for the other partner is refused on both sides.
    let mut on_behalf = event(referral, EventKind::Accepted, d(6));
    on_behalf.partner_id = Some(caw_id);
    let e = n.ocmw.write(|w| w.record_event(&on_behalf)).unwrap_err();
    assert!(matches!(&e, crate::Error::Validation { field, .. } if field == "partner"), "{e}");
    let mut on_behalf = event(referral, EventKind::Withdrawn, d(6));
    on_behalf.partner_id = Some(ocmw_id);
    assert!(n.caw.write(|w| w.record_event(&on_behalf)).is_err());

    // Accepted at the CAW: it waits there for the first contact.
    assert!(n.caw.received_accepted(10).expect("list").is_empty());
    n.caw.write(|w| w.record_event(&event(referral, EventKind::Accepted, d(6)))).expect("accept");
    let waiting = n.caw.received_accepted(10).expect("list");
    assert_eq!(waiting.iter().map(|r| r.id).collect::<Vec<_>>(), vec![referral]);
    assert!(
        n.ocmw.received_accepted(10).expect("list").is_empty(),
        "the sender's own referral is not received"
    );
}
