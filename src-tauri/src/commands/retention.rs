//! Retention: the period of closed cases, the preview of a purge and the purge itself.
//! Each maps onto one core call; core checks the roles, the period's range and that the
//! purge removes exactly what the preview (its token) showed.

use schakel_core::retention::{RetentionPreview, RetentionReport, RetentionSetting};
use tauri::AppHandle;

use crate::error::AppResult;
use crate::state::with_store;

/// The period (or none), its bounds and today's cut-off.
#[tauri::command]
pub async fn retention_setting(app: AppHandle) -> AppResult<RetentionSetting> {
    with_store(app, |store| store.retention_setting()).await
}

/// Sets the period in months, or switches it off with `null`.
#[tauri::command]
pub async fn set_retention_months(app: AppHandle, months: Option<u32>) -> AppResult<RetentionSetting> {
    with_store(app, move |store| {
        store.write(|w| w.set_retention_months(months))?;
        store.retention_setting()
    })
    .await
}

/// What a purge today would remove, with the token that purges exactly that.
#[tauri::command]
pub async fn retention_preview(app: AppHandle) -> AppResult<RetentionPreview> {
    with_store(app, |store| store.retention_preview(store.today())).await
}

/// Purges what the preview with `token` showed, or nothing (`preview_changed`).
#[tauri::command]
pub async fn retention_purge(app: AppHandle, token: String) -> AppResult<RetentionReport> {
    let report = with_store(app, move |store| store.retention_purge(&token)).await?;
    log::info!("retention purge: {} case(s)", report.counts.cases);
    Ok(report)
}
