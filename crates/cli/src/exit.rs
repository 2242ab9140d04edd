//! Exit codes (documented in `schakel --help` and the README) and error output.

use schakel_core::{Error, ErrorKind, ErrorReport};

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Core(#[from] Error),
    /// Input the CLI itself could not use (no terminal for a passphrase, …).
    #[error("{0}")]
    Input(String),
    /// The audit log's chain is broken (the problems were printed).
    #[error("the audit log has been tampered with: {0}")]
    AuditBroken(String),
}

pub type CliResult<T = ()> = Result<T, CliError>;

pub fn code(e: &CliError) -> i32 {
    match e {
        CliError::Input(_) => 8,
        CliError::AuditBroken(_) => 15,
        CliError::Core(e) => match e.kind() {
            ErrorKind::WrongPassphrase => 3,
            ErrorKind::StoreNotFound => 4,
            ErrorKind::StoreLocked => 5,
            ErrorKind::StoreCorrupt => 6,
            ErrorKind::NewerVersion => 7,
            ErrorKind::Validation => 8,
            ErrorKind::NotFound => 9,
            ErrorKind::Conflict => 10,
            ErrorKind::Import => 11,
            ErrorKind::StoreExists => 12,
            ErrorKind::CipherMissing => 13,
            ErrorKind::UnlockDelayed => 14,
            ErrorKind::Forbidden => 16,
            ErrorKind::PreviewChanged => 17,
            ErrorKind::IdentifierWarning => 18,
            ErrorKind::InvalidSignature => 19,
            ErrorKind::FingerprintMismatch => 20,
            ErrorKind::KeyConflict => 21,
            ErrorKind::PartnerRevoked => 22,
            ErrorKind::HubUnavailable => 23,
            ErrorKind::HubRefused => 24,
            ErrorKind::UnknownSender => 25,
            ErrorKind::WrongRecipient => 26,
            ErrorKind::Io | ErrorKind::Database => 1,
        },
    }
}

pub fn report(e: &CliError, json: bool) {
    let rep = match e {
        CliError::Core(e) => ErrorReport::from(e),
        CliError::Input(m) => ErrorReport {
            kind: ErrorKind::Validation,
            message: m.clone(),
            field: None,
            problems: vec![],
            wait_seconds: None,
        },
        CliError::AuditBroken(_) => ErrorReport {
            kind: ErrorKind::StoreCorrupt,
            message: e.to_string(),
            field: Some("audit_log".into()),
            problems: vec![],
            wait_seconds: None,
        },
    };
    if json {
        let v = serde_json::json!({ "error": rep });
        eprintln!("{v}");
        return;
    }
    eprintln!("schakel: {}", rep.message);
    for p in &rep.problems {
        eprintln!("line {}: {}", p.line, p.reason);
    }
}
