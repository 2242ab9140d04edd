//! The shell's security configuration, checked on every test run so a change to it is a
//! decision, not an accident: the main window's capability grants exactly our commands
//! (as `build.rs` declares them) plus listening to our events and notifications; the CSP
//! allows no remote origin, no eval and no plugin objects; no global Tauri object, no
//! devtools in a release build.

use std::collections::BTreeSet;

use serde_json::Value;

const CAPABILITY: &str = include_str!("../capabilities/main.json");
const BUILD_RS: &str = include_str!("../build.rs");
const CONF: &str = include_str!("../tauri.conf.json");
const MANIFEST: &str = include_str!("../Cargo.toml");

/// What the UI may use besides our commands: `listen`/`unlisten` for `auto-locked` and
/// `reminder`, and desktop notifications. No file system, shell, dialogs, HTTP, window or
/// path APIs: the shell opens the dialogs itself.
const PLATFORM_PERMISSIONS: &[&str] =
    &["core:event:allow-listen", "core:event:allow-unlisten", "notification:default"];

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The command names between `const COMMANDS: &[&str] = &[` and `];` in build.rs.
fn declared_commands() -> BTreeSet<String> {
    let start = BUILD_RS.find("const COMMANDS: &[&str] = &[").unwrap();
    let end = start + BUILD_RS[start..].find("];").unwrap();
    BUILD_RS[start..end].split('"').skip(1).step_by(2).map(str::to_owned).collect()
}

#[test]
fn the_main_window_may_call_exactly_our_commands_and_events() {
    let cap = json(CAPABILITY);
    assert_eq!(cap["windows"], serde_json::json!(["main"]));
    assert!(cap.get("remote").is_none(), "no remote URL may reach the IPC");
    let granted: BTreeSet<String> =
        cap["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_owned()).collect();
    let mut expected: BTreeSet<String> =
        declared_commands().iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
    assert!(expected.len() > 30, "build.rs lists the commands: {expected:?}");
    expected.extend(PLATFORM_PERMISSIONS.iter().map(|p| (*p).to_owned()));
    let missing: Vec<_> = expected.difference(&granted).collect();
    let extra: Vec<_> = granted.difference(&expected).collect();
    assert!(missing.is_empty() && extra.is_empty(), "missing: {missing:?}; not ours to grant: {extra:?}");
}

#[test]
fn the_web_view_is_locked_down() {
    let conf = json(CONF);
    let app = &conf["app"];
    assert_eq!(app["withGlobalTauri"], false);
    let security = &app["security"];
    assert_eq!(security["freezePrototype"], true);
    for key in ["dangerousRemoteDomainIpcAccess", "assetProtocol", "headers"] {
        assert!(security.get(key).is_none(), "{key} is set");
    }
    // Inline styles only (Svelte's style attributes); nothing else loosened.
    assert_eq!(security["dangerousDisableAssetCspModification"], serde_json::json!(["style-src"]));
    let csp = security["csp"].as_str().unwrap();
    for needed in [
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'none'",
    ] {
        assert!(csp.contains(needed), "the CSP lacks {needed}: {csp}");
    }
    let tokens: Vec<&str> = csp.split(';').flat_map(str::split_whitespace).collect();
    for loose in
        ["'unsafe-eval'", "'wasm-unsafe-eval'", "https:", "http:", "ws:", "wss:", "*", "blob:", "filesystem:"]
    {
        assert!(!tokens.contains(&loose), "the CSP allows {loose}: {csp}");
    }
    // The only non-self origin is the IPC endpoint.
    let remote: Vec<&str> = tokens.iter().copied().filter(|t| t.contains("://")).collect();
    assert_eq!(remote, ["http://ipc.localhost"], "{csp}");
    for window in app["windows"].as_array().unwrap() {
        assert!(window.get("devtools").is_none_or(|d| d == false), "devtools in the window config");
    }
}

#[test]
fn no_devtools_or_other_risky_tauri_features_in_a_release_build() {
    // Tauri opens devtools only in debug builds unless the `devtools` feature is on.
    let line = MANIFEST.lines().find(|l| l.starts_with("tauri =")).unwrap();
    assert_eq!(line, r#"tauri = { version = "2", features = [] }"#);
}
