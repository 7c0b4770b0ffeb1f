-- Plans, usage and Stripe billing (issue 12).
-- 1. usage_daily: what each organization used per day in its own timezone; the daily
--    aggregates the policy keeps for billing and reporting.
-- 2. usage_period: the month's counters the caps guard. One row per organization and month,
--    raised only by a guarded UPDATE ... WHERE count + n <= cap, in the same transaction as
--    the action it counts: concurrent messages cannot slip past the cap.
-- 3. cap_notices: who was already told the cap is reached (one friendly reply, then silence),
--    and which admin warnings (80 %, 100 %) were given this month.
-- 4. billing: the organization's Stripe customer and subscription, and the last Stripe event
--    applied (so an older event arriving late does not undo a newer one).
-- 5. meter_outbox: meter events for Stripe, written with the usage they count; identifier
--    derived from the usage row, so a resend after a crash is deduplicated by Stripe.
-- 6. stripe_events: webhook event ids already applied (same event twice changes nothing).
-- 7. billing_links: the links sent to admins in chat ("upgrade", "billing"): a random token
--    that, opened within the hour, creates the Stripe Checkout or Portal session and redirects.

CREATE TABLE usage_daily (
    org_id                bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    day                   date NOT NULL,
    messages_in           integer NOT NULL DEFAULT 0,
    messages_out          integer NOT NULL DEFAULT 0,
    tasks_created         integer NOT NULL DEFAULT 0,
    voice_notes_in        integer NOT NULL DEFAULT 0,
    voice_notes_out       integer NOT NULL DEFAULT 0,
    transcription_seconds integer NOT NULL DEFAULT 0,
    openai_tokens         bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, day)
);

CREATE TABLE usage_period (
    org_id       bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    month        date NOT NULL,  -- first day of the month, organization's timezone
    messages     integer NOT NULL DEFAULT 0,
    tasks        integer NOT NULL DEFAULT 0,
    voice_notes  integer NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, month)
);

CREATE TABLE cap_notices (
    org_id   bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    month    date NOT NULL,
    plan     text NOT NULL,
    subject  text NOT NULL,  -- a sender's phone (over-cap reply) or 'warn:<what>:<percent>'
    PRIMARY KEY (org_id, month, plan, subject)
);

CREATE TABLE billing (
    org_id               bigint PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    stripe_customer_id   text UNIQUE,
    subscription_id      text,
    subscription_status  text,
    paid_plan            text,
    past_due_since       timestamptz,
    last_event_created   bigint NOT NULL DEFAULT 0
);

CREATE TABLE meter_outbox (
    id           bigserial PRIMARY KEY,
    org_id       bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    day          date NOT NULL,
    event_name   text NOT NULL,
    identifier   text NOT NULL UNIQUE,
    customer_id  text NOT NULL,
    value        integer NOT NULL CHECK (value > 0),
    occurred_at  timestamptz NOT NULL,
    sent_at      timestamptz,
    failed       text,
    attempts     integer NOT NULL DEFAULT 0,
    next_try_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX meter_outbox_pending ON meter_outbox (next_try_at) WHERE sent_at IS NULL AND failed IS NULL;

CREATE TABLE stripe_events (
    id        text PRIMARY KEY,
    org_id    bigint REFERENCES organizations (id) ON DELETE CASCADE,
    type      text NOT NULL,
    received  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE billing_links (
    token       text PRIMARY KEY,
    org_id      bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    member_id   bigint,
    kind        text NOT NULL CHECK (kind IN ('checkout', 'portal')),
    plan        text,
    expires_at  timestamptz NOT NULL
);

DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT unnest(ARRAY['usage_daily', 'usage_period', 'cap_notices', 'billing',
                                 'meter_outbox', 'stripe_events', 'billing_links'])
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY own_org ON %I USING (org_id = minkops_current_org())'
                       ' WITH CHECK (org_id = minkops_current_org())', t);
        EXECUTE format('CREATE POLICY across_orgs ON %I TO minkops_definer'
                       ' USING (true) WITH CHECK (true)', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO minkops_app', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO minkops_definer', t);
    END LOOP;
END
$$;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO minkops_app, minkops_definer;

-- The metering sender works across organizations: it sees only what it must send.
CREATE FUNCTION minkops_due_meter_events(p_now timestamptz, p_limit integer)
    RETURNS TABLE (id bigint, org_id bigint, event_name text, identifier text,
                   customer_id text, value integer, occurred_at timestamptz, attempts integer)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT e.id, e.org_id, e.event_name, e.identifier, e.customer_id, e.value,
               e.occurred_at, e.attempts
        FROM meter_outbox e
        WHERE e.sent_at IS NULL AND e.failed IS NULL AND e.next_try_at <= p_now
        ORDER BY e.id LIMIT p_limit
    $$;

CREATE FUNCTION minkops_meter_event_done(p_id bigint, p_failed text)
    RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        UPDATE meter_outbox SET sent_at = CASE WHEN p_failed IS NULL THEN now() END,
                                failed = p_failed
        WHERE id = p_id
    $$;

CREATE FUNCTION minkops_meter_event_retry(p_id bigint, p_next timestamptz)
    RETURNS void
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ UPDATE meter_outbox SET attempts = attempts + 1, next_try_at = p_next WHERE id = p_id $$;

-- A Stripe webhook names a customer or a client_reference_id: which organization is it?
CREATE FUNCTION minkops_org_by_customer(p_customer text)
    RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT b.org_id FROM billing b WHERE b.stripe_customer_id = p_customer $$;

-- Which organizations are metered (reconcile goes through them).
CREATE FUNCTION minkops_billed_orgs()
    RETURNS TABLE (org_id bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT b.org_id FROM billing b WHERE b.stripe_customer_id IS NOT NULL ORDER BY 1 $$;

-- Whose link is this? The token is the only thing the browser brings.
CREATE FUNCTION minkops_billing_link(p_token text)
    RETURNS TABLE (org_id bigint, kind text, plan text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT l.org_id, l.kind, l.plan FROM billing_links l
        WHERE l.token = p_token AND l.expires_at > now()
    $$;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'public' AND p.prosecdef
               AND p.proname IN ('minkops_due_meter_events', 'minkops_meter_event_done',
                                 'minkops_meter_event_retry', 'minkops_org_by_customer',
                                 'minkops_billing_link', 'minkops_billed_orgs')
    LOOP
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO minkops_app', f);
        EXECUTE format('ALTER FUNCTION %s OWNER TO minkops_definer', f);
    END LOOP;
END
$$;
