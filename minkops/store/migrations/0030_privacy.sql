-- The privacy policy, kept by the database where the database is the one place:
-- 1. The outbound gate. Every outbound message is an outbox row first, whoever writes it
--    (replies, task notices, reminders, voice notes, announcements, split parts): a row to
--    a number that wrote STOP, or of an organization that was terminated, is never
--    written. What a handler says *before* it records the opt-out or the termination in
--    the same transaction (the STOP confirmation, the one notice of termination) still goes.
-- 2. Terminated organizations: when, so retention can purge them 30 days later.
-- 3. Export links: single use, short-lived; only a hash of the token is kept.
-- 4. Policy announcements: who was told, once per announcement.
-- 6. Sign-ups in progress (a number no organization knows yet): no organization, so they
--    are visible only to transactions acting for no organization; kept 24 hours at most.
-- 5. Retention on demand, as of any time: context, inbound bodies, spent export links,
--    terminated organizations past their grace (ON DELETE CASCADE takes every org row).

-- 1 ------------------------------------------------------------------------------------------
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'reply';

CREATE FUNCTION minkops_outbox_gate() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM members m WHERE m.phone = NEW.recipient AND m.opted_out) THEN
            RETURN NULL;
        END IF;
        IF NEW.org_id IS NOT NULL AND EXISTS (
            SELECT 1 FROM organizations o WHERE o.id = NEW.org_id AND o.status = 'closed'
        ) THEN
            RETURN NULL;
        END IF;
        RETURN NEW;
    END
    $$;
ALTER FUNCTION minkops_outbox_gate() OWNER TO minkops_definer;
REVOKE ALL ON FUNCTION minkops_outbox_gate() FROM PUBLIC;

CREATE TRIGGER outbox_gate BEFORE INSERT ON outbox
    FOR EACH ROW EXECUTE FUNCTION minkops_outbox_gate();

-- 2 ------------------------------------------------------------------------------------------
ALTER TABLE organizations ADD COLUMN terminated_at timestamptz;

-- 3 ------------------------------------------------------------------------------------------
CREATE TABLE export_links (
    token_hash  text PRIMARY KEY,
    org_id      bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    member_id   bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX export_links_org ON export_links (org_id);

-- 4 ------------------------------------------------------------------------------------------
CREATE TABLE policy_notices (
    org_id        bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    announcement  text NOT NULL,
    member_id     bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    told_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (org_id, announcement, member_id)
);

DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT unnest(ARRAY['export_links', 'policy_notices'])
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY own_org ON %I USING (org_id = minkops_current_org())'
                       ' WITH CHECK (org_id = minkops_current_org())', t);
        EXECUTE format('CREATE POLICY across_orgs ON %I TO minkops_definer'
                       ' USING (true) WITH CHECK (true)', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO minkops_app, minkops_definer', t);
    END LOOP;
END
$$;

-- A link is claimed once: the first GET takes it, within its lifetime.
CREATE FUNCTION minkops_claim_export(p_token_hash text, p_now timestamptz)
    RETURNS TABLE (org_id bigint, member_id bigint)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        UPDATE export_links e SET used_at = p_now
        WHERE e.token_hash = p_token_hash AND e.used_at IS NULL AND e.expires_at > p_now
        RETURNING e.org_id, e.member_id
    $$;

-- The organizations whose admins an announcement is for (every one not terminated).
CREATE FUNCTION minkops_active_org_ids()
    RETURNS SETOF bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT o.id FROM organizations o WHERE o.status <> 'closed' ORDER BY o.id $$;

-- 6 ------------------------------------------------------------------------------------------
CREATE TABLE sign_ups (
    phone       text PRIMARY KEY CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    state       jsonb NOT NULL,
    expires_at  timestamptz NOT NULL
);
ALTER TABLE sign_ups ENABLE ROW LEVEL SECURITY;
ALTER TABLE sign_ups FORCE ROW LEVEL SECURITY;
CREATE POLICY no_org ON sign_ups
    USING (minkops_current_org() IS NULL) WITH CHECK (minkops_current_org() IS NULL);
CREATE POLICY across_orgs ON sign_ups TO minkops_definer USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE, DELETE ON sign_ups TO minkops_app, minkops_definer;

-- 5 ------------------------------------------------------------------------------------------
CREATE FUNCTION minkops_retention(p_as_of timestamptz, p_grace interval)
    RETURNS TABLE (job text, removed bigint)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    DECLARE
        n bigint;
    BEGIN
        DELETE FROM conversations c WHERE c.expires_at <= p_as_of;
        GET DIAGNOSTICS n = ROW_COUNT;
        job := 'conversations'; removed := n; RETURN NEXT;

        UPDATE inbox i SET message = jsonb_build_object('sid', i.message_sid, 'sender', i.sender)
        WHERE i.processed_at IS NOT NULL
          AND i.received_at <= p_as_of - interval '24 hours'
          AND i.message ?| ARRAY['text', 'attachments', 'profile_name'];
        GET DIAGNOSTICS n = ROW_COUNT;
        job := 'inbound_bodies'; removed := n; RETURN NEXT;

        DELETE FROM export_links e WHERE e.expires_at <= p_as_of OR e.used_at IS NOT NULL;
        GET DIAGNOSTICS n = ROW_COUNT;
        job := 'export_links'; removed := n; RETURN NEXT;

        -- What was sent to someone no longer in the organization (removed, or erased at
        -- their request: the confirmation of their deletion is the last such row).
        DELETE FROM outbox o
        WHERE o.org_id IS NOT NULL AND o.status NOT IN ('pending', 'sending')
          AND NOT EXISTS (SELECT 1 FROM members m
                          WHERE m.org_id = o.org_id AND m.phone = o.recipient);
        GET DIAGNOSTICS n = ROW_COUNT;
        job := 'outbox_to_former_members'; removed := n; RETURN NEXT;

        -- Sign-ups left half-way, and what was said to strangers (a day's explanation).
        DELETE FROM sign_ups s WHERE s.expires_at <= p_as_of;
        GET DIAGNOSTICS n = ROW_COUNT;
        job := 'sign_ups'; removed := n; RETURN NEXT;

        DELETE FROM outbox o
        WHERE o.org_id IS NULL AND o.status NOT IN ('pending', 'sending')
          AND o.created_at <= p_as_of - interval '24 hours';
        GET DIAGNOSTICS n = ROW_COUNT;
        job := 'outbox_to_strangers'; removed := n; RETURN NEXT;

        -- Every row of every table that references the organization goes with it (CASCADE).
        DELETE FROM organizations o
        WHERE o.status = 'closed' AND o.terminated_at IS NOT NULL
          AND o.terminated_at <= p_as_of - p_grace;
        GET DIAGNOSTICS n = ROW_COUNT;
        job := 'terminated_organizations'; removed := n; RETURN NEXT;
    END
    $$;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT unnest(ARRAY[
        'minkops_claim_export(text, timestamptz)'::regprocedure,
        'minkops_active_org_ids()'::regprocedure,
        'minkops_retention(timestamptz, interval)'::regprocedure])
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO minkops_definer', f);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO minkops_app', f);
    END LOOP;
END
$$;
