-- Stint schema, version 22: screenshots sync (docs/sync.md, "Screenshots"). The PostgreSQL
-- store has the same schema (its migration 0022).
--
-- image_pending marks a screenshot this device took whose image has not reached its team
-- server yet: the row goes up only after its image (a row whose image the server lacks is
-- refused), so it takes its change-log row when the upload is done. Screenshots taken
-- before this version are this device's own (sync did not carry any), so each live one
-- waits for its upload; a device never connected uploads them once it connects.
ALTER TABLE screenshots ADD COLUMN image_pending INTEGER NOT NULL DEFAULT 0 CHECK (image_pending IN (0, 1));
UPDATE screenshots SET image_pending = 1 WHERE deleted_at IS NULL;
CREATE INDEX screenshots_image_pending ON screenshots(tenant_id, taken_at) WHERE image_pending = 1 AND deleted_at IS NULL;

-- Screenshot images kept in the database, by tenant and SHA-256: what a server without a
-- directory of its own keeps them in (PostgreSQL, whose instances share the database and
-- no disk). A desktop and a SQLite server keep them as files under the data directory
-- (app/screenshotfiles.go) and leave this table empty.
CREATE TABLE screenshot_images (
    tenant_id  BLOB NOT NULL REFERENCES tenants(id),
    hash       TEXT NOT NULL CHECK (length(hash) = 64),
    image      BLOB NOT NULL,
    thumb      BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, hash)
) STRICT, WITHOUT ROWID;
