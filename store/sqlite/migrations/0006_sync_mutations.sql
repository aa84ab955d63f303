-- Pushed mutations (docs/sync.md, Push): the outcome of every mutation a device pushed, by
-- its id, so a retried batch is answered from here instead of applied twice (an
-- exactly-once effect). A row holds the outcome, not a copy of the row it wrote (a retry
-- reads the row again), and leaves after 30 days (app.SyncMutationTTL), longer than any
-- retry loop. Not synced. Ids are 16-byte blobs, as everywhere since 0003.
CREATE TABLE sync_mutations (
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    mutation_id     BLOB NOT NULL,
    user_id         BLOB NOT NULL,
    organization_id BLOB NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       BLOB NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
    reason          TEXT NOT NULL DEFAULT '',
    message         TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL DEFAULT 0,
    at              INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, mutation_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX sync_mutations_at ON sync_mutations(tenant_id, at);

-- Last writer wins per field (docs/sync.md, Conflicts). sync_field_clocks keeps, beside a
-- row a push has updated, the HLC of the last write of each of its fields, as a JSON object
-- valid for one row version (a write that is no push moves the version, and then every field
-- counts as written when the row last was). sync_conflicts keeps each pushed value that
-- lost, with the value kept and both stamps, for the user to inspect. Not synced.
CREATE TABLE sync_field_clocks (
    tenant_id BLOB NOT NULL REFERENCES tenants(id),
    entity_id BLOB NOT NULL,
    version   INTEGER NOT NULL,
    clocks    TEXT NOT NULL CHECK (json_valid(clocks) AND json_type(clocks) = 'object'),
    PRIMARY KEY (tenant_id, entity_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE sync_conflicts (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL,
    user_id         BLOB NOT NULL,
    mutation_id     BLOB NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       BLOB NOT NULL,
    field           TEXT NOT NULL,
    kept            TEXT NOT NULL,
    lost            TEXT NOT NULL,
    kept_hlc        BLOB NOT NULL,
    lost_hlc        BLOB NOT NULL,
    at              INTEGER NOT NULL
) STRICT;
CREATE INDEX sync_conflicts_entity ON sync_conflicts(tenant_id, entity_id, at);
