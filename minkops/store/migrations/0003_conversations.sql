-- Conversation context per member, at most 24 hours (sliding). The org actor keeps it in
-- memory and writes it in the same transaction as the outcome of each message, so a
-- passivated or restarted actor continues the conversation.

CREATE TABLE conversations (
    org_id      bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    member_id   bigint NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    turns       jsonb NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (org_id, member_id)
);
CREATE INDEX conversations_expiry ON conversations (expires_at);

ALTER TABLE conversations ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_org ON conversations
    USING (org_id = minkops_current_org()) WITH CHECK (org_id = minkops_current_org());
GRANT SELECT, INSERT, UPDATE, DELETE ON conversations TO minkops_app;

-- Housekeeping across organizations: nothing older than 24 hours survives it.
-- Expired conversations go; inbound bodies (message text, transcripts, media URLs) of
-- processed messages older than 24 hours are blanked, keeping the MessageSid for dedup.
CREATE FUNCTION minkops_purge_expired()
    RETURNS TABLE (conversations integer, inbound integer)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    DECLARE
        purged_conversations integer;
        purged_inbound integer;
    BEGIN
        DELETE FROM conversations c WHERE c.expires_at <= now();
        GET DIAGNOSTICS purged_conversations = ROW_COUNT;
        UPDATE inbox i SET form = '{}'::jsonb
        WHERE i.processed_at IS NOT NULL
          AND i.received_at <= now() - interval '24 hours'
          AND i.form <> '{}'::jsonb;
        GET DIAGNOSTICS purged_inbound = ROW_COUNT;
        RETURN QUERY SELECT purged_conversations, purged_inbound;
    END
    $$;

REVOKE ALL ON FUNCTION minkops_purge_expired() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_purge_expired() TO minkops_app;
