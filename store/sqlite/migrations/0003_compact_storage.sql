-- Stint schema, version 3: compact storage. Version 1 stored about 2,100 bytes per time
-- entry (with its audit and change-log rows); a million entries took over 2 GB. Where the
-- bytes went and what replaces them, which the PostgreSQL store is to follow too:
--
-- * Ids were 36-byte UUID text, repeated in every row and every index that names them (an
--   entry names five). They are now the UUID's 16 bytes (BLOB); the store converts at its
--   boundary, so ids still read back as the same UUIDs, and byte order is text order, so
--   pages keep their order.
-- * Every synced table is WITHOUT ROWID, clustered on its id: UUIDv7 ids are time-ordered,
--   so rows append in id order, and the id is stored once instead of once in the table, once
--   in a separate primary-key index and once more as a rowid in every other index.
-- * An entry's tag ids were a JSON array of UUID text; they are the ids' 16-byte values one
--   after another (length a multiple of 16), in the user's order.
-- * The change log copied the whole row as JSON for every change and kept it for ever. It is
--   an outbox, not history (DESIGN.md): the row itself is the payload, so change_log keeps
--   no copy; it holds at most one pending row per entity (a later change replaces the
--   earlier one, with a new seq), and rows leave once the server has acknowledged them
--   (ChangeLog.Acknowledge). Rows already pushed under version 1 are dropped here; of the
--   pending ones the newest per entity is kept, with its seq. History stays in audit_log.
--   The unique index on the mutation id is gone (UUIDv7, made where the change is made);
--   change_log_entity finds an entity's pending row.
-- * audit_log is clustered on (tenant_id, id), which its one query reads, instead of a
--   rowid table plus an index repeating both columns.
-- * The entry indexes start at organization_id (which names one tenant) without tenant_id.
-- * HLC stamps were 39 bytes of text in every synced row and change; they are 8 bytes of wall
--   milliseconds and 4 of the logical counter, both big-endian, then the node id (24 bytes),
--   so byte order is still stamp order. The store converts at its boundary.
-- Instants stay INTEGER microseconds (UTC).
--
-- The migration runs in one transaction with foreign keys off (store/sqlite/sqlite.go checks
-- them with PRAGMA foreign_key_check before it commits): each table is copied into its new
-- shape, the old tables are dropped and the new ones renamed in their place.

CREATE TABLE new_tenants (
    id          BLOB PRIMARY KEY,
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    hlc         BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER
) STRICT, WITHOUT ROWID;
INSERT INTO new_tenants SELECT unhex(replace(id, '-', '')), name, version, unhex(printf('%016x%08x', CAST(substr(hlc, 1, 15) AS INTEGER), CAST(substr(hlc, 17, 10) AS INTEGER)) || hex(substr(hlc, 28))), created_at, updated_at, deleted_at FROM tenants;

CREATE TABLE new_organizations (
    id          BLOB PRIMARY KEY,
    tenant_id   BLOB NOT NULL REFERENCES tenants(id),
    name        TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    version     INTEGER NOT NULL,
    hlc         BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER
) STRICT, WITHOUT ROWID;
INSERT INTO new_organizations SELECT unhex(replace(id, '-', '')), unhex(replace(tenant_id, '-', '')), name, timezone,
    version, unhex(printf('%016x%08x', CAST(substr(hlc, 1, 15) AS INTEGER), CAST(substr(hlc, 17, 10) AS INTEGER)) || hex(substr(hlc, 28))), created_at, updated_at, deleted_at FROM organizations;

CREATE TABLE new_users (
    id            BLOB PRIMARY KEY,
    tenant_id     BLOB NOT NULL REFERENCES tenants(id),
    email         TEXT,
    name          TEXT NOT NULL,
    timezone      TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    hlc           BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    deleted_at    INTEGER
) STRICT, WITHOUT ROWID;
INSERT INTO new_users SELECT unhex(replace(id, '-', '')), unhex(replace(tenant_id, '-', '')), email, name, timezone,
    password_hash, version, unhex(printf('%016x%08x', CAST(substr(hlc, 1, 15) AS INTEGER), CAST(substr(hlc, 17, 10) AS INTEGER)) || hex(substr(hlc, 28))), created_at, updated_at, deleted_at FROM users;

CREATE TABLE new_memberships (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    user_id         BLOB NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'member')),
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    UNIQUE (organization_id, user_id)
) STRICT, WITHOUT ROWID;
INSERT INTO new_memberships SELECT unhex(replace(id, '-', '')), unhex(replace(tenant_id, '-', '')),
    unhex(replace(organization_id, '-', '')), unhex(replace(user_id, '-', '')), role,
    version, unhex(printf('%016x%08x', CAST(substr(hlc, 1, 15) AS INTEGER), CAST(substr(hlc, 17, 10) AS INTEGER)) || hex(substr(hlc, 28))), created_at, updated_at, deleted_at FROM memberships;

CREATE TABLE new_clients (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    archived        INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER
) STRICT, WITHOUT ROWID;
INSERT INTO new_clients SELECT unhex(replace(id, '-', '')), unhex(replace(tenant_id, '-', '')),
    unhex(replace(organization_id, '-', '')), name, archived,
    version, unhex(printf('%016x%08x', CAST(substr(hlc, 1, 15) AS INTEGER), CAST(substr(hlc, 17, 10) AS INTEGER)) || hex(substr(hlc, 28))), created_at, updated_at, deleted_at FROM clients;

CREATE TABLE new_projects (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    client_id       BLOB REFERENCES clients(id),
    name            TEXT NOT NULL,
    color           TEXT NOT NULL,
    billable        INTEGER NOT NULL DEFAULT 0,
    archived        INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER
) STRICT, WITHOUT ROWID;
INSERT INTO new_projects SELECT unhex(replace(id, '-', '')), unhex(replace(tenant_id, '-', '')),
    unhex(replace(organization_id, '-', '')), unhex(replace(client_id, '-', '')), name, color, billable, archived,
    version, unhex(printf('%016x%08x', CAST(substr(hlc, 1, 15) AS INTEGER), CAST(substr(hlc, 17, 10) AS INTEGER)) || hex(substr(hlc, 28))), created_at, updated_at, deleted_at FROM projects;

CREATE TABLE new_tasks (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    project_id      BLOB NOT NULL REFERENCES projects(id),
    name            TEXT NOT NULL,
    done            INTEGER NOT NULL DEFAULT 0,
    archived        INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER
) STRICT, WITHOUT ROWID;
INSERT INTO new_tasks SELECT unhex(replace(id, '-', '')), unhex(replace(tenant_id, '-', '')),
    unhex(replace(organization_id, '-', '')), unhex(replace(project_id, '-', '')), name, done, archived,
    version, unhex(printf('%016x%08x', CAST(substr(hlc, 1, 15) AS INTEGER), CAST(substr(hlc, 17, 10) AS INTEGER)) || hex(substr(hlc, 28))), created_at, updated_at, deleted_at FROM tasks;

CREATE TABLE new_tags (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    color           TEXT NOT NULL,
    archived        INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER
) STRICT, WITHOUT ROWID;
INSERT INTO new_tags SELECT unhex(replace(id, '-', '')), unhex(replace(tenant_id, '-', '')),
    unhex(replace(organization_id, '-', '')), name, color, archived,
    version, unhex(printf('%016x%08x', CAST(substr(hlc, 1, 15) AS INTEGER), CAST(substr(hlc, 17, 10) AS INTEGER)) || hex(substr(hlc, 28))), created_at, updated_at, deleted_at FROM tags;

CREATE TABLE new_time_entries (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    user_id         BLOB NOT NULL REFERENCES users(id),
    project_id      BLOB REFERENCES projects(id),
    task_id         BLOB REFERENCES tasks(id),
    description     TEXT NOT NULL DEFAULT '',
    started_at      INTEGER NOT NULL,
    stopped_at      INTEGER,
    timezone        TEXT NOT NULL,
    billable        INTEGER NOT NULL DEFAULT 0,
    source          TEXT NOT NULL CHECK (source IN ('timer', 'manual', 'idle', 'import')),
    -- The entry's tag ids, 16 bytes each, in the user's order: one row is one synced entity
    -- and lists need no second query. The service checks each id against the tags table.
    tag_ids         BLOB NOT NULL DEFAULT x'' CHECK (length(tag_ids) % 16 = 0),
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    CHECK (stopped_at IS NULL OR stopped_at >= started_at)
) STRICT, WITHOUT ROWID;
INSERT INTO new_time_entries SELECT unhex(replace(id, '-', '')), unhex(replace(tenant_id, '-', '')),
    unhex(replace(organization_id, '-', '')), unhex(replace(user_id, '-', '')),
    unhex(replace(project_id, '-', '')), unhex(replace(task_id, '-', '')),
    description, started_at, stopped_at, timezone, billable, source,
    unhex(coalesce((SELECT group_concat(replace(j.value, '-', ''), '' ORDER BY j.key) FROM json_each(time_entries.tag_ids) j), '')),
    version, unhex(printf('%016x%08x', CAST(substr(hlc, 1, 15) AS INTEGER), CAST(substr(hlc, 17, 10) AS INTEGER)) || hex(substr(hlc, 28))), created_at, updated_at, deleted_at FROM time_entries;

CREATE TABLE new_api_tokens (
    id           BLOB PRIMARY KEY,
    tenant_id    BLOB NOT NULL REFERENCES tenants(id),
    user_id      BLOB NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('session', 'personal')),
    prefix       TEXT NOT NULL,
    hash         BLOB NOT NULL UNIQUE,
    expires_at   INTEGER,
    last_used_at INTEGER,
    created_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
INSERT INTO new_api_tokens SELECT unhex(replace(id, '-', '')), unhex(replace(tenant_id, '-', '')),
    unhex(replace(user_id, '-', '')), name, kind, prefix, hash, expires_at, last_used_at, created_at, version FROM api_tokens;

CREATE TABLE new_audit_log (
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    id              BLOB NOT NULL,
    organization_id BLOB,
    actor_id        BLOB,
    action          TEXT NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       BLOB NOT NULL,
    at              INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id)
) STRICT, WITHOUT ROWID;
INSERT INTO new_audit_log SELECT unhex(replace(tenant_id, '-', '')), unhex(replace(id, '-', '')),
    unhex(replace(organization_id, '-', '')), unhex(replace(actor_id, '-', '')),
    action, entity, unhex(replace(entity_id, '-', '')), at FROM audit_log;

CREATE TABLE new_change_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO new_change_log SELECT seq, unhex(replace(id, '-', '')), unhex(replace(tenant_id, '-', '')),
    unhex(replace(organization_id, '-', '')), entity, unhex(replace(entity_id, '-', '')), op, version, unhex(printf('%016x%08x', CAST(substr(hlc, 1, 15) AS INTEGER), CAST(substr(hlc, 17, 10) AS INTEGER)) || hex(substr(hlc, 28))), at
    FROM change_log c WHERE pushed_at IS NULL
    AND seq = (SELECT max(seq) FROM change_log l WHERE l.entity_id = c.entity_id AND l.pushed_at IS NULL);
-- New seqs continue after every seq version 1 handed out, pushed or not, so a reader
-- polling the newest seq never sees it go back.
DELETE FROM sqlite_sequence WHERE name = 'new_change_log';
INSERT INTO sqlite_sequence (name, seq) SELECT 'new_change_log', max(seq) FROM change_log WHERE seq IS NOT NULL HAVING count(*) > 0;

CREATE TABLE new_idempotency_keys (
    tenant_id    BLOB NOT NULL REFERENCES tenants(id),
    user_id      BLOB NOT NULL,
    key          TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    status       INTEGER NOT NULL,
    headers      TEXT NOT NULL,
    body         BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id, key)
) STRICT, WITHOUT ROWID;
INSERT INTO new_idempotency_keys SELECT unhex(replace(tenant_id, '-', '')), unhex(replace(user_id, '-', '')),
    key, method, path, request_hash, status, headers, body, created_at FROM idempotency_keys;

DROP TABLE idempotency_keys;
DROP TABLE change_log;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE time_entries;
DROP TABLE tags;
DROP TABLE tasks;
DROP TABLE projects;
DROP TABLE clients;
DROP TABLE memberships;
DROP TABLE users;
DROP TABLE organizations;
DROP TABLE tenants;

ALTER TABLE new_tenants RENAME TO tenants;
ALTER TABLE new_organizations RENAME TO organizations;
ALTER TABLE new_users RENAME TO users;
ALTER TABLE new_memberships RENAME TO memberships;
ALTER TABLE new_clients RENAME TO clients;
ALTER TABLE new_projects RENAME TO projects;
ALTER TABLE new_tasks RENAME TO tasks;
ALTER TABLE new_tags RENAME TO tags;
ALTER TABLE new_time_entries RENAME TO time_entries;
ALTER TABLE new_api_tokens RENAME TO api_tokens;
ALTER TABLE new_audit_log RENAME TO audit_log;
ALTER TABLE new_change_log RENAME TO change_log;
ALTER TABLE new_idempotency_keys RENAME TO idempotency_keys;

CREATE INDEX organizations_tenant ON organizations(tenant_id);
CREATE INDEX users_tenant ON users(tenant_id);
-- Login looks users up by e-mail across tenants, so an e-mail names one account.
CREATE UNIQUE INDEX users_email ON users(email) WHERE email IS NOT NULL;
CREATE INDEX memberships_user ON memberships(tenant_id, user_id);
CREATE INDEX clients_org ON clients(tenant_id, organization_id, id);
CREATE UNIQUE INDEX clients_name ON clients(organization_id, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX projects_org ON projects(tenant_id, organization_id, id);
CREATE UNIQUE INDEX projects_name ON projects(organization_id, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX tasks_org ON tasks(tenant_id, organization_id, id);
CREATE INDEX tasks_project ON tasks(project_id);
CREATE INDEX tags_org ON tags(tenant_id, organization_id, id);
CREATE UNIQUE INDEX tags_name ON tags(organization_id, lower(name)) WHERE deleted_at IS NULL;
-- At most one running entry per user, enforced here and not only in code.
CREATE UNIQUE INDEX time_entries_one_running ON time_entries(user_id)
    WHERE stopped_at IS NULL AND deleted_at IS NULL;
-- An organization id names one tenant, so the entry indexes start at the organization; the
-- statements still compare tenant_id, on the row they read anyway.
CREATE INDEX time_entries_org_started ON time_entries(organization_id, started_at DESC, id DESC);
CREATE INDEX time_entries_user_started ON time_entries(organization_id, user_id, started_at DESC, id DESC);
-- See 0002_entries_long.sql; the WHERE clause must match timeentry.go's longEntryCond.
CREATE INDEX time_entries_long ON time_entries(organization_id, started_at DESC, id DESC)
    WHERE stopped_at IS NULL OR stopped_at - started_at > 86400000000;
CREATE INDEX api_tokens_user ON api_tokens(tenant_id, user_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- One pending row per entity: Append replaces it.
CREATE UNIQUE INDEX change_log_entity ON change_log(entity_id);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);
