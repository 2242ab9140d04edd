//! `schakel partners card | pin | rotate-key | revoke | keys`: partner identities for the
//! exchange between stores (see docs/exchange.md).

use std::path::Path;

use schakel_core::Store;
use schakel_core::exchange::{Fingerprint, IdentityCard};
use serde_json::json;

use crate::exit::{CliError, CliResult};
use crate::out::Out;

fn print_fingerprint(f: &Fingerprint) {
    println!("Fingerprint: {}", f.words_text());
    println!("         or: {}", f.hex);
}

pub fn card(store: &mut Store, out: Option<&Path>, o: Out) -> CliResult {
    let card = store.identity_card()?;
    let fingerprint = card.fingerprint()?;
    let text = serde_json::to_string_pretty(&card)
        .map_err(|e| CliError::Input(format!("cannot write the card as JSON: {e}")))?;
    match out {
        Some(file) => {
            std::fs::write(file, format!("{text}\n")).map_err(schakel_core::Error::from)?;
            o.emit(&json!({"file": file, "generation": card.generation, "fingerprint": fingerprint}), |_| {
                println!("Identity card (generation {}) written to {}.", card.generation, file.display());
                print_fingerprint(&fingerprint);
                println!("Send the file to the partner; read the words to them by phone.");
            });
        }
        None if o.json => o.emit(&json!({"card": card, "fingerprint": fingerprint}), |_| {}),
        None => {
            // The card alone on standard output (it can be redirected to a file).
            println!("{text}");
            eprintln!("Fingerprint: {}", fingerprint.words_text());
            eprintln!("         or: {}", fingerprint.hex);
        }
    }
    Ok(())
}

pub fn pin(store: &mut Store, file: &Path, words: Option<&str>, o: Out) -> CliResult {
    let text = std::fs::read_to_string(file).map_err(schakel_core::Error::from)?;
    let card: IdentityCard = serde_json::from_str(&text)
        .map_err(|e| schakel_core::Error::validation("card", format!("not a Schakel identity card: {e}")))?;
    let outcome = store.pin_partner_card(&card, words)?;
    o.emit(&outcome, |p| {
        let how = match p.how.as_str() {
            "fingerprint" => "fingerprint compared",
            "rotation" => "signed by its pinned key (rotation)",
            _ => "already pinned, nothing changed",
        };
        println!("{} (card: {}), generation {}: {how}.", p.partner_name, p.card_name, p.generation);
        print_fingerprint(&p.fingerprint);
    });
    Ok(())
}

pub fn rotate(store: &mut Store, o: Out) -> CliResult {
    let own = store.rotate_identity()?;
    o.emit(&own, |own| {
        println!(
            "New keys, generation {}; the old ones are kept to read what was sent to them.",
            own.generation
        );
        print_fingerprint(&own.fingerprint);
        println!("Send the new card (schakel partners card) to every partner.");
    });
    Ok(())
}

pub fn revoke(store: &mut Store, partner: &str, o: Out) -> CliResult {
    let p = store.find_partner(partner)?;
    let n = store.revoke_partner_card(p.id)?;
    o.emit(&json!({"partner_id": p.id, "revoked": n}), |_| {
        println!("Revoked {n} key(s) of {}: nothing signed by them is accepted any more.", p.name);
    });
    Ok(())
}

pub fn keys(store: &Store, o: Out) -> CliResult {
    let keys = store.pinned_partner_keys()?;
    o.emit(&keys, |keys| {
        for k in keys {
            let state = match (k.revoked_at, k.superseded_at) {
                (Some(_), _) => "revoked",
                (None, Some(_)) => "superseded",
                (None, None) => "current",
            };
            println!(
                "{}  gen {}  {:<10}  {}  {}",
                k.partner_id, k.generation, state, k.fingerprint.hex, k.partner_name
            );
        }
    });
    Ok(())
}
