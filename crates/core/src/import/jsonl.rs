//! The record file (JSONL): a versioned header line, then one record of any type per
//! line. Checks the header and each record's type, fields and ids, then applies it.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{
    ImportSummary, JSONL_VERSION, PROGRESS_EVERY, Problems, RowError, bump, classify, conclude, decode,
    fast_then_careful, retry_row_by_row, to_u64, with_import_cache,
};
use crate::cases::NewCase;
use crate::error::{Error, ImportProblem, Result};
use crate::follow_ups::NewFollowUp;
use crate::partners::{NewPartner, NewProject};
use crate::referrals::{Applied, NewEvent, NewReferral};
use crate::rights::{NewRightsCheck, RightStep};
use crate::signals::NewSignal;
use crate::store::{Store, Writer};

/// Every record type of a record file and the fields it may have (besides `type`).
pub(super) const JSONL_TYPES: [(&str, &[&str]); 11] = [
    ("partner", &["id", "kind", "name", "municipality"]),
    ("project", &["id", "code", "name", "starts_on", "ends_on"]),
    (
        "case",
        &[
            "id",
            "code",
            "opened_on",
            "owner_partner_id",
            "owner_worker_id",
            "entry_route",
            "municipality",
            "age_band",
            "household_type",
            "gender",
            "contact_language",
            "interpreter",
            "residence_status",
            "life_domains",
            "project",
            "closed_on",
        ],
    ),
    ("note", &["id", "case_id", "case_code", "body"]),
    (
        "referral",
        &["id", "case_id", "case_code", "to_partner_id", "outside_service", "life_domain", "mode", "project"],
    ),
    ("referral_event", &["id", "referral_id", "kind", "occurred_on", "partner_id", "worker_id", "reason"]),
    (
        "rights_check",
        &["id", "case_id", "case_code", "right", "step", "on", "non_take_up_reason", "barrier_type"],
    ),
    ("rights_step", &["rights_check_id", "step", "on"]),
    (
        "follow_up",
        &[
            "id",
            "case_id",
            "case_code",
            "referral_id",
            "rights_check_id",
            "due_on",
            "purpose",
            "purpose_text",
            "assignee_id",
        ],
    ),
    ("follow_up_done", &["follow_up_id", "on"]),
    ("signal", &["id", "case_id", "case_code", "theme", "text"]),
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoteRecord {
    #[serde(default)]
    id: Option<Uuid>,
    case_id: Uuid,
    body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RightsStepRecord {
    rights_check_id: Uuid,
    step: RightStep,
    on: NaiveDate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowUpDoneRecord {
    follow_up_id: Uuid,
    on: NaiveDate,
}

/// One parsed record, ready to apply.
enum Record {
    Partner(NewPartner),
    Project(NewProject),
    Case(Box<NewCase>, Option<NaiveDate>),
    Note(NoteRecord),
    Referral(NewReferral),
    Event(NewEvent),
    RightsCheck(NewRightsCheck, Option<String>, Option<String>),
    RightsStep(RightsStepRecord),
    FollowUp(NewFollowUp),
    FollowUpDone(FollowUpDoneRecord),
    Signal(NewSignal),
}

enum Outcome {
    Created,
    AlreadyPresent,
}

/// Checks the header line; `Err` is the reason to report.
fn check_jsonl_header(line: &str) -> std::result::Result<(), String> {
    const EXPECTED: &str = r#"the first line must be the header {"schakel":"records","version":1}"#;
    let v: Value = serde_json::from_str(line).map_err(|_| EXPECTED.to_owned())?;
    let Some(obj) = v.as_object() else {
        return Err(EXPECTED.to_owned());
    };
    if obj.get("schakel").and_then(Value::as_str) != Some("records") {
        return Err(if obj.contains_key("type") {
            format!("the file has no header: {EXPECTED}")
        } else {
            EXPECTED.to_owned()
        });
    }
    match obj.get("version").and_then(Value::as_u64) {
        Some(JSONL_VERSION) => Ok(()),
        Some(n) if n > JSONL_VERSION => Err(format!(
            "the file has version {n}; this version of Schakel reads record files up to version {JSONL_VERSION}: update Schakel"
        )),
        _ => Err(format!("the header's version must be a whole number from 1 to {JSONL_VERSION}")),
    }
}

/// serde_json's message without its " at line 1 column N" (the line is ours).
fn json_message(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &msg[..i], e.column()),
        None => msg,
    }
}

/// Imports a record file. See `docs/import.md`.
pub fn import_jsonl(
    store: &mut Store,
    data: &[u8],
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ImportSummary> {
    let total = to_u64(data.len());
    let text = decode(data)?;
    let bom = data.len() - text.len();
    let mut lines = text
        .split_inclusive('\n')
        .scan(bom, |offset, raw| {
            let start = *offset;
            *offset += raw.len();
            Some((start, raw.trim_end_matches(['\n', '\r'])))
        })
        .enumerate()
        .map(|(i, (off, l))| (i + 1, off, l))
        .filter(|(_, _, l)| !l.trim().is_empty());
    let Some((header_line, _, header)) = lines.next() else {
        return Err(Error::validation("file", "the file is empty"));
    };
    check_jsonl_header(header)
        .map_err(|reason| Error::Import(vec![ImportProblem { line: header_line, reason }]))?;
    progress(0, total);
    let lines: Vec<(usize, usize, &str)> = lines.collect();
    let summary = with_import_cache(store, |store| {
        fast_then_careful(|careful| {
            store.write(|w| {
                w.audit_each = false; // one audit entry for the whole import, below
                // Records kept elsewhere before: second-level warnings are not asked row by row.
                w.warnings = crate::privacy::WarningPolicy::Accept;
                w.row_savepoints = careful;
                let mut summary = ImportSummary { format: "jsonl", ..ImportSummary::default() };
                let mut problems = Problems::default();
                for &(line, offset, text) in &lines {
                    summary.rows += 1;
                    match jsonl_row(w, text) {
                        Ok((kind, Outcome::Created)) => bump(&mut summary, kind, 1),
                        Ok((_, Outcome::AlreadyPresent)) => summary.already_present += 1,
                        Err(RowError::Problem(_)) if !careful => return Err(retry_row_by_row()),
                        Err(RowError::Problem(reason)) => problems.push(line, reason),
                        Err(RowError::Fatal(e)) => return Err(e),
                    }
                    if summary.rows.is_multiple_of(PROGRESS_EVERY) {
                        progress(to_u64(offset).min(total), total);
                    }
                }
                w.audit_summary(
                    crate::audit::AuditAction::Import,
                    serde_json::json!({"format": "jsonl", "rows": summary.rows}),
                )?;
                conclude(summary, problems, "records")
            })
        })
    })?;
    progress(total, total);
    Ok(summary)
}

/// Checks, parses and applies one record line.
fn jsonl_row(w: &mut Writer<'_>, line: &str) -> std::result::Result<(&'static str, Outcome), RowError> {
    let value: Value =
        serde_json::from_str(line).map_err(|e| format!("not valid JSON: {}", json_message(&e)))?;
    let Value::Object(mut obj) = value else {
        return Err("a record must be a JSON object {\"type\": ...}".to_owned().into());
    };
    let ty = match obj.remove("type") {
        Some(Value::String(t)) => t,
        Some(_) => return Err("type: must be a string".to_owned().into()),
        None => return Err("missing field `type`".to_owned().into()),
    };
    let Some(&(kind, allowed)) = JSONL_TYPES.iter().find(|(name, _)| *name == ty) else {
        let known: Vec<&str> = JSONL_TYPES.iter().map(|t| t.0).collect();
        return Err(format!("unknown type '{ty}' (known: {})", known.join(", ")).into());
    };
    let mut unknown: Vec<&str> = obj.keys().map(String::as_str).filter(|k| !allowed.contains(k)).collect();
    if !unknown.is_empty() {
        unknown.sort_unstable();
        return Err(format!("{kind}: unknown field(s) {}", unknown.join(", ")).into());
    }
    // Record ids are UUID v7; say so plainly rather than as a deserialisation error.
    for (key, val) in &obj {
        if (key == "id" || key.ends_with("_id"))
            && let Value::String(s) = val
        {
            crate::ids::parse_id(key, s).map_err(|e| format!("{kind}: {e}"))?;
        }
    }
    if allowed.contains(&"case_code") {
        resolve_case_code(w, &mut obj).map_err(|e| match classify(e, &str::to_owned) {
            RowError::Problem(p) => RowError::Problem(format!("{kind}: {p}")),
            fatal @ RowError::Fatal(_) => fatal,
        })?;
    }
    let record = parse_record(kind, obj).map_err(|e| format!("{kind}: {}", json_message(&e)))?;
    let outcome =
        w.savepoint(|w| apply_record(w, record)).map_err(|e| match classify(e, &str::to_owned) {
            RowError::Problem(p) => RowError::Problem(format!("{kind}: {p}")),
            fatal @ RowError::Fatal(_) => fatal,
        })?;
    Ok((kind, outcome))
}

/// Replaces `case_code` by the `case_id` of that case.
fn resolve_case_code(w: &Writer<'_>, obj: &mut Map<String, Value>) -> Result<()> {
    let code = obj.remove("case_code");
    match (obj.contains_key("case_id"), code) {
        (true, Some(_)) => Err(Error::validation("case_code", "give case_id or case_code, not both")),
        (false, Some(Value::String(code))) => {
            let id = w.import_case_by_code(&code)?;
            obj.insert("case_id".into(), Value::String(id.to_string()));
            Ok(())
        }
        (false, Some(_)) => Err(Error::validation("case_code", "must be a string")),
        (false, None) => Err(Error::validation("case_id", "give case_id or case_code")),
        (true, None) => Ok(()),
    }
}

fn take_string(
    obj: &mut Map<String, Value>,
    key: &str,
) -> std::result::Result<Option<String>, serde_json::Error> {
    obj.remove(key).map(serde_json::from_value::<Option<String>>).transpose().map(Option::flatten)
}

fn take_date(
    obj: &mut Map<String, Value>,
    key: &str,
) -> std::result::Result<Option<NaiveDate>, serde_json::Error> {
    obj.remove(key).map(serde_json::from_value::<Option<NaiveDate>>).transpose().map(Option::flatten)
}

fn parse_record(kind: &str, mut obj: Map<String, Value>) -> std::result::Result<Record, serde_json::Error> {
    use serde_json::from_value as from;
    Ok(match kind {
        "partner" => Record::Partner(from(Value::Object(obj))?),
        "project" => Record::Project(from(Value::Object(obj))?),
        "case" => {
            let closed_on = take_date(&mut obj, "closed_on")?;
            Record::Case(Box::new(from(Value::Object(obj))?), closed_on)
        }
        "note" => Record::Note(from(Value::Object(obj))?),
        "referral" => Record::Referral(from(Value::Object(obj))?),
        "referral_event" => Record::Event(from(Value::Object(obj))?),
        "rights_check" => {
            let reason = take_string(&mut obj, "non_take_up_reason")?;
            let barrier = take_string(&mut obj, "barrier_type")?;
            Record::RightsCheck(from(Value::Object(obj))?, reason, barrier)
        }
        "rights_step" => Record::RightsStep(from(Value::Object(obj))?),
        "follow_up" => Record::FollowUp(from(Value::Object(obj))?),
        "follow_up_done" => Record::FollowUpDone(from(Value::Object(obj))?),
        // Only the kinds of JSONL_TYPES reach here.
        _ => Record::Signal(from(Value::Object(obj))?),
    })
}

fn apply_record(w: &mut Writer<'_>, record: Record) -> Result<Outcome> {
    match record {
        Record::Partner(p) => {
            w.add_partner(&p)?;
        }
        Record::Project(p) => {
            w.add_project(&p)?;
        }
        Record::Case(c, closed_on) => {
            if let Some(id) = c.id
                && w.import_case_id_taken(id)?
            {
                return Err(Error::Conflict(format!(
                    "case {id} is already in the store; a case is imported once"
                )));
            }
            let case = w.open_case(&c)?;
            if let Some(on) = closed_on {
                w.close_case(case.summary.id, on)?;
            }
        }
        Record::Note(n) => {
            w.add_note(n.case_id, &n.body, n.id)?;
        }
        Record::Referral(r) => {
            w.create_referral(&r)?;
        }
        Record::Event(e) => {
            if w.record_event(&e)? == Applied::AlreadyPresent {
                return Ok(Outcome::AlreadyPresent);
            }
        }
        Record::RightsCheck(r, reason, barrier) => {
            let id = w.add_rights_check(&r)?;
            if reason.is_some() || barrier.is_some() {
                w.set_non_take_up(id, reason.as_deref(), barrier.as_deref())?;
            }
        }
        Record::RightsStep(s) => w.set_right_step(s.rights_check_id, s.step, s.on)?,
        Record::FollowUp(f) => {
            w.add_follow_up(&f)?;
        }
        Record::FollowUpDone(d) => w.complete_follow_up(d.follow_up_id, d.on)?,
        Record::Signal(s) => {
            w.add_signal(&s)?;
        }
    }
    Ok(Outcome::Created)
}
