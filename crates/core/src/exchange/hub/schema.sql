-- Schakel hub, schema version 1: a PostgreSQL database used as a mailbox of sealed
-- envelopes (docs/exchange-hub.md). Embedded in schakel-core and run by `schakel hub init`
-- in one transaction, as the hub administrator (a superuser, or the database's owner with
-- CREATEROLE). Safe to run again: every statement checks or replaces what it makes, and a
-- hub of a newer schema version is refused before anything changes.
--
-- What the hub holds per envelope: recipient, sequence number, sender, envelope id, size,
-- time posted, and the opaque ciphertext. Nothing else.

-- Two administrators running this at once: the second waits for the first.
SELECT pg_catalog.pg_advisory_xact_lock(7305916231);

-- A hub set up by a newer Schakel is left alone.
DO $$
DECLARE
    found_version integer;
BEGIN
    IF to_regclass('schakel_hub.meta') IS NOT NULL THEN
        EXECUTE $q$SELECT value::integer FROM schakel_hub.meta WHERE key = 'schema_version'$q$
            INTO found_version;
        IF found_version > 1 THEN
            RAISE EXCEPTION 'the hub has schema version %, this Schakel knows up to 1: update Schakel',
                found_version USING ERRCODE = 'feature_not_supported';
        END IF;
    END IF;
END
$$;

-- Roles (cluster-wide). The owner owns every object and is what the SECURITY DEFINER
-- functions run as; it cannot log in and does not bypass row-level security. Partners'
-- login roles are members of the partner group and get their rights only through it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'schakel_hub_owner') THEN
        CREATE ROLE schakel_hub_owner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'schakel_hub_partner') THEN
        CREATE ROLE schakel_hub_partner NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
    -- The administrator hands objects to the owner role, so it must be able to act as it.
    IF NOT pg_catalog.pg_has_role(current_user, 'schakel_hub_owner', 'MEMBER') THEN
        EXECUTE pg_catalog.format('GRANT schakel_hub_owner TO %I', current_user);
    END IF;
END
$$;

-- The hub's database is for the hub alone: no one connects or makes objects in it unless
-- granted. Partners may connect, nothing more at database level.
DO $$
BEGIN
    EXECUTE pg_catalog.format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO schakel_hub_partner', current_database());
END
$$;
REVOKE ALL ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA IF NOT EXISTS schakel_hub;
ALTER SCHEMA schakel_hub OWNER TO schakel_hub_owner;
REVOKE ALL ON SCHEMA schakel_hub FROM PUBLIC;
GRANT USAGE ON SCHEMA schakel_hub TO schakel_hub_partner;

CREATE TABLE IF NOT EXISTS schakel_hub.meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- One row per partner: its id (the same UUID its records and identity card carry) and the
-- login role it connects as.
CREATE TABLE IF NOT EXISTS schakel_hub.partner (
    partner_id uuid PRIMARY KEY,
    role_name  name NOT NULL UNIQUE
);

-- One row per partner as a recipient: the last sequence number handed out (the counter row
-- every post to that recipient locks) and the name of its NOTIFY channel, random so that
-- other partners cannot LISTEN to it (LISTEN has no privilege check in PostgreSQL).
CREATE TABLE IF NOT EXISTS schakel_hub.mailbox (
    recipient uuid PRIMARY KEY REFERENCES schakel_hub.partner (partner_id) ON DELETE CASCADE,
    last_seq  bigint NOT NULL DEFAULT 0 CHECK (last_seq >= 0),
    channel   text NOT NULL UNIQUE CHECK (channel ~ '^schakel_hub_[0-9a-f]{32}$')
);

-- The envelopes waiting for their recipient. `body` is the sealed envelope as its sender
-- made it (age-encrypted, signed inside); the hub never sees anything else of it.
CREATE TABLE IF NOT EXISTS schakel_hub.envelope (
    recipient   uuid NOT NULL REFERENCES schakel_hub.mailbox (recipient) ON DELETE CASCADE,
    seq         bigint NOT NULL CHECK (seq > 0),
    sender      uuid NOT NULL REFERENCES schakel_hub.partner (partner_id) ON DELETE CASCADE,
    envelope_id uuid NOT NULL,
    size        integer NOT NULL CHECK (size BETWEEN 1 AND 16777216),
    posted_at   timestamptz NOT NULL,
    body        bytea NOT NULL CHECK (octet_length(body) = size),
    PRIMARY KEY (recipient, seq),
    UNIQUE (recipient, sender, envelope_id)
);

ALTER TABLE schakel_hub.meta OWNER TO schakel_hub_owner;
ALTER TABLE schakel_hub.partner OWNER TO schakel_hub_owner;
ALTER TABLE schakel_hub.mailbox OWNER TO schakel_hub_owner;
ALTER TABLE schakel_hub.envelope OWNER TO schakel_hub_owner;
REVOKE ALL ON schakel_hub.meta, schakel_hub.partner, schakel_hub.mailbox, schakel_hub.envelope
    FROM PUBLIC, schakel_hub_partner;

INSERT INTO schakel_hub.meta (key, value) VALUES ('schema_version', '1')
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;

-- The partner that the session belongs to: the login role (session_user), which SET ROLE
-- cannot change; NULL for any role that is not a partner.
CREATE OR REPLACE FUNCTION schakel_hub.current_partner() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT partner_id FROM schakel_hub.partner WHERE role_name = session_user
$$;

-- Row-level security, forced so that it holds for the owner too (and so for the SECURITY
-- DEFINER functions). A partner sees and deletes only the envelopes addressed to it; it
-- has no INSERT or UPDATE right at all and posts through post_envelope. The owner may read
-- (the re-post check) and insert (post_envelope), never update.
ALTER TABLE schakel_hub.envelope ENABLE ROW LEVEL SECURITY;
ALTER TABLE schakel_hub.envelope FORCE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS recipient_reads ON schakel_hub.envelope;
DROP POLICY IF EXISTS recipient_deletes ON schakel_hub.envelope;
DROP POLICY IF EXISTS owner_reads ON schakel_hub.envelope;
DROP POLICY IF EXISTS owner_inserts ON schakel_hub.envelope;
CREATE POLICY recipient_reads ON schakel_hub.envelope FOR SELECT TO schakel_hub_partner
    USING (recipient = schakel_hub.current_partner());
CREATE POLICY recipient_deletes ON schakel_hub.envelope FOR DELETE TO schakel_hub_partner
    USING (recipient = schakel_hub.current_partner());
CREATE POLICY owner_reads ON schakel_hub.envelope FOR SELECT TO schakel_hub_owner
    USING (true);
CREATE POLICY owner_inserts ON schakel_hub.envelope FOR INSERT TO schakel_hub_owner
    WITH CHECK (sender = schakel_hub.current_partner());
GRANT SELECT, DELETE ON schakel_hub.envelope TO schakel_hub_partner;

-- Posting. The sender is the calling partner (never an argument). The recipient's counter
-- row is locked until the transaction ends, so the next post to that recipient waits and
-- numbers are handed out, and committed, in order: 1, 2, 3, … without gaps (a post that
-- fails rolls its number back with it). Posting the same envelope id from the same sender
-- to the same recipient again returns the first post's number and adds nothing, as long
-- as that envelope is still in the mailbox. Only an empty NOTIFY on the recipient's
-- channel says that something arrived.
CREATE OR REPLACE FUNCTION schakel_hub.post_envelope(recipient uuid, envelope_id uuid, body bytea)
    RETURNS bigint
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_sender   uuid := schakel_hub.current_partner();
    v_seq      bigint;
    v_channel  text;
    v_existing bigint;
    v_same     boolean;
BEGIN
    IF v_sender IS NULL THEN
        RAISE EXCEPTION 'the role % is not a partner of this hub', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF post_envelope.body IS NULL OR octet_length(post_envelope.body) = 0
        OR octet_length(post_envelope.body) > 16777216 THEN
        RAISE EXCEPTION 'an envelope has 1 to 16777216 bytes' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF post_envelope.envelope_id IS NULL THEN
        RAISE EXCEPTION 'an envelope needs an id' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    SELECT m.last_seq, m.channel INTO v_seq, v_channel
        FROM schakel_hub.mailbox m WHERE m.recipient = post_envelope.recipient
        FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the recipient % is not a partner of this hub', post_envelope.recipient
            USING ERRCODE = 'foreign_key_violation';
    END IF;

    SELECT e.seq, e.body = post_envelope.body INTO v_existing, v_same
        FROM schakel_hub.envelope e
        WHERE e.recipient = post_envelope.recipient AND e.sender = v_sender
          AND e.envelope_id = post_envelope.envelope_id;
    IF FOUND THEN
        IF v_same THEN
            RETURN v_existing;
        END IF;
        RAISE EXCEPTION 'envelope % was posted before with other contents', post_envelope.envelope_id
            USING ERRCODE = 'unique_violation';
    END IF;

    v_seq := v_seq + 1;
    UPDATE schakel_hub.mailbox m SET last_seq = v_seq WHERE m.recipient = post_envelope.recipient;
    INSERT INTO schakel_hub.envelope (recipient, seq, sender, envelope_id, size, posted_at, body)
        VALUES (post_envelope.recipient, v_seq, v_sender, post_envelope.envelope_id,
                octet_length(post_envelope.body), clock_timestamp(), post_envelope.body);
    PERFORM pg_notify(v_channel, '');
    RETURN v_seq;
END
$$;

-- Receipt: the recipient deletes its envelopes up to a sequence number once it has stored
-- them. Runs as the caller, so row-level security applies as well.
CREATE OR REPLACE FUNCTION schakel_hub.ack(up_to bigint) RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp
AS $$
    WITH gone AS (
        DELETE FROM schakel_hub.envelope e
        WHERE e.recipient = schakel_hub.current_partner() AND e.seq <= ack.up_to
        RETURNING 1
    )
    SELECT count(*) FROM gone
$$;

-- How many envelopes wait for the caller.
CREATE OR REPLACE FUNCTION schakel_hub.pending() RETURNS bigint
    LANGUAGE sql STABLE SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT count(*) FROM schakel_hub.envelope e WHERE e.recipient = schakel_hub.current_partner()
$$;

-- The schema version, for clients to check they understand this hub.
CREATE OR REPLACE FUNCTION schakel_hub.schema_version() RETURNS integer
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT value::integer FROM schakel_hub.meta WHERE key = 'schema_version'
$$;

-- The caller's own NOTIFY channel (NULL for a role that is not a partner).
CREATE OR REPLACE FUNCTION schakel_hub.my_channel() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
AS $$
    SELECT m.channel FROM schakel_hub.mailbox m WHERE m.recipient = schakel_hub.current_partner()
$$;

-- For the administrator only (not SECURITY DEFINER: it needs the caller's CREATEROLE).
-- Makes the partner's login role with the given SCRAM verifier (computed by the client, so
-- the password itself never reaches the server), or sets a new one for a partner that is
-- already there. A role that exists but is not this partner's is never taken over.
CREATE OR REPLACE FUNCTION schakel_hub.add_partner(partner uuid, role_name text, verifier text)
    RETURNS boolean
    LANGUAGE plpgsql VOLATILE SECURITY INVOKER
    SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_role name;
    v_partner uuid;
BEGIN
    IF add_partner.role_name !~ '^[a-z][a-z0-9_]{0,62}$' OR add_partner.role_name ~ '^(pg_|schakel_hub_)' THEN
        RAISE EXCEPTION 'role name: lower-case letters, digits and _, at most 63, not pg_… or schakel_hub_…'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF add_partner.verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
        RAISE EXCEPTION 'not a SCRAM-SHA-256 verifier' USING ERRCODE = 'invalid_parameter_value';
    END IF;

    SELECT p.role_name INTO v_role FROM schakel_hub.partner p WHERE p.partner_id = add_partner.partner;
    SELECT p.partner_id INTO v_partner FROM schakel_hub.partner p WHERE p.role_name = add_partner.role_name;
    IF v_role IS NOT NULL AND v_role <> add_partner.role_name THEN
        RAISE EXCEPTION 'partner % already connects as another role', add_partner.partner
            USING ERRCODE = 'unique_violation';
    END IF;
    IF v_partner IS NOT NULL AND v_partner <> add_partner.partner THEN
        RAISE EXCEPTION 'role % belongs to another partner', add_partner.role_name
            USING ERRCODE = 'unique_violation';
    END IF;

    IF v_role IS NOT NULL THEN
        EXECUTE format('ALTER ROLE %I PASSWORD %L', add_partner.role_name, add_partner.verifier);
        RETURN false;
    END IF;
    IF EXISTS (SELECT FROM pg_roles r WHERE r.rolname = add_partner.role_name) THEN
        RAISE EXCEPTION 'a role % exists already and is not a partner of this hub', add_partner.role_name
            USING ERRCODE = 'duplicate_object';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS '
                   'CONNECTION LIMIT 16 PASSWORD %L IN ROLE schakel_hub_partner',
                   add_partner.role_name, add_partner.verifier);
    INSERT INTO schakel_hub.partner (partner_id, role_name) VALUES (add_partner.partner, add_partner.role_name);
    INSERT INTO schakel_hub.mailbox (recipient, last_seq, channel)
        VALUES (add_partner.partner, 0, 'schakel_hub_' || replace(gen_random_uuid()::text, '-', ''));
    RETURN true;
END
$$;

ALTER FUNCTION schakel_hub.current_partner() OWNER TO schakel_hub_owner;
ALTER FUNCTION schakel_hub.post_envelope(uuid, uuid, bytea) OWNER TO schakel_hub_owner;
ALTER FUNCTION schakel_hub.ack(bigint) OWNER TO schakel_hub_owner;
ALTER FUNCTION schakel_hub.pending() OWNER TO schakel_hub_owner;
ALTER FUNCTION schakel_hub.my_channel() OWNER TO schakel_hub_owner;
ALTER FUNCTION schakel_hub.schema_version() OWNER TO schakel_hub_owner;
REVOKE ALL ON FUNCTION schakel_hub.current_partner(), schakel_hub.post_envelope(uuid, uuid, bytea),
    schakel_hub.ack(bigint), schakel_hub.pending(), schakel_hub.my_channel(),
    schakel_hub.schema_version(), schakel_hub.add_partner(uuid, text, text)
    FROM PUBLIC;
GRANT EXECUTE ON FUNCTION schakel_hub.current_partner(), schakel_hub.post_envelope(uuid, uuid, bytea),
    schakel_hub.ack(bigint), schakel_hub.pending(), schakel_hub.my_channel(),
    schakel_hub.schema_version()
    TO schakel_hub_partner;
