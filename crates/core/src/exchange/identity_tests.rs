//! Partner identities: cards, fingerprints, pinning, rotation, revocation, and that the
//! private keys stay inside the encrypted store.

use std::collections::HashSet;
use std::path::Path;

use super::*;
use crate::partners::NewPartner;
use crate::store::InitStore;
use crate::test_util::{PASS, store_at};

/// A CAW's store at `dir/caw.db`.
fn caw_store(dir: &Path) -> Store {
    let init = InitStore {
        partner_kind: PartnerKind::Caw,
        partner_name: "CAW Test".into(),
        municipality: None,
        worker_name: "Medewerker CAW".into(),
    };
    Store::create(&dir.join("caw.db"), &init, PASS).expect("create").0
}

/// An OCMW's store that knows the CAW of `caw` as a partner (same id).
fn ocmw_knowing(dir: &Path, caw: &Store) -> Store {
    let mut ocmw = store_at(&dir.join("ocmw.db"), "OCMW Test", None);
    let id = caw.self_partner_id().expect("id");
    ocmw.write(|w| {
        w.add_partner(&NewPartner {
            id: Some(id),
            kind: Some(PartnerKind::Caw),
            name: "CAW bij ons".into(),
            municipality: None,
        })
    })
    .expect("add the CAW");
    ocmw
}

fn pinned_count(s: &Store) -> i64 {
    s.conn().query_row("SELECT count(*) FROM partner_key", [], |r| r.get(0)).expect("count")
}

fn audit_seq(s: &Store) -> i64 {
    crate::audit::head(s.conn()).expect("head").0
}

fn flip_b64(b64: &str, at: usize) -> String {
    let mut raw = BASE64.decode(b64.as_bytes()).expect("b64");
    raw[at] ^= 1;
    BASE64.encode(&raw)
}

/// A card with the partner id of `like` and the given keys, correctly self-signed: what
/// someone who made new keys (or wants to impersonate the partner) could produce.
fn forged_card(like: &IdentityCard, signing: &SigningKey) -> IdentityCard {
    let recipient = age::x25519::Identity::generate().to_public().to_string();
    let public = signing.verifying_key().to_bytes();
    let mut card = IdentityCard {
        age_recipient: recipient,
        ed25519_public: BASE64.encode(&public),
        generation: 1,
        previous: vec![],
        ..like.clone()
    };
    let bytes = card.signed_bytes().expect("bytes");
    card.signature = BASE64.encode(&signing.sign(&bytes).to_bytes());
    card
}

fn new_signing_key() -> SigningKey {
    SigningKey::from_bytes(&random_seed().expect("seed"))
}

#[test]
fn the_word_list_has_256_distinct_simple_words() {
    let words = fingerprint_words();
    assert_eq!(words.len(), 256);
    assert_eq!(words.iter().collect::<HashSet<_>>().len(), 256);
    let prefixes: HashSet<String> = words.iter().map(|w| w.chars().take(4).collect()).collect();
    assert_eq!(prefixes.len(), 256, "no two words alike in their first four letters");
    assert!(words.iter().all(|w| (3..=8).contains(&w.len()) && w.chars().all(|c| c.is_ascii_lowercase())));
}

#[test]
fn the_card_verifies_and_any_changed_byte_does_not() {
    let dir = tempfile::tempdir().expect("dir");
    let mut caw = caw_store(dir.path());
    let card = caw.identity_card().expect("card");
    assert_eq!(card.format, CARD_FORMAT);
    assert_eq!(card.generation, 1);
    assert_eq!(card.partner_name, "CAW Test");
    assert_eq!(card.kind, PartnerKind::Caw);
    card.verify().expect("a fresh card verifies");

    let mut bad_sig = card.clone();
    bad_sig.signature = flip_b64(&card.signature, 10);
    assert!(matches!(bad_sig.verify(), Err(Error::InvalidSignature(_))));

    let mut bad_key = card.clone();
    bad_key.ed25519_public = flip_b64(&card.ed25519_public, 3);
    assert!(matches!(bad_key.verify(), Err(Error::InvalidSignature(_) | Error::Validation { .. })));

    let mut renamed = card.clone();
    renamed.partner_name = "CAW Tesu".into();
    assert!(matches!(renamed.verify(), Err(Error::InvalidSignature(_))));

    let mut other_recipient = card.clone();
    other_recipient.age_recipient = age::x25519::Identity::generate().to_public().to_string();
    assert!(matches!(other_recipient.verify(), Err(Error::InvalidSignature(_))));

    let mut later = card.clone();
    later.created_at += 1;
    assert!(matches!(later.verify(), Err(Error::InvalidSignature(_))));

    // Every byte of the encoded card matters: flip each in turn.
    let bytes = card.signed_bytes().expect("bytes");
    let key = VerifyingKey::from_bytes(&decode_public("k", &card.ed25519_public).expect("pk")).expect("vk");
    let sig = decode_signature("s", &card.signature).expect("sig");
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 0x80;
        assert!(key.verify_strict(&b, &sig).is_err(), "byte {i}");
    }

    // The JSON round-trips; unknown fields are refused.
    let json = serde_json::to_string(&card).expect("json");
    let back: IdentityCard = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, card);
    let extra = json.replacen('{', "{\"secret\":\"x\",", 1);
    assert!(serde_json::from_str::<IdentityCard>(&extra).is_err());
}

#[test]
fn the_fingerprint_is_stable_for_a_card_and_differs_for_another() {
    let dir = tempfile::tempdir().expect("dir");
    let mut caw = caw_store(dir.path());
    let card = caw.identity_card().expect("card");
    let fp = card.fingerprint().expect("fp");
    assert_eq!(fp.words.len(), FINGERPRINT_BYTES);
    let list = fingerprint_words();
    assert!(fp.words.iter().all(|w| list.contains(&w.as_str())));
    assert_eq!(fp.hex.len(), 24, "5 groups of 4 and 4 spaces: {}", fp.hex);
    // The same card again (also after closing the store), the same words.
    assert_eq!(caw.identity_card().expect("again"), card);
    assert_eq!(caw.own_identity().expect("own").fingerprint, fp);
    drop(caw);
    let mut caw = Store::open(&dir.path().join("caw.db"), PASS).expect("open");
    assert_eq!(caw.identity_card().expect("reopened").fingerprint().expect("fp"), fp);
    // The name is signed but not fingerprinted: a renamed partner keeps its words.
    let mut renamed = card;
    renamed.partner_name = "CAW Andere Naam".into();
    assert_eq!(renamed.fingerprint().expect("fp"), fp);

    let mut ocmw = store_at(&dir.path().join("ocmw.db"), "OCMW Test", None);
    let other = ocmw.identity_card().expect("other").fingerprint().expect("fp");
    assert_ne!(other.words, fp.words);
    assert_ne!(other.hex, fp.hex);

    // What a person types: any case, commas, dashes, extra spaces; or the hex.
    assert!(fp.matches(&fp.words_text()));
    assert!(fp.matches(&format!("  {} ", fp.words.join(", ").to_uppercase())));
    assert!(fp.matches(&fp.words.join("-")));
    assert!(fp.matches(&fp.hex.to_uppercase()));
    assert!(fp.matches(&fp.hex.replace(' ', "")));
    assert!(!fp.matches(&fp.words[..9].join(" ")));
    assert!(!fp.matches(&other.words.join(" ")));
    let mut reversed = fp.words.clone();
    reversed.reverse();
    assert!(reversed == fp.words || !fp.matches(&reversed.join(" ")));
}

#[test]
fn pinning_needs_the_right_words_and_a_known_partner_and_refusals_write_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let mut caw = caw_store(dir.path());
    let card = caw.identity_card().expect("card");
    let words = card.fingerprint().expect("fp").words_text();

    // A partner this store does not know: refused with a clear error.
    let mut stranger = store_at(&dir.path().join("stranger.db"), "OCMW Elders", None);
    let before = audit_seq(&stranger);
    match stranger.pin_partner_card(&card, Some(&words)) {
        Err(Error::NotFound { entity: "partner", key }) => assert!(key.contains("add the partner"), "{key}"),
        other => panic!("{other:?}"),
    }
    assert_eq!((pinned_count(&stranger), audit_seq(&stranger)), (0, before));

    let mut ocmw = ocmw_knowing(dir.path(), &caw);
    let before = audit_seq(&ocmw);
    // Wrong words, too few words, none at all: nothing stored, nothing audited.
    let mut wrong = card.fingerprint().expect("fp").words;
    wrong[9] = if wrong[9] == "zipper" { "acorn".into() } else { "zipper".into() };
    assert!(matches!(ocmw.pin_partner_card(&card, Some(&wrong.join(" "))), Err(Error::FingerprintMismatch)));
    assert!(matches!(ocmw.pin_partner_card(&card, Some("")), Err(Error::FingerprintMismatch)));
    assert!(matches!(
        ocmw.pin_partner_card(&card, None),
        Err(Error::Validation { field, .. }) if field == "words"
    ));
    // A tampered card: refused before the words are looked at.
    let mut tampered = card.clone();
    tampered.partner_name = "CAW Vals".into();
    assert!(matches!(ocmw.pin_partner_card(&tampered, Some(&words)), Err(Error::InvalidSignature(_))));
    assert_eq!((pinned_count(&ocmw), audit_seq(&ocmw)), (0, before));

    // Its own card cannot be pinned.
    let own = ocmw.identity_card().expect("own card");
    let own_words = own.fingerprint().expect("fp").words_text();
    assert!(matches!(ocmw.pin_partner_card(&own, Some(&own_words)), Err(Error::Validation { .. })));

    // The right words, as read out on the phone.
    let pinned = ocmw.pin_partner_card(&card, Some(&words.to_uppercase())).expect("pin");
    assert_eq!(pinned.how, "fingerprint");
    assert_eq!(pinned.partner_name, "CAW bij ons");
    assert_eq!(pinned.card_name, "CAW Test");
    assert_eq!(pinned_count(&ocmw), 1);
    // Again: nothing changes.
    let seq = audit_seq(&ocmw);
    assert_eq!(ocmw.pin_partner_card(&card, Some(&words)).expect("again").how, "unchanged");
    assert_eq!((pinned_count(&ocmw), audit_seq(&ocmw)), (1, seq));

    let keys = ocmw.pinned_partner_keys().expect("keys");
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].ed25519_public, card.ed25519_public);
    assert_eq!(keys[0].age_recipient, card.age_recipient);
    assert_eq!(keys[0].fingerprint.words_text(), words);
    let actions: Vec<String> = ocmw.audit_entries(10).expect("audit").into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"partner.pin".to_owned()), "{actions:?}");
    let caw_actions: Vec<String> =
        caw.audit_entries(10).expect("audit").into_iter().map(|e| e.action).collect();
    assert!(caw_actions.contains(&"identity.create".to_owned()), "{caw_actions:?}");
    assert_eq!(caw_actions.iter().filter(|a| *a == "identity.create").count(), 1);
    drop(caw);
}

#[test]
fn a_different_key_for_a_pinned_partner_is_refused_unless_the_pinned_key_vouched_for_it() {
    let dir = tempfile::tempdir().expect("dir");
    let mut caw = caw_store(dir.path());
    let card = caw.identity_card().expect("card");
    let mut ocmw = ocmw_knowing(dir.path(), &caw);
    ocmw.pin_partner_card(&card, Some(&card.fingerprint().expect("fp").words_text())).expect("pin");

    // Someone else's keys under the CAW's id, self-signed and read out correctly: refused.
    let forged = forged_card(&card, &new_signing_key());
    forged.verify().expect("the forgery is well-formed");
    let forged_words = forged.fingerprint().expect("fp").words_text();
    let seq = audit_seq(&ocmw);
    assert!(matches!(ocmw.pin_partner_card(&forged, Some(&forged_words)), Err(Error::KeyConflict(_))));
    assert_eq!((pinned_count(&ocmw), audit_seq(&ocmw)), (1, seq));

    // The CAW rotates: its old key vouches for the new one, accepted without words.
    let rotated = caw.rotate_identity().expect("rotate");
    assert_eq!(rotated.generation, 2);
    let card2 = caw.identity_card().expect("card 2");
    assert_eq!(card2.generation, 2);
    assert_eq!(card2.previous.len(), 1);
    assert_eq!(card2.previous[0].ed25519_public, card.ed25519_public);
    card2.verify().expect("verifies");
    assert_ne!(card2.fingerprint().expect("fp"), card.fingerprint().expect("fp"));
    let out = ocmw.pin_partner_card(&card2, None).expect("rotation accepted");
    assert_eq!((out.how.as_str(), out.generation), ("rotation", 2));
    let keys = ocmw.pinned_partner_keys().expect("keys");
    assert_eq!(keys.len(), 2);
    assert!(keys[0].superseded_at.is_some() && keys[1].superseded_at.is_none());
    assert_eq!(keys[1].how, "rotation");

    // The old card cannot come back.
    assert!(matches!(ocmw.pin_partner_card(&card, None), Err(Error::KeyConflict(_))));

    // Two more rotations: the chain from the pinned generation 2 to 4 is followed.
    caw.rotate_identity().expect("3");
    caw.rotate_identity().expect("4");
    let card4 = caw.identity_card().expect("card 4");
    assert_eq!(card4.previous.iter().map(|p| p.generation).collect::<Vec<_>>(), [1, 2, 3]);
    // A broken link anywhere in the chain refuses the card.
    let mut broken = card4.clone();
    broken.previous[2].next_signature = flip_b64(&card4.previous[2].next_signature, 5);
    assert!(matches!(ocmw.pin_partner_card(&broken, None), Err(Error::InvalidSignature(_))));
    let mut swapped = card4.clone();
    swapped.previous[1].age_recipient = age::x25519::Identity::generate().to_public().to_string();
    assert!(matches!(swapped.verify(), Err(Error::InvalidSignature(_))));
    // A forged current key appended to the real chain: the last vouch does not cover it.
    let mut grafted = forged_card(&card4, &new_signing_key());
    grafted.generation = 4;
    grafted.previous = card4.previous.clone();
    let signing = new_signing_key();
    grafted.ed25519_public = BASE64.encode(&signing.verifying_key().to_bytes());
    grafted.signature = BASE64.encode(&signing.sign(&grafted.signed_bytes().expect("b")).to_bytes());
    assert!(matches!(grafted.verify(), Err(Error::InvalidSignature(_))));
    assert_eq!(ocmw.pin_partner_card(&card4, None).expect("4").how, "rotation");

    // The own side keeps every generation; the old secrets are still there, retired.
    let rows: Vec<(u32, Option<i64>, Option<Vec<u8>>)> = caw
        .conn()
        .prepare("SELECT generation, retired_at, next_vouch FROM own_identity_key ORDER BY generation")
        .expect("q")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("q")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert_eq!(rows.len(), 4);
    assert!(rows[..3].iter().all(|(_, retired, vouch)| retired.is_some() && vouch.is_some()));
    assert!(rows[3].1.is_none());
    // Keys cannot be changed or deleted in SQL either.
    assert!(caw.conn().execute("DELETE FROM own_identity_key WHERE generation = 1", []).is_err());
    assert!(
        caw.conn()
            .execute("UPDATE own_identity_key SET ed25519_secret = zeroblob(32) WHERE generation = 4", [])
            .is_err()
    );
    assert!(
        caw.conn().execute("UPDATE own_identity_key SET retired_at = 1 WHERE generation = 1", []).is_err()
    );
    let actions: Vec<String> = caw.audit_entries(20).expect("audit").into_iter().map(|e| e.action).collect();
    assert_eq!(actions.iter().filter(|a| *a == "identity.rotate").count(), 3);
}

#[test]
fn a_rotation_needs_an_identity_and_a_first_pin_of_a_rotated_card_needs_words() {
    let dir = tempfile::tempdir().expect("dir");
    let mut caw = caw_store(dir.path());
    assert!(matches!(caw.rotate_identity(), Err(Error::NotFound { .. })));
    caw.own_identity().expect("made");
    caw.rotate_identity().expect("rotated");
    let card = caw.identity_card().expect("card");
    let mut ocmw = ocmw_knowing(dir.path(), &caw);
    assert!(matches!(ocmw.pin_partner_card(&card, None), Err(Error::Validation { .. })));
    let out = ocmw.pin_partner_card(&card, Some(&card.fingerprint().expect("fp").hex)).expect("pin by hex");
    assert_eq!((out.how.as_str(), out.generation), ("fingerprint", 2));
}

#[test]
fn a_revoked_partner_is_marked_and_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let mut caw = caw_store(dir.path());
    let card = caw.identity_card().expect("card");
    let words = card.fingerprint().expect("fp").words_text();
    let caw_id = card.partner_id;
    let mut ocmw = ocmw_knowing(dir.path(), &caw);
    assert!(matches!(ocmw.revoke_partner_card(caw_id), Err(Error::NotFound { .. })));
    assert!(matches!(ocmw.verify_from_partner(caw_id, b"m", &[0; 64]), Err(Error::NotFound { .. })));
    ocmw.pin_partner_card(&card, Some(&words)).expect("pin");

    // Signed by the CAW's key: accepted; anything else: refused.
    let message = b"an envelope, later";
    let signed = own_signing_key(caw.conn(), 1).expect("key").sign(message).to_bytes();
    assert_eq!(ocmw.verify_from_partner(caw_id, message, &signed).expect("ok"), 1);
    assert!(matches!(ocmw.verify_from_partner(caw_id, b"another", &signed), Err(Error::InvalidSignature(_))));
    let by_other = new_signing_key().sign(message).to_bytes();
    assert!(matches!(ocmw.verify_from_partner(caw_id, message, &by_other), Err(Error::InvalidSignature(_))));

    assert_eq!(ocmw.revoke_partner_card(caw_id).expect("revoke"), 1);
    let keys = ocmw.pinned_partner_keys().expect("keys");
    assert!(keys.iter().all(|k| k.revoked_at.is_some()));
    assert!(matches!(ocmw.verify_from_partner(caw_id, message, &signed), Err(Error::PartnerRevoked(_))));
    // The revoked key cannot be pinned again, nor a rotation from it.
    assert!(matches!(ocmw.pin_partner_card(&card, Some(&words)), Err(Error::PartnerRevoked(_))));
    caw.rotate_identity().expect("rotate");
    let card2 = caw.identity_card().expect("card 2");
    assert!(matches!(ocmw.pin_partner_card(&card2, None), Err(Error::Validation { .. })));
    // New keys compared again by phone: a fresh start.
    let words2 = card2.fingerprint().expect("fp").words_text();
    assert_eq!(ocmw.pin_partner_card(&card2, Some(&words2)).expect("re-pin").how, "fingerprint");
    let signed2 = own_signing_key(caw.conn(), 2).expect("key").sign(message).to_bytes();
    assert_eq!(ocmw.verify_from_partner(caw_id, message, &signed2).expect("ok"), 2);
    assert!(matches!(ocmw.verify_from_partner(caw_id, message, &signed), Err(Error::InvalidSignature(_))));
    let actions: Vec<String> = ocmw.audit_entries(20).expect("audit").into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"partner.revoke".to_owned()), "{actions:?}");
}

/// The private halves of every own generation: the age identity text, and the Ed25519
/// seed raw, in hex and in base64.
fn secrets(s: &Store) -> Vec<(String, Vec<u8>)> {
    let rows: Vec<(String, Vec<u8>)> = s
        .conn()
        .prepare("SELECT age_identity, ed25519_secret FROM own_identity_key")
        .expect("q")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("q")
        .collect::<rusqlite::Result<_>>()
        .expect("rows");
    assert!(!rows.is_empty());
    let mut out = Vec::new();
    for (age, seed) in rows {
        assert!(age.starts_with("AGE-SECRET-KEY-1"));
        out.push(("age identity".into(), age.as_bytes().to_vec()));
        // Bech32 is case-insensitive: look for the lowercase form too.
        out.push(("age identity (lowercase)".into(), age.to_lowercase().into_bytes()));
        out.push(("ed25519 seed (hex)".into(), HEXLOWER.encode(&seed).into_bytes()));
        out.push(("ed25519 seed (base64)".into(), BASE64.encode(&seed).into_bytes()));
        out.push(("ed25519 seed".into(), seed));
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn private_keys_never_leave_through_a_read_and_are_not_in_the_files_in_the_clear() {
    let dir = tempfile::tempdir().expect("dir");
    let mut caw = caw_store(dir.path());
    let card1 = caw.identity_card().expect("card");
    caw.rotate_identity().expect("rotate");
    let card2 = caw.identity_card().expect("card 2");
    let mut ocmw = ocmw_knowing(dir.path(), &caw);
    ocmw.pin_partner_card(&card1, Some(&card1.fingerprint().expect("fp").words_text())).expect("pin");
    ocmw.pin_partner_card(&card2, None).expect("rotation");

    let mut said = Vec::new();
    for s in [&mut caw, &mut ocmw] {
        said.push(serde_json::to_string(&s.identity_card().expect("card")).expect("json"));
        said.push(serde_json::to_string(&s.own_identity().expect("own")).expect("json"));
        said.push(serde_json::to_string(&s.pinned_partner_keys().expect("keys")).expect("json"));
        said.push(serde_json::to_string(&s.audit_entries(100).expect("audit")).expect("json"));
    }
    said.push(format!("{card1:?} {card2:?}"));
    let caw_secrets = secrets(&caw);
    let all_secrets: Vec<_> = caw_secrets.iter().chain(secrets(&ocmw).iter()).cloned().collect();
    for text in &said {
        for (what, secret) in &all_secrets {
            assert!(!contains(text.as_bytes(), secret), "{what} in a read");
        }
    }

    // The database, its WAL and shared memory while open, then the file after a checkpoint.
    let scan = |s: &Store, secrets: &[(String, Vec<u8>)]| {
        for f in s.paths().database_files() {
            let Ok(bytes) = std::fs::read(&f) else { continue };
            for (what, secret) in secrets {
                assert!(!contains(&bytes, secret), "{what} in {}", f.display());
            }
        }
        let keys = std::fs::read(&s.paths().keys).expect("key file");
        for (what, secret) in secrets {
            assert!(!contains(&keys, secret), "{what} in the key file");
        }
    };
    scan(&caw, &caw_secrets);
    caw.checkpoint().expect("checkpoint");
    scan(&caw, &caw_secrets);

    // Control: the same scan finds a secret where it is in the clear.
    let plain = dir.path().join("plain.bin");
    std::fs::write(&plain, [b"xx".as_slice(), &caw_secrets[4].1, b"yy"].concat()).expect("write");
    assert!(contains(&std::fs::read(&plain).expect("read"), &caw_secrets[4].1));
}
