-- Stint schema, version 13: invoices (app/invoice.go).
--
-- * invoice_counters numbers each organization's invoices: creating one takes the next
--   number in its own write (an upsert that returns it), so numbers follow commits with no
--   gap; a transaction that rolls back gives its number back.
-- * An invoice keeps its line items as JSON in its row (one synced entity, read whole), its
--   period as instants, its tax rate in basis points and its amounts in minor units.
-- * invoice_entries marks each invoiced entry (one invoice per entry: the key) and whether a
--   manager has unlocked it for editing; the entry rows themselves are not rewritten.
-- * invoices carry the synced tables' columns; none of these tables is in sync's list yet.
CREATE TABLE invoice_counters (
    organization_id BLOB PRIMARY KEY REFERENCES organizations(id),
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    last_number     INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE invoices (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    number          INTEGER NOT NULL,
    client_id       BLOB REFERENCES clients(id),
    project_id      BLOB REFERENCES projects(id),
    period_from     INTEGER NOT NULL,
    period_to       INTEGER NOT NULL,
    grouping        TEXT NOT NULL CHECK (grouping IN ('project_task', 'entry')),
    tax_rate_bp     INTEGER NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    currency        TEXT NOT NULL,
    subtotal        INTEGER NOT NULL,
    tax             INTEGER NOT NULL,
    total           INTEGER NOT NULL,
    lines           TEXT NOT NULL CHECK (json_valid(lines)),
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    server_version  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (organization_id, number)
) STRICT, WITHOUT ROWID;
CREATE INDEX invoices_org ON invoices(tenant_id, organization_id, number);
CREATE INDEX invoices_server_version ON invoices(server_version);

CREATE TABLE invoice_entries (
    entry_id        BLOB PRIMARY KEY REFERENCES time_entries(id),
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    invoice_id      BLOB NOT NULL REFERENCES invoices(id),
    unlocked_at     INTEGER
) STRICT, WITHOUT ROWID;
CREATE INDEX invoice_entries_invoice ON invoice_entries(invoice_id);
