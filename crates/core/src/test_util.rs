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
