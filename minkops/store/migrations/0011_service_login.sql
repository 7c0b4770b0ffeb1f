-- Row-level security the app cannot switch off (issue 8, finding 9). The service used to log
-- in as the schema owner and SET ROLE minkops_app: a RESET ROLE from its own session gave it
-- the owner back, and every organization. Now it logs in as a role of its own, a member of
-- minkops_app that owns nothing and can become nothing else (store/service_login.py creates
-- it, per database, with a password kept here, readable by the owner only).
CREATE TABLE service_login (
    only_one  boolean PRIMARY KEY DEFAULT true CHECK (only_one),
    role      text NOT NULL,
    password  text NOT NULL
);
REVOKE ALL ON service_login FROM PUBLIC;

-- Every table that holds an organization's rows: row-level security on, and forced.
DO $$
DECLARE
    t text;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             JOIN pg_attribute a ON a.attrelid = c.oid
             WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname = 'org_id'
               AND NOT a.attisdropped
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END
$$;
