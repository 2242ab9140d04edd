//! Detection of personal identifiers in free text.
//!
//! Two levels. Caseworkers' notes must never contain national register / BIS numbers,
//! bank account numbers, phone numbers or e-mail addresses: [`find_identifiers`] finds
//! those (severity [`Severity::Block`]) and [`super::check_free_text`] refuses the text.
//! Dates of birth, street addresses and likely person names are found by
//! [`find_warnings`] (severity [`Severity::Warn`], see `privacy/warnings/`): they are
//! reported so the worker can rewrite, but never refused by core. [`find_all`] gives both,
//! for the check while typing.
//!
//! Findings say what was found and where (character offsets), never the text itself, so
//! callers can build a message with [`describe`].
//!
//! Checksummed identifiers (national/BIS numbers, IBANs) are only reported when the
//! checksum passes; phone numbers only in a few well-known layouts, to keep false alarms on
//! dates, amounts and times low.

use std::cmp::Reverse;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

/// The kind of personal identifier found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    NationalNumber,
    BisNumber,
    Iban,
    Phone,
    Email,
    /// A date (or year) of birth: a date with a birth cue nearby, or a full date long ago.
    DateOfBirth,
    /// A street with a house number, or a postcode with a municipality.
    StreetAddress,
    /// A likely person name: a known first name, or a capitalised word after a title,
    /// a kinship word or a "name:" label.
    PersonName,
}

/// What a finding means for the text that holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// May not be stored: core refuses the text.
    Block,
    /// Probably identifies a person: the worker is warned, core does not refuse.
    Warn,
}

impl IdentifierKind {
    /// The stable code (as serialised).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NationalNumber => "national_number",
            Self::BisNumber => "bis_number",
            Self::Iban => "iban",
            Self::Phone => "phone",
            Self::Email => "email",
            Self::DateOfBirth => "date_of_birth",
            Self::StreetAddress => "street_address",
            Self::PersonName => "person_name",
        }
    }

    /// English label for messages.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::NationalNumber => "national register number",
            Self::BisNumber => "BIS number",
            Self::Iban => "bank account number (IBAN)",
            Self::Phone => "phone number",
            Self::Email => "e-mail address",
            Self::DateOfBirth => "date of birth",
            Self::StreetAddress => "street address",
            Self::PersonName => "person's name",
        }
    }

    /// Checksummed numbers, phones and e-mail addresses block; the second level warns.
    pub fn severity(self) -> Severity {
        match self {
            Self::NationalNumber | Self::BisNumber | Self::Iban | Self::Phone | Self::Email => {
                Severity::Block
            }
            Self::DateOfBirth | Self::StreetAddress | Self::PersonName => Severity::Warn,
        }
    }

    /// Overlap priority, lower wins: checksummed identifiers, then e-mail, then phone, then
    /// the warnings (address, date of birth, name).
    pub(crate) fn rank(self) -> u8 {
        match self {
            Self::NationalNumber | Self::BisNumber | Self::Iban => 0,
            Self::Email => 1,
            Self::Phone => 2,
            Self::StreetAddress => 3,
            Self::DateOfBirth => 4,
            Self::PersonName => 5,
        }
    }
}

/// One identifier found in a text. Offsets are 0-based character (not byte) offsets,
/// `end` exclusive. `severity` always equals `kind.severity()`; it is sent along so the UI
/// does not need to know which kinds block.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Finding {
    pub kind: IdentifierKind,
    pub severity: Severity,
    #[ts(type = "number")]
    pub start: usize,
    #[ts(type = "number")]
    pub end: usize,
}

impl Finding {
    pub(crate) fn new(kind: IdentifierKind, start: usize, end: usize) -> Self {
        Self { kind, severity: kind.severity(), start, end }
    }
}

#[allow(clippy::expect_used)]
fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).expect("literal identifier pattern must compile")
}

/// YY MM DD SSS CC with an optional separator between the groups; anchored at a candidate start.
static NATIONAL: LazyLock<Regex> = LazyLock::new(|| {
    compile(r"^([0-9]{2})[ ./-]?([0-9]{2})[ ./-]?([0-9]{2})[ ./-]?([0-9]{3})[ ./-]?([0-9]{2})")
});

/// Phone layouts, anchored at a candidate start. `S` stands for an optional separator.
static PHONES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"^04[5-9][0-9]S[0-9]{2}S[0-9]{2}S[0-9]{2}", // mobile 0475 12 34 56
        // mobile 0475 123 456; not with dots, which is how enterprise numbers (KBO) are written
        r"^04[5-9][0-9][ /]?[0-9]{3} ?[0-9]{3}",
        r"^0[2349]S[0-9]{3}S[0-9]{2}S[0-9]{2}", // landline, 1-digit zone: 02 123 45 67
        r"^0[1-9][0-9]S[0-9]{2}S[0-9]{2}S[0-9]{2}", // landline, 2-digit zone: 050 12 34 56
        r"^(?:\+|00)32S(?:\(0\)S)?[0-9](?:S[0-9]){7,8}", // +32 (0)2 123 45 67, 0032 475 ...
        r"^\+[1-9][0-9]{0,2}S(?:\(0\)S)?[0-9](?:S[0-9]){6,11}", // other international
    ]
    .iter()
    .map(|p| compile(&p.replace('S', "[ ./-]?")))
    .collect()
});

/// Country code, check digits and up to 30 BBAN characters, optionally in space-separated
/// groups. Greedy: [`iban_at`] then looks for the right end inside the match.
static IBAN_RAW: LazyLock<Regex> = LazyLock::new(|| compile(r"^[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,30}"));

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| compile(r"[A-Za-z0-9._%+\-]+@(?:[A-Za-z0-9\-]+\.)+[A-Za-z]{2,}\b"));

/// IBAN lengths per country (ISO 13616 registry); unknown countries accept 15..=34.
const IBAN_LENGTHS: &str = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 CH21 CR22 CY28 \
    CZ24 DE22 DK18 DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 \
    IE22 IL23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 \
    MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SE24 SI19 SK24 SM27 TN24 TR26 \
    UA29 VG24 XK20";

/// Finds the identifiers that may not be stored (severity [`Severity::Block`]) in
/// `text`, sorted by start and non-overlapping. When detections overlap, checksummed ones
/// (national/BIS number, IBAN) win over e-mail, which wins over phone; within a rank the
/// first-starting, then longest, wins.
pub fn find_identifiers(text: &str) -> Vec<Finding> {
    to_findings(text, resolve(blocking_raw(text)))
}

/// Finds the second-level identifiers (severity [`Severity::Warn`]): dates of birth, street
/// addresses and likely person names, judged against today's date. Sorted by start and
/// non-overlapping.
pub fn find_warnings(text: &str) -> Vec<Finding> {
    find_warnings_on(text, crate::dates::today())
}

/// [`find_warnings`] with an explicit "today" (a date of birth is judged by its age).
pub fn find_warnings_on(text: &str, today: NaiveDate) -> Vec<Finding> {
    to_findings(text, resolve(super::warnings::raw(text, today)))
}

/// Both levels, for the check while typing: blocking identifiers and warnings, sorted by
/// start and non-overlapping (a warning inside a blocking identifier is dropped).
pub fn find_all(text: &str) -> Vec<Finding> {
    find_all_on(text, crate::dates::today())
}

/// [`find_all`] with an explicit "today".
pub fn find_all_on(text: &str, today: NaiveDate) -> Vec<Finding> {
    let mut raw = blocking_raw(text);
    raw.extend(super::warnings::raw(text, today));
    to_findings(text, resolve(raw))
}

/// A detection before overlaps are resolved: byte start, byte end, kind.
pub(crate) type Raw = (usize, usize, IdentifierKind);

fn blocking_raw(text: &str) -> Vec<Raw> {
    let mut raw: Vec<Raw> = Vec::new();
    let mut prev: Option<char> = None;
    for (b, c) in text.char_indices() {
        let rest = &text[b..];
        let after_digit = prev.is_some_and(|p| p.is_ascii_digit());
        if c.is_ascii_digit()
            && !after_digit
            && let Some((len, kind)) = national_at(rest)
        {
            raw.push((b, b + len, kind));
        }
        if (c.is_ascii_digit() || c == '+')
            && starts_clean(&text[..b])
            && let Some(len) = phone_at(rest)
        {
            raw.push((b, b + len, IdentifierKind::Phone));
        }
        if c.is_ascii_alphabetic()
            && !prev.is_some_and(char::is_alphanumeric)
            && let Some(len) = iban_at(rest)
        {
            raw.push((b, b + len, IdentifierKind::Iban));
        }
        prev = Some(c);
    }
    raw.extend(EMAIL.find_iter(text).map(|m| (m.start(), m.end(), IdentifierKind::Email)));
    raw
}

/// Keeps non-overlapping detections: lower rank first, then first-starting, then longest.
/// Sorted by start.
fn resolve(mut raw: Vec<Raw>) -> Vec<Raw> {
    raw.sort_by_key(|&(s, e, k)| (k.rank(), s, Reverse(e - s)));
    let mut kept: Vec<Raw> = Vec::new();
    for cand in raw {
        if kept.iter().all(|&(s, e, _)| cand.1 <= s || cand.0 >= e) {
            kept.push(cand);
        }
    }
    kept.sort_by_key(|&(s, _, _)| s);
    kept
}

/// Byte offsets to character offsets, in one pass over the text (`kept` is sorted).
fn to_findings(text: &str, kept: Vec<Raw>) -> Vec<Finding> {
    let mut bytes: Vec<usize> = kept.iter().flat_map(|&(s, e, _)| [s, e]).collect();
    bytes.sort_unstable();
    bytes.dedup();
    let mut chars = Vec::with_capacity(bytes.len());
    let (mut count, mut at) = (0, 0);
    for &b in &bytes {
        count += text.get(at..b).map_or(0, |s| s.chars().count());
        at = b;
        chars.push(count);
    }
    let to_char = |b: usize| bytes.binary_search(&b).map_or(0, |i| chars[i]);
    kept.into_iter().map(|(s, e, kind)| Finding::new(kind, to_char(s), to_char(e))).collect()
}

/// Human description, e.g. "phone number at characters 12–24" (1-based, inclusive),
/// joined with "; ". Never contains the identifier itself.
pub fn describe(findings: &[Finding]) -> String {
    findings
        .iter()
        .map(|f| format!("{} at characters {}–{}", f.kind.label_en(), f.start + 1, f.end))
        .collect::<Vec<_>>()
        .join("; ")
}

fn is_hard_sep(c: char) -> bool {
    matches!(c, '.' | '/' | '-')
}

/// True when `before` does not end in a digit, nor in `.`, `/` or `-` right after a digit
/// (so the tail of a date or longer number never starts a phone number).
fn starts_clean(before: &str) -> bool {
    let mut it = before.chars().rev();
    match it.next() {
        Some(c) if c.is_ascii_digit() => false,
        Some(c) if is_hard_sep(c) => !it.next().is_some_and(|d| d.is_ascii_digit()),
        _ => true,
    }
}

/// Mirror of [`starts_clean`] for the text following a match of `len` bytes in `rest`.
fn ends_clean(rest: &str, len: usize) -> bool {
    let mut it = rest[len..].chars();
    match it.next() {
        Some(c) if c.is_ascii_digit() => false,
        Some(c) if is_hard_sep(c) => !it.next().is_some_and(|d| d.is_ascii_digit()),
        _ => true,
    }
}

fn national_at(rest: &str) -> Option<(usize, IdentifierKind)> {
    let caps = NATIONAL.captures(rest)?;
    let len = caps.get(0)?.end();
    if rest[len..].starts_with(|c: char| c.is_ascii_digit()) {
        return None; // part of a longer digit run
    }
    let group = |i: usize| caps.get(i).map_or("", |m| m.as_str());
    let month: u32 = group(2).parse().ok()?;
    let day: u32 = group(3).parse().ok()?;
    let first9: u64 = format!("{}{}{}{}", group(1), group(2), group(3), group(4)).parse().ok()?;
    let check: u64 = group(5).parse().ok()?;
    let passes = |n: u64| 97 - n % 97 == check;
    if day > 31 || !(passes(first9) || passes(2_000_000_000 + first9)) {
        return None;
    }
    match month {
        0..=12 => Some((len, IdentifierKind::NationalNumber)),
        20..=32 | 40..=52 => Some((len, IdentifierKind::BisNumber)),
        _ => None,
    }
}

fn phone_at(rest: &str) -> Option<usize> {
    PHONES
        .iter()
        .enumerate()
        .filter_map(|(i, re)| re.find(rest).map(|m| (i, m.as_str())))
        .filter(|&(_, s)| ends_clean(rest, s.len()))
        .filter(|&(i, s)| {
            // The generic international layout neither re-does +32 nor flags "+12.500.000".
            i != PHONES.len() - 1 || !(s.starts_with("+32") || looks_like_amount(s))
        })
        .map(|(_, s)| s.len())
        .max()
}

/// "+12.500.000": only dots as separators, every group after the first exactly 3 digits.
fn looks_like_amount(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() > 1 && parts[1..].iter().all(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
}

fn iban_length(country: &str) -> Option<usize> {
    IBAN_LENGTHS
        .split_whitespace()
        .find(|e| e.get(..2) == Some(country))
        .and_then(|e| e.get(2..)?.parse().ok())
}

/// Byte length of a checksum-valid IBAN at the start of `rest`, if any.
fn iban_at(rest: &str) -> Option<usize> {
    let m = IBAN_RAW.find(rest)?;
    let country = m.as_str().get(..2)?.to_ascii_uppercase();
    let expected = iban_length(&country);
    let mut compact = String::new();
    for (i, c) in m.as_str().char_indices() {
        if c == ' ' {
            continue;
        }
        compact.push(c.to_ascii_uppercase());
        let end = i + c.len_utf8();
        if rest[end..].starts_with(char::is_alphanumeric) {
            continue; // an IBAN ends where a word ends
        }
        let n = compact.len();
        let len_ok = expected.map_or((15..=34).contains(&n), |l| n == l);
        let digits_ok = country != "BE" || compact.bytes().skip(2).all(|b| b.is_ascii_digit());
        if len_ok && digits_ok && iban_checksum_ok(&compact) {
            return Some(end);
        }
        if expected.is_some_and(|l| n >= l) {
            return None;
        }
    }
    None
}

/// ISO 13616 mod-97 check on an upper-case, space-free IBAN.
fn iban_checksum_ok(compact: &str) -> bool {
    let (head, tail) = compact.split_at(4.min(compact.len()));
    let mut rem: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        match c.to_digit(36) {
            Some(v) if v < 10 => rem = (rem * 10 + v) % 97,
            Some(v) => rem = (rem * 100 + v) % 97,
            None => return false,
        }
    }
    rem == 1
}

#[cfg(test)]
mod tests {
    use super::IdentifierKind::*;
    use super::*;

    fn kinds(text: &str) -> Vec<IdentifierKind> {
        find_identifiers(text).into_iter().map(|f| f.kind).collect()
    }

    fn one(text: &str) -> Finding {
        let found = find_identifiers(text);
        assert_eq!(found.len(), 1, "expected exactly one finding in {text:?}: {found:?}");
        found[0].clone()
    }

    #[test]
    fn national_numbers_with_valid_checksum() {
        for nr in ["93051822361", "00012556777", "17073003384", "93.05.18-223.61", "930518 223 61"] {
            assert_eq!(kinds(&format!("INSZ {nr} bekend")), vec![NationalNumber], "{nr}");
        }
        assert_eq!(one("rijksregisternr. 93.05.18-223.61."), Finding::new(NationalNumber, 17, 32));
    }

    #[test]
    fn bis_number() {
        assert_eq!(one("BIS 98472899765"), Finding::new(BisNumber, 4, 15));
    }

    #[test]
    fn national_number_rejections() {
        assert!(kinds("93051822362").is_empty(), "bad checksum");
        assert!(kinds("nummer 123456789012").is_empty(), "12 digits");
        assert!(kinds("930518223610").is_empty(), "valid 11 digits inside a 12-digit run");
        assert!(kinds("193051822361").is_empty(), "valid 11 digits inside a 12-digit run");
    }

    #[test]
    fn char_offsets_not_bytes() {
        // "é" and "ë" take two bytes each; offsets must count characters.
        let f = one("Cliënt é: 93051822361");
        assert_eq!((f.kind, f.start, f.end), (NationalNumber, 10, 21));
        let f = one("Café éé 0475 12 34 56 ok");
        assert_eq!((f.kind, f.start, f.end), (Phone, 8, 21));
    }

    #[test]
    fn ibans() {
        for iban in ["BE32123456789002", "BE48320070184927", "BE32 1234 5678 9002", "be32 1234 5678 9002"] {
            assert_eq!(kinds(&format!("rekening {iban} voor huur")), vec![Iban], "{iban}");
        }
        assert_eq!(one("IBAN BE32 1234 5678 9002 voor"), Finding::new(Iban, 5, 24));
        assert_eq!(kinds("NL91ABNA0417164300"), vec![Iban]);
        assert_eq!(kinds("FR1420041010050500013M02606"), vec![Iban]);
        assert_eq!(kinds("FR14 2004 1010 0505 0001 3M02 606 en"), vec![Iban]);
        assert!(kinds("BE32123456789003").is_empty(), "bad checksum");
        assert!(kinds("BE32 1234 5678 9003").is_empty(), "bad checksum, no phone either");
    }

    #[test]
    fn phones() {
        for p in [
            "02 123 45 67",
            "09/123.45.67",
            "050 12 34 56",
            "0475 12 34 56",
            "0475/12.34.56",
            "0475123456",
            "0475 123 456",
            "+32 2 123 45 67",
            "+32 (0)2 123 45 67",
            "+32 475 12 34 56",
            "0032 475 12 34 56",
            "+31 6 12345678",
            "+33 6 12 34 56 78",
        ] {
            let text = format!("bel {p}, ok");
            let f = one(&text);
            assert_eq!((f.kind, f.start, f.end), (Phone, 4, 4 + p.chars().count()), "{p}");
        }
    }

    #[test]
    fn no_false_alarms() {
        for text in [
            "12/03/2024",
            "02/03/2024",
            "2024-03-12",
            "op 02/03/2024 9u30",
            "1.250,00 euro",
            "€ 950",
            "om 14:30",
            "1080 Molenbeek",
            "in 2023 en 2024",
            "dossier K7M4-QX9A",
            "3 kinderen",
            "123456789012",
            "+12.500.000",
            "twitter @handle",
            "a @ b",
            "3 + 4 = 7",
            "KBO 0456.789.123",
        ] {
            assert!(kinds(text).is_empty(), "false alarm in {text:?}: {:?}", find_identifiers(text));
        }
    }

    #[test]
    fn realistic_note_is_clean() {
        let note = "Mevrouw kwam op 12/03/2024 langs voor huurachterstal van € 950; afspraak 14:30 \
                    bij CAW. Rendez-vous le 3 mars, 2 enfants. Dossier K7M4-QX9A, 1080 Brussel.";
        assert_eq!(find_identifiers(note), vec![]);
    }

    #[test]
    fn emails() {
        assert_eq!(one("mail jan.peeters@telenet.be."), Finding::new(Email, 5, 27));
        assert_eq!(kinds("X_Y+Z@Mail.Example.ORG"), vec![Email]);
        assert!(kinds("jan@localhost").is_empty());
    }

    #[test]
    fn overlaps_resolved_and_sorted() {
        let text = "Tel 0475/12.34.56, INSZ 93051822361, mail x_y+z@mail.example.org, BE48320070184927";
        assert_eq!(kinds(text), vec![Phone, NationalNumber, Email, Iban]);
        // "030123456" alone would be a landline; as part of a national number it is not.
        assert_eq!(kinds("030123456"), vec![Phone]);
        assert_eq!(kinds("030123456 20"), vec![NationalNumber]);
        let found = find_identifiers(text);
        assert!(found.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn describe_positions_are_one_based_inclusive() {
        let found = find_identifiers("Bel 0475 12 34 56 of mail a@b.be");
        assert_eq!(describe(&found), "phone number at characters 5–17; e-mail address at characters 27–32");
        assert_eq!(describe(&[]), "");
        assert!(!describe(&find_identifiers("INSZ 93051822361")).contains("93051822361"));
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    #[test]
    fn warnings_are_found_apart_and_never_block() {
        let note = "Mevrouw Peeters, geboren 12/03/1985, woont Kerkstraat 5 bus 2, 1080 Molenbeek.";
        let found = find_warnings_on(note, today());
        let kinds: Vec<_> = found.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, vec![PersonName, DateOfBirth, StreetAddress, StreetAddress]);
        assert!(found.iter().all(|f| f.severity == Severity::Warn));
        assert_eq!(found[0], Finding::new(PersonName, 8, 15));
        assert_eq!(found[1], Finding::new(DateOfBirth, 25, 35));
        assert!(find_identifiers(note).is_empty(), "the first level is unchanged");
        assert!(crate::privacy::check_free_text("body", note).is_ok(), "warnings never refuse");
    }

    #[test]
    fn find_all_gives_both_levels_and_blocking_wins_overlaps() {
        let note = "Fatima.Benali@mail.be, tel 0475 12 34 56, Fatima woont Rue Haute 123.";
        let found = find_all_on(note, today());
        let kinds: Vec<_> = found.iter().map(|f| (f.kind, f.severity)).collect();
        assert_eq!(
            kinds,
            vec![
                (Email, Severity::Block),
                (Phone, Severity::Block),
                (PersonName, Severity::Warn),
                (StreetAddress, Severity::Warn),
            ],
            "the name inside the e-mail address is not reported twice"
        );
        assert!(found.windows(2).all(|w| w[0].end <= w[1].start));
        let err = crate::privacy::check_free_text("body", note).unwrap_err().to_string();
        assert!(err.contains("e-mail address") && err.contains("phone number"), "{err}");
        assert!(!err.contains("name") && !err.contains("street"), "{err}");
    }

    #[test]
    fn warning_offsets_are_characters() {
        let note = "Cliënte née le 3 mars 1990 à Liège; fille Zoë.";
        let found = find_warnings_on(note, today());
        let spans: Vec<String> =
            found.iter().map(|f| note.chars().skip(f.start).take(f.end - f.start).collect()).collect();
        assert_eq!(spans, ["3 mars 1990", "Zoë"]);
    }

    #[test]
    fn severity_per_kind() {
        for k in [NationalNumber, BisNumber, Iban, Phone, Email] {
            assert_eq!(k.severity(), Severity::Block, "{k:?}");
        }
        for k in [DateOfBirth, StreetAddress, PersonName] {
            assert_eq!(k.severity(), Severity::Warn, "{k:?}");
        }
        assert_eq!(describe(&find_warnings_on("Kerkstraat 5", today())), "street address at characters 1–12");
    }

    #[test]
    fn long_and_odd_input_never_panics() {
        let odd = "°°° 12/ /1985 rue  n° Mevr. . , : 0/0/0 9999 B- bus / 1er mars ' née le \u{301}é 🙂 Jean-";
        for text in
            [odd, &odd.repeat(50), "", " ", "°", "rue", "M.", "Nom :", "1080", "12 rue", "Kerkstraat 5 bus"]
        {
            let _ = find_all_on(text, today());
        }
        let long = "Mevrouw Peeters woont Kerkstraat 5. ".repeat(2000);
        assert_eq!(find_warnings_on(&long, today()).len(), 4000);
    }

    #[test]
    fn labels_and_serde_names() {
        assert_eq!(Iban.label_en(), "bank account number (IBAN)");
        assert_eq!(BisNumber.label_en(), "BIS number");
        assert_eq!(NationalNumber.label_en(), "national register number");
        assert_eq!(Phone.label_en(), "phone number");
        assert_eq!(Email.label_en(), "e-mail address");
        assert_eq!(DateOfBirth.label_en(), "date of birth");
        assert_eq!(StreetAddress.label_en(), "street address");
        assert_eq!(PersonName.label_en(), "person's name");
        let json = serde_json::to_string(&find_warnings_on("geboren op 12/03/1985", today())[0]).unwrap();
        assert_eq!(json, r#"{"kind":"date_of_birth","severity":"warn","start":11,"end":21}"#);
        let json = serde_json::to_string(&one("INSZ 98472899765")).unwrap();
        assert_eq!(json, r#"{"kind":"bis_number","severity":"block","start":5,"end":16}"#);
    }
}
