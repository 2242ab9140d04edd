//! The rights checklist of a case.

use chrono::NaiveDate;
use schakel_core::rights::{NewRightsCheck, RightStep};
use tauri::AppHandle;
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::with_store;

#[tauri::command]
pub async fn add_rights_check(app: AppHandle, input: NewRightsCheck) -> AppResult<Uuid> {
    with_store(app, move |store| store.write(|w| w.add_rights_check(&input))).await
}

#[tauri::command]
pub async fn set_right_step(app: AppHandle, id: Uuid, step: RightStep, on: NaiveDate) -> AppResult<()> {
    with_store(app, move |store| store.write(|w| w.set_right_step(id, step, on))).await
}

/// Why a right is not taken up, and what stands in the way (codes; `null` clears).
#[tauri::command]
pub async fn set_non_take_up(
    app: AppHandle,
    id: Uuid,
    reason: Option<String>,
    barrier: Option<String>,
) -> AppResult<()> {
    with_store(app, move |store| {
        store.write(|w| w.set_non_take_up(id, reason.as_deref(), barrier.as_deref()))
    })
    .await
}
