-- Stint schema, version 20: one live activity slot per entry and slot start (docs/sync.md,
-- "Rates, budgets and activity slots"). Slots sync now, and a slot deleted on one replica
-- (its push refused, its entry gone) must not keep another replica's slot of the same
-- entry and start from landing: the unique index leaves tombstones out, as the catalog's
-- name indexes do.
DROP INDEX activity_slots_entry;
CREATE UNIQUE INDEX activity_slots_entry ON activity_slots(entry_id, slot_start) WHERE deleted_at IS NULL;
