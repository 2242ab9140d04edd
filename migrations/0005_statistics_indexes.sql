-- Monthly statistics read one month of cases, rights-check steps and follow-ups. These
-- covering indexes let each read touch only that month's index entries, never the tables.

-- Cases open on some day of a month: opened on or before its last day (a range of this
-- index), and not closed before its first day (checked in the index entry).
CREATE INDEX case_statistics ON case_file(
    opened_on, closed_on, owner_partner_id, entry_route_code, municipality_code,
    age_band_code, household_type_code, residence_status_code, id);

-- Steps taken in a month, with the check they belong to.
CREATE INDEX rights_check_step_by_date ON rights_check_step(occurred_on, step, rights_check_id);

-- Follow-ups due in a month, done or not.
CREATE INDEX follow_up_by_due ON follow_up(due_on, purpose_code, done_on, owner_partner_id);
