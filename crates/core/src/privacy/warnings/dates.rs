//! Dates of birth written the Belgian ways.
//!
//! A date is read in any of: `12/03/1985`, `3/7/92`, `12-03-1985`, `12.03.85`, ISO
//! `1985-03-12`, `12 maart 1985`, `1er mars 1990`, `3 July 1992`, `13 sept. 1970`,
//! `3 maart '79`, `March 7, 1959`. It is flagged as a date of birth when it is not in the
//! future, puts a person between 0 and 110 years old, and
//! * a birth cue is near (before it, or just after it, in the same sentence): geboren,
//!   geb., geboortedatum, °, né(e) (le), naissance, DDN, born, DOB, birth, leeftijd,
//!   âge, jarig, verjaardag, anniversaire, birthday; or
//! * it is a full date at least [`OLD_YEARS`] years ago: a caseworker's note rarely needs
//!   an old full date, and one read off an identity card is the typical leak.
//!
//! A year alone counts only right after a birth cue ("°1943", "né en 2008", "born in
//! 1988"); a day and month without a year only after a birthday or birth cue ("jarig op 4
//! oktober"). Dates that name a law ("wet van 8 juli 1976", "loi du 26 mai 2002", "KB van
//! 11 juli 2002") are left alone. Appointment dates (this year, next year) have no cue and
//! are recent, so they pass; times, amounts and case codes do not look like dates.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use regex::Regex;

use super::compile;
use super::words::{fold, month_number};
use crate::privacy::identifiers::{IdentifierKind, Raw};

/// A full date at least this many years ago is taken as a date of birth even without a cue.
pub(crate) const OLD_YEARS: i32 = 14;

/// Oldest age taken for a person.
const MAX_AGE: i32 = 110;

/// Month names and abbreviations as a regex alternation, accented forms included.
fn month_alternation() -> String {
    let mut names: Vec<&str> = super::words::MONTHS.iter().map(|(m, _)| *m).collect();
    names.extend(["février", "févr", "fév", "août", "décembre", "déc"]);
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    names.join("|")
}

/// `dd/mm/yyyy`, `d-m-yy`, `dd.mm.yyyy` (the two separators equal, checked after).
static NUMERIC: LazyLock<Regex> =
    LazyLock::new(|| compile(r"([0-9]{1,2})([./-])([0-9]{1,2})([./-])([0-9]{4}|[0-9]{2})"));

/// ISO `yyyy-mm-dd` (also with `/` or `.`).
static ISO: LazyLock<Regex> = LazyLock::new(|| compile(r"([0-9]{4})([./-])([0-9]{1,2})([./-])([0-9]{1,2})"));

/// `12 maart 1985`, `1er mars 1990`, `13 sept. 1970`, `3 maart '79`, `12th March 1985`.
static TEXTUAL: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)(?-u:\b)([0-9]{{1,2}})(?:er|ère|e|ste|de|th|st|nd|rd)?\.?\s+({})(?-u:\b)\.?,?\s+((?:'|’)[0-9]{{2}}|[0-9]{{4}})(?-u:\b)",
        month_alternation()
    ))
});

/// `March 7, 1959`, `July 3rd 1992`.
static ENGLISH: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)(?-u:\b)({})(?-u:\b)\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+([0-9]{{4}})(?-u:\b)",
        month_alternation()
    ))
});

/// A day and month without a year: `4 oktober`, `3 novembre`, `25/11`.
static DAY_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    compile(&format!(
        r"(?i)(?-u:\b)([0-9]{{1,2}})(?:er|ère|e|ste|de|th|st|nd|rd)?\s+({})(?-u:\b)|(?-u:\b)([0-9]{{1,2}})[/.]([0-9]{{1,2}})(?-u:\b)",
        month_alternation()
    ))
});

/// A year of the last two centuries.
static YEAR: LazyLock<Regex> = LazyLock::new(|| compile(r"(?-u:\b)(1[89][0-9]{2}|20[0-9]{2})(?-u:\b)"));

/// Birth cues (searched near a date). Longer words come before their prefixes: the
/// patterns have no word boundaries (see [`whole_word`]), and the leftmost-first match
/// must be the whole word ("geboortedatum", not its "geb").
static CUE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)°|d\.o\.b\.|geboortedatum|geboortedag|geboortejaar|geboorte|geboren|geb\.|geb|verjaardag|jarig|leeftijd|né\(e\)|née|né|naissance|ddn|anniversaire|âgée|âgé|aged|age|born|dob|birthdate|birthday|birth|b\.",
    )
});

/// Strong cues for a day and month without a year (same ordering rule as [`CUE`]).
static BIRTHDAY_CUE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)°|geboortedatum|geboortedag|geboren|geb\.|verjaardag|jarig|né\(e\)|née|né|naissance|anniversaire|born|dob|birthday|birth",
    )
});

/// A start or end date ("sinds 01/09/2010", "depuis le 15/06/2005", "vanaf", "since",
/// "tot", "jusqu'au"): without a birth cue, not taken for a date of birth however old.
static SPAN_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?:sinds|sedert|vanaf|tot|depuis(?:\s+le)?|à\s+partir\s+du|jusqu'au|since|from|until|till)\s*$",
    )
});

/// A cue right before a year alone ("°1943", "né en 2008", "born in 1988", "(°1987)").
static YEAR_CUE_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?:°|(?:geboren(?:\s+in)?|geb\.?|geboortejaar\s*:?|born(?:\s+in)?|b\.|née?(?:\s+en)?|né\(e\)(?:\s+en)?|year\s+of\s+birth\s*:?|année\s+de\s+naissance\s*:?|dob\s*:?))\s*\(?\s*$",
    )
});

/// A law or regulation named by its date, right before it.
static LAW_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    compile(
        r"(?i)(?:wet|wetten|loi|law|act|kb|k\.b|ab|a\.r|ar|arrêté|arrêté\s+royal|koninklijk\s+besluit|besluit|decreet|décret|decree|ordonnantie|ordonnance|omzendbrief|circulaire|verordening|règlement|regulation|richtlijn|directive|bvr)\.?\s+(?:van|du|of|de)\s*$",
    )
});

/// How far (bytes) before and after a date a cue may be.
const CUE_BEFORE: usize = 30;
const CUE_AFTER: usize = 25;

/// The byte where a window of at most `n` bytes ending at `at` starts (a character
/// boundary).
fn window_start(text: &str, at: usize, n: usize) -> usize {
    let mut from = at.saturating_sub(n);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    from
}

/// True when `text[start..end]` does not begin or end inside a word: a letter or digit at
/// its edge has no letter or digit next to it. The patterns use ASCII word boundaries, which
/// keep the regex engine fast but do not see "aîné" as one word; this looks at Unicode.
fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let inside_first = text[start..].chars().next().is_some_and(char::is_alphanumeric);
    let inside_last = text[..end].chars().next_back().is_some_and(char::is_alphanumeric);
    let outside_before = text[..start].chars().next_back().is_some_and(char::is_alphanumeric);
    let outside_after = text[end..].chars().next().is_some_and(char::is_alphanumeric);
    let starts_inside = inside_first && outside_before;
    let ends_inside = inside_last && outside_after;
    !starts_inside && !ends_inside
}

/// Whether `re` (anchored at the end with `$`) matches, as whole words, the text right
/// before `at` (a window of `n` bytes).
fn ends_with_match(re: &Regex, text: &str, at: usize, n: usize) -> bool {
    let from = window_start(text, at, n);
    re.find_iter(&text[from..at]).any(|m| whole_word(text, from + m.start(), from + m.end()))
}

/// No sentence end in `s` (a full stop counts only when followed by white space).
fn same_sentence(s: &str) -> bool {
    !s.contains([';', '!', '?', '\n']) && !s.contains(". ")
}

/// True when a cue of `cue` is near the date at `start..end`: before it (the cue's end
/// then the date, in one sentence) or just after it.
fn cue_near(
    text: &str,
    start: usize,
    end: usize,
    cue: &Regex,
    reach_before: usize,
    reach_after: usize,
) -> bool {
    let from = window_start(text, start, reach_before);
    let head = &text[from..start];
    let found_before = cue
        .find_iter(head)
        .filter(|m| whole_word(text, from + m.start(), from + m.end()))
        .last()
        .is_some_and(|m| {
            // The cue's own full stop ("geb. 3/7/92") does not end the sentence.
            let rest = &head[m.end()..];
            same_sentence(rest.strip_prefix('.').unwrap_or(rest))
        });
    if found_before {
        return true;
    }
    let mut to = (end + reach_after).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let tail = &text[end..to];
    cue.find_iter(tail)
        .find(|m| whole_word(text, end + m.start(), end + m.end()))
        .is_some_and(|m| same_sentence(&tail[..m.start()]))
}

/// The digit-run boundaries of a numeric date: no digit, and no `.`, `/` or `-` that
/// continues a number, on either side.
fn clean_edges(text: &str, start: usize, end: usize) -> bool {
    let mut back = text[..start].chars().rev();
    let ok_before = match back.next() {
        Some(c) if c.is_ascii_digit() => false,
        Some('.' | '/' | '-') => !back.next().is_some_and(|d| d.is_ascii_digit()),
        _ => true,
    };
    let mut fwd = text[end..].chars();
    let ok_after = match fwd.next() {
        Some(c) if c.is_ascii_digit() => false,
        Some('/' | '-') => !fwd.next().is_some_and(|d| d.is_ascii_digit()),
        Some('.') => !fwd.next().is_some_and(|d| d.is_ascii_digit()),
        _ => true,
    };
    ok_before && ok_after
}

/// A year written with two digits: the last century unless that is still to come.
fn full_year(y: i32, digits: usize, today: NaiveDate) -> i32 {
    if digits > 2 {
        y
    } else if y <= today.year() % 100 {
        2000 + y
    } else {
        1900 + y
    }
}

/// Whole years from `d` to `today`.
fn age(d: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - d.year();
    if (today.month(), today.day()) < (d.month(), d.day()) {
        years -= 1;
    }
    years
}

/// The date-of-birth decision for a full date found at `start..end`.
fn judge_full(text: &str, start: usize, end: usize, d: NaiveDate, today: NaiveDate) -> bool {
    if d > today || ends_with_match(&LAW_BEFORE, text, start, 40) {
        return false;
    }
    let years = age(d, today);
    if years > MAX_AGE {
        return false;
    }
    cue_near(text, start, end, &CUE, CUE_BEFORE, CUE_AFTER)
        || (years >= OLD_YEARS && !ends_with_match(&SPAN_BEFORE, text, start, 30))
}

fn num<T: std::str::FromStr>(caps: &regex::Captures<'_>, i: usize) -> Option<T> {
    caps.get(i)?.as_str().trim_start_matches(['\'', '’']).parse().ok()
}

/// Appends the dates of birth in `text` to `out`.
pub(crate) fn find(text: &str, today: NaiveDate, out: &mut Vec<Raw>) {
    let kind = IdentifierKind::DateOfBirth;
    // Full dates, each position taken once (numeric, ISO, textual, English).
    let mut taken: Vec<(usize, usize)> = Vec::new();
    let overlaps = |taken: &[(usize, usize)], s: usize, e: usize| taken.iter().any(|&(a, b)| s < b && e > a);

    for caps in NUMERIC.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        if caps.get(2).map(|g| g.as_str()) != caps.get(4).map(|g| g.as_str())
            || !clean_edges(text, m.start(), m.end())
        {
            continue;
        }
        let (Some(day), Some(month), Some(y)) =
            (num::<u32>(&caps, 1), num::<u32>(&caps, 3), num::<i32>(&caps, 5))
        else {
            continue;
        };
        let digits = caps.get(5).map_or(0, |g| g.len());
        let Some(d) = NaiveDate::from_ymd_opt(full_year(y, digits, today), month, day) else { continue };
        taken.push((m.start(), m.end()));
        if judge_full(text, m.start(), m.end(), d, today) {
            out.push((m.start(), m.end(), kind));
        }
    }
    for caps in ISO.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        if overlaps(&taken, m.start(), m.end())
            || caps.get(2).map(|g| g.as_str()) != caps.get(4).map(|g| g.as_str())
            || !clean_edges(text, m.start(), m.end())
        {
            continue;
        }
        let (Some(y), Some(month), Some(day)) =
            (num::<i32>(&caps, 1), num::<u32>(&caps, 3), num::<u32>(&caps, 5))
        else {
            continue;
        };
        let Some(d) = NaiveDate::from_ymd_opt(y, month, day) else { continue };
        taken.push((m.start(), m.end()));
        if judge_full(text, m.start(), m.end(), d, today) {
            out.push((m.start(), m.end(), kind));
        }
    }
    for (re, day_i, month_i, year_i) in [(&*TEXTUAL, 1, 2, 3), (&*ENGLISH, 2, 1, 3)] {
        for caps in re.captures_iter(text) {
            let Some(m) = caps.get(0) else { continue };
            if overlaps(&taken, m.start(), m.end()) || !whole_word(text, m.start(), m.end()) {
                continue;
            }
            let Some(month) = caps.get(month_i).and_then(|g| month_number(fold(g.as_str()).as_str())) else {
                continue;
            };
            let (Some(day), Some(y)) = (num::<u32>(&caps, day_i), num::<i32>(&caps, year_i)) else {
                continue;
            };
            let digits = caps.get(year_i).map_or(0, |g| g.as_str().trim_start_matches(['\'', '’']).len());
            let Some(d) = NaiveDate::from_ymd_opt(full_year(y, digits, today), month, day) else { continue };
            taken.push((m.start(), m.end()));
            if judge_full(text, m.start(), m.end(), d, today) {
                out.push((m.start(), m.end(), kind));
            }
        }
    }
    // A day and month only, after a birthday cue.
    for caps in DAY_MONTH.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        if overlaps(&taken, m.start(), m.end())
            || !clean_edges(text, m.start(), m.end())
            || !whole_word(text, m.start(), m.end())
        {
            continue;
        }
        let (day, month) = match caps.get(2) {
            Some(g) => (num::<u32>(&caps, 1), month_number(&fold(g.as_str()))),
            None => (num::<u32>(&caps, 3), num::<u32>(&caps, 4)),
        };
        let valid =
            matches!((day, month), (Some(d), Some(mo)) if (1..=31).contains(&d) && (1..=12).contains(&mo));
        if valid && cue_near(text, m.start(), m.end(), &BIRTHDAY_CUE, 20, 15) {
            out.push((m.start(), m.end(), kind));
        }
    }
    // A year alone, right after a birth cue.
    for caps in YEAR.captures_iter(text) {
        let Some(m) = caps.get(0) else { continue };
        if overlaps(&taken, m.start(), m.end()) || !clean_edges(text, m.start(), m.end()) {
            continue;
        }
        let Some(y) = num::<i32>(&caps, 1) else { continue };
        let years = today.year() - y;
        if (0..=MAX_AGE).contains(&years) && ends_with_match(&YEAR_CUE_BEFORE, text, m.start(), 30) {
            // Include the ° when it is right before: it is part of how the date is written.
            let start =
                if text[..m.start()].ends_with('°') { m.start() - '°'.len_utf8() } else { m.start() };
            out.push((start, m.end(), kind));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
    }

    fn found(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find(text, today(), &mut out);
        out.sort_by_key(|&(s, e, _)| (s, e));
        out.iter().map(|&(s, e, _)| &text[s..e]).collect()
    }

    #[test]
    fn numeric_dates_with_a_cue_or_old() {
        assert_eq!(found("geboren op 12/03/1985"), ["12/03/1985"]);
        assert_eq!(found("Geb. 3/7/92, moeder"), ["3/7/92"]);
        assert_eq!(found("(°14.02.1978)"), ["14.02.1978"]);
        assert_eq!(found("Geboortedatum: 28-11-1969"), ["28-11-1969"]);
        assert_eq!(found("De jongste (geb. 12/8/2019) heeft"), ["12/8/2019"], "recent, but with a cue");
        assert_eq!(found("born 2011-09-05"), ["2011-09-05"]);
        assert_eq!(found("Ze is van 13/12/1990."), ["13/12/1990"], "old full date, no cue");
        assert_eq!(found("Enfant né le 21/01/15."), ["21/01/15"]);
    }

    #[test]
    fn textual_dates() {
        assert_eq!(found("née le 12 mars 1985 à Tanger"), ["12 mars 1985"]);
        assert_eq!(found("Elle est née le 1er janvier 1990"), ["1er janvier 1990"]);
        assert_eq!(found("cliënte °13 sept. 1970"), ["13 sept. 1970"]);
        assert_eq!(found("Mama is geboren op 3 maart '79."), ["3 maart '79"]);
        assert_eq!(found("He was born March 7, 1959 in Izmir"), ["March 7, 1959"]);
        assert_eq!(found("DOB: 3 July 1992."), ["3 July 1992"]);
        assert_eq!(found("né le 8 décembre 1994"), ["8 décembre 1994"]);
        assert_eq!(found("Geboortedatum zoon: 5 feb 2012."), ["5 feb 2012"]);
        assert_eq!(found("Geboortedatum van de baby: 14/10/2026."), ["14/10/2026"], "the whole cue word");
    }

    #[test]
    fn years_and_birthdays_after_a_cue() {
        assert_eq!(found("Oudste kind: °2009, jongste: °2016."), ["°2009", "°2016"]);
        assert_eq!(found("Cliënt is 39 jaar (°1987)."), ["°1987"]);
        assert_eq!(found("Le fils aîné, né en 2008, est suivi"), ["2008"]);
        assert_eq!(found("Born in 1988, no income"), ["1988"]);
        assert_eq!(found("Jarig op 4 oktober, wordt dan 40."), ["4 oktober"]);
        assert_eq!(found("Birthday on 4 October."), ["4 October"]);
        assert!(found("In 1998 kwam hij als student naar België.").is_empty());
        assert!(found("Wachtlijst sinds 2021.").is_empty());
    }

    #[test]
    fn appointments_amounts_times_and_laws_pass() {
        for text in [
            "Afspraak op 12/12/2026 om 14u30.",
            "Volgende opvolging gepland voor 03/02/2027.",
            "Leefloon toegekend vanaf 01/10/2026.",
            "Op 25/11 telefonisch contact, nieuwe afspraak op 1/12.",
            "Rendez-vous le 3 mars 2027 à 10h.",
            "Huurachterstal van € 1.250,00, 12,5% minder.",
            "om 9.45 u, versie 2.1, dossier K7M4-QX9A, schooljaar 2026-2027",
            "Wet van 8 juli 1976 betreffende de OCMW's.",
            "Loi du 26 mai 2002 concernant le droit à l'intégration sociale.",
            "KB van 11 juli 2002 nagekeken.",
            "Leeftijd onbekend; afspraak op 12/12/2026.",
            "Age band 25-34.",
            "Afspraak 30/02/2027 (typfout).",
            "12 maart 14:30 bij het CAW",
            "Wordt 40 op 4 oktober.",
            "In de agenda gezet: 12/12/2026.",
            "Huurcontract loopt sinds 01/09/2010.",
            "En Belgique depuis le 15/06/2005.",
            "L'aîné a rendez-vous le 12/12/2026, l'aîné en 2019 a quitté l'école.",
            "Contact van 02/12/2026 bevestigd; wageboren? nee.",
            "Aged care? In de agenda gezet: 12/12/2026.",
        ] {
            assert!(found(text).is_empty(), "false alarm in {text:?}: {:?}", found(text));
        }
    }

    #[test]
    fn the_future_and_the_very_old_are_not_births() {
        assert!(found("geboren op 12/03/2030").is_empty());
        assert!(found("geboren op 12/03/1890").is_empty());
        assert_eq!(found("Date of birth 14-02-1978."), ["14-02-1978"]);
    }

    #[test]
    fn cue_in_another_sentence_does_not_count() {
        assert!(found("Geboortedatum nog op te vragen. Afspraak op 02/12/2026.").is_empty());
        assert!(found("Geboren in Marokko, in België sinds 15/06/2019.").is_empty());
    }
}
