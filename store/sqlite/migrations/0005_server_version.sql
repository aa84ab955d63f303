-- Stint schema, version 5: server versions, the foundation of sync (docs/sync.md).
--
-- * One counter for the whole database: the highest tenants.change_seq. Every insert and
--   update of a synced row takes the next value (stamp in sync.go: one UPDATE of the
--   writing tenant's row that sets its change_seq to the highest plus one) and binds it as
--   the row's server_version in the writing statement; every change-log row takes one as
--   its seq. SQLite has one writer, so versions follow commit order, and a pull cursor never
--   skips a row. PostgreSQL has a counter per tenant instead, which orders its concurrent
--   writers; here one writer needs no per-tenant lock, and one database-wide sequence lets
--   a single (server_version) index serve every tenant's pull. Each tenant's change_seq
--   only grows and the next value is above all of them, so a tenant's versions always
--   increase, even if a tenant row were ever removed.
-- * tenants.change_seq is thereby the newest value the tenant got: ChangeLog.LatestSeq and
--   a pull's head. It never goes back when the outbox is acknowledged and empties, and
--   moves on every change to the tenant's data, not on other tenants' changes.
-- * The change log keeps seq as its rowid (the key it is read and acknowledged by), now
--   taken from the counter instead of AUTOINCREMENT; the table is rebuilt only to drop that
--   keyword, in the same shape. The counter starts at the highest seq handed out so far, so
--   no reader sees a seq it has seen already.
-- * Existing rows are numbered after that, kind by kind (organizations first, entries last)
--   in id order, so every row has a distinct version before the first pull.
-- * A (server_version) index on each synced table serves the pull. It leaves tenant_id out:
--   a desktop holds one tenant, a pull starts at its cursor and reads forward, and the
--   tenant (on the row the pull reads anyway) filters after the index; the index costs
--   the version and the row's id, 16 bytes less per row than (tenant_id, server_version).
--   Stamping in the statements, not in a trigger that updates the row after it is written,
--   stores each row once at its final size.

ALTER TABLE tenants ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
UPDATE tenants SET change_seq = coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0);
-- The next value is one above the highest: a seek on this index.
CREATE INDEX tenants_change_seq ON tenants(change_seq);

CREATE TABLE new_change_log (
    seq             INTEGER PRIMARY KEY,
    id              BLOB NOT NULL,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB,
    entity          TEXT NOT NULL,
    entity_id       BLOB NOT NULL,
    op              TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    at              INTEGER NOT NULL
) STRICT;
INSERT INTO new_change_log SELECT seq, id, tenant_id, organization_id, entity, entity_id, op, version, hlc, at FROM change_log;
DROP TABLE change_log;
ALTER TABLE new_change_log RENAME TO change_log;
-- One pending row per entity: Append replaces it.
CREATE UNIQUE INDEX change_log_entity ON change_log(entity_id);

ALTER TABLE organizations ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE memberships ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE projects ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tags ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE time_entries ADD COLUMN server_version INTEGER NOT NULL DEFAULT 0;

CREATE TEMP TABLE sync_stamp (
    kind      TEXT NOT NULL,
    id        BLOB NOT NULL,
    tenant_id BLOB NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
INSERT INTO sync_stamp SELECT kind, id, tenant_id, coalesce((SELECT max(change_seq) FROM tenants), 0) + row_number() OVER (ORDER BY ord, id) FROM (
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
);
UPDATE organizations SET server_version = (SELECT s.n FROM sync_stamp s WHERE s.kind = 'organization' AND s.id = organizations.id);
UPDATE users SET server_version = (SELECT s.n FROM sync_stamp s WHERE s.kind = 'user' AND s.id = users.id);
UPDATE memberships SET server_version = (SELECT s.n FROM sync_stamp s WHERE s.kind = 'membership' AND s.id = memberships.id);
UPDATE clients SET server_version = (SELECT s.n FROM sync_stamp s WHERE s.kind = 'client' AND s.id = clients.id);
UPDATE projects SET server_version = (SELECT s.n FROM sync_stamp s WHERE s.kind = 'project' AND s.id = projects.id);
UPDATE tasks SET server_version = (SELECT s.n FROM sync_stamp s WHERE s.kind = 'task' AND s.id = tasks.id);
UPDATE tags SET server_version = (SELECT s.n FROM sync_stamp s WHERE s.kind = 'tag' AND s.id = tags.id);
UPDATE time_entries SET server_version = (SELECT s.n FROM sync_stamp s WHERE s.kind = 'time_entry' AND s.id = time_entries.id);
UPDATE tenants SET change_seq = coalesce((SELECT max(n) FROM sync_stamp s WHERE s.tenant_id = tenants.id), change_seq);
DROP TABLE sync_stamp;

CREATE INDEX organizations_server_version ON organizations(server_version);
CREATE INDEX users_server_version ON users(server_version);
CREATE INDEX memberships_server_version ON memberships(server_version);
CREATE INDEX clients_server_version ON clients(server_version);
CREATE INDEX projects_server_version ON projects(server_version);
CREATE INDEX tasks_server_version ON tasks(server_version);
CREATE INDEX tags_server_version ON tags(server_version);
CREATE INDEX time_entries_server_version ON time_entries(server_version);
