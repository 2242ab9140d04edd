//! Import of registration sheets (CSV) and record files (JSONL).
//!
//! Both formats are all or nothing: the whole file is applied in one transaction, each
//! row inside its own savepoint so that a bad row is undone alone and the rows after it
//! are still checked. If any row is bad, the transaction is rolled back and
//! [`Error::Import`] lists every bad row with its physical, 1-based line number in the
//! file (the header is line 1). The user-facing description is `docs/import.md`.
//!
//! * **CSV**: the registration sheet that GBO networks keep in a spreadsheet today, one
//!   row per case. Separator `;` or `,` (detected from the header line, or from Excel's
//!   `sep=` line), optional UTF-8 byte order mark, Dutch or English column names,
//!   coded values as a code or a Dutch, French or English name.
//! * **JSONL**: a versioned record file, a header line `{"schakel":"records","version":1}`
//!   and then one record per line `{"type": "...", ...}` for every record type. Records
//!   may refer to records earlier in the same file by id. Re-applying a referral event
//!   that is already in the store with the same content is counted as already present;
//!   any other record that is already in the store is a conflict.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::cases::{Gender, Interpreter, MAX_NOTE_CHARS, NewCase};
use crate::dates;
use crate::error::{Error, ImportProblem, Result};
use crate::follow_ups::NewFollowUp;
use crate::partners::{NewPartner, NewProject};
use crate::reference::{Vocab, Vocabularies};
use crate::referrals::{Applied, NewEvent, NewReferral};
use crate::rights::{NewRightsCheck, RightStep};
use crate::signals::NewSignal;
use crate::store::{Store, Writer};

/// What an import did. Only returned when every row was good and everything was written.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportSummary {
    /// `"csv"` or `"jsonl"`.
    pub format: &'static str,
    /// Data rows read (the header and blank lines not counted).
    pub rows: usize,
    /// Records created, per record type (`case`, `note`, `referral`, …).
    pub created: BTreeMap<String, usize>,
    /// Records that were already in the store with the same content (referral events).
    pub already_present: usize,
}

/// At most this many bad rows are listed; a last entry says how many more there were.
pub const MAX_PROBLEMS: usize = 1000;

/// The record file version this build writes and reads.
pub const JSONL_VERSION: u64 = 1;

/// Progress is reported every this many rows.
const PROGRESS_EVERY: usize = 1000;

/// Imports a file by its extension: `.csv` (registration sheet) or `.jsonl` (record
/// file). All or nothing: on any bad row nothing is written and [`Error::Import`] lists
/// every bad row with its 1-based line number and the reason. `progress` receives
/// (bytes done, bytes in total) every 1,000 rows and at the end.
pub fn import_file(
    store: &mut Store,
    path: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportSummary> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let csv = match ext.as_deref() {
        Some("csv") => true,
        Some("jsonl" | "ndjson") => false,
        _ => {
            return Err(Error::validation(
                "file",
                "unknown file type: import a .csv registration sheet or a .jsonl record file",
            ));
        }
    };
    let data = std::fs::read(path)
        .map_err(|e| Error::validation("file", format!("cannot read {}: {e}", path.display())))?;
    if csv { import_csv(store, &data, progress) } else { import_jsonl(store, &data, progress) }
}

// ---------------------------------------------------------------------------------------
// Shared machinery
// ---------------------------------------------------------------------------------------

/// The file's text without a byte order mark; refuses non-UTF-8 and empty files.
fn decode(data: &[u8]) -> Result<&str> {
    let data = data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data);
    let text = std::str::from_utf8(data).map_err(|e| {
        Error::validation(
            "file",
            format!(
                "the file is not UTF-8 text (first bad byte at offset {}); in the spreadsheet, save as \"CSV UTF-8\"",
                e.valid_up_to()
            ),
        )
    })?;
    if text.trim().is_empty() {
        return Err(Error::validation("file", "the file is empty"));
    }
    Ok(text)
}

/// Bad rows so far, capped at [`MAX_PROBLEMS`].
#[derive(Default)]
struct Problems {
    list: Vec<ImportProblem>,
    more: usize,
    first_unlisted_line: usize,
}

impl Problems {
    fn push(&mut self, line: usize, reason: String) {
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(ImportProblem { line, reason });
        } else {
            if self.more == 0 {
                self.first_unlisted_line = line;
            }
            self.more += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    fn finish(mut self) -> Vec<ImportProblem> {
        if self.more > 0 {
            self.list.push(ImportProblem {
                line: self.first_unlisted_line,
                reason: format!("… and {} more bad row(s) from this line on, not listed", self.more),
            });
        }
        self.list
    }
}

/// Why a row failed: a problem with the row (reported, the import goes on checking), or
/// a failure of the store itself (the import stops).
enum RowError {
    Problem(String),
    Fatal(Error),
}

impl From<String> for RowError {
    fn from(s: String) -> Self {
        RowError::Problem(s)
    }
}

/// Sorts an error from the domain into a row problem or a fatal error. `field` renames
/// the field of a validation error (to the column name as the file spells it).
fn classify(e: Error, field: &dyn Fn(&str) -> String) -> RowError {
    match e {
        Error::Validation { field: f, reason } => RowError::Problem(format!("{}: {reason}", field(&f))),
        Error::NotFound { .. } | Error::Conflict(_) => RowError::Problem(e.to_string()),
        Error::Database(ref d)
            if d.sqlite_error_code() == Some(rusqlite::ffi::ErrorCode::ConstraintViolation) =>
        {
            let foreign_key = matches!(d, rusqlite::Error::SqliteFailure(f, _)
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY);
            RowError::Problem(if foreign_key {
                "refers to a record (partner, worker, case, …) that is not in the store".to_owned()
            } else {
                format!("conflicts with a record already in the store ({d})")
            })
        }
        other => RowError::Fatal(other),
    }
}

fn bump(summary: &mut ImportSummary, kind: &str, n: usize) {
    if n > 0 {
        *summary.created.entry(kind.to_owned()).or_insert(0) += n;
    }
}

/// Page cache for the import's one big transaction, in KiB. With the default (2 MiB)
/// SQLite spills dirty pages to the WAL mid-transaction, encrypting them each time;
/// a larger cache keeps a big import about a third faster.
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// Runs `f` with a larger page cache on the store's connection, then restores it.
fn with_import_cache<T>(store: &mut Store, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
    let old: i64 = store.conn().query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    store.conn().pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
    let out = f(store);
    store.conn().pragma_update(None, "cache_size", old)?;
    out
}

fn to_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

impl Writer<'_> {
    /// The id of a case by its code, as typed (case, spaces and a missing dash forgiven).
    fn import_case_by_code(&self, code: &str) -> Result<Uuid> {
        let norm = crate::ids::normalize_case_code(code)
            .filter(|n| n.len() == 9)
            .ok_or_else(|| Error::validation("case_code", format!("'{code}' is not a case code")))?;
        self.conn
            .prepare_cached("SELECT id FROM case_file WHERE code = ?1")?
            .query_row([&norm], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::not_found("case", code))
    }

    fn import_case_id_taken(&self, id: Uuid) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM case_file WHERE id = ?1")?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some())
    }
}

// ---------------------------------------------------------------------------------------
// CSV registration sheet
// ---------------------------------------------------------------------------------------

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
fn detect_separator(text: &str) -> (u8, Cow<'_, str>) {
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
    let summary = with_import_cache(store, |store| {
        store.write(|w| {
            let mut summary = ImportSummary { format: "csv", ..ImportSummary::default() };
            let mut problems = Problems::default();
            for rec in records {
                let rec = match rec {
                    Ok(r) => r,
                    Err(e) => {
                        let line = e.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                        summary.rows += 1;
                        problems.push(line, format!("cannot read this row: {e}"));
                        continue;
                    }
                };
                if is_blank(&rec) {
                    continue;
                }
                summary.rows += 1;
                match csv_row(w, &columns, &rec) {
                    Ok(notes) => {
                        bump(&mut summary, "case", 1);
                        bump(&mut summary, "note", notes);
                    }
                    Err(RowError::Problem(reason)) => problems.push(record_line(&rec), reason),
                    Err(RowError::Fatal(e)) => return Err(e),
                }
                if summary.rows.is_multiple_of(PROGRESS_EVERY) {
                    let done = rec.position().map_or(0, csv::Position::byte);
                    progress(done.min(total), total);
                }
            }
            if !problems.is_empty() {
                return Err(Error::Import(problems.finish()));
            }
            if summary.rows == 0 {
                return Err(Error::validation("file", "there are no rows below the header"));
            }
            Ok(summary)
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

// ---------------------------------------------------------------------------------------
// JSONL record file
// ---------------------------------------------------------------------------------------

/// Every record type of a record file and the fields it may have (besides `type`).
const JSONL_TYPES: [(&str, &[&str]); 11] = [
    ("partner", &["id", "kind", "name", "municipality"]),
    ("project", &["id", "code", "name", "starts_on", "ends_on"]),
    (
        "case",
        &[
            "id",
            "code",
            "opened_on",
            "owner_partner_id",
            "owner_worker_id",
            "entry_route",
            "municipality",
            "age_band",
            "household_type",
            "gender",
            "contact_language",
            "interpreter",
            "residence_status",
            "life_domains",
            "project",
            "closed_on",
        ],
    ),
    ("note", &["id", "case_id", "case_code", "body"]),
    (
        "referral",
        &["id", "case_id", "case_code", "to_partner_id", "outside_service", "life_domain", "mode", "project"],
    ),
    ("referral_event", &["id", "referral_id", "kind", "occurred_on", "partner_id", "worker_id", "reason"]),
    (
        "rights_check",
        &["id", "case_id", "case_code", "right", "step", "on", "non_take_up_reason", "barrier_type"],
    ),
    ("rights_step", &["rights_check_id", "step", "on"]),
    (
        "follow_up",
        &[
            "id",
            "case_id",
            "case_code",
            "referral_id",
            "rights_check_id",
            "due_on",
            "purpose",
            "purpose_text",
            "assignee_id",
        ],
    ),
    ("follow_up_done", &["follow_up_id", "on"]),
    ("signal", &["id", "case_id", "case_code", "theme", "text"]),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteRecord {
    #[serde(default)]
    id: Option<Uuid>,
    case_id: Uuid,
    body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RightsStepRecord {
    rights_check_id: Uuid,
    step: RightStep,
    on: NaiveDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowUpDoneRecord {
    follow_up_id: Uuid,
    on: NaiveDate,
}

/// One parsed record, ready to apply.
enum Record {
    Partner(NewPartner),
    Project(NewProject),
    Case(Box<NewCase>, Option<NaiveDate>),
    Note(NoteRecord),
    Referral(NewReferral),
    Event(NewEvent),
    RightsCheck(NewRightsCheck, Option<String>, Option<String>),
    RightsStep(RightsStepRecord),
    FollowUp(NewFollowUp),
    FollowUpDone(FollowUpDoneRecord),
    Signal(NewSignal),
}

enum Outcome {
    Created,
    AlreadyPresent,
}

/// Checks the header line; `Err` is the reason to report.
fn check_jsonl_header(line: &str) -> std::result::Result<(), String> {
    const EXPECTED: &str = r#"the first line must be the header {"schakel":"records","version":1}"#;
    let v: Value = serde_json::from_str(line).map_err(|_| EXPECTED.to_owned())?;
    let Some(obj) = v.as_object() else {
        return Err(EXPECTED.to_owned());
    };
    if obj.get("schakel").and_then(Value::as_str) != Some("records") {
        return Err(if obj.contains_key("type") {
            format!("the file has no header: {EXPECTED}")
        } else {
            EXPECTED.to_owned()
        });
    }
    match obj.get("version").and_then(Value::as_u64) {
        Some(JSONL_VERSION) => Ok(()),
        Some(n) if n > JSONL_VERSION => Err(format!(
            "the file has version {n}; this version of Schakel reads record files up to version {JSONL_VERSION}: update Schakel"
        )),
        _ => Err(format!("the header's version must be a whole number from 1 to {JSONL_VERSION}")),
    }
}

/// serde_json's message without its " at line 1 column N" (the line is ours).
fn json_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &msg[..i], e.column()),
        None => msg,
    }
}

/// Imports a record file. See `docs/import.md`.
pub fn import_jsonl(
    store: &mut Store,
    data: &[u8],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportSummary> {
    let total = to_u64(data.len());
    let text = decode(data)?;
    let bom = data.len() - text.len();
    let mut lines = text
        .split_inclusive('\n')
        .scan(bom, |offset, raw| {
            let start = *offset;
            *offset += raw.len();
            Some((start, raw.trim_end_matches(['\n', '\r'])))
        })
        .enumerate()
        .map(|(i, (off, l))| (i + 1, off, l))
        .filter(|(_, _, l)| !l.trim().is_empty());
    let Some((header_line, _, header)) = lines.next() else {
        return Err(Error::validation("file", "the file is empty"));
    };
    check_jsonl_header(header)
        .map_err(|reason| Error::Import(vec![ImportProblem { line: header_line, reason }]))?;
    progress(0, total);
    let summary = with_import_cache(store, |store| {
        store.write(|w| {
            let mut summary = ImportSummary { format: "jsonl", ..ImportSummary::default() };
            let mut problems = Problems::default();
            for (line, offset, text) in lines {
                summary.rows += 1;
                match jsonl_row(w, text) {
                    Ok((kind, Outcome::Created)) => bump(&mut summary, kind, 1),
                    Ok((_, Outcome::AlreadyPresent)) => summary.already_present += 1,
                    Err(RowError::Problem(reason)) => problems.push(line, reason),
                    Err(RowError::Fatal(e)) => return Err(e),
                }
                if summary.rows.is_multiple_of(PROGRESS_EVERY) {
                    progress(to_u64(offset).min(total), total);
                }
            }
            if !problems.is_empty() {
                return Err(Error::Import(problems.finish()));
            }
            if summary.rows == 0 {
                return Err(Error::validation("file", "there are no records below the header"));
            }
            Ok(summary)
        })
    })?;
    progress(total, total);
    Ok(summary)
}

/// Checks, parses and applies one record line.
fn jsonl_row(w: &mut Writer<'_>, line: &str) -> std::result::Result<(&'static str, Outcome), RowError> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("not valid JSON: {}", json_message(&e)))?;
    let Value::Object(mut obj) = value else {
        return Err("a record must be a JSON object {\"type\": ...}".to_owned().into());
    };
    let ty = match obj.remove("type") {
        Some(Value::String(t)) => t,
        Some(_) => return Err("type: must be a string".to_owned().into()),
        None => return Err("missing field `type`".to_owned().into()),
    };
    let Some(&(kind, allowed)) = JSONL_TYPES.iter().find(|(name, _)| *name == ty) else {
        let known: Vec<&str> = JSONL_TYPES.iter().map(|t| t.0).collect();
        return Err(format!("unknown type '{ty}' (known: {})", known.join(", ")).into());
    };
    let mut unknown: Vec<&str> = obj.keys().map(String::as_str).filter(|k| !allowed.contains(k)).collect();
    if !unknown.is_empty() {
        unknown.sort_unstable();
        return Err(format!("{kind}: unknown field(s) {}", unknown.join(", ")).into());
    }
    // Record ids are UUID v7; say so plainly rather than as a deserialisation error.
    for (key, val) in &obj {
        if (key == "id" || key.ends_with("_id"))
            && let Value::String(s) = val
        {
            crate::ids::parse_id(key, s).map_err(|e| format!("{kind}: {e}"))?;
        }
    }
    if allowed.contains(&"case_code") {
        resolve_case_code(w, &mut obj).map_err(|e| match classify(e, &str::to_owned) {
            RowError::Problem(p) => RowError::Problem(format!("{kind}: {p}")),
            fatal @ RowError::Fatal(_) => fatal,
        })?;
    }
    let record = parse_record(kind, obj).map_err(|e| format!("{kind}: {}", json_message(&e)))?;
    let outcome =
        w.savepoint(|w| apply_record(w, record)).map_err(|e| match classify(e, &str::to_owned) {
            RowError::Problem(p) => RowError::Problem(format!("{kind}: {p}")),
            fatal @ RowError::Fatal(_) => fatal,
        })?;
    Ok((kind, outcome))
}

/// Replaces `case_code` by the `case_id` of that case.
fn resolve_case_code(w: &Writer<'_>, obj: &mut Map<String, Value>) -> Result<()> {
    let code = obj.remove("case_code");
    match (obj.contains_key("case_id"), code) {
        (true, Some(_)) => Err(Error::validation("case_code", "give case_id or case_code, not both")),
        (false, Some(Value::String(code))) => {
            let id = w.import_case_by_code(&code)?;
            obj.insert("case_id".into(), Value::String(id.to_string()));
            Ok(())
        }
        (false, Some(_)) => Err(Error::validation("case_code", "must be a string")),
        (false, None) => Err(Error::validation("case_id", "give case_id or case_code")),
        (true, None) => Ok(()),
    }
}

fn take_string(
    obj: &mut Map<String, Value>,
    key: &str,
) -> std::result::Result<Option<String>, serde_json::Error> {
    obj.remove(key).map(serde_json::from_value::<Option<String>>).transpose().map(Option::flatten)
}

fn take_date(
    obj: &mut Map<String, Value>,
    key: &str,
) -> std::result::Result<Option<NaiveDate>, serde_json::Error> {
    obj.remove(key).map(serde_json::from_value::<Option<NaiveDate>>).transpose().map(Option::flatten)
}

fn parse_record(kind: &str, mut obj: Map<String, Value>) -> std::result::Result<Record, serde_json::Error> {
    use serde_json::from_value as from;
    Ok(match kind {
        "partner" => Record::Partner(from(Value::Object(obj))?),
        "project" => Record::Project(from(Value::Object(obj))?),
        "case" => {
            let closed_on = take_date(&mut obj, "closed_on")?;
            Record::Case(Box::new(from(Value::Object(obj))?), closed_on)
        }
        "note" => Record::Note(from(Value::Object(obj))?),
        "referral" => Record::Referral(from(Value::Object(obj))?),
        "referral_event" => Record::Event(from(Value::Object(obj))?),
        "rights_check" => {
            let reason = take_string(&mut obj, "non_take_up_reason")?;
            let barrier = take_string(&mut obj, "barrier_type")?;
            Record::RightsCheck(from(Value::Object(obj))?, reason, barrier)
        }
        "rights_step" => Record::RightsStep(from(Value::Object(obj))?),
        "follow_up" => Record::FollowUp(from(Value::Object(obj))?),
        "follow_up_done" => Record::FollowUpDone(from(Value::Object(obj))?),
        // Only the kinds of JSONL_TYPES reach here.
        _ => Record::Signal(from(Value::Object(obj))?),
    })
}

fn apply_record(w: &mut Writer<'_>, record: Record) -> Result<Outcome> {
    match record {
        Record::Partner(p) => {
            w.add_partner(&p)?;
        }
        Record::Project(p) => {
            w.add_project(&p)?;
        }
        Record::Case(c, closed_on) => {
            if let Some(id) = c.id
                && w.import_case_id_taken(id)?
            {
                return Err(Error::Conflict(format!(
                    "case {id} is already in the store; a case is imported once"
                )));
            }
            let case = w.open_case(&c)?;
            if let Some(on) = closed_on {
                w.close_case(case.summary.id, on)?;
            }
        }
        Record::Note(n) => {
            w.add_note(n.case_id, &n.body, n.id)?;
        }
        Record::Referral(r) => {
            w.create_referral(&r)?;
        }
        Record::Event(e) => {
            if w.record_event(&e)? == Applied::AlreadyPresent {
                return Ok(Outcome::AlreadyPresent);
            }
        }
        Record::RightsCheck(r, reason, barrier) => {
            let id = w.add_rights_check(&r)?;
            if reason.is_some() || barrier.is_some() {
                w.set_non_take_up(id, reason.as_deref(), barrier.as_deref())?;
            }
        }
        Record::RightsStep(s) => w.set_right_step(s.rights_check_id, s.step, s.on)?,
        Record::FollowUp(f) => {
            w.add_follow_up(&f)?;
        }
        Record::FollowUpDone(d) => w.complete_follow_up(d.follow_up_id, d.on)?,
        Record::Signal(s) => {
            w.add_signal(&s)?;
        }
    }
    Ok(Outcome::Created)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::CaseFilter;
    use crate::partners::PartnerKind;
    use crate::referrals::ReferralState;
    use crate::store::InitStore;

    fn store(dir: &tempfile::TempDir) -> Store {
        let (mut s, _) = Store::create(
            &dir.path().join("s.db"),
            &InitStore {
                partner_kind: PartnerKind::Ocmw,
                partner_name: "OCMW Test".into(),
                municipality: None,
                worker_name: "Tester".into(),
            },
            "correct horse battery staple 42",
        )
        .unwrap();
        s.set_today(NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
        s
    }

    fn case_count(s: &Store) -> i64 {
        s.list_cases(&CaseFilter::default()).unwrap().total
    }

    fn no_progress() -> impl FnMut(u64, u64) {
        |_, _| {}
    }

    fn problems(e: Error) -> Vec<ImportProblem> {
        match e {
            Error::Import(p) => p,
            other => panic!("expected an import error, got {other:?}"),
        }
    }

    fn lines_of(p: &[ImportProblem]) -> Vec<usize> {
        p.iter().map(|p| p.line).collect()
    }

    #[test]
    fn csv_sheets_import_and_bad_rows_leave_the_store_unchanged() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);

        // Semicolons, a byte order mark, Dutch headers in any case, names instead of
        // codes, Belgian dates, CRLF, a blank line and a trailing empty column.
        let sheet = "\u{feff}Geopend op;Instroom;Gemeente;Leeftijd;Gezinsvorm;Levensdomeinen;Geslacht;Contacttaal;Tolk;Status;Afgesloten_op;Notitie;\r\n\
            09/03/2026;Eigen initiatief;Jette;25–34 jaar;Eenoudergezin;Wonen|Schulden;v;Frans;nodig;;;Vraag rond huur;\r\n\
            \r\n\
            10/03/2026;proactive;Koekelberg;18-24 jaar;Alleenstaande;Inkomen + Gezondheid;;Arabisch;gebruikt;afgesloten;20/03/2026;;\r\n\
            2026-03-11;Outreach;Anderlecht;Unknown;single;;;;;;;;\r\n";
        let mut calls = Vec::new();
        let sum = import_csv(&mut s, sheet.as_bytes(), &mut |d, t| calls.push((d, t))).unwrap();
        assert_eq!(sum.format, "csv");
        assert_eq!(sum.rows, 3);
        assert_eq!(sum.created.get("case"), Some(&3));
        assert_eq!(sum.created.get("note"), Some(&1));
        assert_eq!(case_count(&s), 3);
        let total = sheet.len() as u64;
        assert_eq!(calls.last(), Some(&(total, total)));
        let page = s.list_cases(&CaseFilter::default()).unwrap();
        let jette = page.rows.iter().find(|c| c.municipality == "21010").unwrap();
        assert_eq!(jette.entry_route, "own_initiative");
        assert_eq!(jette.age_band, "25_34");
        assert_eq!(jette.household_type, "single_parent");
        assert_eq!(jette.life_domains, vec!["debts", "housing"]);
        assert_eq!(jette.opened_on, NaiveDate::from_ymd_opt(2026, 3, 9).unwrap());
        let full = s.case(jette.id).unwrap();
        assert_eq!(full.profile.gender, Some(Gender::F));
        assert_eq!(full.profile.contact_language.as_deref(), Some("fr"));
        assert_eq!(full.profile.interpreter, Some(Interpreter::Needed));
        assert_eq!(s.notes(jette.id).unwrap().len(), 1);
        let koek = page.rows.iter().find(|c| c.municipality == "21011").unwrap();
        assert_eq!(koek.age_band, "18_24");
        assert_eq!(koek.closed_on, NaiveDate::from_ymd_opt(2026, 3, 20));
        assert_eq!(koek.life_domains, vec!["health", "income"]);

        // Commas, English headers, codes, a quoted cell with commas inside, a given code.
        let code = {
            let mut rng = rand::rng();
            crate::ids::new_case_code(&mut rng)
        };
        let sheet = format!(
            "opened_on,entry_route,municipality,age_band,household_type,life_domains,code\n\
             01/04/2026,own_initiative,21015,35_44,couple_children,\"income,work\",{code}\n\
             02/04/2026,vindplaats,Schaerbeek,45_54,Couple without children,Mental health,\n"
        );
        let sum = import_csv(&mut s, sheet.as_bytes(), &mut no_progress()).unwrap();
        assert_eq!(sum.created.get("case"), Some(&2));
        assert_eq!(case_count(&s), 5);
        let c = s.case_by_code(&code).unwrap();
        assert_eq!(c.summary.life_domains, vec!["income", "work"]);

        // Three bad rows among good ones: nothing is written, exactly those lines named.
        let before = case_count(&s);
        let sheet = "geopend_op;instroom;gemeente;leeftijd;gezinsvorm;notitie\n\
            01/05/2026;own_initiative;Jette;25_34;single;\n\
            31/02/2026;own_initiative;Jette;25_34;single;\n\
            02/05/2026;own_initiative;Jette;25_34;single;ok\n\
            03/05/2026;own_initiative;Atlantis;25_34;single;\n\
            04/05/2026;own_initiative;Jette;25_34;single;mail jan.peeters@example.com terug\n\
            05/05/2026;own_initiative;Evere;55_64;couple;\n";
        let p = problems(import_csv(&mut s, sheet.as_bytes(), &mut no_progress()).unwrap_err());
        assert_eq!(lines_of(&p), vec![3, 5, 6], "{p:?}");
        assert!(p[0].reason.contains("geopend_op") && p[0].reason.contains("31/02/2026"), "{p:?}");
        assert!(p[1].reason.contains("gemeente") && p[1].reason.contains("Atlantis"), "{p:?}");
        assert!(p[2].reason.starts_with("notitie:") && p[2].reason.contains("identifier"), "{p:?}");
        assert!(!p[2].reason.contains("jan.peeters"), "the reason must not echo the identifier");
        assert_eq!(case_count(&s), before);

        // Header problems are reported on line 1; row-level rules too.
        let p = problems(
            import_csv(
                &mut s,
                b"geopend_op;instroom;gemeente;leeftijd;gezinsvorm;shoe_size\n01/05/2026;x;y;z;w;42\n",
                &mut no_progress(),
            )
            .unwrap_err(),
        );
        assert_eq!(lines_of(&p), vec![1]);
        assert!(p[0].reason.contains("shoe_size"), "{p:?}");
        let p = problems(
            import_csv(&mut s, b"opened_on;municipality\n01/05/2026;Jette\n", &mut no_progress())
                .unwrap_err(),
        );
        assert_eq!(lines_of(&p), vec![1]);
        assert!(p[0].reason.contains("instroom (entry_route)"), "{p:?}");
        let sheet = "opened_on;entry_route;municipality;age_band;household_type;status;closed_on;project\n\
            01/05/2026;own_initiative;Jette;25_34;single;closed;;\n\
            01/05/2026;own_initiative;Jette;25_34;single;;;NOPE\n\
            01/07/2026;own_initiative;Jette;25_34;single;;;\n";
        let p = problems(import_csv(&mut s, sheet.as_bytes(), &mut no_progress()).unwrap_err());
        assert_eq!(lines_of(&p), vec![2, 3, 4], "{p:?}");
        assert!(p[0].reason.contains("closed_on"), "{p:?}");
        assert!(p[1].reason.contains("NOPE"), "{p:?}");
        assert!(p[2].reason.contains("future"), "{p:?}");
        assert_eq!(case_count(&s), before);

        // File-level errors are validation errors on "file", never panics.
        let file_err = |r: Result<ImportSummary>| match r {
            Err(Error::Validation { field, .. }) => assert_eq!(field, "file"),
            other => panic!("{other:?}"),
        };
        file_err(import_csv(&mut s, b"", &mut no_progress()));
        file_err(import_csv(&mut s, b"\xEF\xBB\xBF \n\n", &mut no_progress()));
        file_err(import_csv(&mut s, b"gemeente\n\xff\xfe\n", &mut no_progress()));
        file_err(import_csv(
            &mut s,
            b"geopend_op;instroom;gemeente;leeftijd;gezinsvorm\n",
            &mut no_progress(),
        ));
        let xlsx = dir.path().join("sheet.xlsx");
        std::fs::write(&xlsx, b"PK").unwrap();
        file_err(import_file(&mut s, &xlsx, &mut no_progress()));
        file_err(import_file(&mut s, &dir.path().join("missing.csv"), &mut no_progress()));
        let path = dir.path().join("sheet.CSV");
        std::fs::write(&path, "sep=,\ngeopend_op,instroom,gemeente,leeftijd,gezinsvorm\n01/05/2026,own_initiative,Jette,25_34,single\n").unwrap();
        assert_eq!(import_file(&mut s, &path, &mut no_progress()).unwrap().rows, 1);
        assert_eq!(case_count(&s), before + 1);
    }

    #[test]
    fn jsonl_with_every_type_imports_and_events_are_idempotent() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        let id = crate::ids::new_id;
        let (caw, project, case, referral, rc, fu) = (id(), id(), id(), id(), id(), id());
        let events: Vec<String> = [
            ("consent", "2026-03-02", None),
            ("receiver_contacted", "2026-03-02", None),
            ("sent", "2026-03-03", None),
            ("accepted", "2026-03-05", Some(caw)),
            ("first_contact", "2026-03-10", Some(caw)),
        ]
        .iter()
        .map(|(kind, on, partner)| {
            let partner = partner.map_or(String::new(), |p| format!(r#","partner_id":"{p}""#));
            format!(
                r#"{{"type":"referral_event","id":"{}","referral_id":"{referral}","kind":"{kind}","occurred_on":"{on}"{partner}}}"#,
                id()
            )
        })
        .collect();
        let header = r#"{"schakel":"records","version":1}"#;
        let file = format!(
            "{header}\n\
             {{\"type\":\"partner\",\"id\":\"{caw}\",\"kind\":\"caw\",\"name\":\"CAW Brussel\",\"municipality\":\"21004\"}}\n\
             {{\"type\":\"project\",\"id\":\"{project}\",\"code\":\"SCHOOL\",\"name\":\"Welzijnsvragen op School\",\"starts_on\":\"2026-01-01\",\"ends_on\":null}}\n\
             {{\"type\":\"case\",\"id\":\"{case}\",\"code\":null,\"opened_on\":\"2026-03-01\",\"entry_route\":\"vindplaats\",\"municipality\":\"21010\",\"age_band\":\"35_44\",\"household_type\":\"single_parent\",\"gender\":\"f\",\"contact_language\":\"fr\",\"interpreter\":\"not_needed\",\"residence_status\":\"belgian_eu\",\"life_domains\":[\"housing\",\"income\"],\"project\":\"SCHOOL\"}}\n\
             {{\"type\":\"case\",\"opened_on\":\"2026-02-01\",\"entry_route\":\"own_initiative\",\"municipality\":\"21001\",\"age_band\":\"65_74\",\"household_type\":\"single\",\"closed_on\":\"2026-02-20\"}}\n\
             {{\"type\":\"note\",\"case_id\":\"{case}\",\"body\":\"Huurachterstal, wil hulp bij premie.\"}}\n\
             \n\
             {{\"type\":\"referral\",\"id\":\"{referral}\",\"case_id\":\"{case}\",\"to_partner_id\":\"{caw}\",\"life_domain\":\"housing\",\"mode\":\"warm\",\"project\":\"SCHOOL\"}}\n\
             {}\n\
             {{\"type\":\"rights_check\",\"id\":\"{rc}\",\"case_id\":\"{case}\",\"right\":\"rent_allowance_brussels\",\"step\":\"possibly_entitled\",\"on\":\"2026-03-02\",\"non_take_up_reason\":\"unknown_to_person\",\"barrier_type\":\"knowledge\"}}\n\
             {{\"type\":\"rights_step\",\"rights_check_id\":\"{rc}\",\"step\":\"applied\",\"on\":\"2026-03-12\"}}\n\
             {{\"type\":\"follow_up\",\"id\":\"{fu}\",\"case_id\":\"{case}\",\"referral_id\":\"{referral}\",\"due_on\":\"2026-03-09\",\"purpose\":\"check_referral\",\"purpose_text\":\"even nabellen\"}}\n\
             {{\"type\":\"follow_up_done\",\"follow_up_id\":\"{fu}\",\"on\":\"2026-03-10\"}}\n\
             {{\"type\":\"signal\",\"case_id\":\"{case}\",\"theme\":\"waiting_lists\",\"text\":\"Wachtlijst sociale woning meer dan tien jaar\"}}\n",
            events.join("\n")
        );
        let sum = import_jsonl(&mut s, file.as_bytes(), &mut no_progress()).unwrap();
        assert_eq!(sum.format, "jsonl");
        assert_eq!(sum.rows, 16);
        assert_eq!(sum.already_present, 0);
        let created: Vec<(&str, usize)> = sum.created.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(
            created,
            vec![
                ("case", 2),
                ("follow_up", 1),
                ("follow_up_done", 1),
                ("note", 1),
                ("partner", 1),
                ("project", 1),
                ("referral", 1),
                ("referral_event", 5),
                ("rights_check", 1),
                ("rights_step", 1),
                ("signal", 1),
            ]
        );
        let r = s.referral(referral).unwrap();
        assert_eq!(r.state, ReferralState::FirstContact);
        assert_eq!(r.sent_on, NaiveDate::from_ymd_opt(2026, 3, 3));
        assert_eq!(r.accepted_on, NaiveDate::from_ymd_opt(2026, 3, 5));
        assert_eq!(r.first_contact_on, NaiveDate::from_ymd_opt(2026, 3, 10));
        let checks = s.rights_checks(case).unwrap();
        assert_eq!(checks[0].step, RightStep::Applied);
        assert_eq!(checks[0].history.len(), 2);
        assert_eq!(checks[0].barrier_type.as_deref(), Some("knowledge"));
        assert_eq!(s.follow_ups_of_case(case).unwrap()[0].done_on, NaiveDate::from_ymd_opt(2026, 3, 10));
        assert_eq!(s.signals_of_case(case).unwrap().len(), 1);
        assert_eq!(s.notes(case).unwrap().len(), 1);
        assert_eq!(case_count(&s), 2);
        let code = s.case(case).unwrap().summary.code;

        // The same events again: already present, nothing duplicated.
        let again = format!("{header}\n{}\n", events.join("\n"));
        let sum = import_jsonl(&mut s, again.as_bytes(), &mut no_progress()).unwrap();
        assert_eq!(sum.already_present, 5);
        assert!(sum.created.is_empty(), "{:?}", sum.created);
        assert_eq!(s.referral_events(referral).unwrap().len(), 5);

        // Re-importing a case is a conflict; a case can be referred to by its code.
        let file = format!(
            "{header}\n\
             {{\"type\":\"note\",\"case_code\":\"{}\",\"body\":\"Tweede gesprek gepland.\"}}\n\
             {{\"type\":\"case\",\"id\":\"{case}\",\"opened_on\":\"2026-03-01\",\"entry_route\":\"vindplaats\",\"municipality\":\"21010\",\"age_band\":\"35_44\",\"household_type\":\"single_parent\"}}\n",
            code.to_lowercase().replace('-', "")
        );
        let p = problems(import_jsonl(&mut s, file.as_bytes(), &mut no_progress()).unwrap_err());
        assert_eq!(lines_of(&p), vec![3]);
        assert!(p[0].reason.contains("conflict"), "{p:?}");
        assert_eq!(s.notes(case).unwrap().len(), 1);
        let file = format!(
            "{header}\n{{\"type\":\"note\",\"case_code\":\"{code}\",\"body\":\"Tweede gesprek gepland.\"}}\n"
        );
        let sum = import_jsonl(&mut s, file.as_bytes(), &mut no_progress()).unwrap();
        assert_eq!(sum.created.get("note"), Some(&1));
        assert_eq!(s.notes(case).unwrap().len(), 2);

        // Bad lines: JSON, type, fields, ids, references, domain rules; nothing written.
        let partners = s.partners().unwrap().len();
        let file = format!(
            "{header}\n\
             {{\"type\":\"partner\",\"kind\":\"dmw\",\"name\":\"DMW Test\"}}\n\
             {{\"type\":\"partner\",\"kind\":\"dmw\",\n\
             {{\"type\":\"dossier\",\"name\":\"x\"}}\n\
             \n\
             {{\"type\":\"partner\",\"kind\":\"dmw\",\"name\":\"DMW Twee\",\"phone\":\"x\"}}\n\
             {{\"type\":\"note\",\"case_id\":\"67e55044-10b1-426f-9247-bb680e5fe0c8\",\"body\":\"x\"}}\n\
             {{\"type\":\"note\",\"case_id\":\"{}\",\"body\":\"x\"}}\n\
             {{\"type\":\"referral_event\",\"referral_id\":\"{referral}\",\"kind\":\"completed\",\"occurred_on\":\"2026-03-01\",\"partner_id\":\"{caw}\"}}\n\
             [1,2]\n\
             {{\"type\":\"follow_up\",\"case_id\":\"{case}\",\"due_on\":\"2026-07-01\",\"purpose\":\"call_back\",\"assignee_id\":\"{}\"}}\n",
            id(),
            id()
        );
        let p = problems(import_jsonl(&mut s, file.as_bytes(), &mut no_progress()).unwrap_err());
        assert_eq!(lines_of(&p), vec![3, 4, 6, 7, 8, 9, 10, 11], "{p:?}");
        assert!(p[0].reason.starts_with("not valid JSON"), "{p:?}");
        assert!(p[1].reason.contains("unknown type 'dossier'"), "{p:?}");
        assert!(p[2].reason.contains("unknown field(s) phone"), "{p:?}");
        assert!(p[3].reason.contains("version 7"), "{p:?}");
        assert!(p[4].reason.contains("not found"), "{p:?}");
        assert!(p[5].reason.contains("cannot become completed"), "{p:?}");
        assert!(p[6].reason.contains("JSON object"), "{p:?}");
        assert!(p[7].reason.contains("not in the store"), "{p:?}");
        assert_eq!(s.partners().unwrap().len(), partners);

        // Header: missing, newer version.
        let p = problems(
            import_jsonl(
                &mut s,
                b"{\"type\":\"partner\",\"kind\":\"dmw\",\"name\":\"DMW\"}\n",
                &mut no_progress(),
            )
            .unwrap_err(),
        );
        assert_eq!(lines_of(&p), vec![1]);
        assert!(p[0].reason.contains("no header"), "{p:?}");
        let p = problems(
            import_jsonl(
                &mut s,
                b"{\"schakel\":\"records\",\"version\":2}\n{\"type\":\"future\"}\n",
                &mut no_progress(),
            )
            .unwrap_err(),
        );
        assert_eq!(lines_of(&p), vec![1]);
        assert!(p[0].reason.contains("version 2") && p[0].reason.contains("update Schakel"), "{p:?}");
        assert_eq!(s.partners().unwrap().len(), partners);
    }

    /// The fenced block after "```{tag}" in docs/import.md.
    fn doc_block(tag: &str) -> String {
        let doc = include_str!("../../../docs/import.md");
        let start = doc.find(&format!("```{tag}\n")).unwrap() + tag.len() + 4;
        let len = doc[start..].find("```").unwrap();
        doc[start..start + len].to_owned()
    }

    #[test]
    fn the_examples_in_the_documentation_import() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        let sum = import_csv(&mut s, doc_block("csv").as_bytes(), &mut no_progress()).unwrap();
        assert_eq!(sum.created.get("case"), Some(&3));
        let sum = import_jsonl(&mut s, doc_block("jsonl").as_bytes(), &mut no_progress()).unwrap();
        assert_eq!(sum.rows, 14);
        let mut types: Vec<&str> = sum.created.keys().map(String::as_str).collect();
        let mut all: Vec<&str> = JSONL_TYPES.iter().map(|t| t.0).collect();
        types.sort_unstable();
        all.sort_unstable();
        assert_eq!(types, all, "the example has one record of every type");
        let referral = Uuid::parse_str("01960000-0000-7000-8000-000000000004").unwrap();
        assert_eq!(s.referral(referral).unwrap().state, ReferralState::Accepted);
        // The error sample in the documentation is what Schakel says.
        let doc = include_str!("../../../docs/import.md");
        let sheet = "geopend_op;instroom;gemeente;leeftijd;gezinsvorm;notitie\n\
            01/05/2026;own_initiative;Jette;25_34;single;\n\
            31/02/2026;own_initiative;Jette;25_34;single;\n\
            02/05/2026;own_initiative;Jette;25_34;single;\n\
            03/05/2026;own_initiative;Atlantis;25_34;single;\n\
            04/05/2026;own_initiative;Jette;25_34;single;mail jan.peeters@example.com terug\n";
        let e = import_csv(&mut s, sheet.as_bytes(), &mut no_progress()).unwrap_err();
        assert!(doc.contains(&e.to_string()), "{e}");
        for p in problems(e) {
            let shown = format!("line {}: {}", p.line, p.reason);
            assert!(doc.contains(&shown), "{shown}");
        }
    }

    #[test]
    fn problem_list_is_capped() {
        let mut p = Problems::default();
        for line in 2..(MAX_PROBLEMS + 52) {
            p.push(line, "bad".into());
        }
        let list = p.finish();
        assert_eq!(list.len(), MAX_PROBLEMS + 1);
        let last = &list[MAX_PROBLEMS];
        assert_eq!(last.line, MAX_PROBLEMS + 2);
        assert!(last.reason.contains("50 more"), "{last:?}");
    }

    #[test]
    fn separator_detection() {
        assert_eq!(detect_separator("a;b;c\n1,2;3").0, b';');
        assert_eq!(detect_separator("a,b,c\n").0, b',');
        assert_eq!(detect_separator("\"a;x\",b,c\n").0, b',');
        assert_eq!(detect_separator("a\tb\tc\n").0, b'\t');
        let (sep, text) = detect_separator("sep=;\r\na;b\n");
        assert_eq!(sep, b';');
        assert_eq!(text, "\r\na;b\n");
    }

    /// Run with `cargo test -p schakel-core import::tests::speed -- --nocapture`.
    #[test]
    fn speed_of_a_20000_row_sheet() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(&dir);
        let munis = ["Jette", "Koekelberg", "Anderlecht", "Schaarbeek", "21013", "Elders"];
        let domains = ["Wonen|Schulden", "Inkomen", "", "Gezondheid+Werk", "digital"];
        let mut sheet = String::from(
            "geopend_op;instroom;gemeente;leeftijd;gezinsvorm;levensdomeinen;geslacht;contacttaal\n",
        );
        const N: usize = 20_000;
        for i in 0..N {
            sheet.push_str(&format!(
                "{:02}/{:02}/2026;Eigen initiatief;{};25_34;Alleenstaande;{};{};nl\n",
                i % 28 + 1,
                i % 6 + 1,
                munis[i % munis.len()],
                domains[i % domains.len()],
                ["v", "m", ""][i % 3],
            ));
        }
        let mut calls = 0;
        let start = std::time::Instant::now();
        let sum = import_csv(&mut s, sheet.as_bytes(), &mut |_, _| calls += 1).unwrap();
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(sum.created.get("case"), Some(&N));
        assert_eq!(case_count(&s), i64::try_from(N).unwrap());
        assert!(calls >= N / PROGRESS_EVERY, "{calls}");
        println!("CSV import: {N} rows in {secs:.2} s = {:.0} rows/s", N as f64 / secs);
    }
}
