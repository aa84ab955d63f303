-- Stint schema, version 7: invitations. An owner or admin invites an address with a role;
-- whoever holds the one-time code joins the organization with it. Only the code's SHA-256 is
-- kept. Invitations belong to the server and never sync, so they carry no HLC or tombstone:
-- accepted_at and revoked_at say what became of them. The PostgreSQL store keeps the same
-- table (its migration 0005).
CREATE TABLE invitations (
    id              BLOB PRIMARY KEY,
    tenant_id       BLOB NOT NULL REFERENCES tenants(id),
    organization_id BLOB NOT NULL REFERENCES organizations(id),
    email           TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'member')),
    hash            BLOB NOT NULL UNIQUE,
    invited_by      BLOB NOT NULL REFERENCES users(id),
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    accepted_at     INTEGER,
    -- Deferred: accepting takes the code first and creates the account after, in one
    -- transaction (app.AcceptInvitation), so the user exists by the commit.
    accepted_by     BLOB REFERENCES users(id) DEFERRABLE INITIALLY DEFERRED,
    revoked_at      INTEGER,
    version         INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX invitations_org ON invitations(tenant_id, organization_id, id);
