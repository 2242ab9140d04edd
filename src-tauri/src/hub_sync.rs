//! The hub sync loop: one background thread that, while the store is unlocked and a hub is
//! set, keeps a connection to the hub and runs a round (`Store::sync_hub`) when the hub
//! wakes it, when the worker asks ("Nu synchroniseren"), and at least once a minute (so
//! what was recorded here goes out). Locking the store ends the connection.
//!
//! The store is behind the app state's mutex: connecting and waiting happen without it;
//! it is held only to read the hub's settings and for the round itself. Whatever goes wrong
//! ends up in the status, which reaches the UI as the `hub-sync` event; nothing of it can
//! stop the app.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use schakel_core::ErrorKind;
use schakel_core::exchange::hub::Hub;
use schakel_core::exchange::{Refused, SyncSummary};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};

use crate::error::{AppError, AppErrorKind};
use crate::state::AppState;

/// Event: the sync loop's status changed ([`HubSyncStatus`]).
pub const HUB_SYNC: &str = "hub-sync";

/// Without a hub (or locked): how often the thread looks again.
const IDLE: Duration = Duration::from_secs(2);
/// After a failed connection: how long before the next try.
const RETRY: Duration = Duration::from_secs(30);
/// The longest wait between two rounds.
const ROUND_EVERY: Duration = Duration::from_secs(60);
/// One wait for the hub's wake-up; between two, the thread sees "sync now" and a lock.
const SLICE: Duration = Duration::from_secs(1);
/// Refused envelopes kept in the status.
const MAX_REFUSED: usize = 50;

/// Where the loop stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum HubSyncState {
    /// The store is locked, or this worker's role does not exchange.
    #[default]
    Off,
    /// No hub is set for this store.
    NotConfigured,
    Connecting,
    Syncing,
    /// Connected, waiting for the hub's wake-up or the next round.
    Waiting,
    /// The last connection or round failed (see `last_error`); it is tried again.
    Failed,
}

/// An error of the loop, as the UI translates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct HubSyncError {
    pub kind: AppErrorKind,
    /// The core's English text, for "technical details".
    pub message: String,
}

/// The status line of the Exchange screen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct HubSyncStatus {
    pub state: HubSyncState,
    /// `host:port/dbname as role`.
    pub describe: Option<String>,
    /// The last round that ended well (Unix ms).
    #[ts(type = "number | null")]
    pub last_sync_at: Option<i64>,
    /// Items waiting for any partner.
    #[ts(type = "number")]
    pub pending: i64,
    pub last_error: Option<HubSyncError>,
    /// Envelopes refused since the store was unlocked (newest last).
    pub refused: Vec<Refused>,
    /// What the last good round did.
    pub last_round: Option<SyncSummary>,
}

#[derive(Default)]
struct Signal {
    now: bool,
    /// Bumped when the hub's settings change or the store is locked or unlocked: the
    /// connection is made again (or dropped).
    version: u64,
}

/// Shared between the thread and the commands (kept in `AppState`).
#[derive(Default)]
pub struct HubSync {
    status: Mutex<HubSyncStatus>,
    signal: Mutex<Signal>,
    cv: Condvar,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl HubSync {
    pub fn status(&self) -> HubSyncStatus {
        lock(&self.status).clone()
    }

    /// "Nu synchroniseren": a round as soon as possible.
    pub fn sync_now(&self) {
        lock(&self.signal).now = true;
        self.cv.notify_all();
    }

    /// The hub's settings changed, or the store was locked or unlocked.
    pub fn changed(&self) {
        let mut s = lock(&self.signal);
        s.version = s.version.wrapping_add(1);
        s.now = true;
        drop(s);
        self.cv.notify_all();
    }

    fn version(&self) -> u64 {
        lock(&self.signal).version
    }

    /// Whether the thread should stop waiting: "sync now", or a change since `version`.
    fn interrupted(&self, version: u64) -> bool {
        let s = lock(&self.signal);
        s.now || s.version != version
    }

    fn take_now(&self) {
        lock(&self.signal).now = false;
    }

    /// Sleeps up to `d`, or until "sync now" or a change.
    fn wait(&self, d: Duration, version: u64) {
        let guard = lock(&self.signal);
        let _ = self.cv.wait_timeout_while(guard, d, |s| !s.now && s.version == version);
    }

    /// Changes the status; true if it is different now (then the UI is told).
    fn update(&self, f: impl FnOnce(&mut HubSyncStatus)) -> Option<HubSyncStatus> {
        let mut status = lock(&self.status);
        let before = status.clone();
        f(&mut status);
        (*status != before).then(|| status.clone())
    }
}

fn error_of(e: &AppError) -> HubSyncError {
    let r = e.report();
    HubSyncError { kind: r.kind, message: r.message }
}

/// The status after a round.
pub fn after_round(
    status: &mut HubSyncStatus,
    round: Result<SyncSummary, &AppError>,
    last_sync_at: Option<i64>,
    pending: i64,
) {
    status.pending = pending;
    status.last_sync_at = last_sync_at.or(status.last_sync_at);
    match round {
        Ok(summary) => {
            status.state = HubSyncState::Waiting;
            status.last_error = None;
            status.refused.extend(summary.refused.iter().cloned());
            let extra = status.refused.len().saturating_sub(MAX_REFUSED);
            status.refused.drain(..extra);
            status.last_round = Some(summary);
        }
        Err(e) => {
            status.state = HubSyncState::Failed;
            status.last_error = Some(error_of(e));
        }
    }
}

/// Whether an error means the connection is gone (make a new one next time).
fn connection_lost(e: &AppError) -> bool {
    matches!(e, AppError::Core(c) if matches!(c.kind(), ErrorKind::HubUnavailable))
}

/// Starts the thread. The app runs without it (bundles still work), so a failure to start
/// it is logged, not fatal.
pub fn spawn(app: AppHandle) {
    let started = thread::Builder::new().name("schakel-hub".into()).spawn(move || {
        let state = app.state::<AppState>();
        run(
            &state,
            &|status| {
                let _ = app.emit(HUB_SYNC, status);
            },
            &|| false,
        );
    });
    if let Err(e) = started {
        log::warn!("the hub sync thread did not start: {e}");
    }
}

/// Changes the status and tells `emit` when it changed.
fn publish(state: &AppState, emit: &dyn Fn(HubSyncStatus), f: impl FnOnce(&mut HubSyncStatus)) {
    if let Some(status) = state.hub.update(f) {
        emit(status);
    }
}

/// The loop (until `stop` says so; in the app, for as long as it runs). `emit` gets every
/// new status.
pub fn run(state: &AppState, emit: &dyn Fn(HubSyncStatus), stop: &dyn Fn() -> bool) {
    let sync = &state.hub;
    let mut conn: Option<(Hub, u64)> = None;
    while !stop() {
        let version = sync.version();
        // The settings, read with the store held briefly.
        let config = state.slot().as_ref().map(schakel_core::Store::hub_config);
        let config = match config {
            None | Some(Err(_)) => {
                // Locked, or a role that does not exchange: nothing to do.
                conn = None;
                publish(state, emit, |s| *s = HubSyncStatus::default());
                sync.wait(IDLE, version);
                continue;
            }
            Some(Ok(None)) => {
                conn = None;
                publish(state, emit, |s| {
                    *s = HubSyncStatus { state: HubSyncState::NotConfigured, ..HubSyncStatus::default() };
                });
                sync.wait(IDLE, version);
                continue;
            }
            Some(Ok(Some(config))) => config,
        };
        if conn.as_ref().is_none_or(|(_, v)| *v != version) {
            conn = None;
            let describe = config.describe();
            publish(state, emit, |s| {
                s.state = HubSyncState::Connecting;
                s.describe = Some(describe);
            });
            // Without the store: a connection may take seconds.
            match Hub::connect(&config) {
                Ok(hub) => conn = Some((hub, version)),
                Err(e) => {
                    let e = AppError::Core(e);
                    log::info!("hub connection failed: {}", e.kind_str());
                    publish(state, emit, |s| {
                        s.state = HubSyncState::Failed;
                        s.last_error = Some(error_of(&e));
                    });
                    drop(config);
                    sync.wait(RETRY, version);
                    continue;
                }
            }
        }
        drop(config);
        let Some((hub, _)) = conn.as_mut() else { continue };
        sync.take_now();
        publish(state, emit, |s| s.state = HubSyncState::Syncing);
        let round = state.slot().as_mut().map(|store| {
            let round = store.sync_hub(hub).map_err(AppError::Core);
            let status = store.hub_status().ok();
            (round, status)
        });
        let Some((round, status)) = round else { continue };
        let (last_sync_at, pending) = status.map_or((None, 0), |s| (s.last_sync_at, s.pending));
        if let Err(e) = &round {
            log::info!("hub round failed: {}", e.kind_str());
            if connection_lost(e) {
                conn = None;
            }
        }
        publish(state, emit, |s| after_round(s, round.as_ref().map(Clone::clone), last_sync_at, pending));
        // Wait for the hub's wake-up, "sync now", a change or a minute, without the store.
        let Some((hub, _)) = conn.as_mut() else {
            sync.wait(RETRY, version);
            continue;
        };
        let until = Instant::now() + ROUND_EVERY;
        while !sync.interrupted(version) && Instant::now() < until && !stop() {
            match hub.wait_for_wakeup(SLICE) {
                Ok(true) => break,
                Ok(false) => {}
                Err(e) => {
                    let e = AppError::Core(e);
                    log::info!("hub connection lost: {}", e.kind_str());
                    publish(state, emit, |s| {
                        s.state = HubSyncState::Failed;
                        s.last_error = Some(error_of(&e));
                    });
                    conn = None;
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(seq: i64) -> Refused {
        Refused {
            seq,
            sender: uuid::Uuid::nil(),
            kind: ErrorKind::InvalidSignature,
            message: "changed".into(),
        }
    }

    #[test]
    fn a_good_round_clears_the_error_and_keeps_what_was_refused() {
        let mut s = HubSyncStatus { state: HubSyncState::Failed, ..HubSyncStatus::default() };
        s.last_error =
            Some(HubSyncError { kind: AppErrorKind::Core(ErrorKind::HubUnavailable), message: "x".into() });
        let summary = SyncSummary { received: 2, refused: vec![refused(7)], ..SyncSummary::default() };
        after_round(&mut s, Ok(summary), Some(1000), 3);
        assert_eq!(s.state, HubSyncState::Waiting);
        assert!(s.last_error.is_none());
        assert_eq!((s.last_sync_at, s.pending), (Some(1000), 3));
        assert_eq!(s.refused.len(), 1);
        assert_eq!(s.last_round.as_ref().map(|r| r.received), Some(2));
    }

    #[test]
    fn a_failed_round_keeps_the_last_good_time_and_says_why() {
        let mut s = HubSyncStatus { last_sync_at: Some(500), ..HubSyncStatus::default() };
        let e = AppError::Core(schakel_core::Error::HubUnavailable("down".into()));
        after_round(&mut s, Err(&e), None, 4);
        assert_eq!(s.state, HubSyncState::Failed);
        assert_eq!(s.last_sync_at, Some(500));
        assert_eq!(
            s.last_error.as_ref().map(|e| e.kind),
            Some(AppErrorKind::Core(ErrorKind::HubUnavailable))
        );
        assert!(connection_lost(&e));
        let json = serde_json::to_value(&s).unwrap();
        assert_eq!(json["state"], "failed");
        assert_eq!(json["last_error"]["kind"], "hub_unavailable");
    }

    #[test]
    fn refused_envelopes_are_capped() {
        let mut s = HubSyncStatus::default();
        for i in 0..60 {
            let summary = SyncSummary { refused: vec![refused(i)], ..SyncSummary::default() };
            after_round(&mut s, Ok(summary), None, 0);
        }
        assert_eq!(s.refused.len(), MAX_REFUSED);
        assert_eq!(s.refused.last().map(|r| r.seq), Some(59));
    }

    #[test]
    fn sync_now_and_changes_interrupt_a_wait() {
        let sync = HubSync::default();
        let v = sync.version();
        assert!(!sync.interrupted(v));
        sync.sync_now();
        assert!(sync.interrupted(v));
        sync.take_now();
        assert!(!sync.interrupted(v));
        sync.changed();
        assert!(sync.interrupted(v));
        let start = Instant::now();
        sync.wait(Duration::from_secs(5), v);
        assert!(start.elapsed() < Duration::from_secs(1), "a change ends the wait at once");
    }
}
