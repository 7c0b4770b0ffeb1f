-- The daily digest and overdue escalation (issue 10, item 7), fired by the reminder
-- scheduler's machinery: each has a due time in UTC under a partial index, the scheduler's
-- two questions read those indexes too, and the org actor marks an occurrence fired in the
-- transaction that writes its outbox rows.
--
-- 1. org_preferences: per organization, escalation on or off and its delay.
-- 2. digests: one row per admin who asked for one, with the org-local hour and the next
--    firing in UTC; last_date (the org-local day last sent) makes a day's digest once.
-- 3. tasks: escalate_at is the next escalation step (the due time: nudge the assignee;
--    after the nudge, the due time plus the delay: tell the creator), NULL when there is
--    none; nudged_at and escalated_at record that each step went, once. A trigger keeps
--    escalate_at right whoever writes a task, so the task writers need not know.

-- 1 ------------------------------------------------------------------------------------------
CREATE TABLE org_preferences (
    org_id                    bigint PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    escalation                boolean NOT NULL DEFAULT false,
    escalation_delay_minutes  integer NOT NULL DEFAULT 120 CHECK (escalation_delay_minutes > 0),
    updated_at                timestamptz NOT NULL DEFAULT now()
);

-- 2 ------------------------------------------------------------------------------------------
CREATE TABLE digests (
    member_id     bigint PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    org_id        bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    hour          smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
    next_fire_at  timestamptz NOT NULL,
    last_date     date
);
CREATE INDEX digests_due ON digests (next_fire_at);
CREATE INDEX digests_due_per_org ON digests (org_id, next_fire_at);

-- 3 ------------------------------------------------------------------------------------------
ALTER TABLE tasks
    ADD COLUMN escalate_at timestamptz,
    ADD COLUMN nudged_at timestamptz,
    ADD COLUMN escalated_at timestamptz;
CREATE INDEX tasks_escalate ON tasks (escalate_at) WHERE escalate_at IS NOT NULL;
CREATE INDEX tasks_escalate_per_org ON tasks (org_id, escalate_at) WHERE escalate_at IS NOT NULL;

CREATE FUNCTION minkops_task_escalation() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.status <> 'open' OR NEW.due_at IS NULL THEN
            NEW.escalate_at := NULL;
        ELSIF TG_OP = 'INSERT' OR NEW.due_at IS DISTINCT FROM OLD.due_at
              OR OLD.status <> 'open' THEN
            -- A new due time starts over: nudge at it (if the organization wants that).
            NEW.nudged_at := NULL;
            NEW.escalated_at := NULL;
            NEW.escalate_at := CASE WHEN EXISTS (
                SELECT 1 FROM org_preferences p WHERE p.org_id = NEW.org_id AND p.escalation
            ) THEN NEW.due_at END;
        END IF;
        RETURN NEW;
    END
    $$;
CREATE TRIGGER tasks_escalation BEFORE INSERT OR UPDATE OF due_at, status ON tasks
    FOR EACH ROW EXECUTE FUNCTION minkops_task_escalation();

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['org_preferences', 'digests']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY own_org ON %I USING (org_id = minkops_current_org())'
                       ' WITH CHECK (org_id = minkops_current_org())', t);
        EXECUTE format('CREATE POLICY across_orgs ON %I TO minkops_definer'
                       ' USING (true) WITH CHECK (true)', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO minkops_app', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO minkops_definer', t);
    END LOOP;
END
$$;

-- The scheduler's two questions now cover all three kinds; each part reads a partial index.
CREATE OR REPLACE FUNCTION minkops_next_reminder_after(p_after timestamptz)
    RETURNS timestamptz
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT min(at) FROM (
            SELECT min(r.next_fire_at) AS at FROM reminders r
            WHERE r.status = 'active' AND r.next_fire_at > p_after
            UNION ALL
            SELECT min(d.next_fire_at) FROM digests d WHERE d.next_fire_at > p_after
            UNION ALL
            SELECT min(t.escalate_at) FROM tasks t
            WHERE t.escalate_at IS NOT NULL AND t.escalate_at > p_after
        ) due
    $$;

CREATE OR REPLACE FUNCTION minkops_due_reminder_orgs(p_now timestamptz, p_limit integer)
    RETURNS TABLE (org_id bigint, due integer)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT u.org_id, count(*)::integer FROM (
            SELECT r.org_id, r.next_fire_at AS at FROM reminders r
            WHERE r.status = 'active' AND r.next_fire_at <= p_now
            UNION ALL
            SELECT d.org_id, d.next_fire_at FROM digests d WHERE d.next_fire_at <= p_now
            UNION ALL
            SELECT t.org_id, t.escalate_at FROM tasks t
            WHERE t.escalate_at IS NOT NULL AND t.escalate_at <= p_now
        ) u
        GROUP BY u.org_id ORDER BY min(u.at) LIMIT p_limit
    $$;
