//! Monthly statistics for exporters: the protected preview, and files made from it.
//!
//! The web view never names a path: the export asks where to save with a native dialog
//! opened from here, and answers with the saved file's name only. In test mode,
//! `SCHAKEL_EXPORT_DIR` replaces the dialog (the end-to-end tests cannot click a GTK
//! dialog). Log lines name the event and the format, never a figure or a path.

use std::path::{Path, PathBuf};

use schakel_core::stats::export::{ExportOptions, Format, file_name, write_file};
use schakel_core::stats::{MonthlyRequest, MonthlyStats};
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;

use crate::error::{AppError, AppResult};
use crate::state::{blocking, with_store};

/// `SCHAKEL_EXPORT_DIR`, honoured in test mode only: exports go to
/// `<dir>/<default file name>` without a dialog.
pub const EXPORT_DIR_ENV: &str = "SCHAKEL_EXPORT_DIR";

#[tauri::command]
pub async fn monthly_statistics(app: AppHandle, request: MonthlyRequest) -> AppResult<MonthlyStats> {
    with_store(app, move |store| store.monthly_statistics(&request)).await
}

/// Computes the month's statistics, asks where to save them and writes the file. The
/// saved file's name, or `None` when the user cancelled the dialog.
#[tauri::command]
pub async fn export_monthly_statistics(
    app: AppHandle,
    request: MonthlyRequest,
    options: ExportOptions,
) -> AppResult<Option<String>> {
    // The store is held only while counting, not while the dialog is open.
    let stats = with_store(app.clone(), move |store| store.monthly_statistics(&request)).await?;
    let dialog_app = app.clone();
    blocking(app, move |state| {
        let format = options.format;
        let suggested = file_name(&stats, format);
        let Some(path) = destination(&dialog_app, &suggested, format)? else {
            log::info!("statistics export cancelled");
            return Ok(None);
        };
        // Nothing leaves without its entry in the audit log: if the store was locked
        // while the dialog was open, the export is refused (unlock and export again).
        state.slot().as_ref().ok_or(AppError::Locked)?.record_statistics_export(&stats, format)?;
        write_file(&stats, &options, &path)?;
        log::info!("statistics exported as {}", format.extension());
        Ok(Some(path.file_name().map_or(suggested, |n| n.to_string_lossy().into_owned())))
    })
    .await
}

/// Where to write: `SCHAKEL_EXPORT_DIR` in test mode, else the user's choice in a save
/// dialog (on this blocking thread; `None` if cancelled).
fn destination(app: &AppHandle, suggested: &str, format: Format) -> AppResult<Option<PathBuf>> {
    if let Some(dir) = crate::test_mode().then(|| std::env::var_os(EXPORT_DIR_ENV)).flatten() {
        return Ok(Some(PathBuf::from(dir).join(suggested)));
    }
    let mut dialog =
        app.dialog().file().set_file_name(suggested).add_filter(filter_name(format), &[format.extension()]);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    let Some(chosen) = dialog.blocking_save_file() else { return Ok(None) };
    let path = chosen.into_path().map_err(|_| AppError::Internal)?;
    Ok(Some(with_extension(path, format)))
}

fn filter_name(format: Format) -> &'static str {
    match format {
        Format::Csv => "CSV",
        Format::Xlsx => "Excel",
        Format::Json => "JSON",
        Format::Html => "HTML",
    }
}

/// A name typed without an extension gets the format's, unless that would replace a file
/// the dialog did not ask about.
fn with_extension(path: PathBuf, format: Format) -> PathBuf {
    if path.extension().is_some() {
        return path;
    }
    let candidate = path.with_extension(format.extension());
    if exists(&candidate) { path } else { candidate }
}

fn exists(path: &Path) -> bool {
    path.try_exists().unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_name_gets_the_extension_unless_that_file_exists() {
        let dir = std::env::temp_dir().join(format!("schakel-app-ext-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(with_extension(dir.join("maart"), Format::Xlsx), dir.join("maart.xlsx"));
        assert_eq!(with_extension(dir.join("maart.txt"), Format::Csv), dir.join("maart.txt"));
        std::fs::write(dir.join("april.json"), b"{}").unwrap();
        assert_eq!(with_extension(dir.join("april"), Format::Json), dir.join("april"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
