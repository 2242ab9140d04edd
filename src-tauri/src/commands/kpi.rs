//! Key figures for coordinators: referral times over a period.

use schakel_core::kpi::{KpiFilter, ReferralKpis};
use tauri::AppHandle;

use crate::error::AppResult;
use crate::state::with_store;

#[tauri::command]
pub async fn referral_kpis(app: AppHandle, filter: KpiFilter) -> AppResult<ReferralKpis> {
    with_store(app, move |store| store.referral_kpis(&filter)).await
}
