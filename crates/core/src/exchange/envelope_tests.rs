//! Envelopes: sealed for the recipients only, opened once, and every kind of tampering,
//! misaddressing or unknown sender refused with nothing written.

use super::*;
use crate::partners::PartnerKind;
use crate::test_util::network;

const PAYLOAD: &[u8] = b"{\"referral\":\"canary-payload-7d1e\"}";

fn three(dir: &std::path::Path) -> (Store, Store, Store) {
    let mut s = network(
        dir,
        &[
            (PartnerKind::Ocmw, "OCMW Test"),
            (PartnerKind::Caw, "CAW Test"),
            (PartnerKind::Other, "Coordinatie"),
        ],
    );
    let coord = s.pop().expect("coord");
    let caw = s.pop().expect("caw");
    let ocmw = s.pop().expect("ocmw");
    (ocmw, caw, coord)
}

fn inbox_rows(s: &Store) -> i64 {
    s.conn().query_row("SELECT count(*) FROM envelope_inbox", [], |r| r.get(0)).expect("count")
}

fn flip(b64: &str, at: usize) -> String {
    let mut raw = BASE64.decode(b64.as_bytes()).expect("b64");
    let at = at % raw.len();
    raw[at] ^= 0x01;
    BASE64.encode(&raw)
}

#[test]
fn a_sealed_envelope_opens_once_for_its_recipient_and_hides_the_payload() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut ocmw, mut caw, _coord) = three(dir.path());
    let caw_id = caw.self_partner_id().expect("id");
    let env = ocmw.seal_envelope(&[caw_id], PAYLOAD).expect("seal");
    assert_eq!(env.recipients, vec![caw_id]);
    let json = serde_json::to_string(&env).expect("json");
    assert!(!json.contains("canary-payload"), "the payload travels encrypted");

    let opened = caw.open_envelope(&env).expect("open");
    assert_eq!(opened.payload, PAYLOAD);
    assert_eq!(opened.sender, ocmw.self_partner_id().expect("id"));
    assert!(!opened.already_seen);
    assert_eq!(inbox_rows(&caw), 1);

    // A replay: recognised, nothing new written.
    let again = caw.open_envelope(&env).expect("open again");
    assert!(again.already_seen);
    assert_eq!(inbox_rows(&caw), 1);
}

#[test]
fn an_envelope_for_another_partner_is_refused_even_by_a_pinned_store() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut ocmw, caw, mut coord) = three(dir.path());
    let caw_id = caw.self_partner_id().expect("id");
    let env = ocmw.seal_envelope(&[caw_id], PAYLOAD).expect("seal");
    let e = coord.open_envelope(&env).unwrap_err();
    assert_eq!(e.kind(), crate::error::ErrorKind::WrongRecipient, "{e}");

    // Claiming the coordinator as a recipient breaks the signature, and it cannot decrypt.
    let mut forged = env.clone();
    forged.recipients = {
        let mut r = vec![caw_id, coord.self_partner_id().expect("id")];
        r.sort();
        r
    };
    let e = coord.open_envelope(&forged).unwrap_err();
    assert_eq!(e.kind(), crate::error::ErrorKind::InvalidSignature, "{e}");
    assert_eq!(inbox_rows(&coord), 0);
    assert_eq!(inbox_rows(&caw), 0);
}

#[test]
fn tampered_unsigned_and_unknown_envelopes_are_refused_with_nothing_written() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut ocmw, mut caw, _coord) = three(dir.path());
    let caw_id = caw.self_partner_id().expect("id");
    let env = ocmw.seal_envelope(&[caw_id], PAYLOAD).expect("seal");
    let kind = |caw: &mut Store, e: &Envelope| caw.open_envelope(e).unwrap_err().kind();
    use crate::error::ErrorKind as K;

    // Every byte region of the body, the signature, and each header field.
    let body_len = BASE64.decode(env.body.as_bytes()).expect("b64").len();
    for at in [0, 20, body_len / 2, body_len - 1] {
        let e = Envelope { body: flip(&env.body, at), ..env.clone() };
        assert_eq!(kind(&mut caw, &e), K::InvalidSignature, "body byte {at}");
    }
    let e = Envelope { signature: flip(&env.signature, 5), ..env.clone() };
    assert_eq!(kind(&mut caw, &e), K::InvalidSignature);
    let e = Envelope { created_at: env.created_at + 1, ..env.clone() };
    assert_eq!(kind(&mut caw, &e), K::InvalidSignature);
    let e = Envelope { id: Uuid::now_v7(), ..env.clone() };
    assert_eq!(kind(&mut caw, &e), K::InvalidSignature);
    // Unsigned: an empty or zero signature.
    let e = Envelope { signature: String::new(), ..env.clone() };
    assert_eq!(kind(&mut caw, &e), K::InvalidSignature);
    let e = Envelope { signature: BASE64.encode(&[0u8; 64]), ..env.clone() };
    assert_eq!(kind(&mut caw, &e), K::InvalidSignature);
    // Not base64 at all.
    let e = Envelope { body: "***".into(), ..env.clone() };
    assert_eq!(kind(&mut caw, &e), K::Validation);
    // A sender nobody pinned, and a generation that is not pinned.
    let e = Envelope { sender: Uuid::now_v7(), ..env.clone() };
    assert_eq!(kind(&mut caw, &e), K::UnknownSender);
    let e = Envelope { sender_generation: 2, ..env.clone() };
    assert_eq!(kind(&mut caw, &e), K::InvalidSignature);
    // Another format.
    let e = Envelope { format: "schakel-envelope-v0".into(), ..env.clone() };
    assert_eq!(kind(&mut caw, &e), K::Validation);
    assert_eq!(inbox_rows(&caw), 0, "no refusal wrote anything");

    // The original still opens afterwards.
    assert_eq!(caw.open_envelope(&env).expect("open").payload, PAYLOAD);
}

#[test]
fn a_body_re_signed_by_someone_else_is_refused_inside() {
    // Someone who can sign as the OCMW's outer layer cannot exist without its key; but a
    // recipient that re-wraps another envelope's body under a new header fails the inner
    // signature, which binds the header to the plaintext.
    let dir = tempfile::tempdir().expect("dir");
    let (mut ocmw, mut caw, _coord) = three(dir.path());
    let caw_id = caw.self_partner_id().expect("id");
    let a = ocmw.seal_envelope(&[caw_id], PAYLOAD).expect("seal a");
    let b = ocmw.seal_envelope(&[caw_id], b"other").expect("seal b");
    // b's header with a's body and signature: the outer signature does not cover it.
    let mixed = Envelope { body: a.body, signature: a.signature, ..b };
    assert_eq!(caw.open_envelope(&mixed).unwrap_err().kind(), crate::error::ErrorKind::InvalidSignature);
    assert_eq!(inbox_rows(&caw), 0);
}

#[test]
fn a_revoked_sender_is_refused_and_the_same_id_with_other_content_is_a_conflict() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut ocmw, mut caw, _coord) = three(dir.path());
    let caw_id = caw.self_partner_id().expect("id");
    let ocmw_id = ocmw.self_partner_id().expect("id");
    let a = ocmw.seal_envelope(&[caw_id], PAYLOAD).expect("seal");
    caw.open_envelope(&a).expect("open");

    // The inbox keeps the digest: a row under a's id with another digest is a conflict.
    caw.conn().execute_batch("DROP TRIGGER envelope_inbox_no_update").expect("test only: allow the update");
    caw.conn()
        .execute("UPDATE envelope_inbox SET digest = zeroblob(32) WHERE id = ?1", [a.id])
        .expect("update");
    assert_eq!(caw.open_envelope(&a).unwrap_err().kind(), crate::error::ErrorKind::Conflict);

    caw.revoke_partner_card(ocmw_id).expect("revoke");
    let b = ocmw.seal_envelope(&[caw_id], PAYLOAD).expect("seal");
    assert_eq!(caw.open_envelope(&b).unwrap_err().kind(), crate::error::ErrorKind::PartnerRevoked);
}

#[test]
fn an_envelope_sealed_before_a_rotation_still_opens_and_one_after_uses_the_new_key() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut ocmw, mut caw, _coord) = three(dir.path());
    let caw_id = caw.self_partner_id().expect("id");
    let before = ocmw.seal_envelope(&[caw_id], b"before").expect("seal");
    caw.rotate_identity().expect("rotate");
    // The OCMW still has generation 1 of the CAW pinned: it seals to it, and the CAW, which
    // keeps its retired identity, opens it.
    let after = ocmw.seal_envelope(&[caw_id], b"after").expect("seal");
    assert_eq!(caw.open_envelope(&before).expect("open").payload, b"before");
    assert_eq!(caw.open_envelope(&after).expect("open").payload, b"after");

    // The OCMW rotates: its next envelopes are signed by generation 2, which the CAW does not
    // know until it pins the new card (a rotation, no words needed).
    ocmw.rotate_identity().expect("rotate");
    let signed2 = ocmw.seal_envelope(&[caw_id], b"gen2").expect("seal");
    assert_eq!(signed2.sender_generation, 2);
    assert_eq!(caw.open_envelope(&signed2).unwrap_err().kind(), crate::error::ErrorKind::InvalidSignature);
    let card = ocmw.identity_card().expect("card");
    caw.pin_partner_card(&card, None).expect("pin the rotation");
    assert_eq!(caw.open_envelope(&signed2).expect("open").payload, b"gen2");
}

#[test]
fn sealing_needs_pinned_recipients_and_refuses_its_own_partner() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut ocmw, _caw, _coord) = three(dir.path());
    let me = ocmw.self_partner_id().expect("id");
    use crate::error::ErrorKind as K;
    assert_eq!(ocmw.seal_envelope(&[], PAYLOAD).unwrap_err().kind(), K::Validation);
    assert_eq!(ocmw.seal_envelope(&[me], PAYLOAD).unwrap_err().kind(), K::Validation);
    assert_eq!(ocmw.seal_envelope(&[Uuid::now_v7()], PAYLOAD).unwrap_err().kind(), K::NotFound);
}
