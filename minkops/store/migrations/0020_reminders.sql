-- Reminders: one-off or recurring (5-field cron on the organization's wall clock), their
-- firings, and what the outbound path needs for voice notes and the 24-hour window.
--
-- 1. reminders: next_fire_at is in UTC and indexed over active rows only, so the
--    scheduler's questions ("when is the next one?", "which orgs are due?") cost what is
--    due, not what exists.
-- 2. reminder_firings: one row per (reminder, local wall-clock minute), written in the same
--    transaction as the outbox rows it sends, so a crash between firing and sending
--    delivers once and a fall-back hour never fires twice.
-- 3. outbox: a row's kind (which template carries it outside the 24-hour window), the text to
--    speak for a voice-delivery recipient, the served note's token, whether the row must go
--    as a template (a retry after Twilio's asynchronous 63016) and whether it went as one
--    (tapping "Listen" on it brings the message itself, voice note included).

-- 1 ------------------------------------------------------------------------------------------
CREATE TABLE reminders (
    id             bigserial PRIMARY KEY,
    org_id         bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    number         integer NOT NULL CHECK (number > 0),
    text           text NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
    everyone       boolean NOT NULL DEFAULT false,
    recipient_ids  bigint[] NOT NULL DEFAULT '{}',
    created_by     bigint REFERENCES members (id) ON DELETE SET NULL,
    language       text NOT NULL DEFAULT 'en',
    cron           text,
    once_at        timestamptz,
    delivery       text CHECK (delivery IN ('text', 'voice')),
    status         text NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'paused', 'cancelled', 'done')),
    next_fire_at   timestamptz,
    last_fired_at  timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, number),
    CHECK ((cron IS NULL) <> (once_at IS NULL)),
    CHECK (status <> 'active' OR next_fire_at IS NOT NULL)
);
CREATE INDEX reminders_due ON reminders (next_fire_at) WHERE status = 'active';
CREATE INDEX reminders_due_per_org ON reminders (org_id, next_fire_at) WHERE status = 'active';

-- 2 ------------------------------------------------------------------------------------------
CREATE TABLE reminder_firings (
    org_id         bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    reminder_id    bigint NOT NULL REFERENCES reminders (id) ON DELETE CASCADE,
    occurrence     text NOT NULL,
    scheduled_for  timestamptz NOT NULL,
    fired_at       timestamptz NOT NULL,
    late           boolean NOT NULL DEFAULT false,
    PRIMARY KEY (reminder_id, occurrence)
);
CREATE INDEX reminder_firings_org ON reminder_firings (org_id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['reminders', 'reminder_firings']
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
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO minkops_app, minkops_definer;

-- The scheduler's two questions, across organizations; both read only the partial index.
CREATE FUNCTION minkops_next_reminder_after(p_after timestamptz)
    RETURNS timestamptz
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT min(r.next_fire_at) FROM reminders r
        WHERE r.status = 'active' AND r.next_fire_at > p_after
    $$;

CREATE FUNCTION minkops_due_reminder_orgs(p_now timestamptz, p_limit integer)
    RETURNS TABLE (org_id bigint, due integer)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT r.org_id, count(*)::integer FROM reminders r
        WHERE r.status = 'active' AND r.next_fire_at <= p_now
        GROUP BY r.org_id ORDER BY min(r.next_fire_at) LIMIT p_limit
    $$;

-- 3 ------------------------------------------------------------------------------------------
ALTER TABLE outbox ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'reply';
ALTER TABLE outbox
    ADD COLUMN speech text,
    ADD COLUMN media_token text,
    ADD COLUMN as_template boolean NOT NULL DEFAULT false,
    ADD COLUMN went_as_template boolean NOT NULL DEFAULT false;

-- The 24-hour window: when did this number last write to us?
CREATE INDEX inbox_sender_received ON inbox (sender, received_at);

-- Twilio failed a free-form row asynchronously with 63016 (outside the 24-hour window):
-- queue the same message once more, as a template. The key makes it once, however many
-- times the callback comes.
CREATE FUNCTION minkops_retry_as_template(p_twilio_sid text)
    RETURNS TABLE (outbox_id bigint, org_id bigint, recipient text)
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        INSERT INTO outbox (org_id, idempotency_key, recipient, body, kind, speech, as_template)
        SELECT o.org_id, o.idempotency_key || ':template', o.recipient, o.body, o.kind,
               o.speech, true
        FROM outbox o
        WHERE o.twilio_sid = p_twilio_sid AND o.status = 'failed' AND o.error_code = 63016
          AND NOT o.as_template
        ON CONFLICT (idempotency_key) DO NOTHING
        RETURNING id, outbox.org_id, outbox.recipient
    $$;

-- The note to delete once Twilio reports a message delivered, read or failed.
CREATE FUNCTION minkops_media_token(p_twilio_sid text)
    RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT o.media_token FROM outbox o WHERE o.twilio_sid = p_twilio_sid $$;

DO $$
DECLARE
    f text;
BEGIN
    FOREACH f IN ARRAY ARRAY['minkops_next_reminder_after(timestamptz)',
                             'minkops_due_reminder_orgs(timestamptz, integer)',
                             'minkops_retry_as_template(text)',
                             'minkops_media_token(text)']
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO minkops_definer', f);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO minkops_app', f);
    END LOOP;
END
$$;
