//! Referrals and their state machine.
//!
//! Every transition and warm step is an immutable [`ReferralEvent`] in an append-only
//! table. The referral's state and dates are derived from all of its events, in the same
//! transaction that appends one. Events carry the business date the worker states and
//! the partner that owns the transition: the sender owns consent, sent, withdrawn and
//! expired; the receiver owns accepted, declined, first contact, no-show and completed.
//! Applying the same event twice (same id, same content) changes nothing, so partners
//! can later exchange exactly these events.
//!
//! ```text
//! draft ──consent──> draft ──sent──> sent ──accepted──> accepted ──first_contact──> first_contact ──completed──> completed
//!   │                                 ├──declined (reason)           ├──no_show
//!   └──withdrawn                      ├──expired                     └──withdrawn
//!                                     └──withdrawn
//! ```

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::dates;
use crate::error::{Error, Result};
use crate::reference::Vocab;
use crate::store::{Store, Writer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ReferralState {
    Draft,
    Sent,
    Accepted,
    FirstContact,
    Completed,
    Declined,
    NoShow,
    Withdrawn,
    Expired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ReferralMode {
    Cold,
    Warm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Warm step 1 and a gate for every referral: the person agreed.
    Consent,
    Sent,
    Accepted,
    Declined,
    /// Warm step 5: the receiver confirms the first contact took place.
    FirstContact,
    Completed,
    NoShow,
    Withdrawn,
    Expired,
    /// Warm step 2: the receiving worker contacted by name.
    ReceiverContacted,
    /// Warm step 3: appointment made together.
    AppointmentMade,
    /// Warm step 4 (optional, "hot"): first visit accompanied.
    Accompanied,
    /// Warm step 6: feedback to the referrer.
    FeedbackGiven,
}

/// Where a referral in this store comes from (see migration 0011).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ReferralOrigin {
    /// Made here, on one of this store's cases.
    Own,
    /// Sent to this store's partner by a partner in another store: no case here, only the
    /// sender's case code and what the sender chose to share.
    Received,
    /// Between two other partners, reported to the coordinator (no case, no code).
    Reported,
}

/// Which side of a referral owns an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Sender,
    Receiver,
}

macro_rules! str_enum {
    ($t:ty { $($v:path => $s:literal),* $(,)? }) => {
        impl $t {
            pub fn as_str(self) -> &'static str { match self { $($v => $s),* } }
            pub fn parse(field: &str, s: &str) -> Result<Self> {
                match s.trim() {
                    $($s => Ok($v),)*
                    other => Err(Error::validation(field, format!("'{other}' is not one of: {}", [$($s),*].join(", ")))),
                }
            }
        }
    };
}
str_enum!(ReferralOrigin {
    ReferralOrigin::Own => "own", ReferralOrigin::Received => "received", ReferralOrigin::Reported => "reported",
});
str_enum!(ReferralState {
    ReferralState::Draft => "draft", ReferralState::Sent => "sent", ReferralState::Accepted => "accepted",
    ReferralState::FirstContact => "first_contact", ReferralState::Completed => "completed",
    ReferralState::Declined => "declined", ReferralState::NoShow => "no_show",
    ReferralState::Withdrawn => "withdrawn", ReferralState::Expired => "expired",
});
str_enum!(ReferralMode { ReferralMode::Cold => "cold", ReferralMode::Warm => "warm" });
str_enum!(EventKind {
    EventKind::Consent => "consent", EventKind::Sent => "sent", EventKind::Accepted => "accepted",
    EventKind::Declined => "declined", EventKind::FirstContact => "first_contact",
    EventKind::Completed => "completed", EventKind::NoShow => "no_show",
    EventKind::Withdrawn => "withdrawn", EventKind::Expired => "expired",
    EventKind::ReceiverContacted => "receiver_contacted", EventKind::AppointmentMade => "appointment_made",
    EventKind::Accompanied => "accompanied", EventKind::FeedbackGiven => "feedback_given",
});

impl ReferralState {
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ReferralState::Draft
                | ReferralState::Sent
                | ReferralState::Accepted
                | ReferralState::FirstContact
        )
    }
}

impl EventKind {
    /// Every kind, transitions first, then the warm steps, in business order.
    pub const ALL: [EventKind; 13] = {
        use EventKind::*;
        [
            Consent,
            ReceiverContacted,
            AppointmentMade,
            Sent,
            Accepted,
            Declined,
            Expired,
            Accompanied,
            FirstContact,
            NoShow,
            Withdrawn,
            FeedbackGiven,
            Completed,
        ]
    };

    pub fn side(self) -> Side {
        use EventKind::*;
        match self {
            Consent | Sent | Withdrawn | Expired | ReceiverContacted | AppointmentMade | Accompanied => {
                Side::Sender
            }
            Accepted | Declined | FirstContact | Completed | NoShow | FeedbackGiven => Side::Receiver,
        }
    }

    /// The bit of a warm step in `referral.warm_steps` (0 for other kinds). The same
    /// values are used by migration 0004 to fill the column.
    pub fn warm_bit(self) -> u8 {
        match self {
            EventKind::ReceiverContacted => 1,
            EventKind::AppointmentMade => 2,
            EventKind::Accompanied => 4,
            EventKind::FeedbackGiven => 8,
            _ => 0,
        }
    }

    /// A warm step that is not also a transition.
    pub fn is_warm_step(self) -> bool {
        use EventKind::*;
        matches!(self, ReceiverContacted | AppointmentMade | Accompanied | FeedbackGiven)
    }

    /// Order of events on the same business date.
    fn rank(self) -> u8 {
        use EventKind::*;
        match self {
            Consent => 0,
            ReceiverContacted => 1,
            AppointmentMade => 2,
            Sent => 3,
            Accepted | Declined | Expired => 4,
            Accompanied => 5,
            FirstContact | NoShow => 6,
            Withdrawn => 7,
            FeedbackGiven => 8,
            Completed => 9,
        }
    }

    /// The state a transition leads to from `from`, or `None` if it is illegal there.
    pub fn next_state(self, from: ReferralState) -> Option<ReferralState> {
        use EventKind::*;
        use ReferralState as S;
        match (self, from) {
            (Sent, S::Draft) => Some(S::Sent),
            (Accepted, S::Sent) => Some(S::Accepted),
            (Declined, S::Sent) => Some(S::Declined),
            (Expired, S::Sent) => Some(S::Expired),
            (FirstContact, S::Accepted) => Some(S::FirstContact),
            (NoShow, S::Accepted) => Some(S::NoShow),
            (Completed, S::FirstContact) => Some(S::Completed),
            (Withdrawn, S::Draft | S::Sent | S::Accepted) => Some(S::Withdrawn),
            _ => None,
        }
    }
}

/// The facts of one event that the state machine needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventFact {
    pub kind: EventKind,
    pub on: NaiveDate,
    pub recorded_at: i64,
    pub reason: Option<String>,
}

/// A referral's state and dates, derived from its events.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Derived {
    pub state: Option<ReferralState>,
    pub consent_on: Option<NaiveDate>,
    pub sent_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub first_contact_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub decline_reason: Option<String>,
    /// The warm steps recorded, as bits (see [`EventKind::warm_bit`]).
    pub warm_steps: u8,
}

/// The events that could be recorded next on `on`, each with the partner whose side
/// records it: [`derive`] run with each candidate added, so the answer is the rule.
pub fn possible_events(
    mode: ReferralMode,
    from: Uuid,
    to: Option<Uuid>,
    events: &[ReferralEvent],
    on: NaiveDate,
    now_ms: i64,
) -> Vec<NextEvent> {
    let facts: Vec<EventFact> = events
        .iter()
        .map(|e| EventFact {
            kind: e.kind,
            on: e.occurred_on,
            recorded_at: e.recorded_at,
            reason: e.reason.clone(),
        })
        .collect();
    EventKind::ALL
        .into_iter()
        .filter(|&kind| {
            let mut candidate = facts.clone();
            let reason = (kind == EventKind::Declined).then(|| "candidate".to_owned());
            candidate.push(EventFact { kind, on, recorded_at: now_ms, reason });
            derive(mode, &mut candidate).is_ok()
        })
        .map(|kind| NextEvent { kind, side: kind.side(), partner_id: owner_of(kind, from, to) })
        .collect()
}

/// The partner that records `kind`. For a service outside the network, which does not
/// use Schakel, the sender records the answers on its behalf.
pub fn owner_of(kind: EventKind, from: Uuid, to: Option<Uuid>) -> Uuid {
    match (kind.side(), to) {
        (Side::Sender, _) | (Side::Receiver, None) => from,
        (Side::Receiver, Some(to)) => to,
    }
}

/// An event that may be recorded now, and by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct NextEvent {
    pub kind: EventKind,
    pub side: Side,
    /// Pass this as `partner_id` when recording it.
    pub partner_id: Uuid,
}

/// Folds events in business order (date, then the state machine's order, then time of
/// recording). Any illegal sequence is a validation error naming the event.
pub fn derive(mode: ReferralMode, events: &mut [EventFact]) -> Result<Derived> {
    sort_events(events);
    let mut fold = Fold::new();
    for e in events.iter() {
        fold.step(mode, e)?;
    }
    Ok(fold.d)
}

/// The same fold for a referral whose events come from two stores: an event that is illegal
/// where it falls (both sides answered at once: a decline after a withdrawal) is skipped,
/// not refused, so both stores reach the same state from the same set of events. Returns
/// the derived state and, for every event, `Some(reason)` when it was skipped, in the
/// order of `events` after sorting.
pub fn derive_lenient(mode: ReferralMode, events: &mut [EventFact]) -> (Derived, Vec<Option<String>>) {
    sort_events(events);
    let mut fold = Fold::new();
    let skipped = events.iter().map(|e| fold.step(mode, e).err().map(|e| e.to_string())).collect();
    (fold.d, skipped)
}

fn sort_events(events: &mut [EventFact]) {
    events.sort_by_key(|e| (e.on, e.kind.rank(), e.recorded_at));
}

/// The state between two events. `step` checks everything before it changes anything, so a
/// refused event leaves the fold as it was.
struct Fold {
    d: Derived,
    steps_seen: Vec<EventKind>,
}

impl Fold {
    fn new() -> Self {
        Fold {
            d: Derived { state: Some(ReferralState::Draft), ..Derived::default() },
            steps_seen: Vec::new(),
        }
    }

    fn step(&mut self, mode: ReferralMode, e: &EventFact) -> Result<()> {
        use ReferralState as S;
        let d = &mut self.d;
        let state = d.state.unwrap_or(S::Draft);
        let field = "kind";
        if e.kind == EventKind::Declined && e.reason.is_none() {
            return Err(Error::validation("reason", "a declined referral needs a reason"));
        }
        if e.kind != EventKind::Declined && e.reason.is_some() {
            return Err(Error::validation("reason", "only a declined referral has a reason"));
        }
        match e.kind {
            EventKind::Consent => {
                if d.consent_on.is_some() {
                    return Err(Error::validation(field, "consent is already recorded"));
                }
                if state != S::Draft {
                    return Err(Error::validation(field, "consent is recorded before the referral is sent"));
                }
                d.consent_on = Some(e.on);
            }
            k if k.is_warm_step() => {
                if mode == ReferralMode::Cold {
                    return Err(Error::validation(field, "warm steps apply to warm referrals only"));
                }
                if d.consent_on.is_none() {
                    return Err(Error::validation(
                        field,
                        "record the person's consent before the warm steps",
                    ));
                }
                if self.steps_seen.contains(&k) {
                    return Err(Error::validation(field, format!("{} is already recorded", k.as_str())));
                }
                if k == EventKind::FeedbackGiven && d.first_contact_on.is_none() && state != S::NoShow {
                    return Err(Error::validation(field, "feedback follows the first contact or a no-show"));
                }
                self.steps_seen.push(k);
                d.warm_steps |= k.warm_bit();
            }
            k => {
                let next = k.next_state(state).ok_or_else(|| {
                    Error::validation(
                        field,
                        format!("a referral that is {} cannot become {}", state.as_str(), k.as_str()),
                    )
                })?;
                if k == EventKind::Sent && d.consent_on.is_none() {
                    return Err(Error::validation(field, "record the person's consent before sending"));
                }
                match k {
                    EventKind::Sent => d.sent_on = Some(e.on),
                    EventKind::Accepted => d.accepted_on = Some(e.on),
                    EventKind::FirstContact => d.first_contact_on = Some(e.on),
                    EventKind::Declined => {
                        d.ended_on = Some(e.on);
                        d.decline_reason = e.reason.clone();
                    }
                    _ => {}
                }
                if !next.is_open() {
                    d.ended_on = Some(e.on);
                }
                d.state = Some(next);
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewReferral {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub case_id: Uuid,
    /// A partner in the network, or …
    #[serde(default)]
    pub to_partner_id: Option<Uuid>,
    /// … a service outside it (a name of an organisation, never of a person).
    #[serde(default)]
    pub outside_service: Option<String>,
    pub life_domain: String,
    pub mode: ReferralMode,
    #[serde(default)]
    pub project: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct NewEvent {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub referral_id: Uuid,
    pub kind: EventKind,
    pub occurred_on: NaiveDate,
    /// The partner on whose side the event happened; the actor's partner by default.
    #[serde(default)]
    pub partner_id: Option<Uuid>,
    #[serde(default)]
    pub worker_id: Option<Uuid>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReferralEvent {
    pub id: Uuid,
    pub referral_id: Uuid,
    pub kind: EventKind,
    pub occurred_on: NaiveDate,
    #[ts(type = "number")]
    pub recorded_at: i64,
    pub partner_id: Uuid,
    pub worker_id: Option<Uuid>,
    pub reason: Option<String>,
    /// When it arrived from the other store (Unix ms); `None` when recorded here.
    #[ts(type = "number | null")]
    pub received_at: Option<i64>,
    /// What looks implausible about it (see `exchange::flags`); empty almost always.
    pub flags: Vec<crate::exchange::flags::EventFlag>,
}

impl ReferralEvent {
    /// The same event again (its facts, whoever recorded it when): applying it changes
    /// nothing; under the same id with other facts it is a conflict.
    pub(crate) fn is_same(
        &self,
        referral_id: Uuid,
        kind: EventKind,
        occurred_on: NaiveDate,
        partner_id: Uuid,
        reason: &Option<String>,
    ) -> bool {
        self.referral_id == referral_id
            && self.kind == kind
            && self.occurred_on == occurred_on
            && self.partner_id == partner_id
            && &self.reason == reason
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Referral {
    pub id: Uuid,
    pub origin: ReferralOrigin,
    /// The case in this store; `None` for a referral received from or reported by another
    /// store.
    pub case_id: Option<Uuid>,
    /// The case's code here, or the sender's code of a received referral ("" if reported).
    pub case_code: String,
    pub from_partner_id: Uuid,
    pub to_partner_id: Option<Uuid>,
    pub outside_service: Option<String>,
    pub life_domain: String,
    pub mode: ReferralMode,
    pub state: ReferralState,
    pub consent_on: Option<NaiveDate>,
    pub sent_on: Option<NaiveDate>,
    pub accepted_on: Option<NaiveDate>,
    pub first_contact_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub decline_reason: Option<String>,
    #[ts(type = "number")]
    pub created_at: i64,
}

/// What applying an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Applied {
    Recorded,
    AlreadyPresent,
}

impl Writer<'_> {
    pub fn create_referral(&mut self, r: &NewReferral) -> Result<Uuid> {
        self.require_case(r.case_id)?;
        let from = crate::cases::case_owner(self.conn, r.case_id)?;
        self.vocab.check(Vocab::LifeDomain, "life_domain", &r.life_domain)?;
        let outside = r.outside_service.as_deref().map(str::trim).filter(|s| !s.is_empty());
        match (r.to_partner_id, outside) {
            (Some(_), Some(_)) => {
                return Err(Error::validation(
                    "to_partner",
                    "choose a partner or an outside service, not both",
                ));
            }
            (None, None) => {
                return Err(Error::validation("to_partner", "choose who receives the referral"));
            }
            (Some(to), None) => {
                if to == from {
                    return Err(Error::validation(
                        "to_partner",
                        "a referral cannot go to the partner that sends it",
                    ));
                }
                if !self.partner_exists(to)? {
                    return Err(Error::validation("to_partner", "unknown partner"));
                }
            }
            (None, Some(name)) => {
                crate::privacy::check_name("outside_service", name)?;
            }
        }
        let project_id = match &r.project {
            None => None,
            Some(code) => Some(
                self.project_by_code(code)?
                    .ok_or_else(|| Error::validation("project", format!("no project with code '{code}'")))?,
            ),
        };
        let id = r.id.unwrap_or_else(crate::ids::new_id);
        self.conn
            .prepare_cached(
                "INSERT INTO referral (id, owner_partner_id, case_id, from_partner_id, to_partner_id, outside_service,
                   life_domain_code, mode, project_id, state, created_at, updated_at, created_by)
                 VALUES (?1, ?2, ?3, ?2, ?4, ?5, ?6, ?7, ?8, 'draft', ?9, ?9, ?10)",
            )?
            .execute(rusqlite::params![
                id,
                from,
                r.case_id,
                r.to_partner_id,
                outside,
                r.life_domain,
                r.mode.as_str(),
                project_id,
                self.now,
                self.actor.worker_id
            ])
            .map_err(|e| match Error::from(e) {
                Error::Database(e) if e.to_string().contains("UNIQUE") => {
                    Error::Conflict(format!("referral {id} already exists"))
                }
                other => other,
            })?;
        self.log("referral", id, "create", &["case", "to", "life_domain", "mode"])?;
        Ok(id)
    }

    /// Appends one event and re-derives the referral. Idempotent on the event id.
    pub fn record_event(&mut self, e: &NewEvent) -> Result<Applied> {
        self.require(crate::access::Permission::CaseWork)?;
        let partner = e.partner_id.unwrap_or(self.actor.partner_id);
        // Our own side's events are the acting worker's; on another partner's behalf, only
        // a worker id the caller names (ours would not belong to that partner).
        let worker = if partner == self.actor.partner_id { Some(self.actor.worker_id) } else { e.worker_id };
        let (from, to, mode, sent_on): (Uuid, Option<Uuid>, String, Option<String>) = self
            .conn
            .prepare_cached(
                "SELECT from_partner_id, to_partner_id, mode, sent_on FROM referral WHERE id = ?1",
            )?
            .query_row([e.referral_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?
            .ok_or_else(|| Error::not_found("referral", e.referral_id))?;
        let mode = ReferralMode::parse("mode", &mode)?;
        if let Some(id) = e.id
            && let Some(existing) = self.event(id)?
        {
            let same = existing.is_same(e.referral_id, e.kind, e.occurred_on, partner, &e.reason);
            return if same {
                Ok(Applied::AlreadyPresent)
            } else {
                Err(Error::Conflict(format!("event {id} already exists with other content")))
            };
        }
        // An answer dated before the sending: say so in words the worker recognises (the
        // fold would only say the referral "is draft" on that date).
        let answer =
            e.kind.side() == Side::Receiver || matches!(e.kind, EventKind::Withdrawn | EventKind::Expired);
        if answer
            && let Some(sent_on) = sent_on.map(|s| dates::from_sql("sent_on", &s)).transpose()?
            && e.occurred_on < sent_on
        {
            return Err(Error::validation(
                "occurred_on",
                format!("lies before the referral was sent ({})", dates::format_be(sent_on)),
            ));
        }
        if partner != self.actor.partner_id
            && crate::exchange::outbox::is_exchange_partner(self.conn, partner)?
        {
            return Err(Error::validation(
                "partner",
                "this partner works in its own store: it records this there, and it arrives with its bundle",
            ));
        }
        let owner = owner_of(e.kind, from, to);
        if partner != owner {
            let side = if e.kind.side() == Side::Sender { "sending" } else { "receiving" };
            return Err(Error::validation(
                "partner",
                format!("{} is recorded by the {side} partner", e.kind.as_str()),
            ));
        }
        if e.occurred_on > self.today {
            return Err(Error::validation("occurred_on", "the date lies in the future"));
        }
        if let Some(reason) = &e.reason {
            self.vocab.check(Vocab::DeclineReason, "reason", reason)?;
        }
        // Events that another store's answer made moot (skipped by the lenient fold) stay
        // out of the check; the new event must be legal among the others.
        let mut facts = self.event_facts(e.referral_id)?;
        let (_, skipped) = derive_lenient(mode, &mut facts);
        let mut kept: Vec<EventFact> =
            facts.into_iter().zip(skipped).filter(|(_, s)| s.is_none()).map(|(f, _)| f).collect();
        kept.push(EventFact {
            kind: e.kind,
            on: e.occurred_on,
            recorded_at: self.now,
            reason: e.reason.clone(),
        });
        derive(mode, &mut kept)?;
        let id = e.id.unwrap_or_else(crate::ids::new_id);
        self.conn
            .prepare_cached(
                "INSERT INTO referral_event (id, referral_id, kind, occurred_on, recorded_at, partner_id, worker_id, reason_code)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(rusqlite::params![
                id,
                e.referral_id,
                e.kind.as_str(),
                dates::iso(e.occurred_on),
                self.now,
                partner,
                worker,
                e.reason
            ])?;
        self.audit(
            "referral",
            e.referral_id,
            serde_json::json!({"event": e.kind.as_str(), "recorded_for": partner}),
        )?;
        self.rederive(e.referral_id, mode)?;
        crate::exchange::outbox::after_local_event(self, e.referral_id, id, e.kind, partner)?;
        // No change-log entry: the event row itself records who did what, and when.
        Ok(Applied::Recorded)
    }

    /// Re-derives a referral's state and dates from all its events (the lenient fold, so
    /// two stores with the same events agree) and stores them.
    pub(crate) fn rederive(&self, referral_id: Uuid, mode: ReferralMode) -> Result<Derived> {
        use crate::exchange::flags::EventFlag;
        let mut flags: u8 = 0;
        let mut facts = self.event_facts_with(referral_id, |f, received_at| {
            flags |= crate::exchange::flags::of_event(f.on, f.recorded_at, received_at)
                .iter()
                .fold(0, |b, f| b | f.bit());
        })?;
        let (d, skipped) = derive_lenient(mode, &mut facts);
        if skipped.iter().any(Option::is_some) {
            flags |= EventFlag::Conflict.bit();
        }
        self.conn
            .prepare_cached(
                "UPDATE referral SET state = ?2, consent_on = ?3, sent_on = ?4, accepted_on = ?5,
                   first_contact_on = ?6, ended_on = ?7, decline_reason_code = ?8, updated_at = ?9,
                   warm_steps = ?10, flags = ?11
                 WHERE id = ?1",
            )?
            .execute(rusqlite::params![
                referral_id,
                d.state.unwrap_or(ReferralState::Draft).as_str(),
                d.consent_on.map(dates::iso),
                d.sent_on.map(dates::iso),
                d.accepted_on.map(dates::iso),
                d.first_contact_on.map(dates::iso),
                d.ended_on.map(dates::iso),
                d.decline_reason,
                self.now,
                d.warm_steps,
                flags
            ])?;
        Ok(d)
    }

    pub(crate) fn event(&self, id: Uuid) -> Result<Option<ReferralEvent>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {EVENT_COLS} FROM referral_event WHERE id = ?1"))?
            .query_row([id], event_from_row)
            .optional()?)
    }

    pub(crate) fn event_facts(&self, referral_id: Uuid) -> Result<Vec<EventFact>> {
        self.event_facts_with(referral_id, |_, _| {})
    }

    /// The facts of a referral's events, each also shown to `each` with its arrival time
    /// (one read for the state and the flags).
    fn event_facts_with(
        &self,
        referral_id: Uuid,
        mut each: impl FnMut(&EventFact, Option<i64>),
    ) -> Result<Vec<EventFact>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT kind, occurred_on, recorded_at, reason_code, received_at FROM referral_event WHERE referral_id = ?1",
        )?;
        let rows = stmt.query_map([referral_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, Option<i64>>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, on, recorded_at, reason, received_at) = row?;
            let fact = EventFact {
                kind: EventKind::parse("kind", &kind)
                    .map_err(|_| Error::StoreCorrupt("event kind".into()))?,
                on: dates::from_sql("occurred_on", &on)?,
                recorded_at,
                reason,
            };
            each(&fact, received_at);
            out.push(fact);
        }
        Ok(out)
    }
}

const EVENT_COLS: &str =
    "id, referral_id, kind, occurred_on, recorded_at, partner_id, worker_id, reason_code, received_at";

fn event_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReferralEvent> {
    let kind: String = r.get(2)?;
    let on: String = r.get(3)?;
    let bad = |i| move |_| rusqlite::Error::InvalidColumnType(i, "value".into(), rusqlite::types::Type::Text);
    let occurred_on = dates::from_sql("occurred_on", &on).map_err(bad(3))?;
    let recorded_at: i64 = r.get(4)?;
    let received_at: Option<i64> = r.get(8)?;
    Ok(ReferralEvent {
        id: r.get(0)?,
        referral_id: r.get(1)?,
        kind: EventKind::parse("kind", &kind).map_err(bad(2))?,
        occurred_on,
        recorded_at,
        partner_id: r.get(5)?,
        worker_id: r.get(6)?,
        reason: r.get(7)?,
        received_at,
        flags: crate::exchange::flags::of_event(occurred_on, recorded_at, received_at),
    })
}

const REFERRAL_COLS: &str = "r.id, r.case_id, COALESCE(c.code, r.case_code, ''), r.from_partner_id,
    r.to_partner_id, r.outside_service, r.life_domain_code, r.mode, r.state, r.consent_on, r.sent_on,
    r.accepted_on, r.first_contact_on, r.ended_on, r.decline_reason_code, r.created_at, r.origin";

/// The tables a referral is read from (the case only for own referrals).
const REFERRAL_FROM: &str = "referral r LEFT JOIN case_file c ON c.id = r.case_id";

fn referral_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Referral> {
    let bad = |i| move |_| rusqlite::Error::InvalidColumnType(i, "value".into(), rusqlite::types::Type::Text);
    let date = |i: usize| -> rusqlite::Result<Option<NaiveDate>> {
        let s: Option<String> = r.get(i)?;
        s.map(|s| dates::from_sql("date", &s).map_err(bad(i))).transpose()
    };
    Ok(Referral {
        id: r.get(0)?,
        origin: ReferralOrigin::parse("origin", &r.get::<_, String>(16)?).map_err(bad(16))?,
        case_id: r.get(1)?,
        case_code: r.get(2)?,
        from_partner_id: r.get(3)?,
        to_partner_id: r.get(4)?,
        outside_service: r.get(5)?,
        life_domain: r.get(6)?,
        mode: ReferralMode::parse("mode", &r.get::<_, String>(7)?).map_err(bad(7))?,
        state: ReferralState::parse("state", &r.get::<_, String>(8)?).map_err(bad(8))?,
        consent_on: date(9)?,
        sent_on: date(10)?,
        accepted_on: date(11)?,
        first_contact_on: date(12)?,
        ended_on: date(13)?,
        decline_reason: r.get(14)?,
        created_at: r.get(15)?,
    })
}

impl Store {
    pub fn referral(&self, id: Uuid) -> Result<Referral> {
        self.require(crate::access::Permission::CaseWork)?;
        self.conn()
            .prepare_cached(&format!("SELECT {REFERRAL_COLS} FROM {REFERRAL_FROM} WHERE r.id = ?1"))?
            .query_row([id], referral_from_row)
            .optional()?
            .ok_or_else(|| Error::not_found("referral", id))
    }

    pub fn referrals_of_case(&self, case_id: Uuid) -> Result<Vec<Referral>> {
        self.require_case(case_id)?;
        self.referrals_of_any_case(case_id)
    }

    /// Without the role check: for core's own consistency checks and tests.
    pub(crate) fn referrals_of_any_case(&self, case_id: Uuid) -> Result<Vec<Referral>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {REFERRAL_COLS} FROM {REFERRAL_FROM}
             WHERE r.case_id = ?1 ORDER BY r.created_at, r.id"
        ))?;
        let rows = stmt.query_map([case_id], referral_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A referral's events in business order, each with its flags: an event the lenient
    /// fold skipped (answers that crossed) is flagged as a conflict.
    pub fn referral_events(&self, referral_id: Uuid) -> Result<Vec<ReferralEvent>> {
        self.require(crate::access::Permission::CaseWork)?;
        let mode: String = self
            .conn()
            .prepare_cached("SELECT mode FROM referral WHERE id = ?1")?
            .query_row([referral_id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::not_found("referral", referral_id))?;
        let mode =
            ReferralMode::parse("mode", &mode).map_err(|_| Error::StoreCorrupt("referral.mode".into()))?;
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {EVENT_COLS} FROM referral_event WHERE referral_id = ?1 ORDER BY occurred_on, recorded_at, id"
        ))?;
        let rows = stmt.query_map([referral_id], event_from_row)?;
        let mut events: Vec<ReferralEvent> = rows.collect::<rusqlite::Result<_>>()?;
        // The fold's own order (stable, so the facts below line up with the events).
        events.sort_by_key(|e| (e.occurred_on, e.kind.rank(), e.recorded_at));
        let mut facts: Vec<EventFact> = events
            .iter()
            .map(|e| EventFact {
                kind: e.kind,
                on: e.occurred_on,
                recorded_at: e.recorded_at,
                reason: e.reason.clone(),
            })
            .collect();
        let (_, skipped) = derive_lenient(mode, &mut facts);
        for (e, s) in events.iter_mut().zip(skipped) {
            if s.is_some() {
                e.flags.push(crate::exchange::flags::EventFlag::Conflict);
            }
        }
        Ok(events)
    }

    /// Referrals this store's partner received and has not answered yet.
    pub fn incoming_waiting(&self, partner_id: Uuid, limit: u32) -> Result<Vec<Referral>> {
        self.require(crate::access::Permission::CaseWork)?;
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {REFERRAL_COLS} FROM {REFERRAL_FROM}
             WHERE r.to_partner_id = ?1 AND r.state = 'sent' ORDER BY r.sent_on LIMIT ?2"
        ))?;
        let rows = stmt.query_map((partner_id, limit), referral_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Referrals received from partners in other stores and accepted here, waiting for the
    /// first contact (those still waiting for an answer are in [`Store::incoming_waiting`]).
    pub fn received_accepted(&self, limit: u32) -> Result<Vec<Referral>> {
        self.require(crate::access::Permission::CaseWork)?;
        let me = self.self_partner_id()?;
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {REFERRAL_COLS} FROM {REFERRAL_FROM}
             WHERE r.to_partner_id = ?1 AND r.state = 'accepted' AND r.origin = 'received'
             ORDER BY r.sent_on LIMIT ?2"
        ))?;
        let rows = stmt.query_map((me, limit), referral_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Referrals a partner sent that have not reached a first contact yet.
    pub fn sent_waiting(&self, partner_id: Uuid, limit: u32) -> Result<Vec<Referral>> {
        self.require(crate::access::Permission::CaseWork)?;
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {REFERRAL_COLS} FROM {REFERRAL_FROM}
             WHERE r.from_partner_id = ?1 AND r.state IN ('sent', 'accepted') ORDER BY r.sent_on LIMIT ?2"
        ))?;
        let rows = stmt.query_map((partner_id, limit), referral_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EventKind::*;

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }
    fn ev(kind: EventKind, day: u32) -> EventFact {
        EventFact {
            kind,
            on: d(day),
            recorded_at: i64::from(day),
            reason: (kind == Declined).then(|| "capacity".into()),
        }
    }

    fn recorded(kinds: &[(EventKind, u32)]) -> Vec<ReferralEvent> {
        kinds
            .iter()
            .map(|&(kind, day)| ReferralEvent {
                id: Uuid::nil(),
                referral_id: Uuid::nil(),
                kind,
                occurred_on: d(day),
                recorded_at: i64::from(day),
                partner_id: Uuid::nil(),
                worker_id: None,
                reason: (kind == Declined).then(|| "capacity".into()),
                received_at: None,
                flags: Vec::new(),
            })
            .collect()
    }

    fn kinds(next: &[NextEvent]) -> Vec<EventKind> {
        next.iter().map(|n| n.kind).collect()
    }

    #[test]
    fn possible_events_follow_the_state_machine_and_name_the_recording_side() {
        let (from, to) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let warm = ReferralMode::Warm;
        // A new warm referral: consent first, or withdraw it.
        assert_eq!(kinds(&possible_events(warm, from, Some(to), &[], d(10), 10)), [Consent, Withdrawn]);
        // After consent: the warm steps and sending.
        let after_consent = possible_events(warm, from, Some(to), &recorded(&[(Consent, 2)]), d(10), 10);
        assert_eq!(kinds(&after_consent), [ReceiverContacted, AppointmentMade, Sent, Accompanied, Withdrawn]);
        // Sent: the receiver answers; its answers are recorded on its side.
        let sent = possible_events(warm, from, Some(to), &recorded(&[(Consent, 2), (Sent, 2)]), d(10), 10);
        assert_eq!(
            kinds(&sent),
            [ReceiverContacted, AppointmentMade, Accepted, Declined, Expired, Accompanied, Withdrawn]
        );
        let accepted = sent.iter().find(|n| n.kind == Accepted).unwrap();
        assert_eq!((accepted.side, accepted.partner_id), (Side::Receiver, to));
        let expired = sent.iter().find(|n| n.kind == Expired).unwrap();
        assert_eq!((expired.side, expired.partner_id), (Side::Sender, from));
        // A service outside the network: the sender records the answer too.
        let outside =
            possible_events(ReferralMode::Cold, from, None, &recorded(&[(Consent, 2), (Sent, 2)]), d(10), 10);
        assert!(outside.iter().all(|n| n.partner_id == from));
        assert!(!kinds(&outside).contains(&ReceiverContacted), "no warm steps for a cold referral");
        // Ended: nothing more but feedback where it fits.
        let done = recorded(&[(Consent, 2), (Sent, 2), (Accepted, 3), (FirstContact, 4), (Completed, 5)]);
        assert_eq!(kinds(&possible_events(ReferralMode::Cold, from, Some(to), &done, d(10), 10)), []);
    }

    #[test]
    fn the_happy_path_sets_every_date() {
        let mut evs =
            vec![ev(Consent, 2), ev(Sent, 2), ev(Accepted, 4), ev(FirstContact, 9), ev(Completed, 20)];
        let x = derive(ReferralMode::Cold, &mut evs).unwrap();
        assert_eq!(x.state, Some(ReferralState::Completed));
        assert_eq!(
            (x.sent_on, x.accepted_on, x.first_contact_on, x.ended_on),
            (Some(d(2)), Some(d(4)), Some(d(9)), Some(d(20)))
        );
    }

    #[test]
    fn every_legal_transition_and_no_illegal_one() {
        use ReferralState as S;
        let states = [
            S::Draft,
            S::Sent,
            S::Accepted,
            S::FirstContact,
            S::Completed,
            S::Declined,
            S::NoShow,
            S::Withdrawn,
            S::Expired,
        ];
        let kinds = [Sent, Accepted, Declined, FirstContact, Completed, NoShow, Withdrawn, Expired];
        let legal = [
            (Sent, S::Draft),
            (Accepted, S::Sent),
            (Declined, S::Sent),
            (Expired, S::Sent),
            (FirstContact, S::Accepted),
            (NoShow, S::Accepted),
            (Completed, S::FirstContact),
            (Withdrawn, S::Draft),
            (Withdrawn, S::Sent),
            (Withdrawn, S::Accepted),
        ];
        for k in kinds {
            for s in states {
                assert_eq!(k.next_state(s).is_some(), legal.contains(&(k, s)), "{k:?} from {s:?}");
            }
        }
    }

    #[test]
    fn sending_needs_consent_and_declining_needs_a_reason() {
        let e = derive(ReferralMode::Cold, &mut [ev(Sent, 2)]).unwrap_err();
        assert!(e.to_string().contains("consent"), "{e}");
        let mut no_reason = ev(Declined, 3);
        no_reason.reason = None;
        let e = derive(ReferralMode::Cold, &mut [ev(Consent, 1), ev(Sent, 2), no_reason]).unwrap_err();
        assert!(e.to_string().contains("reason"), "{e}");
        let x = derive(ReferralMode::Cold, &mut [ev(Consent, 1), ev(Sent, 2), ev(Declined, 3)]).unwrap();
        assert_eq!(x.state, Some(ReferralState::Declined));
        assert_eq!(x.decline_reason.as_deref(), Some("capacity"));
        assert_eq!(x.ended_on, Some(d(3)));
    }

    #[test]
    fn events_are_ordered_by_business_date_not_arrival() {
        // Accepted arrives first but happened after sending: fine.
        let mut evs = vec![ev(Accepted, 5), ev(Consent, 1), ev(Sent, 3)];
        assert_eq!(derive(ReferralMode::Cold, &mut evs).unwrap().state, Some(ReferralState::Accepted));
        // Accepted dated before sending: refused.
        let e = derive(ReferralMode::Cold, &mut [ev(Consent, 1), ev(Sent, 3), ev(Accepted, 2)]).unwrap_err();
        assert!(e.to_string().contains("cannot become accepted"), "{e}");
        // Same day: sent, accepted and first contact in one morning.
        let x = derive(
            ReferralMode::Warm,
            &mut [ev(FirstContact, 4), ev(Accepted, 4), ev(Sent, 4), ev(Consent, 4)],
        )
        .unwrap();
        assert_eq!(x.state, Some(ReferralState::FirstContact));
    }

    #[test]
    fn warm_steps_only_on_warm_referrals_once_each_after_consent() {
        let e = derive(ReferralMode::Cold, &mut [ev(Consent, 1), ev(ReceiverContacted, 2)]).unwrap_err();
        assert!(e.to_string().contains("warm"), "{e}");
        let e = derive(ReferralMode::Warm, &mut [ev(ReceiverContacted, 2)]).unwrap_err();
        assert!(e.to_string().contains("consent"), "{e}");
        let e =
            derive(ReferralMode::Warm, &mut [ev(Consent, 1), ev(AppointmentMade, 2), ev(AppointmentMade, 3)])
                .unwrap_err();
        assert!(e.to_string().contains("already"), "{e}");
        let e =
            derive(ReferralMode::Warm, &mut [ev(Consent, 1), ev(Sent, 1), ev(FeedbackGiven, 2)]).unwrap_err();
        assert!(e.to_string().contains("feedback"), "{e}");
        let x = derive(
            ReferralMode::Warm,
            &mut [
                ev(Consent, 1),
                ev(ReceiverContacted, 1),
                ev(AppointmentMade, 2),
                ev(Sent, 2),
                ev(Accepted, 3),
                ev(Accompanied, 6),
                ev(FirstContact, 6),
                ev(FeedbackGiven, 7),
            ],
        )
        .unwrap();
        assert_eq!(x.state, Some(ReferralState::FirstContact));
    }

    #[test]
    fn terminal_states_accept_nothing_more() {
        for end in [Withdrawn, Expired] {
            let e =
                derive(ReferralMode::Cold, &mut [ev(Consent, 1), ev(Sent, 2), ev(end, 3), ev(Accepted, 4)])
                    .unwrap_err();
            assert!(matches!(e, Error::Validation { .. }));
        }
    }
}

#[cfg(test)]
mod store_tests {
    use super::*;
    use crate::partners::{NewPartner, PartnerKind};
    use crate::test_util::{new_case, profile, store_at};

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, day).unwrap()
    }

    #[test]
    fn events_apply_once_belong_to_their_side_and_derive_the_state() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store_at(&dir.path().join("s.db"), "OCMW Jette", None);
        store.set_today(d(31));
        let me = store.actor().partner_id;
        let (caw, referral) = store
            .write(|w| {
                let caw = w.add_partner(&NewPartner {
                    id: None,
                    kind: Some(PartnerKind::Caw),
                    name: "CAW Brussel".into(),
                    municipality: None,
                })?;
                let case = w.open_case(&new_case(d(1), profile("21010", &[])))?;
                let r = w.create_referral(&NewReferral {
                    id: None,
                    case_id: case.summary.id,
                    to_partner_id: Some(caw),
                    outside_service: None,
                    life_domain: "debts".into(),
                    mode: ReferralMode::Warm,
                    project: None,
                })?;
                Ok((caw, r))
            })
            .unwrap();
        let ev = |kind, day, partner: Uuid| NewEvent {
            id: Some(crate::ids::new_id()),
            referral_id: referral,
            kind,
            occurred_on: d(day),
            partner_id: Some(partner),
            worker_id: None,
            reason: None,
        };
        let consent = ev(EventKind::Consent, 2, me);
        let sent = ev(EventKind::Sent, 3, me);
        let accepted = ev(EventKind::Accepted, 6, caw);
        for e in [&consent, &sent, &accepted] {
            assert_eq!(store.write(|w| w.record_event(e)).unwrap(), Applied::Recorded);
        }
        // The same event again, as a partner's laptop would send it twice: nothing changes.
        assert_eq!(store.write(|w| w.record_event(&accepted)).unwrap(), Applied::AlreadyPresent);
        assert_eq!(store.referral_events(referral).unwrap().len(), 3);
        // The same id with other content is a conflict, not an overwrite.
        let mut forged = accepted.clone();
        forged.occurred_on = d(7);
        assert!(matches!(store.write(|w| w.record_event(&forged)), Err(Error::Conflict(_))));
        // The sender cannot record the receiver's first contact, nor the receiver a withdrawal.
        let e = store.write(|w| w.record_event(&ev(EventKind::FirstContact, 8, me))).unwrap_err();
        assert!(e.to_string().contains("receiving partner"), "{e}");
        let e = store.write(|w| w.record_event(&ev(EventKind::Withdrawn, 8, caw))).unwrap_err();
        assert!(e.to_string().contains("sending partner"), "{e}");
        // Today is a valid business date; tomorrow is not (below).
        let e = store.write(|w| w.record_event(&ev(EventKind::FirstContact, 31, caw))).unwrap();
        assert_eq!(e, Applied::Recorded);
        let r = store.referral(referral).unwrap();
        assert_eq!(r.state, ReferralState::FirstContact);
        assert_eq!((r.sent_on, r.accepted_on, r.first_contact_on), (Some(d(3)), Some(d(6)), Some(d(31))));
        store.set_today(d(30));
        let e = store.write(|w| w.record_event(&ev(EventKind::Completed, 31, caw))).unwrap_err();
        assert!(e.to_string().contains("future"), "{e}");
        // Events are append-only in the database itself.
        assert!(store.conn().execute("UPDATE referral_event SET occurred_on = '2026-03-01'", []).is_err());
    }
}
