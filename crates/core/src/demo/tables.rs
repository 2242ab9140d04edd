//! Reference figures: the network's partners and projects, the weighted distributions
//! of case profiles, who answers which question, and the texts of notes and signals.

use crate::partners::PartnerKind;

pub(super) type Weighted<T> = [(T, u32)];

pub(super) struct PartnerDef {
    pub(super) name: &'static str,
    pub(super) kind: PartnerKind,
    pub(super) municipality: Option<&'static str>,
    pub(super) workers: u32,
    /// Relative share of the cases this partner owns.
    pub(super) case_weight: u32,
    /// Multiplier on the time it takes to answer a referral.
    pub(super) speed: f64,
    /// Where its clients live, if not the whole region.
    pub(super) area: &'static Weighted<&'static str>,
}

const AREA_NORTH: &Weighted<&str> =
    &[("21004", 30), ("21015", 30), ("21014", 15), ("21006", 8), ("21010", 8), ("21011", 5), ("21012", 4)];
const AREA_SOUTH: &Weighted<&str> =
    &[("21001", 35), ("21013", 25), ("21007", 15), ("21009", 12), ("21004", 8), ("21016", 5)];

pub(super) const NETWORK: &[PartnerDef] = &[
    PartnerDef {
        name: "OCMW Anderlecht",
        kind: PartnerKind::Ocmw,
        municipality: Some("21001"),
        workers: 5,
        case_weight: 15,
        speed: 1.2,
        area: &[],
    },
    PartnerDef {
        name: "OCMW Sint-Jans-Molenbeek",
        kind: PartnerKind::Ocmw,
        municipality: Some("21012"),
        workers: 5,
        case_weight: 12,
        speed: 1.4,
        area: &[],
    },
    PartnerDef {
        name: "OCMW Brussel",
        kind: PartnerKind::Ocmw,
        municipality: Some("21004"),
        workers: 6,
        case_weight: 15,
        speed: 1.5,
        area: &[],
    },
    PartnerDef {
        name: "OCMW Jette",
        kind: PartnerKind::Ocmw,
        municipality: Some("21010"),
        workers: 4,
        case_weight: 8,
        speed: 0.8,
        area: &[],
    },
    PartnerDef {
        name: "OCMW Koekelberg",
        kind: PartnerKind::Ocmw,
        municipality: Some("21011"),
        workers: 3,
        case_weight: 5,
        speed: 0.9,
        area: &[],
    },
    PartnerDef {
        name: "CAW Brussel – onthaal Noord",
        kind: PartnerKind::Caw,
        municipality: None,
        workers: 4,
        case_weight: 10,
        speed: 0.9,
        area: AREA_NORTH,
    },
    PartnerDef {
        name: "CAW Brussel – onthaal Zuid",
        kind: PartnerKind::Caw,
        municipality: None,
        workers: 4,
        case_weight: 10,
        speed: 1.0,
        area: AREA_SOUTH,
    },
    PartnerDef {
        name: "DMW CM Brussel",
        kind: PartnerKind::Dmw,
        municipality: None,
        workers: 3,
        case_weight: 7,
        speed: 0.7,
        area: &[],
    },
    PartnerDef {
        name: "DMW Solidaris Brussel",
        kind: PartnerKind::Dmw,
        municipality: None,
        workers: 3,
        case_weight: 7,
        speed: 0.8,
        area: &[],
    },
    PartnerDef {
        name: "Huis van het Kind Jette",
        kind: PartnerKind::Other,
        municipality: Some("21010"),
        workers: 2,
        case_weight: 3,
        speed: 0.6,
        area: &[],
    },
];

/// Share of the store's own partner in the cases, and its added demo workers.
pub(super) const OWN_CASE_WEIGHT: u32 = 12;
pub(super) const OWN_DEMO_WORKERS: u32 = 2;

pub(super) struct ProjectDef {
    pub(super) code: &'static str,
    pub(super) name: &'static str,
    pub(super) starts: (i32, u32, u32),
    pub(super) ends: Option<(i32, u32, u32)>,
}

pub(super) const PROJECTS: &[ProjectDef] = &[
    ProjectDef {
        code: "UKR-2022",
        name: "GBO voor Oekraïense vluchtelingen",
        starts: (2022, 3, 1),
        ends: Some((2023, 12, 31)),
    },
    ProjectDef { code: "WOS-2025", name: "Welzijnsvragen op School", starts: (2025, 9, 1), ends: None },
];

/// Municipalities of residence: the poor crescent first, then the practice
/// municipalities Jette and Koekelberg, a few percent elsewhere or without an address.
pub(super) const MUNICIPALITIES: &Weighted<&str> = &[
    ("21001", 140),
    ("21002", 6),
    ("21003", 12),
    ("21004", 140),
    ("21005", 18),
    ("21006", 22),
    ("21007", 35),
    ("21008", 12),
    ("21009", 30),
    ("21010", 70),
    ("21011", 40),
    ("21012", 135),
    ("21013", 60),
    ("21014", 55),
    ("21015", 130),
    ("21016", 12),
    ("21017", 4),
    ("21018", 8),
    ("21019", 4),
    ("elsewhere", 20),
    ("no_fixed_address", 25),
];

pub(super) const MUNICIPALITY_NAMES: &[(&str, &str)] = &[
    ("21001", "Anderlecht"),
    ("21002", "Oudergem"),
    ("21003", "Sint-Agatha-Berchem"),
    ("21004", "Brussel"),
    ("21005", "Etterbeek"),
    ("21006", "Evere"),
    ("21007", "Vorst"),
    ("21008", "Ganshoren"),
    ("21009", "Elsene"),
    ("21010", "Jette"),
    ("21011", "Koekelberg"),
    ("21012", "Sint-Jans-Molenbeek"),
    ("21013", "Sint-Gillis"),
    ("21014", "Sint-Joost-ten-Node"),
    ("21015", "Schaarbeek"),
    ("21016", "Ukkel"),
    ("21017", "Watermaal-Bosvoorde"),
    ("21018", "Sint-Lambrechts-Woluwe"),
    ("21019", "Sint-Pieters-Woluwe"),
];

pub(super) const AGE_BANDS: &Weighted<&str> = &[
    ("under_18", 10),
    ("18_24", 100),
    ("25_34", 220),
    ("35_44", 230),
    ("45_54", 190),
    ("55_64", 130),
    ("65_74", 70),
    ("75_plus", 40),
    ("unknown", 10),
];

pub(super) const HOUSEHOLDS: &Weighted<&str> =
    &[("single", 420), ("single_parent", 220), ("couple_children", 170), ("couple", 90), ("other", 100)];
pub(super) const HOUSEHOLDS_OLDER: &Weighted<&str> = &[("single", 55), ("couple", 35), ("other", 10)];

pub(super) const ENTRY_ROUTES: &Weighted<&str> = &[
    ("own_initiative", 380),
    ("partner_referral", 200),
    ("proactive", 120),
    ("outreach", 100),
    ("vindplaats", 130),
    ("other", 70),
];
pub(super) const ENTRY_ROUTES_VINDPLAATS: &Weighted<&str> =
    &[("vindplaats", 600), ("own_initiative", 200), ("partner_referral", 200)];

pub(super) const LANGUAGES: &Weighted<&str> = &[
    ("nl", 280),
    ("fr", 400),
    ("en", 60),
    ("ar", 100),
    ("tr", 30),
    ("es", 20),
    ("pt", 20),
    ("ro", 25),
    ("pl", 10),
    ("bg", 15),
    ("uk", 15),
    ("ru", 5),
    ("other", 20),
];

pub(super) const RESIDENCE: &Weighted<&str> = &[
    ("belgian_eu", 35),
    ("third_country_permit", 35),
    ("international_protection", 12),
    ("no_legal_residence", 13),
    ("unknown", 5),
];

pub(super) const LIFE_DOMAINS: &[(&str, u32)] = &[
    ("housing", 300),
    ("income", 220),
    ("debts", 170),
    ("administration", 140),
    ("health", 120),
    ("mental_health", 60),
    ("work", 60),
    ("childcare", 40),
    ("education", 30),
    ("residence", 30),
    ("digital", 45),
    ("social_network", 40),
    ("mobility", 15),
    ("legal", 35),
];

pub(super) const DECLINE_REASONS: &Weighted<&str> = &[
    ("outside_mission", 25),
    ("capacity", 30),
    ("already_supported", 15),
    ("person_refused", 12),
    ("insufficient_information", 12),
    ("other", 6),
];

pub(super) const NON_TAKE_UP: &Weighted<&str> = &[
    ("unknown_to_person", 35),
    ("not_requested", 15),
    ("requested_not_obtained", 12),
    ("not_offered", 13),
    ("lost_after_change", 15),
];

/// Who can answer a question of a life domain.
#[derive(Clone, Copy)]
pub(super) enum Target {
    Ocmw,
    Caw,
    Dmw,
    Child,
    Out(&'static str),
}

pub(super) fn targets(domain: &str) -> &'static Weighted<Target> {
    use Target::*;
    match domain {
        "housing" => {
            &[(Caw, 30), (Ocmw, 30), (Out("Huurdersbond"), 12), (Out("Sociaal Verhuurkantoor"), 6), (Dmw, 5)]
        }
        "income" => &[(Ocmw, 60), (Dmw, 15), (Caw, 15)],
        "debts" => &[(Ocmw, 40), (Caw, 35), (Dmw, 10)],
        "health" => &[(Dmw, 50), (Out("Wijkgezondheidscentrum"), 25), (Ocmw, 15)],
        "mental_health" => &[(Out("Centrum Geestelijke Gezondheidszorg"), 40), (Caw, 30), (Dmw, 10)],
        "work" => &[(Ocmw, 50), (Out("Actiris"), 30), (Caw, 10)],
        "education" => &[(Out("Centrum voor Leerlingenbegeleiding"), 25), (Caw, 30), (Child, 20), (Ocmw, 20)],
        "childcare" => &[(Child, 60), (Ocmw, 20), (Caw, 20)],
        "administration" => &[(Ocmw, 50), (Caw, 30), (Dmw, 20)],
        "residence" => &[(Caw, 40), (Out("Bureau voor Juridische Bijstand"), 30), (Ocmw, 30)],
        "digital" => &[(Out("Digitaal Steunpunt"), 40), (Caw, 30), (Ocmw, 20)],
        "social_network" => &[(Out("Lokaal Dienstencentrum"), 50), (Caw, 40)],
        "mobility" => &[(Ocmw, 60), (Out("Lokaal Dienstencentrum"), 40)],
        "legal" => &[(Out("Bureau voor Juridische Bijstand"), 40), (Caw, 40), (Ocmw, 10)],
        _ => &[(Ocmw, 40), (Caw, 40), (Dmw, 20)],
    }
}

pub(super) const NOTES_GENERAL: &[&str] = &[
    "Persoon kwam langs tijdens de open onthaaluren; vraag nog niet helemaal duidelijk, volgend gesprek gepland.",
    "Doorverwijzing warm overgedragen: samen gebeld en een afspraak vastgelegd.",
    "Afspraak niet nagekomen; opnieuw contact opgenomen en een nieuwe afspraak gemaakt.",
    "Situatie gestabiliseerd; dossier kan binnenkort afgesloten worden.",
    "Persoon wil eerst zelf stappen zetten; opvolggesprek over twee weken.",
    "Vraag beantwoord met informatie en advies; geen verdere opvolging nodig.",
    "Na een verhuis naar een andere gemeente de rechten opnieuw nagegaan.",
    "Gesprek verliep met een sociaal tolk; dat werkte goed.",
    "Samen de verschillende vragen op een rij gezet en prioriteiten gekozen.",
];

pub(super) fn domain_notes(domain: &str) -> &'static [&'static str] {
    match domain {
        "housing" => &[
            "Eerste gesprek: vraag rond huurachterstal, samen overzicht gemaakt.",
            "Huisbaas dreigt met opzeg; informatie gegeven over de rechten als huurder.",
            "Samen de aanvraag voor een sociale woning bijgewerkt.",
            "Woning is vochtig en te klein voor het gezin; mogelijkheden besproken.",
        ],
        "income" => &[
            "Rechtenonderzoek gestart; documenten voor de aanvraag nog op te vragen.",
            "Inkomen valt weg na einde van het contract; leefloon besproken.",
        ],
        "debts" => &[
            "Schuldenoverzicht opgemaakt; meerdere openstaande facturen voor energie.",
            "Brief van de deurwaarder ontvangen; samen de volgende stappen besproken.",
            "Afbetalingsplan voorgesteld aan de schuldeisers.",
        ],
        "administration" => &[
            "Samen de brieven van de afgelopen maanden doorgenomen en geordend.",
            "Hulp gevraagd bij het invullen van formulieren van de ziekteverzekering.",
        ],
        "health" => &[
            "Medische kosten lopen op; verhoogde tegemoetkoming nagevraagd bij het ziekenfonds.",
            "Nog geen huisarts; info gegeven over het wijkgezondheidscentrum.",
        ],
        "mental_health" => {
            &["Veel stress door de woonsituatie; ondersteuning door een psycholoog besproken."]
        }
        "work" => &["Werkzoekend; samen gekeken naar opleidingen en begeleiding naar werk."],
        "childcare" => &[
            "Alleenstaande ouder met vragen over kinderopvang en schooltoeslag.",
            "Signaal vanuit de school: ouder zoekt opvang na de schooluren.",
        ],
        "digital" => {
            &["Persoon heeft geen digitale toegang; aanvraag samen ingevuld op de computer van de dienst."]
        }
        "social_network" => {
            &["Persoon voelt zich geïsoleerd; info gegeven over het lokaal dienstencentrum in de buurt."]
        }
        "residence" => &["Vraag rond verblijfsdocumenten; doorverwezen voor juridisch advies."],
        _ => &[],
    }
}

pub(super) fn signal_texts(theme: &str) -> &'static [&'static str] {
    match theme {
        "conflicting_rules" => &[
            "Regels van twee diensten spreken elkaar tegen, waardoor de aanvraag blokkeert.",
            "Federale en regionale voorwaarden sluiten elkaar uit; persoon valt tussen twee stoelen.",
        ],
        "cohabitant_rate" => &[
            "Uitkering verlaagd na samenwonen met een familielid; gezin overweegt apart te gaan wonen.",
            "Samenwonendenstatuut ontmoedigt de opvang van een volwassen kind.",
        ],
        "waiting_lists" => &[
            "Maanden wachten op schuldbemiddeling; de schulden lopen intussen op.",
            "Wachtlijst voor een sociale woning blijft jarenlang.",
        ],
        "evictions" => &[
            "Uithuiszetting zonder voorafgaand contact met het OCMW.",
            "Huurachterstal leidt tot uithuiszetting voordat hulp kon starten.",
        ],
        "digital_only" => &[
            "Aanvraag kan enkel online; persoon heeft geen computer en geen digitale sleutel.",
            "Een afspraak maken kan alleen via een website.",
        ],
        "non_take_up" => &[
            "Persoon wist niet dat de verhoogde tegemoetkoming bestond.",
            "Recht verloren na een verhuis; niemand heeft het opnieuw nagekeken.",
        ],
        "accessibility" => &[
            "Dienst enkel telefonisch bereikbaar op beperkte uren.",
            "Loket ver van huis en moeilijk bereikbaar met het openbaar vervoer.",
        ],
        _ => &["Brieven van de administratie zijn te moeilijk geschreven om zelf te begrijpen."],
    }
}

pub(super) fn signal_theme(domain: Option<&str>) -> &'static Weighted<&'static str> {
    match domain {
        Some("housing") => &[("evictions", 50), ("waiting_lists", 40), ("other", 10)],
        Some("income") => &[("cohabitant_rate", 50), ("conflicting_rules", 30), ("non_take_up", 20)],
        Some("debts") => &[("waiting_lists", 50), ("conflicting_rules", 30), ("other", 20)],
        Some("digital" | "administration") => &[("digital_only", 60), ("accessibility", 25), ("other", 15)],
        _ => &[("non_take_up", 35), ("accessibility", 30), ("conflicting_rules", 20), ("other", 15)],
    }
}
