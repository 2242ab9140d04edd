//! The "today" view: what needs the worker's attention, as `schakel today` shows it.

use chrono::NaiveDate;
use schakel_core::follow_ups::FollowUp;
use schakel_core::referrals::Referral;
use serde::Serialize;
use tauri::AppHandle;

use crate::error::AppResult;
use crate::state::with_store;

/// Rows per list when the UI asks for no particular number.
const DEFAULT_LIMIT: u32 = 50;
/// The most rows per list, as for a page of the case list: a number from the web view
/// never asks for every row there is.
const MAX_LIMIT: u32 = 500;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Today {
    pub today: NaiveDate,
    /// The worker's own open follow-ups due today or earlier, oldest first.
    pub follow_ups_due: Vec<FollowUp>,
    /// Referrals sent to the worker's partner, waiting for an answer.
    pub incoming_waiting: Vec<Referral>,
    /// Referrals the worker's partner sent, waiting for first contact.
    pub sent_waiting: Vec<Referral>,
    /// Referrals received from partners in other stores and accepted here, waiting for the
    /// first contact (the sender's open referrals, as this store holds them). Empty for a
    /// role that does not exchange.
    pub received_accepted: Vec<Referral>,
}

#[tauri::command]
pub async fn today(app: AppHandle, limit: Option<u32>) -> AppResult<Today> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    with_store(app, move |store| {
        let today = store.today();
        let actor = store.actor();
        let received_accepted = store.received_accepted(limit)?;
        Ok(Today {
            today,
            follow_ups_due: store.due_follow_ups(today, Some(actor.worker_id), limit)?,
            incoming_waiting: store.incoming_waiting(actor.partner_id, limit)?,
            sent_waiting: store.sent_waiting(actor.partner_id, limit)?,
            received_accepted,
        })
    })
    .await
}
