-- Stint schema, version 21: invoices and the marks on invoiced entries pull to devices
-- (docs/sync.md, Invoices).
--
-- * invoice_entries takes the synced tables' columns, and each mark carries its invoice's
--   number and its entry's user: a member's device pulls the marks of the member's own
--   entries (by user_id, as activity slots) but not the invoices (the API shows members
--   none), and still says which invoice locks an entry.
--   For the same reason a mark no longer has a foreign key to its invoice (SQLite cannot
--   drop one, so the table is rebuilt); the services write both in one transaction.
-- * Invoices and marks made before this version take new server versions above every
--   tenant's newest, one each, so devices whose cursors passed them pull them.
CREATE TABLE invoice_entries_new (
    entry_id        BLOB PRIMARY KEY REFERENCES time_entries(id),
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    user_id         BLOB NOT NULL,
    invoice_id      BLOB NOT NULL,
    number          INTEGER NOT NULL,
    unlocked_at     INTEGER,
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    server_version  INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
INSERT INTO invoice_entries_new (entry_id, tenant_id, organization_id, user_id, invoice_id, number, unlocked_at, version, hlc, created_at,
    updated_at, deleted_at, server_version)
SELECT ie.entry_id, ie.tenant_id, ie.organization_id, e.user_id, ie.invoice_id, i.number, ie.unlocked_at,
    CASE WHEN ie.unlocked_at IS NULL THEN 1 ELSE 2 END, i.hlc, i.created_at, coalesce(ie.unlocked_at, i.created_at), NULL, 0
FROM invoice_entries ie JOIN invoices i ON i.id = ie.invoice_id JOIN time_entries e ON e.id = ie.entry_id;
DROP TABLE invoice_entries;
ALTER TABLE invoice_entries_new RENAME TO invoice_entries;
CREATE INDEX invoice_entries_invoice ON invoice_entries(invoice_id);
CREATE INDEX invoice_entries_server_version ON invoice_entries(server_version);

UPDATE invoices SET server_version = (SELECT max(change_seq) FROM tenants) + r.n
FROM (SELECT id, row_number() OVER (ORDER BY server_version, id) AS n FROM invoices) AS r
WHERE invoices.id = r.id;
UPDATE invoice_entries SET server_version = (SELECT max(change_seq) FROM tenants) + (SELECT count(*) FROM invoices) + r.n
FROM (SELECT entry_id, row_number() OVER (ORDER BY invoice_id, entry_id) AS n FROM invoice_entries) AS r
WHERE invoice_entries.entry_id = r.entry_id;
UPDATE tenants SET change_seq = max(change_seq,
    coalesce((SELECT max(server_version) FROM invoices i WHERE i.tenant_id = tenants.id), 0),
    coalesce((SELECT max(server_version) FROM invoice_entries m WHERE m.tenant_id = tenants.id), 0));
