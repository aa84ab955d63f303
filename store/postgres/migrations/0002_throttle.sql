-- Rate-limit buckets shared by every instance serving this database (login attempts per
-- account, sign-ups per address, auth requests per client address), so adding instances does
-- not multiply the attempts allowed. A key is kept as the SHA-256 of its text, never the
-- e-mail address or client address itself. tat is the bucket's "theoretical arrival time"
-- in microseconds since the Unix epoch (the generic cell rate algorithm, as the in-memory
-- throttle keeps it): the bucket is full again once it is past, so such rows hold nothing and
-- are swept. allowed is whether the last attempt was let through (throttle.go).
-- Not tenant data: there is no tenant_id, and the same key is one bucket across tenants.
CREATE TABLE throttle (
    key_hash  bytea PRIMARY KEY CHECK (octet_length(key_hash) = 32),
    tat       bigint NOT NULL,
    allowed   boolean NOT NULL
);
CREATE INDEX throttle_tat ON throttle (tat);
