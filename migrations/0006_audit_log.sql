-- The audit log (see crates/core/src/audit.rs): append-only and tamper-evident. Every
-- entry holds the hash of the entry before it (`prev_hash`) and its own (`hash`, over the
-- previous hash and all its fields); `seq` counts from 1 without gaps. Entries hold ids,
-- codes, counts and field names, never free text.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    partner_id BLOB,
    worker_id  BLOB,
    action     TEXT NOT NULL,
    entity     TEXT,
    entity_id  BLOB,
    detail     TEXT NOT NULL,
    prev_hash  BLOB NOT NULL CHECK (length(prev_hash) = 32),
    hash       BLOB NOT NULL CHECK (length(hash) = 32)
) STRICT;
CREATE INDEX audit_log_by_entity ON audit_log(entity_id, seq) WHERE entity_id IS NOT NULL;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
