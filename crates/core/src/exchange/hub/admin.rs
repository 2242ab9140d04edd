//! The hub administrator's calls: install or update the schema, add a partner's login role.
//! They connect with the administrator's own role (a superuser of the hub's server), over
//! TLS like every connection, and need no Schakel store.

use serde::Serialize;
use uuid::Uuid;
use zeroize::Zeroizing;

use super::conn::Conn;
use super::{HubConfig, SCHEMA_SQL};
use crate::error::{Error, Result};

/// The oldest PostgreSQL the schema runs on (`gen_random_uuid` in core).
const MIN_SERVER_VERSION: i32 = 13_00_00;

/// Shortest partner password accepted (it is a machine credential: generate it).
pub const MIN_PARTNER_PASSWORD: usize = 16;

/// What [`add_partner`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerAdded {
    /// A new login role and mailbox.
    Created,
    /// The partner was there with this role: only its password changed.
    PasswordChanged,
}

/// Installs the hub's schema, or brings it up to date (it is safe to run again), in one
/// transaction. A hub with a newer schema version is refused (`hub_refused`) unchanged.
pub fn init_hub(admin: &HubConfig) -> Result<()> {
    let mut conn = Conn::open(admin)?;
    let row = conn.call("reading the server version", async {
        conn.client.query_one("SELECT current_setting('server_version_num')::integer", &[]).await
    })?;
    let version: i32 =
        row.try_get(0).map_err(|e| Error::HubRefused(format!("unexpected server version: {e}")))?;
    if version < MIN_SERVER_VERSION {
        return Err(Error::HubRefused(format!("the hub needs PostgreSQL 13 or newer (server: {version})")));
    }
    let Conn { rt, client, call_timeout, .. } = &mut conn;
    let what = "installing the hub schema";
    let limit = *call_timeout + std::time::Duration::from_secs(5);
    let done = rt.block_on(async {
        tokio::time::timeout(limit, async {
            let tx = client.transaction().await?;
            tx.batch_execute(SCHEMA_SQL).await?;
            tx.commit().await
        })
        .await
    });
    match done {
        Err(_) => Err(Error::HubUnavailable(format!("{what}: no answer within {} s", limit.as_secs()))),
        Ok(Err(e)) => Err(super::conn::map_error(&e, what)),
        Ok(Ok(())) => Ok(()),
    }
}

/// Adds a partner to the hub: a login role `role` (member of `schakel_hub_partner`, nothing
/// else) with `password`, and a mailbox for `partner`. For a partner that is already there
/// with that role, sets the new password. Refused when the role exists and is not this
/// partner's (the hub never takes over an existing role), or the partner has another role.
/// The password leaves this process only as a SCRAM-SHA-256 verifier.
pub fn add_partner(admin: &HubConfig, partner: Uuid, role: &str, password: &str) -> Result<PartnerAdded> {
    check_role_name(role)?;
    if password.chars().count() < MIN_PARTNER_PASSWORD {
        return Err(Error::validation(
            "password",
            format!("at least {MIN_PARTNER_PASSWORD} characters (a machine credential: generate it)"),
        ));
    }
    let verifier = Zeroizing::new(postgres_protocol::password::scram_sha_256(password.as_bytes()));
    let conn = Conn::open(admin)?;
    let v: &str = &verifier;
    let row = conn.call("adding the partner", async {
        conn.client.query_one("SELECT schakel_hub.add_partner($1, $2, $3)", &[&partner, &role, &v]).await
    })?;
    let created: bool =
        row.try_get(0).map_err(|e| Error::HubRefused(format!("unexpected answer from the hub: {e}")))?;
    Ok(if created { PartnerAdded::Created } else { PartnerAdded::PasswordChanged })
}

/// Lower-case letters, digits and `_`, starting with a letter, at most 63 bytes, and not a
/// name PostgreSQL or the hub keeps for itself (the schema checks the same).
pub fn check_role_name(role: &str) -> Result<()> {
    let ok = role.len() <= 63
        && role.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
        && role.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !role.starts_with("pg_")
        && !role.starts_with("schakel_hub_");
    if ok {
        Ok(())
    } else {
        Err(Error::validation(
            "role",
            "lower-case letters, digits and _, starting with a letter, at most 63; not pg_… or schakel_hub_…",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::check_role_name;

    #[test]
    fn role_names() {
        for ok in ["caw_brussel", "ocmw1", "a"] {
            assert!(check_role_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1abc",
            "Caw",
            "caw-brussel",
            "caw brussel",
            "pg_x",
            "schakel_hub_partner",
            "x\"y",
            &"a".repeat(64),
        ] {
            assert!(check_role_name(bad).is_err(), "{bad}");
        }
    }
}
