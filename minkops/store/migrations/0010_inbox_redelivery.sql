-- Nothing acknowledged is ever lost (issue 8):
-- 1. A delivery of a MessageSid already accepted but not yet processed is handed over again.
-- 2. An inbox sweeper re-delivers rows left unprocessed past a deadline, with a backoff per
--    row; after N attempts a row is quarantined (the person gets an apology).

ALTER TABLE inbox
    ADD COLUMN attempts        integer NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN quarantined_at  timestamptz;

CREATE INDEX inbox_unprocessed_received ON inbox (received_at) WHERE processed_at IS NULL;

-- The accepted, unprocessed row of a MessageSid (any organization), or nothing.
CREATE FUNCTION minkops_unfinished_inbound(p_message_sid text)
    RETURNS TABLE (inbox_id bigint, org_id bigint, message jsonb, received_at timestamptz)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT i.id, i.org_id, i.message, i.received_at FROM inbox i
        WHERE i.message_sid = p_message_sid AND i.processed_at IS NULL
    $$;

-- Rows unprocessed for longer than p_after and due again: their attempt is counted and the
-- next one pushed back (p_base doubling, at most p_max), oldest first. Quarantined rows
-- come back too (their apology may not have been committed yet).
CREATE FUNCTION minkops_overdue_inbound(p_after interval, p_base interval, p_max interval,
                                        p_limit integer)
    RETURNS TABLE (inbox_id bigint, org_id bigint, message jsonb, received_at timestamptz,
                   attempts integer, quarantined boolean)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        WITH due AS (
            SELECT i.id FROM inbox i
            WHERE i.processed_at IS NULL
              AND i.received_at <= now() - p_after
              AND coalesce(i.next_attempt_at, '-infinity') <= now()
            ORDER BY i.id LIMIT p_limit FOR UPDATE SKIP LOCKED
        )
        UPDATE inbox i SET attempts = i.attempts + 1,
            next_attempt_at = now() + least(p_max, p_base * power(2, least(i.attempts, 30)))
        FROM due WHERE i.id = due.id
        RETURNING i.id, i.org_id, i.message, i.received_at, i.attempts,
                  i.quarantined_at IS NOT NULL
    $$;

CREATE FUNCTION minkops_quarantine_inbound(p_inbox_id bigint)
    RETURNS boolean
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        UPDATE inbox SET quarantined_at = now()
        WHERE id = p_inbox_id AND processed_at IS NULL AND quarantined_at IS NULL
        RETURNING true
    $$;

-- How much is waiting, and for how long (the inbox gauge).
CREATE FUNCTION minkops_inbox_backlog()
    RETURNS TABLE (waiting bigint, oldest_seconds double precision, quarantined bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT count(*) FILTER (WHERE quarantined_at IS NULL),
               coalesce(extract(epoch FROM now() - min(received_at)
                        FILTER (WHERE quarantined_at IS NULL)), 0)::double precision,
               count(*) FILTER (WHERE quarantined_at IS NOT NULL)
        FROM inbox WHERE processed_at IS NULL
    $$;

ALTER FUNCTION minkops_unfinished_inbound(text) OWNER TO minkops_definer;
ALTER FUNCTION minkops_overdue_inbound(interval, interval, interval, integer) OWNER TO minkops_definer;
ALTER FUNCTION minkops_quarantine_inbound(bigint) OWNER TO minkops_definer;
ALTER FUNCTION minkops_inbox_backlog() OWNER TO minkops_definer;
REVOKE ALL ON FUNCTION minkops_unfinished_inbound(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION minkops_overdue_inbound(interval, interval, interval, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION minkops_quarantine_inbound(bigint) FROM PUBLIC;
REVOKE ALL ON FUNCTION minkops_inbox_backlog() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_unfinished_inbound(text) TO minkops_app;
GRANT EXECUTE ON FUNCTION minkops_overdue_inbound(interval, interval, interval, integer) TO minkops_app;
GRANT EXECUTE ON FUNCTION minkops_quarantine_inbound(bigint) TO minkops_app;
GRANT EXECUTE ON FUNCTION minkops_inbox_backlog() TO minkops_app;
