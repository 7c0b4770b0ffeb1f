-- 1. The inbox stores the typed message the edge read (InboundMessage as JSON), not Twilio's
--    raw form: nothing past the edge reads form fields, and less is kept about people.
-- 2. A member's conversation carries the question MinkOps is waiting to have answered.
-- 3. Row-level security the table owner cannot skip: FORCE on every organization's table.
--    The few functions that must cross organizations run as minkops_definer, a role that
--    owns nothing, logs in nowhere, and is the only one with a policy across organizations.

-- 1 ------------------------------------------------------------------------------------------
ALTER TABLE inbox RENAME COLUMN form TO message;

UPDATE inbox SET message = jsonb_build_object(
    'sid', message_sid,
    'sender', sender,
    'text', coalesce(message->>'Body', ''),
    'attachments', CASE
        WHEN message ? 'MediaUrl0' THEN jsonb_build_array(jsonb_build_object(
            'url', message->>'MediaUrl0',
            'content_type', coalesce(message->>'MediaContentType0', '')))
        ELSE '[]'::jsonb END,
    'button_payload', message->>'ButtonPayload',
    'button_text', message->>'ButtonText',
    'replied_to', message->>'OriginalRepliedMessageSid',
    'location', NULL,
    'profile_name', message->>'ProfileName'
);

DROP FUNCTION minkops_accept_inbound(text, text, jsonb);
CREATE FUNCTION minkops_accept_inbound(p_message_sid text, p_sender text, p_message jsonb)
    RETURNS TABLE (inbox_id bigint, org_id bigint, received_at timestamptz)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        INSERT INTO inbox (message_sid, org_id, sender, message)
        VALUES (p_message_sid,
                (SELECT m.org_id FROM members m WHERE m.phone = p_sender),
                p_sender, p_message)
        ON CONFLICT (message_sid) DO NOTHING
        RETURNING id, inbox.org_id, inbox.received_at
    $$;

DROP FUNCTION minkops_unprocessed_inbound();
CREATE FUNCTION minkops_unprocessed_inbound()
    RETURNS TABLE (inbox_id bigint, message_sid text, org_id bigint, sender text,
                   message jsonb, received_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT i.id, i.message_sid, i.org_id, i.sender, i.message, i.received_at
        FROM inbox i WHERE i.processed_at IS NULL ORDER BY i.id
    $$;

-- What a processed message keeps after 24 hours: its MessageSid (for dedup) and sender.
CREATE OR REPLACE FUNCTION minkops_purge_expired()
    RETURNS TABLE (conversations integer, inbound integer)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    DECLARE
        purged_conversations integer;
        purged_inbound integer;
    BEGIN
        DELETE FROM conversations c WHERE c.expires_at <= now();
        GET DIAGNOSTICS purged_conversations = ROW_COUNT;
        UPDATE inbox i SET message = jsonb_build_object('sid', i.message_sid, 'sender', i.sender)
        WHERE i.processed_at IS NOT NULL
          AND i.received_at <= now() - interval '24 hours'
          AND i.message ?| ARRAY['text', 'attachments', 'profile_name'];
        GET DIAGNOSTICS purged_inbound = ROW_COUNT;
        RETURN QUERY SELECT purged_conversations, purged_inbound;
    END
    $$;

REVOKE ALL ON FUNCTION minkops_accept_inbound(text, text, jsonb) FROM PUBLIC;
REVOKE ALL ON FUNCTION minkops_unprocessed_inbound() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_accept_inbound(text, text, jsonb) TO minkops_app;
GRANT EXECUTE ON FUNCTION minkops_unprocessed_inbound() TO minkops_app;

-- 2 ------------------------------------------------------------------------------------------
ALTER TABLE conversations ADD COLUMN pending jsonb;

-- 3 ------------------------------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'minkops_definer') THEN
        CREATE ROLE minkops_definer NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
    -- To hand functions over, the migrating role must be able to act as their new owner.
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT minkops_definer TO %I', current_user);
    END IF;
END
$$;
-- A function's owner needs CREATE on its schema (PostgreSQL 15: the database owner grants it).
GRANT USAGE, CREATE ON SCHEMA public TO minkops_definer;
GRANT SELECT, INSERT, UPDATE, DELETE
    ON organizations, members, tasks, inbox, outbox, conversations TO minkops_definer;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO minkops_definer;

DO $$
DECLARE
    t text;
    f regprocedure;
BEGIN
    FOR t IN SELECT unnest(ARRAY['organizations', 'members', 'tasks', 'inbox', 'outbox',
                                 'conversations'])
    LOOP
        EXECUTE format('CREATE POLICY across_orgs ON %I TO minkops_definer'
                       ' USING (true) WITH CHECK (true)', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
    -- Every SECURITY DEFINER function of ours now runs as minkops_definer.
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND p.prosecdef AND p.proname LIKE 'minkops\_%'
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO minkops_definer', f);
    END LOOP;
END
$$;

-- When was this number last written to? (one explanation a day to a stranger)
CREATE INDEX outbox_recipient_created ON outbox (recipient, created_at);
