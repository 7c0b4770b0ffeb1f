-- Issue 10, item 3: a reminder's words in its recipients' other languages, translated once
-- when it is set ({"fr": "vérifier le four"}), so that firing it later needs no OpenAI call
-- and every firing says the same. Empty: every recipient gets the words as written.
-- A column of reminders, so the table's row-level security covers it.
ALTER TABLE reminders
    ADD COLUMN translations jsonb NOT NULL DEFAULT '{}'
        CHECK (jsonb_typeof(translations) = 'object');
