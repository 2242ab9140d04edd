//! Reference vocabularies (municipalities, life domains, the rights taxonomy, …).
//!
//! They are data, seeded by migration and keyed by stable codes; this module loads them
//! once per open store, validates codes against them and resolves what people type in a
//! spreadsheet (a code, or the Dutch, French or English name) to a code.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Vocab {
    Municipality,
    EntryRoute,
    AgeBand,
    HouseholdType,
    LifeDomain,
    Language,
    ResidenceStatus,
    NonTakeUpReason,
    BarrierType,
    DeclineReason,
    SignalTheme,
    FollowUpPurpose,
    RightKind,
}

impl Vocab {
    pub const ALL: [Vocab; 13] = [
        Vocab::Municipality,
        Vocab::EntryRoute,
        Vocab::AgeBand,
        Vocab::HouseholdType,
        Vocab::LifeDomain,
        Vocab::Language,
        Vocab::ResidenceStatus,
        Vocab::NonTakeUpReason,
        Vocab::BarrierType,
        Vocab::DeclineReason,
        Vocab::SignalTheme,
        Vocab::FollowUpPurpose,
        Vocab::RightKind,
    ];

    /// The table, which is also the stable name used in files and the CLI.
    pub fn table(self) -> &'static str {
        match self {
            Vocab::Municipality => "municipality",
            Vocab::EntryRoute => "entry_route",
            Vocab::AgeBand => "age_band",
            Vocab::HouseholdType => "household_type",
            Vocab::LifeDomain => "life_domain",
            Vocab::Language => "language",
            Vocab::ResidenceStatus => "residence_status",
            Vocab::NonTakeUpReason => "non_take_up_reason",
            Vocab::BarrierType => "barrier_type",
            Vocab::DeclineReason => "decline_reason",
            Vocab::SignalTheme => "signal_theme",
            Vocab::FollowUpPurpose => "follow_up_purpose",
            Vocab::RightKind => "right_kind",
        }
    }

    pub fn from_name(name: &str) -> Option<Vocab> {
        Vocab::ALL.into_iter().find(|v| v.table() == name)
    }
}

/// One entry of a vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Term {
    pub code: String,
    pub name_nl: String,
    pub name_fr: String,
    pub name_en: String,
    #[ts(type = "number")]
    pub sort_order: i64,
    pub active: bool,
    /// Granting level, for the rights taxonomy only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
}

/// All vocabularies of a store, in memory.
#[derive(Debug, Default)]
pub struct Vocabularies {
    terms: HashMap<Vocab, Vec<Term>>,
}

impl Vocabularies {
    pub(crate) fn load(conn: &Connection) -> Result<Self> {
        let mut terms = HashMap::new();
        for v in Vocab::ALL {
            let level = if v == Vocab::RightKind { "level" } else { "NULL" };
            let sql = format!(
                "SELECT code, name_nl, name_fr, name_en, sort_order, active, {level} FROM {} ORDER BY sort_order, code",
                v.table()
            );
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map([], |r| {
                Ok(Term {
                    code: r.get(0)?,
                    name_nl: r.get(1)?,
                    name_fr: r.get(2)?,
                    name_en: r.get(3)?,
                    sort_order: r.get(4)?,
                    active: r.get(5)?,
                    level: r.get(6)?,
                })
            })?;
            terms.insert(v, rows.collect::<rusqlite::Result<Vec<_>>>()?);
        }
        Ok(Vocabularies { terms })
    }

    pub fn terms(&self, v: Vocab) -> &[Term] {
        self.terms.get(&v).map_or(&[], Vec::as_slice)
    }

    pub fn get(&self, v: Vocab, code: &str) -> Option<&Term> {
        self.terms(v).iter().find(|t| t.code == code)
    }

    /// Accepts a known, active code; anything else is a validation error on `field`.
    pub fn check(&self, v: Vocab, field: &str, code: &str) -> Result<()> {
        match self.get(v, code) {
            Some(t) if t.active => Ok(()),
            Some(_) => Err(Error::validation(field, format!("'{code}' is no longer in use"))),
            None => Err(Error::validation(field, format!("unknown {} '{code}'", v.table()))),
        }
    }

    /// Resolves a code or a name in any language (case and accents as typed are
    /// compared case-insensitively) to the code.
    pub fn resolve(&self, v: Vocab, field: &str, typed: &str) -> Result<String> {
        let t = typed.trim();
        let lower = t.to_lowercase();
        self.terms(v)
            .iter()
            .filter(|term| term.active)
            .find(|term| {
                term.code == t
                    || term.code.eq_ignore_ascii_case(t)
                    || term.name_nl.to_lowercase() == lower
                    || term.name_fr.to_lowercase() == lower
                    || term.name_en.to_lowercase() == lower
            })
            .map(|term| term.code.clone())
            .ok_or_else(|| Error::validation(field, format!("unknown {} '{t}'", v.table())))
    }
}
