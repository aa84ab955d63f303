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

// db runs one transaction's statements, sending as few round trips as it can.
//
// The transaction's BEGIN goes out with its first statement (Store.Write and Store.Read
// hold a pooled connection, not a pgx transaction). It sets app.tenant_id lazily: a
// statement on tenant data names its tenant, and when that differs from what the
// transaction has set, the set_config goes out in the same round trip as the statement (a
// pgx batch). The setting is local to the transaction, so it is safe behind a
// transaction-pooling proxy.
//
// A write statement whose result the caller needs runs inside a savepoint of its own, sent
// in the same round trip: a statement that fails (a unique violation, say) then leaves the
// transaction usable, as a failed statement does in SQLite, so a caller may go on after
// ErrConflict. Writes nobody waits on (the audit and change-log rows) are queued instead and
// go out in front of the next statement or with the COMMIT. Should one of them fail, the
// transaction fails as a whole: every later statement and the commit report it, never as
// ErrConflict or ErrNotFound, which a caller might take for its own statement's result.
//
// Statements are written with ? placeholders, as in store/sqlite, and numbered here.
type db struct {
	c conn
	// begin opens the transaction; it is sent with the first statement, "" once sent or
	// when c is a transaction already.
	begin string
	began bool
	// cleanup ends the transaction an earlier read left open on the connection (handoff.go);
	// it goes out first, with the first statement, "" once sent or when there is none.
	cleanup string
	// outside lets a read on no tenant's data made before the transaction has begun (the
	// principal lookup of a request) run on its own, in its statement's implicit transaction.
	outside bool
	// tenant is the tenant app.tenant_id holds in the transaction, uuid.Nil while it is
	// unset; it counts the queued statements as run.
	tenant  uuid.UUID
	pending []queued // writes queued for the next round trip
	failed  error    // a queued write that failed: the transaction is lost
	// ahead holds users read along with a membership (memberships.Get), for users.Get to
	// take without a round trip of its own; any write drops them, since it may change them.
	ahead map[uuid.UUID]app.User
}

// conn is where db sends its batches: a pooled connection or a pgx transaction (units).
type conn interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// queued is a statement sent ahead of the one that carries it. A queued write has a what
// (for its error) and may check its command tag. An own write is a caller's statement sent
// late (db.laterOwn): its unique violation is the caller's ErrConflict.
type queued struct {
	what  string
	query string
	args  []any
	check func(pgconn.CommandTag) error
	own   bool
}

// deferredError is the failure of a queued write. It carries the driver error for Write's
// retry (retryable) and ErrUnavailable, but no other sentinel: it must not pass for the
// result of the statement it arrived with.
type deferredError struct {
	what string
	err  error
	own  bool // a caller's own statement sent late (db.laterOwn)
}

func (e *deferredError) Error() string { return e.what + ": " + e.err.Error() }

// Is makes an unreachable database ErrUnavailable, as mapErr does, and a caller's own
// statement's unique violation ErrConflict.
func (e *deferredError) Is(target error) bool {
	switch target {
	case app.ErrUnavailable:
		return unreachable(e.err)
	case app.ErrConflict:
		var pe *pgconn.PgError
		return e.own && errors.As(e.err, &pe) && pe.Code == "23505"
	}
	return false
}

const setTenant = `SELECT set_config('app.tenant_id', $1, true)`

// open starts a batch for a statement on tenant: the transaction's BEGIN if it has not been
// sent, the queued writes, and the tenant setting if it changes. lead is what open put in
// front of the caller's statements, whose results lead reads. A read (alone) marks a
// statement that may run outside the transaction when the db allows it.
func (d *db) open(tenant uuid.UUID, alone bool) (b *pgx.Batch, lead []queued) {
	b = &pgx.Batch{}
	if d.cleanup != "" {
		lead = append(lead, queued{query: d.cleanup})
		d.cleanup = ""
	}
	if d.begin != "" && !(alone && d.outside && tenant == uuid.Nil && d.tenant == uuid.Nil && len(d.pending) == 0) {
		lead = append(lead, queued{query: d.begin})
		d.begin, d.began = "", true
	}
	lead = append(lead, d.pending...)
	d.pending = nil
	if tenant != d.tenant {
		lead = append(lead, queued{query: setTenant, args: []any{tenant.String()}})
		d.tenant = tenant
	}
	for _, q := range lead {
		b.Queue(q.query, q.args...)
	}
	return b, lead
}

// lead reads the results of what open put in front of the caller's statements. Any error
// loses the transaction.
func (d *db) lead(br pgx.BatchResults, lead []queued) error {
	for _, q := range lead {
		tag, err := br.Exec()
		if err == nil && q.check != nil {
			err = q.check(tag)
		}
		if err != nil {
			if q.what != "" {
				err = &deferredError{what: q.what, err: err, own: q.own}
			}
			d.failed = err
			return err
		}
	}
	return nil
}

// later queues a write for tenant whose result nobody waits for: it goes out with the next
// statement or the end of the transaction (finish); check, when set, judges its tag.
func (d *db) later(tenant uuid.UUID, what, query string, check func(pgconn.CommandTag) error, args ...any) {
	d.ahead = nil
	if tenant != d.tenant {
		d.pending = append(d.pending, queued{what: "set tenant", query: setTenant, args: []any{tenant.String()}})
		d.tenant = tenant
	}
	d.pending = append(d.pending, queued{what: what, query: rebind(query), args: args, check: check})
}

// laterOwn queues a caller's write whose only possible failures end the transaction anyway:
// it goes out with the next statement or the end of the transaction, as later's do, and its
// failure fails the transaction as theirs does, except that a unique violation is
// ErrConflict (the caller's own statement's result, arriving with the commit). It is for
// writes whose result nobody acts on inside the transaction, and it saves their round trip:
// for a write that takes the tenant's counter (a synced row's insert), it also shortens how
// long the transaction holds the counter's lock, which every writer of the tenant queues on.
func (d *db) laterOwn(tenant uuid.UUID, what, query string, args ...any) {
	d.later(tenant, what, query, nil, args...)
	d.pending[len(d.pending)-1].own = true
}

// finish sends the queued writes with end (COMMIT, RELEASE SAVEPOINT …; "" to send only
// them) in one round trip. A COMMIT PostgreSQL turned into a rollback is an error.
func (d *db) finish(ctx context.Context, end string) error {
	if d.failed != nil {
		return d.failed
	}
	if len(d.pending) == 0 && (end == "" || d.begin != "") {
		return nil // nothing to send, or no transaction was begun
	}
	b, lead := d.open(d.tenant, false)
	if end != "" {
		b.Queue(end)
	}
	br := d.c.SendBatch(ctx, b)
	err := d.lead(br, lead)
	if err == nil && end != "" {
		var tag pgconn.CommandTag
		tag, err = br.Exec()
		if err == nil && end == "COMMIT" && tag.String() == "ROLLBACK" {
			err = errors.New("the transaction was rolled back")
		}
	}
	if cerr := br.Close(); err == nil {
		err = cerr
	}
	return err
}

// rollback ends a transaction db began (or an earlier read's it was to end), whatever its
// state; a connection left in a transaction is closed by the pool on release.
func (d *db) rollback(ctx context.Context) {
	if d.began || d.cleanup != "" {
		d.cleanup = ""
		_, _ = d.c.Exec(context.WithoutCancel(ctx), "ROLLBACK")
	}
}

// exec runs a write statement for tenant and returns how many rows it changed.
func (d *db) exec(ctx context.Context, tenant uuid.UUID, query string, args ...any) (int64, error) {
	if d.failed != nil {
		return 0, d.failed
	}
	d.ahead = nil
	b, lead := d.open(tenant, false)
	b.Queue("SAVEPOINT stmt")
	b.Queue(rebind(query), args...)
	b.Queue("RELEASE SAVEPOINT stmt")
	br := d.c.SendBatch(ctx, b)
	if err := d.lead(br, lead); err != nil {
		br.Close()
		return 0, err
	}
	if _, err := br.Exec(); err != nil {
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
			if _, rerr := d.c.Exec(ctx, "ROLLBACK TO SAVEPOINT stmt"); rerr != nil {
				return 0, errors.Join(err, rerr)
			}
			if _, rerr := d.c.Exec(ctx, "RELEASE SAVEPOINT stmt"); rerr != nil {
				return 0, errors.Join(err, rerr)
			}
		}
		return 0, err
	}
	return tag.RowsAffected(), nil
}

// query runs a read statement for tenant.
func (d *db) query(ctx context.Context, tenant uuid.UUID, query string, args ...any) (pgx.Rows, error) {
	if d.failed != nil {
		return nil, d.failed
	}
	b, lead := d.open(tenant, true)
	b.Queue(rebind(query), args...)
	br := d.c.SendBatch(ctx, b)
	if err := d.lead(br, lead); err != nil {
		br.Close()
		return nil, err
	}
	rows, err := br.Query()
	if err != nil {
		br.Close()
		return nil, err
	}
	return &batchRows{Rows: rows, br: br}, nil
}

// queryRow runs a statement expected to return one row for tenant.
func (d *db) queryRow(ctx context.Context, tenant uuid.UUID, query string, args ...any) rowScanner {
	if d.failed != nil {
		return errRow{d.failed}
	}
	b, lead := d.open(tenant, true)
	b.Queue(rebind(query), args...)
	br := d.c.SendBatch(ctx, b)
	if err := d.lead(br, lead); err != nil {
		br.Close()
		return errRow{err}
	}
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
