//! Follow-up dates: creating, completing and rescheduling them.

use chrono::NaiveDate;
use schakel_core::follow_ups::NewFollowUp;
use tauri::AppHandle;
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::with_store;

#[tauri::command]
pub async fn add_follow_up(app: AppHandle, input: NewFollowUp) -> AppResult<Uuid> {
    with_store(app, move |store| store.write(|w| w.add_follow_up(&input))).await
}

#[tauri::command]
pub async fn complete_follow_up(app: AppHandle, id: Uuid, on: NaiveDate) -> AppResult<()> {
    with_store(app, move |store| store.write(|w| w.complete_follow_up(id, on))).await
}

#[tauri::command]
pub async fn reschedule_follow_up(app: AppHandle, id: Uuid, due_on: NaiveDate) -> AppResult<()> {
    with_store(app, move |store| store.write(|w| w.reschedule_follow_up(id, due_on))).await
}
