//! Signals: structural problems noticed in a case, for the network's policy work.

use schakel_core::privacy::WarningOverride;
use schakel_core::signals::NewSignal;
use tauri::AppHandle;
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::with_store;

/// `keep_because`: the worker's reason to keep text the identifier check warns about.
#[tauri::command]
pub async fn add_signal(
    app: AppHandle,
    input: NewSignal,
    keep_because: Option<WarningOverride>,
) -> AppResult<Uuid> {
    with_store(app, move |store| {
        store.write(|w| {
            w.keep_warned_text(keep_because);
            w.add_signal(&input)
        })
    })
    .await
}
