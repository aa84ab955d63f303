-- Stint schema, version 25: the conflict log read by organization, newest first.
--
-- GET /v1/sync/conflicts lists an organization's conflicts (a member's: those whose losing
-- value they pushed) newest first, a page at a time; sync_conflicts_entity serves only one
-- row's log. user_id is left out of the key: a member's conflicts are few among the
-- organization's, and the index stays one for both lists.
CREATE INDEX sync_conflicts_org ON sync_conflicts(tenant_id, organization_id, at DESC, id DESC);
