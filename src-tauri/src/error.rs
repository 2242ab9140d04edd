//! The one error type of the commands, serialised like core's `ErrorReport`
//! (`{kind, message, field?, problems}`) so the UI translates kinds, never messages.
//!
//! Core kinds pass through unchanged. The shell adds two kinds of its own:
//! * `locked`: the command needs an unlocked store and there is none (show the unlock
//!   screen). Distinct from core's `store_locked`, which means *another process* holds
//!   the store.
//! * `internal`: a bug in the shell (a worker thread panicked); the message says no more.

use schakel_core::error::ImportProblem;
use schakel_core::{ErrorKind, ErrorReport};
use serde::{Serialize, Serializer};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Core(#[from] schakel_core::Error),
    #[error("the store is locked: unlock it first")]
    Locked,
    #[error("internal error")]
    Internal,
}

pub type AppResult<T> = Result<T, AppError>;

/// Kinds that only the shell produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum AppOnlyKind {
    Locked,
    Internal,
}

/// `ErrorKind | AppOnlyKind` in TypeScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(untagged)]
pub enum AppErrorKind {
    Core(ErrorKind),
    App(AppOnlyKind),
}

/// What a failed `invoke` rejects with.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct AppErrorReport {
    pub kind: AppErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    pub problems: Vec<ImportProblem>,
    /// For `unlock_delayed`: seconds to wait before the next attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "number")]
    pub wait_seconds: Option<u64>,
}

impl AppError {
    pub fn report(&self) -> AppErrorReport {
        match self {
            AppError::Core(e) => {
                let r = ErrorReport::from(e);
                AppErrorReport {
                    kind: AppErrorKind::Core(r.kind),
                    message: r.message,
                    field: r.field,
                    problems: r.problems,
                    wait_seconds: r.wait_seconds,
                }
            }
            AppError::Locked => AppErrorReport {
                kind: AppErrorKind::App(AppOnlyKind::Locked),
                message: self.to_string(),
                field: None,
                problems: Vec::new(),
                wait_seconds: None,
            },
            AppError::Internal => AppErrorReport {
                kind: AppErrorKind::App(AppOnlyKind::Internal),
                message: self.to_string(),
                field: None,
                problems: Vec::new(),
                wait_seconds: None,
            },
        }
    }

    /// The stable kind, for logging (never the message: it may name a file path).
    pub fn kind_str(&self) -> &'static str {
        match self {
            AppError::Core(e) => e.kind().as_str(),
            AppError::Locked => "locked",
            AppError::Internal => "internal",
        }
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.report().serialize(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_like_core_reports() {
        let v =
            serde_json::to_value(AppError::Core(schakel_core::Error::validation("municipality", "unknown")))
                .unwrap();
        assert_eq!(v["kind"], "validation");
        assert_eq!(v["field"], "municipality");
        let v = serde_json::to_value(AppError::Locked).unwrap();
        assert_eq!(v["kind"], "locked");
        assert!(v.get("field").is_none());
    }
}
