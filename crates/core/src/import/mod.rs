//! Import of registration sheets (CSV) and record files (JSONL).
//!
//! Both formats are all or nothing: the whole file is applied in one transaction. A first
//! pass applies the rows straight away (the usual, good file commits after it); if a row
//! is bad, that pass is rolled back and a second one runs each row inside its own
//! savepoint, so that a bad row is undone alone and the rows after it are still checked
//! (`fast_then_careful`). If any row is bad, the transaction is rolled back and
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
//!
//! The registration sheet is read in the `csv` submodule, the record file in `jsonl`;
//! this module holds what both share.

mod csv;
mod jsonl;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::OptionalExtension;
use serde::Serialize;
use uuid::Uuid;

use crate::error::{Error, ImportProblem, Result};
use crate::store::{Store, Writer};

pub use self::csv::import_csv;
pub use self::jsonl::import_jsonl;

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
    store.require(crate::access::Permission::Maintenance)?;
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

/// The end of an import's row loop: every bad row if there were any, else the summary of
/// at least one `what` (`"rows"`, `"records"`).
fn conclude(summary: ImportSummary, problems: Problems, what: &str) -> Result<ImportSummary> {
    if !problems.is_empty() {
        return Err(Error::Import(problems.finish()));
    }
    if summary.rows == 0 {
        return Err(Error::validation("file", format!("there are no {what} below the header")));
    }
    Ok(summary)
}

fn bump(summary: &mut ImportSummary, kind: &str, n: usize) {
    if n > 0 {
        *summary.created.entry(kind.to_owned()).or_insert(0) += n;
    }
}

/// Page cache for the import's one big transaction, in KiB. With the default (2 MiB)
/// SQLite spills dirty pages to the WAL mid-transaction, encrypting them each time;
/// a larger cache keeps a big import about a third faster.
const IMPORT_CACHE_KIB: i64 = 128 * 1024;

/// Runs `f` with a larger page cache on the store's connection, then restores it.
/// An attempt without a savepoint per row met a bad row: its transaction is rolled back
/// and the import runs again row by row. (An import error always lists at least one bad
/// row, so an empty list cannot be mistaken for a real one.)
fn retry_row_by_row() -> Error {
    Error::Import(Vec::new())
}

/// Runs an import first without a savepoint per row, which costs a sub-journal copy of
/// every page a row touches (a file without errors is the usual case); if a row turns out
/// bad, that attempt is rolled back whole and the import runs again with a savepoint per
/// row, so that every bad row is found and reported and none is kept.
fn fast_then_careful<T>(mut attempt: impl FnMut(bool) -> Result<T>) -> Result<T> {
    match attempt(false) {
        Err(Error::Import(p)) if p.is_empty() => attempt(true),
        other => other,
    }
}

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
