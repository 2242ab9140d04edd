//! Privacy checks applied in core, whatever the caller: free text may not hold
//! identifiers of a person.

pub mod identifiers;
mod warnings;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use identifiers::{IdentifierKind, Severity};

/// Why a worker keeps text that the second-level check warns about. A closed list, so the
/// audit log records a reason without holding free text of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum WarningOverride {
    /// The flagged word is not a person's name (a place, a word, an organisation).
    NotAPerson,
    /// The address or name is an organisation's or a service's, not the person's.
    OrganisationOrService,
    /// The date is not a date of birth.
    NotABirthDate,
    /// The name is a professional's (a contact at another service), not the person's.
    ProfessionalContact,
}

impl WarningOverride {
    pub const ALL: [WarningOverride; 4] = [
        WarningOverride::NotAPerson,
        WarningOverride::OrganisationOrService,
        WarningOverride::NotABirthDate,
        WarningOverride::ProfessionalContact,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WarningOverride::NotAPerson => "not_a_person",
            WarningOverride::OrganisationOrService => "organisation_or_service",
            WarningOverride::NotABirthDate => "not_a_birth_date",
            WarningOverride::ProfessionalContact => "professional_contact",
        }
    }
}

/// What to do with second-level warnings in a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarningPolicy {
    /// Refuse warned text unless the worker gave a reason (the app and the CLI).
    Ask(Option<WarningOverride>),
    /// Accept it (imports of existing records and generated demo data).
    Accept,
}

/// A kept warning: which kinds were found and why the text was kept anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptWarning {
    pub kinds: Vec<IdentifierKind>,
    pub reason: WarningOverride,
}

/// [`check_free_text`], then the second level under `policy`: `Ok(Some(_))` when warned
/// text is kept with a reason (the caller records it in the audit log).
pub fn check_free_text_warned(
    field: &str,
    text: &str,
    today: chrono::NaiveDate,
    policy: WarningPolicy,
) -> Result<Option<KeptWarning>> {
    check_free_text(field, text)?;
    let WarningPolicy::Ask(reason) = policy else { return Ok(None) };
    let mut kinds: Vec<IdentifierKind> = identifiers::find_warnings_on(text, today)
        .into_iter()
        .filter(|f| f.severity == Severity::Warn)
        .map(|f| f.kind)
        .collect();
    kinds.sort();
    kinds.dedup();
    if kinds.is_empty() {
        return Ok(None);
    }
    match reason {
        Some(reason) => Ok(Some(KeptWarning { kinds, reason })),
        None => Err(Error::IdentifierWarning {
            field: field.into(),
            kinds: kinds.iter().map(|k| k.as_str().to_owned()).collect(),
        }),
    }
}

/// The longest name (of an organisation, a worker, a project, an outside service).
pub const MAX_NAME_CHARS: usize = 120;

/// A name as typed: trimmed, required, at most [`MAX_NAME_CHARS`] characters, and free of
/// identifiers like every free text.
pub fn check_name<'a>(field: &str, name: &'a str) -> Result<&'a str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::validation(field, "required"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Error::validation(field, format!("at most {MAX_NAME_CHARS} characters")));
    }
    check_free_text(field, name)?;
    Ok(name)
}

/// Refuses free text that contains a national register or BIS number, an IBAN, a phone
/// number or an e-mail address, saying what was found and where (never the value).
/// Dates of birth, street addresses and names are warnings only
/// ([`identifiers::find_warnings`]): they never make this refuse.
pub fn check_free_text(field: &str, text: &str) -> Result<()> {
    let found = identifiers::find_identifiers(text);
    if found.is_empty() {
        Ok(())
    } else {
        Err(Error::validation(
            field,
            format!(
                "contains an identifier of a person, which may not be stored: {}. Rewrite the text without it",
                identifiers::describe(&found)
            ),
        ))
    }
}

#[cfg(test)]
mod override_tests;

#[cfg(test)]
mod name_tests {
    use super::*;
    use crate::partners::{NewPartner, PartnerKind};
    use crate::test_util::store_at;

    #[test]
    fn names_are_trimmed_bounded_and_checked_everywhere_they_are_typed() {
        assert_eq!(check_name("name", "  CAW Brussel ").ok(), Some("CAW Brussel"));
        assert!(matches!(check_name("name", "   "), Err(Error::Validation { .. })));
        let long = "a".repeat(MAX_NAME_CHARS + 1);
        let err = check_name("name", &long).expect_err("too long");
        assert!(err.to_string().contains("at most 120"), "{err}");
        assert!(check_name("name", &"a".repeat(MAX_NAME_CHARS)).is_ok());

        let dir = tempfile::tempdir().expect("dir");
        let mut store = store_at(&dir.path().join("names.db"), "OCMW Namen", None);
        let partner = |name: String| NewPartner { kind: Some(PartnerKind::Caw), name, ..Default::default() };
        let err = store.write(|w| w.add_partner(&partner(long.clone()))).expect_err("long partner name");
        assert!(matches!(err, Error::Validation { ref field, .. } if field == "name"), "{err:?}");
        let err = store
            .add_user(&crate::users::NewUser {
                display_name: long.clone(),
                roles: vec![crate::access::Role::Caseworker],
                passphrase: "een lange genoeg wachtzin voor de test".into(),
            })
            .expect_err("long user name");
        assert!(matches!(err, Error::Validation { ref field, .. } if field == "display_name"), "{err:?}");
        let err = store
            .write(|w| w.add_partner(&partner("Dienst 0475 12 34 56".into())))
            .expect_err("a phone number in a name");
        assert!(matches!(err, Error::Validation { .. }), "{err:?}");
    }
}
