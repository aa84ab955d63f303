package postgres

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stinthq/stint/app"
)

// TestMapErr: each driver error becomes the sentinel the server maps to its status; a
// statement PostgreSQL canceled (pgx cancels it when the request's store bound passes) is
// work past its deadline, a 503 the client retries with a smaller batch, not a 500.
func TestMapErr(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"no rows", pgx.ErrNoRows, app.ErrNotFound},
		{"unique violation", &pgconn.PgError{Code: "23505"}, app.ErrConflict},
		{"query canceled", &pgconn.PgError{Code: "57014", Message: "canceling statement due to user request"}, context.DeadlineExceeded},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, app.ErrUnavailable},
		{"foreign key violation", &pgconn.PgError{Code: "23503"}, app.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := mapErr(c.err); !errors.Is(got, c.want) {
				t.Errorf("mapErr(%v) = %v, want it to be %v", c.err, got, c.want)
			}
		})
	}
}
