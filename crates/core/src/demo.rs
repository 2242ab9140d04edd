//! Synthetic network data for demos and benchmarks.
//!
//! [`generate`] simulates about two years of a Brussels GBO network up to a given day:
//! partners (OCMW, CAW, DMW, a Huis van het Kind) with a few workers each, two projects,
//! and cases with their referrals (full event histories), rights checks, follow-ups,
//! signals and notes. The distributions follow the domain brief: poverty concentrated in
//! the "poor crescent", many singles and single-parent families, housing the most
//! frequent life domain, about three referrals per case of which a little over half warm,
//! skewed answer times, and recent work still open so that "today" has content.
//!
//! Everything goes through [`Writer`], so every record passes the same validation as one
//! typed by a worker (vocabularies, the referral state machine, identifier checks). The
//! output is deterministic for a seed and `until` in a fresh store: the same case codes,
//! ids and dates. Writes are committed in chunks of [`CHUNK`] cases.

use chrono::{Datelike, NaiveDate, NaiveTime, TimeDelta, Weekday};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use uuid::Uuid;

use crate::cases::{CaseFilter, CaseProfile, Gender, Interpreter, NewCase};
use crate::error::Result;
use crate::follow_ups::NewFollowUp;
use crate::ids::id_at;
use crate::partners::{NewPartner, NewProject, PartnerKind};
use crate::referrals::{EventKind, NewEvent, NewReferral, ReferralMode, ReferralState};
use crate::rights::{NewRightsCheck, RightStep};
use crate::signals::NewSignal;
use crate::store::{Actor, Store, Writer};

/// Cases per transaction.
pub const CHUNK: u32 = 2_000;

/// Days of simulated history before `until`.
const SPAN_DAYS: i64 = 730;

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub cases: u32,
    pub seed: u64,
    /// Last day of simulated activity; the data spans about two years before it.
    pub until: NaiveDate,
}

/// What one call of [`generate`] wrote (partners, workers and projects that already
/// existed are reused and not counted).
#[derive(Debug, Clone, Default, Serialize)]
pub struct DemoSummary {
    pub partners: u32,
    pub workers: u32,
    pub projects: u32,
    pub cases: u32,
    pub referrals: u32,
    pub referral_events: u32,
    pub rights_checks: u32,
    pub follow_ups: u32,
    pub signals: u32,
    pub notes: u32,
}

/// Fills `store` with a simulated network and `opts.cases` cases. Sets the store's
/// "today" to `opts.until`. Calls `progress(done, total)` after each committed chunk.
pub fn generate(
    store: &mut Store,
    opts: &DemoOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<DemoSummary> {
    store.set_today(opts.until);
    let until = opts.until;
    let start = add_days(until, -SPAN_DAYS);
    // A second run into the same store must not repeat the first one's ids and codes.
    let existing = store.list_cases(&CaseFilter { limit: Some(1), ..CaseFilter::default() })?.total;
    let salt = u64::try_from(existing).unwrap_or(0).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed ^ salt);
    let mut summary = DemoSummary::default();
    let net = setup_network(store, &mut rng, start, &mut summary)?;
    let mut sim = Sim { net: &net, until, start, rng, sum: summary };
    let total = u64::from(opts.cases);
    // A chunk touches more pages and statements than everyday use: keep them in memory
    // instead of spilling half-written pages (encrypted) into the WAL and re-preparing
    // statements. The page cache goes back to what it was afterwards.
    let conn = store.conn();
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    let cache_pages: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", CHUNK_CACHE_KIB)?;
    // Cases are simulated in the order they opened, as a real store fills up: ids (UUID
    // v7 at the simulated moment) then land near each other in the indexes instead of
    // all over a large file.
    let mut opening: Vec<NaiveDate> = (0..opts.cases).map(|_| sim.opening_day()).collect();
    opening.sort_unstable();
    let mut done = 0u32;
    let mut result = Ok(());
    for days in opening.chunks(CHUNK as usize) {
        result = store.write(|w| {
            for &opened in days {
                sim.case(w, opened)?;
            }
            Ok(())
        });
        if result.is_err() {
            break;
        }
        done += u32::try_from(days.len()).unwrap_or(CHUNK);
        progress(u64::from(done), total);
    }
    store.conn().pragma_update(None, "cache_size", cache_pages)?;
    result.map(|()| sim.sum)
}

/// Prepared statements kept per connection while generating.
const STATEMENT_CACHE: usize = 64;
/// Page cache while generating, in KiB (negative: SQLite's unit for "KiB").
const CHUNK_CACHE_KIB: i64 = -131_072;

impl Writer<'_> {
    /// Demo data only: the following writes are recorded as done by `worker_id` of
    /// `partner_id` at the simulated moment `at_ms`, so that `created_at`, event
    /// `recorded_at` and the change log match the history being simulated.
    pub(crate) fn demo_act_as(&mut self, partner_id: Uuid, worker_id: Uuid, at_ms: i64) {
        self.actor = Actor { partner_id, worker_id };
        self.now = at_ms;
    }
}

// ---------------------------------------------------------------------------------------
// Reference figures
// ---------------------------------------------------------------------------------------

type Weighted<T> = [(T, u32)];

struct PartnerDef {
    name: &'static str,
    kind: PartnerKind,
    municipality: Option<&'static str>,
    workers: u32,
    /// Relative share of the cases this partner owns.
    case_weight: u32,
    /// Multiplier on the time it takes to answer a referral.
    speed: f64,
    /// Where its clients live, if not the whole region.
    area: &'static Weighted<&'static str>,
}

const AREA_NORTH: &Weighted<&str> =
    &[("21004", 30), ("21015", 30), ("21014", 15), ("21006", 8), ("21010", 8), ("21011", 5), ("21012", 4)];
const AREA_SOUTH: &Weighted<&str> =
    &[("21001", 35), ("21013", 25), ("21007", 15), ("21009", 12), ("21004", 8), ("21016", 5)];

const NETWORK: &[PartnerDef] = &[
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
const OWN_CASE_WEIGHT: u32 = 12;
const OWN_DEMO_WORKERS: u32 = 2;

struct ProjectDef {
    code: &'static str,
    name: &'static str,
    starts: (i32, u32, u32),
    ends: Option<(i32, u32, u32)>,
}

const PROJECTS: &[ProjectDef] = &[
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
const MUNICIPALITIES: &Weighted<&str> = &[
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

const MUNICIPALITY_NAMES: &[(&str, &str)] = &[
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

const AGE_BANDS: &Weighted<&str> = &[
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

const HOUSEHOLDS: &Weighted<&str> =
    &[("single", 420), ("single_parent", 220), ("couple_children", 170), ("couple", 90), ("other", 100)];
const HOUSEHOLDS_OLDER: &Weighted<&str> = &[("single", 55), ("couple", 35), ("other", 10)];

const ENTRY_ROUTES: &Weighted<&str> = &[
    ("own_initiative", 380),
    ("partner_referral", 200),
    ("proactive", 120),
    ("outreach", 100),
    ("vindplaats", 130),
    ("other", 70),
];
const ENTRY_ROUTES_VINDPLAATS: &Weighted<&str> =
    &[("vindplaats", 600), ("own_initiative", 200), ("partner_referral", 200)];

const LANGUAGES: &Weighted<&str> = &[
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

const RESIDENCE: &Weighted<&str> = &[
    ("belgian_eu", 35),
    ("third_country_permit", 35),
    ("international_protection", 12),
    ("no_legal_residence", 13),
    ("unknown", 5),
];

const LIFE_DOMAINS: &[(&str, u32)] = &[
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

const DECLINE_REASONS: &Weighted<&str> = &[
    ("outside_mission", 25),
    ("capacity", 30),
    ("already_supported", 15),
    ("person_refused", 12),
    ("insufficient_information", 12),
    ("other", 6),
];

const NON_TAKE_UP: &Weighted<&str> = &[
    ("unknown_to_person", 35),
    ("not_requested", 15),
    ("requested_not_obtained", 12),
    ("not_offered", 13),
    ("lost_after_change", 15),
];

/// Who can answer a question of a life domain.
#[derive(Clone, Copy)]
enum Target {
    Ocmw,
    Caw,
    Dmw,
    Child,
    Out(&'static str),
}

fn targets(domain: &str) -> &'static Weighted<Target> {
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

const NOTES_GENERAL: &[&str] = &[
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

fn domain_notes(domain: &str) -> &'static [&'static str] {
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

fn signal_texts(theme: &str) -> &'static [&'static str] {
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

fn signal_theme(domain: Option<&str>) -> &'static Weighted<&'static str> {
    match domain {
        Some("housing") => &[("evictions", 50), ("waiting_lists", 40), ("other", 10)],
        Some("income") => &[("cohabitant_rate", 50), ("conflicting_rules", 30), ("non_take_up", 20)],
        Some("debts") => &[("waiting_lists", 50), ("conflicting_rules", 30), ("other", 20)],
        Some("digital" | "administration") => &[("digital_only", 60), ("accessibility", 25), ("other", 15)],
        _ => &[("non_take_up", 35), ("accessibility", 30), ("conflicting_rules", 20), ("other", 15)],
    }
}

// ---------------------------------------------------------------------------------------
// Network
// ---------------------------------------------------------------------------------------

struct Member {
    id: Uuid,
    kind: PartnerKind,
    municipality: Option<String>,
    workers: Vec<Uuid>,
    case_weight: u32,
    speed: f64,
    area: &'static Weighted<&'static str>,
}

struct ProjectSpan {
    code: &'static str,
    starts: NaiveDate,
    ends: Option<NaiveDate>,
}

impl ProjectSpan {
    fn covers(&self, d: NaiveDate) -> bool {
        d >= self.starts && self.ends.is_none_or(|e| d <= e)
    }
}

struct Net {
    /// The store's own partner first, then [`NETWORK`] in order.
    members: Vec<Member>,
    projects: Vec<ProjectSpan>,
}

fn ymd((y, m, d): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

fn setup_network(
    store: &mut Store,
    rng: &mut ChaCha8Rng,
    start: NaiveDate,
    sum: &mut DemoSummary,
) -> Result<Net> {
    let own_id = store.self_partner_id()?;
    let partners = store.partners()?;
    let workers = store.workers()?;
    let projects = store.projects()?;
    let t0 = ms_at(add_days(start, -30), 8 * 60);
    store.write(|w| {
        let own = partners.iter().find(|p| p.id == own_id);
        let own_name = own.map_or("eigen partner", |p| p.name.as_str());
        let mut members = vec![Member {
            id: own_id,
            kind: own.map_or(PartnerKind::Ocmw, |p| p.kind),
            municipality: own.and_then(|p| p.municipality.clone()),
            workers: workers.iter().filter(|x| x.partner_id == own_id).map(|x| x.id).collect(),
            case_weight: OWN_CASE_WEIGHT,
            speed: 1.0,
            area: &[],
        }];
        let mut add_workers = |w: &mut Writer<'_>, m: &mut Member, name: &str, n: u32| -> Result<()> {
            for i in 1..=n {
                let display = format!("Medewerker {name} {i}");
                let exists = workers.iter().any(|x| x.partner_id == m.id && x.display_name == display);
                if !exists {
                    m.workers.push(w.add_worker(m.id, &display)?);
                    sum.workers += 1;
                }
            }
            Ok(())
        };
        add_workers(w, &mut members[0], own_name, OWN_DEMO_WORKERS)?;
        for def in NETWORK {
            let found = partners.iter().find(|p| p.name.eq_ignore_ascii_case(def.name));
            if found.is_some_and(|p| p.id == own_id) {
                // The store belongs to this partner: it is already member 0.
                members[0].case_weight = def.case_weight.max(OWN_CASE_WEIGHT);
                members[0].area = def.area;
                continue;
            }
            let (id, kind, municipality) = match found {
                Some(p) => (p.id, p.kind, p.municipality.clone()),
                None => {
                    let id = id_at(t0, rng);
                    w.add_partner(&NewPartner {
                        id: Some(id),
                        kind: Some(def.kind),
                        name: def.name.to_owned(),
                        municipality: def.municipality.map(str::to_owned),
                    })?;
                    sum.partners += 1;
                    (id, def.kind, def.municipality.map(str::to_owned))
                }
            };
            let mut m = Member {
                id,
                kind,
                municipality,
                workers: workers.iter().filter(|x| x.partner_id == id).map(|x| x.id).collect(),
                case_weight: def.case_weight,
                speed: def.speed,
                area: def.area,
            };
            add_workers(w, &mut m, def.name, def.workers)?;
            members.push(m);
        }
        let mut spans = Vec::new();
        for def in PROJECTS {
            let span = match projects.iter().find(|p| p.code == def.code) {
                Some(p) => ProjectSpan { code: def.code, starts: p.starts_on, ends: p.ends_on },
                None => {
                    let starts = ymd(def.starts);
                    let ends = def.ends.map(ymd);
                    w.add_project(&NewProject {
                        id: Some(id_at(ms_at(starts, 8 * 60), rng)),
                        code: def.code.to_owned(),
                        name: def.name.to_owned(),
                        starts_on: starts,
                        ends_on: ends,
                    })?;
                    sum.projects += 1;
                    ProjectSpan { code: def.code, starts, ends }
                }
            };
            spans.push(span);
        }
        Ok(Net { members, projects: spans })
    })
}

// ---------------------------------------------------------------------------------------
// Randomness and dates
// ---------------------------------------------------------------------------------------

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a Weighted<T>) -> &'a T {
    let total: u32 = items.iter().map(|(_, w)| *w).sum();
    let mut x = rng.random_range(0..total.max(1));
    for (t, w) in items {
        if x < *w {
            return t;
        }
        x -= w;
    }
    &items[items.len() - 1].0
}

fn pick_str(rng: &mut ChaCha8Rng, items: &Weighted<&'static str>) -> &'static str {
    pick::<&'static str>(rng, items)
}

fn one_of<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// Whole days from a log-normal distribution with the given median, clamped.
fn lognormal_days(rng: &mut ChaCha8Rng, median: f64, sigma: f64, lo: i64, hi: i64) -> i64 {
    let x = median * (sigma * normal(rng)).exp();
    // Bounded by the clamp; the float is finite and small.
    #[allow(clippy::cast_possible_truncation)]
    let d = x.round().clamp(-1e6, 1e6) as i64;
    d.clamp(lo, hi)
}

fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    d.checked_add_signed(TimeDelta::days(n)).unwrap_or(d)
}

fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// Unix milliseconds of a moment on a day (minutes after midnight, UTC).
fn ms_at(d: NaiveDate, minute: u32) -> i64 {
    d.and_time(NaiveTime::MIN).and_utc().timestamp_millis() + i64::from(minute) * 60_000
}

/// A moment during office hours.
fn office_ms(rng: &mut ChaCha8Rng, d: NaiveDate) -> i64 {
    ms_at(d, rng.random_range(7 * 60..17 * 60))
}

/// Receivers mostly answer on working days: a weekend date moves to Monday.
fn workday(rng: &mut ChaCha8Rng, d: NaiveDate) -> NaiveDate {
    match d.weekday() {
        Weekday::Sat if rng.random_bool(0.9) => add_days(d, 2),
        Weekday::Sun if rng.random_bool(0.9) => add_days(d, 1),
        _ => d,
    }
}

// ---------------------------------------------------------------------------------------
// Simulation
// ---------------------------------------------------------------------------------------

struct Sim<'n> {
    net: &'n Net,
    until: NaiveDate,
    start: NaiveDate,
    rng: ChaCha8Rng,
    sum: DemoSummary,
}

/// The case being simulated.
struct CaseCtx {
    id: Uuid,
    owner: usize,
    worker: Uuid,
    opened: NaiveDate,
    /// The closing day, or `until` for a case still open.
    end: NaiveDate,
    closed: bool,
    municipality: &'static str,
    language: Option<&'static str>,
    residence: Option<&'static str>,
    project: Option<&'static str>,
    age_band: &'static str,
    household: &'static str,
    domains: Vec<&'static str>,
}

impl CaseCtx {
    fn children(&self) -> bool {
        matches!(self.household, "single_parent" | "couple_children")
    }
    fn older(&self) -> bool {
        matches!(self.age_band, "65_74" | "75_plus")
    }
    fn span(&self) -> i64 {
        days_between(self.opened, self.end)
    }
}

/// One planned referral event.
struct Ev {
    kind: EventKind,
    on: NaiveDate,
    reason: Option<&'static str>,
}

enum Dest {
    Partner(usize),
    Outside(String),
}

impl Sim<'_> {
    fn member(&self, i: usize) -> &Member {
        &self.net.members[i]
    }

    fn worker_of(&mut self, i: usize) -> Uuid {
        let ws = &self.net.members[i].workers;
        if ws.is_empty() { Uuid::nil() } else { ws[self.rng.random_range(0..ws.len())] }
    }

    /// An opening day: slightly more cases in the second year; mostly working days.
    fn opening_day(&mut self) -> NaiveDate {
        let rng = &mut self.rng;
        let offset = (rng.random::<f64>().powf(0.9) * SPAN_DAYS as f64).floor();
        #[allow(clippy::cast_possible_truncation)]
        let mut opened = add_days(self.start, (offset as i64).clamp(0, SPAN_DAYS));
        match opened.weekday() {
            Weekday::Sat | Weekday::Sun if rng.random_bool(0.85) => {
                let back = if opened.weekday() == Weekday::Sat { 1 } else { 2 };
                opened = add_days(opened, -back);
            }
            _ => {}
        }
        opened.min(self.until)
    }

    fn case(&mut self, w: &mut Writer<'_>, opened: NaiveDate) -> Result<()> {
        let rng = &mut self.rng;
        let until = self.until;
        let age = days_between(opened, until);
        let (closed, end) = if age > 182 {
            if rng.random_bool(0.7) {
                let cap = age - rng.random_range(0..=14);
                let dur = lognormal_days(rng, 100.0, 0.8, 7, 600).min(cap);
                (true, add_days(opened, dur))
            } else {
                (false, until)
            }
        } else {
            #[allow(clippy::cast_precision_loss)]
            let p = 0.4 * age as f64 / 182.0;
            let dur = lognormal_days(rng, 35.0, 0.8, 3, 180);
            if rng.random_bool(p.clamp(0.0, 1.0)) && dur < age {
                (true, add_days(opened, dur))
            } else {
                (false, until)
            }
        };

        // Owner.
        let weights: Vec<(usize, u32)> =
            self.net.members.iter().enumerate().map(|(i, m)| (i, m.case_weight)).collect();
        let owner = *pick(rng, &weights);
        let m = &self.net.members[owner];
        let municipality = match (&m.municipality, m.kind) {
            (Some(own), PartnerKind::Ocmw) => {
                let r = rng.random::<f64>();
                if r < 0.85 {
                    static_municipality(own)
                } else if r < 0.9 {
                    "no_fixed_address"
                } else {
                    pick_str(rng, MUNICIPALITIES)
                }
            }
            (Some(own), _) if rng.random_bool(0.75) => static_municipality(own),
            _ if !m.area.is_empty() && rng.random_bool(0.7) => pick_str(rng, m.area),
            _ => pick_str(rng, MUNICIPALITIES),
        };
        let age_band = pick_str(rng, AGE_BANDS);
        let household = match age_band {
            "under_18" => "other",
            "65_74" | "75_plus" => pick_str(rng, HOUSEHOLDS_OLDER),
            _ => pick_str(rng, HOUSEHOLDS),
        };
        let entry_route = if m.kind == PartnerKind::Other {
            pick_str(rng, ENTRY_ROUTES_VINDPLAATS)
        } else {
            pick_str(rng, ENTRY_ROUTES)
        };
        let gender = if rng.random_bool(0.65) {
            let f = if household == "single_parent" { 0.86 } else { 0.55 };
            let r = rng.random::<f64>();
            Some(if r < f {
                Gender::F
            } else if r < 0.98 {
                Gender::M
            } else {
                Gender::X
            })
        } else {
            None
        };
        let language = rng.random_bool(0.7).then(|| pick_str(rng, LANGUAGES));
        let interpreter = match language {
            Some("nl" | "fr") | None => rng.random_bool(0.15).then_some(Interpreter::NotNeeded),
            Some("en") => rng.random_bool(0.3).then_some(Interpreter::NotNeeded),
            Some(_) => rng.random_bool(0.7).then(|| {
                *pick(
                    rng,
                    &[(Interpreter::Needed, 30), (Interpreter::Used, 45), (Interpreter::NotNeeded, 25)],
                )
            }),
        };
        let residence = rng.random_bool(0.06).then(|| pick_str(rng, RESIDENCE));

        // Life domains: housing first, then income, debts, administration, health.
        let children = matches!(household, "single_parent" | "couple_children");
        let older = matches!(age_band, "65_74" | "75_plus");
        let mut dw: Vec<(&'static str, u32)> = LIFE_DOMAINS
            .iter()
            .map(|&(d, wt)| {
                let wt = match d {
                    "childcare" if children => wt * 4,
                    "education" if children => wt * 2,
                    "social_network" | "health" if older => wt * 3,
                    "work" if older => wt / 6,
                    _ => wt,
                };
                (d, wt)
            })
            .collect();
        let n_domains = *pick(rng, &[(0usize, 3), (1, 37), (2, 40), (3, 20)]);
        let mut domains = Vec::with_capacity(3);
        if matches!(residence, Some("no_legal_residence" | "international_protection")) {
            domains.push("residence");
            dw.retain(|(d, _)| *d != "residence");
        }
        while domains.len() < n_domains && !dw.is_empty() {
            let d = *pick(rng, &dw);
            dw.retain(|(x, _)| *x != d);
            domains.push(d);
        }

        let project = self
            .net
            .projects
            .iter()
            .find(|p| {
                p.covers(opened)
                    && match p.code {
                        "UKR-2022" => matches!(language, Some("uk" | "ru")),
                        "WOS-2025" => entry_route == "vindplaats" && children,
                        _ => false,
                    }
            })
            .map(|p| p.code)
            .filter(|_| rng.random_bool(0.8));

        let worker = self.worker_of(owner);
        let rng = &mut self.rng;
        let ms = office_ms(rng, opened);
        let id = id_at(ms, rng);
        let owner_id = self.net.members[owner].id;
        w.demo_act_as(owner_id, worker, ms);
        let code = w.unused_case_code(rng)?;
        w.open_case(&NewCase {
            id: Some(id),
            code: Some(code),
            opened_on: Some(opened),
            owner_partner_id: Some(owner_id),
            owner_worker_id: Some(worker),
            profile: CaseProfile {
                entry_route: entry_route.to_owned(),
                municipality: municipality.to_owned(),
                age_band: age_band.to_owned(),
                household_type: household.to_owned(),
                gender,
                contact_language: language.map(str::to_owned),
                interpreter,
                residence_status: residence.map(str::to_owned),
                life_domains: domains.iter().map(|d| (*d).to_owned()).collect(),
                project: project.map(str::to_owned),
            },
        })?;
        self.sum.cases += 1;
        let c = CaseCtx {
            id,
            owner,
            worker,
            opened,
            end,
            closed,
            municipality,
            language,
            residence,
            project,
            age_band,
            household,
            domains,
        };

        self.notes_and_signals(w, &c)?;
        self.referrals(w, &c)?;
        self.rights(w, &c)?;
        self.case_follow_ups(w, &c)?;
        if c.closed {
            let ms = office_ms(&mut self.rng, c.end);
            w.demo_act_as(self.member(owner).id, worker, ms);
            w.close_case(c.id, c.end)?;
        }
        Ok(())
    }

    fn act(&mut self, w: &mut Writer<'_>, partner: usize, worker: Uuid, on: NaiveDate) -> i64 {
        let ms = office_ms(&mut self.rng, on);
        w.demo_act_as(self.net.members[partner].id, worker, ms);
        ms
    }

    fn notes_and_signals(&mut self, w: &mut Writer<'_>, c: &CaseCtx) -> Result<()> {
        let span = c.span();
        if self.rng.random_bool(0.3) {
            let on = add_days(c.opened, self.rng.random_range(0..=span.min(30)));
            let first = c.domains.first().copied().unwrap_or("");
            let specific = domain_notes(first);
            let body = if !specific.is_empty() && self.rng.random_bool(0.65) {
                *one_of(&mut self.rng, specific)
            } else {
                *one_of(&mut self.rng, NOTES_GENERAL)
            };
            let ms = self.act(w, c.owner, c.worker, on);
            let id = id_at(ms, &mut self.rng);
            w.add_note(c.id, body, Some(id))?;
            self.sum.notes += 1;
        }
        if self.rng.random_bool(0.03) {
            let on = add_days(c.opened, self.rng.random_range(0..=span.min(90)));
            let theme = pick_str(&mut self.rng, signal_theme(c.domains.first().copied()));
            let text = *one_of(&mut self.rng, signal_texts(theme));
            let ms = self.act(w, c.owner, c.worker, on);
            let id = id_at(ms, &mut self.rng);
            w.add_signal(&NewSignal {
                id: Some(id),
                case_id: c.id,
                theme: theme.to_owned(),
                text: text.to_owned(),
            })?;
            self.sum.signals += 1;
        }
        Ok(())
    }

    // --- referrals ----------------------------------------------------------------------

    fn referrals(&mut self, w: &mut Writer<'_>, c: &CaseCtx) -> Result<()> {
        let n = *pick(
            &mut self.rng,
            &[(0u32, 8), (1, 15), (2, 20), (3, 20), (4, 15), (5, 10), (6, 6), (7, 4), (8, 2)],
        );
        let span = c.span();
        #[allow(clippy::cast_precision_loss)]
        let window = if c.closed { span as f64 * 0.6 } else { span as f64 };
        let mut days: Vec<i64> = (0..n)
            .map(|i| {
                if i == 0 {
                    if self.rng.random_bool(0.45) { 0 } else { self.rng.random_range(1..=14).min(span) }
                } else {
                    #[allow(clippy::cast_possible_truncation)]
                    let d = (self.rng.random::<f64>().powf(1.4) * window).floor() as i64;
                    d.clamp(0, span)
                }
            })
            .collect();
        days.sort_unstable();
        for d in days {
            let domain = match c.domains.as_slice() {
                ds if !ds.is_empty() && self.rng.random_bool(0.85) => *one_of(&mut self.rng, ds),
                _ => pick_str(&mut self.rng, LIFE_DOMAINS),
            };
            self.referral(w, c, domain, add_days(c.opened, d))?;
        }
        Ok(())
    }

    /// Chooses a receiver for a question; `true` when an OCMW of another municipality
    /// had to be asked (it will often decline as not competent).
    fn destination(&mut self, c: &CaseCtx, domain: &str) -> (Dest, bool) {
        let members = &self.net.members;
        for _ in 0..4 {
            let target = *pick(&mut self.rng, targets(domain));
            let of_kind = |k: PartnerKind| -> Vec<usize> {
                members
                    .iter()
                    .enumerate()
                    .filter(|(i, m)| *i != c.owner && m.kind == k)
                    .map(|(i, _)| i)
                    .collect()
            };
            match target {
                Target::Out(name) => return (Dest::Outside(name.to_owned()), false),
                Target::Ocmw => {
                    let local = members.iter().position(|m| {
                        m.kind == PartnerKind::Ocmw && m.municipality.as_deref() == Some(c.municipality)
                    });
                    match local {
                        Some(i) if i == c.owner => {} // the OCMW is the sender: ask another
                        Some(i) => return (Dest::Partner(i), false),
                        None => {
                            let others = of_kind(PartnerKind::Ocmw);
                            let name = MUNICIPALITY_NAMES
                                .iter()
                                .find(|(code, _)| *code == c.municipality)
                                .map(|(_, n)| *n);
                            match name {
                                Some(n) if others.is_empty() || self.rng.random_bool(0.6) => {
                                    return (Dest::Outside(format!("OCMW {n}")), false);
                                }
                                _ if !others.is_empty() => {
                                    let i = *one_of(&mut self.rng, &others);
                                    // Without an address the OCMW where the person
                                    // stays is competent.
                                    let wrong = c.municipality != "no_fixed_address";
                                    return (Dest::Partner(i), wrong);
                                }
                                _ => {}
                            }
                        }
                    }
                }
                Target::Caw | Target::Dmw | Target::Child => {
                    let kind = match target {
                        Target::Caw => PartnerKind::Caw,
                        Target::Dmw => PartnerKind::Dmw,
                        _ => PartnerKind::Other,
                    };
                    let cands = of_kind(kind);
                    if !cands.is_empty() {
                        return (Dest::Partner(*one_of(&mut self.rng, &cands)), false);
                    }
                }
            }
        }
        let others: Vec<usize> = (0..members.len()).filter(|&i| i != c.owner).collect();
        if others.is_empty() {
            (Dest::Outside("Wijkgezondheidscentrum".to_owned()), false)
        } else {
            (Dest::Partner(*one_of(&mut self.rng, &others)), false)
        }
    }

    fn referral(&mut self, w: &mut Writer<'_>, c: &CaseCtx, domain: &str, consent: NaiveDate) -> Result<()> {
        let (dest, wrong_territory) = self.destination(c, domain);
        let sender = self.member(c.owner);
        let warm_p = match sender.kind {
            PartnerKind::Caw => 0.63,
            PartnerKind::Ocmw => 0.55,
            PartnerKind::Dmw => 0.55,
            PartnerKind::Other => 0.6,
        } - if matches!(dest, Dest::Outside(_)) { 0.1 } else { 0.0 };
        let warm = self.rng.random_bool(warm_p);
        let (to_idx, outside) = match dest {
            Dest::Partner(i) => (Some(i), None),
            Dest::Outside(name) => (None, Some(name)),
        };
        let speed = to_idx.map_or(1.6, |i| self.member(i).speed);
        let plan = self.plan_referral(consent, warm, speed, outside.is_some(), wrong_territory);

        let ms = self.act(w, c.owner, c.worker, consent);
        let rid = id_at(ms, &mut self.rng);
        w.create_referral(&NewReferral {
            id: Some(rid),
            case_id: c.id,
            to_partner_id: to_idx.map(|i| self.member(i).id),
            outside_service: outside,
            life_domain: domain.to_owned(),
            mode: if warm { ReferralMode::Warm } else { ReferralMode::Cold },
            project: c.project.filter(|_| self.rng.random_bool(0.7)).map(str::to_owned),
        })?;
        self.sum.referrals += 1;

        // Who records the receiver's side: the receiving partner, or the sender on
        // behalf of a service outside the network.
        let receiver = to_idx.unwrap_or(c.owner);
        let receiver_worker = if to_idx.is_some() { self.worker_of(receiver) } else { c.worker };
        let mut state = ReferralState::Draft;
        let mut sent_on = None;
        for e in plan.iter().take_while(|e| e.on <= c.end) {
            self.event(w, c, rid, receiver, receiver_worker, e)?;
            if let Some(next) = e.kind.next_state(state) {
                state = next;
            }
            if e.kind == EventKind::Sent {
                sent_on = Some(e.on);
            }
        }
        if c.closed {
            // Closing the case closes the loop on what is still running.
            let closing = match state {
                ReferralState::Draft | ReferralState::Sent | ReferralState::Accepted => {
                    Some(EventKind::Withdrawn)
                }
                ReferralState::FirstContact => Some(EventKind::Completed),
                _ => None,
            };
            if let Some(kind) = closing {
                let e = Ev { kind, on: c.end, reason: None };
                self.event(w, c, rid, receiver, receiver_worker, &e)?;
            }
        }
        if let Some(sent) = sent_on
            && self.rng.random_bool(0.7)
        {
            let gap = self.rng.random_range(5..=10);
            let due = workday(&mut self.rng, add_days(sent, gap));
            self.follow_up(w, c, sent, due, "check_referral", Some(rid), None, false)?;
        }
        Ok(())
    }

    fn event(
        &mut self,
        w: &mut Writer<'_>,
        c: &CaseCtx,
        rid: Uuid,
        receiver: usize,
        receiver_worker: Uuid,
        e: &Ev,
    ) -> Result<()> {
        let (side, worker) = match e.kind.side() {
            crate::referrals::Side::Sender => (c.owner, c.worker),
            crate::referrals::Side::Receiver => (receiver, receiver_worker),
        };
        let ms = self.act(w, side, worker, e.on);
        let id = id_at(ms, &mut self.rng);
        w.record_event(&NewEvent {
            id: Some(id),
            referral_id: rid,
            kind: e.kind,
            occurred_on: e.on,
            partner_id: Some(self.member(side).id),
            worker_id: Some(worker),
            reason: e.reason.map(str::to_owned),
        })?;
        self.sum.referral_events += 1;
        Ok(())
    }

    /// The full life of a referral from consent, in business order, before any cut-off.
    fn plan_referral(
        &mut self,
        consent: NaiveDate,
        warm: bool,
        speed: f64,
        outside: bool,
        wrong_territory: bool,
    ) -> Vec<Ev> {
        use EventKind::*;
        let rng = &mut self.rng;
        let ev = |kind, on| Ev { kind, on, reason: None };
        let mut out = Vec::with_capacity(8);
        let sent = add_days(consent, *pick(rng, &[(0i64, 70), (1, 20), (2, 10)]));
        out.push(ev(Consent, consent));
        if warm {
            let gap = days_between(consent, sent);
            out.push(ev(ReceiverContacted, add_days(consent, rng.random_range(0..=gap))));
        }
        out.push(ev(Sent, sent));

        let p_decline = if wrong_territory {
            0.45
        } else if outside {
            0.05
        } else {
            0.08
        };
        let p_expire = if warm { 0.02 } else { 0.07 } + if outside { 0.06 } else { 0.0 };
        let p_withdraw = 0.03;
        let u = rng.random::<f64>();
        if u < p_decline {
            let d = lognormal_days(rng, 3.0 * speed, 0.8, 0, 20);
            let on = workday(rng, add_days(sent, d));
            let reason =
                if wrong_territory { "not_competent_territory" } else { pick_str(rng, DECLINE_REASONS) };
            out.push(Ev { kind: Declined, on, reason: Some(reason) });
            return out;
        }
        if u < p_decline + p_expire {
            out.push(ev(Expired, add_days(sent, rng.random_range(30..=60))));
            return out;
        }
        if u < p_decline + p_expire + p_withdraw {
            out.push(ev(Withdrawn, add_days(sent, rng.random_range(1..=20))));
            return out;
        }

        let appointment = warm && rng.random_bool(0.85);
        if appointment {
            out.push(ev(AppointmentMade, sent));
        }
        let median = if appointment {
            1.2
        } else if warm {
            2.0
        } else {
            3.8
        } * speed;
        let delay = lognormal_days(rng, median, 0.85, 0, 15);
        let accepted = workday(rng, add_days(sent, delay));
        out.push(ev(Accepted, accepted));

        let v = rng.random::<f64>();
        let (p_first, p_no_show) = if warm { (0.9, 0.06) } else { (0.81, 0.12) };
        if v < p_first {
            let d = lognormal_days(rng, if warm { 4.0 } else { 7.0 }, 0.7, 1, 20);
            let first = workday(rng, add_days(accepted, d));
            if warm && rng.random_bool(0.2) {
                out.push(ev(Accompanied, first));
            }
            out.push(ev(FirstContact, first));
            let completed =
                rng.random_bool(0.9).then(|| add_days(first, lognormal_days(rng, 30.0, 0.9, 3, 180)));
            if warm && rng.random_bool(0.65) {
                let mut fb = add_days(first, rng.random_range(0..=10));
                if let Some(done) = completed {
                    fb = fb.min(done);
                }
                out.push(ev(FeedbackGiven, fb));
            }
            if let Some(done) = completed {
                out.push(ev(Completed, done));
            }
        } else if v < p_first + p_no_show {
            let d = lognormal_days(rng, if warm { 4.0 } else { 7.0 }, 0.7, 1, 20);
            let no_show = workday(rng, add_days(accepted, d));
            out.push(ev(NoShow, no_show));
            if warm && rng.random_bool(0.5) {
                out.push(ev(FeedbackGiven, add_days(no_show, rng.random_range(0..=5))));
            }
        } else {
            out.push(ev(Withdrawn, add_days(accepted, rng.random_range(3..=30))));
        }
        out
    }

    // --- rights -------------------------------------------------------------------------

    fn rights_pool(c: &CaseCtx) -> Vec<(&'static str, u32)> {
        let mut pool: Vec<(&'static str, u32)> = Vec::new();
        let mut add = |code: &'static str, wt: u32| match pool.iter_mut().find(|(c, _)| *c == code) {
            Some(e) => e.1 += wt,
            None => pool.push((code, wt)),
        };
        add("increased_reimbursement", 6);
        add("social_energy_tariff", 4);
        add("maximum_billing", 2);
        add("leefloon", 2);
        add("additional_aid", 2);
        let foreign = matches!(c.residence, Some("third_country_permit" | "international_protection"));
        for d in &c.domains {
            match *d {
                "income" => {
                    add("leefloon", 8);
                    add("additional_aid", 5);
                    add("equivalent_leefloon", if foreign { 8 } else { 1 });
                }
                "debts" => {
                    add("debt_mediation", 8);
                    add("legal_aid", 3);
                    add("social_energy_tariff", 3);
                    add("protected_customer_brussels", 4);
                    add("additional_aid", 2);
                }
                "housing" => {
                    if c.municipality == "elsewhere" {
                        add("social_housing_flanders", 5);
                        add("rent_premium_flanders", 3);
                        add("rent_subsidy_flanders", 3);
                    } else {
                        add("social_housing_brussels", 8);
                        add("rent_allowance_brussels", 6);
                        add("protected_customer_brussels", 3);
                    }
                    add("social_energy_tariff", 2);
                }
                "health" | "mental_health" => {
                    add("increased_reimbursement", 6);
                    add("maximum_billing", 4);
                    add("disability_allowance", 4);
                    add("care_budget_disability", 2);
                    add("care_budget_severe", 2);
                }
                "education" => {
                    add("study_grant", 4);
                    add("groeipakket_school", 3);
                }
                "legal" | "residence" => add("legal_aid", 5),
                "work" => add("additional_aid", 2),
                _ => {}
            }
        }
        if c.children() {
            add("family_allowance_brussels_social", 6);
            add("groeipakket_school", 4);
            add("groeipakket_social", 2);
            add("study_grant", 1);
        }
        if c.older() {
            add("igo", 8);
            add("elderly_allowance_brussels", 5);
            add("care_budget_elderly", 4);
        }
        if c.residence == Some("no_legal_residence") {
            add("urgent_medical_aid", 12);
        }
        pool
    }

    fn rights(&mut self, w: &mut Writer<'_>, c: &CaseCtx) -> Result<()> {
        let n = *pick(
            &mut self.rng,
            &[(0usize, 8), (1, 8), (2, 12), (3, 15), (4, 17), (5, 14), (6, 11), (7, 8), (8, 7)],
        );
        let mut pool = Self::rights_pool(c);
        let span = c.span();
        for _ in 0..n {
            if pool.is_empty() {
                break;
            }
            let right = *pick(&mut self.rng, &pool);
            pool.retain(|(r, _)| *r != right);
            let d0 = add_days(
                c.opened,
                #[allow(clippy::cast_possible_truncation)]
                {
                    (self.rng.random::<f64>().powi(2) * span.min(90) as f64).floor() as i64
                },
            );
            self.right(w, c, right, d0)?;
        }
        Ok(())
    }

    fn right(&mut self, w: &mut Writer<'_>, c: &CaseCtx, right: &'static str, d0: NaiveDate) -> Result<()> {
        use RightStep::*;
        let rng = &mut self.rng;
        let p_auto = match right {
            "social_energy_tariff" => 0.35,
            "increased_reimbursement" => 0.15,
            _ => 0.04,
        };
        let listed_first = rng.random_bool(0.3);
        let mut steps: Vec<(RightStep, NaiveDate)> = Vec::with_capacity(5);
        let mut d = d0;
        if listed_first {
            steps.push((NotChecked, d));
        }
        let u = rng.random::<f64>();
        let mut stalled = false;
        if u < 0.08 {
            if !listed_first {
                steps.push((NotChecked, d));
            }
        } else if u < 0.08 + p_auto {
            d = add_days(d, if listed_first { rng.random_range(0..=30) } else { 0 });
            steps.push((GrantedAutomatically, d));
        } else if u < 0.28 + p_auto {
            d = add_days(d, if listed_first { rng.random_range(0..=14) } else { 0 });
            steps.push((NotEntitled, d));
        } else {
            d = add_days(d, if listed_first { rng.random_range(0..=7) } else { 0 });
            steps.push((PossiblyEntitled, d));
            if rng.random_bool(0.85) {
                d = add_days(d, rng.random_range(0..=21));
                steps.push((Applied, d));
                let decision = add_days(d, lognormal_days(rng, 30.0, 0.7, 5, 120));
                if rng.random_bool(0.8) {
                    steps.push((Granted, decision));
                } else {
                    steps.push((Refused, decision));
                }
            } else {
                stalled = true;
            }
        }
        steps.retain(|(_, on)| *on <= c.end);
        let Some(&(first, first_on)) = steps.first() else {
            return Ok(());
        };
        let last = steps.last().map_or(first, |s| s.0);
        let ms = self.act(w, c.owner, c.worker, first_on);
        let id = id_at(ms, &mut self.rng);
        w.add_rights_check(&NewRightsCheck {
            id: Some(id),
            case_id: c.id,
            right: right.to_owned(),
            step: Some(first),
            on: Some(first_on),
        })?;
        self.sum.rights_checks += 1;
        for &(step, on) in steps.iter().skip(1) {
            self.act(w, c.owner, c.worker, on);
            w.set_right_step(id, step, on)?;
        }

        // Why the right had not been taken up before, and the barrier behind it.
        let p_ntu = match last {
            PossiblyEntitled if stalled => 0.6,
            Refused => 0.5,
            PossiblyEntitled | Applied | Granted => 0.3,
            _ => 0.0,
        };
        if self.rng.random_bool(p_ntu) {
            let reason =
                if last == Refused { "requested_not_obtained" } else { pick_str(&mut self.rng, NON_TAKE_UP) };
            let other_language = !matches!(c.language, None | Some("nl" | "fr"));
            let lang = if other_language { 25 } else { 2 };
            let barriers: &[(&str, u32)] = match reason {
                "unknown_to_person" => {
                    &[("knowledge", 60), ("digital", 10), ("cultural", 15), ("language", lang)]
                }
                "not_requested" => &[("trust", 50), ("cultural", 30), ("knowledge", 20), ("language", lang)],
                "requested_not_obtained" => &[("administrative", 60), ("digital", 25), ("language", lang)],
                "not_offered" => &[("knowledge", 50), ("administrative", 50)],
                _ => &[("administrative", 70), ("knowledge", 30)],
            };
            let barrier = self.rng.random_bool(0.85).then(|| pick_str(&mut self.rng, barriers));
            self.act(w, c.owner, c.worker, first_on);
            w.set_non_take_up(id, Some(reason), barrier)?;
        }

        // Follow-ups on the rights check.
        if let Some(&(_, applied)) = steps.iter().find(|(s, _)| *s == Applied)
            && self.rng.random_bool(0.5)
        {
            let gap = self.rng.random_range(7..=21);
            let due = workday(&mut self.rng, add_days(applied, gap));
            self.follow_up(w, c, applied, due, "document_deadline", None, Some(id), false)?;
        }
        if stalled && self.rng.random_bool(0.25) {
            let from = steps.last().map_or(first_on, |s| s.1);
            let due = add_days(from, self.rng.random_range(14..=60));
            self.follow_up(w, c, from, due, "rights_recheck", None, Some(id), false)?;
        }
        Ok(())
    }

    // --- follow-ups ---------------------------------------------------------------------

    fn case_follow_ups(&mut self, w: &mut Writer<'_>, c: &CaseCtx) -> Result<()> {
        let span = c.span();
        let n = *pick(&mut self.rng, &[(1u32, 40), (2, 40), (3, 20)]);
        for _ in 0..n {
            let created = add_days(c.opened, self.rng.random_range(0..=span.min(60)));
            let gap = self.rng.random_range(2..=14);
            let due = workday(&mut self.rng, add_days(created, gap));
            let purpose = pick_str(
                &mut self.rng,
                &[("call_back", 45), ("appointment", 30), ("document_deadline", 15), ("other", 10)],
            );
            self.follow_up(w, c, created, due, purpose, None, None, false)?;
        }
        // The next step of a running case, around today: some overdue, some due today,
        // most in the coming weeks.
        if !c.closed && self.rng.random_bool(0.8) {
            let created = add_days(self.until, -self.rng.random_range(0..=30)).max(c.opened);
            let offset = match *pick(&mut self.rng, &[(0u8, 15), (1, 7), (2, 78)]) {
                0 => -self.rng.random_range(1..=20),
                1 => 0,
                _ => self.rng.random_range(1..=28),
            };
            let due = add_days(self.until, offset).max(created);
            let purpose = pick_str(
                &mut self.rng,
                &[
                    ("call_back", 40),
                    ("appointment", 30),
                    ("rights_recheck", 10),
                    ("document_deadline", 15),
                    ("other", 5),
                ],
            );
            self.follow_up(w, c, created, due, purpose, None, None, true)?;
        }
        Ok(())
    }

    /// Adds a follow-up set on `created` and, when it was done, completes it.
    #[allow(clippy::too_many_arguments)]
    fn follow_up(
        &mut self,
        w: &mut Writer<'_>,
        c: &CaseCtx,
        created: NaiveDate,
        due: NaiveDate,
        purpose: &str,
        referral: Option<Uuid>,
        rights_check: Option<Uuid>,
        keep_open: bool,
    ) -> Result<()> {
        if created > c.end {
            return Ok(());
        }
        let due = if c.closed { due.min(c.end) } else { due };
        let lag = match *pick(&mut self.rng, &[(0u8, 12), (1, 55), (2, 23), (3, 10)]) {
            0 => -self.rng.random_range(1..=3),
            1 => 0,
            2 => self.rng.random_range(1..=3),
            _ => self.rng.random_range(4..=10),
        };
        let done_on = |limit: NaiveDate| add_days(due, lag).clamp(created, limit);
        let done = if c.closed {
            Some(done_on(c.end))
        } else if keep_open || due > self.until {
            None
        } else {
            let overdue = days_between(due, self.until);
            let p = if overdue > 21 {
                0.99
            } else if overdue > 7 {
                0.85
            } else {
                0.55
            };
            self.rng.random_bool(p).then(|| done_on(self.until))
        };
        let assignee = if self.rng.random_bool(0.85) { c.worker } else { self.worker_of(c.owner) };
        let ms = self.act(w, c.owner, c.worker, created);
        let id = id_at(ms, &mut self.rng);
        w.add_follow_up(&NewFollowUp {
            id: Some(id),
            case_id: c.id,
            referral_id: referral,
            rights_check_id: rights_check,
            due_on: due,
            purpose: purpose.to_owned(),
            purpose_text: None,
            assignee_id: Some(assignee),
        })?;
        self.sum.follow_ups += 1;
        if let Some(on) = done {
            self.act(w, c.owner, assignee, on);
            w.complete_follow_up(id, on)?;
        }
        Ok(())
    }
}

/// The `'static` code for a municipality code held by a partner.
fn static_municipality(code: &str) -> &'static str {
    MUNICIPALITIES.iter().map(|(c, _)| *c).find(|c| *c == code).unwrap_or("elsewhere")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{CaseSort, CaseSummary};
    use crate::referrals::Side;
    use crate::store::InitStore;

    const PASS: &str = "correct horse battery staple 42";

    fn until() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()
    }

    fn new_store(dir: &std::path::Path, name: &str) -> Store {
        Store::create(
            &dir.join(name),
            &InitStore {
                partner_kind: PartnerKind::Ocmw,
                partner_name: "OCMW Test".into(),
                municipality: Some("21010".into()),
                worker_name: "Medewerker Test".into(),
            },
            PASS,
        )
        .unwrap()
        .0
    }

    fn run(store: &mut Store, cases: u32, seed: u64) -> DemoSummary {
        let mut calls = Vec::new();
        let t = std::time::Instant::now();
        let s = generate(store, &DemoOptions { cases, seed, until: until() }, &mut |d, n| {
            if std::env::var_os("SCHAKEL_DEMO_VERBOSE").is_some() {
                println!("{d}/{n} at {:.1?}", t.elapsed());
            }
            calls.push((d, n));
        })
        .unwrap();
        assert_eq!(calls.last().copied(), Some((u64::from(cases), u64::from(cases))));
        s
    }

    fn all_cases(store: &Store) -> Vec<CaseSummary> {
        let mut rows = store
            .list_cases(&CaseFilter { limit: Some(500), sort: CaseSort::Code, ..CaseFilter::default() })
            .unwrap()
            .rows;
        // The store's own partner gets a fresh id per store.
        for r in &mut rows {
            r.owner_partner_id = Uuid::nil();
        }
        rows
    }

    #[test]
    fn demo_data_is_consistent_and_deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = new_store(dir.path(), "a.db");
        let sa = run(&mut a, 300, 7);
        assert_eq!(sa.cases, 300);
        assert_eq!(sa.partners, NETWORK.len() as u32);
        assert_eq!(sa.projects, 2);
        assert!((600..=1200).contains(&sa.referrals), "{sa:?}");
        assert!(sa.referral_events >= sa.referrals * 3, "{sa:?}");
        assert!((800..=1600).contains(&sa.rights_checks), "{sa:?}");
        assert!((1000..=2100).contains(&sa.follow_ups), "{sa:?}");
        assert!((50..=150).contains(&sa.notes), "{sa:?}");

        let u = until();
        let cases = all_cases(&a);
        assert_eq!(cases.len(), 300);
        let mut open_refs = 0;
        let mut warm = 0;
        let mut refs = 0;
        for c in &cases {
            assert!(c.opened_on <= u && c.opened_on >= add_days(u, -SPAN_DAYS - 3));
            if let Some(closed) = c.closed_on {
                assert!(closed >= c.opened_on && closed <= u);
            }
            for r in a.referrals_of_case(c.id).unwrap() {
                refs += 1;
                if r.mode == ReferralMode::Warm {
                    warm += 1;
                }
                use ReferralState as S;
                let dates = [r.consent_on, r.sent_on, r.accepted_on, r.first_contact_on, r.ended_on];
                let present: Vec<NaiveDate> = dates.iter().flatten().copied().collect();
                assert!(present.windows(2).all(|p| p[0] <= p[1]), "{r:?}");
                assert!(present.iter().all(|d| *d <= u && *d >= c.opened_on), "{r:?}");
                assert!(r.consent_on.is_some(), "{r:?}");
                match r.state {
                    S::Draft => assert!(r.sent_on.is_none()),
                    S::Sent => assert!(r.sent_on.is_some() && r.accepted_on.is_none()),
                    S::Accepted => assert!(r.accepted_on.is_some() && r.first_contact_on.is_none()),
                    S::FirstContact => {
                        assert!(r.first_contact_on.is_some() && r.ended_on.is_none());
                    }
                    S::Completed => assert!(r.first_contact_on.is_some() && r.ended_on.is_some()),
                    S::Declined => assert!(r.decline_reason.is_some() && r.ended_on.is_some()),
                    S::NoShow => assert!(r.accepted_on.is_some() && r.ended_on.is_some()),
                    S::Withdrawn | S::Expired => assert!(r.ended_on.is_some()),
                }
                if r.state.is_open() {
                    open_refs += 1;
                    assert!(c.closed_on.is_none(), "closed case with open referral {r:?}");
                }
                let events = a.referral_events(r.id).unwrap();
                assert!(events.windows(2).all(|p| p[0].occurred_on <= p[1].occurred_on));
                for e in events {
                    let owner = match (e.kind.side(), r.to_partner_id) {
                        (Side::Receiver, Some(to)) => to,
                        _ => r.from_partner_id,
                    };
                    assert_eq!(e.partner_id, owner, "{e:?}");
                }
            }
        }
        assert_eq!(refs, sa.referrals);
        assert!(open_refs > 0, "recent referrals should still be open");
        let warm_share = f64::from(warm) / f64::from(refs);
        assert!((0.4..0.7).contains(&warm_share), "{warm_share}");

        let report = a.check().unwrap();
        assert!(report.ok, "{:?}", report.problems);

        let due = a.due_follow_ups(u, None, 1000).unwrap();
        assert!(!due.is_empty(), "a today view needs open follow-ups");
        assert!(due.iter().all(|f| f.done_on.is_none() && f.due_on <= u));

        // Same seed in another fresh store: the same cases.
        let mut b = new_store(dir.path(), "b.db");
        let sb = run(&mut b, 300, 7);
        assert_eq!(all_cases(&b), cases);
        assert_eq!(sb.referrals, sa.referrals);
        assert_eq!(sb.follow_ups, sa.follow_ups);
        drop(b);

        // Another seed: other codes.
        let mut c = new_store(dir.path(), "c.db");
        run(&mut c, 300, 8);
        let codes = |v: &[CaseSummary]| v.iter().map(|r| r.code.clone()).collect::<Vec<_>>();
        assert_ne!(codes(&all_cases(&c)), codes(&cases));
        drop(c);

        // A second run into the same store reuses the network and adds new cases.
        let partners = a.partners().unwrap().len();
        let s2 = run(&mut a, 40, 7);
        assert_eq!((s2.partners, s2.workers, s2.projects), (0, 0, 0));
        assert_eq!(a.partners().unwrap().len(), partners);
        let total = a.list_cases(&CaseFilter::default()).unwrap().total;
        assert_eq!(total, 340);
    }

    /// Timing of one chunk (or `SCHAKEL_DEMO_CASES`) and a few distributions:
    /// `cargo test -p schakel-core demo_timing -- --ignored --nocapture`.
    #[test]
    #[ignore = "timing only"]
    fn demo_timing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = new_store(dir.path(), "t.db");
        let n = std::env::var("SCHAKEL_DEMO_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000);
        let t = std::time::Instant::now();
        let sum = run(&mut s, n, 1);
        println!("{n} cases in {:.2?}: {sum:?}", t.elapsed());
        let conn = s.conn();
        for (label, sql) in [
            ("cases by status", "SELECT status, count(*) FROM case_file GROUP BY 1"),
            ("referral states", "SELECT state, count(*) FROM referral GROUP BY 1 ORDER BY 2 DESC"),
            ("referral modes", "SELECT mode, count(*) FROM referral GROUP BY 1"),
            ("outside services", "SELECT outside_service IS NOT NULL, count(*) FROM referral GROUP BY 1"),
            (
                "days sent->accepted (0..15+)",
                "SELECT min(julianday(accepted_on) - julianday(sent_on), 15), count(*) FROM referral
                 WHERE accepted_on IS NOT NULL GROUP BY 1",
            ),
            ("municipalities", "SELECT municipality_code, count(*) FROM case_file GROUP BY 1 ORDER BY 2 DESC"),
            ("life domains", "SELECT life_domain_code, count(*) FROM case_life_domain GROUP BY 1 ORDER BY 2 DESC"),
            ("rights steps", "SELECT step, count(*) FROM rights_check GROUP BY 1 ORDER BY 2 DESC"),
            (
                "open follow-ups vs until",
                "SELECT CASE WHEN due_on < '2026-03-31' THEN 'overdue' WHEN due_on = '2026-03-31' THEN 'today'
                 ELSE 'future' END, count(*) FROM follow_up WHERE done_on IS NULL GROUP BY 1",
            ),
        ] {
            let mut stmt = conn.prepare(sql).unwrap();
            let rows: Vec<String> = stmt
                .query_map([], |r| {
                    let k: rusqlite::types::Value = r.get(0)?;
                    let n: i64 = r.get(1)?;
                    Ok(format!("{k:?}={n}"))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            println!("{label}: {}", rows.join(", "));
        }
    }
}
