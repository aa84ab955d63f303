-- Reports (store/postgres/report.go) sum an organization's live entries over a range: this
-- index bounds the scan by organization and start and carries every other column a summary
-- without tags reads, so it can be an index-only scan. The SQLite store has the same index
-- (its migration 0010).
CREATE INDEX time_entries_report ON time_entries(organization_id, started_at)
    INCLUDE (stopped_at, user_id, project_id, billable, task_id, tenant_id)
    WHERE deleted_at IS NULL;
