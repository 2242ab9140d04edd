-- Referrals whose events' dates or clocks do not add up (see crates/core/src/exchange/flags.rs
-- and docs/exchange.md, "Dates and clocks"): bits of `EventFlag` over all its events
-- (dated after recording 1, clock ahead 2, conflict 4), derived with the state in the
-- transaction that adds an event. The referral-time figures count and list them (flagged,
-- not hidden), so the covering index carries the column too.
ALTER TABLE referral ADD COLUMN flags INTEGER NOT NULL DEFAULT 0 CHECK (flags BETWEEN 0 AND 7);

DROP INDEX referral_kpi;
CREATE INDEX referral_kpi ON referral(
    sent_on, from_partner_id, to_partner_id, life_domain_code, mode, project_id, state,
    accepted_on, first_contact_on, warm_steps, flags
) WHERE sent_on IS NOT NULL;
