-- Tombstone purge (docs/sync.md, "Tombstones and resync"): tombstones older than the
-- retention (90 days) are deleted, and the tenant keeps the highest server version among
-- them in purged_through; a pull whose cursor is below it answers reset and the device
-- pulls everything again. purged_at is the tenant's last purge (microseconds), so the
-- purge runs once a day. The PostgreSQL store has the same columns (its migration 0007).
ALTER TABLE tenants ADD COLUMN purged_through INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN purged_at INTEGER;
