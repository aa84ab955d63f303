-- Stint schema, version 23: one index fewer on time_entries, so every entry written (the
-- timer, the API, a pull, an import) updates three secondary indexes, not four
-- (time_entries_long and time_entries_one_running are partial and take only long or running
-- entries). PostgreSQL had the same diet in its migration 0018.
--
-- time_entries_org_started (the organization's list pages, detailed reports, invoice
-- candidates) and time_entries_report (the summaries' ranges, migration 0010) both led with
-- (organization_id, started_at), and every statement that reads either selects live entries
-- only (deleted_at IS NULL). One index serves them all: in the list's order (started_at
-- DESC, id DESC) for its pages and cursor, a range for the reports, and holding every column
-- a summary without tags reads, for a covering scan. id is the table's key, so each index
-- holds it anyway: naming it second costs no byte. deleted_at stays a column (always NULL,
-- one byte): SQLite takes even a partial index's own condition from the index's columns,
-- and without it would look every row up in the table. The WHERE clause must stay what the
-- statements say (deleted_at IS NULL) or SQLite will not use the index.
--
-- It keeps the report index's name, which the reports' statements and their plan tests
-- name; the list statements and invoice candidates name it too (store/sqlite's
-- TestEntryQueriesUseIndexes checks the plans of every kind of read of entries).
--
-- What stays, and who reads it:
--   time_entries_report         the organization's list pages and overlap lists, summaries,
--                               detailed reports, invoice candidates;
--   time_entries_user_started   one user's list pages, overlap checks, the timesheet's day,
--                               recent projects and suggestions, one user's reports;
--   time_entries_server_version the sync pull;
--   time_entries_long           entries running or longer than a day reaching into a range;
--   time_entries_one_running    the one-running-timer rule and the running entry.
DROP INDEX time_entries_report;
DROP INDEX time_entries_org_started;
CREATE INDEX time_entries_report ON time_entries(organization_id, started_at DESC, id DESC,
    stopped_at, user_id, project_id, billable, task_id, tenant_id, deleted_at)
    WHERE deleted_at IS NULL;
