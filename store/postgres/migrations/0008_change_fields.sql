-- Per-field last writer wins on push (docs/sync.md, Conflicts): a change-log row names the
-- fields its change touched, each with the HLC stamp of its last edit. The stored form is
-- app.EncodeFieldStamps's with every stamp written out ("name@stamp", "*" for every field
-- the entity syncs), so Append merges a replaced row's list in SQL, keeping the last item
-- per name. NULL: not known, the whole row counts. The SQLite store: its migration 0009.
ALTER TABLE change_log ADD COLUMN fields text;
