//! Signals: structural problems noticed in a case, for the network's policy work.

use schakel_core::signals::NewSignal;
use tauri::AppHandle;
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::with_store;

#[tauri::command]
pub async fn add_signal(app: AppHandle, input: NewSignal) -> AppResult<Uuid> {
    with_store(app, move |store| store.write(|w| w.add_signal(&input))).await
}
