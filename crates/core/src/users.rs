//! The people who may unlock a store: each is a worker of the store's organisation with
//! roles (see `access`) and a key slot of their own in the key file. An admin adds them
//! with a first passphrase (they change it after their first unlock), changes their
//! roles, and removes them: their slot is deleted, so their passphrase no longer opens
//! the store; the worker record stays because records name who did what.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::access::{Permission, Role, Roles};
use crate::audit::AuditAction;
use crate::error::{Error, Result};
use crate::keys::{KeyFile, SlotKind};
use crate::store::Store;

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct User {
    pub id: Uuid,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub active: bool,
    /// Has a passphrase slot (can unlock the store).
    pub can_unlock: bool,
    /// The unlocked user.
    pub is_me: bool,
}

#[derive(Debug, Clone, Deserialize, ts_rs::TS)]
#[ts(export)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    pub display_name: String,
    pub roles: Vec<Role>,
    /// A first passphrase, handed over in person; the user changes it.
    pub passphrase: String,
}

impl Store {
    /// The users of this store's organisation.
    pub fn users(&self) -> Result<Vec<User>> {
        self.require(Permission::ManageUsers)?;
        let keyfile = KeyFile::read(&self.paths().keys)?;
        let me = self.actor();
        let mut stmt = self.conn().prepare_cached(
            "SELECT id, display_name, roles, active FROM worker WHERE owner_partner_id = ?1 ORDER BY display_name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([me.partner_id], |r| {
            Ok((r.get::<_, Uuid>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, bool>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, display_name, roles, active) = row?;
            out.push(User {
                id,
                display_name,
                roles: Roles::from_stored(&roles)?.list(),
                active,
                can_unlock: keyfile
                    .slots
                    .iter()
                    .any(|s| s.kind == SlotKind::Passphrase && s.worker_id == Some(id)),
                is_me: id == me.worker_id,
            });
        }
        Ok(out)
    }

    /// Adds a user with roles and a first passphrase (its own key slot).
    pub fn add_user(&mut self, u: &NewUser) -> Result<Uuid> {
        self.require(Permission::ManageUsers)?;
        let name = crate::privacy::check_name("display_name", &u.display_name)?;
        let roles = Roles::of(&u.roles);
        if roles.is_empty() {
            return Err(Error::validation("roles", "a user needs at least one role"));
        }
        crate::store::check_passphrase_strength(&u.passphrase)?;
        let partner = self.actor().partner_id;
        let id = self.write(|w| {
            let id = w.add_worker(partner, name)?;
            w.conn.execute("UPDATE worker SET roles = ?1 WHERE id = ?2", (roles.to_stored(), id))?;
            w.audit_event(AuditAction::UserAdded, "worker", id, serde_json::json!({"roles": roles.list()}))?;
            Ok(id)
        })?;
        let mut keyfile = KeyFile::read(&self.paths().keys)?;
        keyfile.set_passphrase(id, &u.passphrase, self.data_key())?;
        keyfile.write(&self.paths().keys)?;
        Ok(id)
    }

    /// Changes a user's roles. There is always at least one active admin.
    pub fn set_roles(&mut self, worker: Uuid, roles: &[Role]) -> Result<()> {
        self.require(Permission::ManageUsers)?;
        let new = Roles::of(roles);
        if new.is_empty() {
            return Err(Error::validation("roles", "a user needs at least one role"));
        }
        let old = self.user_roles(worker)?;
        if old.has(Role::Admin) && !new.has(Role::Admin) && self.other_admins(worker)? == 0 {
            return Err(Error::Conflict("the store needs at least one admin".into()));
        }
        self.write(|w| {
            w.conn.execute(
                "UPDATE worker SET roles = ?1, updated_at = ?2 WHERE id = ?3",
                (new.to_stored(), w.now, worker),
            )?;
            w.audit_event(
                AuditAction::RoleChange,
                "worker",
                worker,
                serde_json::json!({"from": old.list(), "to": new.list()}),
            )
        })?;
        if worker == self.actor().worker_id {
            self.set_actor_roles(new);
        }
        Ok(())
    }

    /// Removes a user: their key slot goes, their record stays (inactive), and the data
    /// key is rotated, so the key they held opens nothing written from now on.
    pub fn remove_user(&mut self, worker: Uuid) -> Result<()> {
        self.require(Permission::ManageUsers)?;
        if worker == self.actor().worker_id {
            return Err(Error::Conflict("you cannot remove yourself".into()));
        }
        let roles = self.user_roles(worker)?;
        if roles.has(Role::Admin) && self.other_admins(worker)? == 0 {
            return Err(Error::Conflict("the store needs at least one admin".into()));
        }
        // The slot first: from here on their passphrase opens nothing.
        let mut keyfile = KeyFile::read(&self.paths().keys)?;
        keyfile.slots.retain(|s| s.worker_id != Some(worker));
        if !keyfile.legacy_slots().is_empty() {
            // Refused before anything changes: the rotation below could not reach them.
            return Err(Error::validation(
                "key_slots",
                "a key slot of an older version is left; every user must unlock once (and the \
                 recovery key be used once) before a user can be removed",
            ));
        }
        keyfile.write(&self.paths().keys)?;
        self.write(|w| {
            w.conn.execute("UPDATE worker SET active = 0, updated_at = ?1 WHERE id = ?2", (w.now, worker))?;
            w.audit_event(
                AuditAction::UserRemoved,
                "worker",
                worker,
                serde_json::json!({"roles": roles.list()}),
            )
        })?;
        self.rotate_data_key()
    }

    fn user_roles(&self, worker: Uuid) -> Result<Roles> {
        let me = self.actor();
        let roles: Option<String> = rusqlite::OptionalExtension::optional(self.conn().query_row(
            "SELECT roles FROM worker WHERE id = ?1 AND owner_partner_id = ?2 AND active = 1",
            (worker, me.partner_id),
            |r| r.get(0),
        ))?;
        Roles::from_stored(&roles.ok_or_else(|| Error::not_found("user", worker))?)
    }

    fn other_admins(&self, worker: Uuid) -> Result<usize> {
        let me = self.actor();
        let mut stmt = self.conn().prepare_cached(
            "SELECT roles FROM worker WHERE owner_partner_id = ?1 AND active = 1 AND id <> ?2",
        )?;
        let rows = stmt.query_map((me.partner_id, worker), |r| r.get::<_, String>(0))?;
        let mut n = 0;
        for r in rows {
            if Roles::from_stored(&r?)?.has(Role::Admin) {
                n += 1;
            }
        }
        Ok(n)
    }
}

/// The role × call matrix: every call a front-end makes, tried by a user of each single
/// role; allowed exactly where `access` says, refused with `Forbidden` everywhere else.
#[cfg(test)]
mod matrix {
    use chrono::NaiveDate;

    use super::*;
    use crate::referrals::{NewReferral, ReferralMode};
    use crate::test_util::{PASS, new_case, profile, store_at};

    const ROLE_PASS: &str = "a long enough passphrase for one role";

    fn d() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 10, 5).expect("date")
    }

    type Call = fn(&mut Store, &Fixture) -> Result<()>;

    /// Past the role check: any answer but `Forbidden` (the call itself may refuse its
    /// input, e.g. an empty bundle).
    fn allowed<T>(r: Result<T>) -> Result<()> {
        match r {
            Err(e @ Error::Forbidden { .. }) => Err(e),
            _ => Ok(()),
        }
    }

    struct Fixture {
        own_case: Uuid,
        other_case: Uuid,
        caw: Uuid,
        code: String,
        /// The CAW's identity card (from its own store) and its fingerprint words.
        caw_card: crate::exchange::IdentityCard,
        caw_words: String,
    }

    #[test]
    fn each_role_may_do_exactly_its_own_calls() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("roles.db");
        let caw_card = store_at(&dir.path().join("caw.db"), "CAW Test", None).identity_card().expect("card");
        let caw_words = caw_card.fingerprint().expect("fingerprint").words_text();
        let mut store = store_at(&path, "OCMW Test", None);
        let (fixture, users) = {
            let (own, other, caw) = store
                .write(|w| {
                    let caw = w.add_partner(&crate::partners::NewPartner {
                        id: Some(caw_card.partner_id),
                        kind: Some(crate::partners::PartnerKind::Caw),
                        name: "CAW Test".into(),
                        ..Default::default()
                    })?;
                    let caw_worker = w.add_worker(caw, "Medewerker CAW")?;
                    let own = w.open_case(&new_case(d(), profile("21010", &["housing"])))?;
                    let me = w.actor();
                    w.demo_act_as(caw, caw_worker, w.now);
                    let other = w.open_case(&new_case(d(), profile("21011", &["debts"])))?;
                    w.demo_act_as(me.partner_id, me.worker_id, w.now);
                    Ok((own, other.summary.id, caw))
                })
                .expect("fixture");
            let mut users = Vec::new();
            for role in Role::ALL {
                let pass = format!("{ROLE_PASS} {}", role.as_str());
                store
                    .add_user(&NewUser {
                        display_name: format!("Alleen {}", role.as_str()),
                        roles: vec![role],
                        passphrase: pass.clone(),
                    })
                    .expect("add user");
                users.push((role, pass));
            }
            (
                Fixture {
                    own_case: own.summary.id,
                    other_case: other,
                    caw,
                    code: own.summary.code,
                    caw_card,
                    caw_words,
                },
                users,
            )
        };
        drop(store);

        use Role::{Admin as A, Caseworker as W, Coordinator as C, Exporter as E};
        let calls: Vec<(&str, &[Role], Call)> = vec![
            ("list cases", &[W, C], |s, _| s.list_cases(&Default::default()).map(|_| ())),
            ("case detail", &[W], |s, f| s.case_detail(f.own_case).map(|_| ())),
            ("case by code", &[W], |s, f| s.case_by_code(&f.code).map(|_| ())),
            ("notes", &[W], |s, f| s.notes(f.own_case).map(|_| ())),
            ("another partner's case", &[], |s, f| s.case_detail(f.other_case).map(|_| ())),
            ("open a case", &[W], |s, _| {
                s.write(|w| w.open_case(&new_case(d(), profile("21010", &[])))).map(|_| ())
            }),
            ("add a note", &[W], |s, f| s.write(|w| w.add_note(f.own_case, "Belt terug", None)).map(|_| ())),
            ("note on another partner's case", &[], |s, f| {
                s.write(|w| w.add_note(f.other_case, "Belt terug", None)).map(|_| ())
            }),
            ("refer", &[W], |s, f| {
                s.write(|w| {
                    w.create_referral(&NewReferral {
                        id: None,
                        case_id: f.own_case,
                        to_partner_id: Some(f.caw),
                        outside_service: None,
                        life_domain: "housing".into(),
                        mode: ReferralMode::Warm,
                        project: None,
                    })
                })
                .map(|_| ())
            }),
            ("due follow-ups", &[W], |s, _| s.due_follow_ups(d(), None, 10).map(|_| ())),
            ("referral figures", &[C], |s, _| {
                s.referral_kpis(&crate::kpi::KpiFilter::period(d(), d())).map(|_| ())
            }),
            ("monthly statistics", &[E], |s, _| {
                s.monthly_statistics(&crate::stats::MonthlyRequest {
                    month: "2026-10".into(),
                    scope: crate::stats::Scope::Network,
                    threshold: None,
                    sensitive_threshold: None,
                    lang: crate::stats::Lang::Nl,
                })
                .map(|_| ())
            }),
            ("users", &[A], |s, _| s.users().map(|_| ())),
            ("settings", &[A], |s, _| {
                s.write(|w| w.set_settings(&crate::settings::Settings { auto_lock_minutes: 15 }))
            }),
            ("add a partner", &[A], |s, _| {
                s.write(|w| {
                    w.add_partner(&crate::partners::NewPartner {
                        kind: Some(crate::partners::PartnerKind::Dmw),
                        name: format!("DMW {}", w.now),
                        ..Default::default()
                    })
                })
                .map(|_| ())
            }),
            ("audit log", &[A], |s, _| s.audit_entries(10).map(|_| ())),
            ("verify audit", &[A], |s, _| s.verify_audit().map(|_| ())),
            ("audit page", &[A], |s, _| {
                s.audit_page(&crate::audit::AuditQuery { action: None, offset: 0, limit: 10 }).map(|_| ())
            }),
            ("backup status", &[A], |s, _| s.backup_status().map(|_| ())),
            ("check the store", &[A], |s, _| s.check().map(|_| ())),
            ("retention period", &[W, C, E, A], |s, _| s.retention_setting().map(|_| ())),
            ("set the retention period", &[A], |s, _| s.write(|w| w.set_retention_months(Some(120)))),
            ("retention preview", &[A], |s, _| s.retention_preview(s.today()).map(|_| ())),
            ("retention purge", &[A], |s, _| {
                // Others cannot preview: they try a well-formed token, which core must
                // refuse for their role before it looks at the token.
                let token = match s.retention_preview(s.today()) {
                    Ok(p) => p.token,
                    Err(_) => format!("r1.2000-01-01.{}", "0".repeat(64)),
                };
                s.retention_purge(&token).map(|_| ())
            }),
            ("session", &[W, C, E, A], |s, _| s.session_info().map(|_| ())),
            ("partners", &[W, C, E, A], |s, _| s.partners().map(|_| ())),
            ("own identity", &[A], |s, _| s.own_identity().map(|_| ())),
            ("own identity card", &[A], |s, _| s.identity_card().map(|_| ())),
            ("rotate the own identity", &[A], |s, _| s.rotate_identity().map(|_| ())),
            ("pin a partner's card", &[A], |s, f| {
                s.pin_partner_card(&f.caw_card, Some(&f.caw_words)).map(|_| ())
            }),
            ("pinned partner keys", &[A], |s, _| s.pinned_partner_keys().map(|_| ())),
            ("revoke a partner's keys", &[A], |s, f| s.revoke_partner_card(f.caw).map(|_| ())),
            ("exchange partners", &[W, C, A], |s, _| s.exchange_partners().map(|_| ())),
            ("export a bundle", &[W, C, A], |s, f| allowed(s.export_bundle(f.caw))),
            ("import a bundle", &[W, C, A], |s, f| {
                let bundle = crate::exchange::Bundle {
                    format: crate::exchange::BUNDLE_FORMAT.into(),
                    sender: f.caw,
                    recipient: f.caw,
                    created_at: 0,
                    envelopes: vec![],
                };
                allowed(s.import_bundle(&bundle))
            }),
            ("the coordinator", &[W, C, A], |s, _| s.exchange_coordinator().map(|_| ())),
            ("set the coordinator", &[A], |s, _| s.set_exchange_coordinator(None)),
            ("hub status", &[W, C, A], |s, _| s.hub_status().map(|_| ())),
            ("set the hub", &[A], |s, _| s.set_hub(None)),
            ("share with a referral", &[W], |s, _| {
                allowed(s.write(|w| w.share_with_referral(Uuid::now_v7(), &Default::default())))
            }),
            ("what a referral shares", &[W], |s, _| s.referral_shared(Uuid::now_v7()).map(|_| ())),
        ];

        let mut failures = Vec::new();
        for (role, pass) in &users {
            let mut store = Store::open(&path, pass).expect("open as the role's user");
            assert_eq!(store.actor().roles.list(), vec![*role]);
            for (name, allowed, call) in &calls {
                let result = call(&mut store, &fixture);
                let should = allowed.contains(role);
                match (&result, should) {
                    (Ok(()), true) | (Err(Error::Forbidden { .. }), false) => {}
                    _ => failures
                        .push(format!("{} / {name}: {result:?}, expected allowed = {should}", role.as_str())),
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
        // The one who made the store can still do everything.
        let store = Store::open(&path, PASS).expect("creator");
        assert_eq!(store.actor().roles, Roles::EVERY);
    }

    #[test]
    fn users_are_added_changed_and_removed_by_an_admin_with_their_own_key_slot() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("users.db");
        let mut store = store_at(&path, "OCMW Test", None);
        let weak = store.add_user(&NewUser {
            display_name: "Sam".into(),
            roles: vec![Role::Caseworker],
            passphrase: "kort".into(),
        });
        assert!(matches!(weak, Err(Error::Validation { .. })));
        let none = store.add_user(&NewUser {
            display_name: "Sam".into(),
            roles: vec![],
            passphrase: ROLE_PASS.into(),
        });
        assert!(matches!(none, Err(Error::Validation { field, .. }) if field == "roles"));
        let sam = store
            .add_user(&NewUser {
                display_name: "Sam".into(),
                roles: vec![Role::Caseworker],
                passphrase: ROLE_PASS.into(),
            })
            .expect("sam");
        store.set_roles(sam, &[Role::Caseworker, Role::Exporter]).expect("roles");
        let me = store.actor().worker_id;
        // The last admin cannot give the role up, nor be removed; nobody removes themself.
        assert!(matches!(store.set_roles(me, &[Role::Caseworker]), Err(Error::Conflict(_))));
        assert!(matches!(store.remove_user(me), Err(Error::Conflict(_))));
        let users = store.users().expect("users");
        let s = users.iter().find(|u| u.id == sam).expect("listed");
        assert_eq!(
            (s.roles.clone(), s.can_unlock, s.is_me),
            (vec![Role::Caseworker, Role::Exporter], true, false)
        );
        drop(store);

        let store = Store::open(&path, ROLE_PASS).expect("sam unlocks");
        assert_eq!(store.actor().worker_id, sam);
        assert!(matches!(store.users(), Err(Error::Forbidden { .. })));
        drop(store);

        let mut store = Store::open(&path, PASS).expect("admin");
        store.remove_user(sam).expect("remove");
        let actions: Vec<String> =
            store.audit_entries(50).expect("audit").into_iter().map(|e| e.action).collect();
        for a in ["user.add", "role.change", "user.remove"] {
            assert!(actions.iter().any(|x| x == a), "{a} in {actions:?}");
        }
        drop(store);
        assert!(
            matches!(Store::open(&path, ROLE_PASS), Err(Error::WrongPassphrase)),
            "a removed user's passphrase opens nothing"
        );
    }
}
