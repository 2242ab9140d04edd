//! Rights checks: which rights a case is checked for, the steps each one went through,
//! and why a right had not been taken up.

use chrono::NaiveDate;
use rand::Rng;

use super::{CaseCtx, Sim};
use crate::demo::random::{add_days, lognormal_days, pick, pick_str, workday};
use crate::demo::tables::NON_TAKE_UP;
use crate::error::Result;
use crate::ids::id_at;
use crate::rights::{NewRightsCheck, RightStep};
use crate::store::Writer;

impl Sim<'_> {
    fn rights_pool(c: &CaseCtx) -> Vec<(&'static str, u32)> {
        let mut pool: Vec<(&'static str, u32)> = Vec::new();
        let mut add = |code: &'static str, wt: u32| match pool.iter_mut().find(|(c, _)| *c == code) {
            Some(e) => e.1 += wt,
            None => pool.push((code, wt)),
        };
        add("increased_reimbursement", 6);
        add("social_energy_tariff", 4);
        add("maximum_billing", 2);
        add("leefloon", 2);
        add("additional_aid", 2);
        let foreign = matches!(c.residence, Some("third_country_permit" | "international_protection"));
        for d in &c.domains {
            match *d {
                "income" => {
                    add("leefloon", 8);
                    add("additional_aid", 5);
                    add("equivalent_leefloon", if foreign { 8 } else { 1 });
                }
                "debts" => {
                    add("debt_mediation", 8);
                    add("legal_aid", 3);
                    add("social_energy_tariff", 3);
                    add("protected_customer_brussels", 4);
                    add("additional_aid", 2);
                }
                "housing" => {
                    if c.municipality == "elsewhere" {
                        add("social_housing_flanders", 5);
                        add("rent_premium_flanders", 3);
                        add("rent_subsidy_flanders", 3);
                    } else {
                        add("social_housing_brussels", 8);
                        add("rent_allowance_brussels", 6);
                        add("protected_customer_brussels", 3);
                    }
                    add("social_energy_tariff", 2);
                }
                "health" | "mental_health" => {
                    add("increased_reimbursement", 6);
                    add("maximum_billing", 4);
                    add("disability_allowance", 4);
                    add("care_budget_disability", 2);
                    add("care_budget_severe", 2);
                }
                "education" => {
                    add("study_grant", 4);
                    add("groeipakket_school", 3);
                }
                "legal" | "residence" => add("legal_aid", 5),
                "work" => add("additional_aid", 2),
                _ => {}
            }
        }
        if c.children() {
            add("family_allowance_brussels_social", 6);
            add("groeipakket_school", 4);
            add("groeipakket_social", 2);
            add("study_grant", 1);
        }
        if c.older() {
            add("igo", 8);
            add("elderly_allowance_brussels", 5);
            add("care_budget_elderly", 4);
        }
        if c.residence == Some("no_legal_residence") {
            add("urgent_medical_aid", 12);
        }
        pool
    }

    pub(super) fn rights(&mut self, w: &mut Writer<'_>, c: &CaseCtx) -> Result<()> {
        let n = *pick(
            &mut self.rng,
            &[(0usize, 8), (1, 8), (2, 12), (3, 15), (4, 17), (5, 14), (6, 11), (7, 8), (8, 7)],
        );
        let mut pool = Self::rights_pool(c);
        let span = c.span();
        for _ in 0..n {
            if pool.is_empty() {
                break;
            }
            let right = *pick(&mut self.rng, &pool);
            pool.retain(|(r, _)| *r != right);
            let d0 = add_days(
                c.opened,
                #[allow(clippy::cast_possible_truncation)]
                {
                    (self.rng.random::<f64>().powi(2) * span.min(90) as f64).floor() as i64
                },
            );
            self.right(w, c, right, d0)?;
        }
        Ok(())
    }

    fn right(&mut self, w: &mut Writer<'_>, c: &CaseCtx, right: &'static str, d0: NaiveDate) -> Result<()> {
        use RightStep::*;
        let rng = &mut self.rng;
        let p_auto = match right {
            "social_energy_tariff" => 0.35,
            "increased_reimbursement" => 0.15,
            _ => 0.04,
        };
        let listed_first = rng.random_bool(0.3);
        let mut steps: Vec<(RightStep, NaiveDate)> = Vec::with_capacity(5);
        let mut d = d0;
        if listed_first {
            steps.push((NotChecked, d));
        }
        let u = rng.random::<f64>();
        let mut stalled = false;
        if u < 0.08 {
            if !listed_first {
                steps.push((NotChecked, d));
            }
        } else if u < 0.08 + p_auto {
            d = add_days(d, if listed_first { rng.random_range(0..=30) } else { 0 });
            steps.push((GrantedAutomatically, d));
        } else if u < 0.28 + p_auto {
            d = add_days(d, if listed_first { rng.random_range(0..=14) } else { 0 });
            steps.push((NotEntitled, d));
        } else {
            d = add_days(d, if listed_first { rng.random_range(0..=7) } else { 0 });
            steps.push((PossiblyEntitled, d));
            if rng.random_bool(0.85) {
                d = add_days(d, rng.random_range(0..=21));
                steps.push((Applied, d));
                let decision = add_days(d, lognormal_days(rng, 30.0, 0.7, 5, 120));
                if rng.random_bool(0.8) {
                    steps.push((Granted, decision));
                } else {
                    steps.push((Refused, decision));
                }
            } else {
                stalled = true;
            }
        }
        steps.retain(|(_, on)| *on <= c.end);
        let Some(&(first, first_on)) = steps.first() else {
            return Ok(());
        };
        let last = steps.last().map_or(first, |s| s.0);
        let ms = self.act(w, c.owner, c.worker, first_on);
        let id = id_at(ms, &mut self.rng);
        w.add_rights_check(&NewRightsCheck {
            id: Some(id),
            case_id: c.id,
            right: right.to_owned(),
            step: Some(first),
            on: Some(first_on),
        })?;
        self.sum.rights_checks += 1;
        for &(step, on) in steps.iter().skip(1) {
            self.act(w, c.owner, c.worker, on);
            w.set_right_step(id, step, on)?;
        }

        // Why the right had not been taken up before, and the barrier behind it.
        let p_ntu = match last {
            PossiblyEntitled if stalled => 0.6,
            Refused => 0.5,
            PossiblyEntitled | Applied | Granted => 0.3,
            _ => 0.0,
        };
        if self.rng.random_bool(p_ntu) {
            let reason =
                if last == Refused { "requested_not_obtained" } else { pick_str(&mut self.rng, NON_TAKE_UP) };
            let other_language = !matches!(c.language, None | Some("nl" | "fr"));
            let lang = if other_language { 25 } else { 2 };
            let barriers: &[(&str, u32)] = match reason {
                "unknown_to_person" => {
                    &[("knowledge", 60), ("digital", 10), ("cultural", 15), ("language", lang)]
                }
                "not_requested" => &[("trust", 50), ("cultural", 30), ("knowledge", 20), ("language", lang)],
                "requested_not_obtained" => &[("administrative", 60), ("digital", 25), ("language", lang)],
                "not_offered" => &[("knowledge", 50), ("administrative", 50)],
                _ => &[("administrative", 70), ("knowledge", 30)],
            };
            let barrier = self.rng.random_bool(0.85).then(|| pick_str(&mut self.rng, barriers));
            self.act(w, c.owner, c.worker, first_on);
            w.set_non_take_up(id, Some(reason), barrier)?;
        }

        // Follow-ups on the rights check.
        if let Some(&(_, applied)) = steps.iter().find(|(s, _)| *s == Applied)
            && self.rng.random_bool(0.5)
        {
            let gap = self.rng.random_range(7..=21);
            let due = workday(&mut self.rng, add_days(applied, gap));
            self.follow_up(w, c, applied, due, "document_deadline", None, Some(id), false)?;
        }
        if stalled && self.rng.random_bool(0.25) {
            let from = steps.last().map_or(first_on, |s| s.1);
            let due = add_days(from, self.rng.random_range(14..=60));
            self.follow_up(w, c, from, due, "rights_recheck", None, Some(id), false)?;
        }
        Ok(())
    }
}
