-- Stint schema, version 25: the conflict log read by organization, newest first.
--
-- GET /v1/sync/conflicts lists an organization's conflicts (a member's: those whose losing
-- value they pushed) newest first, a page at a time; sync_conflicts_entity serves only one
-- row's log. SQLite's migration 0025 adds the same index.
CREATE INDEX sync_conflicts_org ON sync_conflicts (tenant_id, organization_id, at DESC, id DESC);
