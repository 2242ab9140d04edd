-- Follow-ups by the referral or rights check they point at. Deleting a referral or a rights
-- check makes SQLite look for the follow-ups that point at it (the foreign keys' ON DELETE
-- CASCADE); without these indexes that is a scan of every follow-up for every deleted row,
-- which made a retention purge of 4,000 cases (12,500 referrals, 16,000 rights checks) in a
-- 20,000-case store run for more than ten minutes. Most follow-ups point at neither.
CREATE INDEX follow_up_by_referral ON follow_up(referral_id) WHERE referral_id IS NOT NULL;
CREATE INDEX follow_up_by_rights_check ON follow_up(rights_check_id) WHERE rights_check_id IS NOT NULL;
