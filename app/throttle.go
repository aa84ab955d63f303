package app

import (
	"context"
	"time"
)

// Limit is a token bucket: Burst attempts at once, then one more every Every.
type Limit struct {
	Burst int
	Every time.Duration
}

// Throttle keeps the state of rate limits by key: per client address, per account on login,
// per address on sign-up. One in memory serves a single instance; instances that share a
// database share one kept there, so adding instances does not multiply the attempts allowed.
type Throttle interface {
	// Take spends one attempt from key's bucket under lim. When the bucket is empty it spends
	// nothing and returns how long until the next attempt is allowed; 0 means allowed.
	Take(ctx context.Context, key string, lim Limit, now time.Time) (wait time.Duration, err error)
	// Reset refills key's bucket, as a successful login does for its account.
	Reset(ctx context.Context, key string) error
}

// AccountKey is the throttling key of an e-mail address, normalised as login and sign-up
// normalise it, so every spelling of one address shares one bucket. It is the same whether
// or not the address has an account: throttling must not reveal which ones do.
func AccountKey(email string) string { return normalizeEmail(email) }
