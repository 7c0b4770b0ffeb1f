-- Organizations, members, tasks, inbox and outbox, isolated per organization by
-- row-level security. The service runs as minkops_app (SET ROLE at connect), which
-- does not own the tables, so the policies bind it. The only ways across
-- organizations are the SECURITY DEFINER functions at the end, each narrow.

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'minkops_app') THEN
        CREATE ROLE minkops_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;

DO $$
BEGIN
    -- The login role must be able to SET ROLE minkops_app (superusers always can).
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT minkops_app TO %I', current_user);
    END IF;
END
$$;

-- The organization a transaction acts for: SET LOCAL by the service per transaction.
CREATE FUNCTION minkops_current_org() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('minkops.org_id', true), '')::bigint $$;

CREATE TABLE organizations (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    city        text,
    country     text CHECK (country ~ '^[A-Z]{2}$'),
    timezone    text NOT NULL,
    language    text NOT NULL DEFAULT 'en',
    email       text,
    plan        text NOT NULL DEFAULT 'free',
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE members (
    id          bigserial PRIMARY KEY,
    org_id      bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- A phone belongs to at most one organization for now: it is how we know who writes.
    phone       text NOT NULL UNIQUE CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    role        text NOT NULL CHECK (role IN ('admin', 'staff')),
    language    text NOT NULL DEFAULT 'en',
    delivery    text NOT NULL DEFAULT 'text' CHECK (delivery IN ('text', 'voice')),
    opted_out   boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX members_org ON members (org_id);

CREATE TABLE tasks (
    id            bigserial PRIMARY KEY,
    org_id        bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    number        integer NOT NULL CHECK (number > 0),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    assignee_id   bigint REFERENCES members (id) ON DELETE SET NULL,
    status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    due_at        timestamptz,
    created_by    bigint REFERENCES members (id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    completed_at  timestamptz,
    completed_by  bigint REFERENCES members (id) ON DELETE SET NULL,
    UNIQUE (org_id, number)
);

-- Every inbound webhook, once: MessageSid is the dedup key (Twilio retries).
CREATE TABLE inbox (
    id            bigserial PRIMARY KEY,
    message_sid   text NOT NULL UNIQUE,
    org_id        bigint REFERENCES organizations (id) ON DELETE CASCADE,
    sender        text NOT NULL,
    form          jsonb NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    processed_at  timestamptz
);
CREATE INDEX inbox_unprocessed ON inbox (id) WHERE processed_at IS NULL;

-- Every outbound message is a row before it is sent; org_id NULL for replies to strangers.
CREATE TABLE outbox (
    id               bigserial PRIMARY KEY,
    org_id           bigint REFERENCES organizations (id) ON DELETE CASCADE,
    idempotency_key  text NOT NULL UNIQUE,
    recipient        text NOT NULL CHECK (recipient ~ '^\+[1-9][0-9]{6,14}$'),
    body             text NOT NULL,
    status           text NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'sent', 'delivered', 'read', 'failed', 'undelivered')),
    twilio_sid       text UNIQUE,
    error_code       integer,
    error_message    text,
    attempts         integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE status = 'pending';

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE members ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE inbox ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;

CREATE POLICY own_org ON organizations
    USING (id = minkops_current_org()) WITH CHECK (id = minkops_current_org());
CREATE POLICY own_org ON members
    USING (org_id = minkops_current_org()) WITH CHECK (org_id = minkops_current_org());
CREATE POLICY own_org ON tasks
    USING (org_id = minkops_current_org()) WITH CHECK (org_id = minkops_current_org());
-- Rows of no organization (strangers) are seen only with no organization set.
CREATE POLICY own_org ON inbox
    USING (org_id IS NOT DISTINCT FROM minkops_current_org())
    WITH CHECK (org_id IS NOT DISTINCT FROM minkops_current_org());
CREATE POLICY own_org ON outbox
    USING (org_id IS NOT DISTINCT FROM minkops_current_org())
    WITH CHECK (org_id IS NOT DISTINCT FROM minkops_current_org());

GRANT SELECT, INSERT, UPDATE, DELETE ON organizations, members, tasks, inbox, outbox TO minkops_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO minkops_app;

-- Who is this phone? The one lookup that must cross organizations.
CREATE FUNCTION minkops_member_by_phone(p_phone text)
    RETURNS TABLE (org_id bigint, member_id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT m.org_id, m.id FROM members m WHERE m.phone = p_phone $$;

-- Record an inbound message once, under its sender's organization (NULL for strangers).
-- Atomic: concurrent copies of one MessageSid insert exactly one row.
CREATE FUNCTION minkops_accept_inbound(p_message_sid text, p_sender text, p_form jsonb)
    RETURNS TABLE (inbox_id bigint, org_id bigint)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        INSERT INTO inbox (message_sid, org_id, sender, form)
        VALUES (p_message_sid,
                (SELECT m.org_id FROM members m WHERE m.phone = p_sender),
                p_sender, p_form)
        ON CONFLICT (message_sid) DO NOTHING
        RETURNING id, inbox.org_id
    $$;

-- Inbound rows accepted but never acted on (a crash between the 200 and the work).
CREATE FUNCTION minkops_unprocessed_inbound()
    RETURNS TABLE (inbox_id bigint, message_sid text, org_id bigint, sender text, form jsonb,
                   received_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT i.id, i.message_sid, i.org_id, i.sender, i.form, i.received_at
        FROM inbox i WHERE i.processed_at IS NULL ORDER BY i.id
    $$;

REVOKE ALL ON FUNCTION minkops_member_by_phone(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION minkops_accept_inbound(text, text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION minkops_unprocessed_inbound() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_member_by_phone(text) TO minkops_app;
GRANT EXECUTE ON FUNCTION minkops_accept_inbound(text, text, jsonb) TO minkops_app;
GRANT EXECUTE ON FUNCTION minkops_unprocessed_inbound() TO minkops_app;

-- Outbox rows never sent (a crash or a transient Twilio failure), oldest first.
CREATE FUNCTION minkops_pending_outbox()
    RETURNS TABLE (outbox_id bigint, org_id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT o.id, o.org_id FROM outbox o WHERE o.status = 'pending' ORDER BY o.id $$;

-- Twilio's status callback names the message by its SID, not by organization.
CREATE FUNCTION minkops_record_status(p_twilio_sid text, p_status text, p_error_code integer)
    RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        UPDATE outbox SET status = p_status, error_code = coalesce(p_error_code, error_code)
        WHERE twilio_sid = p_twilio_sid
          -- statuses only move forward: a late 'sent' never undoes 'delivered'
          AND array_position(ARRAY['pending','sent','delivered','read'], status)
              < coalesce(array_position(ARRAY['pending','sent','delivered','read'], p_status), 99)
        RETURNING true
    $$;

REVOKE ALL ON FUNCTION minkops_pending_outbox() FROM PUBLIC;
REVOKE ALL ON FUNCTION minkops_record_status(text, text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_pending_outbox() TO minkops_app;
GRANT EXECUTE ON FUNCTION minkops_record_status(text, text, integer) TO minkops_app;
