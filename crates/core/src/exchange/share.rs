//! What a sender chooses to share with the receiving partner of a referral, beyond its life
//! domain and warm steps: some of the case's details and an optional handover note. Nothing
//! is shared unless chosen; the choice is made while the referral is a draft, and it goes
//! with the referral when it is sent.

use rusqlite::OptionalExtension;
use uuid::Uuid;

use super::bundle::{check_shared, put_shared, shared_of};
use super::payload::Shared;
use crate::error::{Error, Result};
use crate::store::{Store, Writer};

impl Writer<'_> {
    /// Sets what goes with a draft referral of one of this partner's cases to a partner.
    /// The note passes the identifier check (a warned note needs a reason, like any text).
    pub fn share_with_referral(&mut self, referral_id: Uuid, shared: &Shared) -> Result<()> {
        self.require(crate::access::Permission::CaseWork)?;
        let (case_id, state, to): (Option<Uuid>, String, Option<Uuid>) = self
            .conn
            .prepare_cached("SELECT case_id, state, to_partner_id FROM referral WHERE id = ?1")?
            .query_row([referral_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?
            .ok_or_else(|| Error::not_found("referral", referral_id))?;
        let case_id =
            case_id.ok_or_else(|| Error::validation("referral", "only a referral made here can share"))?;
        self.require_case(case_id)?;
        if to.is_none() {
            return Err(Error::validation(
                "referral",
                "a service outside the network receives nothing from Schakel",
            ));
        }
        if state != "draft" {
            return Err(Error::validation(
                "referral",
                "what is shared is chosen before the referral is sent",
            ));
        }
        let mut shared = shared.clone();
        shared.handover_note = shared.handover_note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        check_shared(self, &shared)?;
        if let Some(note) = &shared.handover_note {
            self.check_text("referral", referral_id, "handover_note", note)?;
        }
        let owner = crate::cases::case_owner(self.conn, case_id)?;
        put_shared(self, referral_id, owner, &shared)?;
        let fields: Vec<&str> = [
            ("age_band", shared.age_band.is_some()),
            ("household_type", shared.household_type.is_some()),
            ("municipality", shared.municipality.is_some()),
            ("contact_language", shared.contact_language.is_some()),
            ("interpreter", shared.interpreter.is_some()),
            ("handover_note", shared.handover_note.is_some()),
        ]
        .into_iter()
        .filter_map(|(f, on)| on.then_some(f))
        .collect();
        self.log("referral", referral_id, "share", &fields)
    }
}

impl Store {
    /// What goes (or went) with a referral: chosen here for an own referral, received for a
    /// referral from a partner in another store. `None` when nothing was chosen.
    pub fn referral_shared(&self, referral_id: Uuid) -> Result<Option<Shared>> {
        self.require(crate::access::Permission::CaseWork)?;
        shared_of(self.conn(), referral_id)
    }
}
