//! Schakel's desktop shell. It knows Tauri and nothing of SQL: every command is a thin
//! call into `schakel-core`, errors cross the IPC boundary as typed reports
//! (`error.rs`), and the store lives in `AppState` while unlocked.

pub mod commands;
#[cfg(test)]
mod config_tests;
pub mod dialogs;
pub mod error;
pub mod hub_sync;
#[cfg(test)]
mod hub_sync_tests;
pub mod ipc_limits;
pub mod os_lock;
pub mod panic_hook;
pub mod state;
pub mod ticker;

use std::path::PathBuf;

use tauri::{AppHandle, Manager};
use tauri_plugin_log::{Target, TargetKind};

use crate::state::AppState;

/// `SCHAKEL_STORE`: an explicit store path (tests, `cargo xtask run` demo stores).
pub const STORE_ENV: &str = "SCHAKEL_STORE";
/// `SCHAKEL_TEST_MODE=1`: never touch the user's data. The store goes to a per-process
/// directory under the system temp dir, which does not depend on the app identifier,
/// logs go to stdout only, and the single-instance guard is off so tests can run apps
/// side by side, and the webview keeps its cache and storage (and the log file) in that
/// directory too.
pub const TEST_MODE_ENV: &str = "SCHAKEL_TEST_MODE";

/// Debug builds only (the end-to-end tests run one): a release build ignores the variable,
/// so no environment can turn off the save dialog, the single-instance guard or the
/// user's auto-lock time.
pub(crate) fn test_mode() -> bool {
    cfg!(debug_assertions) && std::env::var(TEST_MODE_ENV).is_ok_and(|v| v == "1")
}

/// Where the store is: `SCHAKEL_STORE`, else the test-mode temp dir, else
/// `<app data dir>/schakel.db`.
fn store_path(app: &AppHandle) -> tauri::Result<PathBuf> {
    if let Some(p) = std::env::var_os(STORE_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    if test_mode() {
        return Ok(test_dir().join("schakel.db"));
    }
    Ok(app.path().app_data_dir()?.join("schakel.db"))
}

/// `SCHAKEL_AUTO_LOCK_SECONDS`, honoured in test mode only: lets an end-to-end test see
/// auto-lock happen without waiting minutes.
pub const AUTO_LOCK_SECONDS_ENV: &str = "SCHAKEL_AUTO_LOCK_SECONDS";

fn idle_override() -> Option<std::time::Duration> {
    if !test_mode() {
        return None;
    }
    let secs: u64 = std::env::var(AUTO_LOCK_SECONDS_ENV).ok()?.parse().ok()?;
    Some(std::time::Duration::from_secs(secs.max(1)))
}

/// The per-process test-mode directory (identifier-independent, under the temp dir).
fn test_dir() -> PathBuf {
    std::env::temp_dir().join(format!("schakel-test-{}", std::process::id()))
}

/// Creates the main window from `tauri.conf.json` (where it has `"create": false`), so
/// that in test mode its webview data stays out of the user's profile.
fn create_main_window(app: &tauri::App) -> tauri::Result<()> {
    let Some(config) = app.config().app.windows.iter().find(|w| w.label == "main").cloned() else {
        return Err(tauri::Error::WindowNotFound);
    };
    let mut window = tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?;
    if test_mode() {
        window = window.data_directory(test_dir().join("webview"));
    }
    let window = window.build()?;
    // Bundle files dropped onto the window: kept here, named to the UI, imported on its
    // request (the web view never names a path).
    let handle = app.handle().clone();
    window.on_window_event(move |event| {
        if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
            commands::exchange::files_dropped(&handle, paths.clone());
        }
    });
    Ok(())
}

/// Logs only this crate, at info, and never case content: our log lines name events and
/// error kinds only. Everything else (dependencies, and whatever the UI sends through
/// `log:default`, whose target is `webview:…`) is dropped by the `Off` default.
fn log_plugin() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    let file = if test_mode() {
        // Beside the test's store, where the end-to-end tests read it.
        TargetKind::Folder { path: test_dir(), file_name: Some("schakel".into()) }
    } else {
        TargetKind::LogDir { file_name: Some("schakel".into()) }
    };
    let targets = vec![Target::new(TargetKind::Stdout), Target::new(file)];
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets(targets)
        .level(log::LevelFilter::Off)
        .level_for("schakel_app", log::LevelFilter::Info)
        .build()
}

pub fn run() {
    panic_hook::install();
    let mut builder = tauri::Builder::default();
    // Registered first, as the plugin requires: a second launch focuses this window
    // instead of racing for the store's lock.
    if !test_mode() {
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(w) = app.get_webview_window("main") {
                let _ = w.unminimize();
                let _ = w.show();
                let _ = w.set_focus();
            }
        }));
    }
    let result = builder
        .plugin(log_plugin())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_notification::init())
        .setup(|app| {
            let path = store_path(app.handle())?;
            app.manage(AppState::new(path, idle_override()));
            create_main_window(app)?;
            ticker::spawn(app.handle().clone())?;
            hub_sync::spawn(app.handle().clone());
            let handle = app.handle().clone();
            os_lock::spawn(move |reason| {
                ticker::auto_lock(&handle, reason);
            });
            log::info!("Schakel {} started", env!("CARGO_PKG_VERSION"));
            Ok(())
        })
        .invoke_handler(ipc_limits::guard(tauri::generate_handler![
            commands::store::store_status,
            commands::store::create_store,
            commands::store::unlock,
            commands::store::lock,
            commands::session::session,
            commands::session::save_settings,
            commands::session::activity,
            commands::session::passphrase_strength_of,
            commands::session::change_passphrase,
            commands::cases::list_cases,
            commands::cases::case_detail,
            commands::cases::open_case,
            commands::cases::update_case,
            commands::cases::close_case,
            commands::cases::reopen_case,
            commands::cases::add_note,
            commands::referrals::create_referral,
            commands::referrals::record_event,
            commands::rights::add_rights_check,
            commands::rights::set_right_step,
            commands::rights::set_non_take_up,
            commands::follow_ups::add_follow_up,
            commands::follow_ups::complete_follow_up,
            commands::follow_ups::reschedule_follow_up,
            commands::signals::add_signal,
            commands::privacy::check_text,
            commands::reference::vocabularies,
            commands::reference::partners,
            commands::reference::add_partner,
            commands::today::today,
            commands::kpi::referral_kpis,
            commands::stats::monthly_statistics,
            commands::stats::export_monthly_statistics,
            commands::backup::backup_status,
            commands::backup::create_backup,
            commands::retention::retention_setting,
            commands::retention::set_retention_months,
            commands::retention::retention_preview,
            commands::retention::retention_purge,
            commands::backup::restore_backup,
            commands::store::recover_store,
            commands::users::list_users,
            commands::users::add_user,
            commands::users::set_user_roles,
            commands::users::remove_user,
            commands::audit::verify_audit,
            commands::audit::audit_entries,
            commands::exchange::exchange_partners,
            commands::exchange::export_bundle,
            commands::exchange::import_bundles,
            commands::exchange::import_dropped_bundles,
            commands::exchange::share_with_referral,
            commands::exchange::referral_shared,
            commands::exchange::referral_view,
            commands::identity::own_card,
            commands::identity::export_own_card,
            commands::identity::pin_partner_card,
            commands::identity::pinned_keys,
            commands::identity::revoke_partner_keys,
            commands::identity::exchange_coordinator,
            commands::identity::set_exchange_coordinator,
            commands::hub::hub_status,
            commands::hub::set_hub,
            commands::hub::forget_hub,
            commands::hub::pick_hub_ca,
            commands::hub::hub_sync_status,
            commands::hub::sync_hub_now,
        ]))
        .run(tauri::generate_context!());
    if let Err(e) = result {
        // The log gets no detail (it may name a path); standard error does, for the person starting it.
        log::error!("Schakel stopped with an error");
        eprintln!("Schakel could not start: {e}");
        std::process::exit(1);
    }
}
