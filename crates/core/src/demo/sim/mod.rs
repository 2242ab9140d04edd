//! Simulation: one case at a time, from its opening to its closing or `until`, with its
//! notes and signals; referrals, rights checks and follow-ups live in the submodules.

mod follow_ups;
mod referrals;
mod rights;

use chrono::{Datelike, NaiveDate, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::network::{Member, Net};
use super::random::{add_days, days_between, lognormal_days, office_ms, one_of, pick, pick_str};
use super::tables::{
    AGE_BANDS, ENTRY_ROUTES, ENTRY_ROUTES_VINDPLAATS, HOUSEHOLDS, HOUSEHOLDS_OLDER, LANGUAGES, LIFE_DOMAINS,
    MUNICIPALITIES, NOTES_GENERAL, RESIDENCE, domain_notes, signal_texts, signal_theme,
};
use super::{DemoSummary, SPAN_DAYS};
use crate::cases::{CaseProfile, Gender, Interpreter, NewCase};
use crate::error::Result;
use crate::ids::id_at;
use crate::partners::PartnerKind;
use crate::signals::NewSignal;
use crate::store::Writer;

pub(super) struct Sim<'n> {
    pub(super) net: &'n Net,
    pub(super) until: NaiveDate,
    pub(super) start: NaiveDate,
    pub(super) rng: ChaCha8Rng,
    pub(super) sum: DemoSummary,
    /// Recording time of the current referral's last event: a referral's events are
    /// recorded in the order they happened, as they would be by real workers.
    pub(super) last_event_ms: i64,
}

/// The case being simulated.
struct CaseCtx {
    id: Uuid,
    owner: usize,
    worker: Uuid,
    opened: NaiveDate,
    /// The closing day, or `until` for a case still open.
    end: NaiveDate,
    closed: bool,
    municipality: &'static str,
    language: Option<&'static str>,
    residence: Option<&'static str>,
    project: Option<&'static str>,
    age_band: &'static str,
    household: &'static str,
    domains: Vec<&'static str>,
}

impl CaseCtx {
    fn children(&self) -> bool {
        matches!(self.household, "single_parent" | "couple_children")
    }
    fn older(&self) -> bool {
        matches!(self.age_band, "65_74" | "75_plus")
    }
    fn span(&self) -> i64 {
        days_between(self.opened, self.end)
    }
}

impl Sim<'_> {
    fn member(&self, i: usize) -> &Member {
        &self.net.members[i]
    }

    fn worker_of(&mut self, i: usize) -> Uuid {
        let ws = &self.net.members[i].workers;
        if ws.is_empty() { Uuid::nil() } else { ws[self.rng.random_range(0..ws.len())] }
    }

    /// An opening day: slightly more cases in the second year; mostly working days.
    pub(super) fn opening_day(&mut self) -> NaiveDate {
        let rng = &mut self.rng;
        let offset = (rng.random::<f64>().powf(0.9) * SPAN_DAYS as f64).floor();
        #[allow(clippy::cast_possible_truncation)]
        let mut opened = add_days(self.start, (offset as i64).clamp(0, SPAN_DAYS));
        match opened.weekday() {
            Weekday::Sat | Weekday::Sun if rng.random_bool(0.85) => {
                let back = if opened.weekday() == Weekday::Sat { 1 } else { 2 };
                opened = add_days(opened, -back);
            }
            _ => {}
        }
        opened.min(self.until)
    }

    pub(super) fn case(&mut self, w: &mut Writer<'_>, opened: NaiveDate) -> Result<()> {
        let rng = &mut self.rng;
        let until = self.until;
        let age = days_between(opened, until);
        let (closed, end) = if age > 182 {
            if rng.random_bool(0.7) {
                let cap = age - rng.random_range(0..=14);
                let dur = lognormal_days(rng, 100.0, 0.8, 7, 600).min(cap);
                (true, add_days(opened, dur))
            } else {
                (false, until)
            }
        } else {
            #[allow(clippy::cast_precision_loss)]
            let p = 0.4 * age as f64 / 182.0;
            let dur = lognormal_days(rng, 35.0, 0.8, 3, 180);
            if rng.random_bool(p.clamp(0.0, 1.0)) && dur < age {
                (true, add_days(opened, dur))
            } else {
                (false, until)
            }
        };

        // Owner.
        let weights: Vec<(usize, u32)> =
            self.net.members.iter().enumerate().map(|(i, m)| (i, m.case_weight)).collect();
        let owner = *pick(rng, &weights);
        let m = &self.net.members[owner];
        let municipality = match (&m.municipality, m.kind) {
            (Some(own), PartnerKind::Ocmw) => {
                let r = rng.random::<f64>();
                if r < 0.85 {
                    static_municipality(own)
                } else if r < 0.9 {
                    "no_fixed_address"
                } else {
                    pick_str(rng, MUNICIPALITIES)
                }
            }
            (Some(own), _) if rng.random_bool(0.75) => static_municipality(own),
            _ if !m.area.is_empty() && rng.random_bool(0.7) => pick_str(rng, m.area),
            _ => pick_str(rng, MUNICIPALITIES),
        };
        let age_band = pick_str(rng, AGE_BANDS);
        let household = match age_band {
            "under_18" => "other",
            "65_74" | "75_plus" => pick_str(rng, HOUSEHOLDS_OLDER),
            _ => pick_str(rng, HOUSEHOLDS),
        };
        let entry_route = if m.kind == PartnerKind::Other {
            pick_str(rng, ENTRY_ROUTES_VINDPLAATS)
        } else {
            pick_str(rng, ENTRY_ROUTES)
        };
        let gender = if rng.random_bool(0.65) {
            let f = if household == "single_parent" { 0.86 } else { 0.55 };
            let r = rng.random::<f64>();
            Some(if r < f {
                Gender::F
            } else if r < 0.98 {
                Gender::M
            } else {
                Gender::X
            })
        } else {
            None
        };
        let language = rng.random_bool(0.7).then(|| pick_str(rng, LANGUAGES));
        let interpreter = match language {
            Some("nl" | "fr") | None => rng.random_bool(0.15).then_some(Interpreter::NotNeeded),
            Some("en") => rng.random_bool(0.3).then_some(Interpreter::NotNeeded),
            Some(_) => rng.random_bool(0.7).then(|| {
                *pick(
                    rng,
                    &[(Interpreter::Needed, 30), (Interpreter::Used, 45), (Interpreter::NotNeeded, 25)],
                )
            }),
        };
        let residence = rng.random_bool(0.06).then(|| pick_str(rng, RESIDENCE));

        // Life domains: housing first, then income, debts, administration, health.
        let children = matches!(household, "single_parent" | "couple_children");
        let older = matches!(age_band, "65_74" | "75_plus");
        let mut dw: Vec<(&'static str, u32)> = LIFE_DOMAINS
            .iter()
            .map(|&(d, wt)| {
                let wt = match d {
                    "childcare" if children => wt * 4,
                    "education" if children => wt * 2,
                    "social_network" | "health" if older => wt * 3,
                    "work" if older => wt / 6,
                    _ => wt,
                };
                (d, wt)
            })
            .collect();
        let n_domains = *pick(rng, &[(0usize, 3), (1, 37), (2, 40), (3, 20)]);
        let mut domains = Vec::with_capacity(3);
        if matches!(residence, Some("no_legal_residence" | "international_protection")) {
            domains.push("residence");
            dw.retain(|(d, _)| *d != "residence");
        }
        while domains.len() < n_domains && !dw.is_empty() {
            let d = *pick(rng, &dw);
            dw.retain(|(x, _)| *x != d);
            domains.push(d);
        }

        let project = self
            .net
            .projects
            .iter()
            .find(|p| {
                p.covers(opened)
                    && match p.code {
                        "UKR-2022" => matches!(language, Some("uk" | "ru")),
                        "WOS-2025" => entry_route == "vindplaats" && children,
                        _ => false,
                    }
            })
            .map(|p| p.code)
            .filter(|_| rng.random_bool(0.8));

        let worker = self.worker_of(owner);
        let rng = &mut self.rng;
        let ms = office_ms(rng, opened);
        let id = id_at(ms, rng);
        let owner_id = self.net.members[owner].id;
        w.demo_act_as(owner_id, worker, ms);
        let code = w.unused_case_code(rng)?;
        w.open_case(&NewCase {
            id: Some(id),
            code: Some(code),
            opened_on: Some(opened),
            owner_partner_id: Some(owner_id),
            owner_worker_id: Some(worker),
            profile: CaseProfile {
                entry_route: entry_route.to_owned(),
                municipality: municipality.to_owned(),
                age_band: age_band.to_owned(),
                household_type: household.to_owned(),
                gender,
                contact_language: language.map(str::to_owned),
                interpreter,
                residence_status: residence.map(str::to_owned),
                life_domains: domains.iter().map(|d| (*d).to_owned()).collect(),
                project: project.map(str::to_owned),
            },
        })?;
        self.sum.cases += 1;
        let c = CaseCtx {
            id,
            owner,
            worker,
            opened,
            end,
            closed,
            municipality,
            language,
            residence,
            project,
            age_band,
            household,
            domains,
        };

        self.notes_and_signals(w, &c)?;
        self.referrals(w, &c)?;
        self.rights(w, &c)?;
        self.case_follow_ups(w, &c)?;
        if c.closed {
            let ms = office_ms(&mut self.rng, c.end);
            w.demo_act_as(self.member(owner).id, worker, ms);
            w.close_case(c.id, c.end)?;
        }
        Ok(())
    }

    fn act(&mut self, w: &mut Writer<'_>, partner: usize, worker: Uuid, on: NaiveDate) -> i64 {
        let ms = office_ms(&mut self.rng, on);
        w.demo_act_as(self.net.members[partner].id, worker, ms);
        ms
    }

    fn notes_and_signals(&mut self, w: &mut Writer<'_>, c: &CaseCtx) -> Result<()> {
        let span = c.span();
        if self.rng.random_bool(0.3) {
            let on = add_days(c.opened, self.rng.random_range(0..=span.min(30)));
            let first = c.domains.first().copied().unwrap_or("");
            let specific = domain_notes(first);
            let body = if !specific.is_empty() && self.rng.random_bool(0.65) {
                *one_of(&mut self.rng, specific)
            } else {
                *one_of(&mut self.rng, NOTES_GENERAL)
            };
            let ms = self.act(w, c.owner, c.worker, on);
            let id = id_at(ms, &mut self.rng);
            w.add_note(c.id, body, Some(id))?;
            self.sum.notes += 1;
        }
        if self.rng.random_bool(0.03) {
            let on = add_days(c.opened, self.rng.random_range(0..=span.min(90)));
            let theme = pick_str(&mut self.rng, signal_theme(c.domains.first().copied()));
            let text = *one_of(&mut self.rng, signal_texts(theme));
            let ms = self.act(w, c.owner, c.worker, on);
            let id = id_at(ms, &mut self.rng);
            w.add_signal(&NewSignal {
                id: Some(id),
                case_id: c.id,
                theme: theme.to_owned(),
                text: text.to_owned(),
            })?;
            self.sum.signals += 1;
        }
        Ok(())
    }
}

/// The `'static` code for a municipality code held by a partner.
fn static_municipality(code: &str) -> &'static str {
    MUNICIPALITIES.iter().map(|(c, _)| *c).find(|c| *c == code).unwrap_or("elsewhere")
}
