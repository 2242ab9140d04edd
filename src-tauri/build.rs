//! Declares the app's own commands in an app manifest, so each one needs an
//! `allow-<command>` permission in `capabilities/` before the UI may call it.

/// Every `#[tauri::command]` registered in `lib.rs`; keep the two lists in step.
const COMMANDS: &[&str] = &[
    "store_status",
    "create_store",
    "unlock",
    "lock",
    "list_cases",
    "case_detail",
    "open_case",
    "vocabularies",
    "today",
];

fn main() {
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}
