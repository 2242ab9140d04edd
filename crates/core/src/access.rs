//! Who may do what. Every user of a store has one or more roles; every call into core
//! that reads or writes data first asks [`Store::require`] (or the writer's twin) for the
//! permission it needs. The UI hides what a role cannot use, but the rule lives here.
//!
//! | Role | May |
//! |---|---|
//! | caseworker | the cases of their own organisation: read, register, refer, rights, follow-ups, notes, signals |
//! | coordinator | referral-time figures and pseudonymous case lists across partners; never a case's notes or details |
//! | exporter | anonymised monthly statistics (aggregates only) |
//! | admin | users and their roles, settings and partners, the audit log, imports, backups |
//!
//! Caseworkers, coordinators and admins may exchange bundles with partners in other stores.
//!
//! Anyone unlocked may read the reference lists, the partner list, their own session and
//! change their own passphrase.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Caseworker,
    Coordinator,
    Exporter,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Caseworker, Role::Coordinator, Role::Exporter, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Caseworker => "caseworker",
            Role::Coordinator => "coordinator",
            Role::Exporter => "exporter",
            Role::Admin => "admin",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim()).ok_or_else(|| {
            Error::validation(field, format!("'{s}' is not caseworker, coordinator, exporter or admin"))
        })
    }

    fn bit(self) -> u8 {
        match self {
            Role::Caseworker => 1,
            Role::Coordinator => 2,
            Role::Exporter => 4,
            Role::Admin => 8,
        }
    }
}

/// A set of roles (stored as `admin,caseworker`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Roles(u8);

impl Roles {
    pub const EVERY: Roles = Roles(15);

    pub fn of(roles: &[Role]) -> Roles {
        Roles(roles.iter().fold(0, |b, r| b | r.bit()))
    }

    pub fn has(self, r: Role) -> bool {
        self.0 & r.bit() != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn list(self) -> Vec<Role> {
        Role::ALL.into_iter().filter(|r| self.has(*r)).collect()
    }

    /// The stored form: role names joined by commas, in a fixed order.
    pub fn to_stored(self) -> String {
        self.list().iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")
    }

    /// Reads the stored form; unknown names are a damaged store.
    pub fn from_stored(s: &str) -> Result<Roles> {
        let mut roles = Vec::new();
        for part in s.split(',').filter(|p| !p.is_empty()) {
            roles.push(
                Role::parse("roles", part)
                    .map_err(|_| Error::StoreCorrupt(format!("unknown role '{part}'")))?,
            );
        }
        Ok(Roles::of(&roles))
    }

    pub fn allows(self, p: Permission) -> bool {
        p.granted_by().iter().any(|r| self.has(*r))
    }
}

impl Serialize for Roles {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.list().serialize(s)
    }
}

/// What a call needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Read and write the cases of one's own organisation.
    CaseWork,
    /// Pseudonymous case lists (codes and profile fields, no notes) across partners.
    CaseLists,
    /// Referral-time figures across partners.
    ReferralFigures,
    /// Anonymised statistics.
    Statistics,
    /// Users and their roles.
    ManageUsers,
    /// Settings, partners and projects.
    ManageSettings,
    /// The audit log.
    Audit,
    /// Imports, demo data, store checks and backups.
    Maintenance,
    /// Referrals between partners in different stores: bundles out and in, the hub.
    Exchange,
}

impl Permission {
    pub const ALL: [Permission; 9] = [
        Permission::CaseWork,
        Permission::CaseLists,
        Permission::ReferralFigures,
        Permission::Statistics,
        Permission::ManageUsers,
        Permission::ManageSettings,
        Permission::Audit,
        Permission::Maintenance,
        Permission::Exchange,
    ];

    pub fn granted_by(self) -> &'static [Role] {
        match self {
            Permission::CaseWork => &[Role::Caseworker],
            Permission::CaseLists => &[Role::Caseworker, Role::Coordinator],
            Permission::ReferralFigures => &[Role::Coordinator],
            Permission::Statistics => &[Role::Exporter],
            Permission::Exchange => &[Role::Caseworker, Role::Coordinator, Role::Admin],
            Permission::ManageUsers
            | Permission::ManageSettings
            | Permission::Audit
            | Permission::Maintenance => &[Role::Admin],
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::CaseWork => "case_work",
            Permission::CaseLists => "case_lists",
            Permission::ReferralFigures => "referral_figures",
            Permission::Statistics => "statistics",
            Permission::ManageUsers => "manage_users",
            Permission::ManageSettings => "manage_settings",
            Permission::Audit => "audit",
            Permission::Maintenance => "maintenance",
            Permission::Exchange => "exchange",
        }
    }
}

/// `Err(Forbidden)` unless `roles` grant `p`.
pub fn require(roles: Roles, p: Permission) -> Result<()> {
    if roles.allows(p) { Ok(()) } else { Err(Error::Forbidden { permission: p.as_str() }) }
}

/// Case work on a case owned by `owner`: the worker's own organisation only.
pub fn require_case(actor: crate::store::Actor, owner: uuid::Uuid) -> Result<()> {
    require(actor.roles, Permission::CaseWork)?;
    if owner != actor.partner_id {
        return Err(Error::Forbidden { permission: "case_of_another_partner" });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_stored_form() {
        let r = Roles::of(&[Role::Admin, Role::Caseworker]);
        assert_eq!(r.to_stored(), "caseworker,admin");
        assert_eq!(Roles::from_stored("caseworker,admin").expect("roles"), r);
        assert!(Roles::from_stored("caseworker,boss").is_err());
        assert!(Roles::EVERY.list().len() == 4);
    }
}
