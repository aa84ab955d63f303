-- Stint schema for PostgreSQL, version 9: the tenant's version counter moves off the tenant
-- row into a narrow table of its own, tenant_counters (docs/sync.md, "Versions and cursors").
--
-- Every write of tenant data checks its foreign key to tenants, which takes a KEY SHARE lock
-- on the tenant row; the counter's UPDATE took a NO KEY UPDATE lock on the same row and made
-- a new version of it on every change. Each writer's foreign-key checks then met a row
-- another writer was updating: PostgreSQL records the lockers of such a row in a multixact,
-- which every later locker walks and extends, and follows the row's chain of versions, all
-- while the tenant's writers queue on the counter's lock. With the counter in a row of its
-- own, the tenant row is only read by those checks, and the counter's row is the one place
-- the tenant's writers queue, which is what orders them: versions still follow commit order.
--
-- A tenant's counter row is made with the tenant (a trigger, so every way of inserting a
-- tenant gets one); it holds the same value tenants.change_seq held, which goes.

CREATE TABLE tenant_counters (
    tenant_id  uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    change_seq bigint NOT NULL DEFAULT 0
);
INSERT INTO tenant_counters (tenant_id, change_seq) SELECT id, change_seq FROM tenants;
ALTER TABLE tenants DROP COLUMN change_seq;

ALTER TABLE tenant_counters ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_counters FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_counters
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY schema_owner ON tenant_counters TO CURRENT_USER USING (true) WITH CHECK (true);

-- The tenant's insert runs in the new tenant's own scope (store/postgres/tenant.go), so
-- the counter row passes the policy as the tenant row does.
CREATE FUNCTION add_tenant_counter() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stint.tenant_counters (tenant_id) VALUES (NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER tenants_add_counter AFTER INSERT ON tenants
    FOR EACH ROW EXECUTE FUNCTION add_tenant_counter();

-- As in migration 0003, a row whose tenant the writer cannot see keeps its version, and
-- the row's own checks reject it right after.
CREATE OR REPLACE FUNCTION stamp_server_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
    UPDATE stint.tenant_counters SET change_seq = change_seq + 1 WHERE tenant_id = NEW.tenant_id RETURNING change_seq INTO v;
    IF FOUND THEN
        NEW.server_version := v;
    END IF;
    RETURN NEW;
END $$;

-- A synced row's insert may take its version in its own statement (a WITH that updates the
-- counter, as the change log's insert does; time_entries.go), which costs PostgreSQL less
-- than the PL/pgSQL trigger's call and its statement: the insert triggers now stamp only a
-- row that comes without a version, as the update triggers leave one that sets its own.
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['organizations', 'users', 'memberships', 'clients', 'projects', 'tasks',
        'tags', 'time_entries'] LOOP
        EXECUTE format('DROP TRIGGER %I ON %I', t || '_stamp_insert', t);
        EXECUTE format('CREATE TRIGGER %I BEFORE INSERT ON %I FOR EACH ROW WHEN (NEW.server_version = 0)
            EXECUTE FUNCTION stamp_server_version()', t || '_stamp_insert', t);
    END LOOP;
END $$;
