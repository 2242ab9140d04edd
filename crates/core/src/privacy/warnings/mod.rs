//! The identifier guard's second level: dates of birth, street addresses and likely
//! person names. They are warnings (severity `warn`), never refusals: core stores the text,
//! the UI asks the worker to rewrite it.
//!
//! Each detector works on the text and its words (split once) and reports byte ranges;
//! [`crate::privacy::identifiers`] resolves overlaps and turns them into findings with
//! character offsets. The word lists are data files next to this module
//! (`first_names.txt`, `places.txt`); the corpus that measures recall and false alarms is
//! `corpus.txt`, read by the tests in `corpus_tests.rs`.

mod addresses;
mod dates;
mod names;
mod words;

#[cfg(test)]
mod corpus_tests;

use chrono::NaiveDate;
use regex::Regex;

use super::identifiers::Raw;

#[allow(clippy::expect_used)]
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("literal date pattern must compile")
}

/// All second-level detections in `text`, before overlaps are resolved.
pub(crate) fn raw(text: &str, today: NaiveDate) -> Vec<Raw> {
    let mut out = Vec::new();
    dates::find(text, today, &mut out);
    let words = words::words(text);
    addresses::find(text, &words, &mut out);
    names::find(text, &words, &mut out);
    out
}
