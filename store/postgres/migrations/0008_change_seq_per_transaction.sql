-- One update of the tenant's counter per writing transaction (docs/sync.md, Versions).
--
-- Until now every stamp (each synced row written and each change-log row) updated the tenant
-- row: a push batch of n mutations left 2n versions of that row in its transaction, and
-- every foreign-key check on tenants (each insert of an entry, audit, change-log or pushed-
-- mutation row) had to lock the newest of them from inside the batch's savepoints, which
-- costs PostgreSQL a multixact per check and grows with the versions. A batch of 500 took
-- about 25 times as long as one of 100.
--
-- Now the first stamp of a transaction takes the next value by updating the tenant row, as
-- before: that lock still orders the tenant's writers, held until the transaction ends. The
-- stamps after it, in the same transaction, count on from there in a transaction-local
-- setting (stint.change_seq: "tenant-id/last value"), and a deferred constraint trigger
-- writes the last value into tenants.change_seq when the transaction commits, so the next
-- writer, which waited for the lock, continues above it and LatestSeq reads the newest value
-- again. Versions stay gapless within a transaction, distinct, and in commit order.
-- Rolling back to a savepoint reverts the setting with the rows it stamped; a transaction
-- that stamps a second tenant stamps that one row by row, as before.
--
-- Inside the writing transaction itself tenants.change_seq holds its first value until the
-- commit; nothing reads the counter in a transaction that stamps.

CREATE FUNCTION next_change_seq(p_tenant uuid) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    cur text := current_setting('stint.change_seq', true);
    mine boolean := cur IS NOT NULL AND cur <> '' AND split_part(cur, '/', 1) = p_tenant::text;
    v bigint;
BEGIN
    IF mine THEN
        v := split_part(cur, '/', 2)::bigint + 1;
        PERFORM set_config('stint.change_seq', p_tenant::text || '/' || v, true);
        RETURN v;
    END IF;
    UPDATE stint.tenants SET change_seq = change_seq + 1 WHERE id = p_tenant RETURNING change_seq INTO v;
    IF FOUND AND (cur IS NULL OR cur = '') THEN
        PERFORM set_config('stint.change_seq', p_tenant::text || '/' || v, true);
    END IF;
    RETURN v; -- NULL when the tenant is not there (or not the caller's to see)
END $$;

-- settle_change_seq stores the transaction's last value in the tenant row at the commit.
CREATE FUNCTION settle_change_seq() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cur text := current_setting('stint.change_seq', true);
BEGIN
    IF cur IS NOT NULL AND cur <> '' AND split_part(cur, '/', 1) = NEW.id::text THEN
        UPDATE stint.tenants SET change_seq = split_part(cur, '/', 2)::bigint
            WHERE id = NEW.id AND change_seq < split_part(cur, '/', 2)::bigint;
    END IF;
    RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER tenants_settle_change_seq AFTER UPDATE OF change_seq ON tenants
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION settle_change_seq();

CREATE OR REPLACE FUNCTION stamp_server_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE v bigint;
BEGIN
    v := stint.next_change_seq(NEW.tenant_id);
    IF v IS NOT NULL THEN
        NEW.server_version := v;
    END IF;
    RETURN NEW;
END $$;
