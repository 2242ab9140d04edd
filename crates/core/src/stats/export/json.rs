//! JSON for other programs: the report's metadata and tables, hidden figures as `null`
//! with `"hidden": true` (never the reason: that would tell the small ones apart).

use serde_json::{Map, Value, json};

use super::column_unit;
use crate::error::{Error, Result};
use crate::stats::{MonthlyStats, Unit};

pub fn render(stats: &MonthlyStats) -> Result<Vec<u8>> {
    let tables: Vec<Value> = stats
        .tables
        .iter()
        .map(|t| {
            let cells: Vec<Value> = t
                .cells
                .iter()
                .map(|row| {
                    Value::Array(
                        row.iter()
                            .enumerate()
                            .map(|(c, cell)| match (cell.value, cell.hidden) {
                                (_, Some(_)) => json!({"value": null, "hidden": true}),
                                (None, None) => json!({"value": null}),
                                (Some(v), None) => match column_unit(t, c) {
                                    Unit::Count | Unit::WorkingDays => json!({"value": v.round() as i64}),
                                    Unit::Percent => json!({"value": v}),
                                },
                            })
                            .collect(),
                    )
                })
                .collect();
            let mut m = Map::new();
            m.insert("id".into(), json!(t.id));
            m.insert("title".into(), json!(t.title));
            m.insert("note".into(), json!(t.note));
            m.insert("rowHeader".into(), json!(t.row_header));
            m.insert("unit".into(), json!(t.unit));
            m.insert("threshold".into(), json!(t.threshold));
            m.insert("rows".into(), json!(t.rows));
            m.insert("columns".into(), json!(t.columns));
            m.insert("cells".into(), Value::Array(cells));
            Value::Object(m)
        })
        .collect();
    let doc = json!({
        "format": "schakel-monthly-statistics",
        "formatVersion": 1,
        "month": stats.month,
        "firstDay": stats.first_day,
        "lastDay": stats.last_day,
        "scope": stats.scope,
        "scopeLabel": stats.scope_label,
        "partner": stats.partner_name,
        "threshold": stats.threshold,
        "sensitiveThreshold": stats.sensitive_threshold,
        "targetWorkingDays": stats.target_working_days,
        "outcomesAsOf": stats.as_of,
        "generatedAt": stats.generated_at,
        "appVersion": stats.app_version,
        "lang": stats.lang,
        "legend": stats.legend,
        "definitions": stats.definitions,
        "tables": tables,
    });
    serde_json::to_vec_pretty(&doc).map_err(|e| Error::Io(std::io::Error::other(e.to_string())))
}
