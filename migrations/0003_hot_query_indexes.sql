-- Indexes for the queries a caseworker waits for, measured on a 100,000-case store
-- (`cargo xtask bench`). The case indexes end in (opened_on DESC, id DESC), the list's
-- sort order, so a page is read in order without a sort; status comes second because
-- the list is usually filtered on open cases.

DROP INDEX case_by_status;
DROP INDEX case_by_partner;
DROP INDEX case_by_municipality;
DROP INDEX case_by_entry_route;
DROP INDEX case_by_opened;
CREATE INDEX case_by_opened       ON case_file(opened_on DESC, id DESC);
CREATE INDEX case_by_status       ON case_file(status, opened_on DESC, id DESC);
CREATE INDEX case_by_partner      ON case_file(owner_partner_id, status, opened_on DESC, id DESC);
CREATE INDEX case_by_municipality ON case_file(municipality_code, status, opened_on DESC, id DESC);
CREATE INDEX case_by_entry_route  ON case_file(entry_route_code, status, opened_on DESC, id DESC);
-- A caseworker's list is usually their own partner's cases.
CREATE INDEX case_by_partner_municipality ON case_file(owner_partner_id, municipality_code, opened_on DESC, id DESC);
CREATE INDEX case_by_partner_route        ON case_file(owner_partner_id, entry_route_code, opened_on DESC, id DESC);

-- Today view: referrals a partner sent that wait for an answer or a first contact, and
-- referrals it received that wait for an answer.
CREATE INDEX referral_open_from ON referral(from_partner_id, sent_on) WHERE state IN ('sent', 'accepted');
DROP INDEX referral_to;
CREATE INDEX referral_to ON referral(to_partner_id, state, sent_on);

-- Today view: my open follow-ups by due date.
CREATE INDEX follow_up_open_by_assignee ON follow_up(assignee_id, due_on) WHERE done_on IS NULL;
