-- Per-field last writer wins on push (docs/sync.md, Conflicts): a change-log row names the
-- fields its change touched, each with the HLC stamp of its last edit, so the server applies
-- only those. The stored form is app.EncodeFieldStamps's: names separated by commas, "*"
-- for every field the entity syncs, "@stamp" after a name whose stamp is not the row's
-- own; a few bytes for a pending create. NULL: not known, the whole row is pushed at the
-- change's stamp (rows written before this migration). PostgreSQL: its migration 0008.
ALTER TABLE change_log ADD COLUMN fields TEXT;
