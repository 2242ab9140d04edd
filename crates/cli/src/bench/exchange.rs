//! The exchange at volume: an OCMW sends `n` warm referrals (with a shared age band and a
//! handover note, consent, a warm step and the sending) to a CAW in another store; we time
//! sealing them into a bundle, opening and applying it, importing it again (all seen), and
//! the CAW's answers (acceptance and first contact for each) going back.

use std::time::Instant;

use chrono::Duration;
use schakel_core::exchange::{Shared, write_bundle};
use schakel_core::partners::{NewPartner, PartnerKind};
use schakel_core::referrals::{EventKind, NewEvent, NewReferral, ReferralMode};
use schakel_core::{InitStore, Store};
use serde::Serialize;

use super::measure::ms;
use crate::exit::CliResult;

#[derive(Debug, Serialize)]
pub struct Exchange {
    pub referrals: u32,
    /// Items sealed for the CAW (referrals and events).
    pub items: u32,
    pub envelopes: u32,
    pub bundle_bytes: u64,
    pub record_ms: f64,
    pub export_ms: f64,
    pub import_ms: f64,
    pub import_items_per_second: f64,
    pub reimport_ms: f64,
    pub answers_export_ms: f64,
    pub answers_import_ms: f64,
}

fn store(dir: &std::path::Path, name: &str, kind: PartnerKind, pass: &str) -> CliResult<Store> {
    let init = InitStore {
        partner_kind: kind,
        partner_name: name.into(),
        municipality: Some("21001".into()),
        worker_name: "Bench".into(),
    };
    Ok(Store::create(&dir.join(format!("{name}.db")), &init, pass)?.0)
}

/// Each store adds the other with its card's id and pins the card with its words.
fn link(a: &mut Store, b: &mut Store, b_kind: PartnerKind) -> CliResult {
    let card = b.identity_card()?;
    a.write(|w| {
        w.add_partner(&NewPartner {
            id: Some(card.partner_id),
            kind: Some(b_kind),
            name: card.partner_name.clone(),
            municipality: None,
        })
    })?;
    let words = card.fingerprint()?.words_text();
    a.pin_partner_card(&card, Some(&words))?;
    Ok(())
}

fn event(referral_id: uuid::Uuid, kind: EventKind, on: chrono::NaiveDate) -> NewEvent {
    NewEvent { id: None, referral_id, kind, occurred_on: on, partner_id: None, worker_id: None, reason: None }
}

pub fn measure(n: u32, pass: &str) -> CliResult<Exchange> {
    let dir = tempfile::tempdir().map_err(schakel_core::Error::from)?;
    let mut ocmw = store(dir.path(), "OCMW", PartnerKind::Ocmw, pass)?;
    let mut caw = store(dir.path(), "CAW", PartnerKind::Caw, pass)?;
    link(&mut ocmw, &mut caw, PartnerKind::Caw)?;
    link(&mut caw, &mut ocmw, PartnerKind::Ocmw)?;
    let caw_id = caw.self_partner_id()?;
    let ocmw_id = ocmw.self_partner_id()?;
    let today = ocmw.today();
    let (opened, sent) = (today - Duration::days(10), today - Duration::days(8));

    let t = Instant::now();
    let referrals: Vec<uuid::Uuid> = ocmw.write(|w| {
        let mut ids = Vec::with_capacity(n as usize);
        for _ in 0..n {
            let case = w.open_case(&schakel_core::cases::NewCase {
                id: None,
                code: None,
                opened_on: Some(opened),
                owner_partner_id: None,
                owner_worker_id: None,
                profile: schakel_core::cases::CaseProfile {
                    entry_route: "own_initiative".into(),
                    municipality: "21001".into(),
                    age_band: "25_34".into(),
                    household_type: "single".into(),
                    gender: None,
                    contact_language: None,
                    interpreter: None,
                    residence_status: None,
                    life_domains: vec!["debts".into()],
                    project: None,
                },
            })?;
            let r = w.create_referral(&NewReferral {
                id: None,
                case_id: case.summary.id,
                to_partner_id: Some(caw_id),
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
            for kind in [EventKind::Consent, EventKind::ReceiverContacted, EventKind::Sent] {
                w.record_event(&event(r, kind, sent))?;
            }
            ids.push(r);
        }
        Ok(ids)
    })?;
    let record_ms = ms(t.elapsed());

    let t = Instant::now();
    let (bundle, summary) = ocmw
        .export_bundle(caw_id)?
        .ok_or_else(|| schakel_core::Error::validation("bench", "nothing to send"))?;
    let file = dir.path().join("bundle.json");
    write_bundle(&bundle, &file)?;
    let export_ms = ms(t.elapsed());
    let bundle_bytes = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let items = summary.referrals + summary.events;

    let t = Instant::now();
    let bundle = schakel_core::exchange::read_bundle(&file)?;
    caw.import_bundle(&bundle)?;
    let import_ms = ms(t.elapsed());
    let t = Instant::now();
    caw.import_bundle(&bundle)?;
    let reimport_ms = ms(t.elapsed());

    caw.write(|w| {
        for r in &referrals {
            w.record_event(&event(*r, EventKind::Accepted, sent + Duration::days(1)))?;
            w.record_event(&event(*r, EventKind::FirstContact, sent + Duration::days(3)))?;
        }
        Ok(())
    })?;
    let t = Instant::now();
    let (answers, _) =
        caw.export_bundle(ocmw_id)?.ok_or_else(|| schakel_core::Error::validation("bench", "no answers"))?;
    let answers_export_ms = ms(t.elapsed());
    let t = Instant::now();
    ocmw.import_bundle(&answers)?;
    let answers_import_ms = ms(t.elapsed());

    Ok(Exchange {
        referrals: n,
        items,
        envelopes: summary.envelopes,
        bundle_bytes,
        record_ms,
        export_ms,
        import_ms,
        import_items_per_second: f64::from(items) / (import_ms / 1000.0),
        reimport_ms,
        answers_export_ms,
        answers_import_ms,
    })
}

pub fn print(e: &Exchange) {
    println!(
        "Exchange of {} warm referrals ({} items, {} envelopes, {:.1} MiB bundle):",
        e.referrals,
        e.items,
        e.envelopes,
        e.bundle_bytes as f64 / 1_048_576.0
    );
    println!("  recording them (case, referral, share, 3 events each): {:.0} ms", e.record_ms);
    println!(
        "  seal + write {:.0} ms; open + apply {:.0} ms ({:.0} items/s); again (all seen) {:.0} ms",
        e.export_ms, e.import_ms, e.import_items_per_second, e.reimport_ms
    );
    println!("  answers back: seal {:.0} ms, apply {:.0} ms", e.answers_export_ms, e.answers_import_ms);
}
