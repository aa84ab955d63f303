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
