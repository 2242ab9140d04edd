//! Files made from a report: CSV, XLSX, JSON and a print-ready HTML report. They hold
//! the published figures only: a hidden figure is written as the symbol `x` (or `null`
//! in JSON) without its value or the reason it is hidden.

mod csv;
mod html;
mod json;
mod xlsx;

use std::path::Path;

use serde::Deserialize;

use super::{MonthlyStats, StatCell, Unit};
use crate::error::{Error, Result};

/// The symbol of a hidden figure in every export (Eurostat prints `:c`; a lone `x` is
/// what Belgian statistics offices use and reads well in a spreadsheet).
pub const HIDDEN_SYMBOL: &str = "x";
/// The symbol of a figure that does not apply (nothing to measure).
pub const EMPTY_SYMBOL: &str = "–";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Csv,
    Xlsx,
    Json,
    Html,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
            Format::Html => "html",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Format> {
        match s {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            "json" => Ok(Format::Json),
            "html" => Ok(Format::Html),
            "pdf" => Err(Error::validation(
                field,
                "write the report as html and print it to PDF from a browser (the page is laid out for A4)",
            )),
            _ => Err(Error::validation(field, format!("'{s}' is not csv, xlsx, json or html"))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct ExportOptions {
    pub format: Format,
    /// CSV for Belgian Excel: `;` between fields and a decimal comma (3,5).
    #[serde(default = "belgian_default")]
    pub belgian_csv: bool,
}

fn belgian_default() -> bool {
    true
}

impl ExportOptions {
    pub fn new(format: Format) -> Self {
        ExportOptions { format, belgian_csv: true }
    }
}

/// The file's bytes.
pub fn render(stats: &MonthlyStats, options: &ExportOptions) -> Result<Vec<u8>> {
    match options.format {
        Format::Csv => csv::render(stats, options.belgian_csv),
        Format::Xlsx => xlsx::render(stats),
        Format::Json => json::render(stats),
        Format::Html => Ok(html::render(stats).into_bytes()),
    }
}

/// A name to offer in a save dialog: `schakel-statistieken-2026-10-netwerk.xlsx`.
pub fn file_name(stats: &MonthlyStats, format: Format) -> String {
    let (stem, scope) = match stats.lang {
        super::Lang::Nl => ("schakel-statistieken", ["partner", "netwerk"]),
        super::Lang::Fr => ("schakel-statistiques", ["partenaire", "reseau"]),
        super::Lang::En => ("schakel-statistics", ["partner", "network"]),
    };
    let scope = scope[usize::from(stats.scope == super::Scope::Network)];
    format!("{stem}-{}-{scope}.{}", stats.month, format.extension())
}

/// Writes the file atomically (a temporary file beside it, then a rename), so a failed
/// export never leaves half a file or damages an older one.
pub fn write_file(stats: &MonthlyStats, options: &ExportOptions, path: &Path) -> Result<()> {
    crate::files::write_atomically(path, &render(stats, options)?)
}

/// The report's particulars, `(label, value)`, as the XLSX metadata sheet and the HTML
/// report show them (the month is in their titles).
fn particulars(stats: &MonthlyStats) -> Vec<(String, String)> {
    let w = |k: &str| super::labels::word(stats.lang, k);
    vec![
        (w("scope"), stats.scope_label.clone()),
        (w("partner"), stats.partner_name.clone()),
        (w("threshold"), stats.threshold.to_string()),
        (w("sensitive_threshold"), stats.sensitive_threshold.to_string()),
        (w("target"), stats.target_working_days.to_string()),
        (w("outcomes_as_of"), crate::dates::format_be(stats.as_of)),
        (w("generated_at"), stats.generated_at.clone()),
        (w("app_version"), stats.app_version.clone()),
    ]
}

/// The number as published: counts whole, days whole, percentages with one decimal.
fn number(unit: Unit, v: f64, decimal_comma: bool) -> String {
    let s = match unit {
        Unit::Count | Unit::WorkingDays => format!("{v:.0}"),
        Unit::Percent => format!("{v:.1}"),
    };
    if decimal_comma { s.replace('.', ",") } else { s }
}

/// The text of a cell in a text export.
fn cell_text(unit: Unit, cell: &StatCell, decimal_comma: bool) -> String {
    match (cell.value, cell.hidden) {
        (_, Some(_)) => HIDDEN_SYMBOL.to_owned(),
        (Some(v), None) => number(unit, v, decimal_comma),
        (None, None) => EMPTY_SYMBOL.to_owned(),
    }
}

/// The unit of one column (referral times mix days and a percentage).
fn column_unit(table: &super::StatTable, column: usize) -> Unit {
    match table.columns.get(column) {
        Some(c) if c.code == "share_within_target" => Unit::Percent,
        _ => table.unit,
    }
}

#[cfg(test)]
mod tests;
