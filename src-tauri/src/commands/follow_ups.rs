//! Follow-up dates: creating, completing and rescheduling them.

use chrono::NaiveDate;
use schakel_core::follow_ups::NewFollowUp;
use schakel_core::privacy::WarningOverride;
use tauri::AppHandle;
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::with_store;

/// `keep_because`: the worker's reason to keep text the identifier check warns about.
#[tauri::command]
pub async fn add_follow_up(
    app: AppHandle,
    input: NewFollowUp,
    keep_because: Option<WarningOverride>,
) -> AppResult<Uuid> {
    with_store(app, move |store| {
        store.write(|w| {
            w.keep_warned_text(keep_because);
            w.add_follow_up(&input)
        })
    })
    .await
}

#[tauri::command]
pub async fn complete_follow_up(app: AppHandle, id: Uuid, on: NaiveDate) -> AppResult<()> {
    with_store(app, move |store| store.write(|w| w.complete_follow_up(id, on))).await
}

#[tauri::command]
pub async fn reschedule_follow_up(app: AppHandle, id: Uuid, due_on: NaiveDate) -> AppResult<()> {
    with_store(app, move |store| store.write(|w| w.reschedule_follow_up(id, due_on))).await
}
