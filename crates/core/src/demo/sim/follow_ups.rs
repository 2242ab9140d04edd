//! Follow-ups: the case's own reminders, including the next step of a running case around
//! today, and whether each one was done.

use chrono::NaiveDate;
use rand::Rng;
use uuid::Uuid;

use super::{CaseCtx, Sim};
use crate::demo::random::{add_days, days_between, pick, pick_str, workday};
use crate::error::Result;
use crate::follow_ups::NewFollowUp;
use crate::ids::id_at;
use crate::store::Writer;

impl Sim<'_> {
    pub(super) fn case_follow_ups(&mut self, w: &mut Writer<'_>, c: &CaseCtx) -> Result<()> {
        let span = c.span();
        let n = *pick(&mut self.rng, &[(1u32, 40), (2, 40), (3, 20)]);
        for _ in 0..n {
            let created = add_days(c.opened, self.rng.random_range(0..=span.min(60)));
            let gap = self.rng.random_range(2..=14);
            let due = workday(&mut self.rng, add_days(created, gap));
            let purpose = pick_str(
                &mut self.rng,
                &[("call_back", 45), ("appointment", 30), ("document_deadline", 15), ("other", 10)],
            );
            self.follow_up(w, c, created, due, purpose, None, None, false)?;
        }
        // The next step of a running case, around today: some overdue, some due today,
        // most in the coming weeks.
        if !c.closed && self.rng.random_bool(0.8) {
            let created = add_days(self.until, -self.rng.random_range(0..=30)).max(c.opened);
            let offset = match *pick(&mut self.rng, &[(0u8, 15), (1, 7), (2, 78)]) {
                0 => -self.rng.random_range(1..=20),
                1 => 0,
                _ => self.rng.random_range(1..=28),
            };
            let due = add_days(self.until, offset).max(created);
            let purpose = pick_str(
                &mut self.rng,
                &[
                    ("call_back", 40),
                    ("appointment", 30),
                    ("rights_recheck", 10),
                    ("document_deadline", 15),
                    ("other", 5),
                ],
            );
            self.follow_up(w, c, created, due, purpose, None, None, true)?;
        }
        Ok(())
    }

    /// Adds a follow-up set on `created` and, when it was done, completes it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn follow_up(
        &mut self,
        w: &mut Writer<'_>,
        c: &CaseCtx,
        created: NaiveDate,
        due: NaiveDate,
        purpose: &str,
        referral: Option<Uuid>,
        rights_check: Option<Uuid>,
        keep_open: bool,
    ) -> Result<()> {
        if created > c.end {
            return Ok(());
        }
        let due = if c.closed { due.min(c.end) } else { due };
        let lag = match *pick(&mut self.rng, &[(0u8, 12), (1, 55), (2, 23), (3, 10)]) {
            0 => -self.rng.random_range(1..=3),
            1 => 0,
            2 => self.rng.random_range(1..=3),
            _ => self.rng.random_range(4..=10),
        };
        let done_on = |limit: NaiveDate| add_days(due, lag).clamp(created, limit);
        let done = if c.closed {
            Some(done_on(c.end))
        } else if keep_open || due > self.until {
            None
        } else {
            let overdue = days_between(due, self.until);
            let p = if overdue > 21 {
                0.99
            } else if overdue > 7 {
                0.85
            } else {
                0.55
            };
            self.rng.random_bool(p).then(|| done_on(self.until))
        };
        let assignee = if self.rng.random_bool(0.85) { c.worker } else { self.worker_of(c.owner) };
        let ms = self.act(w, c.owner, c.worker, created);
        let id = id_at(ms, &mut self.rng);
        w.add_follow_up(&NewFollowUp {
            id: Some(id),
            case_id: c.id,
            referral_id: referral,
            rights_check_id: rights_check,
            due_on: due,
            purpose: purpose.to_owned(),
            purpose_text: None,
            assignee_id: Some(assignee),
        })?;
        self.sum.follow_ups += 1;
        if let Some(on) = done {
            self.act(w, c.owner, assignee, on);
            w.complete_follow_up(id, on)?;
        }
        Ok(())
    }
}
