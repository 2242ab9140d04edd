//! Fixtures shared by the unit tests of this crate.

use std::path::Path;

use chrono::NaiveDate;

use crate::cases::{CaseProfile, NewCase};
use crate::partners::PartnerKind;
use crate::store::{InitStore, Store};

pub const PASS: &str = "correct horse battery staple 42";

/// A new store of an OCMW at `path`, unlocked with [`PASS`].
pub fn store_at(path: &Path, partner_name: &str, municipality: Option<&str>) -> Store {
    let init = InitStore {
        partner_kind: PartnerKind::Ocmw,
        partner_name: partner_name.into(),
        municipality: municipality.map(str::to_owned),
        worker_name: "Medewerker Test".into(),
    };
    Store::create(path, &init, PASS).expect("create a test store").0
}

/// The minimum intake, in a municipality, with life domains.
pub fn profile(municipality: &str, domains: &[&str]) -> CaseProfile {
    CaseProfile {
        entry_route: "own_initiative".into(),
        municipality: municipality.into(),
        age_band: "25_34".into(),
        household_type: "single".into(),
        gender: None,
        contact_language: None,
        interpreter: None,
        residence_status: None,
        life_domains: domains.iter().map(|d| (*d).to_owned()).collect(),
        project: None,
    }
}

pub fn new_case(opened_on: NaiveDate, profile: CaseProfile) -> NewCase {
    NewCase {
        id: None,
        code: None,
        opened_on: Some(opened_on),
        owner_partner_id: None,
        owner_worker_id: None,
        profile,
    }
}

/// Stores of partners on different laptops that know each other (the same partner ids) and
/// have pinned each other's identity cards after comparing the words: what two or three
/// administrators do once before exchanging. One store per `(kind, name)`, at `dir/<i>.db`.
pub fn network(dir: &Path, members: &[(PartnerKind, &str)]) -> Vec<Store> {
    use crate::partners::NewPartner;
    let mut stores: Vec<Store> = members
        .iter()
        .enumerate()
        .map(|(i, (kind, name))| {
            let init = InitStore {
                partner_kind: *kind,
                partner_name: (*name).into(),
                municipality: None,
                worker_name: format!("Medewerker {name}"),
            };
            Store::create(&dir.join(format!("{i}.db")), &init, PASS).expect("create a network store").0
        })
        .collect();
    let cards: Vec<_> = stores.iter_mut().map(|s| s.identity_card().expect("card")).collect();
    for (i, store) in stores.iter_mut().enumerate() {
        for (j, card) in cards.iter().enumerate() {
            if i == j {
                continue;
            }
            store
                .write(|w| {
                    w.add_partner(&NewPartner {
                        id: Some(card.partner_id),
                        kind: Some(members[j].0),
                        name: card.partner_name.clone(),
                        municipality: None,
                    })
                })
                .expect("add the partner");
            let words = card.fingerprint().expect("fingerprint").words_text();
            store.pin_partner_card(card, Some(&words)).expect("pin the card");
        }
    }
    stores
}
