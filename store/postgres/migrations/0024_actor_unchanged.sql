-- Stint schema, version 24: a create checks its actor with its writes.
--
-- A write transaction used to begin with a read of the actor's membership (and of the
-- user's time zone, a create's default), a round trip of its own before the writes. The
-- service now assumes the role it authenticated and the zone it last read, and the store
-- checks them with a statement sent in the writes' round trip, ahead of them: it casts
-- whether they still hold to this domain, whose check refuses false, so a changed actor
-- fails the transaction before its COMMIT and nothing of it is kept (app.ErrActorChanged;
-- the service then runs the write again, reading them first).
CREATE DOMAIN actor_unchanged AS boolean CHECK (VALUE);
