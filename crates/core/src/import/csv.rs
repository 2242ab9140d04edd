//! The registration sheet (CSV): one row per case. Maps the header's column names (Dutch
//! or English) to columns, detects the separator, resolves coded values and turns each
//! row into a [`NewCase`].

use std::borrow::Cow;

use chrono::NaiveDate;

use super::{
    ImportSummary, PROGRESS_EVERY, Problems, RowError, bump, classify, conclude, decode, fast_then_careful,
    retry_row_by_row, to_u64, with_import_cache,
};
use crate::cases::{Gender, Interpreter, MAX_NOTE_CHARS, NewCase};
use crate::dates;
use crate::error::{Error, ImportProblem, Result};
use crate::reference::{Vocab, Vocabularies};
use crate::store::{Store, Writer};

/// The columns of a registration sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    OpenedOn,
    EntryRoute,
    Municipality,
    AgeBand,
    HouseholdType,
    LifeDomains,
    Gender,
    ContactLanguage,
    Interpreter,
    ResidenceStatus,
    Project,
    Status,
    ClosedOn,
    Code,
    Note,
}

/// (column, English name, Dutch name, required). The English name is also the field name
/// the domain uses in its validation errors.
const CSV_COLUMNS: [(Col, &str, &str, bool); 15] = [
    (Col::OpenedOn, "opened_on", "geopend_op", true),
    (Col::EntryRoute, "entry_route", "instroom", true),
    (Col::Municipality, "municipality", "gemeente", true),
    (Col::AgeBand, "age_band", "leeftijd", true),
    (Col::HouseholdType, "household_type", "gezinsvorm", true),
    (Col::LifeDomains, "life_domains", "levensdomeinen", false),
    (Col::Gender, "gender", "geslacht", false),
    (Col::ContactLanguage, "contact_language", "contacttaal", false),
    (Col::Interpreter, "interpreter", "tolk", false),
    (Col::ResidenceStatus, "residence_status", "verblijfsstatus", false),
    (Col::Project, "project", "project", false),
    (Col::Status, "status", "status", false),
    (Col::ClosedOn, "closed_on", "afgesloten_op", false),
    (Col::Code, "code", "code", false),
    (Col::Note, "note", "notitie", false),
];

/// Where each known column is, and how the file spells its name.
struct Header {
    pos: [Option<usize>; CSV_COLUMNS.len()],
    label: [String; CSV_COLUMNS.len()],
    /// Columns with an empty header cell (spreadsheets export trailing empty columns).
    unnamed: Vec<usize>,
}

impl Header {
    fn get<'r>(&self, rec: &'r csv::StringRecord, col: Col) -> Option<&'r str> {
        self.pos[col as usize].and_then(|i| rec.get(i)).map(str::trim).filter(|s| !s.is_empty())
    }

    fn label(&self, col: Col) -> &str {
        &self.label[col as usize]
    }

    /// The column name as the file spells it, for a field name of a domain error.
    fn field_label(&self, field: &str) -> String {
        let field = if field == "body" { "note" } else { field };
        CSV_COLUMNS
            .iter()
            .find(|c| c.1 == field)
            .map_or_else(|| field.to_owned(), |c| self.label(c.0).to_owned())
    }
}

fn normalize_header(s: &str) -> String {
    s.trim().to_lowercase().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c }).collect()
}

fn parse_header(rec: &csv::StringRecord) -> std::result::Result<Header, String> {
    let mut h = Header {
        pos: [None; CSV_COLUMNS.len()],
        label: std::array::from_fn(|i| CSV_COLUMNS[i].1.to_owned()),
        unnamed: Vec::new(),
    };
    let mut unknown = Vec::new();
    let mut twice = Vec::new();
    for (i, cell) in rec.iter().enumerate() {
        let name = normalize_header(cell);
        if name.is_empty() {
            h.unnamed.push(i);
            continue;
        }
        match CSV_COLUMNS.iter().find(|c| c.1 == name || c.2 == name) {
            Some(&(col, ..)) => {
                if h.pos[col as usize].is_some() {
                    twice.push(format!("'{}'", cell.trim()));
                } else {
                    h.pos[col as usize] = Some(i);
                    h.label[col as usize] = cell.trim().to_owned();
                }
            }
            None => unknown.push(format!("'{}'", cell.trim())),
        }
    }
    let missing: Vec<String> = CSV_COLUMNS
        .iter()
        .filter(|c| c.3 && h.pos[c.0 as usize].is_none())
        .map(|c| format!("{} ({})", c.2, c.1))
        .collect();
    let mut reasons = Vec::new();
    if !unknown.is_empty() {
        reasons.push(format!(
            "unknown column(s) {}; see docs/import.md for the column names",
            unknown.join(", ")
        ));
    }
    if !twice.is_empty() {
        reasons.push(format!("column(s) given twice: {}", twice.join(", ")));
    }
    if !missing.is_empty() {
        reasons.push(format!("missing required column(s): {}", missing.join(", ")));
    }
    if reasons.is_empty() { Ok(h) } else { Err(reasons.join("; ")) }
}

/// The separator, from Excel's `sep=` line or else the most frequent of `;`, `,` and tab
/// outside quotes in the header line. Returns the separator and the text to parse (with a
/// `sep=` line blanked, which keeps the line numbers).
pub(super) fn detect_separator(text: &str) -> (u8, Cow<'_, str>) {
    let first_line = |t: &str| -> (usize, usize) {
        // (start, end) of the first non-blank line.
        let mut start = 0;
        for line in t.split_inclusive('\n') {
            if !line.trim().is_empty() {
                return (start, start + line.trim_end_matches(['\r', '\n']).len());
            }
            start += line.len();
        }
        (start, start)
    };
    let (s, e) = first_line(text);
    let line = &text[s..e];
    if let Some(sep) = line.trim().strip_prefix("sep=").or_else(|| line.trim().strip_prefix("SEP="))
        && let [b] = sep.as_bytes()
    {
        let mut blanked = String::with_capacity(text.len());
        blanked.push_str(&text[..s]);
        blanked.push_str(&text[e..]);
        return (*b, Cow::Owned(blanked));
    }
    let (mut semi, mut comma, mut tab) = (0, 0, 0);
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => semi += 1,
            ',' if !quoted => comma += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    let sep = if tab > semi && tab > comma {
        b'\t'
    } else if semi >= comma && semi > 0 {
        b';'
    } else {
        b','
    };
    (sep, Cow::Borrowed(text))
}

fn record_line(rec: &csv::StringRecord) -> usize {
    rec.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX))
}

fn is_blank(rec: &csv::StringRecord) -> bool {
    rec.iter().all(|c| c.trim().is_empty())
}

/// Imports a registration sheet: one row per case. See `docs/import.md`.
pub fn import_csv(
    store: &mut Store,
    data: &[u8],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportSummary> {
    let total = to_u64(data.len());
    let text = decode(data)?;
    let (sep, text) = detect_separator(text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = loop {
        match records.next() {
            None => return Err(Error::validation("file", "the file is empty")),
            Some(Err(e)) => {
                let line = e.position().map_or(1, |p| usize::try_from(p.line()).unwrap_or(1));
                return Err(Error::Import(vec![ImportProblem {
                    line,
                    reason: format!("cannot read the header: {e}"),
                }]));
            }
            Some(Ok(r)) if is_blank(&r) => {}
            Some(Ok(r)) => break r,
        }
    };
    let header_line = record_line(&header);
    let columns = parse_header(&header)
        .map_err(|reason| Error::Import(vec![ImportProblem { line: header_line, reason }]))?;
    progress(0, total);
    // Read once: a file with a bad row is gone through twice (see `fast_then_careful`).
    let records: Vec<csv::Result<csv::StringRecord>> = records.collect();
    let summary = with_import_cache(store, |store| {
        fast_then_careful(|careful| {
            store.write(|w| {
                w.audit_each = false; // one audit entry for the whole import, below
                // Records kept elsewhere before: second-level warnings are not asked row by row.
                w.warnings = crate::privacy::WarningPolicy::Accept;
                w.row_savepoints = careful;
                let mut summary = ImportSummary { format: "csv", ..ImportSummary::default() };
                let mut problems = Problems::default();
                for rec in &records {
                    let rec = match rec {
                        Ok(r) => r,
                        Err(e) => {
                            let line = e.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                            summary.rows += 1;
                            if !careful {
                                return Err(retry_row_by_row());
                            }
                            problems.push(line, format!("cannot read this row: {e}"));
                            continue;
                        }
                    };
                    if is_blank(rec) {
                        continue;
                    }
                    summary.rows += 1;
                    match csv_row(w, &columns, rec) {
                        Ok(notes) => {
                            bump(&mut summary, "case", 1);
                            bump(&mut summary, "note", notes);
                        }
                        Err(RowError::Problem(_)) if !careful => return Err(retry_row_by_row()),
                        Err(RowError::Problem(reason)) => problems.push(record_line(rec), reason),
                        Err(RowError::Fatal(e)) => return Err(e),
                    }
                    if summary.rows.is_multiple_of(PROGRESS_EVERY) {
                        let done = rec.position().map_or(0, csv::Position::byte);
                        progress(done.min(total), total);
                    }
                }
                w.audit_summary(
                    crate::audit::AuditAction::Import,
                    serde_json::json!({"format": "csv", "rows": summary.rows}),
                )?;
                conclude(summary, problems, "rows")
            })
        })
    })?;
    progress(total, total);
    Ok(summary)
}

/// A coded value: a code or a name in Dutch, French or English. Also forgives a hyphen
/// for an en dash ("18-24 jaar") and spaces or hyphens for underscores in a code
/// ("single parent", "18-24").
fn resolve(v: &Vocabularies, vocab: Vocab, field: &str, typed: &str) -> std::result::Result<String, String> {
    match v.resolve(vocab, field, typed) {
        Ok(code) => Ok(code),
        Err(first) => {
            let dashed = typed.replace('-', "\u{2013}");
            let as_code: String = typed
                .trim()
                .to_lowercase()
                .chars()
                .map(|c| if matches!(c, ' ' | '-' | '\u{2013}') { '_' } else { c })
                .collect();
            v.resolve(vocab, field, &dashed)
                .or_else(|_| v.resolve(vocab, field, &as_code))
                .map_err(|_| first.to_string())
        }
    }
}

fn parse_gender(s: &str) -> Option<Gender> {
    match s.trim().to_lowercase().as_str() {
        "f" | "v" | "vrouw" | "female" | "woman" | "vrouwelijk" | "femme" => Some(Gender::F),
        "m" | "man" | "male" | "mannelijk" | "homme" => Some(Gender::M),
        "x" | "ander" | "andere" | "anders" | "other" | "autre" => Some(Gender::X),
        _ => None,
    }
}

fn parse_interpreter(s: &str) -> Option<Interpreter> {
    let s: String =
        s.trim().to_lowercase().chars().map(|c| if c == ' ' || c == '-' { '_' } else { c }).collect();
    match s.as_str() {
        "not_needed" | "niet_nodig" | "pas_nécessaire" | "nee" | "no" | "non" => {
            Some(Interpreter::NotNeeded)
        }
        "needed" | "nodig" | "nécessaire" => Some(Interpreter::Needed),
        "used" | "gebruikt" | "utilisé" => Some(Interpreter::Used),
        _ => None,
    }
}

/// `Some(true)` for closed, `Some(false)` for open.
fn parse_status(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "open" | "ouvert" | "lopend" => Some(false),
        "closed" | "afgesloten" | "gesloten" | "fermé" | "clôturé" => Some(true),
        _ => None,
    }
}

/// Checks one row and, if it is good, writes its case (and note) in a savepoint.
/// Returns the number of notes written.
fn csv_row(w: &mut Writer<'_>, h: &Header, rec: &csv::StringRecord) -> std::result::Result<usize, RowError> {
    let mut errs: Vec<String> = Vec::new();
    let v = w.vocab;
    for &i in &h.unnamed {
        if rec.get(i).is_some_and(|c| !c.trim().is_empty()) {
            errs.push(format!("column {} has a value but no name in the header", i + 1));
        }
    }
    let width = h.pos.iter().flatten().chain(&h.unnamed).max().map_or(0, |m| m + 1);
    if rec.iter().skip(width).any(|c| !c.trim().is_empty()) {
        errs.push(format!("more cells than the header has columns ({} instead of {width})", rec.len()));
    }
    let mut required = |col: Col| -> Option<&str> {
        let val = h.get(rec, col);
        if val.is_none() {
            errs.push(format!("{}: required", h.label(col)));
        }
        val
    };
    let opened = required(Col::OpenedOn);
    let entry = required(Col::EntryRoute);
    let muni = required(Col::Municipality);
    let age = required(Col::AgeBand);
    let household = required(Col::HouseholdType);

    let mut coded = |col: Col, vocab: Vocab, typed: Option<&str>| -> String {
        match typed.map(|t| resolve(v, vocab, h.label(col), t)) {
            Some(Ok(code)) => code,
            Some(Err(e)) => {
                errs.push(e);
                String::new()
            }
            None => String::new(),
        }
    };
    let entry_route = coded(Col::EntryRoute, Vocab::EntryRoute, entry);
    let municipality = coded(Col::Municipality, Vocab::Municipality, muni);
    let age_band = coded(Col::AgeBand, Vocab::AgeBand, age);
    let household_type = coded(Col::HouseholdType, Vocab::HouseholdType, household);
    let contact_language =
        h.get(rec, Col::ContactLanguage).map(|t| coded(Col::ContactLanguage, Vocab::Language, Some(t)));
    let residence_status = h
        .get(rec, Col::ResidenceStatus)
        .map(|t| coded(Col::ResidenceStatus, Vocab::ResidenceStatus, Some(t)));
    let mut life_domains = Vec::new();
    if let Some(cell) = h.get(rec, Col::LifeDomains) {
        let label = h.label(Col::LifeDomains);
        match resolve(v, Vocab::LifeDomain, label, cell) {
            Ok(code) => life_domains.push(code),
            Err(_) => {
                for part in cell.split(['|', '+', ',', ';']).map(str::trim).filter(|p| !p.is_empty()) {
                    match resolve(v, Vocab::LifeDomain, label, part) {
                        Ok(code) => life_domains.push(code),
                        Err(e) => errs.push(e),
                    }
                }
            }
        }
    }
    let opened_on = opened.and_then(|s| match dates::parse_date(h.label(Col::OpenedOn), s) {
        Ok(d) => Some(d),
        Err(e) => {
            errs.push(e.to_string());
            None
        }
    });
    let gender = h.get(rec, Col::Gender).and_then(|s| {
        let g = parse_gender(s);
        if g.is_none() {
            errs.push(format!("{}: '{s}' is not one of f (v, vrouw), m (man), x", h.label(Col::Gender)));
        }
        g
    });
    let interpreter = h.get(rec, Col::Interpreter).and_then(|s| {
        let i = parse_interpreter(s);
        if i.is_none() {
            errs.push(format!(
                "{}: '{s}' is not one of not_needed (niet nodig, nee), needed (nodig), used (gebruikt)",
                h.label(Col::Interpreter)
            ));
        }
        i
    });
    let status = h.get(rec, Col::Status).and_then(|s| {
        let st = parse_status(s);
        if st.is_none() {
            errs.push(format!("{}: '{s}' is not one of open, closed (afgesloten)", h.label(Col::Status)));
        }
        st
    });
    let closed_on: Option<NaiveDate> =
        h.get(rec, Col::ClosedOn).and_then(|s| match dates::parse_date(h.label(Col::ClosedOn), s) {
            Ok(d) => Some(d),
            Err(e) => {
                errs.push(e.to_string());
                None
            }
        });
    let closed_cell = h.get(rec, Col::ClosedOn).is_some();
    match (status, closed_cell) {
        (Some(true), false) => {
            errs.push(format!("{}: required when the case is closed", h.label(Col::ClosedOn)))
        }
        (Some(false), true) => {
            errs.push(format!("{}: an open case has no closing date", h.label(Col::ClosedOn)))
        }
        _ => {}
    }
    let note = h.get(rec, Col::Note);
    if let Some(n) = note {
        if n.chars().count() > MAX_NOTE_CHARS {
            errs.push(format!("{}: at most {MAX_NOTE_CHARS} characters", h.label(Col::Note)));
        } else if let Err(e) = crate::privacy::check_free_text(h.label(Col::Note), n) {
            errs.push(e.to_string());
        }
    }
    if !errs.is_empty() {
        return Err(RowError::Problem(errs.join("; ")));
    }
    let new = NewCase {
        id: None,
        code: h.get(rec, Col::Code).map(str::to_owned),
        opened_on,
        owner_partner_id: None,
        owner_worker_id: None,
        profile: crate::cases::CaseProfile {
            entry_route,
            municipality,
            age_band,
            household_type,
            gender,
            contact_language,
            interpreter,
            residence_status,
            life_domains,
            project: h.get(rec, Col::Project).map(str::to_owned),
        },
    };
    w.savepoint(|w| {
        let case = w.open_case(&new)?;
        if let Some(on) = closed_on {
            w.close_case(case.summary.id, on)?;
        }
        if let Some(n) = note {
            w.add_note(case.summary.id, n, None)?;
        }
        Ok(usize::from(note.is_some()))
    })
    .map_err(|e| classify(e, &|f| h.field_label(f)))
}
