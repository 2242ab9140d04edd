//! Street addresses: a street with a house number, or a postcode with a municipality.
//!
//! Three shapes:
//! * a Dutch street name, one word ending in a street word, then a number:
//!   "Kerkstraat 5 bus 2", "Antwerpsesteenweg 120", "Kapelstr. 14", "Grote Markt 12";
//! * a street word, a name with at least one capitalised word, then a number, or the
//!   number first (French style): "Rue Haute 123", "avenue Louise 54 bte 3", "Chaussée de
//!   Gand 1040/3", "12, rue de la Loi", "au 45 avenue de la Couronne";
//! * a Belgian postcode (1000–9992) then a municipality: "1080 Molenbeek", "B-1000
//!   Brussel". A number that could be a year (1900–2099) counts only before a listed place;
//!   another number also before any capitalised word that is not a unit or a month.
//!
//! A street or a municipality named without a number is not an address here: municipality
//! is a recorded field, and "in de buurt van de Kerkstraat" says little. A number followed
//! by a unit ("3 jaar", "5 €", "10 minuten") is not a house number.

use super::words::{
    NL_STREET_SUFFIXES, NL_STREET_SUFFIXES_LOWER, PARTICLES, STREET_WORDS, Word, fold, has_street_suffix,
    is_place, month_number, plain_gap,
};
use crate::privacy::identifiers::{IdentifierKind, Raw};

/// Words after a number that make it a quantity, not a house number.
const UNITS: &[&str] = &[
    "euro",
    "eur",
    "euros",
    "jaar",
    "jaren",
    "an",
    "ans",
    "year",
    "years",
    "km",
    "m",
    "min",
    "minuten",
    "minutes",
    "uur",
    "u",
    "h",
    "keer",
    "fois",
    "times",
    "maand",
    "maanden",
    "mois",
    "month",
    "months",
    "week",
    "weken",
    "semaine",
    "semaines",
    "weeks",
    "dag",
    "dagen",
    "jour",
    "jours",
    "day",
    "days",
    "kinderen",
    "enfants",
    "children",
    "personen",
    "personnes",
    "people",
    "procent",
    "pct",
    "x",
];

/// Capitalised words after a postcode-like number that are not places.
const NOT_PLACE: &[&str] =
    &["euro", "eur", "euros", "km", "kilometer", "dossiers", "cases", "personen", "people"];

/// Length in bytes of a house number (with box) at the start of `rest`, after optional
/// `,` and spaces and an optional "n°" / "nr." / "no". `None` when there is none.
fn house_number(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    let mut i = 0;
    let skip_spaces = |i: &mut usize| {
        while *i < b.len() && (b[*i] == b' ' || b[*i] == b'\t') {
            *i += 1;
        }
    };
    skip_spaces(&mut i);
    if b.get(i) == Some(&b',') {
        i += 1;
        skip_spaces(&mut i);
    }
    for prefix in ["n°", "N°", "nr.", "Nr.", "nr", "no.", "No."] {
        if rest[i..].starts_with(prefix) {
            i += prefix.len();
            skip_spaces(&mut i);
            break;
        }
    }
    let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 4 || b[i] == b'0' {
        return None;
    }
    let number: u32 = rest[i..i + digits].parse().unwrap_or(0);
    i += digits;
    // One letter right after the number: "3A", "86C" (not the start of a word).
    if b.get(i).is_some_and(u8::is_ascii_alphabetic) && !b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) {
        i += 1;
    }
    let mut end = i;
    // A box: "bus 2", "bte 3", "boîte 4", "box 2", "b3", "b. 2", "/3", "/12".
    let tail = &rest[i..];
    let trimmed = tail.trim_start_matches([' ', '\t']);
    let lead = tail.len() - trimmed.len();
    for word in ["bus", "bte", "boîte", "box", "b.", "b", "/"] {
        if let Some(after) = trimmed.strip_prefix(word) {
            if word == "/" && lead > 0 {
                continue;
            }
            let after_trim = after.trim_start_matches([' ', '\t', '.']);
            let n = after_trim.bytes().take_while(u8::is_ascii_alphanumeric).count();
            if n > 0 && n <= 4 && after_trim.as_bytes()[0].is_ascii_digit() {
                end = i + lead + word.len() + (after.len() - after_trim.len()) + n;
            }
            break;
        }
    }
    // A postcode and its place, not a house number ("rue des Tanneurs, 1000 Bruxelles").
    if end == i && digits == 4 {
        let place: String = rest[end..]
            .trim_start()
            .chars()
            .take_while(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
            .collect();
        if !place.is_empty() && is_place(&fold(&place)) {
            return None;
        }
    }
    // A year is not a house number ("Woningmarkt 2026 blijft krap"), unless a box follows.
    if end == i && (1900..=2099).contains(&number) {
        return None;
    }
    // Not a number that goes on (a date, a decimal) nor a quantity.
    let next = &rest[end..];
    let mut it = next.chars();
    match it.next() {
        Some(c) if c.is_ascii_digit() => return None,
        Some('/' | '.' | '-' | ':' | 'h') if it.next().is_some_and(|d| d.is_ascii_digit()) => return None,
        _ => {}
    }
    let unit =
        next.trim_start().split(|c: char| !c.is_alphanumeric() && c != '%' && c != '€').next().unwrap_or("");
    if next.trim_start().starts_with(['€', '%', '$', '£']) || UNITS.contains(&fold(unit).as_str()) {
        return None;
    }
    Some(end)
}

/// A street-name word (Dutch compound) at `words[i]`, with the byte where its number
/// search starts (after an abbreviation's full stop).
fn dutch_street_end(text: &str, words: &[Word], i: usize) -> Option<usize> {
    let w = &words[i];
    let key = w.key.as_str();
    let capital = text[w.start..].starts_with(char::is_uppercase);
    if has_street_suffix(key, NL_STREET_SUFFIXES)
        && (capital || has_street_suffix(key, NL_STREET_SUFFIXES_LOWER))
    {
        return Some(w.end);
    }
    // "Kapelstr. 14", "Brusselsestwg. 5"
    if capital && w.dot && (key.ends_with("str") || key.ends_with("stwg")) && key.len() > 4 {
        return Some(w.end + 1);
    }
    // "Grote Markt 12", "Oude Baan 3": a bare street word after a capitalised word.
    let bare = ["markt", "laan", "steenweg", "plein", "dreef", "kaai", "lei", "baan", "weg", "dijk", "vest"];
    if capital && bare.contains(&key) && i > 0 && words[i - 1].cap && plain_gap(text, &words[i - 1], w) {
        return Some(w.end);
    }
    None
}

/// The name after a street word at `words[i]`: index of its last word, when it has at
/// least one capitalised word ("de la Loi", "Haute", "d'Ixelles", "du Jardin Botanique").
fn street_name_after(text: &str, words: &[Word], i: usize) -> Option<usize> {
    let mut last = None;
    let mut j = i + 1;
    let mut prev = &words[i];
    while j < words.len() && j <= i + 6 {
        let w = &words[j];
        let gap = &text[prev.end..w.start];
        let gap_ok = gap.chars().all(|c| c == ' ' || c == '\u{a0}')
            || (j == i + 1 && (gap == ". " || gap == "."))
            || gap == "'"
            || gap == "’";
        if !gap_ok {
            break;
        }
        if w.cap {
            last = Some(j);
        } else if !PARTICLES.contains(w.key.as_str())
            && !matches!(w.key.as_str(), "au" | "aux" | "sur" | "sous")
        {
            break;
        }
        prev = w;
        j += 1;
    }
    last
}

/// Whether `words[i]` is a street word ("rue", "Av.", "chée").
fn is_street_word(text: &str, w: &Word) -> bool {
    if !STREET_WORDS.contains(w.key.as_str()) {
        return false;
    }
    // Abbreviations need their full stop or nothing after them; "pl" and "sq" need the stop.
    match w.key.as_str() {
        "pl" | "sq" | "av" | "ave" | "bd" | "boul" | "bld" => {
            w.dot || !text[w.end..].starts_with(char::is_alphanumeric)
        }
        _ => true,
    }
}

/// A house number written before a street word ("12, rue des Tanneurs", "au n° 8 de la rue
/// du Midi"): the byte where it starts.
fn number_before(text: &str, street_start: usize) -> Option<usize> {
    let mut head = text[..street_start].trim_end_matches([' ', '\t']);
    for link in [" de la", " de l'", " du", " de"] {
        if let Some(h) = head.strip_suffix(link) {
            head = h.trim_end_matches([' ', '\t']);
            break;
        }
    }
    head = head.trim_end_matches(',').trim_end_matches([' ', '\t']);
    // One optional letter ("12A rue ..."), then 1–4 digits.
    let body = head
        .strip_suffix(|c: char| c.is_ascii_alphabetic())
        .filter(|h| h.ends_with(|c: char| c.is_ascii_digit()));
    let body = body.unwrap_or(head);
    let digits = body.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let start = body.len() - digits;
    let before = body[..start].trim_end_matches([' ', '\t']);
    let before = before.strip_suffix("n°").or_else(|| before.strip_suffix("N°")).unwrap_or(before);
    // The number stands alone: not the end of a date, a time, an amount or a code.
    if !matches!(body[..start].chars().next_back(), None | Some(' ' | '\t' | '(' | '\n')) {
        return None;
    }
    if before.ends_with(['€', '$', '%']) || before.ends_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some(start)
}

/// Postcodes 1900–2099 read like years; they count only with their own place: Antwerp
/// (2000–2099) and the places of Flemish Brabant east of Brussels (1900–1999).
fn year_like_postcode_place(code: u32, key: &str) -> bool {
    let places: &[&str] = if code >= 2000 {
        &["antwerpen", "anvers", "antwerp", "berendrecht", "zandvliet", "lillo"]
    } else {
        &[
            "kampenhout",
            "berg",
            "buken",
            "nederokkerzeel",
            "zaventem",
            "nossegem",
            "sint-stevens-woluwe",
            "sterrebeek",
            "kraainem",
            "wezembeek-oppem",
            "zemst",
            "hofstade",
            "elewijt",
            "weerde",
            "eppegem",
            "steenokkerzeel",
            "melsbroek",
            "perk",
        ]
    };
    places.contains(&key)
}

/// A postcode right before `w` (only spaces between): its byte start.
fn postcode_before(text: &str, w: &Word) -> Option<usize> {
    let head = &text[..w.start];
    let number = head.trim_end_matches([' ', '\u{a0}']);
    if number.len() == head.len() {
        return None;
    }
    let digits = number.bytes().rev().take_while(u8::is_ascii_digit).count();
    if digits != 4 {
        return None;
    }
    let start = number.len() - digits;
    let code: u32 = number[start..].parse().ok()?;
    if !(1000..=9992).contains(&code) {
        return None;
    }
    let before = &number[..start];
    let start = match before.chars().next_back() {
        None | Some(' ' | '\t' | '\n' | '(' | ',' | ':') => start,
        Some('-') if before.ends_with("B-") => start - 2,
        _ => return None,
    };
    let known = if (1900..=2099).contains(&code) {
        // A year before a place ("in 2019 Brussel verlaten") is not a postcode unless the
        // place is the one that postcode belongs to.
        year_like_postcode_place(code, &w.key)
    } else {
        is_place(&w.key)
    };
    let unknown_ok = !(1900..=2099).contains(&code)
        && w.cap
        && !NOT_PLACE.contains(&w.key.as_str())
        && month_number(&w.key).is_none()
        && !super::words::NOT_NAME.contains(w.key.as_str());
    (known || unknown_ok).then_some(start)
}

/// Appends the street addresses in `text` to `out`.
pub(crate) fn find(text: &str, words: &[Word], out: &mut Vec<Raw>) {
    let kind = IdentifierKind::StreetAddress;
    for (i, w) in words.iter().enumerate() {
        if let Some(from) = dutch_street_end(text, words, i)
            && let Some(len) = text.get(from..).and_then(house_number)
        {
            // Take capitalised words before it into the span ("Koning Albertlaan").
            let mut start = w.start;
            let mut k = i;
            while k > 0
                && i - k < 2
                && words[k - 1].cap
                && !words[k - 1].initial
                && plain_gap(text, &words[k - 1], &words[k])
            {
                k -= 1;
                start = words[k].start;
            }
            out.push((start, from + len, kind));
        }
        if is_street_word(text, w)
            && let Some(last) = street_name_after(text, words, i)
        {
            let name_end = words[last].end;
            if let Some(len) = text.get(name_end..).and_then(house_number) {
                out.push((w.start, name_end + len, kind));
            } else if let Some(start) = number_before(text, w.start) {
                out.push((start, name_end, kind));
            }
        }
        if let Some(start) = postcode_before(text, w) {
            out.push((start, w.end, kind));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::words::words;
    use super::*;

    fn found(text: &str) -> Vec<&str> {
        let mut out = Vec::new();
        find(text, &words(text), &mut out);
        out.sort_by_key(|&(s, e, _)| (s, e));
        out.dedup();
        out.iter().map(|&(s, e, _)| &text[s..e]).collect()
    }

    #[test]
    fn dutch_streets() {
        assert_eq!(found("Woont op de Kerkstraat 5 bus 2 in Anderlecht."), ["Kerkstraat 5 bus 2"]);
        assert_eq!(found("Antwerpsesteenweg 120, 9040 Gent"), ["Antwerpsesteenweg 120", "9040 Gent"]);
        assert_eq!(found("in de Koning Albertlaan 45/3."), ["Koning Albertlaan 45/3"]);
        assert_eq!(found("Lakenstraat 201 b3"), ["Lakenstraat 201 b3"]);
        assert_eq!(found("tot vorige maand in de Kapelstr. 14."), ["Kapelstr. 14"]);
        assert_eq!(found("Adres: Grote Markt 12, 2000 Antwerpen."), ["Markt 12", "2000 Antwerpen"]);
        assert_eq!(found("op de Lindenlaan 3A."), ["Lindenlaan 3A"]);
        assert_eq!(found("op de kerkstraat 7"), ["kerkstraat 7"]);
    }

    #[test]
    fn french_streets() {
        assert_eq!(found("Madame habite rue de la Loi 16, au deuxième étage."), ["rue de la Loi 16"]);
        assert_eq!(found("12, rue des Tanneurs, 1000 Bruxelles"), ["12, rue des Tanneurs", "1000 Bruxelles"]);
        assert_eq!(found("avenue Louise 54 bte 3"), ["avenue Louise 54 bte 3"]);
        assert_eq!(found("au 112 chaussée de Gand est"), ["112 chaussée de Gand"]);
        assert_eq!(found("Chaussée de Wavre 1040/3"), ["Chaussée de Wavre 1040/3"]);
        assert_eq!(found("Chaussée d'Ixelles 210"), ["Chaussée d'Ixelles 210"]);
        assert_eq!(found("av. Brugmann 250"), ["av. Brugmann 250"]);
        assert_eq!(found("rue Haute n°303"), ["rue Haute n°303"]);
        assert_eq!(found("chée de Louvain 560"), ["chée de Louvain 560"]);
        assert_eq!(found("au n° 8 de la rue du Midi"), ["8 de la rue du Midi"]);
    }

    #[test]
    fn postcodes() {
        assert_eq!(found("Woont in 1080 Molenbeek."), ["1080 Molenbeek"]);
        assert_eq!(found("B-1000 Brussel"), ["B-1000 Brussel"]);
        assert_eq!(found("à 1210 Saint-Josse"), ["1210 Saint-Josse"]);
        assert_eq!(found("in 1850 Grimbergen"), ["1850 Grimbergen"]);
        assert_eq!(found("in 3920 Lommel"), ["3920 Lommel"]);
        assert_eq!(found("in 3960 Bree"), ["3960 Bree"], "an unlisted place after a non-year number");
    }

    #[test]
    fn not_addresses() {
        for text in [
            "De dienst ligt in de Kerkstraat, vlak bij het station.",
            "La maison médicale se trouve rue Haute, près de la place du Jeu de Balle.",
            "Inkomen 1450 Euro per maand, huur 700 Euro.",
            "Lijn 51 tot aan het Zuidstation.",
            "Activiteit op het Flageyplein op zaterdag 12/12.",
            "Grote Markt als ontmoetingsplaats.",
            "Orientée vers les Infirmiers de rue pour un suivi médical.",
            "In 2019 Brussel verlaten voor Luik.",
            "Sinds 2020 Actiris-klant.",
            "Kerkstraat 3 jaar geleden verlaten.",
            "Elle prend le bus 95 jusqu'à la place Flagey.",
            "Rendez-vous à 14:30 place Flagey.",
            "Madame a payé 1.080 € de garantie.",
            "art. 60 §7, klas 3B, 2e étage, salle 3",
            "Woont sinds 2012 in dezelfde straat.",
            "Bus 71 rijdt niet meer.",
        ] {
            assert!(found(text).is_empty(), "false alarm in {text:?}: {:?}", found(text));
        }
    }
}
