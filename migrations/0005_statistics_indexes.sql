-- Monthly statistics read one month of cases, rights-check steps and follow-ups. These
-- covering indexes let each read touch only that month's entries.

-- A case's life domains, also on the case row as sorted comma-separated codes
-- ("debts,housing"): derived from case_life_domain in the same transaction that writes
-- it, never written otherwise, so the statistics read them with the case in one pass.
ALTER TABLE case_file ADD COLUMN life_domain_codes TEXT NOT NULL DEFAULT '';
UPDATE case_file SET life_domain_codes = COALESCE((
    SELECT group_concat(code, ',') FROM (
        SELECT d.life_domain_code AS code FROM case_life_domain d
        WHERE d.case_id = case_file.id ORDER BY d.life_domain_code)
), '');

-- Cases open on some day of a month: still open (closed_on IS NULL), or closed on or
-- after its first day: two ranges of this index, whatever the store's age; the opening
-- date and the counted attributes are read from the index entry.
CREATE INDEX case_statistics ON case_file(
    closed_on, opened_on, owner_partner_id, entry_route_code, municipality_code,
    age_band_code, household_type_code, residence_status_code, life_domain_codes);

-- Steps taken in a month, with the check they belong to…
CREATE INDEX rights_check_step_by_date ON rights_check_step(occurred_on, step, rights_check_id);
-- …and what the statistics need of that check, one look-up away.
CREATE INDEX rights_check_statistics ON rights_check(
    id, right_code, owner_partner_id, step_on, non_take_up_reason_code, barrier_type_code);

-- Follow-ups due in a month, done or not.
CREATE INDEX follow_up_by_due ON follow_up(due_on, purpose_code, done_on, owner_partner_id);
