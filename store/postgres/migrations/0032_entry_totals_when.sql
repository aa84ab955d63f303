-- Stint schema for PostgreSQL, version 32: entry_totals' insert and delete triggers fire
-- only for the entries they count.
--
-- Migration 0029's entry_totals_insert_delete fired for every inserted and deleted entry and
-- left it to entry_totals_change, a PL/pgSQL function, to find that most of them (no project,
-- still running, deleted) change nothing: every create paid a PL/pgSQL call for nothing. A
-- WHEN is evaluated by the executor without that call; as SQLite's migration 0029 does, the
-- insert and the delete each get their own trigger whose WHEN is the function's own test of
-- the new or the old row, so the totals move exactly as before. (A WHEN may not name NEW on
-- a DELETE or OLD on an INSERT, hence two triggers.)
DROP TRIGGER entry_totals_insert_delete ON time_entries;
CREATE TRIGGER entry_totals_insert AFTER INSERT ON time_entries FOR EACH ROW
    WHEN (NEW.project_id IS NOT NULL AND NEW.stopped_at IS NOT NULL AND NEW.deleted_at IS NULL)
    EXECUTE FUNCTION entry_totals_change();
CREATE TRIGGER entry_totals_delete AFTER DELETE ON time_entries FOR EACH ROW
    WHEN (OLD.project_id IS NOT NULL AND OLD.stopped_at IS NOT NULL AND OLD.deleted_at IS NULL)
    EXECUTE FUNCTION entry_totals_change();
