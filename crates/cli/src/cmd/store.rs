//! init, demo, import, check, passphrase.

use std::path::Path;

use schakel_core::partners::PartnerKind;
use schakel_core::{InitStore, Store};
use serde_json::json;

use crate::args::{DemoArgs, InitArgs, KindArg};
use crate::exit::CliResult;
use crate::out::Out;

pub fn kind(k: KindArg) -> PartnerKind {
    match k {
        KindArg::Ocmw => PartnerKind::Ocmw,
        KindArg::Caw => PartnerKind::Caw,
        KindArg::Dmw => PartnerKind::Dmw,
        KindArg::Other => PartnerKind::Other,
    }
}

pub fn init(path: &Path, a: &InitArgs, o: Out) -> CliResult {
    let pass = crate::secret::new_passphrase_for_init()?;
    let init = InitStore {
        partner_kind: kind(a.partner_kind),
        partner_name: a.partner_name.clone(),
        municipality: a.municipality.clone(),
        worker_name: a.worker.clone(),
    };
    let (store, recovery) = Store::create(path, &init, &pass)?;
    let actor = store.actor();
    o.emit(
        &json!({
            "store": path.display().to_string(),
            "partner_id": actor.partner_id,
            "worker_id": actor.worker_id,
            "recovery_key": recovery.as_str(),
        }),
        |_| {
            println!("Store created: {}", path.display());
            println!();
            println!("RECOVERY KEY (shown once; print it and keep it locked away):");
            println!();
            println!("    {}", recovery.as_str());
            println!();
            println!("With it you can set a new passphrase if yours is lost. Anyone holding it");
            println!("and the store file can read the store.");
        },
    );
    Ok(())
}

pub fn demo(path: &Path, a: &DemoArgs, o: Out) -> CliResult {
    let mut store = super::open(path)?;
    let until = super::date_arg("until", a.until.as_deref(), schakel_core::dates::today())?;
    let pb = o.progress("demo");
    let opts = schakel_core::demo::DemoOptions { cases: a.cases, seed: a.seed, until };
    let summary = schakel_core::demo::generate(&mut store, &opts, &mut |done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    o.emit(&summary, |s| {
        println!(
            "Demo data: {} cases, {} referrals ({} events), {} rights checks, {} follow-ups, {} signals, {} notes, {} partners.",
            s.cases, s.referrals, s.referral_events, s.rights_checks, s.follow_ups, s.signals, s.notes, s.partners
        );
    });
    Ok(())
}

pub fn import(path: &Path, file: &Path, o: Out) -> CliResult {
    let mut store = super::open(path)?;
    let pb = o.progress("import");
    let result = schakel_core::import::import_file(&mut store, file, &mut |done, total| {
        pb.set_length(total);
        pb.set_position(done);
    });
    pb.finish_and_clear();
    let summary = result?;
    o.emit(&summary, |s| {
        println!("Imported {} rows from {}:", s.rows, file.display());
        for (k, n) in &s.created {
            println!("  {k}: {n}");
        }
        if s.already_present > 0 {
            println!("  already present (unchanged): {}", s.already_present);
        }
    });
    Ok(())
}

pub fn check(path: &Path, o: Out) -> CliResult {
    let pass = crate::secret::passphrase()?;
    let (store, unrecorded) = Store::open_for_check(path, &pass)?;
    let mut report = store.check()?;
    if let Some(e) = unrecorded {
        report.ok = false;
        report.problems.push(format!("the audit log could not record this unlock: {e}"));
    }
    let ok = report.ok;
    o.emit(&report, |r| {
        println!(
            "SQLCipher {}; schema version {}; {} bytes.",
            r.cipher_version, r.schema_version, r.size_bytes
        );
        if r.ok {
            println!("Store OK: every page decrypts and authenticates, structure and references are sound.");
        }
        for p in &r.problems {
            println!("PROBLEM: {p}");
        }
    });
    if ok {
        Ok(())
    } else {
        Err(schakel_core::Error::StoreCorrupt(format!("{} problem(s) found", report.problems.len())).into())
    }
}

pub fn passphrase(path: &Path, o: Out) -> CliResult {
    let old = crate::secret::passphrase()?;
    let store = Store::open(path, &old)?;
    let new = crate::secret::changed_passphrase()?;
    store.change_passphrase(&old, &new)?;
    o.emit(&json!({"changed": true}), |_| println!("Passphrase changed. The recovery key stays valid."));
    Ok(())
}

pub fn recover(path: &Path, o: Out) -> CliResult {
    let key = crate::secret::recovery_key()?;
    let new = crate::secret::changed_passphrase()?;
    Store::recover(path, &key, &new)?;
    o.emit(&json!({"recovered": true}), |_| {
        println!("New passphrase set. The recovery key stays valid: keep it locked away.")
    });
    Ok(())
}
