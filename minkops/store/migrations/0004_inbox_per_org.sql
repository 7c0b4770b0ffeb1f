-- An org actor, when it starts, takes up its organization's unprocessed inbox rows;
-- without this index each activation during a backlog scanned every unprocessed row.
CREATE INDEX inbox_unprocessed_per_org ON inbox (org_id, id) WHERE processed_at IS NULL;
