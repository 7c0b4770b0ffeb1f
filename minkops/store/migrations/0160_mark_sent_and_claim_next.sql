-- Issue 13, round 4: the outbound member records a send and claims that recipient's next
-- due row in one statement, so draining n rows costs n + 1 round trips, not 2n + 1 (a
-- claim, then per row mark_sent and a claim that usually found nothing).
--
-- It is exactly minkops_mark_sent followed by minkops_claim_head, in one implicit
-- transaction, running as the caller (row-level security applies) with the organization
-- set first, as both do. The one difference is the order of locks: the recipient's
-- advisory lock is taken first, before mark_sent locks the row. A claimer of the same
-- recipient takes the advisory lock and then the head row's lock (renewing an expired
-- lease); taking them here in the other order could deadlock with it.
--
-- Everything else is the two functions' own: a status callback that got there first keeps
-- its status and error (63016), a SID already recorded is kept and returned (the caller
-- compares, to notice a duplicate), and the claim reads a fresh snapshot after the lock,
-- so only the recipient's oldest unsettled row is claimed, leased, with the 24-hour
-- window's facts. No next row: the claim columns are NULL.
CREATE FUNCTION minkops_mark_sent_and_claim_next(p_org_id bigint, p_outbox_id bigint,
                                                 p_sid text, p_now timestamptz,
                                                 p_recipient text, p_lease interval,
                                                 p_unsettled text[])
    RETURNS TABLE (recorded text, head outbox, due boolean, last_inbound timestamptz,
                   language text)
    LANGUAGE plpgsql VOLATILE
    AS $$
    DECLARE
        v_recorded text;
    BEGIN
        PERFORM set_config('minkops.org_id', coalesce(p_org_id::text, ''), true);
        PERFORM pg_advisory_xact_lock(hashtextextended(p_recipient, 0));
        v_recorded := minkops_mark_sent(p_org_id, p_outbox_id, p_sid, p_now, p_unsettled);
        -- One row whatever the claim finds (the recorded SID is always wanted).
        RETURN QUERY
            SELECT v_recorded, c.head, c.due, c.last_inbound, c.language
            FROM (SELECT) AS one
            LEFT JOIN minkops_claim_head(p_org_id, p_recipient, p_now, p_lease, p_unsettled) c
                ON true;
    END
    $$;

REVOKE ALL ON FUNCTION minkops_mark_sent_and_claim_next(bigint, bigint, text, timestamptz, text,
                                                        interval, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_mark_sent_and_claim_next(bigint, bigint, text, timestamptz,
                                                           text, interval, text[])
    TO minkops_app;
