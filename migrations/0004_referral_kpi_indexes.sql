-- Referral-time figures read every referral sent in a period, in one pass over one
-- covering index that never touches the table (the rowid, in every index entry, finds
-- the few rows listed as stalled).
--
-- `warm_steps` holds the warm steps recorded for a referral as bits (receiver contacted 1,
-- appointment made 2, accompanied 4, feedback given 8; `EventKind::warm_bit`), derived
-- from referral_event in the same transaction like `state`, so the figures need no scan
-- of the event log. Existing referrals get it from their events here.
ALTER TABLE referral ADD COLUMN warm_steps INTEGER NOT NULL DEFAULT 0
    CHECK (warm_steps BETWEEN 0 AND 15);

UPDATE referral SET warm_steps = (
    SELECT COALESCE(SUM(DISTINCT CASE e.kind
        WHEN 'receiver_contacted' THEN 1
        WHEN 'appointment_made' THEN 2
        WHEN 'accompanied' THEN 4
        WHEN 'feedback_given' THEN 8
    END), 0)
    FROM referral_event e
    WHERE e.referral_id = referral.id
      AND e.kind IN ('receiver_contacted', 'appointment_made', 'accompanied', 'feedback_given')
);

CREATE INDEX referral_kpi ON referral(
    sent_on, from_partner_id, to_partner_id, life_domain_code, mode, project_id, state,
    accepted_on, first_contact_on, warm_steps
) WHERE sent_on IS NOT NULL;
