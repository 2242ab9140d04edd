//! A print-ready HTML report (A4, no scripts, no outside resources): the metadata, a few
//! charts drawn as inline SVG from published figures only, every table, the legend and
//! the definitions. Print it to PDF from any browser.

use std::fmt::Write;

use super::{cell_text, column_unit};
use crate::stats::labels::word;
use crate::stats::{MonthlyStats, StatTable};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "
@page { size: A4; margin: 16mm 14mm; }
body { font-family: 'Segoe UI', 'Noto Sans', Arial, sans-serif; font-size: 10pt; color: #1d2733; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 18pt; margin: 0 0 4pt; }
h2 { font-size: 12pt; margin: 18pt 0 4pt; break-after: avoid; }
p.note { color: #4a5868; margin: 0 0 4pt; font-size: 9pt; }
table { border-collapse: collapse; margin: 2pt 0 8pt; break-inside: avoid; font-size: 9pt; }
th, td { border: 1px solid #c9d2dc; padding: 2pt 6pt; }
th { background: #e8eef4; text-align: left; vertical-align: bottom; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.x { text-align: center; background: #dddddd; font-weight: 600; }
tr.total td, tr.total th, td.total { font-weight: 700; }
tr.total td, tr.total th { border-top: 2px solid #1d2733; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2pt 12pt; margin: 8pt 0; }
dl.meta dt { font-weight: 600; }
dl.meta dd { margin: 0; }
.legend { border: 1px solid #c9d2dc; background: #f6f8fa; padding: 4pt 8pt; margin: 8pt 0; }
figure { margin: 8pt 0; break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: 2pt; }
";

pub fn render(stats: &MonthlyStats) -> String {
    let lang = stats.lang;
    let w = |k: &str| word(lang, k);
    let mut h = String::new();
    let lang_code = match lang {
        crate::stats::Lang::Nl => "nl",
        crate::stats::Lang::Fr => "fr",
        crate::stats::Lang::En => "en",
    };
    let title = format!("{} {}", w("monthly_statistics"), stats.month);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"{lang_code}\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        esc(&title),
        esc(&title)
    );
    let meta = super::particulars(stats);
    h.push_str("<dl class=\"meta\">");
    for (k, v) in meta {
        let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", esc(&k), esc(&v));
    }
    h.push_str("</dl>\n");
    let _ = writeln!(h, "<p class=\"legend\">{}</p>", esc(&stats.legend));

    for id in ["cases_by_municipality", "referrals_outcome", "cases_by_life_domain"] {
        if let Some(t) = stats.tables.iter().find(|t| t.id == id) {
            h.push_str(&bar_chart(t));
        }
    }
    for t in &stats.tables {
        h.push_str(&table(t));
    }
    let _ = writeln!(h, "<h2>{}</h2><dl class=\"meta\">", esc(&w("definitions")));
    for d in &stats.definitions {
        let _ = write!(h, "<dt>{}</dt><dd>{}</dd>", esc(&d.topic), esc(&d.text));
    }
    h.push_str("</dl>\n</body></html>\n");
    h
}

fn table(t: &StatTable) -> String {
    let mut h = String::new();
    let _ = writeln!(h, "<h2 id=\"{}\">{}</h2>", esc(&t.id), esc(&t.title));
    if let Some(note) = &t.note {
        let _ = writeln!(h, "<p class=\"note\">{}</p>", esc(note));
    }
    let _ = write!(h, "<table data-table-id=\"{}\"><thead><tr><th>{}</th>", esc(&t.id), esc(&t.row_header));
    for c in &t.columns {
        let _ = write!(h, "<th>{}</th>", esc(&c.label));
    }
    h.push_str("</tr></thead><tbody>\n");
    for (r, row) in t.rows.iter().enumerate() {
        let _ =
            write!(h, "<tr{}><th>{}</th>", if row.total { " class=\"total\"" } else { "" }, esc(&row.label));
        for (c, cell) in t.cells.get(r).map(Vec::as_slice).unwrap_or(&[]).iter().enumerate() {
            let text = cell_text(column_unit(t, c), cell, true);
            let total = t.columns.get(c).is_some_and(|l| l.total);
            let class = match (cell.hidden.is_some(), total) {
                (true, _) => "x",
                (false, true) => "n total",
                (false, false) => "n",
            };
            let _ = write!(h, "<td class=\"{class}\">{}</td>", esc(&text));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</tbody></table>\n");
    h
}

/// Horizontal bars of the last column (the total, or the only one) of each row; hidden
/// figures get no bar, only the symbol.
fn bar_chart(t: &StatTable) -> String {
    let Some(last) = t.columns.len().checked_sub(1) else { return String::new() };
    let bars: Vec<(&str, Option<f64>)> = t
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.total)
        .map(|(i, r)| {
            let cell = t.cells.get(i).and_then(|c| c.get(last));
            (r.label.as_str(), cell.and_then(|c| if c.hidden.is_some() { None } else { c.value }))
        })
        .collect();
    let max = bars.iter().filter_map(|(_, v)| *v).fold(0.0f64, f64::max);
    if bars.is_empty() || max <= 0.0 {
        return String::new();
    }
    let (label_w, bar_w, row_h) = (190.0, 420.0, 16.0);
    let height = row_h * bars.len() as f64 + 4.0;
    let mut s = String::new();
    let _ = write!(
        s,
        "<figure><figcaption>{} — {}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{height}\" font-size=\"9\" role=\"img\">",
        esc(&t.title),
        esc(&t.columns[last].label),
        label_w + bar_w + 50.0
    );
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = i as f64 * row_h + 2.0;
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
            label_w - 6.0,
            y + 11.0,
            esc(label)
        );
        match value {
            Some(v) => {
                let width = (v / max * bar_w).max(0.5);
                let _ = write!(
                    s,
                    "<rect x=\"{label_w}\" y=\"{y}\" width=\"{width:.1}\" height=\"{}\" fill=\"#3b6ea5\"/><text x=\"{:.1}\" y=\"{}\">{v:.0}</text>",
                    row_h - 4.0,
                    label_w + width + 4.0,
                    y + 11.0
                );
            }
            None => {
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" fill=\"#6b7785\">{}</text>",
                    label_w + 4.0,
                    y + 11.0,
                    super::HIDDEN_SYMBOL
                );
            }
        }
    }
    s.push_str("</svg></figure>\n");
    s
}
