//! The hub sync loop against a real PostgreSQL hub on loopback (the workspace tests' server,
//! `tests/support/pg.rs`): with the CAW's store unlocked in the app state, a referral the
//! OCMW posts reaches it on the hub's wake-up, its answer goes back on "sync now", every
//! status reaches the UI's callback, and locking the store ends the connection.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test")]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use schakel_core::cases::{CaseProfile, NewCase};
use schakel_core::exchange::HubSettings;
use schakel_core::exchange::hub::{Hub, add_partner, init_hub};
use schakel_core::partners::{NewPartner, PartnerKind};
use schakel_core::referrals::{EventKind, NewEvent, NewReferral, ReferralMode, ReferralState};
use schakel_core::{InitStore, Store};
use uuid::Uuid;

use crate::hub_sync::{HubSyncState, HubSyncStatus, run};
use crate::state::AppState;

#[path = "../../tests/support/pg.rs"]
#[allow(dead_code, reason = "shared with the workspace tests; not every helper is used here")]
mod pg;

const PASS: &str = "correct horse battery staple 42";

fn store(dir: &std::path::Path, kind: PartnerKind, name: &str) -> Store {
    let init = InitStore {
        partner_kind: kind,
        partner_name: name.into(),
        municipality: None,
        worker_name: format!("Medewerker {name}"),
    };
    Store::create(&dir.join(format!("{name}.db")), &init, PASS).unwrap().0
}

/// `a` adds `b` with `b`'s id and pins `b`'s card with its words.
fn pin(a: &mut Store, b: &mut Store, kind: PartnerKind) {
    let card = b.identity_card().unwrap();
    a.write(|w| {
        w.add_partner(&NewPartner {
            id: Some(card.partner_id),
            kind: Some(kind),
            name: card.partner_name.clone(),
            municipality: None,
        })
    })
    .unwrap();
    let words = card.fingerprint().unwrap().words_text();
    a.pin_partner_card(&card, Some(&words)).unwrap();
}

fn wait_until(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let until = Instant::now() + limit;
    while !ok() {
        assert!(Instant::now() < until, "not within {limit:?}: {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn the_loop_brings_a_referral_from_the_hub_sends_the_answer_and_stops_on_lock() {
    let pg = pg::PgServer::start();
    init_hub(&pg.admin()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut ocmw = store(dir.path(), PartnerKind::Ocmw, "OCMW Jette");
    let mut caw = store(dir.path(), PartnerKind::Caw, "CAW Brussel");
    pin(&mut ocmw, &mut caw, PartnerKind::Caw);
    pin(&mut caw, &mut ocmw, PartnerKind::Ocmw);
    let (ocmw_id, caw_id) = (ocmw.self_partner_id().unwrap(), caw.self_partner_id().unwrap());
    let ca = String::from_utf8(std::fs::read(pg.ca_file()).unwrap()).unwrap();
    for (s, id, role) in [(&mut ocmw, ocmw_id, "ocmw_jette"), (&mut caw, caw_id, "caw_brussel")] {
        let password = format!("{role} password for the test hub");
        add_partner(&pg.admin(), id, role, &password).unwrap();
        s.set_hub(Some((&HubSettings { url: pg.url(role), ca_cert_pem: Some(ca.clone()) }, &password)))
            .unwrap();
    }

    // The CAW's store is unlocked in the app; the loop runs and reports to "the UI".
    let state = Arc::new(AppState::new(dir.path().join("CAW Brussel.db"), None));
    *state.slot() = Some(caw);
    let seen: Arc<Mutex<Vec<HubSyncStatus>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let looping = {
        let (state, seen, stop) = (state.clone(), seen.clone(), stop.clone());
        std::thread::spawn(move || {
            run(&state, &|s| seen.lock().unwrap().push(s), &|| stop.load(Ordering::SeqCst));
        })
    };
    wait_until("the loop is connected and waiting", Duration::from_secs(30), || {
        state.hub.status().state == HubSyncState::Waiting
    });

    // The OCMW sends a warm referral through the hub.
    let today = ocmw.today();
    let case = ocmw
        .write(|w| {
            w.open_case(&NewCase {
                id: None,
                code: None,
                opened_on: Some(today),
                owner_partner_id: None,
                owner_worker_id: None,
                profile: CaseProfile {
                    entry_route: "own_initiative".into(),
                    municipality: "21010".into(),
                    age_band: "25_34".into(),
                    household_type: "single".into(),
                    gender: None,
                    contact_language: None,
                    interpreter: None,
                    residence_status: None,
                    life_domains: vec!["housing".into()],
                    project: None,
                },
            })
        })
        .unwrap();
    let rid = ocmw
        .write(|w| {
            w.create_referral(&NewReferral {
                id: None,
                case_id: case.summary.id,
                to_partner_id: Some(caw_id),
                outside_service: None,
                life_domain: "housing".into(),
                mode: ReferralMode::Warm,
                project: None,
            })
        })
        .unwrap();
    let event = |kind, on: NaiveDate, partner: Option<Uuid>| NewEvent {
        id: None,
        referral_id: rid,
        kind,
        occurred_on: on,
        partner_id: partner,
        worker_id: None,
        reason: None,
    };
    for kind in [EventKind::Consent, EventKind::Sent] {
        ocmw.write(|w| w.record_event(&event(kind, today, None))).unwrap();
    }
    let mut ocmw_hub = Hub::connect(&ocmw.hub_config().unwrap().unwrap()).unwrap();
    assert_eq!(ocmw.sync_hub(&mut ocmw_hub).unwrap().posted.len(), 1);

    // The hub wakes the CAW's loop, which applies the envelope without anyone asking.
    wait_until("the referral reached the CAW", Duration::from_secs(30), || {
        state.slot().as_ref().is_some_and(|s| s.incoming_waiting(caw_id, 10).unwrap().len() == 1)
    });
    wait_until("the status says what came in", Duration::from_secs(10), || {
        state.hub.status().last_round.is_some_and(|r| r.referrals == 1)
    });
    let status = state.hub.status();
    assert_eq!(status.state, HubSyncState::Waiting);
    assert!(status.last_sync_at.is_some());
    assert!(status.describe.as_deref().is_some_and(|d| d.contains("caw_brussel")), "{status:?}");
    assert!(status.last_error.is_none() && status.refused.is_empty());

    // The CAW accepts; "sync now" posts the answer at once (not after a minute).
    state
        .slot()
        .as_mut()
        .unwrap()
        .write(|w| w.record_event(&event(EventKind::Accepted, today, Some(caw_id))))
        .unwrap();
    state.hub.sync_now();
    wait_until("the OCMW sees the acceptance", Duration::from_secs(30), || {
        ocmw.sync_hub(&mut ocmw_hub).unwrap();
        ocmw.referral(rid).unwrap().state == ReferralState::Accepted
    });

    // Locking ends the connection; the status says the loop is off.
    assert!(state.lock_store("locked"));
    wait_until("the loop is off after the lock", Duration::from_secs(10), || {
        state.hub.status() == HubSyncStatus::default()
    });
    stop.store(true, Ordering::SeqCst);
    looping.join().unwrap();
    let states: Vec<HubSyncState> = seen.lock().unwrap().iter().map(|s| s.state).collect();
    for expected in
        [HubSyncState::Connecting, HubSyncState::Syncing, HubSyncState::Waiting, HubSyncState::Off]
    {
        assert!(states.contains(&expected), "{expected:?} never reported: {states:?}");
    }
}
