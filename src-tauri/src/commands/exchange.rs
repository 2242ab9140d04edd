//! The exchange with partners in other stores (docs/exchange.md): the partners and what
//! waits for each, a bundle exported for one partner to a file the user chooses, partners'
//! bundles imported from files the user chooses or drops onto the window, what a draft
//! referral shares, and a received referral with the answers the core allows.
//!
//! Dialogs are opened here (`dialogs.rs`); the web view gets file names, never paths, and
//! never names one: files dropped onto the window are kept here (`AppState::dropped`) and
//! imported by `import_dropped_bundles`. Log lines name events and kinds, never a path.

use std::path::PathBuf;

use schakel_core::access::Permission;
use schakel_core::detail::ReferralWithEvents;
use schakel_core::exchange::{
    ExchangePartner, ExportSummary, ImportSummary, Shared, bundle_file_name, read_bundle, write_bundle,
};
use schakel_core::privacy::WarningOverride;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use uuid::Uuid;

use crate::dialogs;
use crate::error::{AppError, AppErrorReport, AppResult};
use crate::state::{AppState, blocking, with_store};

/// Event: files were dropped onto the window ([`Dropped`]); the UI imports them with
/// `import_dropped_bundles`.
pub const BUNDLES_DROPPED: &str = "bundles-dropped";

/// Which files were dropped (names only).
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Dropped {
    pub files: Vec<String>,
}

/// What "Export for partner" did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum BundleExport {
    /// Nothing waits for this partner: no file was written, no dialog opened.
    NothingWaits,
    /// The save dialog was cancelled: nothing was sealed.
    Cancelled,
    /// The bundle was written to `file` (its name, not its folder).
    Written { file: String, summary: ExportSummary },
}

/// One bundle file's import: what it applied, or why nothing of it was.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BundleImport {
    /// The file's name (not its folder).
    pub file: String,
    pub summary: Option<ImportSummary>,
    /// The refusal: nothing of this file was imported.
    pub error: Option<AppErrorReport>,
}

/// A referral with its events, the answers possible today, and what its sender shared.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ReferralView {
    pub referral: ReferralWithEvents,
    pub shared: Option<Shared>,
}

/// The partners this store exchanges with (a pinned key) and what waits for each.
#[tauri::command]
pub async fn exchange_partners(app: AppHandle) -> AppResult<Vec<ExchangePartner>> {
    with_store(app, |store| store.exchange_partners()).await
}

/// Seals what waits for `partner` into a bundle and writes it where the user chooses
/// (suggested name as the CLI's). Nothing waits: no dialog. Cancelled: nothing sealed.
#[tauri::command]
pub async fn export_bundle(app: AppHandle, partner: Uuid) -> AppResult<BundleExport> {
    let (waiting, suggested) = with_store(app.clone(), move |store| {
        let waits = store
            .exchange_partners()?
            .iter()
            .any(|p| p.partner_id == partner && p.pending + p.unconfirmed > 0);
        let me = store.partner(store.self_partner_id()?)?.name;
        let to = store.partner(partner)?.name;
        Ok((waits, bundle_file_name(&me, &to, schakel_core::dates::now_ms())))
    })
    .await?;
    if !waiting {
        return Ok(BundleExport::NothingWaits);
    }
    let dialog_app = app.clone();
    // The store is not held while the dialog is open.
    let Some(path) =
        blocking(app.clone(), move |_| dialogs::save_path(&dialog_app, &suggested, "Schakel bundle", "json"))
            .await?
    else {
        log::info!("bundle export cancelled");
        return Ok(BundleExport::Cancelled);
    };
    let file = dialogs::file_name(&path);
    let exported = with_store(app, move |store| {
        let Some((bundle, summary)) = store.export_bundle(partner)? else { return Ok(None) };
        write_bundle(&bundle, &path)?;
        Ok(Some(summary))
    })
    .await?;
    Ok(match exported {
        Some(summary) => {
            log::info!("bundle exported");
            BundleExport::Written { file, summary }
        }
        None => BundleExport::NothingWaits,
    })
}

/// Imports the bundle files the user picks in an open dialog (several at once), each in
/// its own transaction. `None` when cancelled.
#[tauri::command]
pub async fn import_bundles(app: AppHandle) -> AppResult<Option<Vec<BundleImport>>> {
    // Asked before the dialog, so that a worker who may not exchange sees no dialog.
    with_store(app.clone(), |store| store.require(Permission::Exchange)).await?;
    let dialog_app = app.clone();
    let Some(paths) =
        blocking(app.clone(), move |_| dialogs::open_paths(&dialog_app, "Schakel bundle", &["json"], true))
            .await?
    else {
        log::info!("bundle import cancelled");
        return Ok(None);
    };
    import_paths(app, paths).await.map(Some)
}

/// Imports the files last dropped onto the window (once: they are forgotten after).
#[tauri::command]
pub async fn import_dropped_bundles(app: AppHandle) -> AppResult<Vec<BundleImport>> {
    let paths = app.state::<AppState>().take_dropped();
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    with_store(app.clone(), |store| store.require(Permission::Exchange)).await?;
    import_paths(app, paths).await
}

/// Reads and imports each file; one file's refusal leaves the others as they go.
async fn import_paths(app: AppHandle, paths: Vec<PathBuf>) -> AppResult<Vec<BundleImport>> {
    let mut out = Vec::with_capacity(paths.len());
    for path in paths {
        let file = dialogs::file_name(&path);
        let result = with_store(app.clone(), move |store| {
            let bundle = read_bundle(&path)?;
            store.import_bundle(&bundle)
        })
        .await;
        match result {
            Ok(summary) => {
                log::info!("bundle imported");
                out.push(BundleImport { file, summary: Some(summary), error: None });
            }
            // Without a store nothing more can be imported: say so once, as a command error.
            Err(AppError::Locked) => return Err(AppError::Locked),
            Err(e) => out.push(BundleImport { file, summary: None, error: Some(e.report()) }),
        }
    }
    Ok(out)
}

/// Keeps the files dropped onto the window and tells the UI their names.
pub fn files_dropped(app: &AppHandle, paths: Vec<PathBuf>) {
    if paths.is_empty() {
        return;
    }
    let files = paths.iter().map(|p| dialogs::file_name(p)).collect();
    app.state::<AppState>().set_dropped(paths);
    log::info!("files dropped onto the window");
    let _ = app.emit(BUNDLES_DROPPED, Dropped { files });
}

/// What goes with a draft referral to the receiving partner (nothing unless chosen). The
/// handover note passes the identifier check; a warned note needs `keep_because`.
#[tauri::command]
pub async fn share_with_referral(
    app: AppHandle,
    referral: Uuid,
    shared: Shared,
    keep_because: Option<WarningOverride>,
) -> AppResult<()> {
    with_store(app, move |store| {
        store.write(|w| {
            w.keep_warned_text(keep_because);
            w.share_with_referral(referral, &shared)
        })
    })
    .await
}

/// What was chosen to go with a referral (own), or what came with it (received).
#[tauri::command]
pub async fn referral_shared(app: AppHandle, referral: Uuid) -> AppResult<Option<Shared>> {
    with_store(app, move |store| store.referral_shared(referral)).await
}

/// One referral with its events, the events possible today (the core's state machine) and
/// what was shared: for a referral received from a partner, which has no case here.
#[tauri::command]
pub async fn referral_view(app: AppHandle, referral: Uuid) -> AppResult<ReferralView> {
    with_store(app, move |store| {
        let with_events = store.referral_with_events(referral)?;
        let shared = store.referral_shared(referral)?;
        Ok(ReferralView { referral: with_events, shared })
    })
    .await
}
