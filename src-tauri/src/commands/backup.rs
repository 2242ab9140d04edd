//! Backups from the app: the save dialog is opened here, from Rust, so the web view never
//! names a path (as for statistics exports); in test mode `SCHAKEL_EXPORT_DIR` replaces
//! the dialog. A restore opens the file dialog here too (`SCHAKEL_RESTORE_FILE` in test
//! mode names the file); core checks the backup while the store is still open, then ends
//! the session and restores, so the app is locked afterwards. Log lines name the event,
//! never a path.

use std::path::PathBuf;

use schakel_core::access::Permission;
use schakel_core::backup::{BackupStatus, EXTENSION, default_file_name};
use serde::Serialize;
use tauri::{AppHandle, Manager};
use tauri_plugin_dialog::DialogExt;
use zeroize::Zeroizing;

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

/// `SCHAKEL_RESTORE_FILE`, honoured in test mode only: the backup a restore reads,
/// without a dialog.
pub const RESTORE_FILE_ENV: &str = "SCHAKEL_RESTORE_FILE";

/// What a restore did: the store is locked again and holds the backup's content.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct RestoredBackup {
    /// The chosen file's name (not its folder).
    pub file: String,
    /// When the restored backup was made (Unix ms).
    #[ts(type = "number")]
    pub created_at: i64,
}

/// Asks which backup to restore and restores it over the open store with `passphrase`
/// (one that opened the store when the backup was made). `None` when the dialog was
/// cancelled. A backup that is refused (wrong passphrase, damaged, another store's) leaves
/// the session open; after the restore, and if the restore itself fails, the store is
/// locked and the UI shows the unlock screen.
#[tauri::command]
pub async fn restore_backup(app: AppHandle, passphrase: String) -> AppResult<Option<RestoredBackup>> {
    let passphrase = Zeroizing::new(passphrase);
    // Asked before the dialog, so that a worker who may not restore sees no dialog.
    with_store(app.clone(), |store| store.require(Permission::Maintenance)).await?;
    let dialog_app = app.clone();
    let Some(path) = blocking(app.clone(), move |_| source(&dialog_app)).await? else {
        log::info!("restore cancelled");
        return Ok(None);
    };
    blocking(app, move |state| {
        let mut slot = state.slot();
        let plan = slot.as_ref().ok_or(AppError::Locked)?.prepare_restore(&path, &passphrase)?;
        let store = slot.take().ok_or(AppError::Locked)?;
        state.hub.changed();
        if let Ok(mut notified) = state.notified.lock() {
            notified.clear();
        }
        let info = store.restore_prepared(plan)?;
        log::info!("backup restored; the store is locked");
        Ok(Some(RestoredBackup {
            file: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            created_at: info.backup.created_at,
        }))
    })
    .await
}

/// The backup to restore: `SCHAKEL_RESTORE_FILE` in test mode, else the user's choice in
/// an open dialog (`None` if cancelled).
fn source(app: &AppHandle) -> AppResult<Option<PathBuf>> {
    if let Some(file) = crate::test_mode().then(|| std::env::var_os(RESTORE_FILE_ENV)).flatten() {
        return Ok(Some(PathBuf::from(file)));
    }
    let mut dialog = app.dialog().file().add_filter("Schakel backup", &[EXTENSION]);
    if let Some(window) = app.get_webview_window("main") {
        dialog = dialog.set_parent(&window);
    }
    let Some(chosen) = dialog.blocking_pick_file() else { return Ok(None) };
    Ok(Some(chosen.into_path().map_err(|_| AppError::Internal)?))
}

/// The backup file the user chooses (see `dialogs::save_path`).
fn destination(app: &AppHandle, suggested: &str) -> AppResult<Option<PathBuf>> {
    crate::dialogs::save_path(app, suggested, "Schakel backup", EXTENSION)
}
