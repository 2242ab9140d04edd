//! The identifier check, run while the worker types so the problem shows before saving.
//! Saving checks again in core whatever the UI did.

use schakel_core::privacy::identifiers::{Finding, find_identifiers};
use tauri::State;

use crate::state::AppState;

/// Where `text` holds an identifier of a person (kinds and character offsets, never the
/// values). Typing counts as activity for auto-lock. Pure and fast (microseconds for a
/// long note), so it runs on the calling thread and needs no unlocked store.
#[tauri::command]
pub fn check_text(state: State<'_, AppState>, text: String) -> Vec<Finding> {
    state.touch();
    find_identifiers(&text)
}
