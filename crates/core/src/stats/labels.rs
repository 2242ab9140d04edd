//! The words of the statistics (table titles, column heads, legend) in Dutch, French and
//! English. Reference lists (municipalities, rights…) bring their own three names from
//! the store; these are the words the report adds around them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Nl,
    Fr,
    En,
}

impl Lang {
    pub fn parse(field: &str, s: &str) -> crate::Result<Lang> {
        match s {
            "nl" => Ok(Lang::Nl),
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            _ => Err(crate::Error::validation(field, format!("'{s}' is not nl, fr or en"))),
        }
    }

    pub fn pick<'a>(self, nl: &'a str, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Nl => nl,
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

/// `(key, nl, fr, en)`.
const WORDS: &[(&str, &str, &str, &str)] = &[
    ("total", "Totaal", "Total", "Total"),
    ("cases", "Dossiers", "Dossiers", "Cases"),
    ("referrals", "Doorverwijzingen", "Orientations", "Referrals"),
    ("rights_short", "Rechten", "Droits", "Rights"),
    ("follow_ups_short", "Opvolgingen", "Suivis", "Follow-ups"),
    ("suppression", "Vertrouwelijkheid", "Confidentialité", "Confidentiality"),
    ("not_recorded", "Niet geregistreerd", "Non enregistré", "Not recorded"),
    ("new", "Nieuw", "Nouveaux", "New"),
    ("continuing", "Lopend van eerder", "En cours d'avant", "Continuing"),
    ("active", "Actief (totaal)", "Actifs (total)", "Active (total)"),
    (
        "cases_by_entry_route",
        "Dossiers naar instroomweg",
        "Dossiers par voie d'entrée",
        "Cases by entry route",
    ),
    ("cases_by_municipality", "Dossiers naar gemeente", "Dossiers par commune", "Cases by municipality"),
    ("cases_by_age_band", "Dossiers naar leeftijd", "Dossiers par âge", "Cases by age band"),
    (
        "cases_by_household",
        "Dossiers naar gezinsvorm",
        "Dossiers par type de ménage",
        "Cases by household type",
    ),
    (
        "cases_by_residence_status",
        "Dossiers naar verblijfsstatus (gevoelig)",
        "Dossiers par statut de séjour (sensible)",
        "Cases by residence status (sensitive)",
    ),
    (
        "cases_by_life_domain",
        "Dossiers naar levensdomein",
        "Dossiers par domaine de vie",
        "Cases by life domain",
    ),
    (
        "note_life_domain",
        "Een dossier kan vragen in meer domeinen hebben: de rijen tellen niet op tot het aantal dossiers.",
        "Un dossier peut concerner plusieurs domaines : les lignes ne s'additionnent pas au nombre de dossiers.",
        "A case can have questions in several domains: the rows do not add up to the number of cases.",
    ),
    (
        "referrals_flow",
        "Doorverwijzingen: verwijzer × ontvanger",
        "Orientations : orienteur × destinataire",
        "Referrals: sender × receiver",
    ),
    (
        "referrals_outcome",
        "Doorverwijzingen: warm/koud × uitkomst",
        "Orientations : chaude/froide × issue",
        "Referrals: warm/cold × outcome",
    ),
    (
        "referral_times",
        "Doorverwijstijden (werkdagen)",
        "Délais d'orientation (jours ouvrables)",
        "Referral times (working days)",
    ),
    (
        "rights",
        "Rechtenonderzoek per recht",
        "Examen des droits par droit",
        "Rights investigations per right",
    ),
    (
        "non_take_up",
        "Niet-opname: reden × drempel",
        "Non-recours : raison × obstacle",
        "Non-take-up: reason × barrier",
    ),
    (
        "follow_ups",
        "Opvolgingen met vervaldatum in de maand",
        "Suivis échus dans le mois",
        "Follow-ups due in the month",
    ),
    ("signals", "Signalen naar thema", "Signaux par thème", "Signals by theme"),
    ("sender", "Verwijzer", "Orienteur", "Sender"),
    ("mode", "Warm of koud", "Chaude ou froide", "Warm or cold"),
    ("warm", "Warm", "Chaude", "Warm"),
    ("cold", "Koud", "Froide", "Cold"),
    ("all", "Alle", "Toutes", "All"),
    ("outside", "Buiten het netwerk", "Hors réseau", "Outside the network"),
    ("accepted", "Aanvaard", "Acceptée", "Accepted"),
    ("declined", "Geweigerd", "Refusée", "Declined"),
    ("no_show", "Niet opgedaagd", "Pas présenté", "No-show"),
    ("withdrawn", "Ingetrokken", "Retirée", "Withdrawn"),
    ("expired", "Verlopen", "Expirée", "Expired"),
    ("open", "Wacht op antwoord", "En attente de réponse", "Awaiting an answer"),
    (
        "median_to_acceptance",
        "Mediaan tot aanvaarding",
        "Médiane jusqu'à l'acceptation",
        "Median to acceptance",
    ),
    ("p90_to_acceptance", "P90 tot aanvaarding", "P90 jusqu'à l'acceptation", "P90 to acceptance"),
    (
        "median_to_first_contact",
        "Mediaan tot eerste contact",
        "Médiane jusqu'au premier contact",
        "Median to first contact",
    ),
    (
        "share_within_target",
        "% aanvaard binnen doel",
        "% acceptées dans le délai",
        "% accepted within target",
    ),
    ("right", "Recht", "Droit", "Right"),
    ("investigated", "Onderzocht", "Examinés", "Investigated"),
    ("applied", "Aangevraagd", "Demandés", "Applied"),
    ("granted", "Toegekend", "Octroyés", "Granted"),
    ("reason", "Reden", "Raison", "Reason"),
    ("no_barrier", "Geen drempel geregistreerd", "Aucun obstacle enregistré", "No barrier recorded"),
    ("purpose", "Doel", "Objet", "Purpose"),
    ("on_time", "Op tijd gedaan", "Faits à temps", "Done on time"),
    ("late", "Te laat gedaan", "Faits en retard", "Done late"),
    ("not_done", "Niet gedaan", "Non faits", "Not done"),
    ("theme", "Thema", "Thème", "Theme"),
    ("signals_count", "Signalen", "Signaux", "Signals"),
    ("entry_route", "Instroomweg", "Voie d'entrée", "Entry route"),
    ("municipality", "Gemeente", "Commune", "Municipality"),
    ("age_band", "Leeftijd", "Âge", "Age band"),
    ("household", "Gezinsvorm", "Type de ménage", "Household type"),
    ("residence_status", "Verblijfsstatus", "Statut de séjour", "Residence status"),
    ("life_domain", "Levensdomein", "Domaine de vie", "Life domain"),
    ("scope_partner", "Eigen organisatie", "Propre organisation", "Own organisation"),
    (
        "scope_network",
        "Heel het netwerk in deze databank",
        "Tout le réseau de cette base",
        "The whole network in this store",
    ),
    ("suppressed", "Vertrouwelijk", "Confidentiel", "Confidential"),
    (
        "legend",
        "x = vertrouwelijk: een klein aantal (onder de drempel) of een cijfer waarmee een klein aantal te berekenen zou zijn. – = niet van toepassing.",
        "x = confidentiel : un petit nombre (sous le seuil) ou un chiffre qui permettrait de le calculer. – = sans objet.",
        "x = confidential: a small count (below the threshold) or a figure from which one could be worked out. – = not applicable.",
    ),
    ("monthly_statistics", "Maandstatistieken", "Statistiques mensuelles", "Monthly statistics"),
    ("month", "Maand", "Mois", "Month"),
    ("scope", "Bereik", "Portée", "Scope"),
    ("threshold", "Drempel", "Seuil", "Threshold"),
    (
        "sensitive_threshold",
        "Drempel gevoelige tabellen",
        "Seuil des tableaux sensibles",
        "Threshold for sensitive tables",
    ),
    ("generated_at", "Gemaakt op", "Produit le", "Generated at"),
    ("outcomes_as_of", "Uitkomsten op", "Issues au", "Outcomes as of"),
    ("app_version", "Versie van Schakel", "Version de Schakel", "Schakel version"),
    ("partner", "Partner", "Partenaire", "Partner"),
    ("definitions", "Definities", "Définitions", "Definitions"),
    ("table", "Tabel", "Tableau", "Table"),
    ("row", "Rij", "Ligne", "Row"),
    ("column", "Kolom", "Colonne", "Column"),
    ("value", "Waarde", "Valeur", "Value"),
    ("flag", "Markering", "Indicateur", "Flag"),
    ("target", "Doel (werkdagen)", "Objectif (jours ouvrables)", "Target (working days)"),
];

/// Definitions printed with the report (metadata sheet, report footer).
const DEFINITIONS: &[(&str, &str, &str, &str)] = &[
    (
        "cases",
        "Nieuw: dossier geopend in de maand. Actief: open op minstens één dag van de maand. Lopend van eerder: actief maar vóór de maand geopend.",
        "Nouveaux : dossier ouvert dans le mois. Actifs : ouverts au moins un jour du mois. En cours d'avant : actifs mais ouverts avant le mois.",
        "New: case opened in the month. Active: open on at least one day of the month. Continuing: active but opened before the month.",
    ),
    (
        "referrals",
        "Doorverwijzingen verstuurd in de maand (datum van de verwijzer); uitkomst zoals op de datum 'uitkomsten op'. Tijden in Belgische werkdagen (weekends en wettelijke feestdagen tellen niet), mediaan en P90 volgens de nearest-rank-methode.",
        "Orientations envoyées dans le mois (date de l'orienteur) ; issue telle qu'à la date « issues au ». Délais en jours ouvrables belges (week-ends et jours fériés légaux exclus), médiane et P90 selon la méthode du rang le plus proche.",
        "Referrals sent in the month (sender's date); outcome as of the 'outcomes as of' date. Times in Belgian working days (weekends and public holidays excluded), median and P90 by the nearest-rank method.",
    ),
    (
        "rights_short",
        "Onderzocht: rechtenonderzoek gestart in de maand. Aangevraagd, toegekend (ook automatisch): stap gezet in de maand.",
        "Examinés : examen commencé dans le mois. Demandés, octroyés (aussi automatiquement) : étape franchie dans le mois.",
        "Investigated: check started in the month. Applied, granted (also automatically): step taken in the month.",
    ),
    (
        "follow_ups_short",
        "Opvolgingen met vervaldatum in de maand; op tijd = gedaan op of vóór de vervaldatum.",
        "Suivis échus dans le mois ; à temps = faits au plus tard à l'échéance.",
        "Follow-ups due in the month; on time = done on or before the due date.",
    ),
    (
        "suppression",
        "Aantallen van 1 tot onder de drempel worden niet getoond (primair). Daarna worden zo weinig mogelijk andere cijfers verborgen zodat geen verborgen klein aantal uit totalen en andere cellen, ook over tabellen heen, te berekenen of tot een klein bereik te beperken is (secundair). Nullen zijn niet gevoelig. Een mediaan of percentage over minder gevallen dan de drempel wordt niet getoond.",
        "Les nombres de 1 à moins que le seuil ne sont pas publiés (primaire). Ensuite, le moins possible d'autres chiffres sont masqués pour qu'aucun petit nombre masqué ne puisse être calculé ou resserré à partir des totaux et des autres cellules, même entre tableaux (secondaire). Les zéros ne sont pas sensibles. Une médiane ou un pourcentage sur moins de cas que le seuil n'est pas publié.",
        "Counts from 1 to below the threshold are not shown (primary). Then as few other figures as possible are hidden so that no hidden small count can be worked out, or narrowed to a small range, from totals and other cells, also across tables (secondary). Zeros are not sensitive. A median or percentage over fewer cases than the threshold is not shown.",
    ),
];

/// The word for `key` (the key itself if unknown, so a gap shows rather than breaks).
pub fn word(lang: Lang, key: &str) -> String {
    WORDS
        .iter()
        .find(|(k, ..)| *k == key)
        .map(|(_, nl, fr, en)| lang.pick(nl, fr, en).to_owned())
        .unwrap_or_else(|| key.to_owned())
}

/// `(topic, text)` in the language.
pub fn definitions(lang: Lang) -> Vec<(String, String)> {
    DEFINITIONS.iter().map(|(k, nl, fr, en)| (word(lang, k), lang.pick(nl, fr, en).to_owned())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_exists_in_three_languages_and_keys_are_unique() {
        let mut keys = std::collections::HashSet::new();
        for (k, nl, fr, en) in WORDS {
            assert!(keys.insert(*k), "{k} twice");
            assert!(!nl.is_empty() && !fr.is_empty() && !en.is_empty(), "{k}");
        }
        assert_eq!(word(Lang::Fr, "total"), "Total");
        assert_eq!(word(Lang::Nl, "no_such_key"), "no_such_key");
    }
}
