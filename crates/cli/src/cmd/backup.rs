//! `schakel backup`: create, verify and restore encrypted backups.

use std::path::{Path, PathBuf};

use schakel_core::Store;
use schakel_core::backup::{BackupInfo, BackupSecret, default_file_name};

use crate::args::BackupCmd;
use crate::exit::CliResult;
use crate::out::Out;

pub fn run(path: &Path, c: BackupCmd, o: Out) -> CliResult {
    match c {
        BackupCmd::Create { out } => create(path, out, o),
        BackupCmd::Verify { file, recovery_key } => verify(&file, recovery_key, o),
        BackupCmd::Restore { file } => restore(path, &file, o),
    }
}

fn when(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M").to_string())
        .unwrap_or_default()
}

fn describe(i: &BackupInfo) {
    println!(
        "  store {}; made {} by Schakel {}; schema version {}",
        i.store_id,
        when(i.created_at),
        i.app_version,
        i.schema_version
    );
    println!("  {} bytes ({} of database)", i.file_bytes, i.database_bytes);
}

fn create(path: &Path, out: Option<PathBuf>, o: Out) -> CliResult {
    let store = super::open(path)?;
    let file = out.unwrap_or_else(|| PathBuf::from(default_file_name(schakel_core::dates::now_ms())));
    let info = store.backup_to(&file)?;
    o.emit(&serde_json::json!({"file": file.display().to_string(), "backup": info}), |_| {
        println!("Backup written: {}", file.display());
        describe(&info);
        println!("It opens with the same passphrases or the recovery key. Keep it on another disk.");
    });
    Ok(())
}

fn verify(file: &Path, recovery_key: bool, o: Out) -> CliResult {
    let info = if recovery_key {
        let key = crate::secret::recovery_key()?;
        Store::verify_backup_with(file, BackupSecret::RecoveryKey(&key))?
    } else {
        let pass = crate::secret::passphrase()?;
        Store::verify_backup(file, &pass)?
    };
    o.emit(&info, |i| {
        println!("Backup OK: {}", file.display());
        describe(i);
        println!("  every checksum matches; the key opens it; every page decrypts and authenticates.");
        if i.audit_intact == Some(false) {
            println!("  NOTE: its audit log does not verify (run `schakel audit verify` after a restore).");
        }
    });
    Ok(())
}

fn restore(path: &Path, file: &Path, o: Out) -> CliResult {
    let pass = crate::secret::passphrase()?;
    let done = Store::restore(path, file, &pass)?;
    o.emit(&done, |d| {
        println!("Store restored from {} (made {}).", file.display(), when(d.backup.created_at));
        if d.kept.is_empty() {
            println!("There was no store here before.");
        } else {
            println!("The previous store is kept (delete it once you are sure):");
            for k in &d.kept {
                println!("  {}", k.display());
            }
        }
    });
    Ok(())
}
