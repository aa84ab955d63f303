-- Stint schema for PostgreSQL, version 21: invoices and the marks on invoiced entries pull
-- to devices, as SQLite's migration 0021 (which explains them). A server writes a mark with
-- its invoice, so the mark's foreign key to the invoice stays here; the marks' insert and
-- update triggers stamp their server versions as the other synced tables' do. Invoices and
-- marks made before this version are stamped again, so devices whose cursors passed them
-- pull them.
ALTER TABLE invoice_entries
    ADD COLUMN user_id uuid,
    ADD COLUMN number bigint,
    ADD COLUMN version bigint,
    ADD COLUMN hlc bytea,
    ADD COLUMN created_at timestamptz,
    ADD COLUMN updated_at timestamptz,
    ADD COLUMN deleted_at timestamptz,
    ADD COLUMN server_version bigint NOT NULL DEFAULT 0;
UPDATE invoice_entries ie SET user_id = e.user_id, number = i.number, version = CASE WHEN ie.unlocked_at IS NULL THEN 1 ELSE 2 END, hlc = i.hlc,
    created_at = i.created_at, updated_at = coalesce(ie.unlocked_at, i.created_at)
FROM invoices i, time_entries e WHERE i.id = ie.invoice_id AND e.id = ie.entry_id;
ALTER TABLE invoice_entries
    ALTER COLUMN user_id SET NOT NULL,
    ALTER COLUMN number SET NOT NULL,
    ALTER COLUMN version SET NOT NULL,
    ALTER COLUMN hlc SET NOT NULL,
    ALTER COLUMN created_at SET NOT NULL,
    ALTER COLUMN updated_at SET NOT NULL;
CREATE INDEX invoice_entries_server_version ON invoice_entries(tenant_id, server_version);
CREATE TRIGGER invoice_entries_stamp_insert BEFORE INSERT ON invoice_entries FOR EACH ROW WHEN (NEW.server_version = 0)
    EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER invoice_entries_stamp_update BEFORE UPDATE ON invoice_entries FOR EACH ROW WHEN (NEW.server_version = OLD.server_version)
    EXECUTE FUNCTION stamp_server_version();
UPDATE invoices SET server_version = server_version;
UPDATE invoice_entries SET server_version = server_version;
