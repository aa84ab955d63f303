-- Stint schema for PostgreSQL, version 5: invitations, as the SQLite store's migration 0007.
-- An owner or admin invites an address with a role; whoever holds the one-time code joins
-- the organization with it. Only the code's SHA-256 is kept. Invitations belong to the
-- server and never sync: accepted_at and revoked_at say what became of them.
-- The migration runs as the schema owner (Setup), so CURRENT_USER below is that role.
CREATE TABLE invitations (
    id              uuid PRIMARY KEY,
    tenant_id       uuid NOT NULL REFERENCES tenants(id),
    organization_id uuid NOT NULL REFERENCES organizations(id),
    email           text NOT NULL,
    role            text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'member')),
    hash            bytea NOT NULL UNIQUE,
    invited_by      uuid NOT NULL REFERENCES users(id),
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    accepted_at     timestamptz,
    -- Deferred: accepting takes the code first and creates the account after, in one
    -- transaction (app.AcceptInvitation), so the user exists by the commit.
    accepted_by     uuid REFERENCES users(id) DEFERRABLE INITIALLY DEFERRED,
    revoked_at      timestamptz,
    version         bigint NOT NULL
);
CREATE INDEX invitations_org ON invitations(tenant_id, organization_id, id);

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invitations
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY schema_owner ON invitations TO CURRENT_USER USING (true) WITH CHECK (true);

-- Accepting an invitation: the invitation its code's hash names. The invited person belongs
-- to no tenant yet, so the code is what tells the tenant; this returns that one row and
-- nothing else, and everything after it runs in the invitation's tenant under the policy.
CREATE FUNCTION invitation_by_hash(p_hash bytea) RETURNS SETOF invitations
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = stint, pg_temp AS $$
    SELECT * FROM invitations WHERE hash = p_hash
$$;
REVOKE ALL ON FUNCTION invitation_by_hash(bytea) FROM PUBLIC;
