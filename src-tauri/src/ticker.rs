//! One background thread for what must happen while nobody clicks: auto-lock after the
//! idle time, and the desktop reminder for follow-ups due today (desktop notifications
//! cannot be scheduled, so the running app checks). It never counts as activity.
//!
//! Both reach the UI as events; the UI shows the unlock screen, and words the
//! notification in the worker's language.

use std::thread;
use std::time::{Duration, Instant};

use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppState;

/// How often the thread wakes.
const TICK: Duration = Duration::from_secs(1);
/// How often follow-ups are checked for a reminder.
const REMINDER_EVERY: Duration = Duration::from_secs(60);

/// Event: the store was locked without the worker asking: idle time, a locked screen or
/// sleep (`AutoLocked::reason`).
pub const AUTO_LOCKED: &str = "auto-locked";
/// Event: follow-ups are due today that were not announced yet.
pub const REMINDER: &str = "reminder";

/// Why the store locked itself. Also the reason written to the audit log's session end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// Nobody used the app for the idle time.
    Idle,
    /// The operating system locked the screen (`os_lock`).
    ScreenLocked,
    /// The machine is going to sleep or hibernate (`os_lock`).
    Sleep,
}

impl LockReason {
    pub fn as_str(self) -> &'static str {
        match self {
            LockReason::Idle => "idle",
            LockReason::ScreenLocked => "screen_locked",
            LockReason::Sleep => "sleep",
        }
    }
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AutoLocked {
    pub reason: LockReason,
    /// The idle time that expired, in seconds (for `idle`; the current setting otherwise).
    pub idle_seconds: u32,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Reminder {
    /// The worker's open follow-ups due today (overdue ones not counted).
    pub due_today: u32,
    /// How many of them were not announced before in this session.
    pub new: u32,
}

/// Whether the store should lock now.
pub fn idle_expired(idle: Duration, limit: Duration) -> bool {
    idle >= limit
}

/// Starts the thread. Without it there is no auto-lock, so failing to start it stops the app.
pub fn spawn(app: AppHandle) -> std::io::Result<()> {
    thread::Builder::new().name("schakel-ticker".into()).spawn(move || {
        let mut last_reminder: Option<Instant> = None;
        loop {
            thread::sleep(TICK);
            let state = app.state::<AppState>();
            let now = Instant::now();
            let limit = state.idle_limit();
            if state.slot().is_some() && idle_expired(state.idle_for(now), limit) {
                auto_lock(&app, LockReason::Idle);
                last_reminder = None;
                continue;
            }
            if last_reminder.is_none_or(|t| now.duration_since(t) >= REMINDER_EVERY) {
                last_reminder = Some(now);
                if let Some(r) = reminder(&state) {
                    let _ = app.emit(REMINDER, r);
                }
            }
        }
    })?;
    Ok(())
}

/// Locks the store if it is open, exactly as the worker's own lock does (connection
/// closed, file lock released, data key zeroized), records `reason` as the session's end
/// and tells the UI. Safe from any thread; false, and no event, if it was not open.
pub fn auto_lock(app: &AppHandle, reason: LockReason) -> bool {
    let state = app.state::<AppState>();
    if !state.lock_store(reason.as_str()) {
        return false;
    }
    log::info!("store locked: {}", reason.as_str());
    let idle_seconds = u32::try_from(state.idle_limit().as_secs()).unwrap_or(u32::MAX);
    let _ = app.emit(AUTO_LOCKED, AutoLocked { reason, idle_seconds });
    true
}

/// The follow-ups due today not announced yet, if any. `None` when locked.
fn reminder(state: &AppState) -> Option<Reminder> {
    let slot = state.slot();
    let store = slot.as_ref()?;
    let today = store.today();
    let due_today = match store.follow_ups_due_on(store.actor().worker_id, today) {
        Ok(ids) => ids,
        Err(e) => {
            log::info!("reminder check failed: {}", e.kind().as_str());
            return None;
        }
    };
    let mut notified = state.notified.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let new = due_today.iter().filter(|id| notified.insert(**id)).count();
    (new > 0).then(|| Reminder {
        due_today: u32::try_from(due_today.len()).unwrap_or(u32::MAX),
        new: u32::try_from(new).unwrap_or(u32::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_when_the_idle_time_is_reached_not_before() {
        let limit = Duration::from_secs(600);
        assert!(!idle_expired(Duration::from_secs(599), limit));
        assert!(idle_expired(Duration::from_secs(600), limit));
        assert!(idle_expired(Duration::from_secs(4000), limit));
    }

    #[test]
    fn lock_reasons_reach_the_ui_and_the_audit_log_by_stable_names() {
        for (reason, name) in [
            (LockReason::Idle, "idle"),
            (LockReason::ScreenLocked, "screen_locked"),
            (LockReason::Sleep, "sleep"),
        ] {
            assert_eq!(reason.as_str(), name);
            let event = serde_json::to_value(AutoLocked { reason, idle_seconds: 600 }).unwrap();
            assert_eq!(event["reason"], name);
        }
    }
}
