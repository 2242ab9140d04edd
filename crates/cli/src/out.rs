//! Output: human-readable by default, JSON with `--json`; progress bars on standard error.

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

#[derive(Debug, Clone, Copy)]
pub struct Out {
    pub json: bool,
}

impl Out {
    /// Prints `value` as JSON, or runs `human` to print it for people.
    pub fn emit<T: Serialize>(self, value: &T, human: impl FnOnce(&T)) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(s) => println!("{s}"),
                Err(e) => eprintln!("schakel: cannot write JSON: {e}"),
            }
        } else {
            human(value);
        }
    }

    /// A progress bar on standard error; hidden when that is not a terminal or in JSON mode.
    pub fn progress(self, what: &str) -> ProgressBar {
        if self.json {
            return ProgressBar::hidden();
        }
        let pb = ProgressBar::new(0);
        if let Ok(style) = ProgressStyle::with_template("{msg:12} [{bar:40}] {pos}/{len} ({eta})") {
            pb.set_style(style.progress_chars("=> "));
        }
        pb.set_message(what.to_owned());
        pb
    }
}

pub fn date(d: Option<chrono::NaiveDate>) -> String {
    d.map(schakel_core::dates::format_be).unwrap_or_else(|| "–".into())
}
