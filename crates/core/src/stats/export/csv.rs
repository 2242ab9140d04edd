//! One CSV file in long form: a line per published cell, so every table fits one sheet
//! and a pivot table rebuilds any of them. UTF-8 with a byte-order mark, which Excel
//! needs to read accents.

use super::{cell_text, column_unit};
use crate::error::{Error, Result};
use crate::stats::MonthlyStats;
use crate::stats::labels::word;

pub fn render(stats: &MonthlyStats, belgian: bool) -> Result<Vec<u8>> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w =
            ::csv::WriterBuilder::new().delimiter(if belgian { b';' } else { b',' }).from_writer(&mut out);
        let lang = stats.lang;
        let header =
            ["month", "scope", "table", "table_id", "row", "row_code", "column", "column_code", "value"];
        let translated: Vec<String> = header
            .iter()
            .map(|h| match *h {
                "table_id" | "row_code" | "column_code" => (*h).to_owned(),
                other => word(lang, other),
            })
            .collect();
        w.write_record(&translated).map_err(csv_error)?;
        for t in &stats.tables {
            for (r, row) in t.rows.iter().enumerate() {
                for (c, col) in t.columns.iter().enumerate() {
                    let Some(cell) = t.cells.get(r).and_then(|cells| cells.get(c)) else { continue };
                    let value = cell_text(column_unit(t, c), cell, belgian);
                    w.write_record([
                        stats.month.as_str(),
                        stats.scope_label.as_str(),
                        t.title.as_str(),
                        t.id.as_str(),
                        row.label.as_str(),
                        row.code.as_str(),
                        col.label.as_str(),
                        col.code.as_str(),
                        value.as_str(),
                    ])
                    .map_err(csv_error)?;
                }
            }
        }
        w.flush()?;
    }
    Ok(out)
}

#[allow(clippy::needless_pass_by_value)] // the shape map_err hands over
fn csv_error(e: ::csv::Error) -> Error {
    Error::Io(std::io::Error::other(e.to_string()))
}
