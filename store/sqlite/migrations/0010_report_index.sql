-- Reports (store/sqlite/report.go) sum an organization's live entries over a range. This
-- index holds every column a summary without tags reads, so a month of a large
-- organization is one range scan of the index per period and never a lookup into the table
-- for each entry. Its columns: what bounds the scan (organization, start), what each row is
-- summed and grouped by, tenant_id (statements compare it on every row they read), and
-- deleted_at, always NULL here (one byte): SQLite takes even a partial index's own
-- condition from the index's columns, and without it would look every row up in the table.
-- The WHERE clause must stay what report.go's statements say (deleted_at IS NULL) or SQLite
-- will not use the index. One user's reports read few entries and keep using
-- time_entries_user_started. The PostgreSQL store has the same index (its migration 0010).
CREATE INDEX time_entries_report ON time_entries(organization_id, started_at, stopped_at, user_id, project_id, billable, task_id, tenant_id, deleted_at)
    WHERE deleted_at IS NULL;
