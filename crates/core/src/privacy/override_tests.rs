//! Second-level warnings in writes: refused without a reason, kept with one, and the
//! reason (never the text) goes into the audit log.

use chrono::NaiveDate;

use super::WarningOverride;
use crate::error::Error;
use crate::follow_ups::NewFollowUp;
use crate::signals::NewSignal;
use crate::store::Store;
use crate::test_util::{new_case, profile, store_at};

const WARNED: &str = "Mevrouw Janssens belde over de huur; zij woont in de Kerkstraat 12";

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 3).expect("date")
}

fn counts(store: &Store) -> (i64, i64) {
    let q = |sql: &str| store.conn().query_row(sql, [], |r| r.get::<_, i64>(0)).expect("count");
    (q("SELECT count(*) FROM note"), q("SELECT count(*) FROM audit_log"))
}

fn overrides(store: &Store) -> Vec<serde_json::Value> {
    let mut stmt = store
        .conn()
        .prepare("SELECT detail FROM audit_log WHERE action = 'privacy.warning_override' ORDER BY seq")
        .expect("prepare");
    stmt.query_map([], |r| r.get::<_, String>(0))
        .expect("query")
        .map(|d| serde_json::from_str(&d.expect("row")).expect("json"))
        .collect()
}

#[test]
fn warned_text_needs_a_reason_which_is_audited_without_the_text() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = store_at(&dir.path().join("warn.db"), "OCMW Test", None);
    let case = store.write(|w| w.open_case(&new_case(day(), profile("21010", &["housing"])))).expect("case");
    let id = case.summary.id;

    let before = counts(&store);
    let err = store.write(|w| w.add_note(id, WARNED, None)).expect_err("refused without a reason");
    match &err {
        Error::IdentifierWarning { field, kinds } => {
            assert_eq!(field, "body");
            assert_eq!(kinds, &["street_address", "person_name"]);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(counts(&store), before, "nothing was written");

    store
        .write(|w| {
            w.keep_warned_text(Some(WarningOverride::ProfessionalContact));
            w.add_note(id, WARNED, None)
        })
        .expect("kept with a reason");
    let found = overrides(&store);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0]["reason"], "professional_contact");
    assert_eq!(found[0]["field"], "body");
    assert_eq!(found[0]["kinds"], serde_json::json!(["street_address", "person_name"]));
    let all: String = store
        .conn()
        .query_row("SELECT group_concat(detail, ' ') FROM audit_log", [], |r| r.get(0))
        .expect("details");
    assert!(!all.contains("Janssens") && !all.contains("Kerkstraat"), "the audit log holds no text");

    // Clean text with a reason: saved, nothing to record.
    store
        .write(|w| {
            w.keep_warned_text(Some(WarningOverride::NotAPerson));
            w.add_note(id, "Belt terug over de huurwaarborg", None)
        })
        .expect("clean");
    assert_eq!(overrides(&store).len(), 1);

    // A reason does not let a blocking identifier through.
    let err = store
        .write(|w| {
            w.keep_warned_text(Some(WarningOverride::NotAPerson));
            w.add_note(id, "Bel haar op 0475 12 34 56", None)
        })
        .expect_err("a phone number is never kept");
    assert!(matches!(err, Error::Validation { .. }), "{err:?}");
}

#[test]
fn signals_and_follow_up_texts_are_checked_the_same_way() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = store_at(&dir.path().join("warn2.db"), "OCMW Test", None);
    let case = store.write(|w| w.open_case(&new_case(day(), profile("21010", &["housing"])))).expect("case");
    let id = case.summary.id;
    let signal = NewSignal { id: None, case_id: id, theme: "waiting_lists".into(), text: WARNED.into() };
    let err = store.write(|w| w.add_signal(&signal)).expect_err("signal refused");
    assert!(matches!(err, Error::IdentifierWarning { ref field, .. } if field == "text"), "{err:?}");
    store
        .write(|w| {
            w.keep_warned_text(Some(WarningOverride::OrganisationOrService));
            w.add_signal(&signal)
        })
        .expect("signal kept");

    let follow_up = NewFollowUp {
        id: None,
        case_id: id,
        referral_id: None,
        rights_check_id: None,
        due_on: day(),
        purpose: "call_back".into(),
        purpose_text: Some("geboren op 12/03/1985, attest nakijken".into()),
        assignee_id: None,
    };
    let err = store.write(|w| w.add_follow_up(&follow_up)).expect_err("follow-up refused");
    assert!(
        matches!(err, Error::IdentifierWarning { ref field, ref kinds } if field == "purpose_text" && kinds == &["date_of_birth"]),
        "{err:?}"
    );
    store
        .write(|w| {
            w.keep_warned_text(Some(WarningOverride::NotABirthDate));
            w.add_follow_up(&follow_up)
        })
        .expect("follow-up kept");
    let reasons: Vec<String> =
        overrides(&store).iter().map(|d| d["reason"].as_str().unwrap_or_default().to_owned()).collect();
    assert_eq!(reasons, ["organisation_or_service", "not_a_birth_date"]);
}
