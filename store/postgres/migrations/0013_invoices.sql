-- Stint schema for PostgreSQL, version 13: invoices, as SQLite's migration 0013 (which
-- explains them), with row-level security like every tenant table. The counter's upsert
-- locks the organization's row until the transaction ends, so concurrent invoices take
-- their numbers one after another and a rollback leaves no gap.
CREATE TABLE invoice_counters (
    organization_id uuid PRIMARY KEY REFERENCES organizations(id),
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    last_number     bigint NOT NULL
);

CREATE TABLE invoices (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    number          bigint NOT NULL,
    client_id       uuid REFERENCES clients(id),
    project_id      uuid REFERENCES projects(id),
    period_from     timestamptz NOT NULL,
    period_to       timestamptz NOT NULL,
    grouping        text NOT NULL CHECK (grouping IN ('project_task', 'entry')),
    tax_rate_bp     integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    currency        text NOT NULL,
    subtotal        bigint NOT NULL,
    tax             bigint NOT NULL,
    total           bigint NOT NULL,
    lines           jsonb NOT NULL,
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    server_version  bigint NOT NULL DEFAULT 0,
    UNIQUE (organization_id, number)
);
CREATE INDEX invoices_org ON invoices(tenant_id, organization_id, number);
CREATE INDEX invoices_server_version ON invoices(tenant_id, server_version);

CREATE TABLE invoice_entries (
    entry_id        uuid PRIMARY KEY REFERENCES time_entries(id),
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    invoice_id      uuid NOT NULL REFERENCES invoices(id),
    unlocked_at     timestamptz
);
CREATE INDEX invoice_entries_invoice ON invoice_entries(invoice_id);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['invoice_counters', 'invoices', 'invoice_entries'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
            WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
        EXECUTE format('CREATE POLICY schema_owner ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
    END LOOP;
END $$;
CREATE TRIGGER invoices_stamp_insert BEFORE INSERT ON invoices FOR EACH ROW WHEN (NEW.server_version = 0)
    EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER invoices_stamp_update BEFORE UPDATE ON invoices FOR EACH ROW WHEN (NEW.server_version = OLD.server_version)
    EXECUTE FUNCTION stamp_server_version();
