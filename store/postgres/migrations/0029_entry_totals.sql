-- Stint schema for PostgreSQL, version 29: every project's stopped time and billable amount
-- per member, kept by triggers, as SQLite's migration 0029 (which explains them), with
-- row-level security like every tenant table. The triggers run as the caller, so the
-- tenant's policy applies to what they read and write.
CREATE TABLE entry_totals (
    organization_id uuid NOT NULL,
    project_id      uuid NOT NULL,
    user_id         uuid NOT NULL,
    tenant_id       uuid NOT NULL,
    micros          bigint NOT NULL,
    amount          bigint NOT NULL,
    PRIMARY KEY (organization_id, project_id, user_id)
);
ALTER TABLE entry_totals ENABLE ROW LEVEL SECURITY;
ALTER TABLE entry_totals FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON entry_totals
    USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY schema_owner ON entry_totals TO CURRENT_USER USING (true) WITH CHECK (true);

-- An entry's whole time in microseconds, as the reports' spanMicros computes a span.
CREATE FUNCTION entry_micros(e stint.time_entries) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT (date_part('epoch', e.stopped_at - e.started_at) * 1000000)::bigint
$$;

-- An entry's amount: its whole milliseconds times the rate in force when it started (the
-- most specific level first, as app.PriceRate), rounded half up, as the reports' amountOf.
CREATE FUNCTION entry_amount(e stint.time_entries) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT coalesce(stint.entry_micros(e) / 1000 * (CASE WHEN e.billable THEN (
        SELECT r.hourly_minor FROM stint.rates r
        WHERE r.tenant_id = e.tenant_id AND r.organization_id = e.organization_id AND r.deleted_at IS NULL
            AND r.effective_from <= e.started_at
            AND (r.user_id IS NULL OR r.user_id = e.user_id)
            AND (r.project_id IS NULL OR r.project_id = e.project_id)
            AND (r.client_id IS NULL OR r.client_id = (SELECT rc.client_id FROM stint.projects rc WHERE rc.id = e.project_id))
        ORDER BY CASE WHEN r.user_id IS NOT NULL AND r.project_id IS NOT NULL THEN 0 WHEN r.project_id IS NOT NULL THEN 1
            WHEN r.client_id IS NOT NULL THEN 2 WHEN r.user_id IS NOT NULL THEN 3 ELSE 4 END, r.effective_from DESC
        LIMIT 1) END) + 1800000, 0) / 3600000
$$;

-- An entry counts while it has a project, has stopped and is live.
CREATE FUNCTION entry_totals_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.project_id IS NOT NULL AND OLD.stopped_at IS NOT NULL AND OLD.deleted_at IS NULL THEN
        UPDATE stint.entry_totals SET micros = micros - stint.entry_micros(OLD), amount = amount - stint.entry_amount(OLD)
        WHERE organization_id = OLD.organization_id AND project_id = OLD.project_id AND user_id = OLD.user_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.project_id IS NOT NULL AND NEW.stopped_at IS NOT NULL AND NEW.deleted_at IS NULL THEN
        INSERT INTO stint.entry_totals (organization_id, project_id, user_id, tenant_id, micros, amount)
        VALUES (NEW.organization_id, NEW.project_id, NEW.user_id, NEW.tenant_id, stint.entry_micros(NEW), stint.entry_amount(NEW))
        ON CONFLICT (organization_id, project_id, user_id)
        DO UPDATE SET micros = entry_totals.micros + EXCLUDED.micros, amount = entry_totals.amount + EXCLUDED.amount;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER entry_totals_insert_delete AFTER INSERT OR DELETE ON time_entries
    FOR EACH ROW EXECUTE FUNCTION entry_totals_change();
CREATE TRIGGER entry_totals_update AFTER UPDATE ON time_entries FOR EACH ROW
    WHEN ((OLD.project_id, OLD.user_id, OLD.started_at, OLD.stopped_at, OLD.billable, OLD.deleted_at, OLD.organization_id, OLD.tenant_id, OLD.id)
        IS DISTINCT FROM (NEW.project_id, NEW.user_id, NEW.started_at, NEW.stopped_at, NEW.billable, NEW.deleted_at, NEW.organization_id, NEW.tenant_id, NEW.id))
    EXECUTE FUNCTION entry_totals_change();

-- Recounts the rows of a rate's key (a member, a project, a client's projects; nulls: any)
-- from the entries.
CREATE FUNCTION entry_totals_recount(org uuid, member uuid, client uuid, project uuid) RETURNS void LANGUAGE sql AS $$
    DELETE FROM stint.entry_totals t WHERE t.organization_id = org
        AND (member IS NULL OR t.user_id = member) AND (project IS NULL OR t.project_id = project)
        AND (client IS NULL OR t.project_id IN (SELECT c.id FROM stint.projects c WHERE c.client_id = client));
    INSERT INTO stint.entry_totals (organization_id, project_id, user_id, tenant_id, micros, amount)
    SELECT e.organization_id, e.project_id, e.user_id, e.tenant_id, sum(stint.entry_micros(e)), sum(stint.entry_amount(e))
    FROM stint.time_entries e
    WHERE e.organization_id = org AND e.project_id IS NOT NULL AND e.stopped_at IS NOT NULL AND e.deleted_at IS NULL
        AND (member IS NULL OR e.user_id = member) AND (project IS NULL OR e.project_id = project)
        AND (client IS NULL OR e.project_id IN (SELECT c.id FROM stint.projects c WHERE c.client_id = client))
    GROUP BY e.organization_id, e.project_id, e.user_id, e.tenant_id;
$$;

-- Adds sign times the amounts of a rate's key's entries (a member, a project, a client's
-- projects; nulls: any) that start at or after since, at the rates as they are now.
CREATE FUNCTION entry_totals_reprice(org uuid, member uuid, client uuid, project uuid, since timestamptz, sign bigint) RETURNS void LANGUAGE sql AS $$
    UPDATE stint.entry_totals t SET amount = t.amount + sign * d.amount
    FROM (SELECT e.organization_id, e.project_id, e.user_id, sum(stint.entry_amount(e)) AS amount FROM stint.time_entries e
        WHERE e.organization_id = org AND e.project_id IS NOT NULL AND e.stopped_at IS NOT NULL AND e.deleted_at IS NULL
            AND e.started_at >= since
            AND (member IS NULL OR e.user_id = member) AND (project IS NULL OR e.project_id = project)
            AND (client IS NULL OR e.project_id IN (SELECT c.id FROM stint.projects c WHERE c.client_id = client))
        GROUP BY e.organization_id, e.project_id, e.user_id) d
    WHERE t.organization_id = d.organization_id AND t.project_id = d.project_id AND t.user_id = d.user_id;
$$;

-- A rate prices the entries of its key that start at or after its effective instant, so
-- only their amounts can move when it comes, changes or goes: before the change their
-- amounts at the rates as they were are taken away, after it they are added at the rates as
-- they are (SQLite's migration 0029 says more). A rate's key never changes on an update;
-- should one, its keys' rows are recounted whole.
CREATE FUNCTION entry_totals_rate_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    sign bigint := CASE WHEN TG_WHEN = 'BEFORE' THEN -1 ELSE 1 END;
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM stint.entry_totals_reprice(NEW.organization_id, NEW.user_id, NEW.client_id, NEW.project_id, NEW.effective_from, sign);
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM stint.entry_totals_reprice(OLD.organization_id, OLD.user_id, OLD.client_id, OLD.project_id, OLD.effective_from, sign);
        RETURN OLD;
    END IF;
    IF (OLD.organization_id, OLD.tenant_id, OLD.user_id, OLD.client_id, OLD.project_id)
            IS DISTINCT FROM (NEW.organization_id, NEW.tenant_id, NEW.user_id, NEW.client_id, NEW.project_id) THEN
        IF TG_WHEN = 'AFTER' THEN
            PERFORM stint.entry_totals_recount(OLD.organization_id, OLD.user_id, OLD.client_id, OLD.project_id);
            PERFORM stint.entry_totals_recount(NEW.organization_id, NEW.user_id, NEW.client_id, NEW.project_id);
        END IF;
    ELSE
        PERFORM stint.entry_totals_reprice(OLD.organization_id, OLD.user_id, OLD.client_id, OLD.project_id,
            least(OLD.effective_from, NEW.effective_from), sign);
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER entry_totals_rate_insert_old BEFORE INSERT ON rates
    FOR EACH ROW EXECUTE FUNCTION entry_totals_rate_change();
CREATE TRIGGER entry_totals_rate_insert_new AFTER INSERT ON rates
    FOR EACH ROW EXECUTE FUNCTION entry_totals_rate_change();
CREATE TRIGGER entry_totals_rate_delete_old BEFORE DELETE ON rates
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION entry_totals_rate_change();
CREATE TRIGGER entry_totals_rate_delete_new AFTER DELETE ON rates
    FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION entry_totals_rate_change();
CREATE TRIGGER entry_totals_rate_update_old BEFORE UPDATE ON rates FOR EACH ROW
    WHEN ((OLD.hourly_minor, OLD.effective_from, OLD.deleted_at, OLD.organization_id, OLD.tenant_id, OLD.user_id, OLD.client_id, OLD.project_id)
        IS DISTINCT FROM (NEW.hourly_minor, NEW.effective_from, NEW.deleted_at, NEW.organization_id, NEW.tenant_id, NEW.user_id, NEW.client_id, NEW.project_id))
    EXECUTE FUNCTION entry_totals_rate_change();
CREATE TRIGGER entry_totals_rate_update_new AFTER UPDATE ON rates FOR EACH ROW
    WHEN ((OLD.hourly_minor, OLD.effective_from, OLD.deleted_at, OLD.organization_id, OLD.tenant_id, OLD.user_id, OLD.client_id, OLD.project_id)
        IS DISTINCT FROM (NEW.hourly_minor, NEW.effective_from, NEW.deleted_at, NEW.organization_id, NEW.tenant_id, NEW.user_id, NEW.client_id, NEW.project_id))
    EXECUTE FUNCTION entry_totals_rate_change();

-- A project's client decides its client rates: a new client reprices the project's rows.
CREATE FUNCTION entry_totals_project_client() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stint.entry_totals_recount(NEW.organization_id, NULL, NULL, NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER entry_totals_project_client AFTER UPDATE OF client_id ON projects FOR EACH ROW
    WHEN (OLD.client_id IS DISTINCT FROM NEW.client_id) EXECUTE FUNCTION entry_totals_project_client();

INSERT INTO entry_totals (organization_id, project_id, user_id, tenant_id, micros, amount)
SELECT e.organization_id, e.project_id, e.user_id, e.tenant_id, sum(entry_micros(e)), sum(entry_amount(e))
FROM time_entries e
WHERE e.project_id IS NOT NULL AND e.stopped_at IS NOT NULL AND e.deleted_at IS NULL
GROUP BY e.organization_id, e.project_id, e.user_id, e.tenant_id;
