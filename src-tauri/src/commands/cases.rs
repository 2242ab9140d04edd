//! The case list, one case with its timeline, and everything done to a case itself:
//! opening, editing the profile, closing, reopening and notes.

use chrono::NaiveDate;
use schakel_core::cases::{Case, CaseFilter, CasePage, CaseProfile, NewCase};
use schakel_core::detail::CaseDetail;
use tauri::AppHandle;
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::with_store;

#[tauri::command]
pub async fn list_cases(app: AppHandle, filter: CaseFilter) -> AppResult<CasePage> {
    with_store(app, move |store| store.list_cases(&filter)).await
}

#[tauri::command]
pub async fn case_detail(app: AppHandle, id: Uuid) -> AppResult<CaseDetail> {
    with_store(app, move |store| store.case_detail(id)).await
}

#[tauri::command]
pub async fn open_case(app: AppHandle, input: NewCase) -> AppResult<Case> {
    with_store(app, move |store| store.write(|w| w.open_case(&input))).await
}

#[tauri::command]
pub async fn update_case(app: AppHandle, id: Uuid, profile: CaseProfile) -> AppResult<()> {
    with_store(app, move |store| store.write(|w| w.update_case(id, &profile))).await
}

#[tauri::command]
pub async fn close_case(app: AppHandle, id: Uuid, on: NaiveDate) -> AppResult<()> {
    with_store(app, move |store| store.write(|w| w.close_case(id, on))).await
}

#[tauri::command]
pub async fn reopen_case(app: AppHandle, id: Uuid) -> AppResult<()> {
    with_store(app, move |store| store.write(|w| w.reopen_case(id))).await
}

#[tauri::command]
pub async fn add_note(
    app: AppHandle,
    case_id: Uuid,
    body: String,
    keep_because: Option<schakel_core::privacy::WarningOverride>,
) -> AppResult<Uuid> {
    with_store(app, move |store| {
        store.write(|w| {
            w.keep_warned_text(keep_because);
            w.add_note(case_id, &body, None)
        })
    })
    .await
}
