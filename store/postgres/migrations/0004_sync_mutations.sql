-- Pushed mutations (docs/sync.md, Push): the outcome of every mutation a device pushed, by
-- its id, so a retried batch is answered from here instead of applied twice (an
-- exactly-once effect). A row holds the outcome, not a copy of the row it wrote (a retry
-- reads the row again), and leaves after 30 days (app.SyncMutationTTL), longer than any
-- retry loop. Not synced. The same logical table as SQLite's migration 0006.
CREATE TABLE sync_mutations (
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    mutation_id     uuid NOT NULL,
    user_id         uuid NOT NULL,
    organization_id uuid NOT NULL,
    entity          text NOT NULL,
    entity_id       uuid NOT NULL,
    status          text NOT NULL CHECK (status IN ('applied', 'rejected')),
    reason          text NOT NULL DEFAULT '',
    message         text NOT NULL DEFAULT '',
    version         bigint NOT NULL DEFAULT 0,
    at              timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, mutation_id)
);
CREATE INDEX sync_mutations_at ON sync_mutations (tenant_id, at);

ALTER TABLE sync_mutations ENABLE ROW LEVEL SECURITY;
ALTER TABLE sync_mutations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sync_mutations
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY schema_owner ON sync_mutations TO CURRENT_USER USING (true) WITH CHECK (true);

-- Last writer wins per field (docs/sync.md, Conflicts), as SQLite's 0006: the HLC of the
-- last write of each field of a row a push has updated, valid for one row version, and the
-- pushed values that lost.
CREATE TABLE sync_field_clocks (
    tenant_id uuid NOT NULL REFERENCES tenants(id),
    entity_id uuid NOT NULL,
    version   bigint NOT NULL,
    clocks    jsonb NOT NULL CHECK (jsonb_typeof(clocks) = 'object'),
    PRIMARY KEY (tenant_id, entity_id)
);

CREATE TABLE sync_conflicts (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL,
    user_id         uuid NOT NULL,
    mutation_id     uuid NOT NULL,
    entity          text NOT NULL,
    entity_id       uuid NOT NULL,
    field           text NOT NULL,
    kept            jsonb NOT NULL,
    lost            jsonb NOT NULL,
    kept_hlc        bytea NOT NULL,
    lost_hlc        bytea NOT NULL,
    at              timestamptz NOT NULL
);
CREATE INDEX sync_conflicts_entity ON sync_conflicts (tenant_id, entity_id, at);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['sync_field_clocks', 'sync_conflicts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
            WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
        EXECUTE format('CREATE POLICY schema_owner ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
    END LOOP;
END $$;

-- A pushed row's id, made on a device, may already name a row: this tenant's (then the push
-- updates it), or, by accident or on purpose, another tenant's. Ids are global primary
-- keys, so the push must know before it inserts; of another tenant's row it learns only
-- that the id is taken (in_tenant false, the other columns NULL). One call locates a
-- batch's ids of one table.
CREATE FUNCTION sync_locate(p_table text, p_ids uuid[], p_tenant uuid) RETURNS TABLE (
    id uuid, in_tenant boolean, organization_id uuid, deleted boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = stint, pg_temp AS $$
BEGIN
    IF p_table NOT IN ('clients', 'projects', 'tasks', 'tags', 'time_entries') THEN
        RAISE EXCEPTION 'sync_locate: % is not a pushed table', p_table;
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT t.id, t.tenant_id = $2, CASE WHEN t.tenant_id = $2 THEN t.organization_id END,
                CASE WHEN t.tenant_id = $2 THEN t.deleted_at IS NOT NULL END
         FROM %I t WHERE t.id = ANY($1)', p_table) USING p_ids, p_tenant;
END
$$;
