-- Stint schema for PostgreSQL, version 1: the logical schema of the SQLite store after its
-- migration 0003 (store/sqlite/migrations), in PostgreSQL's own types:
--
-- * Ids are uuid (16 bytes, compared byte by byte, so pages keep SQLite's order).
-- * Instants are timestamptz (microseconds, UTC); SQLite keeps UTC microseconds in integers.
-- * HLC stamps are bytea in SQLite's 24-byte form: 8 bytes of wall milliseconds and 4 of the
--   logical counter, both big-endian, then the node id; byte order is stamp order.
-- * An entry's tag ids are a uuid[] in the user's order (SQLite: the ids' bytes one after another).
-- * E-mail addresses are unique within a tenant, not across tenants (SQLite migration 0004).
-- * The change log's seq comes from a per-tenant counter, tenants.change_seq, taken inside
--   the writing transaction: the tenant row's lock orders the tenant's writers, so seq order
--   is commit order and a reader's cursor never passes a seq that commits later.
--
-- Every table holding tenant data has row-level security enabled and forced, with one
-- policy for everyone on app.tenant_id (set by the store with set_config(…, true) inside each
-- transaction; unset, it matches nothing) and one for the schema owner, which only the few
-- SECURITY DEFINER functions at the end run as. The migration runs as the schema owner
-- (Setup, setup.go), so CURRENT_USER below is that role.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text NOT NULL,
    change_seq  bigint NOT NULL DEFAULT 0,
    version     bigint NOT NULL,
    hlc         bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    deleted_at  timestamptz
);

CREATE TABLE organizations (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id),
    name        text NOT NULL,
    timezone    text NOT NULL,
    version     bigint NOT NULL,
    hlc         bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    deleted_at  timestamptz
);
CREATE INDEX organizations_tenant ON organizations(tenant_id);

CREATE TABLE users (
    id            uuid PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES tenants(id),
    email         text,
    name          text NOT NULL,
    timezone      text NOT NULL,
    password_hash text NOT NULL DEFAULT '',
    version       bigint NOT NULL,
    hlc           bytea NOT NULL,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    deleted_at    timestamptz
);
CREATE INDEX users_tenant ON users(tenant_id);
-- An address names at most one account per tenant; the same address may have accounts in
-- several tenants. Login looks it up by e-mail first, hence email leads.
CREATE UNIQUE INDEX users_email ON users(email, tenant_id) WHERE email IS NOT NULL;

CREATE TABLE memberships (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    user_id         uuid NOT NULL REFERENCES users(id),
    role            text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'member')),
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    UNIQUE (organization_id, user_id)
);
CREATE INDEX memberships_user ON memberships(tenant_id, user_id);

CREATE TABLE clients (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    name            text NOT NULL,
    archived        boolean NOT NULL DEFAULT false,
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz
);
CREATE INDEX clients_org ON clients(tenant_id, organization_id, id);
CREATE UNIQUE INDEX clients_name ON clients(organization_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE projects (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    client_id       uuid REFERENCES clients(id),
    name            text NOT NULL,
    color           text NOT NULL,
    billable        boolean NOT NULL DEFAULT false,
    archived        boolean NOT NULL DEFAULT false,
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz
);
CREATE INDEX projects_org ON projects(tenant_id, organization_id, id);
CREATE UNIQUE INDEX projects_name ON projects(organization_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE tasks (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    project_id      uuid NOT NULL REFERENCES projects(id),
    name            text NOT NULL,
    done            boolean NOT NULL DEFAULT false,
    archived        boolean NOT NULL DEFAULT false,
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz
);
CREATE INDEX tasks_org ON tasks(tenant_id, organization_id, id);
CREATE INDEX tasks_project ON tasks(project_id);

CREATE TABLE tags (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    name            text NOT NULL,
    color           text NOT NULL,
    archived        boolean NOT NULL DEFAULT false,
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz
);
CREATE INDEX tags_org ON tags(tenant_id, organization_id, id);
CREATE UNIQUE INDEX tags_name ON tags(organization_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE time_entries (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    user_id         uuid NOT NULL REFERENCES users(id),
    project_id      uuid REFERENCES projects(id),
    task_id         uuid REFERENCES tasks(id),
    description     text NOT NULL DEFAULT '',
    started_at      timestamptz NOT NULL,
    stopped_at      timestamptz,
    timezone        text NOT NULL,
    billable        boolean NOT NULL DEFAULT false,
    source          text NOT NULL CHECK (source IN ('timer', 'manual', 'idle', 'import')),
    -- The entry's tag ids in the user's order; the service checks each against tags.
    tag_ids         uuid[] NOT NULL DEFAULT '{}',
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    deleted_at      timestamptz,
    CHECK (stopped_at IS NULL OR stopped_at >= started_at)
);
-- At most one running entry per user, enforced here and not only in code.
CREATE UNIQUE INDEX time_entries_one_running ON time_entries(user_id)
    WHERE stopped_at IS NULL AND deleted_at IS NULL;
CREATE INDEX time_entries_org_started ON time_entries(organization_id, started_at DESC, id DESC);
CREATE INDEX time_entries_user_started ON time_entries(organization_id, user_id, started_at DESC, id DESC);
-- Running entries and entries longer than 24 h, which can reach into a report's range from
-- long before it (timeentry.go's longEntryCond must stay this WHERE clause word for word).
CREATE INDEX time_entries_long ON time_entries(organization_id, started_at DESC, id DESC)
    WHERE stopped_at IS NULL OR stopped_at - started_at > interval '24 hours';

CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants(id),
    user_id      uuid NOT NULL REFERENCES users(id),
    name         text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('session', 'personal')),
    prefix       text NOT NULL,
    hash         bytea NOT NULL UNIQUE,
    expires_at   timestamptz,
    last_used_at timestamptz,
    created_at   timestamptz NOT NULL,
    version      bigint NOT NULL
);
CREATE INDEX api_tokens_user ON api_tokens(tenant_id, user_id);

CREATE TABLE audit_log (
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    id              uuid NOT NULL,
    organization_id uuid,
    actor_id        uuid,
    action          text NOT NULL,
    entity          text NOT NULL,
    entity_id       uuid NOT NULL,
    at              timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TABLE change_log (
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    seq             bigint NOT NULL,
    id              uuid NOT NULL,
    organization_id uuid,
    entity          text NOT NULL,
    entity_id       uuid NOT NULL,
    op              text NOT NULL CHECK (op IN ('upsert', 'delete')),
    version         bigint NOT NULL,
    hlc             bytea NOT NULL,
    at              timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
-- One pending row per entity: Append replaces it.
CREATE UNIQUE INDEX change_log_entity ON change_log(tenant_id, entity_id);

CREATE TABLE idempotency_keys (
    tenant_id    uuid NOT NULL REFERENCES tenants(id),
    user_id      uuid NOT NULL,
    key          text NOT NULL,
    method       text NOT NULL,
    path         text NOT NULL,
    request_hash bytea NOT NULL,
    status       integer NOT NULL,
    headers      text NOT NULL,
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at);

-- This installation's own settings: not tenant data, no row-level security.
CREATE TABLE device_settings (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- Row-level security. With app.tenant_id unset (or empty) the NULLIF gives NULL, and a
-- comparison with NULL is never true: a missing setting reads nothing and writes nothing.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY schema_owner ON tenants TO CURRENT_USER USING (true) WITH CHECK (true);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organizations', 'users', 'memberships', 'clients', 'projects', 'tasks',
        'tags', 'time_entries', 'api_tokens', 'audit_log', 'change_log', 'idempotency_keys'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
            USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
            WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)$p$, t);
        EXECUTE format('CREATE POLICY schema_owner ON %I TO CURRENT_USER USING (true) WITH CHECK (true)', t);
    END LOOP;
END $$;

-- The cross-tenant lookups the application names as such. Each runs as the schema owner
-- (SECURITY DEFINER) with a fixed search_path and does one narrow thing.

-- Login: the account with this address in tenant_id, or (tenant_id NULL) the oldest one.
CREATE FUNCTION user_by_email(p_email text, p_tenant uuid) RETURNS SETOF users
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = stint, pg_temp AS $$
    SELECT * FROM users
    WHERE email = p_email AND deleted_at IS NULL AND (p_tenant IS NULL OR tenant_id = p_tenant)
    ORDER BY id LIMIT 1
$$;

-- A bearer token: the token row its hash names.
CREATE FUNCTION token_by_hash(p_hash bytea) RETURNS SETOF api_tokens
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = stint, pg_temp AS $$
    SELECT * FROM api_tokens WHERE hash = p_hash
$$;

-- A bearer token and an organization (NULL: the user's oldest membership) to the token and
-- its user's live membership there: the lookup every request starts with.
CREATE FUNCTION principal(p_hash bytea, p_org uuid) RETURNS TABLE (
    m_id uuid, m_tenant_id uuid, m_organization_id uuid, m_user_id uuid, m_role text,
    m_version bigint, m_hlc bytea, m_created_at timestamptz, m_updated_at timestamptz, m_deleted_at timestamptz,
    t_id uuid, t_tenant_id uuid, t_user_id uuid, t_name text, t_kind text, t_prefix text, t_hash bytea,
    t_expires_at timestamptz, t_last_used_at timestamptz, t_created_at timestamptz, t_version bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = stint, pg_temp AS $$
    SELECT m.id, m.tenant_id, m.organization_id, m.user_id, m.role, m.version, m.hlc, m.created_at, m.updated_at, m.deleted_at,
        t.id, t.tenant_id, t.user_id, t.name, t.kind, t.prefix, t.hash, t.expires_at, t.last_used_at, t.created_at, t.version
    FROM api_tokens t
    JOIN memberships m ON m.tenant_id = t.tenant_id AND m.user_id = t.user_id AND m.deleted_at IS NULL
    JOIN organizations o ON o.id = m.organization_id AND o.tenant_id = t.tenant_id AND o.deleted_at IS NULL
    WHERE t.hash = p_hash AND (p_org IS NULL OR m.organization_id = p_org)
    ORDER BY m.created_at, m.id LIMIT 1
$$;

-- Housekeeping: expire every tenant's idempotency records older than p_before.
CREATE FUNCTION expire_idempotency(p_before timestamptz) RETURNS bigint
    LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = stint, pg_temp AS $$
    WITH gone AS (DELETE FROM idempotency_keys WHERE created_at < p_before RETURNING 1)
    SELECT count(*) FROM gone
$$;
