//! Native file dialogs for the exchange, opened here in Rust so the web view never names a
//! path. In test mode two variables stand in for them (the end-to-end tests cannot click a
//! GTK dialog): `SCHAKEL_EXPORT_DIR` (a save goes to `<dir>/<suggested name>`, as for
//! statistics and backups) and `SCHAKEL_OPEN_FILES` (an open dialog answers with these
//! files, separated like `PATH`).

use std::path::PathBuf;

use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;

use crate::commands::stats::EXPORT_DIR_ENV;
use crate::error::{AppError, AppResult};

/// `SCHAKEL_OPEN_FILES`, honoured in test mode only: what an exchange open dialog answers.
pub const OPEN_FILES_ENV: &str = "SCHAKEL_OPEN_FILES";

/// Where to save a file suggested as `suggested`: `SCHAKEL_EXPORT_DIR` in test mode, else
/// the user's choice (`None` if cancelled). A name typed without an extension gets `ext`,
/// unless a file of that name exists (the dialog did not ask about that one).
pub fn save_path(app: &AppHandle, suggested: &str, filter: &str, ext: &str) -> AppResult<Option<PathBuf>> {
    if let Some(dir) = crate::test_mode().then(|| std::env::var_os(EXPORT_DIR_ENV)).flatten() {
        return Ok(Some(PathBuf::from(dir).join(suggested)));
    }
    let mut dialog = app.dialog().file().set_file_name(suggested).add_filter(filter, &[ext]);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    let Some(chosen) = dialog.blocking_save_file() else { return Ok(None) };
    let path = chosen.into_path().map_err(|_| AppError::Internal)?;
    if path.extension().is_some() {
        return Ok(Some(path));
    }
    let candidate = path.with_extension(ext);
    Ok(Some(if candidate.try_exists().unwrap_or(true) { path } else { candidate }))
}

/// The files the user picks (one, or several with `many`): `SCHAKEL_OPEN_FILES` in test
/// mode, else an open dialog (`None` if cancelled).
pub fn open_paths(
    app: &AppHandle,
    filter: &str,
    exts: &[&str],
    many: bool,
) -> AppResult<Option<Vec<PathBuf>>> {
    if let Some(list) = crate::test_mode().then(|| std::env::var_os(OPEN_FILES_ENV)).flatten() {
        let files: Vec<PathBuf> =
            std::env::split_paths(&list).filter(|p| !p.as_os_str().is_empty()).collect();
        return Ok((!files.is_empty()).then_some(files));
    }
    let mut dialog = app.dialog().file().add_filter(filter, exts);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    let chosen = if many {
        dialog.blocking_pick_files().unwrap_or_default()
    } else {
        dialog.blocking_pick_file().into_iter().collect()
    };
    if chosen.is_empty() {
        return Ok(None);
    }
    let paths = chosen
        .into_iter()
        .map(|f| f.into_path().map_err(|_| AppError::Internal))
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Some(paths))
}

/// The name of a file without its folder, for the UI.
pub fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Reads a small text file (a card, a CA certificate), refusing one over `max` bytes.
pub fn read_small_text(path: &std::path::Path, field: &str, max: u64) -> AppResult<String> {
    let len = std::fs::metadata(path).map_err(schakel_core::Error::from)?.len();
    if len > max {
        return Err(AppError::Core(schakel_core::Error::validation(
            field,
            format!("the file is larger than {max} bytes"),
        )));
    }
    let bytes = std::fs::read(path).map_err(schakel_core::Error::from)?;
    String::from_utf8(bytes)
        .map_err(|_| AppError::Core(schakel_core::Error::validation(field, "not a text file")))
}
