-- Stint schema for PostgreSQL, version 22: screenshots sync (docs/sync.md, "Screenshots"),
-- as the SQLite store's migration 0022.
--
-- image_pending marks a screenshot a device took whose image has not reached the server
-- yet (a device's column; a server's rows never have it set).
ALTER TABLE screenshots ADD COLUMN image_pending boolean NOT NULL DEFAULT false;

-- The images, by tenant and SHA-256: several `stint serve` instances on one database share
-- no directory, so the bytes live here. Row-level security like every table of tenant data.
CREATE TABLE screenshot_images (
    tenant_id  uuid NOT NULL REFERENCES tenants(id),
    hash       text NOT NULL CHECK (length(hash) = 64),
    image      bytea NOT NULL,
    thumb      bytea NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, hash)
);
ALTER TABLE screenshot_images ENABLE ROW LEVEL SECURITY;
ALTER TABLE screenshot_images FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON screenshot_images
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY schema_owner ON screenshot_images TO CURRENT_USER USING (true) WITH CHECK (true);

-- A push locates the ids it carries with sync_locate (migrations 0004, 0020), which now
-- knows screenshots, and invoices, which a published workspace pushes.
CREATE OR REPLACE FUNCTION sync_locate(p_table text, p_ids uuid[], p_tenant uuid) RETURNS TABLE (
    id uuid, in_tenant boolean, organization_id uuid, deleted boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = stint, pg_temp AS $$
BEGIN
    IF p_table NOT IN ('clients', 'projects', 'tasks', 'tags', 'time_entries', 'rates', 'project_budgets', 'activity_slots',
                       'invoices', 'screenshots') THEN
        RAISE EXCEPTION 'sync_locate: % is not a pushed table', p_table;
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT t.id, t.tenant_id = $2, CASE WHEN t.tenant_id = $2 THEN t.organization_id END,
                CASE WHEN t.tenant_id = $2 THEN t.deleted_at IS NOT NULL END
         FROM %I t WHERE t.id = ANY($1)', p_table) USING p_ids, p_tenant;
END
$$;
