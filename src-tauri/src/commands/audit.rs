//! The audit log (admin): verify the chain, and list it a page at a time.

use schakel_core::audit::{AuditPage, AuditQuery, AuditReport};
use tauri::AppHandle;

use crate::error::AppResult;
use crate::state::with_store;

#[tauri::command]
pub async fn verify_audit(app: AppHandle) -> AppResult<AuditReport> {
    with_store(app, |store| store.verify_audit()).await
}

#[tauri::command]
pub async fn audit_entries(app: AppHandle, query: AuditQuery) -> AppResult<AuditPage> {
    with_store(app, move |store| store.audit_page(&query)).await
}
