-- Activity settings of an organization (app.ActivitySettings) and screenshots
-- (app.Screenshot). The PostgreSQL store has the same schema (its migration 0019).
--
-- The settings are columns of the organization's row, so they travel to the members'
-- devices with it when they sync. Screenshots and window titles are off until an owner or
-- admin turns them on; screenshot_minutes 0 is read as the default, 10.
ALTER TABLE organizations ADD COLUMN screenshots INTEGER NOT NULL DEFAULT 0 CHECK (screenshots IN (0, 1));
ALTER TABLE organizations ADD COLUMN screenshot_minutes INTEGER NOT NULL DEFAULT 10 CHECK (screenshot_minutes IN (0, 1, 3, 5, 10));
ALTER TABLE organizations ADD COLUMN screenshot_random INTEGER NOT NULL DEFAULT 0 CHECK (screenshot_random IN (0, 1));
ALTER TABLE organizations ADD COLUMN window_titles INTEGER NOT NULL DEFAULT 0 CHECK (window_titles IN (0, 1));

-- One row per screenshot a running timer took; the image and its thumbnail are files under
-- the data directory named by the image's SHA-256 (hash, 64 hex digits), so two rows with
-- the same image share one file. Deleting a screenshot leaves a tombstone (deleted_at) and
-- removes the files once no live row of the tenant names the hash; the entry's time is
-- never touched. The table carries the sync columns (version, hlc, server_version) like
-- every synced table, though sync does not carry screenshots yet.
CREATE TABLE screenshots (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    user_id         BLOB NOT NULL REFERENCES users(id),
    time_entry_id   BLOB NOT NULL REFERENCES time_entries(id),
    slot_start      INTEGER NOT NULL,
    taken_at        INTEGER NOT NULL,
    hash            TEXT NOT NULL CHECK (length(hash) = 64),
    width           INTEGER NOT NULL CHECK (width > 0),
    height          INTEGER NOT NULL CHECK (height > 0),
    bytes           INTEGER NOT NULL CHECK (bytes > 0),
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    server_version  INTEGER NOT NULL DEFAULT 0
) STRICT;
-- A day's screenshots of an organization, or of one user in it.
CREATE INDEX screenshots_org ON screenshots(organization_id, taken_at, user_id);
CREATE INDEX screenshots_user ON screenshots(user_id, taken_at);
CREATE INDEX screenshots_hash ON screenshots(tenant_id, hash);
CREATE INDEX screenshots_server_version ON screenshots(server_version);
