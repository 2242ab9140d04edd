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

/// Durations are small whole numbers of days: counting them is cheaper than sorting.
fn percentiles(values: &[u32]) -> Percentiles {
    let Some(max) = values.iter().max() else { return Percentiles::default() };
    let mut counts = vec![0u32; *max as usize + 1];
    for v in values {
        counts[*v as usize] += 1;
    }
    let n = u32::try_from(values.len()).unwrap_or(u32::MAX);
    Percentiles {
        median: rank_in_counts(&counts, n, 50),
        p75: rank_in_counts(&counts, n, 75),
        p90: rank_in_counts(&counts, n, 90),
    }
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

/// Which step a timing is about.
#[derive(Clone, Copy)]
enum Step {
    Acceptance,
    FirstContact,
}

fn timing<'a>(facts: impl Iterator<Item = &'a Fact>, step: Step, cx: &Context<'_>) -> Timing {
    let mut calendar = Vec::new();
    let mut working = Vec::new();
    let mut waits = Vec::new();
    let mut t = Timing { histogram: vec![0; HISTOGRAM_BOUNDS.len() + 1], ..Timing::default() };
    for f in facts {
        let reached = match step {
            Step::Acceptance => f.accepted_on,
            Step::FirstContact => f.first_contact_on,
        };
        let still_waiting = match step {
            Step::Acceptance => f.state == ReferralState::Sent,
            Step::FirstContact => matches!(f.state, ReferralState::Sent | ReferralState::Accepted),
        };
        if let Some(on) = reached {
            let wd = cx.wd(f.sent_on, on);
            calendar.push(days(f.sent_on, on));
            working.push(wd);
            if let Some(n) = t.histogram.get_mut(bucket(wd)) {
                *n += 1;
            }
            t.observed += 1;
            t.known += 1;
            if wd <= cx.target_working_days {
                t.within_target += 1;
            }
        } else if still_waiting {
            let age = cx.wd(f.sent_on, cx.as_of);
            waits.push(age);
            t.waiting += 1;
            if age > cx.target_working_days {
                t.waiting_beyond_target += 1;
                t.known += 1;
            }
        }
    }
    t.calendar_days = percentiles(&calendar);
    t.working_days = percentiles(&working);
    waits.sort_unstable();
    t.waiting_median_working_days = nearest_rank(&waits, 50);
    t.waiting_max_working_days = waits.last().copied();
    t.share_within_target = (t.known > 0).then(|| f64::from(t.within_target) / f64::from(t.known));
    t
}

/// Every figure over a set of referrals.
pub fn figures<'a>(facts: impl Iterator<Item = &'a Fact> + Clone, cx: &Context<'_>) -> Figures {
    let mut o = Outcomes::default();
    let mut sent = 0;
    for f in facts.clone() {
        sent += 1;
        match f.state {
            ReferralState::Accepted | ReferralState::FirstContact | ReferralState::Completed => {
                o.accepted += 1
            }
            ReferralState::Declined => o.declined += 1,
            ReferralState::NoShow => o.no_show += 1,
            ReferralState::Withdrawn => o.withdrawn += 1,
            ReferralState::Expired => o.expired += 1,
            ReferralState::Sent | ReferralState::Draft => o.open += 1,
        }
    }
    Figures {
        sent,
        outcomes: o,
        to_acceptance: timing(facts.clone(), Step::Acceptance, cx),
        to_first_contact: timing(facts, Step::FirstContact, cx),
    }
}
