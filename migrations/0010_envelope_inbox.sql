-- Envelopes opened by this store (see crates/core/src/exchange/envelope.rs and
-- docs/exchange.md, "Envelopes"). One row per envelope id, written in the same transaction
-- that accepts it: the same envelope again is recognised (`digest` equal: already seen,
-- nothing applied), another envelope under the same id is refused. Holds no payload.
CREATE TABLE envelope_inbox (
    id                BLOB PRIMARY KEY,
    sender            BLOB NOT NULL REFERENCES partner(id),
    sender_generation INTEGER NOT NULL CHECK (sender_generation >= 1),
    created_at        INTEGER NOT NULL,
    digest            BLOB NOT NULL CHECK (length(digest) = 32),
    opened_at         INTEGER NOT NULL,
    opened_by         BLOB NOT NULL REFERENCES worker(id)
) STRICT;

CREATE TRIGGER envelope_inbox_no_delete BEFORE DELETE ON envelope_inbox
BEGIN SELECT RAISE(ABORT, 'envelope_inbox keeps every opened envelope'); END;
CREATE TRIGGER envelope_inbox_no_update BEFORE UPDATE ON envelope_inbox
BEGIN SELECT RAISE(ABORT, 'envelope_inbox rows never change'); END;
