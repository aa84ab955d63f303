-- Tombstone purge (docs/sync.md, "Tombstones and resync"): tombstones older than the
-- retention (90 days) are deleted, and the tenant keeps the highest server version among
-- them in purged_through; a pull whose cursor is below it answers reset and the device
-- pulls everything again. purged_at is the tenant's last purge, so the purge runs once a
-- day. The SQLite store has the same columns (its migration 0008).
ALTER TABLE tenants ADD COLUMN purged_through bigint NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN purged_at timestamptz;
