-- Stint schema for PostgreSQL, version 18: cheaper entry writes.
--
-- One index fewer on time_entries. time_entries_org_started (the organization's list pages)
-- and time_entries_report (the reports' ranges, migration 0010) both led with
-- (organization_id, started_at), and every statement that reads them selects live entries
-- only (deleted_at IS NULL): the list pages, the detailed and summary reports, invoice
-- candidates. One index serves them all: in the list's order (started_at DESC, id DESC) for
-- its pages and cursor, a range for the reports, and carrying what a summary without tags
-- reads, for an index-only scan. Every insert of an entry then updates four indexes, not
-- five (time_entries_long and time_entries_one_running are partial and take only long or
-- running entries). store/postgres's TestEntryQueriesUseIndexes checks the plans.
DROP INDEX time_entries_report;
DROP INDEX time_entries_org_started;
CREATE INDEX time_entries_org_started ON time_entries(organization_id, started_at DESC, id DESC)
    INCLUDE (stopped_at, user_id, project_id, billable, task_id, tenant_id)
    WHERE deleted_at IS NULL;
