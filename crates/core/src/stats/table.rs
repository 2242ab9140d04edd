//! The published shape of a statistics table, and the step from raw counts to it:
//! totals added, then every table of the report protected together (see `protect`).

use serde::Serialize;

use super::protect::{Problem, Suppression};

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Label {
    pub code: String,
    pub label: String,
    /// A total row or column.
    pub total: bool,
}

impl Label {
    pub fn new(code: impl Into<String>, label: impl Into<String>) -> Label {
        Label { code: code.into(), label: label.into(), total: false }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Count,
    WorkingDays,
    Percent,
}

/// Why a figure is not shown. Only the exporter's preview tells these apart; every
/// export shows one symbol, because knowing which hidden figure is the small one would
/// give it away.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Hidden {
    /// A count below the threshold.
    Primary,
    /// Hidden so that no small count can be worked out from the published ones.
    Secondary,
    /// A median or share over fewer cases than the threshold.
    SmallBase,
}

impl From<Suppression> for Hidden {
    fn from(s: Suppression) -> Hidden {
        match s {
            Suppression::Primary => Hidden::Primary,
            Suppression::Secondary => Hidden::Secondary,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StatCell {
    /// `None`: hidden (see `hidden`) or not applicable (nothing to measure).
    pub value: Option<f64>,
    pub hidden: Option<Hidden>,
}

impl StatCell {
    pub fn shown(value: f64) -> StatCell {
        StatCell { value: Some(value), hidden: None }
    }
    pub fn empty() -> StatCell {
        StatCell { value: None, hidden: None }
    }
    pub fn hidden(why: Hidden) -> StatCell {
        StatCell { value: None, hidden: Some(why) }
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct StatTable {
    /// Stable identifier (`cases_by_municipality`…), also the sheet name.
    pub id: String,
    pub title: String,
    pub note: Option<String>,
    pub row_header: String,
    pub unit: Unit,
    /// The threshold its counts were protected with.
    pub threshold: u32,
    pub rows: Vec<Label>,
    pub columns: Vec<Label>,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<StatCell>>,
}

/// A table of raw counts before totals and protection.
#[derive(Debug, Clone)]
pub struct CountTable {
    pub id: &'static str,
    pub title: String,
    pub note: Option<String>,
    pub row_header: String,
    pub rows: Vec<Label>,
    pub columns: Vec<Label>,
    /// `counts[row][column]`.
    pub counts: Vec<Vec<u64>>,
    /// Threshold per row (sensitive rows have the higher one).
    pub thresholds: Vec<u32>,
    /// The threshold of the totals row.
    pub total_threshold: u32,
    /// Add a total column (the columns add up to something meaningful).
    pub row_totals: bool,
    /// Add a total row.
    pub column_totals: bool,
    /// Tables with the same link share their total row (same columns, same population):
    /// one figure, protected once.
    pub link_totals: Option<&'static str>,
    /// Tables with the same link share only their grand total.
    pub link_grand_total: Option<&'static str>,
}

/// Adds totals, protects every table together, and returns the published tables.
pub fn protect_all(tables: Vec<CountTable>, total_label: &str) -> Vec<StatTable> {
    let mut problem = Problem::default();
    // Variable of every cell, totals included: `grids[t][row][column]`.
    let mut grids: Vec<Vec<Vec<usize>>> = Vec::with_capacity(tables.len());
    for t in &tables {
        let ncols = t.columns.len();
        let mut grid: Vec<Vec<usize>> = Vec::new();
        for (r, row) in t.counts.iter().enumerate() {
            let k = t.thresholds.get(r).copied().unwrap_or(t.total_threshold);
            let mut vars: Vec<usize> = row.iter().map(|&v| problem.var(None, v, k)).collect();
            if t.row_totals {
                let total = problem.var(None, row.iter().sum(), k);
                problem.equation(total, vars.clone());
                vars.push(total);
            }
            grid.push(vars);
        }
        if t.column_totals {
            let width = ncols + usize::from(t.row_totals);
            let mut bottom = Vec::with_capacity(width);
            for c in 0..width {
                let sum: u64 = grid.iter().map(|r| problem.value(r[c])).sum();
                let is_grand = t.row_totals && c == ncols;
                let key = match (t.link_totals, t.link_grand_total) {
                    (Some(link), _) => Some(format!(
                        "{link}:{}",
                        if is_grand { "total" } else { t.columns[c].code.as_str() }
                    )),
                    (None, Some(link)) if is_grand || !t.row_totals && ncols == 1 => {
                        Some(format!("{link}:total"))
                    }
                    _ => None,
                };
                let var = problem.var(key.as_deref(), sum, t.total_threshold);
                problem.equation(var, grid.iter().map(|r| r[c]).collect());
                bottom.push(var);
            }
            if t.row_totals
                && let (Some(&grand), Some(first)) = (bottom.last(), bottom.get(..ncols))
            {
                // The grand total is also the sum of the total row.
                problem.equation(grand, first.to_vec());
            }
            grid.push(bottom);
        }
        grids.push(grid);
    }
    let protected = problem.protect();

    tables
        .into_iter()
        .zip(grids)
        .map(|(t, grid)| {
            let mut rows = t.rows;
            let mut columns = t.columns;
            if t.row_totals {
                columns.push(Label { code: "total".into(), label: total_label.into(), total: true });
            }
            if t.column_totals {
                rows.push(Label { code: "total".into(), label: total_label.into(), total: true });
            }
            let cells = grid
                .iter()
                .map(|r| {
                    r.iter()
                        .map(|&v| match protected.suppressed(v) {
                            Some(s) => StatCell::hidden(s.into()),
                            None => StatCell::shown(problem.value(v) as f64),
                        })
                        .collect()
                })
                .collect();
            StatTable {
                id: t.id.to_owned(),
                title: t.title,
                note: t.note,
                row_header: t.row_header,
                unit: Unit::Count,
                threshold: t.thresholds.iter().copied().max().unwrap_or(t.total_threshold),
                rows,
                columns,
                cells,
            }
        })
        .collect()
}
