//! Golden datasets: every expected figure below was computed by hand (the working days
//! are spelled out in the comments), not by the code under test.

use chrono::NaiveDate;
use uuid::Uuid;

use super::*;
use crate::referrals::{EventKind as K, NewEvent, NewReferral, ReferralMode as M, ReferralState as S};
use crate::test_util::{new_case, profile, store_at};

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, day).unwrap()
}

const P: Uuid = Uuid::from_u128(1); // OCMW
const C: Uuid = Uuid::from_u128(2); // CAW
const D: Uuid = Uuid::from_u128(3); // DMW

#[allow(clippy::too_many_arguments)]
fn fact(
    n: u128,
    from: Uuid,
    to: Option<Uuid>,
    mode: M,
    state: S,
    sent: NaiveDate,
    accepted: Option<NaiveDate>,
    first_contact: Option<NaiveDate>,
) -> Fact {
    Fact {
        row: i64::try_from(n).unwrap(),
        from,
        to,
        life_domain: "housing".into(),
        mode,
        state,
        sent_on: sent,
        accepted_on: accepted,
        first_contact_on: first_contact,
        warm_steps: 0,
        flags: 0,
    }
}

/// Report date: Friday 20/11/2026. Armistice (Wednesday 11/11) is a holiday.
fn golden() -> Vec<Fact> {
    let mut facts = vec![
        // 1: same-day acceptance (0 wd), first contact Wed 4/11 (2 wd, 2 days).
        fact(1, P, Some(C), M::Cold, S::FirstContact, d(11, 2), Some(d(11, 2)), Some(d(11, 4))),
        // 2: sent Fri 6/11, accepted Thu 12/11 over Armistice: 9, 10, 12 → 3 wd (6 days);
        //    first contact Tue 17/11: 9, 10, 12, 13, 16, 17 → 6 wd (11 days).
        fact(2, P, Some(C), M::Warm, S::Completed, d(11, 6), Some(d(11, 12)), Some(d(11, 17))),
        // 3: sent Mon 26/10, accepted Mon 9/11: 27–30/10, 2–6/11, 9/11 → 10 wd (14 days);
        //    no first contact yet: waiting since sending 18 wd (to 20/11, minus 11/11).
        fact(3, P, Some(C), M::Warm, S::Accepted, d(10, 26), Some(d(11, 9)), None),
        // 4: declined.
        fact(4, C, Some(P), M::Cold, S::Declined, d(11, 16), None, None),
        // 5: sent Tue 3/11, no answer: 4–6, 9, 10, 12, 13, 16–20 → 12 wd (17 days): stalled.
        fact(5, C, Some(P), M::Cold, S::Sent, d(11, 3), None, None),
        // 6: sent Wed 18/11, no answer: 19, 20 → 2 wd, younger than the target.
        fact(6, P, Some(D), M::Warm, S::Sent, d(11, 18), None, None),
        // 7: outside service, accepted the next day (1 wd), then a no-show.
        fact(7, P, None, M::Cold, S::NoShow, d(11, 5), Some(d(11, 6)), None),
        // 8: withdrawn before an answer.
        fact(8, P, Some(C), M::Cold, S::Withdrawn, d(11, 9), None, None),
    ];
    // Warm steps: receiver contacted in 2 and 3, appointment made in 2.
    facts[1].warm_steps = K::ReceiverContacted.warm_bit() | K::AppointmentMade.warm_bit();
    facts[2].warm_steps = K::ReceiverContacted.warm_bit();
    facts
}

fn filter() -> KpiFilter {
    KpiFilter::period(d(10, 1), d(11, 30))
}

fn p(median: u32, p75: u32, p90: u32) -> Percentiles {
    Percentiles { median: Some(median), p75: Some(p75), p90: Some(p90) }
}

#[test]
fn nearest_rank_percentiles() {
    assert_eq!(figures::nearest_rank(&[], 50), None);
    assert_eq!(figures::nearest_rank(&[7], 90), Some(7));
    // n = 4: ranks ⌈2⌉ = 2, ⌈3⌉ = 3, ⌈3.6⌉ = 4.
    let v = [0, 1, 3, 10];
    assert_eq!(
        (figures::nearest_rank(&v, 50), figures::nearest_rank(&v, 75), figures::nearest_rank(&v, 90)),
        (Some(1), Some(3), Some(10))
    );
    // n = 10: p90 is rank 9.
    let v: Vec<u32> = (1..=10).collect();
    assert_eq!(figures::nearest_rank(&v, 90), Some(9));
}

#[test]
fn golden_overall_figures() {
    let facts = golden();
    let r = compute(&filter(), d(11, 20), &facts);
    let o = &r.overall;
    assert_eq!(o.sent, 8);
    assert_eq!(
        o.outcomes,
        Outcomes { accepted: 3, declined: 1, no_show: 1, withdrawn: 1, expired: 0, open: 2 }
    );
    // Acceptance observed for 1, 2, 3, 7: working [0, 1, 3, 10], calendar [0, 1, 6, 14].
    let a = &o.to_acceptance;
    assert_eq!(a.observed, 4);
    assert_eq!(a.working_days, p(1, 3, 10));
    assert_eq!(a.calendar_days, p(1, 6, 14));
    // Within 5 wd: 1, 2, 7. Known: the 4 observed + 5 (waiting 12 wd); 6 (2 wd) unknown.
    assert_eq!((a.within_target, a.known), (3, 5));
    assert_eq!(a.share_within_target, Some(0.6));
    assert_eq!((a.waiting, a.waiting_beyond_target), (2, 1));
    assert_eq!((a.waiting_median_working_days, a.waiting_max_working_days), (Some(2), Some(12)));
    // Buckets 0, 1, 2, 3, 4, 5, 6–10, 11–20, more: 0 wd, 1 wd, 3 wd, 10 wd.
    assert_eq!(a.histogram, [1, 1, 0, 1, 0, 0, 1, 0, 0]);
    // First contact observed for 1 (2 wd, 2 days) and 2 (6 wd, 11 days).
    let f = &o.to_first_contact;
    assert_eq!(f.observed, 2);
    assert_eq!(f.working_days, p(2, 6, 6));
    assert_eq!(f.calendar_days, p(2, 11, 11));
    // Still waiting: 3 (18 wd), 5 (12 wd), 6 (2 wd); 7 ended in a no-show, not waiting.
    assert_eq!((f.waiting, f.waiting_beyond_target), (3, 2));
    assert_eq!((f.within_target, f.known), (1, 4));
    assert_eq!(f.share_within_target, Some(0.25));
    assert_eq!((f.waiting_median_working_days, f.waiting_max_working_days), (Some(12), Some(18)));
}

#[test]
fn golden_pairs_months_warm_and_stalled() {
    let facts = golden();
    let r = compute(&filter(), d(11, 20), &facts);
    let sent: Vec<(Uuid, Option<Uuid>, u32)> =
        r.pairs.iter().map(|x| (x.from, x.to, x.figures.sent)).collect();
    assert_eq!(sent[0], (P, Some(C), 4));
    assert_eq!(sent[1], (C, Some(P), 2));
    assert!(sent.contains(&(P, Some(D), 1)) && sent.contains(&(P, None, 1)));
    // P → C: accepted 1 (0 wd), 2 (3 wd), 3 (10 wd); 8 withdrawn.
    let pc = &r.pairs[0].figures;
    assert_eq!(pc.outcomes.accepted, 3);
    assert_eq!(pc.outcomes.withdrawn, 1);
    assert_eq!(pc.to_acceptance.working_days.median, Some(3));
    assert_eq!((pc.to_acceptance.within_target, pc.to_acceptance.known), (2, 3));

    let months: Vec<(&str, u32)> = r.monthly.iter().map(|m| (m.month.as_str(), m.figures.sent)).collect();
    assert_eq!(months, [("2026-10", 1), ("2026-11", 7)]);
    let oct = &r.monthly[0].figures.to_acceptance;
    assert_eq!((oct.working_days.median, oct.within_target, oct.known), (Some(10), 0, 1));

    // Warm: 2, 3, 6. Receiver contacted in 2 and 3; appointment in 2.
    let w = &r.warm_cold;
    assert_eq!((w.warm.sent, w.cold.sent), (3, 5));
    let step = |k: EventKind| w.warm_steps.iter().find(|s| s.kind == k).map(|s| s.referrals);
    assert_eq!(step(K::ReceiverContacted), Some(2));
    assert_eq!(step(K::AppointmentMade), Some(1));
    assert_eq!(step(K::Accompanied), Some(0));
    assert_eq!(w.warm.to_first_contact.working_days.median, Some(6));
    assert_eq!(w.cold.to_first_contact.working_days.median, Some(2));

    // Stalled beyond 10 wd: only 5 (12 wd since sending). 3 waits 8 wd since acceptance.
    assert_eq!(r.stalled_total, 1);
    let s = &r.stalled[0];
    assert_eq!((s.row, s.state, s.waiting_working_days, s.waiting_calendar_days), (5, S::Sent, 12, 17));
}

#[test]
fn closing_days_and_the_target_change_the_figures() {
    let facts = golden();
    // Friday 13/11 closed: referral 2's first contact takes 9, 10, 12, 16, 17 → 5 wd.
    let mut f = filter();
    f.closing_days = vec![d(11, 13)];
    let r = compute(&f, d(11, 20), &facts);
    assert_eq!(r.overall.to_first_contact.working_days, p(2, 5, 5));
    assert_eq!(r.overall.to_first_contact.within_target, 2);
    // A target of 0 working days: only the same-day acceptance is within it.
    let mut f = filter();
    f.target_working_days = Some(0);
    let r = compute(&f, d(11, 20), &facts);
    assert_eq!(r.overall.to_acceptance.within_target, 1);
    // 5 (12 wd) and 6 (2 wd) are both beyond a target of 0.
    assert_eq!(r.overall.to_acceptance.known, 6);
}

// ----------------------------------------------------------------------------------------
// The same set through the store: events recorded by the side that owns them, read back
// through the covering index.

#[test]
fn golden_set_through_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = store_at(&dir.path().join("kpi.db"), "OCMW Test", None);
    store.set_today(d(11, 20));
    let me = store.actor();
    let (caw, dmw, caw_worker) = store
        .write(|w| {
            let caw = w.add_partner(&crate::partners::NewPartner {
                kind: Some(crate::partners::PartnerKind::Caw),
                name: "CAW Test".into(),
                ..Default::default()
            })?;
            let dmw = w.add_partner(&crate::partners::NewPartner {
                kind: Some(crate::partners::PartnerKind::Dmw),
                name: "DMW Test".into(),
                ..Default::default()
            })?;
            let caw_worker = w.add_worker(caw, "Medewerker CAW")?;
            Ok((caw, dmw, caw_worker))
        })
        .unwrap();
    // (from, to, mode, events as (kind, date)); the store's partner is P.
    type Plan = (Uuid, Option<Uuid>, M, Vec<(K, NaiveDate)>);
    let plans: Vec<Plan> = vec![
        (
            me.partner_id,
            Some(caw),
            M::Cold,
            vec![
                (K::Consent, d(11, 2)),
                (K::Sent, d(11, 2)),
                (K::Accepted, d(11, 2)),
                (K::FirstContact, d(11, 4)),
            ],
        ),
        (
            me.partner_id,
            Some(caw),
            M::Warm,
            vec![
                (K::Consent, d(11, 5)),
                (K::ReceiverContacted, d(11, 5)),
                (K::AppointmentMade, d(11, 6)),
                (K::Sent, d(11, 6)),
                (K::Accepted, d(11, 12)),
                (K::FirstContact, d(11, 17)),
                (K::Completed, d(11, 19)),
            ],
        ),
        (
            me.partner_id,
            Some(caw),
            M::Warm,
            vec![
                (K::Consent, d(10, 26)),
                (K::ReceiverContacted, d(10, 26)),
                (K::Sent, d(10, 26)),
                (K::Accepted, d(11, 9)),
            ],
        ),
        (
            caw,
            Some(me.partner_id),
            M::Cold,
            vec![(K::Consent, d(11, 16)), (K::Sent, d(11, 16)), (K::Declined, d(11, 17))],
        ),
        (caw, Some(me.partner_id), M::Cold, vec![(K::Consent, d(11, 3)), (K::Sent, d(11, 3))]),
        (me.partner_id, Some(dmw), M::Warm, vec![(K::Consent, d(11, 18)), (K::Sent, d(11, 18))]),
        (
            me.partner_id,
            None,
            M::Cold,
            vec![
                (K::Consent, d(11, 5)),
                (K::Sent, d(11, 5)),
                (K::Accepted, d(11, 6)),
                (K::NoShow, d(11, 10)),
            ],
        ),
        (
            me.partner_id,
            Some(caw),
            M::Cold,
            vec![(K::Consent, d(11, 9)), (K::Sent, d(11, 9)), (K::Withdrawn, d(11, 10))],
        ),
    ];
    let ids = store
        .write(|w| {
            let mut ids = Vec::new();
            for (from, to, mode, events) in plans {
                let worker = if from == me.partner_id { me.worker_id } else { caw_worker };
                w.demo_act_as(from, worker, 0);
                let case = w.open_case(&new_case(d(10, 1), profile("21001", &["housing"])))?;
                let id = w.create_referral(&NewReferral {
                    id: None,
                    case_id: case.summary.id,
                    to_partner_id: to,
                    outside_service: to.is_none().then(|| "Huurdersbond".to_owned()),
                    life_domain: "housing".into(),
                    mode,
                    project: None,
                })?;
                w.demo_act_as(me.partner_id, me.worker_id, 0);
                for (kind, on) in events {
                    let owner = crate::referrals::owner_of(kind, from, to);
                    w.record_event(&NewEvent {
                        id: None,
                        referral_id: id,
                        kind,
                        occurred_on: on,
                        partner_id: Some(owner),
                        worker_id: None,
                        reason: (kind == K::Declined).then(|| "capacity".to_owned()),
                    })?;
                }
                ids.push(id);
            }
            Ok(ids)
        })
        .unwrap();
    // Events of our own side name the worker who recorded them, also when the partner is
    // given explicitly (as the app does); the receiver's are not ours to sign.
    let events = store.referral_events(ids[0]).unwrap();
    let by = |k: K| events.iter().find(|e| e.kind == k).unwrap().worker_id;
    assert_eq!(by(K::Sent), Some(me.worker_id));
    assert_eq!(by(K::Accepted), None);

    let r = store.referral_kpis(&filter()).unwrap();
    assert_eq!(r.as_of, d(11, 20));
    assert_eq!(r.overall.sent, 8);
    assert_eq!(
        r.overall.outcomes,
        Outcomes { accepted: 3, declined: 1, no_show: 1, withdrawn: 1, expired: 0, open: 2 }
    );
    assert_eq!(r.overall.to_acceptance.working_days, p(1, 3, 10));
    assert_eq!(r.overall.to_acceptance.share_within_target, Some(0.6));
    assert_eq!(r.overall.to_first_contact.working_days, p(2, 6, 6));
    let step = |k: EventKind| r.warm_cold.warm_steps.iter().find(|s| s.kind == k).map(|s| s.referrals);
    assert_eq!((step(K::ReceiverContacted), step(K::AppointmentMade)), (Some(2), Some(1)));
    assert_eq!(r.stalled_total, 1);
    assert_eq!(r.stalled[0].case_code.len(), 9, "stalled rows carry the case code");
    assert!(r.partners.iter().any(|p| p.name == "CAW Test"));

    // Filters: the CAW as sender only; warm only; a period without referrals.
    let mut f = filter();
    f.from_partner_id = Some(caw);
    assert_eq!(store.referral_kpis(&f).unwrap().overall.sent, 2);
    let mut f = filter();
    f.mode = Some(M::Warm);
    assert_eq!(store.referral_kpis(&f).unwrap().overall.sent, 3);
    let mut f = filter();
    f.partner_id = Some(dmw);
    assert_eq!(store.referral_kpis(&f).unwrap().overall.sent, 1);
    let empty = store.referral_kpis(&KpiFilter::period(d(1, 1), d(1, 31))).unwrap();
    assert_eq!(empty.overall.sent, 0);
    assert_eq!(empty.overall.to_acceptance.share_within_target, None);
    // Bad filters are refused.
    assert_eq!(
        store.referral_kpis(&KpiFilter::period(d(2, 1), d(1, 1))).unwrap_err().kind(),
        crate::ErrorKind::Validation
    );
    let mut f = filter();
    f.project = Some("nope".into());
    assert_eq!(store.referral_kpis(&f).unwrap_err().kind(), crate::ErrorKind::Validation);
}
