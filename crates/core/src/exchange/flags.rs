//! Dates and clocks that do not add up, on events recorded in another store. Referral
//! times use each side's own business dates and clocks, never the time of import; what
//! looks implausible is applied and flagged, never hidden or "corrected".

use chrono::{DateTime, NaiveDate};
use serde::Serialize;

/// How far another store's clock may run ahead of ours before its events are flagged.
pub const CLOCK_TOLERANCE_MS: i64 = 10 * 60 * 1000;

/// Why an event looks implausible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum EventFlag {
    /// Its business date lies more than a day after the moment it was recorded: a date in
    /// the future, or a clock that runs behind.
    DatedAfterRecording,
    /// It was recorded (by the other store's clock) after it arrived here (by ours): one of
    /// the two clocks is wrong.
    ClockAhead,
    /// It cannot follow the events before it (both sides answered at once, e.g. a decline
    /// after a withdrawal): kept, and left out of the referral's state in every store.
    Conflict,
}

impl EventFlag {
    pub const ALL: [EventFlag; 3] =
        [EventFlag::DatedAfterRecording, EventFlag::ClockAhead, EventFlag::Conflict];

    /// Its bit in `referral.flags` (migration 0012).
    pub fn bit(self) -> u8 {
        match self {
            EventFlag::DatedAfterRecording => 1,
            EventFlag::ClockAhead => 2,
            EventFlag::Conflict => 4,
        }
    }

    /// The flags of a `referral.flags` value.
    pub fn from_bits(bits: u8) -> Vec<EventFlag> {
        EventFlag::ALL.into_iter().filter(|f| bits & f.bit() != 0).collect()
    }
}

/// The date and clock flags of one event (`received_at`: when it arrived here, `None` for
/// an event recorded here).
pub fn of_event(occurred_on: NaiveDate, recorded_at: i64, received_at: Option<i64>) -> Vec<EventFlag> {
    let mut flags = Vec::new();
    if let Some(recorded_on) = DateTime::from_timestamp_millis(recorded_at).map(|t| t.date_naive())
        && occurred_on > recorded_on + chrono::Duration::days(1)
    {
        flags.push(EventFlag::DatedAfterRecording);
    }
    if received_at.is_some_and(|r| recorded_at > r + CLOCK_TOLERANCE_MS) {
        flags.push(EventFlag::ClockAhead);
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(y: i32, m: u32, d: u32, h: u32) -> i64 {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .map(|t| t.and_utc().timestamp_millis())
            .expect("time")
    }

    #[test]
    fn a_plausible_event_has_no_flag() {
        let on = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        assert!(of_event(on, ms(2026, 3, 2, 10), Some(ms(2026, 3, 3, 9))).is_empty());
        // Recorded days later (after a holiday): fine.
        assert!(of_event(on, ms(2026, 3, 20, 10), None).is_empty());
        // Dated the next day (a time zone, a late evening): within a day's tolerance.
        let next = NaiveDate::from_ymd_opt(2026, 3, 3).expect("date");
        assert!(of_event(next, ms(2026, 3, 2, 23), None).is_empty());
    }

    #[test]
    fn a_date_after_its_recording_and_a_clock_ahead_are_flagged() {
        let on = NaiveDate::from_ymd_opt(2026, 3, 10).expect("date");
        assert_eq!(of_event(on, ms(2026, 3, 2, 10), None), vec![EventFlag::DatedAfterRecording]);
        let on = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        assert_eq!(of_event(on, ms(2026, 3, 2, 12), Some(ms(2026, 3, 2, 11))), vec![EventFlag::ClockAhead]);
        // Within the tolerance: not flagged.
        assert!(of_event(on, ms(2026, 3, 2, 11) + 60_000, Some(ms(2026, 3, 2, 11))).is_empty());
    }
}
