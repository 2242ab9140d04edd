//! The case list, one case with its timeline, and opening a case.

use schakel_core::cases::{Case, CaseFilter, CasePage, NewCase};
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
