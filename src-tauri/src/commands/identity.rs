//! This store's identity for the exchange, for administrators: the card (exported to a file
//! the user chooses) with its fingerprint as words, hex and a QR code; pinning a partner's
//! card from a file with the words the partner read out; pinned keys and their revocation;
//! the network's coordinator.

use schakel_core::exchange::{Fingerprint, IdentityCard};
use serde::Serialize;
use tauri::AppHandle;
use uuid::Uuid;

use crate::dialogs;
use crate::error::{AppError, AppResult};
use crate::state::{blocking, with_store};

/// A card is a few kilobytes; anything much larger is not one.
const MAX_CARD_BYTES: u64 = 256 * 1024;

/// A fingerprint as people compare it.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct FingerprintView {
    pub words: Vec<String>,
    /// Five groups of four hex digits.
    pub hex: String,
}

impl From<&Fingerprint> for FingerprintView {
    fn from(f: &Fingerprint) -> Self {
        FingerprintView { words: f.words.clone(), hex: f.hex.clone() }
    }
}

/// A QR code as rows of modules (`1` dark, `0` light), drawn by the UI as SVG.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct QrModules {
    pub size: u32,
    pub rows: Vec<String>,
}

/// This store's card, as an administrator shows it to partners.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct OwnCard {
    pub partner_id: Uuid,
    pub partner_name: String,
    pub generation: u32,
    pub fingerprint: FingerprintView,
    /// The QR code of `schakel-fingerprint:<partner id>:<hex>`.
    pub qr: QrModules,
}

/// What pinning a partner's card did.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PinResult {
    /// The card file's name.
    pub file: String,
    pub partner_id: Uuid,
    pub partner_name: String,
    /// The name the card gives itself.
    pub card_name: String,
    pub generation: u32,
    /// `fingerprint`, `rotation` or `unchanged`.
    pub how: String,
    pub fingerprint: FingerprintView,
}

/// A partner's pinned key, public parts only.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PinnedKeyView {
    pub partner_id: Uuid,
    pub partner_name: String,
    pub generation: u32,
    pub how: String,
    #[ts(type = "number")]
    pub pinned_at: i64,
    #[ts(type = "number | null")]
    pub superseded_at: Option<i64>,
    #[ts(type = "number | null")]
    pub revoked_at: Option<i64>,
    pub fingerprint: FingerprintView,
}

/// The QR modules of `text` (medium error correction).
pub fn qr_modules(text: &str) -> Option<QrModules> {
    let qr = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).ok()?;
    let size = qr.size();
    let rows =
        (0..size).map(|y| (0..size).map(|x| if qr.get_module(x, y) { '1' } else { '0' }).collect()).collect();
    Some(QrModules { size: u32::try_from(size).ok()?, rows })
}

fn card_qr_text(partner_id: Uuid, f: &Fingerprint) -> String {
    format!("schakel-fingerprint:{partner_id}:{}", f.hex.replace(' ', ""))
}

/// This store's card (made the first time it is asked for).
#[tauri::command]
pub async fn own_card(app: AppHandle) -> AppResult<OwnCard> {
    with_store(app, |store| {
        let card = store.identity_card()?;
        let fingerprint = card.fingerprint()?;
        let qr = qr_modules(&card_qr_text(card.partner_id, &fingerprint))
            .ok_or_else(|| schakel_core::Error::validation("qr", "the fingerprint does not fit a QR code"))?;
        Ok(OwnCard {
            partner_id: card.partner_id,
            partner_name: card.partner_name,
            generation: card.generation,
            fingerprint: (&fingerprint).into(),
            qr,
        })
    })
    .await
}

/// Writes this store's card where the user chooses. The file's name, or `None` when cancelled.
#[tauri::command]
pub async fn export_own_card(app: AppHandle) -> AppResult<Option<String>> {
    let card = with_store(app.clone(), |store| store.identity_card()).await?;
    let text = serde_json::to_string_pretty(&card)
        .map_err(|e| AppError::Core(schakel_core::Error::validation("card", e.to_string())))?;
    let suggested = format!("schakel-kaart-{}.json", schakel_core::exchange::file_slug(&card.partner_name));
    let dialog_app = app.clone();
    blocking(app, move |_| {
        let Some(path) = dialogs::save_path(&dialog_app, &suggested, "Schakel card", "json")? else {
            return Ok(None);
        };
        std::fs::write(&path, format!("{text}\n")).map_err(schakel_core::Error::from)?;
        log::info!("identity card exported");
        Ok(Some(dialogs::file_name(&path)))
    })
    .await
}

/// Pins a partner's card from a file the user picks, with the fingerprint words (or hex)
/// the partner read out. `None` when the dialog was cancelled. The core checks the card's
/// signatures, then the words (`fingerprint_mismatch`); a refusal stores nothing.
#[tauri::command]
pub async fn pin_partner_card(app: AppHandle, words: String) -> AppResult<Option<PinResult>> {
    with_store(app.clone(), |store| store.require(schakel_core::access::Permission::ManageSettings)).await?;
    let dialog_app = app.clone();
    let Some(paths) =
        blocking(app.clone(), move |_| dialogs::open_paths(&dialog_app, "Schakel card", &["json"], false))
            .await?
    else {
        return Ok(None);
    };
    let Some(path) = paths.into_iter().next() else { return Ok(None) };
    let file = dialogs::file_name(&path);
    let text = dialogs::read_small_text(&path, "card", MAX_CARD_BYTES)?;
    let card: IdentityCard = serde_json::from_str(&text).map_err(|_| {
        AppError::Core(schakel_core::Error::validation("card", "not a Schakel identity card"))
    })?;
    let words = words.trim().to_owned();
    let outcome = with_store(app, move |store| {
        store.pin_partner_card(&card, (!words.is_empty()).then_some(words.as_str()))
    })
    .await?;
    log::info!("partner card pinned: {}", outcome.how);
    Ok(Some(PinResult {
        file,
        partner_id: outcome.partner_id,
        partner_name: outcome.partner_name,
        card_name: outcome.card_name,
        generation: outcome.generation,
        how: outcome.how,
        fingerprint: (&outcome.fingerprint).into(),
    }))
}

/// Every key pinned in this store.
#[tauri::command]
pub async fn pinned_keys(app: AppHandle) -> AppResult<Vec<PinnedKeyView>> {
    with_store(app, |store| {
        Ok(store
            .pinned_partner_keys()?
            .into_iter()
            .map(|k| PinnedKeyView {
                fingerprint: (&k.fingerprint).into(),
                partner_id: k.partner_id,
                partner_name: k.partner_name,
                generation: k.generation,
                how: k.how,
                pinned_at: k.pinned_at,
                superseded_at: k.superseded_at,
                revoked_at: k.revoked_at,
            })
            .collect())
    })
    .await
}

/// Revokes every key pinned for a partner; how many.
#[tauri::command]
pub async fn revoke_partner_keys(app: AppHandle, partner: Uuid) -> AppResult<u32> {
    with_store(app, move |store| {
        store.revoke_partner_card(partner).map(|n| u32::try_from(n).unwrap_or(u32::MAX))
    })
    .await
}

#[tauri::command]
pub async fn exchange_coordinator(app: AppHandle) -> AppResult<Option<Uuid>> {
    with_store(app, |store| store.exchange_coordinator()).await
}

/// Sets (or with `None` clears) the network's coordinator.
#[tauri::command]
pub async fn set_exchange_coordinator(app: AppHandle, partner: Option<Uuid>) -> AppResult<()> {
    with_store(app, move |store| store.set_exchange_coordinator(partner)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_fits_a_small_qr_code() {
        let qr = qr_modules("schakel-fingerprint:0193a0c0-0000-7000-8000-000000000000:9a1c44f0a1b2c3d4e5f6")
            .expect("qr");
        assert!(qr.size >= 21 && qr.size <= 45, "{}", qr.size);
        assert_eq!(qr.rows.len(), qr.size as usize);
        assert!(
            qr.rows.iter().all(|r| r.len() == qr.size as usize && r.chars().all(|c| c == '0' || c == '1'))
        );
        // The finder pattern's corner is dark.
        assert!(qr.rows[0].starts_with("1111111"));
    }

    #[test]
    fn suggested_names_are_plain() {
        assert_eq!(schakel_core::exchange::file_slug("CAW Brussel (Noord)"), "CAW-Brussel-Noord");
        assert_eq!(schakel_core::exchange::file_slug("OCMW Sint-Gillis"), "OCMW-Sint-Gillis");
    }
}
