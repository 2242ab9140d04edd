//! Randomness and dates: weighted and uniform picks, skewed durations, and the days and
//! moments the simulation places its records on.

use chrono::{Datelike, NaiveDate, NaiveTime, TimeDelta, Weekday};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::tables::Weighted;

pub(super) fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a Weighted<T>) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    let mut x = rng.random_range(0..total.max(1));
    for (t, w) in items {
        if x < *w {
            return t;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}

pub(super) fn pick_str(rng: &mut ChaCha8Rng, items: &Weighted<&'static str>) -> &'static str {
    pick::<&'static str>(rng, items)
}

pub(super) fn one_of<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Whole days from a log-normal distribution with the given median, clamped.
pub(super) fn lognormal_days(rng: &mut ChaCha8Rng, median: f64, sigma: f64, lo: i64, hi: i64) -> i64 {
    let x = median * (sigma * normal(rng)).exp();
    // Bounded by the clamp; the float is finite and small.
    #[allow(clippy::cast_possible_truncation)]
    let d = x.round().clamp(-1e6, 1e6) as i64;
    d.clamp(lo, hi)
}
pub(super) fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

pub(super) fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_add_signed(TimeDelta::days(n)).unwrap_or(d)
}

pub(super) fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// Unix milliseconds of a moment on a day (minutes after midnight, UTC).
pub(super) fn ms_at(d: NaiveDate, minute: u32) -> i64 {
    d.and_time(NaiveTime::MIN).and_utc().timestamp_millis() + i64::from(minute) * 60_000
}

/// A moment during office hours.
pub(super) fn office_ms(rng: &mut ChaCha8Rng, d: NaiveDate) -> i64 {
    ms_at(d, rng.random_range(7 * 60..17 * 60))
}

/// Receivers mostly answer on working days: a weekend date moves to Monday.
pub(super) fn workday(rng: &mut ChaCha8Rng, d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat if rng.random_bool(0.9) => add_days(d, 2),
        Weekday::Sun if rng.random_bool(0.9) => add_days(d, 1),
        _ => d,
    }
}
