//! The pure arithmetic of referral times: from referral facts to figures. No SQL here,
//! so the golden tests can state every input and every expected number.
//!
//! Definitions (docs/kpi.md explains them for coordinators):
//! * A referral counts in the period when it was **sent** in it (business date of the
//!   sending partner). Drafts never sent are not counted.
//! * **Outcome** as of the report date, one per referral: `accepted` (accepted, also when
//!   the first contact or completion followed), `declined`, `no_show`, `withdrawn`,
//!   `expired`, or `open` (sent and not answered yet).
//! * **Durations** run from the sending date to the acceptance (or first contact) date of
//!   the partner who recorded it, in calendar days and in working days (see `calendar`).
//! * **Percentiles** use the nearest-rank method over the observed durations: the p-th
//!   percentile of n sorted values is the value at rank ⌈p·n/100⌉ (the median is p50).
//!   Open referrals have no duration yet, so they are not in the percentiles; the figures
//!   say how many are still waiting and for how long instead.
//! * **Within target**: of the referrals whose result against the target is known, the
//!   share reached within the target (default 5 working days). Known: a duration was
//!   observed (within or beyond the target), or the referral is still waiting and already
//!   older than the target (certainly beyond it). Still waiting and younger than the
//!   target: not known yet, left out. Ended without the step (declined, expired,
//!   withdrawn before it, no-show for the first contact): left out, counted in outcomes.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::calendar::WorkingDays;
use crate::referrals::{ReferralMode, ReferralState};

/// What the figures need of one referral.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// The referral's row: the index holds it for free, and the few rows that need the
    /// referral and case ids (stalled ones) are looked up by it afterwards.
    pub row: i64,
    pub from: Uuid,
    /// `None`: a service outside the network.
    pub to: Option<Uuid>,
    pub life_domain: Arc<str>,
    pub mode: ReferralMode,
    pub state: ReferralState,
    pub sent_on: NaiveDate,
    pub accepted_on: Option<NaiveDate>,
    pub first_contact_on: Option<NaiveDate>,
    /// Warm steps recorded, as bits (`EventKind::warm_bit`).
    pub warm_steps: u8,
    /// Dates or clocks that do not add up, as bits (`EventFlag::bit`).
    pub flags: u8,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Outcomes {
    pub accepted: u32,
    pub declined: u32,
    pub no_show: u32,
    pub withdrawn: u32,
    pub expired: u32,
    pub open: u32,
}

/// Nearest-rank percentiles of observed durations, in days; `None` without observations.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Percentiles {
    pub median: Option<u32>,
    pub p75: Option<u32>,
    pub p90: Option<u32>,
}

/// Time from sending to one step (acceptance, or first contact).
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Timing {
    /// Referrals where the step happened: the durations below are theirs.
    pub observed: u32,
    pub calendar_days: Percentiles,
    pub working_days: Percentiles,
    /// Reached the step within the target.
    pub within_target: u32,
    /// Referrals whose result against the target is known (see the module docs).
    pub known: u32,
    /// `within_target / known`; `None` when nothing is known.
    pub share_within_target: Option<f64>,
    /// Still waiting for the step (open), and already beyond the target.
    pub waiting: u32,
    pub waiting_beyond_target: u32,
    /// Median and longest wait so far of those still waiting, in working days.
    pub waiting_median_working_days: Option<u32>,
    pub waiting_max_working_days: Option<u32>,
    /// Observed durations per working-day bucket: 0, 1, 2, 3, 4, 5, 6–10, 11–20, more.
    pub histogram: Vec<u32>,
}

/// Upper bounds (inclusive) of the histogram buckets; the last bucket has none.
pub const HISTOGRAM_BOUNDS: [u32; 8] = [0, 1, 2, 3, 4, 5, 10, 20];

fn bucket(wd: u32) -> usize {
    HISTOGRAM_BOUNDS.iter().position(|b| wd <= *b).unwrap_or(HISTOGRAM_BOUNDS.len())
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Figures {
    pub sent: u32,
    pub outcomes: Outcomes,
    pub to_acceptance: Timing,
    pub to_first_contact: Timing,
}

/// Nearest-rank percentile of sorted values.
pub fn nearest_rank(sorted: &[u32], p: u32) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (usize::try_from(p).unwrap_or(100) * n).div_ceil(100).clamp(1, n);
    sorted.get(rank - 1).copied()
}

/// Nearest-rank percentile from counts per value (`counts[d]`: how many took `d` days):
/// the same answer as [`nearest_rank`] on the sorted values, in one pass over the counts.
fn rank_in_counts(counts: &[u32], n: u32, p: u32) -> Option<u32> {
    if n == 0 {
        return None;
    }
    let rank = (u64::from(p) * u64::from(n)).div_ceil(100).clamp(1, u64::from(n));
    let mut seen = 0u64;
    for (value, c) in counts.iter().enumerate() {
        seen += u64::from(*c);
        if seen >= rank {
            return u32::try_from(value).ok();
        }
    }
    None
}

fn days(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days()).unwrap_or(0)
}

/// The context every figure is computed in.
pub struct Context<'a> {
    pub as_of: NaiveDate,
    pub target_working_days: u32,
    pub table: &'a WorkingDays,
}

impl Context<'_> {
    pub(crate) fn wd(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        self.table.between(from, to).and_then(|d| u32::try_from(d).ok()).unwrap_or(0)
    }
}

/// What one referral contributes to a timing, worked out once per referral.
#[derive(Debug, Clone, Copy)]
enum Point {
    /// The step happened after this many calendar and working days.
    Reached { calendar: u32, working: u32 },
    /// Still waiting for the step, for this many working days so far.
    Waiting { working: u32 },
    /// Ended without the step.
    Ended,
}

/// Counts per whole number of days: percentiles without sorting.
#[derive(Debug, Clone, Default)]
struct Counts(Vec<u32>);

impl Counts {
    fn add(&mut self, v: u32) {
        let i = v as usize;
        if self.0.len() <= i {
            self.0.resize(i + 1, 0);
        }
        self.0[i] += 1;
    }

    fn n(&self) -> u32 {
        self.0.iter().sum()
    }

    fn percentiles(&self) -> Percentiles {
        let n = self.n();
        Percentiles {
            median: rank_in_counts(&self.0, n, 50),
            p75: rank_in_counts(&self.0, n, 75),
            p90: rank_in_counts(&self.0, n, 90),
        }
    }
}

/// A timing being summed up, one referral at a time.
#[derive(Debug, Clone, Default)]
struct TimingAcc {
    calendar: Counts,
    working: Counts,
    waits: Counts,
    within_target: u32,
    waiting_beyond_target: u32,
    histogram: [u32; HISTOGRAM_BOUNDS.len() + 1],
}

impl TimingAcc {
    fn add(&mut self, p: Point, target: u32) {
        match p {
            Point::Reached { calendar, working } => {
                self.calendar.add(calendar);
                self.working.add(working);
                self.histogram[bucket(working)] += 1;
                if working <= target {
                    self.within_target += 1;
                }
            }
            Point::Waiting { working } => {
                self.waits.add(working);
                if working > target {
                    self.waiting_beyond_target += 1;
                }
            }
            Point::Ended => {}
        }
    }

    fn finish(&self) -> Timing {
        let observed = self.working.n();
        let waiting = self.waits.n();
        let known = observed + self.waiting_beyond_target;
        Timing {
            observed,
            calendar_days: self.calendar.percentiles(),
            working_days: self.working.percentiles(),
            within_target: self.within_target,
            known,
            share_within_target: (known > 0).then(|| f64::from(self.within_target) / f64::from(known)),
            waiting,
            waiting_beyond_target: self.waiting_beyond_target,
            waiting_median_working_days: rank_in_counts(&self.waits.0, waiting, 50),
            waiting_max_working_days: self
                .waits
                .0
                .iter()
                .rposition(|c| *c > 0)
                .and_then(|i| u32::try_from(i).ok()),
            histogram: self.histogram.to_vec(),
        }
    }
}

/// What one referral contributes to every figure.
#[derive(Debug, Clone, Copy)]
pub struct Measured {
    state: ReferralState,
    acceptance: Point,
    first_contact: Point,
}

impl Context<'_> {
    /// The durations of one referral, computed once whatever the groups it falls in.
    pub fn measure(&self, f: &Fact) -> Measured {
        let point = |reached: Option<NaiveDate>, waiting: bool| match reached {
            Some(on) => Point::Reached { calendar: days(f.sent_on, on), working: self.wd(f.sent_on, on) },
            None if waiting => Point::Waiting { working: self.wd(f.sent_on, self.as_of) },
            None => Point::Ended,
        };
        Measured {
            state: f.state,
            acceptance: point(f.accepted_on, f.state == ReferralState::Sent),
            first_contact: point(
                f.first_contact_on,
                matches!(f.state, ReferralState::Sent | ReferralState::Accepted),
            ),
        }
    }
}

/// Every figure of a group of referrals, summed up one referral at a time.
#[derive(Debug, Clone, Default)]
pub struct FiguresAcc {
    sent: u32,
    outcomes: Outcomes,
    acceptance: TimingAcc,
    first_contact: TimingAcc,
}

impl FiguresAcc {
    pub fn add(&mut self, m: &Measured, target: u32) {
        self.sent += 1;
        let o = &mut self.outcomes;
        match m.state {
            ReferralState::Accepted | ReferralState::FirstContact | ReferralState::Completed => {
                o.accepted += 1
            }
            ReferralState::Declined => o.declined += 1,
            ReferralState::NoShow => o.no_show += 1,
            ReferralState::Withdrawn => o.withdrawn += 1,
            ReferralState::Expired => o.expired += 1,
            ReferralState::Sent | ReferralState::Draft => o.open += 1,
        }
        self.acceptance.add(m.acceptance, target);
        self.first_contact.add(m.first_contact, target);
    }

    pub fn finish(&self) -> Figures {
        Figures {
            sent: self.sent,
            outcomes: self.outcomes.clone(),
            to_acceptance: self.acceptance.finish(),
            to_first_contact: self.first_contact.finish(),
        }
    }
}

/// Every figure over a set of referrals.
pub fn figures<'a>(facts: impl Iterator<Item = &'a Fact>, cx: &Context<'_>) -> Figures {
    let mut acc = FiguresAcc::default();
    for f in facts {
        acc.add(&cx.measure(f), cx.target_working_days);
    }
    acc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The counting percentiles used for the figures agree with the nearest-rank
    /// definition on sorted values.
    #[test]
    fn counting_agrees_with_nearest_rank() {
        let mut seed = 7u64;
        for len in [1usize, 2, 3, 4, 5, 9, 10, 11, 99, 100, 257] {
            let mut v: Vec<u32> = (0..len)
                .map(|_| {
                    seed =
                        seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                    u32::try_from(seed >> 58).unwrap()
                })
                .collect();
            let mut counts = Counts::default();
            for x in &v {
                counts.add(*x);
            }
            v.sort_unstable();
            let p = counts.percentiles();
            assert_eq!(
                (p.median, p.p75, p.p90),
                (nearest_rank(&v, 50), nearest_rank(&v, 75), nearest_rank(&v, 90)),
                "{v:?}"
            );
        }
        assert_eq!(Counts::default().percentiles(), Percentiles::default());
    }
}
