//! Likely person names.
//!
//! Names are the hard case: no checksum, no layout. What is flagged:
//! * a capitalised first name from `first_names.txt`, with the capitalised surname that
//!   follows it if any ("Fatima", "Jan De Smet", "Ayşe Demir", "Jean-Pierre Lambert");
//!   a first name that is also an ordinary word ("Grâce", "Dan", "Will", "Frans") only
//!   with a surname after it or a cue before it;
//! * a capitalised word after a title: mevrouw, meneer, mevr., dhr., de heer, madame,
//!   monsieur, Mme, M., Mr, Mrs, Ms, dokter, Dr ("mevrouw Peeters", "M. Kabongo");
//! * a capitalised word after a kinship word: zoon, dochter, zus, fils, sœur, son, wife…
//!   ("haar zoon Yassine", "Le mari, Hassan");
//! * a word after a label "naam:", "nom :", "prénom :", "name:", "nom de famille :";
//! * a capitalised word after "heet", "genaamd", "s'appelle", "appelé(e)", "named",
//!   "name is".
//!
//! Not flagged: capitalised words that are places, months, days, languages,
//! nationalities, organisations of the network, titles; a first name after a street,
//! saint, royal, institution or public-transport word ("avenue Louise", "Hôpital Saint
//! Pierre", "Koning Albert", "tram Louise"); a first name followed by a street name
//! ("Victor Hortaplein"); words all in capitals (OCMW, CAW, DMW). A surname on its own
//! ("Peeters belde") and names typed in lower case are missed.

use super::words::{
    ABBREVIATED_TITLES, FIRST_NAMES, KIN, NAME_CONTEXT, NL_STREET_SUFFIXES_NOT_SURNAME, PARTICLES,
    STREET_WORDS, TITLES, Word, between, has_street_suffix, not_name, plain_gap,
};
use crate::privacy::identifiers::{IdentifierKind, Raw};

/// Words that announce a name: "naam:", "nom :", "prénom :".
const LABELS: &[&str] = &[
    "naam",
    "voornaam",
    "achternaam",
    "familienaam",
    "nom",
    "prenom",
    "name",
    "surname",
    "firstname",
    "lastname",
];

/// Verbs that introduce a name: "ze heet Oksana", "s'appelle Olena".
const NAMING: &[&str] = &[
    "heet",
    "genaamd",
    "s'appelle",
    "appele",
    "appelee",
    "nomme",
    "nommee",
    "prenomme",
    "prenommee",
    "named",
];

/// Whether the word is a listed first name; `Some(true)` when it is also an ordinary word.
/// A hyphenated word counts when every part is listed ("Jean-Pierre", "Marie-Claire").
fn listed(w: &Word) -> Option<bool> {
    if let Some(&ambiguous) = FIRST_NAMES.get(&w.key) {
        return Some(ambiguous);
    }
    if !w.key.contains('-') {
        return None;
    }
    let mut all_ambiguous = true;
    for part in w.key.split('-') {
        all_ambiguous &= *FIRST_NAMES.get(part)?;
    }
    Some(all_ambiguous)
}

/// A capitalised word that can be (part of) a name.
fn name_word(w: &Word) -> bool {
    w.cap
        && !not_name(&w.key)
        && !has_street_suffix(&w.key, NL_STREET_SUFFIXES_NOT_SURNAME)
        && !NAME_CONTEXT.contains(w.key.as_str())
        && !STREET_WORDS.contains(w.key.as_str())
}

/// Up to two particles starting at `j` followed by a name word: the index of that word.
fn after_particles(text: &str, words: &[Word], j: usize) -> Option<usize> {
    let mut k = j;
    while k < j + 2 && PARTICLES.contains(words.get(k)?.key.as_str()) {
        let next = words.get(k + 1)?;
        if !plain_gap(text, &words[k], next) {
            return None;
        }
        k += 1;
    }
    name_word(words.get(k)?).then_some(k)
}

/// The last word of the name that starts at `j`: surnames and particles that follow it.
fn name_end(text: &str, words: &[Word], j: usize) -> usize {
    let mut last = j;
    let mut k = j + 1;
    while k < words.len() && k <= j + 4 && plain_gap(text, &words[k - 1], &words[k]) {
        if PARTICLES.contains(words[k].key.as_str()) {
            match after_particles(text, words, k) {
                Some(m) => {
                    last = m;
                    k = m + 1;
                }
                None => break,
            }
        } else if name_word(&words[k]) {
            last = k;
            k += 1;
        } else {
            break;
        }
    }
    last
}

/// A street name right after the name ("Victor Hortaplein", "Jan Van Ryswycklaan").
fn street_follows(text: &str, words: &[Word], last: usize) -> bool {
    words.get(last + 1).is_some_and(|n| {
        plain_gap(text, &words[last], n) && has_street_suffix(&n.key, NL_STREET_SUFFIXES_NOT_SURNAME)
    })
}

/// A first name at `i`: the index of the name's last word.
fn first_name_at(text: &str, words: &[Word], i: usize) -> Option<usize> {
    let w = &words[i];
    if !w.cap {
        return None;
    }
    let ambiguous = listed(w)?;
    if i > 0 {
        let prev = &words[i - 1];
        let gap = between(text, prev, w);
        let close =
            plain_gap(text, prev, w) || (prev.dot && gap.starts_with(". ") && gap[1..].trim().is_empty());
        // "l'Institut Jules Bordet", "L'école Émile Jacqmain": the article does not count.
        let prev_key =
            prev.key.strip_prefix("l'").or_else(|| prev.key.strip_prefix("d'")).unwrap_or(&prev.key);
        if close && NAME_CONTEXT.contains(prev_key) {
            return None;
        }
    }
    let last = name_end(text, words, i);
    if street_follows(text, words, last) || (ambiguous && last == i) {
        return None;
    }
    Some(last)
}

/// When `words[i]` is a cue (title, kinship word, label, naming verb), where the name
/// after it starts (with its particles) and its first capitalised word.
fn after_cue(text: &str, words: &[Word], i: usize) -> Option<(usize, usize)> {
    let w = &words[i];
    let next = words.get(i + 1)?;
    let gap = between(text, w, next);
    let spaces = |s: &str| !s.is_empty() && s.chars().all(|c| c == ' ' || c == '\u{a0}' || c == '\t');
    let key = w.key.as_str();
    let word = &text[w.start..w.end];

    let title = if key == "m" {
        word == "M" && w.dot
    } else if key == "me" {
        word == "Me" && w.dot
    } else if key == "heer" {
        i > 0 && words[i - 1].key == "de"
    } else {
        TITLES.contains(key)
    };
    if title {
        let dotted = ABBREVIATED_TITLES.contains(key) && gap.starts_with('.') && spaces(&gap[1..]);
        return if spaces(gap) || dotted {
            after_particles(text, words, i + 1).map(|k| (i + 1, k))
        } else {
            None
        };
    }
    if KIN.contains(key) && (w.lower || (w.cap && w.initial)) {
        let rest = gap.strip_prefix(',').unwrap_or(gap);
        return if spaces(rest) && name_word(next) { Some((i + 1, i + 1)) } else { None };
    }
    let label = LABELS.contains(&key)
        || (key == "famille" && i >= 2 && words[i - 1].key == "de" && words[i - 2].key == "nom");
    if label {
        let g = gap.trim_matches([' ', '\u{a0}', '\t']);
        let ok = g == ":" || g == ":-" || g == "-";
        return if ok && (name_word(next) || listed(next) == Some(false)) {
            Some((i + 1, i + 1))
        } else {
            None
        };
    }
    let naming = NAMING.contains(&key) || (key == "is" && i > 0 && words[i - 1].key == "name");
    if naming && spaces(gap) && name_word(next) {
        return Some((i + 1, i + 1));
    }
    None
}

/// Appends the likely person names in `text` to `out`.
pub(crate) fn find(text: &str, words: &[Word], out: &mut Vec<Raw>) {
    let kind = IdentifierKind::PersonName;
    for i in 0..words.len() {
        if let Some((first, j)) = after_cue(text, words, i) {
            let last = name_end(text, words, j);
            if !street_follows(text, words, last) {
                out.push((words[first].start, words[last].end, kind));
            }
        }
        if let Some(last) = first_name_at(text, words, i) {
            out.push((words[i].start, words[last].end, kind));
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
    fn first_names_with_or_without_surname() {
        assert_eq!(found("Fatima kwam langs met haar twee kinderen."), ["Fatima"]);
        assert_eq!(found("Afspraak met Jan De Smet om 14u."), ["Jan De Smet"]);
        assert_eq!(found("Ayşe Demir wil liever een vrouw."), ["Ayşe Demir"]);
        assert_eq!(found("Rencontre avec Jean-Pierre Lambert, le propriétaire."), ["Jean-Pierre Lambert"]);
        assert_eq!(found("Marie-Claire a rempli le formulaire."), ["Marie-Claire"]);
        assert_eq!(found("Gesprek met Patience Mbuyi over de huur."), ["Patience Mbuyi"]);
    }

    #[test]
    fn cues() {
        assert_eq!(found("Gesprek gehad met mevrouw Peeters over de huur."), ["Peeters"]);
        assert_eq!(found("Mevr. Van den Broeck bracht de documenten."), ["Van den Broeck"]);
        assert_eq!(found("Meneer El Amrani belt terug."), ["El Amrani"]);
        assert_eq!(found("M. Kabongo demande une aide."), ["Kabongo"]);
        assert_eq!(found("De heer Diallo bracht zijn loonbrieven mee."), ["Diallo"]);
        assert_eq!(found("Spoke to Mr. Van Damme, the landlord."), ["Van Damme"]);
        assert_eq!(found("Dochter Merveille heeft een afspraak."), ["Merveille"]);
        assert_eq!(found("Le mari, Hassan, travaille."), ["Hassan"]);
        assert_eq!(found("Nom : Nzeza, prénom : Grâce."), ["Nzeza", "Grâce"]);
        assert_eq!(found("Nom de famille : Öztürk."), ["Öztürk"]);
        assert_eq!(found("Client's name is Andrii."), ["Andrii"]);
        assert_eq!(found("De cliënt heet Oksana."), ["Oksana"]);
        assert_eq!(found("Accompagnée par sa voisine, Mme Lefèvre."), ["Lefèvre"]);
    }

    #[test]
    fn words_that_are_also_names_pass() {
        for text in [
            "Grâce à l'intervention du CPAS, l'expulsion est suspendue.",
            "Patience demandée : la décision prend 30 jours.",
            "Dan bellen we samen de huisbaas op.",
            "Ben nog aan het wachten op de beslissing, zegt mevrouw.",
            "Will call back on Monday.",
            "Can we move the home visit?",
            "Grace period of three months agreed.",
            "Frank conversation about the budget.",
            "Mark the deadline of 15/01/2027.",
            "Persoon spreekt Frans en Lingala.",
            "Claire amélioration de la situation.",
            "Espoir d'obtenir un logement avant l'hiver.",
        ] {
            assert!(found(text).is_empty(), "false alarm in {text:?}: {:?}", found(text));
        }
    }

    #[test]
    fn places_institutions_streets_and_stops_pass() {
        for text in [
            "Doorverwezen naar het Huis van het Kind Jette.",
            "De kinderen gaan naar school in Sint-Gillis.",
            "RDV à l'Hôpital Saint-Pierre, service social.",
            "Hôpital Saint Pierre, service social.",
            "Rendez-vous à l'Institut Jules Bordet.",
            "Arrêt de tram Louise, puis 5 minutes à pied.",
            "Il habite avenue Louise.",
            "Afspraak aan het Victor Hortaplein.",
            "Koning Albert en Koningin Paola.",
            "Inscription à l'école fondamentale Sainte-Marie à Schaerbeek.",
            "Le fils de Madame cherche un kot à Louvain-la-Neuve.",
            "Lundi 14/12, rendez-vous annulé par Madame.",
            "Monsieur et Madame sont séparés depuis 2023.",
            "Mevrouw kwam alleen; meneer was aan het werk.",
            "Samen met DMW CM Brussel le dossier mutualité bekeken.",
            "Naam: onbekend",
            "Mevrouw Anderlecht? Nee: mevrouw woont in Anderlecht.",
            "Haar zoon gaat naar het atheneum in Jette.",
        ] {
            assert!(found(text).is_empty(), "false alarm in {text:?}: {:?}", found(text));
        }
    }

    #[test]
    fn known_misses() {
        assert!(found("Peeters belde om de afspraak te verzetten.").is_empty(), "a surname alone");
        assert!(found("gesprek met fatima over de schulden").is_empty(), "lower case");
    }
}
