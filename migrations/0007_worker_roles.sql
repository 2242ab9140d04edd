-- Users and roles (see crates/core/src/access.rs). A worker's roles are role names joined
-- by commas; removed users stay (their records name them) but are no longer active and
-- have no key slot. The worker who made the store (the one who created themself) may do
-- everything; every other existing worker is a caseworker.
ALTER TABLE worker ADD COLUMN roles TEXT NOT NULL DEFAULT 'caseworker';
ALTER TABLE worker ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
UPDATE worker SET roles = 'caseworker,coordinator,exporter,admin' WHERE created_by = id;
