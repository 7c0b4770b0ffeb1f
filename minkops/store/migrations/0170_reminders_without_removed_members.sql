-- Until now an admin's removal of a member deleted the member but not their id from
-- reminders.recipient_ids (an array, so no foreign key does it): such a reminder listed
-- someone who no longer exists and fired at no one. Removal now takes the member off
-- (store/writers.py, drop_recipient); this takes off the ids left before, and cancels a
-- reminder left with nobody to remind, as removal does.
-- The owner steps out of FORCE for this one statement, inside the migration's
-- transaction, so it sees every organization's rows.
ALTER TABLE reminders NO FORCE ROW LEVEL SECURITY;

WITH kept AS (
    SELECT r.id, ARRAY(
        SELECT u.member_id FROM unnest(r.recipient_ids) WITH ORDINALITY AS u(member_id, n)
        WHERE EXISTS (SELECT 1 FROM members m WHERE m.id = u.member_id)
        ORDER BY u.n
    ) AS ids
    FROM reminders r
)
UPDATE reminders r SET
    recipient_ids = kept.ids,
    status = CASE WHEN NOT r.everyone AND cardinality(kept.ids) = 0
                       AND r.status IN ('active', 'paused')
                  THEN 'cancelled' ELSE r.status END,
    next_fire_at = CASE WHEN NOT r.everyone AND cardinality(kept.ids) = 0
                        THEN NULL ELSE r.next_fire_at END
FROM kept
WHERE kept.id = r.id AND cardinality(kept.ids) <> cardinality(r.recipient_ids);

ALTER TABLE reminders FORCE ROW LEVEL SECURITY;
