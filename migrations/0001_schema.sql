-- Schakel schema, version 1.
--
-- Conventions:
-- * Records have a UUID v7 `id` (16-byte BLOB) and name their owning partner
--   (`owner_partner_id`), their author and created/updated times (Unix milliseconds, UTC).
-- * Business dates (what the worker states) are TEXT 'YYYY-MM-DD'.
-- * Reference vocabularies are keyed by stable text codes, the same in every store, so
--   records can move between stores without translation. They are data, not code.
-- * Append-only tables (referral_event, rights_check_step, change_log) refuse UPDATE and
--   DELETE with triggers.

CREATE TABLE store_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Reference vocabularies: one shape for all of them.
CREATE TABLE municipality     (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE TABLE entry_route      (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE TABLE age_band         (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE TABLE household_type   (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE TABLE life_domain      (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE TABLE language         (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE TABLE residence_status (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE TABLE non_take_up_reason (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE TABLE barrier_type     (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE TABLE decline_reason   (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE TABLE signal_theme     (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
CREATE TABLE follow_up_purpose (code TEXT PRIMARY KEY, name_nl TEXT NOT NULL, name_fr TEXT NOT NULL, name_en TEXT NOT NULL, sort_order INTEGER NOT NULL, active INTEGER NOT NULL DEFAULT 1) STRICT;
-- The rights taxonomy has a granting level besides the names.
CREATE TABLE right_kind (
    code       TEXT PRIMARY KEY,
    name_nl    TEXT NOT NULL,
    name_fr    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    level      TEXT NOT NULL CHECK (level IN ('federal', 'flemish', 'brussels', 'local')),
    granted_by TEXT NOT NULL,
    sort_order INTEGER NOT NULL,
    active     INTEGER NOT NULL DEFAULT 1
) STRICT;

CREATE TABLE partner (
    id                BLOB PRIMARY KEY,
    owner_partner_id  BLOB NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('ocmw', 'caw', 'dmw', 'other')),
    name              TEXT NOT NULL,
    municipality_code TEXT REFERENCES municipality(code),
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    created_by        BLOB
) STRICT;
CREATE UNIQUE INDEX partner_name ON partner(name COLLATE NOCASE);

CREATE TABLE worker (
    id               BLOB PRIMARY KEY,
    owner_partner_id BLOB NOT NULL REFERENCES partner(id),
    display_name     TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    created_by       BLOB
) STRICT;

CREATE TABLE project (
    id               BLOB PRIMARY KEY,
    owner_partner_id BLOB NOT NULL REFERENCES partner(id),
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    starts_on        TEXT NOT NULL,
    ends_on          TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    created_by       BLOB NOT NULL REFERENCES worker(id),
    CHECK (ends_on IS NULL OR ends_on >= starts_on)
) STRICT;

CREATE TABLE case_file (
    id                    BLOB PRIMARY KEY,
    owner_partner_id      BLOB NOT NULL REFERENCES partner(id),
    code                  TEXT NOT NULL UNIQUE,
    status                TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    opened_on             TEXT NOT NULL,
    closed_on             TEXT,
    owner_worker_id       BLOB NOT NULL REFERENCES worker(id),
    entry_route_code      TEXT NOT NULL REFERENCES entry_route(code),
    municipality_code     TEXT NOT NULL REFERENCES municipality(code),
    age_band_code         TEXT NOT NULL REFERENCES age_band(code),
    household_type_code   TEXT NOT NULL REFERENCES household_type(code),
    gender                TEXT CHECK (gender IN ('f', 'm', 'x')),
    contact_language_code TEXT REFERENCES language(code),
    interpreter           TEXT CHECK (interpreter IN ('not_needed', 'needed', 'used')),
    residence_status_code TEXT REFERENCES residence_status(code),
    project_id            BLOB REFERENCES project(id),
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    created_by            BLOB NOT NULL REFERENCES worker(id),
    updated_by            BLOB NOT NULL REFERENCES worker(id),
    CHECK ((status = 'closed') = (closed_on IS NOT NULL)),
    CHECK (closed_on IS NULL OR closed_on >= opened_on)
) STRICT;
CREATE INDEX case_by_status ON case_file(status, opened_on DESC);
CREATE INDEX case_by_partner ON case_file(owner_partner_id, status, opened_on DESC);
CREATE INDEX case_by_municipality ON case_file(municipality_code, opened_on DESC);
CREATE INDEX case_by_entry_route ON case_file(entry_route_code, opened_on DESC);
CREATE INDEX case_by_opened ON case_file(opened_on DESC);

CREATE TABLE case_life_domain (
    case_id          BLOB NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    life_domain_code TEXT NOT NULL REFERENCES life_domain(code),
    PRIMARY KEY (case_id, life_domain_code)
) STRICT, WITHOUT ROWID;
CREATE INDEX case_life_domain_by_domain ON case_life_domain(life_domain_code, case_id);

CREATE TABLE note (
    id               BLOB PRIMARY KEY,
    owner_partner_id BLOB NOT NULL REFERENCES partner(id),
    case_id          BLOB NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    body             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    created_by       BLOB NOT NULL REFERENCES worker(id)
) STRICT;
CREATE INDEX note_by_case ON note(case_id, created_at);

CREATE TABLE referral (
    id                  BLOB PRIMARY KEY,
    owner_partner_id    BLOB NOT NULL REFERENCES partner(id),
    case_id             BLOB NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    from_partner_id     BLOB NOT NULL REFERENCES partner(id),
    to_partner_id       BLOB REFERENCES partner(id),
    outside_service     TEXT,
    life_domain_code    TEXT NOT NULL REFERENCES life_domain(code),
    mode                TEXT NOT NULL CHECK (mode IN ('cold', 'warm')),
    project_id          BLOB REFERENCES project(id),
    -- Derived from referral_event in the same transaction; never written otherwise.
    state               TEXT NOT NULL DEFAULT 'draft' CHECK (state IN
                          ('draft', 'sent', 'accepted', 'first_contact', 'completed',
                           'declined', 'no_show', 'withdrawn', 'expired')),
    consent_on          TEXT,
    sent_on             TEXT,
    accepted_on         TEXT,
    first_contact_on    TEXT,
    ended_on            TEXT,
    decline_reason_code TEXT REFERENCES decline_reason(code),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    created_by          BLOB NOT NULL REFERENCES worker(id),
    CHECK ((to_partner_id IS NULL) <> (outside_service IS NULL)),
    CHECK (to_partner_id IS NULL OR to_partner_id <> from_partner_id)
) STRICT;
CREATE INDEX referral_by_case ON referral(case_id);
CREATE INDEX referral_by_sent ON referral(sent_on, from_partner_id, to_partner_id);
CREATE INDEX referral_open_by_state ON referral(state, sent_on)
    WHERE state IN ('sent', 'accepted');
CREATE INDEX referral_to ON referral(to_partner_id, state);

-- Every referral transition and warm step, as an immutable event.
CREATE TABLE referral_event (
    id          BLOB PRIMARY KEY,
    referral_id BLOB NOT NULL REFERENCES referral(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN
                  ('consent', 'sent', 'accepted', 'declined', 'first_contact',
                   'completed', 'no_show', 'withdrawn', 'expired',
                   'receiver_contacted', 'appointment_made', 'accompanied', 'feedback_given')),
    occurred_on TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    partner_id  BLOB NOT NULL REFERENCES partner(id),
    worker_id   BLOB,
    reason_code TEXT REFERENCES decline_reason(code)
) STRICT;
CREATE INDEX referral_event_by_referral ON referral_event(referral_id, occurred_on, recorded_at);

CREATE TABLE rights_check (
    id                      BLOB PRIMARY KEY,
    owner_partner_id        BLOB NOT NULL REFERENCES partner(id),
    case_id                 BLOB NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    right_code              TEXT NOT NULL REFERENCES right_kind(code),
    -- Derived from rights_check_step in the same transaction.
    step                    TEXT NOT NULL CHECK (step IN
                              ('not_checked', 'possibly_entitled', 'applied', 'granted',
                               'refused', 'not_entitled', 'granted_automatically')),
    step_on                 TEXT NOT NULL,
    non_take_up_reason_code TEXT REFERENCES non_take_up_reason(code),
    barrier_type_code       TEXT REFERENCES barrier_type(code),
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    created_by              BLOB NOT NULL REFERENCES worker(id)
) STRICT;
CREATE INDEX rights_check_by_case ON rights_check(case_id);
CREATE INDEX rights_check_by_right ON rights_check(right_code, step);

CREATE TABLE rights_check_step (
    id              BLOB PRIMARY KEY,
    rights_check_id BLOB NOT NULL REFERENCES rights_check(id) ON DELETE CASCADE,
    step            TEXT NOT NULL,
    occurred_on     TEXT NOT NULL,
    recorded_at     INTEGER NOT NULL,
    partner_id      BLOB NOT NULL REFERENCES partner(id),
    worker_id       BLOB
) STRICT;
CREATE INDEX rights_check_step_by_check ON rights_check_step(rights_check_id, occurred_on);

CREATE TABLE follow_up (
    id               BLOB PRIMARY KEY,
    owner_partner_id BLOB NOT NULL REFERENCES partner(id),
    case_id          BLOB NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    referral_id      BLOB REFERENCES referral(id) ON DELETE CASCADE,
    rights_check_id  BLOB REFERENCES rights_check(id) ON DELETE CASCADE,
    due_on           TEXT NOT NULL,
    purpose_code     TEXT NOT NULL REFERENCES follow_up_purpose(code),
    purpose_text     TEXT,
    assignee_id      BLOB NOT NULL REFERENCES worker(id),
    done_on          TEXT,
    reschedules      INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    created_by       BLOB NOT NULL REFERENCES worker(id)
) STRICT;
CREATE INDEX follow_up_by_case ON follow_up(case_id, due_on);
CREATE INDEX follow_up_open_by_due ON follow_up(due_on, assignee_id) WHERE done_on IS NULL;

CREATE TABLE signal (
    id               BLOB PRIMARY KEY,
    owner_partner_id BLOB NOT NULL REFERENCES partner(id),
    case_id          BLOB NOT NULL REFERENCES case_file(id) ON DELETE CASCADE,
    theme_code       TEXT NOT NULL REFERENCES signal_theme(code),
    body             TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    created_by       BLOB NOT NULL REFERENCES worker(id)
) STRICT;
CREATE INDEX signal_by_case ON signal(case_id);
CREATE INDEX signal_by_theme ON signal(theme_code, created_at);

-- Who changed what and when. Field names only, never free-text content.
CREATE TABLE change_log (
    id         BLOB PRIMARY KEY,
    at         INTEGER NOT NULL,
    partner_id BLOB NOT NULL,
    worker_id  BLOB,
    entity     TEXT NOT NULL,
    entity_id  BLOB NOT NULL,
    action     TEXT NOT NULL,
    fields     TEXT NOT NULL
) STRICT;
CREATE INDEX change_log_by_entity ON change_log(entity_id, at);

CREATE TRIGGER referral_event_no_update BEFORE UPDATE ON referral_event
BEGIN SELECT RAISE(ABORT, 'referral_event is append-only'); END;
CREATE TRIGGER rights_check_step_no_update BEFORE UPDATE ON rights_check_step
BEGIN SELECT RAISE(ABORT, 'rights_check_step is append-only'); END;
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
