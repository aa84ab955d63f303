-- Activity slots (app.ActivitySlot): what a running timer measured in each 10-minute slot
-- of its entry. One row per entry and slot start, written at the slot's end, when the timer
-- stops, and once a minute while the slot runs (a crash loses at most a minute). Seconds
-- are whole; apps is a JSON array of {"name", "title", "seconds"}, longest first. The
-- table carries the sync columns of every synced table (version, hlc, server_version) so
-- sync can carry it. Ids are 16-byte blobs and instants microseconds, as elsewhere
-- (migration 0003). The PostgreSQL store has the same table (its migration 0017).
CREATE TABLE activity_slots (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    user_id         BLOB NOT NULL REFERENCES users(id),
    entry_id        BLOB NOT NULL REFERENCES time_entries(id),
    slot_start      INTEGER NOT NULL,
    tracked_seconds INTEGER NOT NULL CHECK (tracked_seconds BETWEEN 0 AND 600),
    active_seconds  INTEGER NOT NULL CHECK (active_seconds BETWEEN 0 AND tracked_seconds),
    keys            INTEGER NOT NULL DEFAULT 0,
    clicks          INTEGER NOT NULL DEFAULT 0,
    moves           INTEGER NOT NULL DEFAULT 0,
    apps            TEXT NOT NULL DEFAULT '[]',
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    server_version  INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX activity_slots_entry ON activity_slots(entry_id, slot_start);
-- A day's slots of an organization, or of one user in it.
CREATE INDEX activity_slots_org ON activity_slots(organization_id, slot_start, user_id);
CREATE INDEX activity_slots_user ON activity_slots(user_id, slot_start);
CREATE INDEX activity_slots_server_version ON activity_slots(server_version);
