//! Reference data: the vocabularies, for pickers and for showing names instead of codes,
//! and the partners of the network.

use std::collections::BTreeMap;

use schakel_core::partners::{NewPartner, Partner};
use schakel_core::reference::{Term, Vocab};
use tauri::AppHandle;
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::with_store;

/// Every vocabulary, keyed by its table name (`municipality`, `life_domain`, …).
#[tauri::command]
pub async fn vocabularies(app: AppHandle) -> AppResult<BTreeMap<String, Vec<Term>>> {
    with_store(app, |store| {
        let vocab = store.vocabularies();
        Ok(Vocab::ALL.into_iter().map(|v| (v.table().to_owned(), vocab.terms(v).to_vec())).collect())
    })
    .await
}

/// The partner organisations known to this store, the store's own included.
#[tauri::command]
pub async fn partners(app: AppHandle) -> AppResult<Vec<Partner>> {
    with_store(app, |store| store.partners()).await
}

/// Adds a partner organisation of the network (so referrals can go to it).
#[tauri::command]
pub async fn add_partner(app: AppHandle, input: NewPartner) -> AppResult<Uuid> {
    with_store(app, move |store| store.write(|w| w.add_partner(&input))).await
}
