//! Referral times for coordinators: how long a person waits between partners, where
//! referrals stall, and whether warm referrals reach the first contact faster. The
//! arithmetic and its definitions are in `figures.rs`, the data comes from `query.rs`.

pub mod figures;
mod query;

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::calendar::{WorkCalendar, WorkingDays};
use crate::error::{Error, Result};
use crate::referrals::{EventKind, ReferralMode, ReferralState};
use crate::store::Store;
use figures::{Context, FiguresAcc};
pub use figures::{Fact, Figures, Outcomes, Percentiles, Timing};

/// Default target: accepted (or first contact) within this many working days.
pub const DEFAULT_TARGET_WORKING_DAYS: u32 = 5;
/// Default age, in working days, beyond which an unanswered or unmet referral stalls.
pub const DEFAULT_STALLED_WORKING_DAYS: u32 = 10;
/// Most stalled referrals listed (the total is always given).
pub const STALLED_LIST_LIMIT: usize = 200;
/// Longest period one report may cover.
pub const MAX_PERIOD_DAYS: i64 = 3 * 366;

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct KpiFilter {
    /// First and last sending date of the period (inclusive).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Referrals this partner sent or received.
    #[serde(default)]
    pub partner_id: Option<Uuid>,
    #[serde(default)]
    pub from_partner_id: Option<Uuid>,
    #[serde(default)]
    pub to_partner_id: Option<Uuid>,
    #[serde(default)]
    pub life_domain: Option<String>,
    #[serde(default)]
    pub mode: Option<ReferralMode>,
    /// Project code.
    #[serde(default)]
    pub project: Option<String>,
    #[serde(default)]
    pub target_working_days: Option<u32>,
    #[serde(default)]
    pub stalled_after_working_days: Option<u32>,
    /// Extra closing days besides weekends and the federal public holidays.
    #[serde(default)]
    pub closing_days: Vec<NaiveDate>,
}

impl KpiFilter {
    pub fn period(from: NaiveDate, to: NaiveDate) -> Self {
        KpiFilter {
            from,
            to,
            partner_id: None,
            from_partner_id: None,
            to_partner_id: None,
            life_domain: None,
            mode: None,
            project: None,
            target_working_days: None,
            stalled_after_working_days: None,
            closing_days: Vec::new(),
        }
    }
}

/// The figures of one sender → receiver pair (`to: None` = services outside the network).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PairFigures {
    pub from: Uuid,
    pub to: Option<Uuid>,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthFigures {
    /// `YYYY-MM`, by sending date.
    pub month: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WarmStep {
    pub kind: EventKind,
    /// Warm referrals of the period where this step was recorded.
    pub referrals: u32,
    pub share: Option<f64>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct WarmCold {
    pub warm: Figures,
    pub cold: Figures,
    /// How often each warm step happened among the warm referrals.
    pub warm_steps: Vec<WarmStep>,
}

/// A referral whose events' dates or clocks do not add up: counted in the figures as
/// recorded, and listed so a coordinator can check it with the partners.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Flagged {
    #[serde(skip)]
    #[ts(skip)]
    pub row: i64,
    pub referral_id: Uuid,
    pub case_id: Option<Uuid>,
    pub case_code: String,
    pub from: Uuid,
    pub to: Option<Uuid>,
    pub life_domain: String,
    pub state: ReferralState,
    pub sent_on: NaiveDate,
    pub flags: Vec<crate::exchange::flags::EventFlag>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Stalled {
    #[serde(skip)]
    #[ts(skip)]
    pub row: i64,
    pub referral_id: Uuid,
    /// The case here; `None` for a referral received from or reported by another store.
    pub case_id: Option<Uuid>,
    pub case_code: String,
    pub from: Uuid,
    pub to: Option<Uuid>,
    pub life_domain: String,
    pub mode: ReferralMode,
    /// `sent` (no answer) or `accepted` (no first contact).
    pub state: ReferralState,
    pub sent_on: NaiveDate,
    /// Working and calendar days since the last step (sending, or acceptance).
    pub waiting_working_days: u32,
    pub waiting_calendar_days: u32,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PartnerName {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReferralKpis {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The date open referrals are measured against (the store's today).
    pub as_of: NaiveDate,
    pub target_working_days: u32,
    pub stalled_after_working_days: u32,
    pub overall: Figures,
    /// Sender × receiver, most referrals first: also the flow matrix.
    pub pairs: Vec<PairFigures>,
    pub monthly: Vec<MonthFigures>,
    pub warm_cold: WarmCold,
    /// Longest waits first, at most [`STALLED_LIST_LIMIT`].
    pub stalled: Vec<Stalled>,
    pub stalled_total: u32,
    /// Referrals with implausible dates or clocks (flagged, not left out), newest first, at
    /// most [`STALLED_LIST_LIMIT`].
    pub flagged: Vec<Flagged>,
    pub flagged_total: u32,
    /// Names of every partner that appears above.
    pub partners: Vec<PartnerName>,
}

impl Store {
    /// Referral-time figures for a period (see `figures.rs` for the definitions).
    pub fn referral_kpis(&self, filter: &KpiFilter) -> Result<ReferralKpis> {
        self.require(crate::access::Permission::ReferralFigures)?;
        self.referral_figures(filter)
    }

    /// The figures without the role check: for reports that publish only aggregates of
    /// them (the monthly statistics), which check their own permission.
    pub(crate) fn referral_figures(&self, filter: &KpiFilter) -> Result<ReferralKpis> {
        if filter.to < filter.from {
            return Err(Error::validation("to", "the period ends before it starts"));
        }
        if (filter.to - filter.from).num_days() > MAX_PERIOD_DAYS {
            return Err(Error::validation("to", "a period covers at most three years"));
        }
        if let Some(d) = &filter.life_domain {
            self.vocabularies().check(crate::reference::Vocab::LifeDomain, "life_domain", d)?;
        }
        let as_of = self.today();
        let facts = query::facts(self, filter)?;
        let mut report = compute(filter, as_of, &facts);
        for s in &mut report.stalled {
            if let Some(ids) = query::ids_of_row(self, s.row)? {
                (s.referral_id, s.case_id, s.case_code) = ids;
            }
        }
        for f in &mut report.flagged {
            if let Some(ids) = query::ids_of_row(self, f.row)? {
                (f.referral_id, f.case_id, f.case_code) = ids;
            }
        }
        report.partners = query::partner_names(self, &report)?;
        Ok(report)
    }
}

/// Every figure of the report from the facts (pure; the golden tests call it directly).
pub fn compute(filter: &KpiFilter, as_of: NaiveDate, facts: &[Fact]) -> ReferralKpis {
    let target = filter.target_working_days.unwrap_or(DEFAULT_TARGET_WORKING_DAYS);
    let stall = filter.stalled_after_working_days.unwrap_or(DEFAULT_STALLED_WORKING_DAYS);
    let calendar = WorkCalendar::belgian().with_closing_days(filter.closing_days.iter().copied());
    let first = facts.iter().map(|f| f.sent_on).min().unwrap_or(filter.from).min(as_of);
    let table = WorkingDays::new(&calendar, first, as_of.max(filter.to));
    let cx = Context { as_of, target_working_days: target, table: &table };

    // One pass: each referral's durations are worked out once and added to the groups it
    // falls in (overall, its pair, its month, warm or cold).
    let mut overall = FiguresAcc::default();
    let mut by_pair: BTreeMap<(Uuid, Option<Uuid>), FiguresAcc> = BTreeMap::new();
    let mut by_month: BTreeMap<(i32, u32), FiguresAcc> = BTreeMap::new();
    let (mut warm, mut cold) = (FiguresAcc::default(), FiguresAcc::default());
    const STEPS: [EventKind; 4] = [
        EventKind::ReceiverContacted,
        EventKind::AppointmentMade,
        EventKind::Accompanied,
        EventKind::FeedbackGiven,
    ];
    let mut step_counts = [0u32; STEPS.len()];
    for f in facts {
        let m = cx.measure(f);
        overall.add(&m, target);
        by_pair.entry((f.from, f.to)).or_default().add(&m, target);
        by_month.entry((f.sent_on.year(), f.sent_on.month())).or_default().add(&m, target);
        if f.mode == ReferralMode::Warm {
            warm.add(&m, target);
            for (i, k) in STEPS.iter().enumerate() {
                if f.warm_steps & k.warm_bit() != 0 {
                    step_counts[i] += 1;
                }
            }
        } else {
            cold.add(&m, target);
        }
    }
    let mut pairs: Vec<PairFigures> = by_pair
        .into_iter()
        .map(|((from, to), acc)| PairFigures { from, to, figures: acc.finish() })
        .collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.figures.sent));
    let monthly = by_month
        .into_iter()
        .map(|((y, m), acc)| MonthFigures { month: format!("{y:04}-{m:02}"), figures: acc.finish() })
        .collect();
    let warm = warm.finish();
    let warm_n = warm.sent;
    let steps = STEPS
        .into_iter()
        .zip(step_counts)
        .map(|(kind, referrals)| WarmStep {
            kind,
            referrals,
            share: (warm_n > 0).then(|| f64::from(referrals) / f64::from(warm_n)),
        })
        .collect();
    let warm_cold = WarmCold { warm, cold: cold.finish(), warm_steps: steps };

    let mut stalled: Vec<Stalled> = facts
        .iter()
        .filter_map(|f| {
            let since = match f.state {
                ReferralState::Sent => f.sent_on,
                ReferralState::Accepted => f.accepted_on.unwrap_or(f.sent_on),
                _ => return None,
            };
            let wd = cx.wd(since, as_of);
            (wd > stall).then(|| Stalled {
                row: f.row,
                referral_id: Uuid::nil(),
                case_id: None,
                case_code: String::new(),
                from: f.from,
                to: f.to,
                life_domain: f.life_domain.to_string(),
                mode: f.mode,
                state: f.state,
                sent_on: f.sent_on,
                waiting_working_days: wd,
                waiting_calendar_days: u32::try_from((as_of - since).num_days()).unwrap_or(0),
            })
        })
        .collect();
    stalled
        .sort_by(|a, b| b.waiting_working_days.cmp(&a.waiting_working_days).then(a.sent_on.cmp(&b.sent_on)));
    let stalled_total = u32::try_from(stalled.len()).unwrap_or(u32::MAX);
    stalled.truncate(STALLED_LIST_LIMIT);

    let mut flagged: Vec<Flagged> = facts
        .iter()
        .filter(|f| f.flags != 0)
        .map(|f| Flagged {
            row: f.row,
            referral_id: Uuid::nil(),
            case_id: None,
            case_code: String::new(),
            from: f.from,
            to: f.to,
            life_domain: f.life_domain.to_string(),
            state: f.state,
            sent_on: f.sent_on,
            flags: crate::exchange::flags::EventFlag::from_bits(f.flags),
        })
        .collect();
    flagged.sort_by_key(|f| std::cmp::Reverse(f.sent_on));
    let flagged_total = u32::try_from(flagged.len()).unwrap_or(u32::MAX);
    flagged.truncate(STALLED_LIST_LIMIT);

    ReferralKpis {
        from: filter.from,
        to: filter.to,
        as_of,
        target_working_days: target,
        stalled_after_working_days: stall,
        overall: overall.finish(),
        pairs,
        monthly,
        warm_cold,
        stalled,
        stalled_total,
        flagged,
        flagged_total,
        partners: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
