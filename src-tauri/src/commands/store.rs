//! Creating, unlocking and locking the store.

use schakel_core::partners::PartnerKind;
use schakel_core::{InitStore, Store};
use serde::{Deserialize, Serialize};
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

/// First-run input: the worker's own partner, the worker, and the passphrase.
#[derive(Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct CreateStoreInput {
    pub partner_kind: PartnerKind,
    pub partner_name: String,
    #[ts(optional)]
    pub municipality: Option<String>,
    pub worker_name: String,
    pub passphrase: String,
}

/// Creates the store at the configured path and leaves it unlocked.
#[tauri::command]
pub async fn create_store(app: AppHandle, input: CreateStoreInput) -> AppResult<CreatedStore> {
    let CreateStoreInput { partner_kind, partner_name, municipality, worker_name, passphrase } = input;
    let passphrase = Zeroizing::new(passphrase);
    blocking(app, move |state| {
        let init = InitStore { partner_kind, partner_name, municipality, worker_name };
        let mut slot = state.slot();
        let (store, recovery) = Store::create(&state.store_path, &init, &passphrase)?;
        state.set_idle_limit(&store.settings()?);
        *slot = Some(store);
        state.hub.changed();
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
            let store = Store::open(&state.store_path, &passphrase)?;
            state.set_idle_limit(&store.settings()?);
            *slot = Some(store);
            state.hub.changed();
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
        if state.lock_store("locked") {
            log::info!("store locked");
        }
        Ok(())
    })
    .await
}

/// Opens the store with the recovery key and sets a new passphrase for the worker who
/// created it (core checks the new passphrase's strength first); the store stays
/// unlocked as that worker. A wrong recovery key counts as a failed unlock.
#[tauri::command]
pub async fn recover_store(app: AppHandle, recovery_key: String, new_passphrase: String) -> AppResult<()> {
    let recovery_key = Zeroizing::new(recovery_key);
    let new_passphrase = Zeroizing::new(new_passphrase);
    blocking(app, move |state| {
        let mut slot = state.slot();
        if slot.is_some() {
            // Recovery is for a locked store: the unlocked session is ended first, as a lock.
            drop(slot);
            state.lock_store("locked");
            slot = state.slot();
        }
        let store = Store::recover(&state.store_path, &recovery_key, &new_passphrase)?;
        state.set_idle_limit(&store.settings()?);
        *slot = Some(store);
        state.hub.changed();
        log::info!("store recovered with the recovery key");
        Ok(())
    })
    .await
}
