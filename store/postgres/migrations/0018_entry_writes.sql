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

-- Fewer and stronger foreign keys on the rows every create writes. An entry named its
-- tenant, organization and user in three foreign keys, each checked on insert by a lookup
-- that also locks the row it finds, so the tenant's concurrent creates all locked the same
-- tenant, organization and user rows (PostgreSQL records such shared lockers in a
-- multixact). The organization and the user are now named with the tenant,
-- (tenant_id, organization_id) and (tenant_id, user_id): two checks instead of three, the
-- tenant's existence following from the organization's own foreign key, and an entry can
-- no longer name another tenant's organization or user, which the single-column keys
-- allowed. The (tenant_id, id) keys they need replace the tenant_id indexes.
ALTER TABLE organizations ADD CONSTRAINT organizations_tenant_id_id_key UNIQUE (tenant_id, id);
DROP INDEX organizations_tenant;
ALTER TABLE users ADD CONSTRAINT users_tenant_id_id_key UNIQUE (tenant_id, id);
DROP INDEX users_tenant;
ALTER TABLE time_entries DROP CONSTRAINT time_entries_tenant_id_fkey,
    DROP CONSTRAINT time_entries_organization_id_fkey,
    DROP CONSTRAINT time_entries_user_id_fkey,
    ADD CONSTRAINT time_entries_organization_fkey FOREIGN KEY (tenant_id, organization_id) REFERENCES organizations(tenant_id, id),
    ADD CONSTRAINT time_entries_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id);

-- The audit and change-log rows name their tenant through its counter row
-- (tenant_counters, which names the tenant and goes with it): a change-log row takes its
-- seq from that row in the same statement, and an entry's create updates it, so the check
-- finds the row its own transaction already holds and locks nothing another writer holds.
-- A tenant with audit or change-log rows still cannot go: its counter's delete is refused.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_tenant_id_fkey,
    ADD CONSTRAINT audit_log_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenant_counters(tenant_id);
ALTER TABLE change_log DROP CONSTRAINT change_log_tenant_id_fkey,
    ADD CONSTRAINT change_log_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenant_counters(tenant_id);
