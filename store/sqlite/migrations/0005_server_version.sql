-- Stint schema, version 5: server versions, the foundation of sync (docs/sync.md).
--
-- * Each tenant has one counter, tenants.change_seq (PostgreSQL has had it since its first
--   migration). Every insert and update of a synced row takes its next value in the writing
--   transaction and stores it in the row's server_version; SQLite has one writer, so
--   versions follow commit order per tenant, and a pull cursor (SyncRows.Pull) never skips a
--   row. Triggers stamp the rows, so no write path can forget to, and an update that sets
--   server_version itself (a replica storing the server's value, later) is left as it is.
-- * The change log's seq comes from the same counter, so ChangeLog.LatestSeq (the counter)
--   never goes back when the outbox is acknowledged and empties, and moves on every change
--   to the tenant's data. Seqs were one AUTOINCREMENT across tenants; per tenant they need
--   the key (tenant_id, seq), so change_log is rebuilt. Every counter starts at the highest
--   seq handed out so far, so no cursor sees a seq it has seen already.
-- * Existing rows are numbered after that, per tenant, kind by kind (organizations first,
--   entries last) in id order, so every row has a distinct version before the first pull.
-- * (tenant_id, server_version) indexes serve the pull.

ALTER TABLE tenants ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
UPDATE tenants SET change_seq = coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0);

CREATE TABLE new_change_log (
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    seq             INTEGER NOT NULL,
    id              BLOB NOT NULL,
    organization_id BLOB,
    entity          TEXT NOT NULL,
    entity_id       BLOB NOT NULL,
    op              TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    at              INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, seq)
) STRICT, WITHOUT ROWID;
INSERT INTO new_change_log SELECT tenant_id, seq, id, organization_id, entity, entity_id, op, version, hlc, at FROM change_log;
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
INSERT INTO sync_stamp SELECT kind, id, tenant_id, row_number() OVER (PARTITION BY tenant_id ORDER BY ord, id) FROM (
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
UPDATE organizations SET server_version = (SELECT t.change_seq FROM tenants t WHERE t.id = organizations.tenant_id)
    + (SELECT s.n FROM sync_stamp s WHERE s.kind = 'organization' AND s.id = organizations.id);
UPDATE users SET server_version = (SELECT t.change_seq FROM tenants t WHERE t.id = users.tenant_id)
    + (SELECT s.n FROM sync_stamp s WHERE s.kind = 'user' AND s.id = users.id);
UPDATE memberships SET server_version = (SELECT t.change_seq FROM tenants t WHERE t.id = memberships.tenant_id)
    + (SELECT s.n FROM sync_stamp s WHERE s.kind = 'membership' AND s.id = memberships.id);
UPDATE clients SET server_version = (SELECT t.change_seq FROM tenants t WHERE t.id = clients.tenant_id)
    + (SELECT s.n FROM sync_stamp s WHERE s.kind = 'client' AND s.id = clients.id);
UPDATE projects SET server_version = (SELECT t.change_seq FROM tenants t WHERE t.id = projects.tenant_id)
    + (SELECT s.n FROM sync_stamp s WHERE s.kind = 'project' AND s.id = projects.id);
UPDATE tasks SET server_version = (SELECT t.change_seq FROM tenants t WHERE t.id = tasks.tenant_id)
    + (SELECT s.n FROM sync_stamp s WHERE s.kind = 'task' AND s.id = tasks.id);
UPDATE tags SET server_version = (SELECT t.change_seq FROM tenants t WHERE t.id = tags.tenant_id)
    + (SELECT s.n FROM sync_stamp s WHERE s.kind = 'tag' AND s.id = tags.id);
UPDATE time_entries SET server_version = (SELECT t.change_seq FROM tenants t WHERE t.id = time_entries.tenant_id)
    + (SELECT s.n FROM sync_stamp s WHERE s.kind = 'time_entry' AND s.id = time_entries.id);
UPDATE tenants SET change_seq = change_seq + coalesce((SELECT max(n) FROM sync_stamp s WHERE s.tenant_id = tenants.id), 0);
DROP TABLE sync_stamp;

CREATE INDEX organizations_server_version ON organizations(tenant_id, server_version);
CREATE TRIGGER organizations_stamp_insert AFTER INSERT ON organizations
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE organizations SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER organizations_stamp_update AFTER UPDATE ON organizations WHEN NEW.server_version = OLD.server_version
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE organizations SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE INDEX users_server_version ON users(tenant_id, server_version);
CREATE TRIGGER users_stamp_insert AFTER INSERT ON users
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE users SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER users_stamp_update AFTER UPDATE ON users WHEN NEW.server_version = OLD.server_version
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE users SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE INDEX memberships_server_version ON memberships(tenant_id, server_version);
CREATE TRIGGER memberships_stamp_insert AFTER INSERT ON memberships
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE memberships SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER memberships_stamp_update AFTER UPDATE ON memberships WHEN NEW.server_version = OLD.server_version
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE memberships SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE INDEX clients_server_version ON clients(tenant_id, server_version);
CREATE TRIGGER clients_stamp_insert AFTER INSERT ON clients
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE clients SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER clients_stamp_update AFTER UPDATE ON clients WHEN NEW.server_version = OLD.server_version
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE clients SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE INDEX projects_server_version ON projects(tenant_id, server_version);
CREATE TRIGGER projects_stamp_insert AFTER INSERT ON projects
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE projects SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER projects_stamp_update AFTER UPDATE ON projects WHEN NEW.server_version = OLD.server_version
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE projects SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE INDEX tasks_server_version ON tasks(tenant_id, server_version);
CREATE TRIGGER tasks_stamp_insert AFTER INSERT ON tasks
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE tasks SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER tasks_stamp_update AFTER UPDATE ON tasks WHEN NEW.server_version = OLD.server_version
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE tasks SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE INDEX tags_server_version ON tags(tenant_id, server_version);
CREATE TRIGGER tags_stamp_insert AFTER INSERT ON tags
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE tags SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER tags_stamp_update AFTER UPDATE ON tags WHEN NEW.server_version = OLD.server_version
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE tags SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE INDEX time_entries_server_version ON time_entries(tenant_id, server_version);
CREATE TRIGGER time_entries_stamp_insert AFTER INSERT ON time_entries
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE time_entries SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
CREATE TRIGGER time_entries_stamp_update AFTER UPDATE ON time_entries WHEN NEW.server_version = OLD.server_version
BEGIN
    UPDATE tenants SET change_seq = change_seq + 1 WHERE id = NEW.tenant_id;
    UPDATE time_entries SET server_version = (SELECT change_seq FROM tenants WHERE id = NEW.tenant_id) WHERE id = NEW.id;
END;
