//! Referrals: creating one and recording what happened to it (consent, warm steps,
//! sending, the receiver's answer, first contact, the end).

use schakel_core::referrals::{Applied, NewEvent, NewReferral};
use tauri::AppHandle;
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::with_store;

#[tauri::command]
pub async fn create_referral(app: AppHandle, input: NewReferral) -> AppResult<Uuid> {
    with_store(app, move |store| store.write(|w| w.create_referral(&input))).await
}

#[tauri::command]
pub async fn record_event(app: AppHandle, input: NewEvent) -> AppResult<Applied> {
    with_store(app, move |store| store.write(|w| w.record_event(&input))).await
}
