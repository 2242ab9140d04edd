//! Backups from the app: the save dialog is opened here, from Rust, so the web view never
//! names a path (as for statistics exports); in test mode `SCHAKEL_EXPORT_DIR` replaces
//! the dialog. Restoring needs the store closed and stays on the command line for now
//! (`schakel backup restore`). Log lines name the event, never a path.

use std::path::PathBuf;

use schakel_core::backup::{BackupStatus, EXTENSION, default_file_name};
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;

use crate::commands::stats::EXPORT_DIR_ENV;
use crate::error::{AppError, AppResult};
use crate::state::{blocking, with_store};

/// When the last backup was made and whether the reminder is due.
#[tauri::command]
pub async fn backup_status(app: AppHandle) -> AppResult<BackupStatus> {
    with_store(app, |store| store.backup_status()).await
}

/// Asks where to save and writes a backup there. The saved file's name, or `None` when
/// the user cancelled the dialog.
#[tauri::command]
pub async fn create_backup(app: AppHandle) -> AppResult<Option<String>> {
    let dialog_app = app.clone();
    blocking(app, move |state| {
        let suggested = default_file_name(schakel_core::dates::now_ms());
        // The store is not held while the dialog is open.
        let Some(path) = destination(&dialog_app, &suggested)? else {
            log::info!("backup cancelled");
            return Ok(None);
        };
        state.slot().as_ref().ok_or(AppError::Locked)?.backup_to(&path)?;
        log::info!("backup written");
        Ok(Some(path.file_name().map_or(suggested, |n| n.to_string_lossy().into_owned())))
    })
    .await
}

/// `SCHAKEL_EXPORT_DIR` in test mode, else the user's choice in a save dialog (`None` if
/// cancelled). A name typed without an extension gets `.schakelbackup`, unless a file of
/// that name exists (the dialog did not ask about that one).
fn destination(app: &AppHandle, suggested: &str) -> AppResult<Option<PathBuf>> {
    if let Some(dir) = crate::test_mode().then(|| std::env::var_os(EXPORT_DIR_ENV)).flatten() {
        return Ok(Some(PathBuf::from(dir).join(suggested)));
    }
    let mut dialog = app.dialog().file().set_file_name(suggested).add_filter("Schakel backup", &[EXTENSION]);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    let Some(chosen) = dialog.blocking_save_file() else { return Ok(None) };
    let path = chosen.into_path().map_err(|_| AppError::Internal)?;
    if path.extension().is_some() {
        return Ok(Some(path));
    }
    let candidate = path.with_extension(EXTENSION);
    Ok(Some(if candidate.try_exists().unwrap_or(true) { path } else { candidate }))
}
