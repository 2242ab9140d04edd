//! Everything about one case in one call, with a timeline of what happened.

use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::cases::{Case, Note};
use crate::error::Result;
use crate::follow_ups::FollowUp;
use crate::referrals::{NextEvent, Referral, ReferralEvent, possible_events};
use crate::rights::RightsCheck;
use crate::signals::Signal;
use crate::store::Store;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReferralWithEvents {
    #[serde(flatten)]
    pub referral: Referral,
    pub events: Vec<ReferralEvent>,
    /// What may be recorded today, and by which partner's side.
    pub next: Vec<NextEvent>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum TimelineKind {
    CaseOpened,
    CaseClosed,
    Note,
    ReferralCreated,
    ReferralEvent,
    RightStep,
    FollowUpDue,
    FollowUpDone,
    Signal,
}

impl TimelineKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TimelineKind::CaseOpened => "case_opened",
            TimelineKind::CaseClosed => "case_closed",
            TimelineKind::Note => "note",
            TimelineKind::ReferralCreated => "referral_created",
            TimelineKind::ReferralEvent => "referral_event",
            TimelineKind::RightStep => "right_step",
            TimelineKind::FollowUpDue => "follow_up_due",
            TimelineKind::FollowUpDone => "follow_up_done",
            TimelineKind::Signal => "signal",
        }
    }
}

/// One line of the timeline. `code` is the event kind, step or purpose (translated by
/// the UI); `subject` the record it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct TimelineEntry {
    pub on: NaiveDate,
    /// When it was recorded (Unix ms; 0 when unknown): orders entries of one day.
    #[ts(type = "number")]
    pub at: i64,
    pub kind: TimelineKind,
    pub code: Option<String>,
    pub subject: Uuid,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct CaseDetail {
    pub case: Case,
    pub notes: Vec<Note>,
    pub referrals: Vec<ReferralWithEvents>,
    pub rights: Vec<RightsCheck>,
    pub follow_ups: Vec<FollowUp>,
    pub signals: Vec<Signal>,
    /// Newest first.
    pub timeline: Vec<TimelineEntry>,
}

fn day_of(ms: i64) -> NaiveDate {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.with_timezone(&chrono::Local).date_naive())
        .unwrap_or_default()
}

impl Store {
    /// One referral with its events and what may be recorded next, for any referral this
    /// store holds (a received one has no case here). Case work.
    pub fn referral_with_events(&self, id: Uuid) -> Result<ReferralWithEvents> {
        let r = self.referral(id)?;
        self.with_events(r)
    }

    /// The events and the next steps. A step of a partner that works in another store (a
    /// pinned key) is that partner's to record there, and arrives with its bundle: it is
    /// not offered here.
    fn with_events(&self, r: crate::referrals::Referral) -> Result<ReferralWithEvents> {
        let events = self.referral_events(r.id)?;
        let me = self.self_partner_id()?;
        let mut next = possible_events(
            r.mode,
            r.from_partner_id,
            r.to_partner_id,
            &events,
            self.today(),
            crate::dates::now_ms(),
        );
        let mut elsewhere = Vec::new();
        for n in &next {
            if n.partner_id != me && crate::exchange::outbox::is_exchange_partner(self.conn(), n.partner_id)?
            {
                elsewhere.push(n.kind);
            }
        }
        next.retain(|n| !elsewhere.contains(&n.kind));
        Ok(ReferralWithEvents { referral: r, events, next })
    }
}

impl Store {
    /// Everything about one case. The view goes into the audit log (once per visit:
    /// reading the same case again right after is not a new entry).
    pub fn case_detail(&self, case_id: Uuid) -> Result<CaseDetail> {
        self.require_case(case_id)?;
        let case = self.case(case_id)?;
        self.audit_view(case_id)?;
        let notes = self.notes(case_id)?;
        let mut referrals = Vec::new();
        for r in self.referrals_of_case(case_id)? {
            referrals.push(self.with_events(r)?);
        }
        let rights = self.rights_checks(case_id)?;
        let follow_ups = self.follow_ups_of_case(case_id)?;
        let signals = self.signals_of_case(case_id)?;

        let entry = |on, at, kind, code: Option<&str>, subject| TimelineEntry {
            on,
            at,
            kind,
            code: code.map(str::to_owned),
            subject,
        };
        let s = &case.summary;
        let mut t =
            vec![entry(s.opened_on, case.created_at, TimelineKind::CaseOpened, Some(&s.entry_route), s.id)];
        if let Some(c) = s.closed_on {
            t.push(entry(c, case.updated_at, TimelineKind::CaseClosed, None, s.id));
        }
        t.extend(
            notes.iter().map(|n| entry(day_of(n.created_at), n.created_at, TimelineKind::Note, None, n.id)),
        );
        for r in &referrals {
            t.push(entry(
                day_of(r.referral.created_at),
                r.referral.created_at,
                TimelineKind::ReferralCreated,
                Some(&r.referral.life_domain),
                r.referral.id,
            ));
            t.extend(r.events.iter().map(|e| {
                entry(
                    e.occurred_on,
                    e.recorded_at,
                    TimelineKind::ReferralEvent,
                    Some(e.kind.as_str()),
                    r.referral.id,
                )
            }));
        }
        for rc in &rights {
            t.extend(
                rc.history
                    .iter()
                    .map(|(step, on)| entry(*on, 0, TimelineKind::RightStep, Some(step.as_str()), rc.id)),
            );
        }
        for f in &follow_ups {
            match f.done_on {
                Some(done) => t.push(entry(done, 0, TimelineKind::FollowUpDone, Some(&f.purpose), f.id)),
                None => t.push(entry(f.due_on, 0, TimelineKind::FollowUpDue, Some(&f.purpose), f.id)),
            }
        }
        t.extend(
            signals.iter().map(|g| {
                entry(day_of(g.created_at), g.created_at, TimelineKind::Signal, Some(&g.theme), g.id)
            }),
        );
        t.sort_by_key(|e| std::cmp::Reverse((e.on, e.at)));
        Ok(CaseDetail { case, notes, referrals, rights, follow_ups, signals, timeline: t })
    }
}
