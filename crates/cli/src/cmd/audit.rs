//! `schakel audit`: verify the audit log's chain, list its newest entries.

use std::path::Path;

use crate::args::AuditCmd;
use crate::exit::{CliError, CliResult};
use crate::out::Out;

pub fn run(path: &Path, c: AuditCmd, o: Out) -> CliResult {
    let store = super::open(path)?;
    match c {
        AuditCmd::Verify => {
            let report = store.verify_audit()?;
            o.emit(&report, |r| {
                if r.ok {
                    println!(
                        "Audit log intact: {} entries, every link checked; the key file vouches for entry {}.",
                        r.entries, r.anchored
                    );
                }
                for m in &r.messages {
                    println!("PROBLEM: {m}");
                }
            });
            if report.ok { Ok(()) } else { Err(CliError::AuditBroken(report.messages.join("; "))) }
        }
        AuditCmd::List { limit } => {
            let entries = store.audit_entries(limit)?;
            o.emit(&entries, |es| {
                for e in es {
                    let at = chrono::DateTime::from_timestamp_millis(e.at)
                        .map(|t| t.with_timezone(&chrono::Local).format("%d/%m/%Y %H:%M:%S").to_string())
                        .unwrap_or_default();
                    let who = e.worker_id.map(|w| w.to_string()).unwrap_or_else(|| "–".into());
                    let what = match (&e.entity, e.entity_id) {
                        (Some(entity), Some(id)) => format!(" {entity} {id}"),
                        _ => String::new(),
                    };
                    println!("{:>6}  {at}  {:<22} {who}{what}  {}", e.seq, e.action, e.detail);
                }
            });
            Ok(())
        }
    }
}
