-- Exactly-once delivery through the outbox. Twilio's Messages API takes no idempotency
-- key, so a row is marked 'sending' (committed) before messages.create and 'sent' with
-- the SID after. A row still 'sending' when its lease runs out is ambiguous: the sender
-- looks for it at Twilio (list by recipient) before it sends again.
--
-- next_attempt_at is when someone should look at the row next:
--   pending: NULL (now) or the end of a retry backoff;
--   sending: the end of the lease, or of a backoff after an attempt with no answer.

ALTER TABLE outbox
    ADD COLUMN sending_at timestamptz,
    ADD COLUMN next_attempt_at timestamptz;

ALTER TABLE outbox DROP CONSTRAINT outbox_status_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'undelivered'));
ALTER TABLE outbox ADD CONSTRAINT outbox_sending_since
    CHECK (status <> 'sending' OR sending_at IS NOT NULL);

-- Unsettled rows per recipient, oldest first: the head of each recipient's queue.
CREATE INDEX outbox_unsettled ON outbox (org_id, recipient, id)
    WHERE status IN ('pending', 'sending');

-- Statuses only move forward. Terminal outcomes share a rank, so a late 'delivered'
-- never overrides 'failed' and the other way round; 'read' follows 'delivered'.
CREATE FUNCTION minkops_outbox_rank(p_status text) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$
        SELECT CASE p_status
            WHEN 'pending' THEN 0
            WHEN 'sending' THEN 1
            WHEN 'sent' THEN 2
            WHEN 'delivered' THEN 3
            WHEN 'undelivered' THEN 3
            WHEN 'failed' THEN 3
            WHEN 'read' THEN 4
        END
    $$;

-- Rows not yet settled (start-up resume): a 'sending' row is reconciled once its lease ends.
CREATE OR REPLACE FUNCTION minkops_pending_outbox()
    RETURNS TABLE (outbox_id bigint, org_id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT o.id, o.org_id FROM outbox o
        WHERE o.status IN ('pending', 'sending') ORDER BY o.id
    $$;

-- The sweep: recipients whose oldest unsettled row is due, across organizations. Only the
-- head counts: a later row is never sent while an older one to the same person waits.
CREATE FUNCTION minkops_due_outbox(p_now timestamptz, p_limit integer)
    RETURNS TABLE (org_id bigint, recipient text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT h.org_id, h.recipient
        FROM (
            SELECT DISTINCT ON (o.org_id, o.recipient) o.id, o.org_id, o.recipient,
                   o.next_attempt_at
            FROM outbox o
            WHERE o.status IN ('pending', 'sending')
            ORDER BY o.org_id, o.recipient, o.id
        ) h
        WHERE h.next_attempt_at IS NULL OR h.next_attempt_at <= p_now
        ORDER BY h.id
        LIMIT p_limit
    $$;

-- Twilio's status callback names the message by SID and, through the callback URL, by our
-- idempotency key. The key settles a row whose send had no answer (still 'sending', or
-- 'pending' after a 5xx that Twilio had in fact accepted). Returns NULL for an unknown
-- message, 'unchanged' for a status that would move backwards, else 'updated'.
CREATE FUNCTION minkops_record_delivery(
    p_twilio_sid text, p_key text, p_status text, p_error_code integer, p_error_message text
)
    RETURNS text
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
    DECLARE
        v_id bigint;
        v_status text;
    BEGIN
        SELECT o.id, o.status INTO v_id, v_status
        FROM outbox o
        WHERE o.twilio_sid = p_twilio_sid
           OR (p_key IS NOT NULL AND o.idempotency_key = p_key AND o.twilio_sid IS NULL)
        ORDER BY o.twilio_sid IS NULL
        LIMIT 1
        FOR UPDATE;
        IF NOT FOUND THEN
            RETURN NULL;
        END IF;
        IF minkops_outbox_rank(p_status) IS NULL
           OR minkops_outbox_rank(p_status) <= minkops_outbox_rank(v_status) THEN
            RETURN 'unchanged';
        END IF;
        UPDATE outbox SET
            status = p_status,
            twilio_sid = p_twilio_sid,
            sent_at = coalesce(sent_at, now()),
            next_attempt_at = NULL,
            error_code = CASE WHEN p_status IN ('failed', 'undelivered') THEN p_error_code END,
            error_message = CASE WHEN p_status IN ('failed', 'undelivered') THEN p_error_message END
        WHERE id = v_id;
        RETURN 'updated';
    END
    $$;

-- Replaced by minkops_record_delivery, which also settles rows by key.
DROP FUNCTION minkops_record_status(text, text, integer);

REVOKE ALL ON FUNCTION minkops_due_outbox(timestamptz, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION minkops_record_delivery(text, text, text, integer, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_due_outbox(timestamptz, integer) TO minkops_app;
GRANT EXECUTE ON FUNCTION minkops_record_delivery(text, text, text, integer, text)
    TO minkops_app;
