//! Declares the app's own commands in an app manifest, so each one needs an
//! `allow-<command>` permission in `capabilities/` before the UI may call it.

/// Every `#[tauri::command]` registered in `lib.rs`; keep the two lists in step.
const COMMANDS: &[&str] = &[
    "store_status",
    "create_store",
    "unlock",
    "lock",
    "session",
    "save_settings",
    "activity",
    "passphrase_strength_of",
    "change_passphrase",
    "list_cases",
    "case_detail",
    "open_case",
    "update_case",
    "close_case",
    "reopen_case",
    "add_note",
    "create_referral",
    "record_event",
    "add_rights_check",
    "set_right_step",
    "set_non_take_up",
    "add_follow_up",
    "complete_follow_up",
    "reschedule_follow_up",
    "add_signal",
    "check_text",
    "vocabularies",
    "partners",
    "add_partner",
    "today",
    "referral_kpis",
    "monthly_statistics",
    "export_monthly_statistics",
    "backup_status",
    "create_backup",
    "retention_setting",
    "set_retention_months",
    "retention_preview",
    "retention_purge",
    "restore_backup",
    "recover_store",
    "list_users",
    "add_user",
    "set_user_roles",
    "remove_user",
    "verify_audit",
    "audit_entries",
];

fn main() {
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}
