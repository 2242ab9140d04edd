//! Recall and false alarms of the second level, measured on `corpus.txt`.
//!
//! The corpus was written by hand before the detectors, by the same engineer; the figures
//! are therefore an optimistic estimate of what real notes will give. History, so the
//! numbers can be read for what they are:
//! * The corpus was committed before any detector code.
//! * One rule was added after writing the corpus but before the first run: an old full date
//!   right after "sinds / depuis / since / vanaf / tot …" is a start or end date, not a
//!   birth (the corpus has three such clean sentences, written as expected false alarms).
//! * Nothing was changed after the first run on `corpus.txt` (figures below).
//! * A stress set, `corpus_stress.txt`, written afterwards to break the detectors, gives
//!   the pessimistic side; its history is written next to its test.
//!
//! Run `cargo test -p schakel-core corpus -- --nocapture` to see the table, the misses and
//! the false alarms.

use std::collections::BTreeMap;
use std::time::Instant;

use chrono::NaiveDate;

use crate::privacy::identifiers::{IdentifierKind, find_all_on, find_warnings_on};

/// The corpus is read as of this day (its appointment dates are in late 2026 and 2027).
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

// First run (2026-11-25), before any change made after seeing it: dates of birth 66/67,
// street addresses 66/66, person names 66/68, false alarms 1/196 clean sentences, no extra
// kind in a planted sentence. The misses were the ones the corpus was written to contain: a
// recent date with no birth cue ("l'aîné est du 12.08.2019"), a surname alone ("Peeters
// belde") and a name in lower case; the false alarm is an old arrival date ("Arrived in
// Belgium on 03/03/2008"), which the old-full-date rule takes for a birth by design.
// Nothing was changed after that run, in the detectors or in the corpus.

/// Floors, set just below what the detectors reach on this corpus.
const MIN_RECALL_DATE_OF_BIRTH: f64 = 0.97;
const MIN_RECALL_STREET_ADDRESS: f64 = 0.97;
const MIN_RECALL_PERSON_NAME: f64 = 0.95;
const MAX_FALSE_ALARM_RATE: f64 = 0.02;

struct Case {
    line: usize,
    lang: &'static str,
    expected: Vec<IdentifierKind>,
    text: &'static str,
}

fn corpus() -> Vec<Case> {
    parse(include_str!("../corpus.txt"))
}

fn parse(file: &'static str) -> Vec<Case> {
    file.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let mut parts = l.splitn(3, " | ");
            let (kinds, lang, text) = (parts.next().unwrap(), parts.next().unwrap(), parts.next().unwrap());
            let expected = kinds
                .split(',')
                .filter(|k| *k != "-")
                .map(|k| match k {
                    "dob" => IdentifierKind::DateOfBirth,
                    "addr" => IdentifierKind::StreetAddress,
                    "name" => IdentifierKind::PersonName,
                    other => panic!("corpus line {}: unknown kind {other:?}", i + 1),
                })
                .collect();
            Case { line: i + 1, lang, expected, text }
        })
        .collect()
}

const KINDS: [IdentifierKind; 3] =
    [IdentifierKind::DateOfBirth, IdentifierKind::StreetAddress, IdentifierKind::PersonName];

#[test]
fn corpus_is_large_and_balanced() {
    let cases = corpus();
    let clean = cases.iter().filter(|c| c.expected.is_empty()).count();
    assert!(cases.len() >= 300, "{} sentences", cases.len());
    assert!((0.4..=0.6).contains(&(clean as f64 / cases.len() as f64)), "{clean} clean of {}", cases.len());
    for kind in KINDS {
        assert!(cases.iter().filter(|c| c.expected.contains(&kind)).count() >= 50, "{kind:?}");
    }
    for lang in ["nl", "fr", "en", "mix"] {
        assert!(cases.iter().filter(|c| c.lang == lang).count() >= 20, "{lang}");
    }
}

/// What the detectors found on a set of sentences.
struct Figures {
    sentences: usize,
    /// Per kind: (found, planted).
    planted: BTreeMap<IdentifierKind, (usize, usize)>,
    clean: usize,
    alarms: usize,
    extra: usize,
    report: Vec<String>,
}

impl Figures {
    fn recall(&self, kind: IdentifierKind) -> f64 {
        let (found, of) = self.planted.get(&kind).copied().unwrap_or_default();
        found as f64 / of as f64
    }

    fn false_alarm_rate(&self) -> f64 {
        self.alarms as f64 / self.clean as f64
    }

    fn print(&self, title: &str) {
        println!("{title}, on {} sentences ({} clean):", self.sentences, self.clean);
        for kind in KINDS {
            let (found, of) = self.planted.get(&kind).copied().unwrap_or_default();
            println!("  recall {:<14} {found:>3}/{of:<3} = {:.3}", format!("{kind:?}"), self.recall(kind));
        }
        println!(
            "  false alarms on clean sentences: {}/{} = {:.3}",
            self.alarms,
            self.clean,
            self.false_alarm_rate()
        );
        println!("  planted sentences with an extra kind: {}", self.extra);
        for line in &self.report {
            println!("  {line}");
        }
    }
}

fn measure(cases: &[Case]) -> Figures {
    let mut f = Figures {
        sentences: cases.len(),
        planted: BTreeMap::new(),
        clean: 0,
        alarms: 0,
        extra: 0,
        report: Vec::new(),
    };
    for case in cases {
        let found: Vec<IdentifierKind> =
            find_warnings_on(case.text, today()).iter().map(|f| f.kind).collect();
        if case.expected.is_empty() {
            f.clean += 1;
            if !found.is_empty() {
                f.alarms += 1;
                f.report.push(format!("false alarm {found:?}, line {}: {}", case.line, case.text));
            }
            continue;
        }
        for kind in &case.expected {
            let entry = f.planted.entry(*kind).or_default();
            entry.1 += 1;
            if found.contains(kind) {
                entry.0 += 1;
            } else {
                f.report.push(format!("missed {kind:?}, line {}: {}", case.line, case.text));
            }
        }
        let unexpected: Vec<_> = found.iter().filter(|k| !case.expected.contains(k)).collect();
        if !unexpected.is_empty() {
            f.extra += 1;
            f.report.push(format!("also found {unexpected:?}, line {}: {}", case.line, case.text));
        }
    }
    f
}

#[test]
fn corpus_recall_and_false_alarms() {
    let f = measure(&corpus());
    f.print("identifier guard, second level, corpus.txt");
    assert!(f.recall(IdentifierKind::DateOfBirth) >= MIN_RECALL_DATE_OF_BIRTH);
    assert!(f.recall(IdentifierKind::StreetAddress) >= MIN_RECALL_STREET_ADDRESS);
    assert!(f.recall(IdentifierKind::PersonName) >= MIN_RECALL_PERSON_NAME);
    assert!(f.false_alarm_rate() <= MAX_FALSE_ALARM_RATE);
}

// The stress set (`corpus_stress.txt`, 81 sentences, 35 clean) was written after the
// detectors, to break them. First run: dates of birth 6/16, street addresses 8/15, person
// names 8/15, false alarms 10/35. That run showed two bugs, fixed before the second run:
// the birth cues matched "geb" inside "Geboortedatum" and then lost the whole word (cues
// are now listed longest first), and a context word with an elided article
// ("l'Institut Jules Bordet", "L'école Émile Jacqmain") did not count as context. Second
// run, the one asserted below: 7/16, 8/15, 8/15, false alarms 8/35. The other misses and
// false alarms are the design's limits (see the printed list): roman-numeral or spelled-out
// months, a recent date with no cue, house numbers before a Dutch street or after "nummer",
// unlisted abbreviations ("ch.", "Stwg"), surnames with no cue, possessives ("Aicha's"),
// institutions and projects named after a person ("AZ Jan Portaels", "Louise gallery"), and
// old dates of documents (a lease, a judgement, a diploma), taken for births by the
// old-full-date rule.

/// The stress set's figures, printed for the record; the floors only catch regressions.
#[test]
fn stress_set_figures() {
    let f = measure(&parse(include_str!("../corpus_stress.txt")));
    f.print("identifier guard, second level, corpus_stress.txt (written to break it)");
    assert!(f.sentences >= 80);
    assert!(f.recall(IdentifierKind::DateOfBirth) >= 0.43);
    assert!(f.recall(IdentifierKind::StreetAddress) >= 0.53);
    assert!(f.recall(IdentifierKind::PersonName) >= 0.53);
    assert!(f.false_alarm_rate() <= 0.23);
}

/// A 2,000-character note of the corpus's sentences, checked with both levels. The bound
/// is asserted only in an optimised build (`cargo test --release`): the check runs on every
/// (debounced) keystroke.
#[test]
fn timing_of_a_long_note() {
    let cases = corpus();
    let mut note = String::new();
    for case in cases.iter().cycle() {
        if note.chars().count() + case.text.chars().count() > 2000 {
            break;
        }
        note.push_str(case.text);
        note.push(' ');
    }
    let _ = find_all_on(&note, today()); // word lists and patterns are built once
    let runs = 200;
    let start = Instant::now();
    let mut found = 0;
    for _ in 0..runs {
        found += find_all_on(std::hint::black_box(&note), today()).len();
    }
    let per_check = start.elapsed() / runs;
    println!(
        "one check of a {}-character note: {per_check:?} ({} findings)",
        note.chars().count(),
        found / runs as usize
    );
    if !cfg!(debug_assertions) {
        assert!(per_check.as_micros() < 1000, "{per_check:?}");
    }
}
