-- Partner identities (see crates/core/src/exchange/identity.rs and docs/exchange.md).
--
-- `own_identity_key`: this store's own partner's key pairs, one row per generation. The
-- private halves (an age X25519 identity as text, a 32-byte Ed25519 seed) live only here,
-- inside the encrypted database; no call returns them. A rotation retires the current row
-- (kept, to read what was sealed to it) and adds the next generation; `next_vouch` is the
-- retired key's Ed25519 signature over its successor's public parts.
CREATE TABLE own_identity_key (
    generation     INTEGER PRIMARY KEY CHECK (generation >= 1),
    partner_id     BLOB NOT NULL REFERENCES partner(id),
    age_identity   TEXT NOT NULL,
    age_recipient  TEXT NOT NULL,
    ed25519_secret BLOB NOT NULL CHECK (length(ed25519_secret) = 32),
    ed25519_public BLOB NOT NULL CHECK (length(ed25519_public) = 32),
    created_at     INTEGER NOT NULL,
    created_by     BLOB NOT NULL REFERENCES worker(id),
    retired_at     INTEGER,
    next_vouch     BLOB CHECK (next_vouch IS NULL OR length(next_vouch) = 64),
    CHECK ((retired_at IS NULL) = (next_vouch IS NULL))
) STRICT;
CREATE UNIQUE INDEX own_identity_key_current ON own_identity_key(partner_id) WHERE retired_at IS NULL;

-- Keys are never deleted, and only retired once: the key material itself never changes.
CREATE TRIGGER own_identity_key_no_delete BEFORE DELETE ON own_identity_key
BEGIN SELECT RAISE(ABORT, 'own_identity_key keeps every generation'); END;
CREATE TRIGGER own_identity_key_keys_fixed BEFORE UPDATE ON own_identity_key
WHEN NEW.generation IS NOT OLD.generation OR NEW.partner_id IS NOT OLD.partner_id
  OR NEW.age_identity IS NOT OLD.age_identity OR NEW.age_recipient IS NOT OLD.age_recipient
  OR NEW.ed25519_secret IS NOT OLD.ed25519_secret OR NEW.ed25519_public IS NOT OLD.ed25519_public
  OR NEW.created_at IS NOT OLD.created_at OR OLD.retired_at IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'own_identity_key: a key is retired once and never changed'); END;

-- `partner_key`: other partners' public keys, pinned after comparing the fingerprint out of
-- band (`how = 'fingerprint'`) or accepted because the partner's pinned key signed them
-- (`how = 'rotation'`). A superseded key is kept to check what was signed with it; a
-- revoked partner's keys are all marked and nothing from them is accepted any more.
CREATE TABLE partner_key (
    id             INTEGER PRIMARY KEY,
    partner_id     BLOB NOT NULL REFERENCES partner(id),
    generation     INTEGER NOT NULL CHECK (generation >= 1),
    age_recipient  TEXT NOT NULL,
    ed25519_public BLOB NOT NULL CHECK (length(ed25519_public) = 32),
    created_at     INTEGER NOT NULL,
    pinned_at      INTEGER NOT NULL,
    pinned_by      BLOB NOT NULL REFERENCES worker(id),
    how            TEXT NOT NULL CHECK (how IN ('fingerprint', 'rotation')),
    superseded_at  INTEGER,
    revoked_at     INTEGER,
    UNIQUE (partner_id, ed25519_public)
) STRICT;
CREATE UNIQUE INDEX partner_key_current ON partner_key(partner_id)
    WHERE superseded_at IS NULL AND revoked_at IS NULL;
