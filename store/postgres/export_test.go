package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SetUnitDeadlineForTest shortens how long a unit of work may hold its transaction.
func SetUnitDeadlineForTest(s *Store, d time.Duration) { s.unitDeadline = d }

// OpenTracedForTest is Open with tracer on every connection of the pool.
func OpenTracedForTest(ctx context.Context, dsn string, tracer pgx.QueryTracer) (*Store, error) {
	return open(ctx, dsn, func(cfg *pgxpool.Config) { cfg.ConnConfig.Tracer = tracer })
}

// WriteSlotsForTest is how many write transactions the store lets run at once.
func WriteSlotsForTest() int { return writeSlots() }

// PlansForTest reports how often the statements prepared on one of the pool's connections
// whose text contains like were planned generically and as custom plans (a store opened
// with pool_max_conns=1 has one connection).
func PlansForTest(ctx context.Context, s *Store, like string) (generic, custom int64, err error) {
	err = s.pool.QueryRow(ctx, `SELECT coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0)
		FROM pg_prepared_statements WHERE strpos(statement, $1) > 0 AND strpos(statement, 'pg_prepared_statements') = 0`, like).Scan(&generic, &custom)
	return generic, custom, err
}

// InSweepForTest reports whether ctx is that of a handed-on connection's ROLLBACK, which
// no request waits for (handoff.go).
func InSweepForTest(ctx context.Context) bool { return ctx.Value(sweepKey{}) != nil }

// LookupMutationsQueryForTest is the statement SyncMutations.Lookup reads outcomes with,
// numbered as it is sent: $1 the ids as text, $2 the tenant.
var LookupMutationsQueryForTest = rebind(lookupMutations)
