//! The users of the store (admin): list, add with a first passphrase, change roles,
//! remove. Core checks the permission, the passphrase's strength and that one admin
//! always stays; removing a user deletes their key slot (and core rotates the data key).

use schakel_core::access::Role;
use schakel_core::users::{NewUser, User};
use tauri::AppHandle;
use uuid::Uuid;
use zeroize::Zeroize;

use crate::error::AppResult;
use crate::state::with_store;

#[tauri::command]
pub async fn list_users(app: AppHandle) -> AppResult<Vec<User>> {
    with_store(app, |store| store.users()).await
}

/// Adds a user with roles and a first passphrase; the new user's id.
#[tauri::command]
pub async fn add_user(app: AppHandle, input: NewUser) -> AppResult<Uuid> {
    with_store(app, move |store| {
        let mut input = input;
        let result = store.add_user(&input);
        input.passphrase.zeroize();
        result
    })
    .await
}

#[tauri::command]
pub async fn set_user_roles(app: AppHandle, worker: Uuid, roles: Vec<Role>) -> AppResult<()> {
    with_store(app, move |store| store.set_roles(worker, &roles)).await
}

#[tauri::command]
pub async fn remove_user(app: AppHandle, worker: Uuid) -> AppResult<()> {
    with_store(app, move |store| store.remove_user(worker)).await
}
