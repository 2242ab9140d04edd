//! Partner identities through the CLI: the CAW writes its card, the OCMW pins it with the
//! fingerprint words read out by phone, accepts the CAW's rotated card, and revokes it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use schakel_tests::{TestStore, assert_exit, assert_ok};

fn caw() -> TestStore {
    let t = TestStore::empty();
    assert_ok(&t.run(&[
        "init",
        "--partner-kind",
        "caw",
        "--partner-name",
        "CAW Brussel",
        "--worker",
        "Tester CAW",
    ]));
    t
}

#[test]
fn a_card_travels_from_one_store_to_another_and_is_pinned_with_its_fingerprint() {
    let caw = caw();
    let ocmw = TestStore::init();
    let file = caw.dir.path().join("caw-card.json");
    let file_arg = file.to_str().unwrap();

    // The CAW's card, in a file and on standard output: the same card.
    let written = caw.json(&["partners", "card", "--out", file_arg]);
    let words = written["fingerprint"]["words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    assert_eq!(words.split(' ').count(), 10, "{written}");
    let card_text = std::fs::read_to_string(&file).unwrap();
    let card: serde_json::Value = serde_json::from_str(&card_text).unwrap();
    assert_eq!(card["partner_name"], "CAW Brussel");
    assert_eq!(card["generation"], 1);
    assert!(!card_text.contains("AGE-SECRET-KEY") && !card_text.to_lowercase().contains("secret"));
    let printed = caw.run(&["partners", "card"]);
    assert_ok(&printed);
    let printed_card: serde_json::Value = serde_json::from_slice(&printed.stdout).unwrap();
    assert_eq!(printed_card, card);
    assert!(String::from_utf8_lossy(&printed.stderr).contains(&words), "the words go to standard error");

    // The OCMW does not know the CAW yet: a clear refusal.
    let partner_id = card["partner_id"].as_str().unwrap();
    let unknown = ocmw.run(&["partners", "pin", file_arg, "--words", &words]);
    assert!(assert_exit(&unknown, 9).contains("add the partner"));
    assert_ok(&ocmw.run(&["partners", "add", "--kind", "caw", "--name", "CAW Brussel", "--id", partner_id]));

    // Wrong words, and no words: refused, nothing pinned.
    let wrong = words.replacen(words.split(' ').next().unwrap(), "nonsense", 1);
    assert_exit(&ocmw.run(&["partners", "pin", file_arg, "--words", &wrong]), 20);
    assert_exit(&ocmw.run(&["partners", "pin", file_arg]), 8);
    // A changed card: its signature no longer verifies.
    let tampered_file = ocmw.dir.path().join("tampered.json");
    std::fs::write(&tampered_file, card_text.replace("CAW Brussel", "CAW Brussels")).unwrap();
    let tampered = ocmw.run(&["partners", "pin", tampered_file.to_str().unwrap(), "--words", &words]);
    assert_exit(&tampered, 19);
    assert_eq!(ocmw.json(&["partners", "keys"]).as_array().unwrap().len(), 0);

    // The words as someone types them from the phone call.
    let pinned =
        ocmw.json(&["partners", "pin", file_arg, "--words", &words.to_uppercase().replace(' ', ", ")]);
    assert_eq!(pinned["how"], "fingerprint", "{pinned}");
    assert_eq!(pinned["partner_id"], partner_id);
    let keys = ocmw.json(&["partners", "keys"]);
    assert_eq!(keys.as_array().unwrap().len(), 1);
    assert_eq!(keys[0]["ed25519_public"], card["ed25519_public"]);

    // The CAW rotates its keys; the new card is signed by the old key: no words needed.
    let rotated = caw.json(&["partners", "rotate-key"]);
    assert_eq!(rotated["generation"], 2);
    let file2 = caw.dir.path().join("caw-card-2.json");
    caw.json(&["partners", "card", "--out", file2.to_str().unwrap()]);
    let accepted = ocmw.json(&["partners", "pin", file2.to_str().unwrap()]);
    assert_eq!(accepted["how"], "rotation", "{accepted}");
    assert_eq!(accepted["generation"], 2);
    // The old card cannot replace it again.
    assert_exit(&ocmw.run(&["partners", "pin", file_arg]), 21);

    // Revoked: marked, and the card is refused from then on.
    let revoked = ocmw.json(&["partners", "revoke", "CAW Brussel"]);
    assert_eq!(revoked["revoked"], 2);
    let keys = ocmw.json(&["partners", "keys"]);
    assert!(keys.as_array().unwrap().iter().all(|k| !k["revoked_at"].is_null()), "{keys}");
    assert_exit(&ocmw.run(&["partners", "pin", file2.to_str().unwrap()]), 22);

    let audit = ocmw.json(&["audit", "list", "--limit", "50"]);
    let actions: Vec<&str> = audit
        .as_array()
        .or_else(|| audit["entries"].as_array())
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(actions.iter().filter(|a| **a == "partner.pin").count(), 2, "{actions:?}");
    assert_eq!(actions.iter().filter(|a| **a == "partner.revoke").count(), 1, "{actions:?}");
}
