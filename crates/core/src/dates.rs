//! Business dates: parsing what people type (Belgian `dd/mm/yyyy` or ISO) and the
//! Belgian display format.

use chrono::{Local, NaiveDate, Utc};

use crate::error::{Error, Result};

/// Parses `YYYY-MM-DD`, `DD/MM/YYYY`, `DD-MM-YYYY` or `DD.MM.YYYY`.
pub fn parse_date(field: &str, s: &str) -> Result<NaiveDate> {
    let s = s.trim();
    for fmt in ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt)
            && d.year_ok()
        {
            return Ok(d);
        }
    }
    Err(Error::validation(field, format!("'{s}' is not a valid date (use dd/mm/yyyy)")))
}

trait YearOk {
    fn year_ok(&self) -> bool;
}
impl YearOk for NaiveDate {
    fn year_ok(&self) -> bool {
        use chrono::Datelike;
        (1900..=2200).contains(&self.year())
    }
}

/// `25/11/2026`.
pub fn format_be(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// ISO form used in the database.
pub fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A stored `YYYY-MM-DD` date. Parsed by hand: reports read hundreds of thousands.
pub(crate) fn from_sql(field: &str, s: &str) -> Result<NaiveDate> {
    let bad = || Error::StoreCorrupt(format!("bad date in {field}"));
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let (y, m, d) = (num(0..4).ok_or_else(bad)?, num(5..7).ok_or_else(bad)?, num(8..10).ok_or_else(bad)?);
    NaiveDate::from_ymd_opt(i32::try_from(y).map_err(|_| bad())?, m, d).ok_or_else(bad)
}

pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_dates_parse_and_damaged_ones_are_refused() {
        assert_eq!(from_sql("x", "2026-02-28").unwrap(), NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        for bad in ["2026-02-30", "2026-2-28", "2026/02/28", "20260228xx", "", "2026-0a-28", "２０２６-02-28"]
        {
            assert!(from_sql("x", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn belgian_and_iso_dates_parse_and_nonsense_does_not() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        for s in ["2026-03-09", "09/03/2026", "9/3/2026", "09-03-2026", "09.03.2026", " 09/03/2026 "] {
            assert_eq!(parse_date("d", s).unwrap(), d, "{s}");
        }
        for s in ["31/02/2026", "2026-13-01", "tomorrow", "", "03/09/26", "09/03/0026"] {
            let e = parse_date("opened_on", s).unwrap_err();
            assert!(matches!(e, Error::Validation { ref field, .. } if field == "opened_on"), "{s}");
        }
        assert_eq!(format_be(d), "09/03/2026");
    }
}
