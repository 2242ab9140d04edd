-- Referral-time figures read every referral sent in a period: one covering index so the
-- read never touches the table, and the warm steps by kind.
CREATE INDEX referral_kpi ON referral(
    sent_on, from_partner_id, to_partner_id, life_domain_code, mode, project_id, state,
    accepted_on, first_contact_on, case_id, id
) WHERE sent_on IS NOT NULL;
CREATE INDEX referral_event_by_kind ON referral_event(kind, referral_id);
