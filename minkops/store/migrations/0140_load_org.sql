-- An org actor's activation in one round trip (see store/activation.py). It used to take
-- three transactions and ~14 round trips (the organization, members, open tasks, the last
-- task number, reminders and their last number; the unexpired conversations; the
-- unfinished inbox rows), each transaction queued for a pooled connection of its own.
-- Like minkops_claim_head it runs as the caller (row-level security applies), alone in its
-- own implicit transaction, and sets the organization first, for this transaction only.
-- One statement reads it all, so it reads one snapshot. Always one row: a missing
-- organization comes back as a NULL org_row (the actor then holds no state).
CREATE FUNCTION minkops_load_org(p_org_id bigint)
    RETURNS TABLE (org_row organizations, member_rows members[], task_rows tasks[],
                   last_task integer, reminder_rows reminders[], last_reminder integer,
                   conversation_rows conversations[], inbox_rows inbox[])
    LANGUAGE plpgsql VOLATILE
    AS $$
    BEGIN
        PERFORM set_config('minkops.org_id', coalesce(p_org_id::text, ''), true);
        RETURN QUERY SELECT
            (SELECT o FROM organizations o WHERE o.id = p_org_id),
            ARRAY(SELECT m FROM members m WHERE m.org_id = p_org_id ORDER BY m.id),
            ARRAY(SELECT t FROM tasks t WHERE t.org_id = p_org_id AND t.status = 'open'
                  ORDER BY t.number),
            (SELECT coalesce(max(t.number), 0) FROM tasks t WHERE t.org_id = p_org_id),
            ARRAY(SELECT r FROM reminders r WHERE r.org_id = p_org_id
                  AND r.status IN ('active', 'paused') ORDER BY r.number),
            (SELECT coalesce(max(r.number), 0) FROM reminders r WHERE r.org_id = p_org_id),
            ARRAY(SELECT c FROM conversations c WHERE c.org_id = p_org_id
                  AND c.expires_at > now()),
            -- Quarantined rows are the sweeper's: it hands them over for an apology.
            ARRAY(SELECT i FROM inbox i WHERE i.org_id = p_org_id AND i.processed_at IS NULL
                  AND i.quarantined_at IS NULL ORDER BY i.id);
    END
    $$;

REVOKE ALL ON FUNCTION minkops_load_org(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_load_org(bigint) TO minkops_app;
