-- Stint schema for PostgreSQL, version 19: an organization's activity settings and
-- screenshots, as the SQLite store's migration 0019. The settings are columns of the
-- organization's row, so they travel with it to the members' devices; screenshots and
-- window titles are off by default, and screenshot_minutes 0 is read as 10. A screenshot
-- row names its image by SHA-256; the files live under the data directory of the
-- instance that took them. The table carries the sync columns and the server-version
-- stamp of every synced table, and row-level security like every table of tenant data.
ALTER TABLE organizations ADD COLUMN screenshots boolean NOT NULL DEFAULT false;
ALTER TABLE organizations ADD COLUMN screenshot_minutes integer NOT NULL DEFAULT 10 CHECK (screenshot_minutes IN (0, 1, 3, 5, 10));
ALTER TABLE organizations ADD COLUMN screenshot_random boolean NOT NULL DEFAULT false;
ALTER TABLE organizations ADD COLUMN window_titles boolean NOT NULL DEFAULT false;

CREATE TABLE screenshots (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    user_id         uuid NOT NULL REFERENCES users(id),
    time_entry_id   uuid NOT NULL REFERENCES time_entries(id),
    slot_start      timestamptz NOT NULL,
    taken_at        timestamptz NOT NULL,
    hash            text NOT NULL CHECK (length(hash) = 64),
    width           integer NOT NULL CHECK (width > 0),
    height          integer NOT NULL CHECK (height > 0),
    bytes           bigint NOT NULL CHECK (bytes > 0),
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    server_version  bigint NOT NULL DEFAULT 0
);
CREATE INDEX screenshots_org ON screenshots(organization_id, taken_at, user_id);
CREATE INDEX screenshots_user ON screenshots(user_id, taken_at);
CREATE INDEX screenshots_hash ON screenshots(tenant_id, hash);
CREATE INDEX screenshots_server_version ON screenshots(tenant_id, server_version);
CREATE TRIGGER screenshots_stamp_insert BEFORE INSERT ON screenshots
    FOR EACH ROW WHEN (NEW.server_version = 0) EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER screenshots_stamp_update BEFORE UPDATE ON screenshots
    FOR EACH ROW WHEN (NEW.server_version = OLD.server_version) EXECUTE FUNCTION stamp_server_version();

ALTER TABLE screenshots ENABLE ROW LEVEL SECURITY;
ALTER TABLE screenshots FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON screenshots
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY schema_owner ON screenshots TO CURRENT_USER USING (true) WITH CHECK (true);
