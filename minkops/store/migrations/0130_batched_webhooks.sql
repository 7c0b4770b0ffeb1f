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

-- Status callbacks in batches, each with what it sets off, in the same statement: a 63016
-- failure queues the message once more as a template (p_retry, decided by the caller's
-- rule), and a final status names the voice note to delete (p_done).
CREATE FUNCTION minkops_record_delivery_batch(
    p_sids text[], p_keys text[], p_statuses text[], p_codes integer[], p_messages text[],
    p_retry boolean[], p_done boolean[]
)
    RETURNS TABLE (n integer, outcome text, retry_outbox_id bigint, retry_org_id bigint,
                   retry_recipient text, media_token text)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    DECLARE
        i integer;
    BEGIN
        FOR i IN 1 .. coalesce(array_length(p_sids, 1), 0) LOOP
            n := i;
            outcome := minkops_record_delivery(p_sids[i], p_keys[i], p_statuses[i], p_codes[i],
                                               p_messages[i]);
            retry_outbox_id := NULL;
            retry_org_id := NULL;
            retry_recipient := NULL;
            IF p_retry[i] THEN
                SELECT r.outbox_id, r.org_id, r.recipient
                INTO retry_outbox_id, retry_org_id, retry_recipient
                FROM minkops_retry_as_template(p_sids[i]) r;
            END IF;
            media_token := CASE WHEN p_done[i] THEN minkops_media_token(p_sids[i]) END;
            RETURN NEXT;
        END LOOP;
    END
    $$;

ALTER FUNCTION minkops_record_delivery_batch(text[], text[], text[], integer[], text[], boolean[],
                                             boolean[]) OWNER TO minkops_definer;
REVOKE ALL ON FUNCTION minkops_record_delivery_batch(text[], text[], text[], integer[], text[],
                                                     boolean[], boolean[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_record_delivery_batch(text[], text[], text[], integer[], text[],
                                                        boolean[], boolean[]) TO minkops_app;
