-- Stint schema, version 1. Instants are INTEGER microseconds since the Unix epoch (UTC);
-- ids are UUIDv7 text. Synced tables carry version, hlc, created_at, updated_at, deleted_at.

CREATE TABLE tenants (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    hlc         TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER
) STRICT;

CREATE TABLE organizations (
    id          TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    name        TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    version     INTEGER NOT NULL,
    hlc         TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    deleted_at  INTEGER
) STRICT;
CREATE INDEX organizations_tenant ON organizations(tenant_id);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    tenant_id     TEXT NOT NULL REFERENCES tenants(id),
    email         TEXT,
    name          TEXT NOT NULL,
    timezone      TEXT NOT NULL,
    password_hash TEXT NOT NULL DEFAULT '',
    version       INTEGER NOT NULL,
    hlc           TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    deleted_at    INTEGER
) STRICT;
CREATE INDEX users_tenant ON users(tenant_id);
-- Login looks users up by e-mail across tenants, so an e-mail names one account.
CREATE UNIQUE INDEX users_email ON users(email) WHERE email IS NOT NULL;

CREATE TABLE memberships (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    role            TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'member')),
    version         INTEGER NOT NULL,
    hlc             TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    UNIQUE (organization_id, user_id)
) STRICT;
CREATE INDEX memberships_user ON memberships(tenant_id, user_id);

CREATE TABLE clients (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    archived        INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL,
    hlc             TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER
) STRICT;
CREATE INDEX clients_org ON clients(tenant_id, organization_id, id);
CREATE UNIQUE INDEX clients_name ON clients(organization_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE projects (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    client_id       TEXT REFERENCES clients(id),
    name            TEXT NOT NULL,
    color           TEXT NOT NULL,
    billable        INTEGER NOT NULL DEFAULT 0,
    archived        INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL,
    hlc             TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER
) STRICT;
CREATE INDEX projects_org ON projects(tenant_id, organization_id, id);
CREATE UNIQUE INDEX projects_name ON projects(organization_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE tasks (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    project_id      TEXT NOT NULL REFERENCES projects(id),
    name            TEXT NOT NULL,
    done            INTEGER NOT NULL DEFAULT 0,
    archived        INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL,
    hlc             TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER
) STRICT;
CREATE INDEX tasks_org ON tasks(tenant_id, organization_id, id);
CREATE INDEX tasks_project ON tasks(project_id);

CREATE TABLE tags (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    name            TEXT NOT NULL,
    color           TEXT NOT NULL,
    archived        INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL,
    hlc             TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER
) STRICT;
CREATE INDEX tags_org ON tags(tenant_id, organization_id, id);
CREATE UNIQUE INDEX tags_name ON tags(organization_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE time_entries (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    organization_id TEXT NOT NULL REFERENCES organizations(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    project_id      TEXT REFERENCES projects(id),
    task_id         TEXT REFERENCES tasks(id),
    description     TEXT NOT NULL DEFAULT '',
    started_at      INTEGER NOT NULL,
    stopped_at      INTEGER,
    timezone        TEXT NOT NULL,
    billable        INTEGER NOT NULL DEFAULT 0,
    source          TEXT NOT NULL CHECK (source IN ('timer', 'manual', 'idle', 'import')),
    -- The entry's tag ids as a JSON array, in the user's order: one row is one synced entity
    -- and lists need no second query. The service checks each id against the tags table.
    tag_ids         TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tag_ids) AND json_type(tag_ids) = 'array'),
    version         INTEGER NOT NULL,
    hlc             TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    CHECK (stopped_at IS NULL OR stopped_at >= started_at)
) STRICT;
-- At most one running entry per user, enforced here and not only in code.
CREATE UNIQUE INDEX time_entries_one_running ON time_entries(user_id)
    WHERE stopped_at IS NULL AND deleted_at IS NULL;
CREATE INDEX time_entries_org_started ON time_entries(tenant_id, organization_id, started_at DESC, id DESC);
CREATE INDEX time_entries_user_started ON time_entries(tenant_id, organization_id, user_id, started_at DESC, id DESC);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    user_id      TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('session', 'personal')),
    prefix       TEXT NOT NULL,
    hash         BLOB NOT NULL UNIQUE,
    expires_at   INTEGER,
    last_used_at INTEGER,
    created_at   INTEGER NOT NULL,
    version      INTEGER NOT NULL
) STRICT;
CREATE INDEX api_tokens_user ON api_tokens(tenant_id, user_id);

CREATE TABLE audit_log (
    id              TEXT PRIMARY KEY,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    organization_id TEXT,
    actor_id        TEXT,
    action          TEXT NOT NULL,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    at              INTEGER NOT NULL
) STRICT;
CREATE INDEX audit_log_tenant ON audit_log(tenant_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE change_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    tenant_id       TEXT NOT NULL REFERENCES tenants(id),
    organization_id TEXT,
    entity          TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    op              TEXT NOT NULL CHECK (op IN ('upsert', 'delete')),
    version         INTEGER NOT NULL,
    hlc             TEXT NOT NULL,
    payload         BLOB NOT NULL,
    at              INTEGER NOT NULL,
    pushed_at       INTEGER
) STRICT;
CREATE INDEX change_log_tenant ON change_log(tenant_id, seq);

CREATE TABLE idempotency_keys (
    tenant_id    TEXT NOT NULL REFERENCES tenants(id),
    user_id      TEXT NOT NULL,
    key          TEXT NOT NULL,
    method       TEXT NOT NULL,
    path         TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    status       INTEGER NOT NULL,
    headers      TEXT NOT NULL,
    body         BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, user_id, key)
) STRICT;
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);

CREATE TABLE device_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;
