//! Every export read back: the same figures as the report, hidden ones as the symbol, no
//! value and no reason of a hidden figure anywhere in the file.

use calamine::{Data, Reader, Xlsx};

use super::*;
use crate::stats::{Hidden, Label, Lang, MonthlyStats, Scope, StatTable};

/// A small report with every kind of cell: shown, hidden (each reason), not applicable.
fn report(lang: Lang) -> MonthlyStats {
    let cell = |v: f64| StatCell::shown(v);
    let hidden = |h: Hidden| StatCell::hidden(h);
    let mut total = Label::new("total", "Totaal");
    total.total = true;
    MonthlyStats {
        month: "2026-10".into(),
        first_day: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).expect("date"),
        last_day: chrono::NaiveDate::from_ymd_opt(2026, 10, 31).expect("date"),
        scope: Scope::Network,
        scope_label: "Heel het netwerk".into(),
        partner_name: "OCMW Jette".into(),
        threshold: 5,
        sensitive_threshold: 10,
        target_working_days: 5,
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("date"),
        generated_at: "2026-11-25 10:00".into(),
        app_version: "0.1.0".into(),
        lang,
        tables: vec![
            StatTable {
                id: "cases_by_municipality".into(),
                title: "Dossiers naar gemeente".into(),
                note: None,
                row_header: "Gemeente".into(),
                unit: Unit::Count,
                threshold: 5,
                rows: vec![Label::new("21010", "Jette"), Label::new("21011", "Koekelberg"), total.clone()],
                columns: vec![Label::new("new", "Nieuw"), Label::new("continuing", "Lopend"), total],
                cells: vec![
                    vec![hidden(Hidden::Secondary), hidden(Hidden::Secondary), cell(19.0)],
                    vec![hidden(Hidden::Primary), cell(0.0), hidden(Hidden::Primary)],
                    vec![cell(15.0), cell(7.0), cell(22.0)],
                ],
            },
            StatTable {
                id: "referral_times".into(),
                title: "Doorverwijstijden".into(),
                note: Some("Doel: 5".into()),
                row_header: "Warm of koud".into(),
                unit: Unit::WorkingDays,
                threshold: 5,
                rows: vec![Label::new("warm", "Warm"), Label::new("cold", "Koud")],
                columns: vec![
                    Label::new("median_to_acceptance", "Mediaan"),
                    Label::new("share_within_target", "%"),
                ],
                cells: vec![vec![cell(3.0), cell(62.5)], vec![hidden(Hidden::SmallBase), StatCell::empty()]],
            },
        ],
        legend: "x = vertrouwelijk".into(),
        definitions: vec![crate::stats::Definition {
            topic: "Dossiers".into(),
            text: "Nieuw: geopend in de maand.".into(),
        }],
        hidden_primary: 2,
        hidden_secondary: 2,
        hidden_small_base: 1,
    }
}

#[test]
fn csv_for_belgian_excel_has_semicolons_decimal_commas_and_x_for_hidden() {
    let bytes = render(&report(Lang::Nl), &ExportOptions::new(Format::Csv)).expect("csv");
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.starts_with('\u{feff}'), "BOM for Excel");
    let mut rd = ::csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let rows: Vec<::csv::StringRecord> = rd.records().collect::<std::result::Result<_, _>>().expect("parse");
    // 3×3 + 2×2 cells, one line each.
    assert_eq!(rows.len(), 13);
    let value = |table: &str, row: &str, col: &str| {
        rows.iter()
            .find(|r| &r[3] == table && &r[5] == row && &r[7] == col)
            .map(|r| r[8].to_owned())
            .unwrap_or_else(|| panic!("{table} {row} {col}"))
    };
    assert_eq!(value("cases_by_municipality", "21011", "new"), "x");
    assert_eq!(value("cases_by_municipality", "21010", "total"), "19");
    assert_eq!(value("cases_by_municipality", "21011", "continuing"), "0");
    assert_eq!(value("referral_times", "warm", "share_within_target"), "62,5");
    assert_eq!(value("referral_times", "cold", "median_to_acceptance"), "x");
    assert_eq!(value("referral_times", "cold", "share_within_target"), "–");
    // Plain CSV: commas and a decimal point.
    let plain =
        render(&report(Lang::En), &ExportOptions { format: Format::Csv, belgian_csv: false }).expect("csv");
    let plain = String::from_utf8(plain).expect("utf-8");
    assert!(plain.contains(",62.5\n") || plain.contains(",62.5\r\n"), "{plain}");
    // Never the reason of a hidden figure.
    for t in [&text, &plain] {
        assert!(!t.contains("primary") && !t.contains("secondary") && !t.contains("small_base"));
    }
}

#[test]
fn xlsx_reads_back_with_a_metadata_sheet_and_one_sheet_per_table() {
    let stats = report(Lang::Fr);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(file_name(&stats, Format::Xlsx));
    write_file(&stats, &ExportOptions::new(Format::Xlsx), &path).expect("write");
    assert_eq!(path.file_name().and_then(|n| n.to_str()), Some("schakel-statistiques-2026-10-reseau.xlsx"));
    assert!(!dir.path().join("schakel-statistiques-2026-10-reseau.xlsx.part").exists());

    let mut book: Xlsx<_> = calamine::open_workbook(&path).expect("open");
    assert_eq!(book.sheet_names(), vec!["metadata", "cases_by_municipality", "referral_times"]);
    let meta = book.worksheet_range("metadata").expect("metadata");
    let find = |label: &str| {
        meta.rows()
            .find(|r| r.first().is_some_and(|c| *c == label))
            .and_then(|r| r.get(1).map(ToString::to_string))
    };
    assert_eq!(find("Mois").as_deref(), Some("2026-10"));
    assert_eq!(find("Seuil").as_deref(), Some("5"));
    assert_eq!(find("Seuil des tableaux sensibles").as_deref(), Some("10"));
    assert_eq!(find("Produit le").as_deref(), Some("2026-11-25 10:00"));

    // Every cell of every table as written, compared with the report.
    for t in &stats.tables {
        let sheet = book.worksheet_range(&t.id).expect("sheet");
        let rows: Vec<&[Data]> = sheet.rows().collect();
        let header = rows
            .iter()
            .position(|r| r.first().is_some_and(|c| c.to_string() == t.row_header))
            .expect("header");
        for (i, label) in t.rows.iter().enumerate() {
            let row = rows[header + 1 + i];
            assert_eq!(row[0].to_string(), label.label);
            for (c, cell) in t.cells[i].iter().enumerate() {
                let got = &row[c + 1];
                match (cell.value, cell.hidden) {
                    (_, Some(_)) => assert_eq!(got, &Data::String("x".into()), "{} [{i}][{c}]", t.id),
                    (Some(v), None) => assert_eq!(got, &Data::Float(v), "{} [{i}][{c}]", t.id),
                    (None, None) => assert_eq!(got, &Data::String("–".into())),
                }
            }
        }
    }
}

#[test]
fn json_has_nulls_for_hidden_figures_and_integers_for_counts() {
    let bytes = render(&report(Lang::En), &ExportOptions::new(Format::Json)).expect("json");
    let doc: serde_json::Value = serde_json::from_slice(&bytes).expect("parse");
    assert_eq!(doc["month"], "2026-10");
    assert_eq!(doc["threshold"], 5);
    let cells = &doc["tables"][0]["cells"];
    assert_eq!(cells[0][2]["value"], 19);
    assert!(cells[0][2]["value"].is_u64());
    assert_eq!(cells[1][0], serde_json::json!({"value": null, "hidden": true}));
    assert_eq!(doc["tables"][1]["cells"][0][1]["value"], 62.5);
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(!text.contains("primary") && !text.contains("secondary") && !text.contains("small_base"));
}

#[test]
fn html_report_is_self_contained_and_escapes_text() {
    let mut stats = report(Lang::Nl);
    stats.partner_name = "OCMW <Jette> & co".into();
    let html =
        String::from_utf8(render(&stats, &ExportOptions::new(Format::Html)).expect("html")).expect("utf-8");
    assert!(html.contains("OCMW &lt;Jette&gt; &amp; co"));
    assert!(!html.contains("<script"));
    assert!(!html.contains("src=\"http"));
    assert!(html.contains("data-table-id=\"cases_by_municipality\""));
    assert!(html.contains("<td class=\"x\">x</td>"));
    assert!(html.contains("<svg"), "a chart of the municipality table");
    assert!(html.contains("62,5"));
}

#[test]
fn pdf_is_refused_with_a_way_out_and_a_failed_write_leaves_nothing() {
    match Format::parse("format", "pdf") {
        Err(crate::Error::Validation { reason, .. }) => assert!(reason.contains("html")),
        other => panic!("{other:?}"),
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("missing-dir").join("out.csv");
    assert!(matches!(
        write_file(&report(Lang::Nl), &ExportOptions::new(Format::Csv), &path),
        Err(crate::Error::Io(_))
    ));
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 0);
}
