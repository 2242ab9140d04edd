//! What the shell keeps between commands: where the store is, the open store (if
//! unlocked) and when the user last did something (for auto-lock, coming later).

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use schakel_core::Store;
use tauri::{AppHandle, Manager};

use crate::error::{AppError, AppResult};

pub struct AppState {
    pub store_path: PathBuf,
    store: Mutex<Option<Store>>,
    last_activity: Mutex<Instant>,
}

impl AppState {
    pub fn new(store_path: PathBuf) -> Self {
        AppState { store_path, store: Mutex::new(None), last_activity: Mutex::new(Instant::now()) }
    }

    /// The store slot. A panic in another command must not lock the user out: every
    /// write is one transaction that rolled back when its `Writer` unwound, so the
    /// store behind a poisoned mutex is still consistent.
    pub fn slot(&self) -> MutexGuard<'_, Option<Store>> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn touch(&self) {
        *self.last_activity.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    pub fn last_activity(&self) -> Instant {
        *self.last_activity.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs `f` on a blocking thread, so the UI thread never waits on SQLCipher or Argon2.
pub async fn blocking<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&AppState) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let result = tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        state.touch();
        f(&state)
    })
    .await
    .map_err(|_| AppError::Internal)?;
    if let Err(e) = &result {
        log::info!("command failed: {}", e.kind_str());
    }
    result
}

/// Runs `f` with the unlocked store on a blocking thread; `locked` if there is none.
pub async fn with_store<T: Send + 'static>(
    app: AppHandle,
    f: impl FnOnce(&mut Store) -> schakel_core::Result<T> + Send + 'static,
) -> AppResult<T> {
    blocking(app, |state| {
        let mut slot = state.slot();
        let store = slot.as_mut().ok_or(AppError::Locked)?;
        Ok(f(store)?)
    })
    .await
}
