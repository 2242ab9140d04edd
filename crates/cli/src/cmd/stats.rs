//! `schakel stats monthly`: one month's protected statistics as a file.

use std::path::{Path, PathBuf};

use schakel_core::stats::export::{ExportOptions, Format, file_name, write_file};
use schakel_core::stats::{Lang, MonthlyRequest, Scope};
use serde::Serialize;

use crate::args::{ScopeArg, StatsCmd};
use crate::exit::CliResult;
use crate::out::Out;

#[derive(Serialize)]
struct Written {
    file: PathBuf,
    month: String,
    tables: usize,
    hidden_primary: u32,
    hidden_secondary: u32,
    hidden_small_base: u32,
}

pub fn run(path: &Path, c: StatsCmd, o: Out) -> CliResult {
    let StatsCmd::Monthly(a) = c;
    let format = Format::parse("format", &a.format)?;
    let req = MonthlyRequest {
        month: a.month,
        scope: match a.scope {
            ScopeArg::Partner => Scope::Partner,
            ScopeArg::Network => Scope::Network,
        },
        threshold: a.threshold,
        sensitive_threshold: a.sensitive_threshold,
        lang: Lang::parse("lang", &a.lang)?,
    };
    let store = super::open(path)?;
    let stats = store.monthly_statistics(&req)?;
    let file = a.out.unwrap_or_else(|| PathBuf::from(file_name(&stats, format)));
    write_file(&stats, &ExportOptions { format, belgian_csv: !a.plain_csv }, &file)?;
    store.record_statistics_export(&stats, format)?;
    let w = Written {
        file,
        month: stats.month.clone(),
        tables: stats.tables.len(),
        hidden_primary: stats.hidden_primary,
        hidden_secondary: stats.hidden_secondary,
        hidden_small_base: stats.hidden_small_base,
    };
    o.emit(&w, |w| {
        println!(
            "{} tables for {} written to {} ({} small counts hidden, {} more figures hidden to protect them, {} statistics over too few cases hidden)",
            w.tables,
            w.month,
            w.file.display(),
            w.hidden_primary,
            w.hidden_secondary,
            w.hidden_small_base
        );
    });
    Ok(())
}
