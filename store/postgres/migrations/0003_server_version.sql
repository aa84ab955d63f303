-- Stint schema for PostgreSQL, version 3: server versions, the foundation of sync
-- (docs/sync.md), as SQLite's migration 0005 but with a counter per tenant, which orders
-- concurrent writers here (SQLite has one writer and one counter for the database).
--
-- * Every insert and update of a synced row takes the next value of its tenant's counter,
--   tenants.change_seq, inside the writing transaction and stores it in server_version. The
--   change log already numbers its seqs from that counter; sharing it keeps one lock and one
--   order per tenant, and ChangeLog.LatestSeq (the counter) moves on every change to the
--   tenant's data. The UPDATE of the tenant row locks it until the transaction ends, so the
--   tenant's next writer takes its version only after this one committed or rolled back:
--   versions follow commit order, and a snapshot holds a prefix of them, so a pull cursor
--   never skips a row. A BEFORE trigger stamps the row, so no write path can forget to,
--   and an update that sets server_version itself (a replica storing the server's value,
--   later) is left as it is.
-- * Existing rows are numbered after the counter, per tenant, kind by kind (organizations
--   first, entries last) in id order, so every row has a distinct version.
-- * (tenant_id, server_version) indexes serve the pull.

ALTER TABLE organizations ADD COLUMN server_version bigint NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN server_version bigint NOT NULL DEFAULT 0;
ALTER TABLE memberships ADD COLUMN server_version bigint NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN server_version bigint NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN server_version bigint NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN server_version bigint NOT NULL DEFAULT 0;
ALTER TABLE tags ADD COLUMN server_version bigint NOT NULL DEFAULT 0;
ALTER TABLE time_entries ADD COLUMN server_version bigint NOT NULL DEFAULT 0;

CREATE TEMP TABLE sync_stamp ON COMMIT DROP AS
SELECT kind, id, tenant_id, row_number() OVER (PARTITION BY tenant_id ORDER BY ord, id) AS n FROM (
    SELECT 0 AS ord, 'organization' AS kind, id, tenant_id FROM organizations
    UNION ALL
    SELECT 1 AS ord, 'user' AS kind, id, tenant_id FROM users
    UNION ALL
    SELECT 2 AS ord, 'membership' AS kind, id, tenant_id FROM memberships
    UNION ALL
    SELECT 3 AS ord, 'client' AS kind, id, tenant_id FROM clients
    UNION ALL
    SELECT 4 AS ord, 'project' AS kind, id, tenant_id FROM projects
    UNION ALL
    SELECT 5 AS ord, 'task' AS kind, id, tenant_id FROM tasks
    UNION ALL
    SELECT 6 AS ord, 'tag' AS kind, id, tenant_id FROM tags
    UNION ALL
    SELECT 7 AS ord, 'time_entry' AS kind, id, tenant_id FROM time_entries
) AS rows;
UPDATE organizations r SET server_version = t.change_seq + s.n FROM sync_stamp s, tenants t
    WHERE s.kind = 'organization' AND s.id = r.id AND t.id = r.tenant_id;
UPDATE users r SET server_version = t.change_seq + s.n FROM sync_stamp s, tenants t
    WHERE s.kind = 'user' AND s.id = r.id AND t.id = r.tenant_id;
UPDATE memberships r SET server_version = t.change_seq + s.n FROM sync_stamp s, tenants t
    WHERE s.kind = 'membership' AND s.id = r.id AND t.id = r.tenant_id;
UPDATE clients r SET server_version = t.change_seq + s.n FROM sync_stamp s, tenants t
    WHERE s.kind = 'client' AND s.id = r.id AND t.id = r.tenant_id;
UPDATE projects r SET server_version = t.change_seq + s.n FROM sync_stamp s, tenants t
    WHERE s.kind = 'project' AND s.id = r.id AND t.id = r.tenant_id;
UPDATE tasks r SET server_version = t.change_seq + s.n FROM sync_stamp s, tenants t
    WHERE s.kind = 'task' AND s.id = r.id AND t.id = r.tenant_id;
UPDATE tags r SET server_version = t.change_seq + s.n FROM sync_stamp s, tenants t
    WHERE s.kind = 'tag' AND s.id = r.id AND t.id = r.tenant_id;
UPDATE time_entries r SET server_version = t.change_seq + s.n FROM sync_stamp s, tenants t
    WHERE s.kind = 'time_entry' AND s.id = r.id AND t.id = r.tenant_id;
UPDATE tenants t SET change_seq = t.change_seq + s.n
    FROM (SELECT tenant_id, max(n) AS n FROM sync_stamp GROUP BY tenant_id) s WHERE s.tenant_id = t.id;

-- A row whose tenant the writer cannot see (no such tenant, or another tenant's under
-- row-level security) keeps its version: the row's own checks (RLS, the foreign key)
-- reject it right after, with the error they always gave.
CREATE FUNCTION stamp_server_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
    UPDATE stint.tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id RETURNING change_seq INTO v;
    IF FOUND THEN
        NEW.server_version := v;
    END IF;
    RETURN NEW;
END $$;

CREATE INDEX organizations_server_version ON organizations(tenant_id, server_version);
CREATE TRIGGER organizations_stamp_insert BEFORE INSERT ON organizations
    FOR EACH ROW EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER organizations_stamp_update BEFORE UPDATE ON organizations
    FOR EACH ROW WHEN (NEW.server_version = OLD.server_version) EXECUTE FUNCTION stamp_server_version();
CREATE INDEX users_server_version ON users(tenant_id, server_version);
CREATE TRIGGER users_stamp_insert BEFORE INSERT ON users
    FOR EACH ROW EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER users_stamp_update BEFORE UPDATE ON users
    FOR EACH ROW WHEN (NEW.server_version = OLD.server_version) EXECUTE FUNCTION stamp_server_version();
CREATE INDEX memberships_server_version ON memberships(tenant_id, server_version);
CREATE TRIGGER memberships_stamp_insert BEFORE INSERT ON memberships
    FOR EACH ROW EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER memberships_stamp_update BEFORE UPDATE ON memberships
    FOR EACH ROW WHEN (NEW.server_version = OLD.server_version) EXECUTE FUNCTION stamp_server_version();
CREATE INDEX clients_server_version ON clients(tenant_id, server_version);
CREATE TRIGGER clients_stamp_insert BEFORE INSERT ON clients
    FOR EACH ROW EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER clients_stamp_update BEFORE UPDATE ON clients
    FOR EACH ROW WHEN (NEW.server_version = OLD.server_version) EXECUTE FUNCTION stamp_server_version();
CREATE INDEX projects_server_version ON projects(tenant_id, server_version);
CREATE TRIGGER projects_stamp_insert BEFORE INSERT ON projects
    FOR EACH ROW EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER projects_stamp_update BEFORE UPDATE ON projects
    FOR EACH ROW WHEN (NEW.server_version = OLD.server_version) EXECUTE FUNCTION stamp_server_version();
CREATE INDEX tasks_server_version ON tasks(tenant_id, server_version);
CREATE TRIGGER tasks_stamp_insert BEFORE INSERT ON tasks
    FOR EACH ROW EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER tasks_stamp_update BEFORE UPDATE ON tasks
    FOR EACH ROW WHEN (NEW.server_version = OLD.server_version) EXECUTE FUNCTION stamp_server_version();
CREATE INDEX tags_server_version ON tags(tenant_id, server_version);
CREATE TRIGGER tags_stamp_insert BEFORE INSERT ON tags
    FOR EACH ROW EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER tags_stamp_update BEFORE UPDATE ON tags
    FOR EACH ROW WHEN (NEW.server_version = OLD.server_version) EXECUTE FUNCTION stamp_server_version();
CREATE INDEX time_entries_server_version ON time_entries(tenant_id, server_version);
CREATE TRIGGER time_entries_stamp_insert BEFORE INSERT ON time_entries
    FOR EACH ROW EXECUTE FUNCTION stamp_server_version();
CREATE TRIGGER time_entries_stamp_update BEFORE UPDATE ON time_entries
    FOR EACH ROW WHEN (NEW.server_version = OLD.server_version) EXECUTE FUNCTION stamp_server_version();
