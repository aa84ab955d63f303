-- Stint schema, version 11: hourly rates and project budgets (app/rate.go, app/budget.go).
--
-- * A rate is an amount of the organization's currency per hour, in minor units (cents),
--   set for the whole organization, a member, a client, a project or a member on a project
--   (user_id, client_id and project_id say which), from an effective instant on. A change
--   is a new row from a later instant, so amounts of time tracked before it never move; the
--   rows of one level and key form its history. Reports price each billable entry at the
--   most specific rate in effect when it started (store/sqlite/report.go).
-- * A budget caps a project in hours (seconds) or money (minor units); one live budget per
--   project.
-- * Both carry the synced tables' columns (version, hlc, timestamps, tombstone and
--   server_version, stamped like the others') so sync can carry them; they are not yet in
--   sync's table list.
CREATE TABLE rates (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    user_id         BLOB REFERENCES users(id),
    client_id       BLOB REFERENCES clients(id),
    project_id      BLOB REFERENCES projects(id),
    hourly_minor    INTEGER NOT NULL CHECK (hourly_minor >= 0),
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    effective_from  INTEGER NOT NULL,
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    server_version  INTEGER NOT NULL DEFAULT 0,
    CHECK (client_id IS NULL OR (user_id IS NULL AND project_id IS NULL))
) STRICT, WITHOUT ROWID;
-- One live rate per level, key and effective instant; ifnull turns the absent ids into one
-- value, since NULLs never collide in a unique index.
CREATE UNIQUE INDEX rates_key ON rates(organization_id, ifnull(user_id, x''), ifnull(client_id, x''), ifnull(project_id, x''), effective_from)
    WHERE deleted_at IS NULL;
CREATE INDEX rates_org ON rates(tenant_id, organization_id, id);
CREATE INDEX rates_server_version ON rates(server_version);

CREATE TABLE project_budgets (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    project_id      BLOB NOT NULL REFERENCES projects(id),
    kind            TEXT NOT NULL CHECK (kind IN ('hours', 'money')),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    currency        TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL,
    hlc             BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    deleted_at      INTEGER,
    server_version  INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX project_budgets_project ON project_budgets(project_id) WHERE deleted_at IS NULL;
CREATE INDEX project_budgets_org ON project_budgets(tenant_id, organization_id, id);
CREATE INDEX project_budgets_server_version ON project_budgets(server_version);
