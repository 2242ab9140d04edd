-- schakel: foreign_keys off
-- (migrate.rs runs this migration with foreign keys off, as SQLite's 12-step table rebuild
-- requires, and checks every foreign key before it commits.)
--
-- Exchange between partners in different stores (issue 8; docs/exchange.md).
--
-- 1. `referral` is rebuilt so that a referral may exist without a case here:
--    * `own`: made in this store, on one of its cases (every referral so far);
--    * `received`: sent to this store's partner by a partner in another store; the case
--      stays with the sender, this store keeps the sender's case code (a pseudonym, to talk
--      about it by phone) and what the sender chose to share (`referral_shared`);
--    * `reported`: a referral between two other partners, reported to the coordinator's
--      store in the anonymised stream (partners, life domain, warm or cold, dates).
CREATE TABLE referral_new (
    id                  BLOB PRIMARY KEY,
    owner_partner_id    BLOB NOT NULL REFERENCES partner(id),
    origin              TEXT NOT NULL DEFAULT 'own' CHECK (origin IN ('own', 'received', 'reported')),
    case_id             BLOB REFERENCES case_file(id) ON DELETE CASCADE,
    case_code           TEXT,
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
    warm_steps          INTEGER NOT NULL DEFAULT 0 CHECK (warm_steps BETWEEN 0 AND 15),
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    created_by          BLOB REFERENCES worker(id),
    CHECK ((origin = 'own') = (case_id IS NOT NULL)),
    CHECK ((origin = 'own') = (created_by IS NOT NULL)),
    CHECK ((origin = 'received') = (case_code IS NOT NULL)),
    CHECK (origin = 'own' OR (to_partner_id IS NOT NULL AND project_id IS NULL)),
    CHECK ((to_partner_id IS NULL) <> (outside_service IS NULL)),
    CHECK (to_partner_id IS NULL OR to_partner_id <> from_partner_id)
) STRICT;

INSERT INTO referral_new (id, owner_partner_id, origin, case_id, case_code, from_partner_id,
    to_partner_id, outside_service, life_domain_code, mode, project_id, state, consent_on,
    sent_on, accepted_on, first_contact_on, ended_on, decline_reason_code, warm_steps,
    created_at, updated_at, created_by)
SELECT id, owner_partner_id, 'own', case_id, NULL, from_partner_id,
    to_partner_id, outside_service, life_domain_code, mode, project_id, state, consent_on,
    sent_on, accepted_on, first_contact_on, ended_on, decline_reason_code, warm_steps,
    created_at, updated_at, created_by
FROM referral;

DROP TABLE referral;
ALTER TABLE referral_new RENAME TO referral;

CREATE INDEX referral_by_case ON referral(case_id) WHERE case_id IS NOT NULL;
CREATE INDEX referral_by_sent ON referral(sent_on, from_partner_id, to_partner_id);
CREATE INDEX referral_open_by_state ON referral(state, sent_on)
    WHERE state IN ('sent', 'accepted');
CREATE INDEX referral_to ON referral(to_partner_id, state, sent_on);
CREATE INDEX referral_open_from ON referral(from_partner_id, sent_on) WHERE state IN ('sent', 'accepted');
CREATE INDEX referral_kpi ON referral(
    sent_on, from_partner_id, to_partner_id, life_domain_code, mode, project_id, state,
    accepted_on, first_contact_on, warm_steps
) WHERE sent_on IS NOT NULL;
CREATE INDEX referral_not_own ON referral(origin, sent_on) WHERE origin <> 'own';

-- 2. What travels with a referral to the receiving partner, beyond its life domain and warm
--    steps: the case details the sender chose to share (each NULL when not shared) and an
--    optional handover note (checked for identifiers like every free text). On the
--    sender's side, what it chose; on the receiver's side, what it received.
CREATE TABLE referral_shared (
    referral_id           BLOB PRIMARY KEY REFERENCES referral(id) ON DELETE CASCADE,
    owner_partner_id      BLOB NOT NULL REFERENCES partner(id),
    age_band_code         TEXT REFERENCES age_band(code),
    household_type_code   TEXT REFERENCES household_type(code),
    municipality_code     TEXT REFERENCES municipality(code),
    contact_language_code TEXT REFERENCES language(code),
    interpreter           TEXT CHECK (interpreter IN ('not_needed', 'needed', 'used')),
    handover_note         TEXT,
    created_at            INTEGER NOT NULL
) STRICT;

-- 3. The outbox: what this store must send to which partner. One row per item and
--    recipient; an item is a referral's header, one of its events, or a receipt for an
--    envelope received. `envelope_id` is the last envelope that carried it; `delivered_at`
--    is set when the recipient's receipt for that envelope comes back. An item not yet
--    delivered goes again in the next export (opening twice changes nothing).
CREATE TABLE exchange_outbox (
    id            BLOB PRIMARY KEY,
    recipient_id  BLOB NOT NULL REFERENCES partner(id),
    stream        TEXT NOT NULL CHECK (stream IN ('partner', 'coordinator')),
    item_kind     TEXT NOT NULL CHECK (item_kind IN ('referral', 'event', 'receipt')),
    item_id       BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    envelope_id   BLOB,
    sealed_at     INTEGER,
    delivered_at  INTEGER,
    UNIQUE (recipient_id, stream, item_kind, item_id)
) STRICT;
CREATE INDEX exchange_outbox_pending ON exchange_outbox(recipient_id, created_at)
    WHERE delivered_at IS NULL;
CREATE INDEX exchange_outbox_by_envelope ON exchange_outbox(envelope_id)
    WHERE envelope_id IS NOT NULL;

-- 4. When an event recorded in another store arrived here (NULL for events recorded here):
--    its own `recorded_at` is the other store's clock, kept as it was; the two together
--    show a clock that runs ahead.
ALTER TABLE referral_event ADD COLUMN received_at INTEGER;
