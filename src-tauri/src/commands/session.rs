//! The session: who is working, the store's settings, activity for auto-lock.

use schakel_core::settings::{SessionInfo, Settings};
use schakel_core::store::{PassphraseStrength, passphrase_strength};
use tauri::{AppHandle, Manager, State};
use zeroize::Zeroizing;

use crate::error::AppResult;
use crate::state::{AppState, with_store};

#[tauri::command]
pub async fn session(app: AppHandle) -> AppResult<SessionInfo> {
    with_store(app, |store| store.session_info()).await
}

/// Saves the settings and applies the auto-lock time at once.
#[tauri::command]
pub async fn save_settings(app: AppHandle, settings: Settings) -> AppResult<Settings> {
    let handle = app.clone();
    let saved = with_store(app, move |store| {
        store.write(|w| w.set_settings(&settings))?;
        store.settings()
    })
    .await?;
    handle.state::<AppState>().set_idle_limit(&saved);
    Ok(saved)
}

/// Changes the unlocked worker's own passphrase; every role may. Core judges the new one's
/// strength, refuses a current passphrase that is not this worker's (`wrong_passphrase`),
/// rewraps only this worker's key slot and records `passphrase.change` in the audit log.
#[tauri::command]
pub async fn change_passphrase(
    app: AppHandle,
    old_passphrase: String,
    new_passphrase: String,
) -> AppResult<()> {
    let old_passphrase = Zeroizing::new(old_passphrase);
    let new_passphrase = Zeroizing::new(new_passphrase);
    with_store(app, move |store| store.change_passphrase(&old_passphrase, &new_passphrase)).await?;
    log::info!("passphrase changed");
    Ok(())
}

/// The user did something in the window (typing, clicking) without calling a command.
#[tauri::command]
pub fn activity(state: State<'_, AppState>) {
    state.touch();
}

/// Feedback while a new passphrase is typed; the same rule decides when it is saved.
#[tauri::command]
pub async fn passphrase_strength_of(passphrase: String) -> PassphraseStrength {
    let passphrase = Zeroizing::new(passphrase);
    tauri::async_runtime::spawn_blocking(move || passphrase_strength(&passphrase))
        .await
        .unwrap_or(PassphraseStrength { score: 0, acceptable: false, too_short: true })
}
