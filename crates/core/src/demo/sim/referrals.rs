//! Referrals: how many a case gets, to whom, and the planned life of each one as events.

use chrono::NaiveDate;
use rand::Rng;
use uuid::Uuid;

use super::{CaseCtx, Sim};
use crate::demo::random::{add_days, days_between, lognormal_days, one_of, pick, pick_str, workday};
use crate::demo::tables::{DECLINE_REASONS, LIFE_DOMAINS, MUNICIPALITY_NAMES, Target, targets};
use crate::error::Result;
use crate::ids::id_at;
use crate::partners::PartnerKind;
use crate::referrals::{EventKind, NewEvent, NewReferral, ReferralMode, ReferralState};
use crate::store::Writer;

/// One planned referral event.
struct Ev {
    kind: EventKind,
    on: NaiveDate,
    reason: Option<&'static str>,
}

enum Dest {
    Partner(usize),
    Outside(String),
}

impl Sim<'_> {
    pub(super) fn referrals(&mut self, w: &mut Writer<'_>, c: &CaseCtx) -> Result<()> {
        let n = *pick(
            &mut self.rng,
            &[(0u32, 8), (1, 15), (2, 20), (3, 20), (4, 15), (5, 10), (6, 6), (7, 4), (8, 2)],
        );
        let span = c.span();
        #[allow(clippy::cast_precision_loss)]
        let window = if c.closed { span as f64 * 0.6 } else { span as f64 };
        let mut days: Vec<i64> = (0..n)
            .map(|i| {
                if i == 0 {
                    if self.rng.random_bool(0.45) { 0 } else { self.rng.random_range(1..=14).min(span) }
                } else {
                    #[allow(clippy::cast_possible_truncation)]
                    let d = (self.rng.random::<f64>().powf(1.4) * window).floor() as i64;
                    d.clamp(0, span)
                }
            })
            .collect();
        days.sort_unstable();
        for d in days {
            let domain = match c.domains.as_slice() {
                ds if !ds.is_empty() && self.rng.random_bool(0.85) => *one_of(&mut self.rng, ds),
                _ => pick_str(&mut self.rng, LIFE_DOMAINS),
            };
            self.referral(w, c, domain, add_days(c.opened, d))?;
        }
        Ok(())
    }

    /// Chooses a receiver for a question; `true` when an OCMW of another municipality
    /// had to be asked (it will often decline as not competent).
    fn destination(&mut self, c: &CaseCtx, domain: &str) -> (Dest, bool) {
        let members = &self.net.members;
        for _ in 0..4 {
            let target = *pick(&mut self.rng, targets(domain));
            let of_kind = |k: PartnerKind| -> Vec<usize> {
                members
                    .iter()
                    .enumerate()
                    .filter(|(i, m)| *i != c.owner && m.kind == k)
                    .map(|(i, _)| i)
                    .collect()
            };
            match target {
                Target::Out(name) => return (Dest::Outside(name.to_owned()), false),
                Target::Ocmw => {
                    let local = members.iter().position(|m| {
                        m.kind == PartnerKind::Ocmw && m.municipality.as_deref() == Some(c.municipality)
                    });
                    match local {
                        Some(i) if i == c.owner => {} // the OCMW is the sender: ask another
                        Some(i) => return (Dest::Partner(i), false),
                        None => {
                            let others = of_kind(PartnerKind::Ocmw);
                            let name = MUNICIPALITY_NAMES
                                .iter()
                                .find(|(code, _)| *code == c.municipality)
                                .map(|(_, n)| *n);
                            match name {
                                Some(n) if others.is_empty() || self.rng.random_bool(0.6) => {
                                    return (Dest::Outside(format!("OCMW {n}")), false);
                                }
                                _ if !others.is_empty() => {
                                    let i = *one_of(&mut self.rng, &others);
                                    // Without an address the OCMW where the person
                                    // stays is competent.
                                    let wrong = c.municipality != "no_fixed_address";
                                    return (Dest::Partner(i), wrong);
                                }
                                _ => {}
                            }
                        }
                    }
                }
                Target::Caw | Target::Dmw | Target::Child => {
                    let kind = match target {
                        Target::Caw => PartnerKind::Caw,
                        Target::Dmw => PartnerKind::Dmw,
                        _ => PartnerKind::Other,
                    };
                    let cands = of_kind(kind);
                    if !cands.is_empty() {
                        return (Dest::Partner(*one_of(&mut self.rng, &cands)), false);
                    }
                }
            }
        }
        let others: Vec<usize> = (0..members.len()).filter(|&i| i != c.owner).collect();
        if others.is_empty() {
            (Dest::Outside("Wijkgezondheidscentrum".to_owned()), false)
        } else {
            (Dest::Partner(*one_of(&mut self.rng, &others)), false)
        }
    }

    fn referral(&mut self, w: &mut Writer<'_>, c: &CaseCtx, domain: &str, consent: NaiveDate) -> Result<()> {
        let (dest, wrong_territory) = self.destination(c, domain);
        let sender = self.member(c.owner);
        let warm_p = match sender.kind {
            PartnerKind::Caw => 0.63,
            PartnerKind::Ocmw => 0.55,
            PartnerKind::Dmw => 0.55,
            PartnerKind::Other => 0.6,
        } - if matches!(dest, Dest::Outside(_)) { 0.1 } else { 0.0 };
        let warm = self.rng.random_bool(warm_p);
        let (to_idx, outside) = match dest {
            Dest::Partner(i) => (Some(i), None),
            Dest::Outside(name) => (None, Some(name)),
        };
        let speed = to_idx.map_or(1.6, |i| self.member(i).speed);
        let plan = self.plan_referral(consent, warm, speed, outside.is_some(), wrong_territory);

        let ms = self.act(w, c.owner, c.worker, consent);
        let rid = id_at(ms, &mut self.rng);
        w.create_referral(&NewReferral {
            id: Some(rid),
            case_id: c.id,
            to_partner_id: to_idx.map(|i| self.member(i).id),
            outside_service: outside,
            life_domain: domain.to_owned(),
            mode: if warm { ReferralMode::Warm } else { ReferralMode::Cold },
            project: c.project.filter(|_| self.rng.random_bool(0.7)).map(str::to_owned),
        })?;
        self.sum.referrals += 1;

        // Who records the receiver's side: the receiving partner, or the sender on
        // behalf of a service outside the network.
        let receiver = to_idx.unwrap_or(c.owner);
        let receiver_worker = if to_idx.is_some() { self.worker_of(receiver) } else { c.worker };
        let mut state = ReferralState::Draft;
        let mut sent_on = None;
        for e in plan.iter().take_while(|e| e.on <= c.end) {
            self.event(w, c, rid, receiver, receiver_worker, e)?;
            if let Some(next) = e.kind.next_state(state) {
                state = next;
            }
            if e.kind == EventKind::Sent {
                sent_on = Some(e.on);
            }
        }
        if c.closed {
            // Closing the case closes the loop on what is still running.
            let closing = match state {
                ReferralState::Draft | ReferralState::Sent | ReferralState::Accepted => {
                    Some(EventKind::Withdrawn)
                }
                ReferralState::FirstContact => Some(EventKind::Completed),
                _ => None,
            };
            if let Some(kind) = closing {
                let e = Ev { kind, on: c.end, reason: None };
                self.event(w, c, rid, receiver, receiver_worker, &e)?;
            }
        }
        if let Some(sent) = sent_on
            && self.rng.random_bool(0.7)
        {
            let gap = self.rng.random_range(5..=10);
            let due = workday(&mut self.rng, add_days(sent, gap));
            self.follow_up(w, c, sent, due, "check_referral", Some(rid), None, false)?;
        }
        Ok(())
    }

    fn event(
        &mut self,
        w: &mut Writer<'_>,
        c: &CaseCtx,
        rid: Uuid,
        receiver: usize,
        receiver_worker: Uuid,
        e: &Ev,
    ) -> Result<()> {
        let (side, worker) = match e.kind.side() {
            crate::referrals::Side::Sender => (c.owner, c.worker),
            crate::referrals::Side::Receiver => (receiver, receiver_worker),
        };
        let mut ms = self.act(w, side, worker, e.on);
        if e.kind != EventKind::Consent && ms <= self.last_event_ms {
            // Same business day as the previous event: recorded just after it.
            ms = self.last_event_ms + 60_000;
            w.demo_act_as(self.member(side).id, worker, ms);
        }
        self.last_event_ms = ms;
        let id = id_at(ms, &mut self.rng);
        w.record_event(&NewEvent {
            id: Some(id),
            referral_id: rid,
            kind: e.kind,
            occurred_on: e.on,
            partner_id: Some(self.member(side).id),
            worker_id: Some(worker),
            reason: e.reason.map(str::to_owned),
        })?;
        self.sum.referral_events += 1;
        Ok(())
    }

    /// The full life of a referral from consent, in business order, before any cut-off.
    fn plan_referral(
        &mut self,
        consent: NaiveDate,
        warm: bool,
        speed: f64,
        outside: bool,
        wrong_territory: bool,
    ) -> Vec<Ev> {
        use EventKind::*;
        let rng = &mut self.rng;
        let ev = |kind, on| Ev { kind, on, reason: None };
        let mut out = Vec::with_capacity(8);
        let sent = add_days(consent, *pick(rng, &[(0i64, 70), (1, 20), (2, 10)]));
        out.push(ev(Consent, consent));
        if warm {
            let gap = days_between(consent, sent);
            out.push(ev(ReceiverContacted, add_days(consent, rng.random_range(0..=gap))));
        }
        out.push(ev(Sent, sent));

        let p_decline = if wrong_territory {
            0.45
        } else if outside {
            0.05
        } else {
            0.08
        };
        let p_expire = if warm { 0.02 } else { 0.07 } + if outside { 0.06 } else { 0.0 };
        let p_withdraw = 0.03;
        let u = rng.random::<f64>();
        if u < p_decline {
            let d = lognormal_days(rng, 3.0 * speed, 0.8, 0, 20);
            let on = workday(rng, add_days(sent, d));
            let reason =
                if wrong_territory { "not_competent_territory" } else { pick_str(rng, DECLINE_REASONS) };
            out.push(Ev { kind: Declined, on, reason: Some(reason) });
            return out;
        }
        if u < p_decline + p_expire {
            out.push(ev(Expired, add_days(sent, rng.random_range(30..=60))));
            return out;
        }
        if u < p_decline + p_expire + p_withdraw {
            out.push(ev(Withdrawn, add_days(sent, rng.random_range(1..=20))));
            return out;
        }

        let appointment = warm && rng.random_bool(0.85);
        if appointment {
            out.push(ev(AppointmentMade, sent));
        }
        let median = if appointment {
            1.2
        } else if warm {
            2.0
        } else {
            3.8
        } * speed;
        let delay = lognormal_days(rng, median, 0.85, 0, 15);
        let accepted = workday(rng, add_days(sent, delay));
        out.push(ev(Accepted, accepted));

        let v = rng.random::<f64>();
        let (p_first, p_no_show) = if warm { (0.9, 0.06) } else { (0.81, 0.12) };
        if v < p_first {
            let d = lognormal_days(rng, if warm { 4.0 } else { 7.0 }, 0.7, 1, 20);
            let first = workday(rng, add_days(accepted, d));
            if warm && rng.random_bool(0.2) {
                out.push(ev(Accompanied, first));
            }
            out.push(ev(FirstContact, first));
            let completed =
                rng.random_bool(0.9).then(|| add_days(first, lognormal_days(rng, 30.0, 0.9, 3, 180)));
            if warm && rng.random_bool(0.65) {
                let mut fb = add_days(first, rng.random_range(0..=10));
                if let Some(done) = completed {
                    fb = fb.min(done);
                }
                out.push(ev(FeedbackGiven, fb));
            }
            if let Some(done) = completed {
                out.push(ev(Completed, done));
            }
        } else if v < p_first + p_no_show {
            let d = lognormal_days(rng, if warm { 4.0 } else { 7.0 }, 0.7, 1, 20);
            let no_show = workday(rng, add_days(accepted, d));
            out.push(ev(NoShow, no_show));
            if warm && rng.random_bool(0.5) {
                out.push(ev(FeedbackGiven, add_days(no_show, rng.random_range(0..=5))));
            }
        } else {
            out.push(ev(Withdrawn, add_days(accepted, rng.random_range(3..=30))));
        }
        out
    }
}
