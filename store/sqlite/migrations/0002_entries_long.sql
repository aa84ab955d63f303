-- Reports select entries by overlap with their range. Entries that started at most 24 h
-- before the range come from the start-time indexes; this small index holds the others that
-- can still reach into a range: running entries and entries longer than 24 h (the service
-- caps stopped entries at 24 h, so in practice only running ones). Its WHERE clause must stay
-- word for word what store/sqlite/timeentry.go's longEntryCond says, or SQLite will not use it.
CREATE INDEX time_entries_long ON time_entries(tenant_id, organization_id, started_at DESC, id DESC)
    WHERE stopped_at IS NULL OR stopped_at - started_at > 86400000000;
