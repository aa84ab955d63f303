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
