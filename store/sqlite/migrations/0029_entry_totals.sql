-- Stint schema, version 29: every project's stopped time and billable amount per member, kept
-- by triggers, so a budget's progress (GET /v1/budgets: all of a project's time, priced) reads
-- a few rows per project instead of summing every entry the organization has (seconds on
-- 1,000,000 entries). PostgreSQL has the same in its migration 0029.
--
-- * entry_totals holds, per organization, project and member, the microseconds and the
--   amount (minor units) of the live, stopped entries with a project: each entry's amount is
--   its own, rounded as app.Amount rounds it, at the rate in force when it started (the most
--   specific level first, as app.PriceRate), so the sums are exactly what a summary of all
--   time adds up. Running entries, and entries that stop after the instant read, are the
--   reader's to add (store/sqlite/budget.go): totals cannot know "now".
-- * Triggers on time_entries keep it: an insert adds the entry, a delete takes it away, an
--   update that changes what counts (project, member, times, billable, tombstone,
--   organization) takes the old row away before and adds the new one after. Every write
--   path (API, timer, sync push and pull, import, purge, an organization's move) goes
--   through them, so none can forget.
-- * A rate's change reprices the entries of its key (its member, project or client, or the
--   whole organization) from its effective instant on, and a project that changes client
--   reprices its own: their amounts are taken away and added again from the entries.
-- * entry_prices is one entry's rate, micros and amount as the triggers count them.
CREATE TABLE entry_totals (
    organization_id BLOB NOT NULL,
    project_id      BLOB NOT NULL,
    user_id         BLOB NOT NULL,
    tenant_id       BLOB NOT NULL,
    micros          INTEGER NOT NULL,
    amount          INTEGER NOT NULL,
    PRIMARY KEY (organization_id, project_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE VIEW entry_prices AS
SELECT e.id, e.tenant_id, e.organization_id, e.project_id, e.user_id, e.started_at, e.stopped_at - e.started_at AS micros,
    coalesce((e.stopped_at - e.started_at) / 1000 * (CASE WHEN e.billable THEN (
        SELECT r.hourly_minor FROM rates r
        WHERE r.tenant_id = e.tenant_id AND r.organization_id = e.organization_id AND r.deleted_at IS NULL
            AND r.effective_from <= e.started_at
            AND (r.user_id IS NULL OR r.user_id = e.user_id)
            AND (r.project_id IS NULL OR r.project_id = e.project_id)
            AND (r.client_id IS NULL OR r.client_id = (SELECT rc.client_id FROM projects rc WHERE rc.id = e.project_id))
        ORDER BY CASE WHEN r.user_id IS NOT NULL AND r.project_id IS NOT NULL THEN 0 WHEN r.project_id IS NOT NULL THEN 1
            WHEN r.client_id IS NOT NULL THEN 2 WHEN r.user_id IS NOT NULL THEN 3 ELSE 4 END, r.effective_from DESC
        LIMIT 1) END) + 1800000, 0) / 3600000 AS amount
FROM time_entries e
WHERE e.project_id IS NOT NULL AND e.stopped_at IS NOT NULL AND e.deleted_at IS NULL;

INSERT INTO entry_totals (organization_id, project_id, user_id, tenant_id, micros, amount)
SELECT organization_id, project_id, user_id, tenant_id, sum(micros), sum(amount) FROM entry_prices
GROUP BY organization_id, project_id, user_id;

CREATE TRIGGER entry_totals_insert AFTER INSERT ON time_entries
WHEN NEW.project_id IS NOT NULL AND NEW.stopped_at IS NOT NULL AND NEW.deleted_at IS NULL
BEGIN
    INSERT INTO entry_totals (organization_id, project_id, user_id, tenant_id, micros, amount)
    SELECT organization_id, project_id, user_id, tenant_id, micros, amount FROM entry_prices WHERE id = NEW.id
    ON CONFLICT DO UPDATE SET micros = micros + excluded.micros, amount = amount + excluded.amount;
END;

CREATE TRIGGER entry_totals_delete BEFORE DELETE ON time_entries
WHEN OLD.project_id IS NOT NULL AND OLD.stopped_at IS NOT NULL AND OLD.deleted_at IS NULL
BEGIN
    UPDATE entry_totals SET (micros, amount) = (SELECT entry_totals.micros - p.micros, entry_totals.amount - p.amount
        FROM entry_prices p WHERE p.id = OLD.id)
    WHERE organization_id = OLD.organization_id AND project_id = OLD.project_id AND user_id = OLD.user_id;
END;

-- The old row leaves before the update, while entry_prices still sees it; the new one comes
-- in after. Both fire on the same condition: something that counts changed.
CREATE TRIGGER entry_totals_update_old BEFORE UPDATE ON time_entries
WHEN OLD.project_id IS NOT NULL AND OLD.stopped_at IS NOT NULL AND OLD.deleted_at IS NULL
    AND (OLD.project_id IS NOT NEW.project_id OR OLD.user_id IS NOT NEW.user_id OR OLD.started_at IS NOT NEW.started_at
        OR OLD.stopped_at IS NOT NEW.stopped_at OR OLD.billable IS NOT NEW.billable OR OLD.deleted_at IS NOT NEW.deleted_at
        OR OLD.organization_id IS NOT NEW.organization_id OR OLD.tenant_id IS NOT NEW.tenant_id OR OLD.id IS NOT NEW.id)
BEGIN
    UPDATE entry_totals SET (micros, amount) = (SELECT entry_totals.micros - p.micros, entry_totals.amount - p.amount
        FROM entry_prices p WHERE p.id = OLD.id)
    WHERE organization_id = OLD.organization_id AND project_id = OLD.project_id AND user_id = OLD.user_id;
END;

CREATE TRIGGER entry_totals_update_new AFTER UPDATE ON time_entries
WHEN NEW.project_id IS NOT NULL AND NEW.stopped_at IS NOT NULL AND NEW.deleted_at IS NULL
    AND (OLD.project_id IS NOT NEW.project_id OR OLD.user_id IS NOT NEW.user_id OR OLD.started_at IS NOT NEW.started_at
        OR OLD.stopped_at IS NOT NEW.stopped_at OR OLD.billable IS NOT NEW.billable OR OLD.deleted_at IS NOT NEW.deleted_at
        OR OLD.organization_id IS NOT NEW.organization_id OR OLD.tenant_id IS NOT NEW.tenant_id OR OLD.id IS NOT NEW.id)
BEGIN
    INSERT INTO entry_totals (organization_id, project_id, user_id, tenant_id, micros, amount)
    SELECT organization_id, project_id, user_id, tenant_id, micros, amount FROM entry_prices WHERE id = NEW.id
    ON CONFLICT DO UPDATE SET micros = micros + excluded.micros, amount = amount + excluded.amount;
END;

-- A rate prices the entries of its key (its member, its project, its client's projects; the
-- organization's rate: all) that start at or after its effective instant, so only their
-- amounts can move when it comes, changes or goes: a BEFORE trigger takes away their amounts
-- at the rates as they were, an AFTER trigger adds them at the rates as they are. A rate
-- from today on touches today's entries, not the organization's history. (A rate's key and
-- instant never change on an update; should one, its keys' rows are recounted whole.)
CREATE TRIGGER entry_totals_rate_insert_old BEFORE INSERT ON rates
BEGIN
    UPDATE entry_totals SET amount = entry_totals.amount - d.amount FROM (SELECT organization_id, project_id, user_id, sum(amount) AS amount FROM entry_prices
        WHERE organization_id = NEW.organization_id AND started_at >= NEW.effective_from
            AND (NEW.user_id IS NULL OR user_id = NEW.user_id) AND (NEW.project_id IS NULL OR project_id = NEW.project_id)
            AND (NEW.client_id IS NULL OR project_id IN (SELECT c.id FROM projects c WHERE c.client_id = NEW.client_id))
        GROUP BY organization_id, project_id, user_id) AS d
    WHERE entry_totals.organization_id = d.organization_id AND entry_totals.project_id = d.project_id AND entry_totals.user_id = d.user_id;
END;

CREATE TRIGGER entry_totals_rate_insert_new AFTER INSERT ON rates
BEGIN
    UPDATE entry_totals SET amount = entry_totals.amount + d.amount FROM (SELECT organization_id, project_id, user_id, sum(amount) AS amount FROM entry_prices
        WHERE organization_id = NEW.organization_id AND started_at >= NEW.effective_from
            AND (NEW.user_id IS NULL OR user_id = NEW.user_id) AND (NEW.project_id IS NULL OR project_id = NEW.project_id)
            AND (NEW.client_id IS NULL OR project_id IN (SELECT c.id FROM projects c WHERE c.client_id = NEW.client_id))
        GROUP BY organization_id, project_id, user_id) AS d
    WHERE entry_totals.organization_id = d.organization_id AND entry_totals.project_id = d.project_id AND entry_totals.user_id = d.user_id;
END;

CREATE TRIGGER entry_totals_rate_delete_old BEFORE DELETE ON rates WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE entry_totals SET amount = entry_totals.amount - d.amount FROM (SELECT organization_id, project_id, user_id, sum(amount) AS amount FROM entry_prices
        WHERE organization_id = OLD.organization_id AND started_at >= OLD.effective_from
            AND (OLD.user_id IS NULL OR user_id = OLD.user_id) AND (OLD.project_id IS NULL OR project_id = OLD.project_id)
            AND (OLD.client_id IS NULL OR project_id IN (SELECT c.id FROM projects c WHERE c.client_id = OLD.client_id))
        GROUP BY organization_id, project_id, user_id) AS d
    WHERE entry_totals.organization_id = d.organization_id AND entry_totals.project_id = d.project_id AND entry_totals.user_id = d.user_id;
END;

CREATE TRIGGER entry_totals_rate_delete_new AFTER DELETE ON rates WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE entry_totals SET amount = entry_totals.amount + d.amount FROM (SELECT organization_id, project_id, user_id, sum(amount) AS amount FROM entry_prices
        WHERE organization_id = OLD.organization_id AND started_at >= OLD.effective_from
            AND (OLD.user_id IS NULL OR user_id = OLD.user_id) AND (OLD.project_id IS NULL OR project_id = OLD.project_id)
            AND (OLD.client_id IS NULL OR project_id IN (SELECT c.id FROM projects c WHERE c.client_id = OLD.client_id))
        GROUP BY organization_id, project_id, user_id) AS d
    WHERE entry_totals.organization_id = d.organization_id AND entry_totals.project_id = d.project_id AND entry_totals.user_id = d.user_id;
END;

CREATE TRIGGER entry_totals_rate_update_old BEFORE UPDATE ON rates
WHEN (OLD.hourly_minor IS NOT NEW.hourly_minor OR OLD.effective_from IS NOT NEW.effective_from OR OLD.deleted_at IS NOT NEW.deleted_at) AND NOT (OLD.organization_id IS NOT NEW.organization_id OR OLD.tenant_id IS NOT NEW.tenant_id OR OLD.user_id IS NOT NEW.user_id
    OR OLD.project_id IS NOT NEW.project_id OR OLD.client_id IS NOT NEW.client_id)
BEGIN
    UPDATE entry_totals SET amount = entry_totals.amount - d.amount FROM (SELECT organization_id, project_id, user_id, sum(amount) AS amount FROM entry_prices
        WHERE organization_id = OLD.organization_id AND started_at >= min(OLD.effective_from, NEW.effective_from)
            AND (OLD.user_id IS NULL OR user_id = OLD.user_id) AND (OLD.project_id IS NULL OR project_id = OLD.project_id)
            AND (OLD.client_id IS NULL OR project_id IN (SELECT c.id FROM projects c WHERE c.client_id = OLD.client_id))
        GROUP BY organization_id, project_id, user_id) AS d
    WHERE entry_totals.organization_id = d.organization_id AND entry_totals.project_id = d.project_id AND entry_totals.user_id = d.user_id;
END;

CREATE TRIGGER entry_totals_rate_update_new AFTER UPDATE ON rates
WHEN (OLD.hourly_minor IS NOT NEW.hourly_minor OR OLD.effective_from IS NOT NEW.effective_from OR OLD.deleted_at IS NOT NEW.deleted_at) AND NOT (OLD.organization_id IS NOT NEW.organization_id OR OLD.tenant_id IS NOT NEW.tenant_id OR OLD.user_id IS NOT NEW.user_id
    OR OLD.project_id IS NOT NEW.project_id OR OLD.client_id IS NOT NEW.client_id)
BEGIN
    UPDATE entry_totals SET amount = entry_totals.amount + d.amount FROM (SELECT organization_id, project_id, user_id, sum(amount) AS amount FROM entry_prices
        WHERE organization_id = OLD.organization_id AND started_at >= min(OLD.effective_from, NEW.effective_from)
            AND (OLD.user_id IS NULL OR user_id = OLD.user_id) AND (OLD.project_id IS NULL OR project_id = OLD.project_id)
            AND (OLD.client_id IS NULL OR project_id IN (SELECT c.id FROM projects c WHERE c.client_id = OLD.client_id))
        GROUP BY organization_id, project_id, user_id) AS d
    WHERE entry_totals.organization_id = d.organization_id AND entry_totals.project_id = d.project_id AND entry_totals.user_id = d.user_id;
END;

CREATE TRIGGER entry_totals_rate_rekey AFTER UPDATE ON rates WHEN (OLD.organization_id IS NOT NEW.organization_id OR OLD.tenant_id IS NOT NEW.tenant_id OR OLD.user_id IS NOT NEW.user_id
    OR OLD.project_id IS NOT NEW.project_id OR OLD.client_id IS NOT NEW.client_id)
BEGIN
    DELETE FROM entry_totals WHERE organization_id = OLD.organization_id
        AND (OLD.user_id IS NULL OR user_id = OLD.user_id) AND (OLD.project_id IS NULL OR project_id = OLD.project_id)
        AND (OLD.client_id IS NULL OR project_id IN (SELECT c.id FROM projects c WHERE c.client_id = OLD.client_id));
    INSERT INTO entry_totals (organization_id, project_id, user_id, tenant_id, micros, amount)
    SELECT organization_id, project_id, user_id, tenant_id, sum(micros), sum(amount) FROM entry_prices
    WHERE organization_id = OLD.organization_id
        AND (OLD.user_id IS NULL OR user_id = OLD.user_id) AND (OLD.project_id IS NULL OR project_id = OLD.project_id)
        AND (OLD.client_id IS NULL OR project_id IN (SELECT c.id FROM projects c WHERE c.client_id = OLD.client_id))
    GROUP BY organization_id, project_id, user_id;
    DELETE FROM entry_totals WHERE organization_id = NEW.organization_id
        AND (NEW.user_id IS NULL OR user_id = NEW.user_id) AND (NEW.project_id IS NULL OR project_id = NEW.project_id)
        AND (NEW.client_id IS NULL OR project_id IN (SELECT c.id FROM projects c WHERE c.client_id = NEW.client_id));
    INSERT INTO entry_totals (organization_id, project_id, user_id, tenant_id, micros, amount)
    SELECT organization_id, project_id, user_id, tenant_id, sum(micros), sum(amount) FROM entry_prices
    WHERE organization_id = NEW.organization_id
        AND (NEW.user_id IS NULL OR user_id = NEW.user_id) AND (NEW.project_id IS NULL OR project_id = NEW.project_id)
        AND (NEW.client_id IS NULL OR project_id IN (SELECT c.id FROM projects c WHERE c.client_id = NEW.client_id))
    GROUP BY organization_id, project_id, user_id;
END;

-- A project's client decides its client rates: a new client reprices the project's rows.
CREATE TRIGGER entry_totals_project_client AFTER UPDATE OF client_id ON projects
WHEN OLD.client_id IS NOT NEW.client_id
BEGIN
    DELETE FROM entry_totals WHERE organization_id = NEW.organization_id AND project_id = NEW.id;
    INSERT INTO entry_totals (organization_id, project_id, user_id, tenant_id, micros, amount)
    SELECT organization_id, project_id, user_id, tenant_id, sum(micros), sum(amount) FROM entry_prices
    WHERE organization_id = NEW.organization_id AND project_id = NEW.id
    GROUP BY organization_id, project_id, user_id;
END;
