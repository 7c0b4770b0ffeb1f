-- An org actor's commit of a turn in one round trip (see store/turn_commit.py), for the
-- turns whose effects are all of the common kinds: the month's and the day's usage (with
-- its cap warnings and Stripe meter events), the reading cost, new tasks, the
-- conversation, the outbox rows. It took six round trips: BEGIN with the inbox mark, the
-- guarded usage upsert, the day's usage with the Stripe customer, the conversation, the
-- outbox rows, COMMIT. Any other turn still goes through store/writers.py.
--
-- Like minkops_claim_head it runs as the caller (row-level security applies), alone in its
-- own implicit transaction, and sets the organization first, for this transaction only.
-- The guarantees are the writers' own:
-- - exactly once: the inbox row is marked processed first; if it was already, nothing is
--   written and the outcome is 'processed_before';
-- - caps: the month's row is counted by one upsert whose WHERE is checked under its row
--   lock on the row as the last committer left it; a count past a cap raises
--   'minkops over cap' (DETAIL: messages, tasks or voice_notes), which rolls the whole
--   statement back, inbox mark included, as the writer's OverCap rolled the transaction;
-- - order per recipient: outbox rows get their ids in the order given (warnings first,
--   as the usage count came first among the writers).
CREATE FUNCTION minkops_commit_turn(p_org_id bigint, p_inbox_id bigint, p_turn jsonb)
    RETURNS TABLE (outcome text, outbox_id bigint, recipient text)
    LANGUAGE plpgsql VOLATILE
    AS $$
    #variable_conflict use_column
    DECLARE
        v_usage jsonb := p_turn -> 'usage';
        v_adds int[];
        v_caps int[];
        v_month date;
        v_day date;
        v_counted int[];
        v_daily int[];
        v_customer text;
        v_what text;
        v_warning jsonb;
        v_column text;
        v_new int;
        v_add int;
        v_sends jsonb := '[]'::jsonb;
        v_subject text;
    BEGIN
        PERFORM set_config('minkops.org_id', coalesce(p_org_id::text, ''), true);
        UPDATE inbox SET processed_at = now() WHERE id = p_inbox_id AND processed_at IS NULL;
        IF NOT FOUND THEN
            outcome := 'processed_before';
            RETURN NEXT;
            RETURN;
        END IF;

        IF v_usage IS NOT NULL AND v_usage <> 'null'::jsonb THEN
            v_adds := ARRAY(SELECT jsonb_array_elements_text(v_usage -> 'adds')::int);
            v_caps := ARRAY(SELECT jsonb_array_elements_text(v_usage -> 'caps')::int);
            v_month := (v_usage ->> 'month')::date;
            v_day := (v_usage ->> 'day')::date;
            INSERT INTO usage_period AS u (org_id, month, messages, tasks, voice_notes)
                SELECT p_org_id, v_month, v_adds[1], v_adds[2], v_adds[3]
                WHERE v_adds[1] <= v_caps[1] AND v_adds[2] <= v_caps[2]
                  AND v_adds[3] <= v_caps[3]
            ON CONFLICT (org_id, month) DO UPDATE SET messages = u.messages + v_adds[1],
                tasks = u.tasks + v_adds[2], voice_notes = u.voice_notes + v_adds[3]
                WHERE u.messages + v_adds[1] <= v_caps[1] AND u.tasks + v_adds[2] <= v_caps[2]
                  AND u.voice_notes + v_adds[3] <= v_caps[3]
            RETURNING ARRAY[u.messages, u.tasks, u.voice_notes] INTO v_counted;
            IF NOT FOUND THEN
                SELECT ARRAY[u.messages, u.tasks, u.voice_notes] INTO v_counted
                FROM usage_period u WHERE u.org_id = p_org_id AND u.month = v_month;
                v_counted := coalesce(v_counted, ARRAY[0, 0, 0]);
                v_what := CASE
                    WHEN v_adds[1] > 0 AND v_counted[1] + v_adds[1] > v_caps[1] THEN 'messages'
                    WHEN v_adds[2] > 0 AND v_counted[2] + v_adds[2] > v_caps[2] THEN 'tasks'
                    WHEN v_adds[3] > 0 AND v_counted[3] + v_adds[3] > v_caps[3]
                        THEN 'voice_notes'
                    ELSE 'messages' END;
                RAISE EXCEPTION 'minkops over cap' USING DETAIL = v_what;
            END IF;

            INSERT INTO usage_daily AS u (org_id, day, messages_in, messages_out,
                                          tasks_created, voice_notes_in)
                VALUES (p_org_id, v_day, v_adds[1], (v_usage ->> 'messages_out')::int,
                        v_adds[2], v_adds[3])
            ON CONFLICT (org_id, day) DO UPDATE SET
                messages_in = u.messages_in + EXCLUDED.messages_in,
                messages_out = u.messages_out + EXCLUDED.messages_out,
                tasks_created = u.tasks_created + EXCLUDED.tasks_created,
                voice_notes_in = u.voice_notes_in + EXCLUDED.voice_notes_in
            RETURNING ARRAY[u.messages_in, u.tasks_created, u.voice_notes_in] INTO v_daily;

            -- One meter event per counter raised, identified by the usage row and its new
            -- count (see store/billing.py, _queue_meter_events); only with a customer.
            SELECT b.stripe_customer_id INTO v_customer FROM billing b
            WHERE b.org_id = p_org_id;
            IF v_customer IS NOT NULL AND v_customer <> '' THEN
                INSERT INTO meter_outbox (org_id, day, event_name, identifier, customer_id,
                                          value, occurred_at)
                SELECT p_org_id, v_day, m.event_name,
                       format('minkops:%s:%s:%s:%s', p_org_id, to_char(v_day, 'YYYY-MM-DD'),
                              m.what, v_daily[m.i]),
                       v_customer, v_adds[m.i],
                       coalesce((v_usage ->> 'at')::timestamptz, now())
                FROM jsonb_to_recordset(v_usage -> 'meters') AS m(what text, i int,
                                                                  event_name text)
                WHERE v_adds[m.i] > 0
                ON CONFLICT (identifier) DO NOTHING;
            END IF;

            -- A warning is said when this count crossed its mark, once per month and plan.
            FOR v_warning IN SELECT * FROM jsonb_array_elements(v_usage -> 'warnings') LOOP
                v_what := v_warning ->> 'what';
                v_new := v_counted[(v_warning ->> 'i')::int];
                v_add := v_adds[(v_warning ->> 'i')::int];
                IF v_new - v_add < (v_warning ->> 'at')::int
                   AND (v_warning ->> 'at')::int <= v_new THEN
                    v_subject := format('warn:%s:%s', v_what, v_warning ->> 'percent');
                    INSERT INTO cap_notices (org_id, month, plan, subject)
                        VALUES (p_org_id, v_month, v_usage ->> 'plan', v_subject)
                    ON CONFLICT DO NOTHING;
                    IF FOUND THEN
                        v_sends := v_sends || (v_warning -> 'sends');
                    END IF;
                END IF;
            END LOOP;
        END IF;

        INSERT INTO tasks (org_id, number, title, assignee_id, created_by, due_at)
        SELECT p_org_id, t.number, t.title, t.assignee_id, t.created_by, t.due_at
        FROM jsonb_to_recordset(p_turn -> 'tasks')
             AS t(number int, title text, assignee_id bigint, created_by bigint,
                  due_at timestamptz);

        INSERT INTO usage_daily AS u (org_id, day, transcription_seconds, openai_tokens)
        SELECT p_org_id, c.day, c.seconds, c.tokens
        FROM jsonb_to_recordset(p_turn -> 'costs') AS c(day date, seconds int, tokens int)
        ON CONFLICT (org_id, day) DO UPDATE SET
            transcription_seconds = u.transcription_seconds + EXCLUDED.transcription_seconds,
            openai_tokens = u.openai_tokens + EXCLUDED.openai_tokens;

        INSERT INTO conversations (org_id, member_id, turns, expires_at, pending)
        SELECT p_org_id, c.member_id, c.turns, c.expires_at, c.pending
        FROM jsonb_to_recordset(p_turn -> 'conversations')
             AS c(member_id bigint, turns jsonb, expires_at timestamptz, pending jsonb)
        ON CONFLICT (org_id, member_id) DO UPDATE SET
            turns = EXCLUDED.turns, expires_at = EXCLUDED.expires_at,
            pending = EXCLUDED.pending;

        -- Warnings' messages first, then the turn's, each in the order given.
        v_sends := v_sends || (p_turn -> 'sends');
        RETURN QUERY
        WITH written AS (
            INSERT INTO outbox AS o (org_id, idempotency_key, recipient, body, kind, speech)
            SELECT p_org_id, s.key, s.to_, s.body, s.kind, s.speech
            FROM ROWS FROM (jsonb_to_recordset(v_sends)
                            AS (key text, to_ text, body text, kind text, speech text))
                 WITH ORDINALITY AS s(key, to_, body, kind, speech, n)
            ORDER BY s.n
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING o.id, o.recipient
        )
        SELECT 'committed'::text, w.id, w.recipient FROM written w ORDER BY w.id;
        -- Always a row, also when nothing was sent: the turn was committed.
        outcome := 'committed';
        outbox_id := NULL;
        recipient := NULL;
        RETURN NEXT;
    END
    $$;

REVOKE ALL ON FUNCTION minkops_commit_turn(bigint, bigint, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION minkops_commit_turn(bigint, bigint, jsonb) TO minkops_app;
