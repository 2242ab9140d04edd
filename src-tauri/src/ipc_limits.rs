//! Bounds on what the web view may send in one command, checked before the command runs.
//!
//! Core has its own limits where they are rules (a note holds at most 4,000 characters, a
//! signal 500, …). These are coarser and only about size: no string longer than
//! [`MAX_STRING_CHARS`], no list longer than [`MAX_LIST_ITEMS`], no more than
//! [`MAX_PAYLOAD_BYTES`] of text in one call, no nesting deeper than [`MAX_DEPTH`]. An
//! enormous note, passphrase or list is refused with a typed `validation` error naming the
//! field, before it reaches the identifier check, zxcvbn, Argon2 or SQLite, instead of
//! keeping a thread busy or memory full. Our UI never comes near them.
//!
//! The web view has already parsed the call's JSON by then, so these bounds do not protect
//! against a huge request as such (the web view is our own code, under a strict CSP);
//! they keep one from travelling further.

use serde_json::Value;
use tauri::Runtime;
use tauri::ipc::{Invoke, InvokeBody};

use crate::error::AppError;

/// The longest string accepted anywhere in a call (characters). The longest free text
/// core keeps is a note of 4,000.
pub const MAX_STRING_CHARS: usize = 16 * 1024;
/// The most items in any list (life domains, roles, …).
pub const MAX_LIST_ITEMS: usize = 1000;
/// The most bytes of text (keys and strings together) or raw bytes in one call.
pub const MAX_PAYLOAD_BYTES: usize = 1024 * 1024;
/// The deepest nesting of objects and lists.
pub const MAX_DEPTH: usize = 16;

/// Wraps the generated command handler: a call over the bounds is answered with a typed
/// error and never reaches its command.
pub fn guard<R: Runtime>(
    handler: impl Fn(Invoke<R>) -> bool + Send + Sync + 'static,
) -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static {
    move |invoke: Invoke<R>| {
        if let Err(e) = check(invoke.message.payload()) {
            // The command's name only: never the content.
            log::info!("command refused before it ran: {} (too large)", invoke.message.command());
            invoke.resolver.reject(e);
            return true;
        }
        handler(invoke)
    }
}

/// Whether a call's arguments are within the bounds; the error names the field.
pub fn check(body: &InvokeBody) -> Result<(), AppError> {
    match body {
        InvokeBody::Raw(bytes) if bytes.len() > MAX_PAYLOAD_BYTES => {
            Err(too_large("payload", format!("at most {MAX_PAYLOAD_BYTES} bytes")))
        }
        InvokeBody::Raw(_) => Ok(()),
        InvokeBody::Json(value) => {
            let mut budget = MAX_PAYLOAD_BYTES;
            walk(value, "arguments", 0, &mut budget)
        }
    }
}

fn too_large(field: &str, reason: impl std::fmt::Display) -> AppError {
    AppError::Core(schakel_core::Error::validation(field, format!("too large: {reason}")))
}

fn spend(budget: &mut usize, bytes: usize) -> Result<(), AppError> {
    *budget = budget.checked_sub(bytes).ok_or_else(|| {
        too_large("payload", format!("at most {MAX_PAYLOAD_BYTES} bytes of text in one call"))
    })?;
    Ok(())
}

/// `field` is the nearest object key above `value`: what the error names.
fn walk(value: &Value, field: &str, depth: usize, budget: &mut usize) -> Result<(), AppError> {
    if depth > MAX_DEPTH {
        return Err(too_large(field, format!("nested more than {MAX_DEPTH} deep")));
    }
    match value {
        Value::String(s) => {
            // Bytes bound characters from above: count only when it could matter.
            if s.len() > MAX_STRING_CHARS && s.chars().count() > MAX_STRING_CHARS {
                return Err(too_large(field, format!("at most {MAX_STRING_CHARS} characters")));
            }
            spend(budget, s.len())
        }
        Value::Array(items) => {
            if items.len() > MAX_LIST_ITEMS {
                return Err(too_large(field, format!("at most {MAX_LIST_ITEMS} items")));
            }
            spend(budget, items.len())?;
            items.iter().try_for_each(|v| walk(v, field, depth + 1, budget))
        }
        Value::Object(map) => {
            if map.len() > MAX_LIST_ITEMS {
                return Err(too_large(field, format!("at most {MAX_LIST_ITEMS} fields")));
            }
            map.iter().try_for_each(|(k, v)| {
                spend(budget, k.len())?;
                walk(v, k, depth + 1, budget)
            })
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use serde_json::json;

    use super::*;

    fn refused(v: Value) -> serde_json::Value {
        let e = check(&InvokeBody::Json(v)).expect_err("over the bounds");
        serde_json::to_value(e).unwrap()
    }

    #[test]
    fn ordinary_calls_pass() {
        let note = "Belt morgen terug. ".repeat(200);
        let calls = [
            json!({"caseId": "0190a0c0-0000-7000-8000-000000000000", "body": note, "keepBecause": null}),
            json!({"input": {"lifeDomains": ["housing", "debts", "income"], "municipality": "21004"}}),
            json!({"passphrase": "groene fiets onder de kanaalbrug"}),
            json!({}),
        ];
        for c in calls {
            assert!(check(&InvokeBody::Json(c)).is_ok());
        }
        assert!(check(&InvokeBody::Raw(vec![0; 1000])).is_ok());
    }

    #[test]
    fn an_enormous_note_is_a_validation_error_on_its_field() {
        let r = refused(json!({"caseId": "x", "body": "a".repeat(MAX_STRING_CHARS + 1)}));
        assert_eq!(r["kind"], "validation");
        assert_eq!(r["field"], "body");
        // Characters, not bytes: 16,384 two-byte characters pass.
        assert!(check(&InvokeBody::Json(json!({"body": "é".repeat(MAX_STRING_CHARS)}))).is_ok());
        let r = refused(json!({"input": {"caseId": "x", "text": "b".repeat(100_000)}}));
        assert_eq!(r["field"], "text");
    }

    #[test]
    fn an_enormous_passphrase_is_refused_before_zxcvbn_or_argon2() {
        let long = "woord ".repeat(3000);
        assert_eq!(refused(json!({"passphrase": long}))["field"], "passphrase");
        assert_eq!(refused(json!({"recoveryKey": long, "newPassphrase": "x"}))["field"], "recoveryKey");
        assert_eq!(refused(json!({"oldPassphrase": long, "newPassphrase": "x"}))["field"], "oldPassphrase");
        assert_eq!(refused(json!({"oldPassphrase": "x", "newPassphrase": long}))["field"], "newPassphrase");
        assert_eq!(refused(json!({"input": {"passphrase": long}}))["field"], "passphrase");
    }

    #[test]
    fn long_lists_deep_nesting_and_large_totals_are_refused() {
        let r = refused(json!({"input": {"lifeDomains": vec!["housing"; MAX_LIST_ITEMS + 1]}}));
        assert_eq!(r["field"], "lifeDomains");
        let mut deep = json!("x");
        for _ in 0..=MAX_DEPTH {
            deep = json!([deep]);
        }
        assert_eq!(refused(json!({ "roles": deep }))["kind"], "validation");
        // Many strings each under the bound, too much together.
        let many: Vec<String> = (0..MAX_LIST_ITEMS).map(|_| "c".repeat(MAX_STRING_CHARS / 8)).collect();
        let r = refused(json!({ "a": many, "b": many }));
        assert_eq!(r["field"], "payload");
        let r = check(&InvokeBody::Raw(vec![0; MAX_PAYLOAD_BYTES + 1])).unwrap_err();
        assert_eq!(serde_json::to_value(r).unwrap()["field"], "payload");
    }

    #[test]
    fn the_message_never_repeats_the_value() {
        let r = refused(json!({"body": "geheim ".repeat(5000)}));
        assert!(!r["message"].as_str().unwrap().contains("geheim"), "{r}");
    }

    /// What the bounds are for: the slowest work a string up to them can cause stays short.
    #[test]
    fn text_up_to_the_bounds_is_checked_quickly() {
        let words = ["fiets", "kanaal", "brug", "Jan", "rue", "12", "Gent", "0470", "de", "mevrouw"];
        let text: String =
            (0..MAX_STRING_CHARS).map(|i| words[i % words.len()]).collect::<Vec<_>>().join(" ");
        let text: String = text.chars().take(MAX_STRING_CHARS).collect();
        let start = Instant::now();
        let _ = schakel_core::privacy::identifiers::find_all(&text);
        let checked = start.elapsed();
        let start = Instant::now();
        let _ = schakel_core::store::passphrase_strength(&text);
        let scored = start.elapsed();
        eprintln!("{MAX_STRING_CHARS} characters: identifier check {checked:?}, zxcvbn {scored:?}");
        // Unoptimised test builds: generous, yet far from a hang.
        assert!(checked < Duration::from_secs(5), "{checked:?}");
        assert!(scored < Duration::from_secs(5), "{scored:?}");
    }
}
