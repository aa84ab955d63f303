package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stinthq/stint/app"
)

// db runs one transaction's statements. It sets app.tenant_id lazily: a statement on tenant
// data names its tenant, and when that differs from what the transaction has set, the
// set_config goes out in the same round trip as the statement (a pgx batch). The setting is
// local to the transaction, so it is safe behind a transaction-pooling proxy.
//
// A write statement runs inside a savepoint of its own, sent in the same round trip: a
// statement that fails (a unique violation, say) then leaves the transaction usable, as a
// failed statement does in SQLite, so a caller may go on after ErrConflict.
//
// Statements are written with ? placeholders, as in store/sqlite, and numbered here.
type db struct {
	tx pgx.Tx
	// tenant is the tenant app.tenant_id holds in tx, uuid.Nil while it is unset.
	tenant uuid.UUID
}

const setTenant = `SELECT set_config('app.tenant_id', $1, true)`

// prelude returns a batch that starts by setting the tenant when tx has another one.
func (d *db) prelude(tenant uuid.UUID) *pgx.Batch {
	b := &pgx.Batch{}
	if tenant != d.tenant {
		b.Queue(setTenant, tenant.String())
	}
	return b
}

// exec runs a write statement for tenant and returns how many rows it changed.
func (d *db) exec(ctx context.Context, tenant uuid.UUID, query string, args ...any) (int64, error) {
	b := d.prelude(tenant)
	set := b.Len()
	b.Queue("SAVEPOINT stmt")
	b.Queue(rebind(query), args...)
	b.Queue("RELEASE SAVEPOINT stmt")
	br := d.tx.SendBatch(ctx, b)
	var err error
	for range set {
		if _, err = br.Exec(); err != nil {
			br.Close()
			return 0, err
		}
	}
	d.tenant = tenant
	if _, err = br.Exec(); err != nil {
		br.Close()
		return 0, err
	}
	tag, err := br.Exec()
	if err == nil {
		_, err = br.Exec()
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			// The statement failed on the server: undo it and keep the transaction.
			if _, rerr := d.tx.Exec(ctx, "ROLLBACK TO SAVEPOINT stmt"); rerr != nil {
				return 0, errors.Join(err, rerr)
			}
			if _, rerr := d.tx.Exec(ctx, "RELEASE SAVEPOINT stmt"); rerr != nil {
				return 0, errors.Join(err, rerr)
			}
		}
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// query runs a read statement for tenant.
func (d *db) query(ctx context.Context, tenant uuid.UUID, query string, args ...any) (pgx.Rows, error) {
	if tenant == d.tenant {
		return d.tx.Query(ctx, rebind(query), args...)
	}
	b := d.prelude(tenant)
	b.Queue(rebind(query), args...)
	br := d.tx.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return nil, err
	}
	d.tenant = tenant
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// queryRow runs a statement expected to return one row for tenant.
func (d *db) queryRow(ctx context.Context, tenant uuid.UUID, query string, args ...any) rowScanner {
	if tenant == d.tenant {
		return d.tx.QueryRow(ctx, rebind(query), args...)
	}
	b := d.prelude(tenant)
	b.Queue(rebind(query), args...)
	br := d.tx.SendBatch(ctx, b)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return errRow{err}
	}
	d.tenant = tenant
	return batchRow{row: br.QueryRow(), br: br}
}

// noTenant is the tenant argument of statements on no tenant's data (device settings, the
// SECURITY DEFINER functions): whatever the transaction has set stays.
func (d *db) noTenant() uuid.UUID { return d.tenant }

// batchRows closes the batch its rows came from with them.
type batchRows struct {
	pgx.Rows
	br pgx.BatchResults
}

// Close closes the rows, then the batch; an error of the rows shows in their Err.
func (r *batchRows) Close() {
	r.Rows.Close()
	_ = r.br.Close()
}

type batchRow struct {
	row pgx.Row
	br  pgx.BatchResults
}

func (r batchRow) Scan(dest ...any) error {
	err := r.row.Scan(dest...)
	if cerr := r.br.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return err
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// rowScanner is what pgx.Row and pgx.Rows share.
type rowScanner interface{ Scan(dest ...any) error }

// rebind numbers ? placeholders as $1, $2, …; the statements have no ? inside literals.
func rebind(query string) string {
	n := strings.Count(query, "?")
	if n == 0 {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 2*n)
	i := 0
	for {
		j := strings.IndexByte(query, '?')
		if j < 0 {
			b.WriteString(query)
			return b.String()
		}
		i++
		b.WriteString(query[:j])
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(i))
		query = query[j+1:]
	}
}

// exec1 runs a write that must change exactly one row; none means the row was missing or
// its version moved, reported as ErrPrecondition as store/sqlite does.
func exec1(ctx context.Context, d *db, tenant uuid.UUID, what, query string, args ...any) error {
	n, err := d.exec(ctx, tenant, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, mapErr(err))
	}
	if n != 1 {
		return fmt.Errorf("%s: row missing or changed: %w", what, app.ErrPrecondition)
	}
	return nil
}

// queryList runs a query and scans every row with scan; no rows is a nil list.
func queryList[T any](ctx context.Context, d *db, tenant uuid.UUID, what string, n int, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := d.query(ctx, tenant, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, mapErr(err))
	}
	defer rows.Close()
	var out []T
	if n > 0 {
		out = make([]T, 0, n)
	}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", what, mapErr(err))
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

// getOne scans one row, mapping no rows to ErrNotFound.
func getOne[T any](what string, scan func(rowScanner) (T, error), row rowScanner) (T, error) {
	v, err := scan(row)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("%s: %w", what, mapErr(err))
	}
	return v, nil
}
