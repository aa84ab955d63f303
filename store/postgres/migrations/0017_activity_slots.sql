-- Stint schema for PostgreSQL, version 17: activity slots, as the SQLite store's migration
-- 0017. What a running timer measured in each 10-minute slot of its entry, one row per
-- entry and slot start; apps is a JSON array of {"name", "title", "seconds"}. The table
-- carries the sync columns and the server-version stamp of every synced table, and
-- row-level security like every table holding tenant data.
CREATE TABLE activity_slots (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    user_id         uuid NOT NULL REFERENCES users(id),
    entry_id        uuid NOT NULL REFERENCES time_entries(id),
    slot_start      timestamptz NOT NULL,
    tracked_seconds integer NOT NULL CHECK (tracked_seconds BETWEEN 0 AND 600),
    active_seconds  integer NOT NULL CHECK (active_seconds BETWEEN 0 AND tracked_seconds),
    keys            bigint NOT NULL DEFAULT 0,
    clicks          bigint NOT NULL DEFAULT 0,
    moves           bigint NOT NULL DEFAULT 0,
    apps            jsonb NOT NULL DEFAULT '[]',
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    server_version  bigint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX activity_slots_entry ON activity_slots(entry_id, slot_start);
CREATE INDEX activity_slots_org ON activity_slots(organization_id, slot_start, user_id);
CREATE INDEX activity_slots_user ON activity_slots(user_id, slot_start);
CREATE INDEX activity_slots_server_version ON activity_slots(tenant_id, server_version);
CREATE TRIGGER activity_slots_stamp_insert BEFORE INSERT ON activity_slots
    FOR EACH ROW WHEN (NEW.server_version = 0) EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER activity_slots_stamp_update BEFORE UPDATE ON activity_slots
    FOR EACH ROW WHEN (NEW.server_version = OLD.server_version) EXECUTE FUNCTION stamp_server_version();

ALTER TABLE activity_slots ENABLE ROW LEVEL SECURITY;
ALTER TABLE activity_slots FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON activity_slots
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY schema_owner ON activity_slots TO CURRENT_USER USING (true) WITH CHECK (true);
