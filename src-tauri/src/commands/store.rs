//! Creating, unlocking and locking the store.

use schakel_core::partners::PartnerKind;
use schakel_core::{InitStore, Store};
use serde::Serialize;
use tauri::AppHandle;
use zeroize::Zeroizing;

use crate::error::AppResult;
use crate::state::blocking;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum StoreStatus {
    /// No store at the configured path: show "create a store".
    Missing,
    /// A store exists and is not open: show the unlock screen.
    Locked,
    Unlocked,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct CreatedStore {
    /// Shown once, for printing; never stored in the clear.
    pub recovery_key: String,
}

#[tauri::command]
pub async fn store_status(app: AppHandle) -> AppResult<StoreStatus> {
    blocking(app, |state| {
        Ok(if state.slot().is_some() {
            StoreStatus::Unlocked
        } else if state.store_path.exists() {
            StoreStatus::Locked
        } else {
            StoreStatus::Missing
        })
    })
    .await
}

/// Creates the store at the configured path and leaves it unlocked.
#[tauri::command]
pub async fn create_store(
    app: AppHandle,
    partner_kind: PartnerKind,
    partner_name: String,
    municipality: Option<String>,
    worker_name: String,
    passphrase: String,
) -> AppResult<CreatedStore> {
    let passphrase = Zeroizing::new(passphrase);
    blocking(app, move |state| {
        let init = InitStore { partner_kind, partner_name, municipality, worker_name };
        let mut slot = state.slot();
        let (store, recovery) = Store::create(&state.store_path, &init, &passphrase)?;
        *slot = Some(store);
        log::info!("store created");
        Ok(CreatedStore { recovery_key: recovery.as_str().to_owned() })
    })
    .await
}

/// Opens the store with a passphrase (Argon2id: about a second). Unlocking an already
/// unlocked store changes nothing.
#[tauri::command]
pub async fn unlock(app: AppHandle, passphrase: String) -> AppResult<()> {
    let passphrase = Zeroizing::new(passphrase);
    blocking(app, move |state| {
        let mut slot = state.slot();
        if slot.is_none() {
            *slot = Some(Store::open(&state.store_path, &passphrase)?);
            log::info!("store unlocked");
        }
        Ok(())
    })
    .await
}

/// Closes the store: the connection and the file lock are released and the data key is
/// zeroized. Locking a locked store changes nothing.
#[tauri::command]
pub async fn lock(app: AppHandle) -> AppResult<()> {
    blocking(app, |state| {
        if let Some(store) = state.slot().take() {
            drop(store);
            log::info!("store locked");
        }
        Ok(())
    })
    .await
}
