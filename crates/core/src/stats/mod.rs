//! Anonymised monthly statistics with disclosure control, for steering groups and
//! funders. The counts come from `counts` (aggregates only), the protection from
//! `protect`, the published shape from `table`, and the files from `export`.
//! docs/statistics.md explains the tables and the protection for a privacy officer.

mod counts;
pub mod export;
pub mod labels;
pub mod protect;
pub mod table;
#[cfg(test)]
mod tests;

use chrono::{Datelike, Local, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::store::Store;
pub use labels::Lang;
use labels::word;
pub use table::{Hidden, Label, StatCell, StatTable, Unit};

/// Counts from 1 to below this are not published.
pub const DEFAULT_THRESHOLD: u32 = 5;
/// The threshold of sensitive tables and rows (residence status, urgent medical aid).
pub const DEFAULT_SENSITIVE_THRESHOLD: u32 = 10;
/// Thresholds below this protect nothing worth the name.
pub const MIN_THRESHOLD: u32 = 2;
pub const MAX_THRESHOLD: u32 = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The records of this store's own organisation.
    Partner,
    /// Every partner's records in this store.
    Network,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct MonthlyRequest {
    /// `YYYY-MM`.
    pub month: String,
    pub scope: Scope,
    #[serde(default)]
    pub threshold: Option<u32>,
    #[serde(default)]
    pub sensitive_threshold: Option<u32>,
    #[serde(default)]
    pub lang: Lang,
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Month {
    pub fn parse(field: &str, s: &str) -> Result<Month> {
        let bad = || Error::validation(field, format!("'{s}' is not a month (use YYYY-MM)"));
        let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if !(1900..=2200).contains(&y) {
            return Err(bad());
        }
        Month::of(y, m).ok_or_else(bad)
    }

    pub fn of(year: i32, month: u32) -> Option<Month> {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            first.with_month(month + 1)?
        };
        Some(Month { first, last: next.pred_opt()? })
    }

    pub fn label(&self) -> String {
        format!("{:04}-{:02}", self.first.year(), self.first.month())
    }

    /// Unix milliseconds of local midnight at the start of the month and of the next.
    fn millis(&self) -> (i64, i64) {
        let ms = |d: NaiveDate| {
            d.and_hms_opt(0, 0, 0).and_then(|t| Local.from_local_datetime(&t).earliest()).map_or_else(
                || d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp_millis(),
                |t| t.timestamp_millis(),
            )
        };
        (ms(self.first), ms(self.last.succ_opt().unwrap_or(self.last)))
    }
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Thresholds {
    pub normal: u32,
    pub sensitive: u32,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Definition {
    pub topic: String,
    pub text: String,
}

/// One month's published statistics. Aggregates only; hidden figures carry no value.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct MonthlyStats {
    /// `YYYY-MM`.
    pub month: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    pub scope: Scope,
    pub scope_label: String,
    /// This store's organisation.
    pub partner_name: String,
    pub threshold: u32,
    pub sensitive_threshold: u32,
    pub target_working_days: u32,
    /// Referral outcomes are as of this date (the store's today).
    pub as_of: NaiveDate,
    /// Local time, `YYYY-MM-DD HH:MM`.
    pub generated_at: String,
    pub app_version: String,
    pub lang: Lang,
    pub tables: Vec<StatTable>,
    pub legend: String,
    pub definitions: Vec<Definition>,
    /// How many figures were hidden, by reason.
    pub hidden_primary: u32,
    pub hidden_secondary: u32,
    pub hidden_small_base: u32,
}

fn threshold(field: &str, value: Option<u32>, default: u32) -> Result<u32> {
    let k = value.unwrap_or(default);
    if !(MIN_THRESHOLD..=MAX_THRESHOLD).contains(&k) {
        return Err(Error::validation(
            field,
            format!("a threshold is between {MIN_THRESHOLD} and {MAX_THRESHOLD}"),
        ));
    }
    Ok(k)
}

impl Store {
    /// The statistics of one month, protected (see `protect`).
    pub fn monthly_statistics(&self, req: &MonthlyRequest) -> Result<MonthlyStats> {
        self.require(crate::access::Permission::Statistics)?;
        let month = Month::parse("month", &req.month)?;
        let normal = threshold("threshold", req.threshold, DEFAULT_THRESHOLD)?;
        let sensitive = threshold(
            "sensitive_threshold",
            req.sensitive_threshold.or(Some(DEFAULT_SENSITIVE_THRESHOLD.max(normal))),
            DEFAULT_SENSITIVE_THRESHOLD,
        )?;
        if sensitive < normal {
            return Err(Error::validation(
                "sensitive_threshold",
                "the threshold of sensitive tables is at least the normal one",
            ));
        }
        let lang = req.lang;
        let self_id = self.self_partner_id()?;
        let partner_name = self.partner(self_id)?.name;
        let frame = counts::Frame {
            store: self,
            month,
            partner: (req.scope == Scope::Partner).then_some(self_id),
            lang,
            k: Thresholds { normal, sensitive },
        };

        let mut raw = counts::cases(&frame)?;
        let (referral_tables, times, kpis) = counts::referrals(&frame, None)?;
        raw.extend(referral_tables);
        raw.extend(counts::rights(&frame)?);
        raw.push(counts::follow_ups(&frame)?);
        raw.push(counts::signals(&frame)?);

        let mut tables = table::protect_all(raw, &word(lang, "total"));
        for t in tables.iter_mut().filter(|t| t.id.starts_with("cases_")) {
            if let Some(c) = t.columns.last_mut().filter(|c| c.total) {
                c.label = word(lang, "active");
            }
        }
        // Referral times after the referral counts.
        let at = tables.iter().position(|t| t.id == "referrals_outcome").map_or(tables.len(), |i| i + 1);
        tables.insert(at, times);

        let count = |why: Hidden| {
            tables.iter().flat_map(|t| t.cells.iter().flatten()).filter(|c| c.hidden == Some(why)).count()
                as u32
        };
        let (hidden_primary, hidden_secondary, hidden_small_base) =
            (count(Hidden::Primary), count(Hidden::Secondary), count(Hidden::SmallBase));
        Ok(MonthlyStats {
            month: month.label(),
            first_day: month.first,
            last_day: month.last,
            scope: req.scope,
            scope_label: word(
                lang,
                if req.scope == Scope::Partner { "scope_partner" } else { "scope_network" },
            ),
            partner_name,
            threshold: normal,
            sensitive_threshold: sensitive,
            target_working_days: kpis.target_working_days,
            as_of: kpis.as_of,
            generated_at: Local::now().format("%Y-%m-%d %H:%M").to_string(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            lang,
            legend: word(lang, "legend"),
            definitions: labels::definitions(lang)
                .into_iter()
                .map(|(topic, text)| Definition { topic, text })
                .collect(),
            tables,
            hidden_primary,
            hidden_secondary,
            hidden_small_base,
        })
    }
}
