//! `schakel users`: the people who may unlock the store, and their roles.

use std::path::Path;

use schakel_core::access::Role;
use schakel_core::users::NewUser;
use serde_json::json;

use crate::args::UsersCmd;
use crate::exit::CliResult;
use crate::out::Out;

fn roles(names: &[String]) -> CliResult<Vec<Role>> {
    Ok(names.iter().map(|r| Role::parse("role", r)).collect::<Result<_, _>>()?)
}

pub fn run(path: &Path, c: UsersCmd, o: Out) -> CliResult {
    let mut store = super::open(path)?;
    match c {
        UsersCmd::List => {
            let users = store.users()?;
            o.emit(&users, |us| {
                for u in us {
                    let roles: Vec<&str> = u.roles.iter().map(|r| r.as_str()).collect();
                    let state = match (u.active, u.can_unlock) {
                        (false, _) => " (removed)",
                        (true, false) => " (cannot unlock)",
                        _ => "",
                    };
                    println!(
                        "{}  {:<28} {}{}{}",
                        u.id,
                        u.display_name,
                        roles.join(","),
                        state,
                        if u.is_me { "  ← you" } else { "" }
                    );
                }
            });
        }
        UsersCmd::Add { name, roles: names } => {
            let roles = roles(&names)?;
            let passphrase = crate::secret::changed_passphrase()?;
            let id =
                store.add_user(&NewUser { display_name: name, roles, passphrase: passphrase.to_string() })?;
            o.emit(&json!({"id": id}), |_| println!("User {id} added. Hand the passphrase over in person; they change it with `schakel passphrase`."));
        }
        UsersCmd::Roles { user, roles: names } => {
            let id = super::uuid_arg("user", &user)?;
            store.set_roles(id, &roles(&names)?)?;
            o.emit(&json!({"id": id, "roles": names}), |_| println!("Roles of {id} changed."));
        }
        UsersCmd::Remove { user } => {
            let id = super::uuid_arg("user", &user)?;
            store.remove_user(id)?;
            o.emit(&json!({"removed": id, "key_rotated": true}), |_| {
                println!(
                    "User {id} removed: their passphrase no longer opens this store, and the \
                     database was re-encrypted with a new key."
                )
            });
        }
        UsersCmd::RotateKey => {
            store.rotate_data_key()?;
            o.emit(&json!({"key_rotated": true}), |_| {
                println!("The database was re-encrypted with a new key; every passphrase still works.")
            });
        }
    }
    Ok(())
}
