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

-- The outbound sender's bookkeeping, one round trip each. These run as the caller (row-level
-- security applies), alone in their own implicit transaction: the organization is set first,
-- for this transaction only, as org_transaction would.

-- Claim the oldest unsettled row to a recipient if due (see store/outbox.py, claim_head).
-- The advisory lock serializes claimers of one recipient; each statement after it reads a
-- fresh snapshot, so what the previous claimer committed is seen. A due head comes with
-- what the 24-hour rule needs: when the recipient last wrote, and their language.
CREATE FUNCTION minkops_claim_head(p_org_id bigint, p_recipient text, p_now timestamptz,
                                   p_lease interval, p_unsettled text[])
    RETURNS TABLE (head outbox, due boolean, last_inbound timestamptz, language text)
    LANGUAGE plpgsql VOLATILE
    AS $$
    DECLARE
        v_head outbox;
    BEGIN
        PERFORM set_config('minkops.org_id', coalesce(p_org_id::text, ''), true);
        PERFORM pg_advisory_xact_lock(hashtextextended(p_recipient, 0));
        SELECT * INTO v_head FROM outbox o
        WHERE o.recipient = p_recipient AND o.status = ANY(p_unsettled)
        ORDER BY o.id LIMIT 1;
        IF NOT FOUND THEN
            RETURN;
        END IF;
        head := v_head;
        due := v_head.next_attempt_at IS NULL OR v_head.next_attempt_at <= p_now;
        IF due THEN
            IF v_head.status = 'sending' THEN
                -- Only the lease is renewed: sending_at still marks the attempt to look for.
                UPDATE outbox o SET next_attempt_at = p_now + p_lease WHERE o.id = v_head.id;
            ELSE
                UPDATE outbox o SET status = 'sending', attempts = o.attempts + 1,
                    sending_at = p_now, next_attempt_at = p_now + p_lease
                WHERE o.id = v_head.id AND o.status = ANY(p_unsettled);
            END IF;
            last_inbound := (SELECT max(i.received_at) FROM inbox i WHERE i.sender = p_recipient);
            language := (SELECT m.language FROM members m WHERE m.phone = p_recipient);
        END IF;
        RETURN NEXT;
    END
    $$;

-- Record the SID Twilio gave (see store/outbox.py, mark_sent).
CREATE FUNCTION minkops_mark_sent(p_org_id bigint, p_outbox_id bigint, p_sid text,
                                  p_now timestamptz, p_unsettled text[])
    RETURNS text
    LANGUAGE plpgsql VOLATILE
    AS $$
    DECLARE
        v_sid text;
    BEGIN
        PERFORM set_config('minkops.org_id', coalesce(p_org_id::text, ''), true);
        UPDATE outbox o SET
            status = CASE WHEN o.status = ANY(p_unsettled) THEN 'sent' ELSE o.status END,
            twilio_sid = coalesce(o.twilio_sid, p_sid), sent_at = coalesce(o.sent_at, p_now),
            next_attempt_at = NULL,
            -- A callback that got there first keeps its error (63016 sets off the template).
            error_code = CASE WHEN o.status = ANY(p_unsettled) THEN NULL ELSE o.error_code END,
            error_message = CASE WHEN o.status = ANY(p_unsettled) THEN NULL
                                 ELSE o.error_message END
        WHERE o.id = p_outbox_id
        RETURNING o.twilio_sid INTO v_sid;
        RETURN v_sid;
    END
    $$;

REVOKE ALL ON FUNCTION minkops_claim_head(bigint, text, timestamptz, interval, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION minkops_mark_sent(bigint, bigint, text, timestamptz, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_claim_head(bigint, text, timestamptz, interval, text[])
    TO minkops_app;
GRANT EXECUTE ON FUNCTION minkops_mark_sent(bigint, bigint, text, timestamptz, text[])
    TO minkops_app;
