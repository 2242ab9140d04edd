//! What a panic leaves behind. A panic's message can hold data (an `expect` on a core
//! error, a formatted value), and the default hook writes it to standard error, which a
//! desktop session may keep in its journal. Ours logs only where it happened (file name
//! and line) and on which thread. Debug builds still print the full message to standard
//! error for the developer; the log file never gets it.
//!
//! A panic in a command's blocking thread reaches the UI as `internal` (see `state.rs`),
//! and the store behind a poisoned mutex stays usable.

use std::panic::{self, Location};

/// Installs the hook; call once, first thing in `run`.
pub fn install() {
    let default = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let line = describe(std::thread::current().name(), info.location());
        log::error!("{line}");
        if cfg!(debug_assertions) {
            default(info);
        } else {
            eprintln!("Schakel: {line}");
        }
    }));
}

/// "panic in thread `name` at `file.rs:line`": never the message, never a directory.
fn describe(thread: Option<&str>, location: Option<&Location<'_>>) -> String {
    let place = location.map_or_else(
        || "an unknown place".to_owned(),
        |l| {
            let file = l.file().rsplit(['/', '\\']).next().unwrap_or("?");
            format!("{file}:{}", l.line())
        },
    );
    format!(
        "panic in thread {} at {place} (its message is not logged: it may hold data)",
        thread.unwrap_or("unnamed")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_place_and_thread_never_the_message_or_a_directory() {
        let here = Location::caller();
        let line = describe(Some("schakel-ticker"), Some(here));
        assert!(line.starts_with("panic in thread schakel-ticker at panic_hook.rs:"), "{line}");
        assert!(!line.contains("src/"), "{line}");
        assert_eq!(
            describe(None, None),
            "panic in thread unnamed at an unknown place (its message is not logged: it may hold data)"
        );
    }
}
