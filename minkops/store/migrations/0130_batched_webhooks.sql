-- Issue 13: webhooks accepted in batches (group commit). One call takes many messages in
-- their arrival order and runs, for each, exactly what one accept runs: the insert that
-- dedups on MessageSid and, for a MessageSid seen before, its row if not yet processed
-- (handed over again). One statement, one commit, one round trip for the whole batch.
CREATE FUNCTION minkops_accept_inbound_batch(p_sids text[], p_senders text[], p_messages jsonb[])
    RETURNS TABLE (n integer, inbox_id bigint, org_id bigint, received_at timestamptz,
                   duplicate boolean, message jsonb)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    DECLARE
        i integer;
    BEGIN
        FOR i IN 1 .. coalesce(array_length(p_sids, 1), 0) LOOP
            n := i;
            message := NULL;
            SELECT a.inbox_id, a.org_id, a.received_at INTO inbox_id, org_id, received_at
            FROM minkops_accept_inbound(p_sids[i], p_senders[i], p_messages[i]) a;
            duplicate := NOT FOUND;
            IF duplicate THEN
                SELECT u.inbox_id, u.org_id, u.received_at, u.message
                INTO inbox_id, org_id, received_at, message
                FROM minkops_unfinished_inbound(p_sids[i]) u;
            END IF;
            RETURN NEXT;
        END LOOP;
    END
    $$;

ALTER FUNCTION minkops_accept_inbound_batch(text[], text[], jsonb[]) OWNER TO minkops_definer;
REVOKE ALL ON FUNCTION minkops_accept_inbound_batch(text[], text[], jsonb[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_accept_inbound_batch(text[], text[], jsonb[]) TO minkops_app;
