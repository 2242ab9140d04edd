//! The identifier check, run while the worker types so the problem shows before saving.
//! Saving checks again in core whatever the UI did.

use schakel_core::privacy::identifiers::{Finding, find_all};
use tauri::{AppHandle, Manager};

use crate::state::AppState;

/// Where `text` holds an identifier of a person (kinds, severities and character offsets,
/// never the values): the ones core refuses (`block`: national/BIS numbers, IBANs, phones,
/// e-mail addresses) and the ones it only warns about (`warn`: dates of birth, street
/// addresses, likely names). Typing counts as activity for auto-lock. Needs no unlocked
/// store. Fast for a note (about a tenth of a millisecond for 2,000 characters), but it
/// runs on a blocking thread all the same: a synchronous command would run on the main
/// thread, where a long text would freeze the window (`ipc_limits` bounds the length).
#[tauri::command]
pub async fn check_text(app: AppHandle, text: String) -> Vec<Finding> {
    app.state::<AppState>().touch();
    // A panic in the check shows no findings; saving checks again in core.
    tauri::async_runtime::spawn_blocking(move || find_all(&text)).await.unwrap_or_default()
}
