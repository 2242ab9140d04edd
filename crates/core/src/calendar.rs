//! Working days in Belgium: weekends and the ten federal public holidays are not worked,
//! nor are the extra closing days a network configures (a regional holiday, a bridge
//! day). Easter is computed (Gregorian computus), never tabulated.
//!
//! A duration in working days between two dates counts the working days *after* the
//! first date up to and including the second: an answer on the day of sending takes 0,
//! sent on Friday and accepted on Monday takes 1, sent on Saturday and accepted on Monday
//! takes 1 as well.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

/// The federal public holidays (wettelijke feestdagen / jours fériés légaux).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    NewYear,
    EasterMonday,
    LabourDay,
    Ascension,
    WhitMonday,
    NationalDay,
    Assumption,
    AllSaints,
    Armistice,
    Christmas,
}

/// Easter Sunday of `year` (Gregorian), `None` outside the calendar's range.
pub fn easter(year: i32) -> Option<NaiveDate> {
    computus::gregorian_naive(year).ok()
}

/// The ten public holidays of `year`, in date order.
pub fn public_holidays(year: i32) -> Vec<(NaiveDate, Holiday)> {
    let fixed = |m, d, h| NaiveDate::from_ymd_opt(year, m, d).map(|date| (date, h));
    let after_easter =
        |days: u64, h| easter(year).and_then(|e| e.checked_add_days(Days::new(days))).map(|d| (d, h));
    let mut all: Vec<(NaiveDate, Holiday)> = [
        fixed(1, 1, Holiday::NewYear),
        after_easter(1, Holiday::EasterMonday),
        fixed(5, 1, Holiday::LabourDay),
        after_easter(39, Holiday::Ascension),
        after_easter(50, Holiday::WhitMonday),
        fixed(7, 21, Holiday::NationalDay),
        fixed(8, 15, Holiday::Assumption),
        fixed(11, 1, Holiday::AllSaints),
        fixed(11, 11, Holiday::Armistice),
        fixed(12, 25, Holiday::Christmas),
    ]
    .into_iter()
    .flatten()
    .collect();
    all.sort_by_key(|(d, _)| *d);
    all
}

/// Which days are worked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    extra_closed: BTreeSet<NaiveDate>,
}

impl WorkCalendar {
    /// Weekends and the federal public holidays.
    pub fn belgian() -> Self {
        WorkCalendar::default()
    }

    /// Also closed on these days (regional holidays, bridge days, a network's own).
    pub fn with_closing_days(mut self, days: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.extra_closed.extend(days);
        self
    }

    pub fn public_holiday(&self, d: NaiveDate) -> Option<Holiday> {
        public_holidays(d.year()).into_iter().find(|(h, _)| *h == d).map(|(_, h)| h)
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        self.works(d, |d| self.public_holiday(d).is_some())
    }

    /// The one rule: not a weekend, not a holiday (however looked up), not closed.
    fn works(&self, d: NaiveDate, is_holiday: impl Fn(NaiveDate) -> bool) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
            && !self.extra_closed.contains(&d)
            && !is_holiday(d)
    }

    /// Working days after `from` up to and including `to` (negative if `to` is earlier).
    /// Walks the days: for many durations use [`WorkingDays`].
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (a, b, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
        sign * a.iter_days().skip(1).take_while(|d| *d <= b).filter(|d| self.is_working_day(*d)).count()
            as i64
    }
}

/// Working-day durations in O(1) each, for every date in a span: a running count of
/// working days from the span's first date.
#[derive(Debug, Clone)]
pub struct WorkingDays {
    first: NaiveDate,
    /// `cumulative[i]`: working days in (first, first + i].
    cumulative: Vec<u32>,
}

impl WorkingDays {
    /// Covers `first..=last` (an empty span if `last < first`).
    pub fn new(calendar: &WorkCalendar, first: NaiveDate, last: NaiveDate) -> Self {
        let span = usize::try_from((last - first).num_days()).unwrap_or(0);
        let mut holidays: BTreeSet<NaiveDate> = BTreeSet::new();
        for year in first.year()..=last.year() {
            holidays.extend(public_holidays(year).into_iter().map(|(d, _)| d));
        }
        let mut cumulative = Vec::with_capacity(span + 1);
        let mut count = 0u32;
        cumulative.push(0);
        for d in first.iter_days().skip(1).take(span) {
            if calendar.works(d, |d| holidays.contains(&d)) {
                count += 1;
            }
            cumulative.push(count);
        }
        WorkingDays { first, cumulative }
    }

    fn index(&self, d: NaiveDate) -> Option<usize> {
        usize::try_from((d - self.first).num_days()).ok().filter(|i| *i < self.cumulative.len())
    }

    /// Working days after `from` up to and including `to`; `None` if either date lies
    /// outside the span.
    pub fn between(&self, from: NaiveDate, to: NaiveDate) -> Option<i64> {
        let (a, b) = (self.index(from)?, self.index(to)?);
        Some(i64::from(self.cumulative[b]) - i64::from(self.cumulative[a]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Easter Sundays 2024–2035 from the published tables (not from the same algorithm).
    #[test]
    fn easter_2024_to_2035() {
        let expected = [
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2028, 4, 16),
            (2029, 4, 1),
            (2030, 4, 21),
            (2031, 4, 13),
            (2032, 3, 28),
            (2033, 4, 17),
            (2034, 4, 9),
            (2035, 3, 25),
        ];
        for (y, m, day) in expected {
            assert_eq!(easter(y), Some(d(y, m, day)), "{y}");
        }
    }

    #[test]
    fn public_holidays_of_2026_and_2035() {
        use Holiday::*;
        assert_eq!(
            public_holidays(2026),
            vec![
                (d(2026, 1, 1), NewYear),
                (d(2026, 4, 6), EasterMonday),
                (d(2026, 5, 1), LabourDay),
                (d(2026, 5, 14), Ascension),
                (d(2026, 5, 25), WhitMonday),
                (d(2026, 7, 21), NationalDay),
                (d(2026, 8, 15), Assumption),
                (d(2026, 11, 1), AllSaints),
                (d(2026, 11, 11), Armistice),
                (d(2026, 12, 25), Christmas),
            ]
        );
        let h2035 = public_holidays(2035);
        assert!(h2035.contains(&(d(2035, 3, 26), EasterMonday)));
        assert!(h2035.contains(&(d(2035, 5, 3), Ascension)));
        assert!(h2035.contains(&(d(2035, 5, 14), WhitMonday)));
        // Every year 2024–2035 has ten distinct holidays.
        for y in 2024..=2035 {
            let days: BTreeSet<_> = public_holidays(y).into_iter().map(|(d, _)| d).collect();
            assert_eq!(days.len(), 10, "{y}");
        }
    }

    #[test]
    fn working_days_skip_weekends_holidays_and_closing_days() {
        let cal = WorkCalendar::belgian();
        // Same day: 0. Friday → Monday: 1. Saturday → Monday: 1.
        assert_eq!(cal.working_days_between(d(2026, 11, 20), d(2026, 11, 20)), 0);
        assert_eq!(cal.working_days_between(d(2026, 11, 20), d(2026, 11, 23)), 1);
        assert_eq!(cal.working_days_between(d(2026, 11, 21), d(2026, 11, 23)), 1);
        // Over Armistice (Wed 11/11/2026): Tue 10 → Thu 12 is one working day.
        assert_eq!(cal.working_days_between(d(2026, 11, 10), d(2026, 11, 12)), 1);
        // Over Easter: Thu 2/4/2026 → Tue 7/4/2026: Fri 3 and Tue 7 (Mon 6 is Easter Monday).
        assert_eq!(cal.working_days_between(d(2026, 4, 2), d(2026, 4, 7)), 2);
        // Christmas to New Year 2026: Thu 24/12 → Mon 4/1/2027: 28, 29, 30, 31/12 and 4/1.
        assert_eq!(cal.working_days_between(d(2026, 12, 24), d(2027, 1, 4)), 5);
        // A regional holiday (11 July, Flemish community) closes one more day.
        let flemish = WorkCalendar::belgian().with_closing_days([d(2025, 7, 11)]);
        assert_eq!(cal.working_days_between(d(2025, 7, 10), d(2025, 7, 14)), 2);
        assert_eq!(flemish.working_days_between(d(2025, 7, 10), d(2025, 7, 14)), 1);
        // Backwards is negative.
        assert_eq!(cal.working_days_between(d(2026, 11, 23), d(2026, 11, 20)), -1);
    }

    #[test]
    fn the_fast_table_agrees_with_walking_the_days() {
        let cal = WorkCalendar::belgian().with_closing_days([d(2025, 7, 11), d(2026, 9, 27)]);
        let (first, last) = (d(2024, 12, 20), d(2027, 1, 10));
        let table = WorkingDays::new(&cal, first, last);
        let mut a = first;
        while a <= last {
            for offset in [0u64, 1, 2, 3, 6, 9, 17, 40, 200] {
                let Some(b) = a.checked_add_days(Days::new(offset)).filter(|b| *b <= last) else { continue };
                assert_eq!(table.between(a, b), Some(cal.working_days_between(a, b)), "{a} → {b}");
            }
            a = a.succ_opt().unwrap();
        }
        assert_eq!(table.between(first, d(2027, 1, 11)), None);
    }
}
