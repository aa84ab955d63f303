-- Stint schema for PostgreSQL, version 11: hourly rates and project budgets, as SQLite's
-- migration 0011 (which explains them), with row-level security like every tenant table
-- and server versions stamped by the same triggers as the other synced tables.
CREATE TABLE rates (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    user_id         uuid REFERENCES users(id),
    client_id       uuid REFERENCES clients(id),
    project_id      uuid REFERENCES projects(id),
    hourly_minor    bigint NOT NULL CHECK (hourly_minor >= 0),
    currency        text NOT NULL CHECK (length(currency) = 3),
    effective_from  timestamptz NOT NULL,
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    server_version  bigint NOT NULL DEFAULT 0,
    CHECK (client_id IS NULL OR (user_id IS NULL AND project_id IS NULL))
);
CREATE UNIQUE INDEX rates_key ON rates(organization_id, coalesce(user_id, '00000000-0000-0000-0000-000000000000'),
    coalesce(client_id, '00000000-0000-0000-0000-000000000000'), coalesce(project_id, '00000000-0000-0000-0000-000000000000'), effective_from)
    WHERE deleted_at IS NULL;
CREATE INDEX rates_org ON rates(tenant_id, organization_id, id);
CREATE INDEX rates_server_version ON rates(tenant_id, server_version);

CREATE TABLE project_budgets (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    project_id      uuid NOT NULL REFERENCES projects(id),
    kind            text NOT NULL CHECK (kind IN ('hours', 'money')),
    amount          bigint NOT NULL CHECK (amount > 0),
    currency        text NOT NULL DEFAULT '',
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    server_version  bigint NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX project_budgets_project ON project_budgets(project_id) WHERE deleted_at IS NULL;
CREATE INDEX project_budgets_org ON project_budgets(tenant_id, organization_id, id);
CREATE INDEX project_budgets_server_version ON project_budgets(tenant_id, server_version);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['rates', 'project_budgets'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
            WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
        EXECUTE format('CREATE POLICY schema_owner ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH ROW WHEN (NEW.server_version = 0)
            EXECUTE FUNCTION stamp_server_version()', t || '_stamp_insert', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON %I FOR EACH ROW WHEN (NEW.server_version = OLD.server_version)
            EXECUTE FUNCTION stamp_server_version()', t || '_stamp_update', t);
    END LOOP;
END $$;
