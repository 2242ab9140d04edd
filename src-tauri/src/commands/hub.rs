//! The hub for administrators (where it is, its CA, the partner role's password) and the
//! sync loop's status for everyone who exchanges (`hub_sync.rs`). The CA certificate is
//! picked in a dialog opened here; the web view gets its text (public) and the file's name.

use schakel_core::exchange::{HubSettings, HubStatus};
use serde::Serialize;
use tauri::{AppHandle, Manager};
use zeroize::Zeroizing;

use crate::dialogs;
use crate::error::AppResult;
use crate::hub_sync::HubSyncStatus;
use crate::state::{AppState, blocking, with_store};

/// A CA certificate is a few kilobytes; the PEM goes back through `set_hub`, whose strings
/// `ipc_limits` bounds, so a larger file is refused here, when it is picked.
const MAX_CA_BYTES: u64 = crate::ipc_limits::MAX_STRING_CHARS as u64;

/// A CA certificate picked in the open dialog.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PickedCa {
    pub file: String,
    pub pem: String,
}

#[tauri::command]
pub async fn hub_status(app: AppHandle) -> AppResult<HubStatus> {
    with_store(app, |store| store.hub_status()).await
}

/// Sets this store's hub and its partner role's password (kept in the encrypted store);
/// the sync loop connects anew.
#[tauri::command]
pub async fn set_hub(app: AppHandle, settings: HubSettings, password: String) -> AppResult<HubStatus> {
    let password = Zeroizing::new(password);
    let handle = app.clone();
    let status = with_store(app, move |store| {
        store.set_hub(Some((&settings, &password)))?;
        store.hub_status()
    })
    .await?;
    handle.state::<AppState>().hub.changed();
    log::info!("hub set");
    Ok(status)
}

/// Forgets this store's hub; the sync loop stops.
#[tauri::command]
pub async fn forget_hub(app: AppHandle) -> AppResult<()> {
    let handle = app.clone();
    with_store(app, |store| store.set_hub(None)).await?;
    handle.state::<AppState>().hub.changed();
    log::info!("hub forgotten");
    Ok(())
}

/// Picks the hub's CA certificate (PEM) in an open dialog; `None` when cancelled.
#[tauri::command]
pub async fn pick_hub_ca(app: AppHandle) -> AppResult<Option<PickedCa>> {
    let dialog_app = app.clone();
    blocking(app, move |_| {
        let Some(paths) = dialogs::open_paths(&dialog_app, "PEM", &["pem", "crt", "cer"], false)? else {
            return Ok(None);
        };
        let Some(path) = paths.into_iter().next() else { return Ok(None) };
        let pem = dialogs::read_small_text(&path, "ca_cert", MAX_CA_BYTES)?;
        Ok(Some(PickedCa { file: dialogs::file_name(&path), pem }))
    })
    .await
}

/// The sync loop's status (also sent as the `hub-sync` event whenever it changes).
#[tauri::command]
pub fn hub_sync_status(state: tauri::State<'_, AppState>) -> HubSyncStatus {
    state.hub.status()
}

/// "Nu synchroniseren": a round as soon as the loop can.
#[tauri::command]
pub fn sync_hub_now(state: tauri::State<'_, AppState>) {
    state.touch();
    state.hub.sync_now();
}
