//! What the shell keeps between commands: where the store is, the open store (if
//! unlocked), when the user last did something and after how long idle it locks.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use schakel_core::Store;
use schakel_core::settings::Settings;
use tauri::{AppHandle, Manager};
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::hub_sync::HubSync;

pub struct AppState {
    pub store_path: PathBuf,
    store: Mutex<Option<Store>>,
    last_activity: Mutex<Instant>,
    idle_limit: Mutex<Duration>,
    /// `SCHAKEL_AUTO_LOCK_SECONDS` in test mode: replaces the store's setting.
    idle_override: Option<Duration>,
    /// Follow-ups already announced by a desktop notification in this unlocked session.
    pub notified: Mutex<HashSet<Uuid>>,
    /// The hub sync loop's status and signals (`hub_sync.rs`).
    pub hub: HubSync,
    /// Files last dropped onto the window, until the UI imports them (the web view gets
    /// their names only).
    dropped: Mutex<Vec<PathBuf>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl AppState {
    pub fn new(store_path: PathBuf, idle_override: Option<Duration>) -> Self {
        AppState {
            store_path,
            store: Mutex::new(None),
            last_activity: Mutex::new(Instant::now()),
            idle_limit: Mutex::new(Duration::from_secs(
                u64::from(Settings::default().auto_lock_minutes) * 60,
            )),
            idle_override,
            notified: Mutex::new(HashSet::new()),
            hub: HubSync::default(),
            dropped: Mutex::new(Vec::new()),
        }
    }

    /// The store slot. A panic in another command must not lock the user out: every
    /// write is one transaction that rolled back when its `Writer` unwound, so the
    /// store behind a poisoned mutex is still consistent.
    pub fn slot(&self) -> MutexGuard<'_, Option<Store>> {
        lock(&self.store)
    }

    /// Closes the open store, if any, saying why in its audit log (`reason`: "locked",
    /// "idle"): the connection closes, the file lock is released and the data key is
    /// zeroized (`DataKey` zeroizes on drop). True if it was open.
    pub fn lock_store(&self, reason: &str) -> bool {
        let store = self.slot().take();
        lock(&self.notified).clear();
        lock(&self.dropped).clear();
        // The hub connection ends with the session.
        self.hub.changed();
        match store {
            Some(store) => {
                if let Err(e) = store.close(reason) {
                    log::warn!("the end of the session was not recorded: {}", e.kind().as_str());
                }
                true
            }
            None => false,
        }
    }

    /// Keeps the files dropped onto the window (replacing an earlier drop not imported).
    pub fn set_dropped(&self, paths: Vec<PathBuf>) {
        *lock(&self.dropped) = paths;
    }

    /// The files dropped onto the window, once.
    pub fn take_dropped(&self) -> Vec<PathBuf> {
        std::mem::take(&mut *lock(&self.dropped))
    }

    pub fn touch(&self) {
        *lock(&self.last_activity) = Instant::now();
    }

    pub fn idle_for(&self, now: Instant) -> Duration {
        now.saturating_duration_since(*lock(&self.last_activity))
    }

    pub fn set_idle_limit(&self, settings: &Settings) {
        *lock(&self.idle_limit) = Duration::from_secs(u64::from(settings.auto_lock_minutes) * 60);
    }

    pub fn idle_limit(&self) -> Duration {
        self.idle_override.unwrap_or_else(|| *lock(&self.idle_limit))
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
