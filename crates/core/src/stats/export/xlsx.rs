//! An Excel workbook: a metadata sheet (month, scope, thresholds, when, version,
//! definitions, legend), then one sheet per table. Published figures are numbers, hidden
//! ones the text `x` on a grey ground.

use rust_xlsxwriter::{Color, DocProperties, Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{EMPTY_SYMBOL, HIDDEN_SYMBOL, column_unit};
use crate::error::{Error, Result};
use crate::stats::labels::word;
use crate::stats::{MonthlyStats, Unit};

/// The name of the metadata sheet.
pub const META_SHEET: &str = "metadata";

pub fn render(stats: &MonthlyStats) -> Result<Vec<u8>> {
    build(stats).map_err(|e| Error::Io(std::io::Error::other(format!("xlsx: {e}"))))
}

fn build(stats: &MonthlyStats) -> Result<Vec<u8>, XlsxError> {
    let lang = stats.lang;
    let w = |k: &str| word(lang, k);
    let mut book = Workbook::new();
    book.set_properties(
        &DocProperties::new()
            .set_title(format!("{} {}", w("monthly_statistics"), stats.month))
            .set_author("Schakel"),
    );
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new().set_text_wrap();
    let head = Format::new().set_bold().set_background_color(Color::RGB(0xE8EEF4)).set_text_wrap();
    let total = Format::new().set_bold().set_border_top(FormatBorder::Thin);
    let hidden = Format::new()
        .set_background_color(Color::RGB(0xDDDDDD))
        .set_align(rust_xlsxwriter::FormatAlign::Center);
    let pct = Format::new().set_num_format("0.0");
    let pct_total = total.clone().set_num_format("0.0");

    {
        let sheet = book.add_worksheet();
        sheet.set_name(META_SHEET)?;
        sheet.set_column_width(0, 34)?;
        sheet.set_column_width(1, 90)?;
        sheet.write_string_with_format(0, 0, format!("Schakel — {}", w("monthly_statistics")), &title)?;
        let mut rows = vec![(w("month"), stats.month.clone())];
        rows.extend(super::particulars(stats));
        let mut r = 2u32;
        for (k, v) in rows {
            sheet.write_string_with_format(r, 0, k, &bold)?;
            sheet.write_string(r, 1, v)?;
            r += 1;
        }
        r += 1;
        sheet.write_string_with_format(r, 0, format!("{HIDDEN_SYMBOL} / {EMPTY_SYMBOL}"), &bold)?;
        sheet.write_string_with_format(r, 1, stats.legend.as_str(), &wrap)?;
        r += 2;
        sheet.write_string_with_format(r, 0, w("definitions"), &title)?;
        r += 1;
        for d in &stats.definitions {
            sheet.write_string_with_format(r, 0, d.topic.as_str(), &bold)?;
            sheet.write_string_with_format(r, 1, d.text.as_str(), &wrap)?;
            r += 1;
        }
        r += 1;
        sheet.write_string_with_format(r, 0, w("table"), &title)?;
        r += 1;
        for t in &stats.tables {
            sheet.write_string(r, 0, t.id.as_str())?;
            sheet.write_string(r, 1, t.title.as_str())?;
            r += 1;
        }
    }

    for t in &stats.tables {
        let sheet: &mut Worksheet = book.add_worksheet();
        sheet.set_name(t.id.as_str())?;
        sheet.write_string_with_format(0, 0, t.title.as_str(), &title)?;
        let mut r = 1u32;
        if let Some(note) = &t.note {
            sheet.write_string(r, 0, note.as_str())?;
            r += 1;
        }
        r += 1;
        let header_row = r;
        sheet.set_column_width(0, 34)?;
        sheet.write_string_with_format(r, 0, t.row_header.as_str(), &head)?;
        for (c, col) in t.columns.iter().enumerate() {
            let c = col_index(c + 1)?;
            sheet.set_column_width(c, 16)?;
            sheet.write_string_with_format(r, c, col.label.as_str(), &head)?;
        }
        for (i, row) in t.rows.iter().enumerate() {
            r += 1;
            let is_total = row.total;
            if is_total {
                sheet.write_string_with_format(r, 0, row.label.as_str(), &total)?;
            } else {
                sheet.write_string(r, 0, row.label.as_str())?;
            }
            for (c, cell) in t.cells.get(i).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate() {
                let col = col_index(c + 1)?;
                let strong = is_total || t.columns.get(c).is_some_and(|l| l.total);
                let unit = column_unit(t, c);
                match (cell.value, cell.hidden) {
                    (_, Some(_)) => {
                        sheet.write_string_with_format(r, col, HIDDEN_SYMBOL, &hidden)?;
                    }
                    (None, None) => {
                        sheet.write_string(r, col, EMPTY_SYMBOL)?;
                    }
                    (Some(v), None) => {
                        let f = match (unit, strong) {
                            (Unit::Percent, true) => &pct_total,
                            (Unit::Percent, false) => &pct,
                            (_, true) => &total,
                            (_, false) => &Format::new(),
                        };
                        sheet.write_number_with_format(r, col, v, f)?;
                    }
                }
            }
        }
        sheet.set_freeze_panes(header_row + 1, 1)?;
        r += 2;
        sheet.write_string(r, 0, stats.legend.as_str())?;
    }
    book.save_to_buffer()
}

fn col_index(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::ParameterError("too many columns".into()))
}
