-- Stint schema, version 4: an e-mail address is unique within a tenant, not across the
-- server. The same address may have separate accounts in several tenants (users belong to
-- one tenant, DESIGN.md), so neither sign-up nor adding a member has to refuse an address
-- because another tenant uses it, and neither tells anyone that it does.
-- The PostgreSQL store keeps the same two indexes.
DROP INDEX users_email;
-- One account per address within a tenant; users without an address (local workspaces) do
-- not collide.
CREATE UNIQUE INDEX users_tenant_email ON users(tenant_id, email) WHERE email IS NOT NULL;
-- Login finds an address's accounts across tenants, the first one created (lowest id)
-- when it names no tenant.
CREATE INDEX users_email_id ON users(email, id) WHERE email IS NOT NULL;
