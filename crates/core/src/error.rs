//! The one error type of `schakel-core`.
//!
//! Every variant has a stable [`ErrorKind`] that crosses process and IPC boundaries
//! (`{kind, message}`); the CLI maps kinds to exit codes and the UI to translated
//! messages. Messages never contain case content or secrets.

use serde::Serialize;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("wrong passphrase or key")]
    WrongPassphrase,
    #[error("too many wrong attempts: wait {seconds} s before trying again")]
    UnlockDelayed { seconds: u64 },
    #[error("your role does not allow this ({permission})")]
    Forbidden { permission: &'static str },
    #[error("no store at {0}")]
    StoreNotFound(String),
    #[error("a store already exists at {0}")]
    StoreExists(String),
    #[error("the store is open in another process")]
    StoreLocked,
    #[error("the store is damaged: {0}")]
    StoreCorrupt(String),
    #[error(
        "the store was written by a newer version of Schakel (schema {found}, this version knows up to {supported}); update Schakel"
    )]
    NewerVersion { found: i64, supported: i64 },
    #[error("{field}: {reason}")]
    Validation { field: String, reason: String },
    /// Free text that probably identifies a person (a date of birth, an address, a name):
    /// saved only with a reason to keep it, which goes into the audit log.
    #[error("{field}: probably identifies a person ({}); rewrite it, or give a reason to keep it", .kinds.join(", "))]
    IdentifierWarning { field: String, kinds: Vec<String> },
    #[error("{entity} not found: {key}")]
    NotFound { entity: &'static str, key: String },
    #[error("conflict: {0}")]
    Conflict(String),
    /// The records a retention purge would remove differ from its preview's: preview again.
    #[error("the cases to purge changed since the preview; nothing was purged, preview again")]
    PreviewChanged,
    /// A signature that does not verify: a partner's identity card (its own signature, or a
    /// rotation signed by an earlier key) was changed or is not what it claims to be.
    #[error("the signature does not verify: {0}")]
    InvalidSignature(String),
    /// The fingerprint words given are not those of the card: compare again with the partner.
    #[error(
        "the fingerprint does not match the words given; nothing was pinned: compare again with the partner"
    )]
    FingerprintMismatch,
    /// A partner already has a pinned key, and this card's key is another one that the pinned
    /// key did not sign (not a rotation).
    #[error("{0}")]
    KeyConflict(String),
    /// The partner's keys were revoked in this store: nothing signed by them is accepted.
    #[error("the keys of partner {0} were revoked; nothing from them is accepted")]
    PartnerRevoked(String),
    /// An envelope from a partner this store has no pinned key for (or not of that
    /// generation): pin the partner's card first.
    #[error("unknown sender: {0}")]
    UnknownSender(String),
    /// An envelope or bundle addressed to another partner than this store's.
    #[error("not addressed to this store: {0}")]
    WrongRecipient(String),
    /// The hub could not be reached, or the connection failed (network, TLS, timeout).
    #[error("the hub cannot be reached: {0}")]
    HubUnavailable(String),
    /// The hub refused the request (authentication, permissions, its own checks).
    #[error("the hub refused: {0}")]
    HubRefused(String),
    #[error("import refused, nothing was written: {} bad row(s)", .0.len())]
    Import(Vec<ImportProblem>),
    #[error("encryption is not available: {0}")]
    CipherMissing(String),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("database error: {0}")]
    Database(rusqlite::Error),
}

/// One bad row of an import, with the 1-based line number in the source file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportProblem {
    #[ts(type = "number")]
    pub line: usize,
    pub reason: String,
}

/// Stable, machine-readable error kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    WrongPassphrase,
    UnlockDelayed,
    Forbidden,
    StoreNotFound,
    StoreExists,
    StoreLocked,
    StoreCorrupt,
    NewerVersion,
    Validation,
    IdentifierWarning,
    NotFound,
    Conflict,
    PreviewChanged,
    InvalidSignature,
    FingerprintMismatch,
    KeyConflict,
    PartnerRevoked,
    UnknownSender,
    WrongRecipient,
    HubUnavailable,
    HubRefused,
    Import,
    CipherMissing,
    Io,
    Database,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::WrongPassphrase => "wrong_passphrase",
            ErrorKind::UnlockDelayed => "unlock_delayed",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::StoreNotFound => "store_not_found",
            ErrorKind::StoreExists => "store_exists",
            ErrorKind::StoreLocked => "store_locked",
            ErrorKind::StoreCorrupt => "store_corrupt",
            ErrorKind::NewerVersion => "newer_version",
            ErrorKind::Validation => "validation",
            ErrorKind::IdentifierWarning => "identifier_warning",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::PreviewChanged => "preview_changed",
            ErrorKind::InvalidSignature => "invalid_signature",
            ErrorKind::FingerprintMismatch => "fingerprint_mismatch",
            ErrorKind::KeyConflict => "key_conflict",
            ErrorKind::PartnerRevoked => "partner_revoked",
            ErrorKind::UnknownSender => "unknown_sender",
            ErrorKind::WrongRecipient => "wrong_recipient",
            ErrorKind::HubUnavailable => "hub_unavailable",
            ErrorKind::HubRefused => "hub_refused",
            ErrorKind::Import => "import",
            ErrorKind::CipherMissing => "cipher_missing",
            ErrorKind::Io => "io",
            ErrorKind::Database => "database",
        }
    }
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::WrongPassphrase => ErrorKind::WrongPassphrase,
            Error::UnlockDelayed { .. } => ErrorKind::UnlockDelayed,
            Error::Forbidden { .. } => ErrorKind::Forbidden,
            Error::StoreNotFound(_) => ErrorKind::StoreNotFound,
            Error::StoreExists(_) => ErrorKind::StoreExists,
            Error::StoreLocked => ErrorKind::StoreLocked,
            Error::StoreCorrupt(_) => ErrorKind::StoreCorrupt,
            Error::NewerVersion { .. } => ErrorKind::NewerVersion,
            Error::Validation { .. } => ErrorKind::Validation,
            Error::IdentifierWarning { .. } => ErrorKind::IdentifierWarning,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Conflict(_) => ErrorKind::Conflict,
            Error::PreviewChanged => ErrorKind::PreviewChanged,
            Error::InvalidSignature(_) => ErrorKind::InvalidSignature,
            Error::FingerprintMismatch => ErrorKind::FingerprintMismatch,
            Error::KeyConflict(_) => ErrorKind::KeyConflict,
            Error::PartnerRevoked(_) => ErrorKind::PartnerRevoked,
            Error::UnknownSender(_) => ErrorKind::UnknownSender,
            Error::WrongRecipient(_) => ErrorKind::WrongRecipient,
            Error::HubUnavailable(_) => ErrorKind::HubUnavailable,
            Error::HubRefused(_) => ErrorKind::HubRefused,
            Error::Import(_) => ErrorKind::Import,
            Error::CipherMissing(_) => ErrorKind::CipherMissing,
            Error::Io(_) => ErrorKind::Io,
            Error::Database(_) => ErrorKind::Database,
        }
    }

    pub fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Validation { field: field.into(), reason: reason.into() }
    }

    pub fn not_found(entity: &'static str, key: impl std::fmt::Display) -> Self {
        Error::NotFound { entity, key: key.to_string() }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode;
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::StoreLocked,
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => Error::StoreCorrupt(e.to_string()),
            _ => Error::Database(e),
        }
    }
}

/// The serialisable form that crosses the CLI's `--json` output and the IPC boundary.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ErrorReport {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<ImportProblem>,
    /// For `unlock_delayed`: how long to wait before the next attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub wait_seconds: Option<u64>,
}

impl From<&Error> for ErrorReport {
    fn from(e: &Error) -> Self {
        ErrorReport {
            kind: e.kind(),
            message: e.to_string(),
            field: match e {
                Error::Validation { field, .. } | Error::IdentifierWarning { field, .. } => {
                    Some(field.clone())
                }
                _ => None,
            },
            problems: match e {
                Error::Import(p) => p.clone(),
                _ => Vec::new(),
            },
            wait_seconds: match e {
                Error::UnlockDelayed { seconds } => Some(*seconds),
                _ => None,
            },
        }
    }
}
