-- Stint schema, version 20: rates, budgets and activity slots sync, and a published
-- workspace's invoices go up (docs/sync.md, "Rates, budgets and activity slots" and
-- "Invoices"). A push locates the ids it carries with sync_locate (migration 0004), which
-- now knows their tables too.
CREATE OR REPLACE FUNCTION sync_locate(p_table text, p_ids uuid[], p_tenant uuid) RETURNS TABLE (
    id uuid, in_tenant boolean, organization_id uuid, deleted boolean)
    LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = stint, pg_temp AS $$
BEGIN
    IF p_table NOT IN ('clients', 'projects', 'tasks', 'tags', 'time_entries', 'rates', 'project_budgets', 'activity_slots', 'invoices') THEN
        RAISE EXCEPTION 'sync_locate: % is not a pushed table', p_table;
    END IF;
    RETURN QUERY EXECUTE format(
        'SELECT t.id, t.tenant_id = $2, CASE WHEN t.tenant_id = $2 THEN t.organization_id END,
                CASE WHEN t.tenant_id = $2 THEN t.deleted_at IS NOT NULL END
         FROM %I t WHERE t.id = ANY($1)', p_table) USING p_ids, p_tenant;
END
$$;

-- One live activity slot per entry and slot start: a slot deleted on one replica must not
-- keep another replica's slot of the same entry and start from landing.
DROP INDEX activity_slots_entry;
CREATE UNIQUE INDEX activity_slots_entry ON activity_slots(entry_id, slot_start) WHERE deleted_at IS NULL;
