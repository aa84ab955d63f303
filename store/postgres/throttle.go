package postgres

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stinthq/stint/app"
)

// Throttle is an app.Throttle kept in the database, so every instance serving it shares one
// bucket per key: a login guesser spreading attempts over the instances behind a load
// balancer gets no more than against one. Each key is one row (migration 0002_throttle.sql)
// holding the bucket's theoretical arrival time, updated by one atomic statement per attempt.
type Throttle struct {
	pool  *pgxpool.Pool
	takes atomic.Uint64
}

var _ app.Throttle = (*Throttle)(nil)

// sweepEvery is how many attempts pass between two sweeps of the buckets that are full again.
const sweepEvery = 1024

// NewThrottle returns the throttle kept in s's database.
func NewThrottle(s *Store) *Throttle { return &Throttle{pool: s.pool} }

// throttleKey is what the table keeps of a key: its SHA-256, so no e-mail or client address
// is stored.
func throttleKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// takeSQL spends one attempt of a bucket, or nothing when it is empty, in one statement: the
// row lock ON CONFLICT takes orders concurrent attempts on one key, each sees the one before
// it, and every SET expression reads the row as it was. $2 is now, $3 the interval and $4 the
// burst, in microseconds and attempts; the bucket lets an attempt through while its time,
// moved on by one interval, is at most burst intervals ahead of now.
const takeSQL = `INSERT INTO throttle AS t (key_hash, tat, allowed) VALUES ($1, $2::bigint + $3::bigint, true)
	ON CONFLICT (key_hash) DO UPDATE SET
		allowed = greatest(t.tat, $2::bigint) + $3::bigint - $2::bigint <= $3::bigint * $4::bigint,
		tat = CASE WHEN greatest(t.tat, $2::bigint) + $3::bigint - $2::bigint <= $3::bigint * $4::bigint
			THEN greatest(t.tat, $2::bigint) + $3::bigint ELSE t.tat END
	RETURNING tat, allowed`

// Take implements app.Throttle.
func (t *Throttle) Take(ctx context.Context, key string, lim app.Limit, now time.Time) (time.Duration, error) {
	if lim.Burst <= 0 || lim.Every < time.Microsecond {
		return 0, fmt.Errorf("throttle: limit %+v is not a rate", lim)
	}
	nowUS, every := now.UnixMicro(), lim.Every.Microseconds()
	if t.takes.Add(1)%sweepEvery == 0 {
		if _, err := t.pool.Exec(ctx, `DELETE FROM throttle WHERE tat < $1`, nowUS); err != nil {
			return 0, fmt.Errorf("throttle: sweep: %w", mapErr(err))
		}
	}
	var tat int64
	var allowed bool
	if err := t.pool.QueryRow(ctx, takeSQL, throttleKey(key), nowUS, every, int64(lim.Burst)).Scan(&tat, &allowed); err != nil {
		return 0, fmt.Errorf("throttle: take: %w", mapErr(err))
	}
	if allowed {
		return 0, nil
	}
	wait := time.Duration(tat+every-nowUS-every*int64(lim.Burst)) * time.Microsecond
	return max(wait, time.Microsecond), nil
}

// Reset implements app.Throttle.
func (t *Throttle) Reset(ctx context.Context, key string) error {
	if _, err := t.pool.Exec(ctx, `DELETE FROM throttle WHERE key_hash = $1`, throttleKey(key)); err != nil {
		return fmt.Errorf("throttle: reset: %w", mapErr(err))
	}
	return nil
}
