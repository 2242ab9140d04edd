//! `schakel today`, `schakel referrals …`, `schakel followups …`.

use std::path::Path;

use schakel_core::follow_ups::NewFollowUp;
use schakel_core::referrals::{EventKind, NewEvent, NewReferral, ReferralMode};
use serde_json::json;

use crate::args::{FollowUpsCmd, ReferralsCmd};
use crate::exit::CliResult;
use crate::out::{Out, date};

pub fn today(path: &Path, limit: u32, o: Out) -> CliResult {
    let store = super::open(path)?;
    let today = store.today();
    let actor = store.actor();
    let due = store.due_follow_ups(today, Some(actor.worker_id), limit)?;
    let incoming = store.incoming_waiting(actor.partner_id, limit)?;
    let sent = store.sent_waiting(actor.partner_id, limit)?;
    o.emit(
        &json!({"today": today, "follow_ups_due": due, "incoming_waiting": incoming, "sent_waiting": sent}),
        |_| {
            println!("Today, {}", date(Some(today)));
            println!("Follow-ups due or overdue ({}):", due.len());
            for f in &due {
                let late = if f.due_on < today { "  OVERDUE" } else { "" };
                println!("  {}  {}  {}{late}", date(Some(f.due_on)), f.case_code, f.purpose);
            }
            println!("Incoming referrals waiting for an answer ({}):", incoming.len());
            for r in &incoming {
                println!(
                    "  sent {}  {}  {}  {}",
                    date(r.sent_on),
                    r.case_code,
                    r.life_domain,
                    r.mode.as_str()
                );
            }
            println!("Sent referrals waiting for first contact ({}):", sent.len());
            for r in &sent {
                println!(
                    "  sent {}  {}  {}  {}",
                    date(r.sent_on),
                    r.case_code,
                    r.life_domain,
                    r.state.as_str()
                );
            }
        },
    );
    Ok(())
}

pub fn referrals(path: &Path, c: ReferralsCmd, o: Out) -> CliResult {
    let mut store = super::open(path)?;
    let today = store.today();
    match c {
        ReferralsCmd::Add { code, to, outside, domain, mode } => {
            let case = store.case_by_code(&code)?;
            let to_partner_id = match to {
                Some(t) => Some(store.find_partner(&t)?.id),
                None => None,
            };
            let new = NewReferral {
                id: None,
                case_id: case.summary.id,
                to_partner_id,
                outside_service: outside,
                life_domain: domain,
                mode: ReferralMode::parse("mode", &mode)?,
                project: None,
            };
            let id = store.write(|w| w.create_referral(&new))?;
            o.emit(&json!({"id": id}), |_| println!("Referral {id} created (draft)."));
        }
        ReferralsCmd::Event { referral, kind, on, reason } => {
            let referral_id = super::uuid_arg("referral", &referral)?;
            let e = NewEvent {
                id: None,
                referral_id,
                kind: EventKind::parse("kind", &kind)?,
                occurred_on: super::date_arg("on", on.as_deref(), today)?,
                partner_id: None,
                worker_id: None,
                reason,
            };
            store.write(|w| w.record_event(&e))?;
            let r = store.referral(referral_id)?;
            o.emit(&r, |r| println!("Referral {} is now {}.", r.id, r.state.as_str()));
        }
        ReferralsCmd::Show { referral } => {
            let id = super::uuid_arg("referral", &referral)?;
            let r = store.referral(id)?;
            let events = store.referral_events(id)?;
            // What the sender chose to share (received with a partner's referral).
            let shared = store.referral_shared(id)?;
            o.emit(&json!({"referral": r, "events": events, "shared": shared}), |_| {
                println!(
                    "Referral {} for case {}: {} {} — {}",
                    r.id,
                    r.case_code,
                    r.mode.as_str(),
                    r.life_domain,
                    r.state.as_str()
                );
                for e in &events {
                    println!(
                        "  {}  {}{}",
                        date(Some(e.occurred_on)),
                        e.kind.as_str(),
                        e.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default()
                    );
                }
                if let Some(s) = &shared {
                    let details: Vec<String> = [
                        ("age band", &s.age_band),
                        ("household", &s.household_type),
                        ("municipality", &s.municipality),
                        ("language", &s.contact_language),
                        ("interpreter", &s.interpreter),
                    ]
                    .into_iter()
                    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {v}")))
                    .collect();
                    println!("Shared: {}", if details.is_empty() { "-".into() } else { details.join(", ") });
                    if let Some(n) = &s.handover_note {
                        println!("Handover note: {n}");
                    }
                }
            });
        }
    }
    Ok(())
}

pub fn follow_ups(path: &Path, c: FollowUpsCmd, o: Out) -> CliResult {
    let mut store = super::open(path)?;
    let today = store.today();
    match c {
        FollowUpsCmd::Due { until, mine, limit } => {
            let until = super::date_arg("until", until.as_deref(), today)?;
            let who = mine.then_some(store.actor().worker_id);
            let due = store.due_follow_ups(until, who, limit)?;
            o.emit(&due, |due| {
                for f in due {
                    println!("{}  {}  due {}  {}", f.id, f.case_code, date(Some(f.due_on)), f.purpose);
                }
                println!("{} open follow-up(s) due by {}.", due.len(), date(Some(until)));
            });
        }
        FollowUpsCmd::Add { code, due, purpose, text, keep_because } => {
            let keep = super::keep_because(keep_because.as_deref())?;
            let case = store.case_by_code(&code)?;
            let f = NewFollowUp {
                id: None,
                case_id: case.summary.id,
                referral_id: None,
                rights_check_id: None,
                due_on: schakel_core::dates::parse_date("due", &due)?,
                purpose,
                purpose_text: text,
                assignee_id: None,
            };
            let id = store.write(|w| {
                w.keep_warned_text(keep);
                w.add_follow_up(&f)
            })?;
            o.emit(&json!({"id": id}), |_| println!("Follow-up {id} added."));
        }
        FollowUpsCmd::Done { id, on } => {
            let id = super::uuid_arg("id", &id)?;
            let on = super::date_arg("on", on.as_deref(), today)?;
            store.write(|w| w.complete_follow_up(id, on))?;
            o.emit(&json!({"id": id, "done_on": on}), |_| println!("Follow-up done."));
        }
        FollowUpsCmd::Reschedule { id, due } => {
            let id = super::uuid_arg("id", &id)?;
            let due = schakel_core::dates::parse_date("due", &due)?;
            store.write(|w| w.reschedule_follow_up(id, due))?;
            o.emit(&json!({"id": id, "due_on": due}), |_| {
                println!("Follow-up moved to {}.", date(Some(due)))
            });
        }
    }
    Ok(())
}
