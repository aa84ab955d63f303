package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

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
	// merged keeps the statements merge has made (Store.merged); nil makes them each time.
	merged *sync.Map
	// outbox is whether changes are written to change_log (Store.KeepOutbox).
	outbox bool
}

// conn is where db sends its batches: a pooled connection or a pgx transaction (units).
type conn interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// queued is a statement sent ahead of the one that carries it. A queued write has a what
// (for its error) and may check its command tag. An own write is a caller's statement sent
// late (db.laterOwnPart): its unique violation is the caller's ErrConflict. A write that may
// share one statement with its neighbours has a part (merge); parts is set on the
// statement they were merged into.
type queued struct {
	what  string
	query string
	args  []any
	check func(pgconn.CommandTag) error
	own   bool
	part  *part
	parts []queued
}

// part is a queued insert that may go out as one data-modifying WITH query of a statement
// with the inserts queued next to it (merge): a create's entry, audit row and change-log
// row are one statement, not three, and take the tenant's counter once, not twice.
type part struct {
	*partSQL
	tenant uuid.UUID
	args   []any
}

// partSQL is what a part inserts: the same for every row of its kind, so a package-level
// value made once.
type partSQL struct {
	table string // what it inserts into; a statement inserts into each table once
	// body is the insert with ? placeholders, ending in RETURNING 1; with seq it takes the
	// next value of the tenant's counter where seqRef stands.
	body string
	seq  bool
	// alone is the part as a statement of its own, numbered, taking its value from the
	// counter itself (its first argument is then the tenant).
	alone string
	// rowTypes are the PostgreSQL types of the part's arguments, in order, when many parts of
	// its kind may go out as one multi-row insert (mergeRows); nil when they may not.
	rowTypes []string
}

// seqRef stands in a part's body for the value it takes from the tenant's counter.
const seqRef = "{seq}"

func newPartSQL(table, body string, seq bool) *partSQL {
	p := &partSQL{table: table, body: body, seq: seq, alone: rebind(body)}
	if seq {
		p.alone = rebind(`WITH c AS (UPDATE tenant_counters SET change_seq = change_seq + 1 WHERE tenant_id = ? RETURNING change_seq) ` +
			strings.ReplaceAll(body, seqRef, "(SELECT change_seq FROM c)"))
	}
	return p
}

// withRows lets runs of the part go out as one multi-row insert (mergeRows), its arguments
// being of the PostgreSQL types given, in order.
func (p *partSQL) withRows(types ...string) *partSQL {
	if strings.Count(p.body, "?") != len(types) {
		panic("postgres: " + p.table + " part: " + strconv.Itoa(len(types)) + " row types for its arguments")
	}
	p.rowTypes = types
	return p
}

// aloneArgs are the arguments of the part as a statement of its own.
func (p *part) aloneArgs() []any {
	if !p.seq {
		return p.args
	}
	return append([]any{p.tenant}, p.args...)
}

// mergedKey names the statement a run of parts makes, for Store.merged; runs longer than
// it are made each time.
type mergedKey [4]*partSQL

// merge returns the queue with each run of two or more neighbouring parts of one tenant,
// each into another table, made one statement: the counter's row is updated once for the
// run's parts that take a value, which get them in queue order (the order and the values
// they would have had, one statement after the other), and the statement answers how many
// rows each part inserted, for its check. Writes of one statement see the same snapshot
// and not each other's rows, hence one table per run: no part can depend on another's row
// (foreign keys are checked at the statement's end, when they are all there). A part left
// alone goes out as its own statement. made keeps the statements made, when not nil.
//
// A run repeated one after the other (a group of pushed creates queues an entry and its
// audit row, then the next entry and its audit row, and so on) goes out as one statement
// for all of them when its parts allow it (mergeRows).
func merge(pending []queued, made *sync.Map) []queued {
	out := make([]queued, 0, len(pending))
	for i := 0; i < len(pending); {
		j := i + 1
		if p := pending[i].part; p != nil {
		run:
			for ; j < len(pending); j++ {
				q := pending[j].part
				if q == nil || q.tenant != p.tenant {
					break
				}
				for _, r := range pending[i:j] {
					if r.part.table == q.table {
						break run
					}
				}
			}
		}
		if n := repeats(pending[i:], j-i); n >= 2 {
			if q, ok := mergeRows(pending[i:i+n*(j-i)], j-i, made); ok {
				out = append(out, q)
				i += n * (j - i)
				continue
			}
		}
		switch {
		case j-i >= 2:
			out = append(out, mergeRun(pending[i:j], made))
		case pending[i].part != nil:
			q := pending[i]
			q.query, q.args = q.part.alone, q.part.aloneArgs()
			out = append(out, q)
		default:
			out = append(out, pending[i])
		}
		i = j
	}
	return out
}

// mergeRun makes one statement of the parts of run.
func mergeRun(run []queued, made *sync.Map) queued {
	var key mergedKey
	cached := made != nil && len(run) <= len(key)
	for i, q := range run {
		if cached {
			key[i] = q.part.partSQL
		}
	}
	tenant := run[0].part.tenant
	seqs := 0
	n := 0
	for _, q := range run {
		if q.part.seq {
			seqs++
		}
		n += len(q.part.args)
	}
	args := make([]any, 0, n+1)
	if seqs > 0 {
		args = append(args, tenant)
	}
	for _, q := range run {
		args = append(args, q.part.args...)
	}
	var query string
	if cached {
		if v, ok := made.Load(key); ok {
			query = v.(string)
		}
	}
	if query == "" {
		query = mergedSQL(run, seqs)
		if cached {
			made.Store(key, query)
		}
	}
	return queued{query: query, args: args, parts: run}
}

// repeats counts how many times the run of the first size parts of pending comes one
// after the other from its start, each time with the same kinds of parts, of one tenant,
// that may go out as rows (partSQL.rowTypes) and whose tag nobody checks; 0 when the
// run's parts may not.
func repeats(pending []queued, size int) int {
	unit := pending[:size]
	for _, q := range unit {
		if q.part == nil || q.part.rowTypes == nil || q.check != nil {
			return 0
		}
	}
	n := 1
	for next := pending[size:]; len(next) >= size; next = next[size:] {
		for k, q := range next[:size] {
			if q.part == nil || q.part.partSQL != unit[k].part.partSQL || q.part.tenant != unit[0].part.tenant ||
				q.check != nil || q.own != unit[k].own {
				return n
			}
		}
		n++
	}
	return n
}

// mergeRows makes one statement of run, repeats of a run of size parts (repeats): each
// part's inserts as one INSERT … SELECT over its arguments sent as arrays, one per
// argument, unnested. The counter's row is updated once, and the rows take its values as
// the parts would have one after the other, in queue order. The statement answers how many
// rows each kind of part inserted, and its failure is told as the failure of the first run's
// part whose table it names (queued.result). ok is false when an argument cannot be sent
// in an array (mergeRow): the run then goes out as before.
func mergeRows(run []queued, size int, made *sync.Map) (queued, bool) {
	unit := run[:size]
	units := len(run) / size
	seqs := 0
	for _, q := range unit {
		if q.part.seq {
			seqs++
		}
	}
	var args []any
	if seqs > 0 {
		args = append(args, unit[0].part.tenant, int64(units*seqs))
	}
	for k, q := range unit {
		cols := make([][]any, len(q.part.rowTypes))
		for c := range cols {
			cols[c] = make([]any, units)
		}
		for u := range units {
			p := run[u*size+k].part
			for c, v := range p.args {
				if !rowValue(p.rowTypes[c], v, &cols[c][u]) {
					return queued{}, false
				}
			}
		}
		for _, col := range cols {
			args = append(args, col)
		}
	}
	var key rowsKey
	cached := made != nil && size <= len(key)
	if cached {
		for k, q := range unit {
			key[k] = q.part.partSQL
		}
		if v, ok := made.Load(key); ok {
			return queued{query: v.(string), args: args, parts: unit}, true
		}
	}
	query := rowsSQL(unit, seqs)
	if cached {
		made.Store(key, query)
	}
	return queued{query: query, args: args, parts: unit}, true
}

// rowsKey names the statement a repeated run makes, for Store.merged (mergedKey names a
// run's).
type rowsKey [4]*partSQL

// rowValue sets *dst to v as an element of an array of typ's: an array value goes as the
// text of a PostgreSQL array (arrays of arrays must be rectangular), cast back in the
// statement. false: v is an array of a kind this does not know.
func rowValue(typ string, v any, dst *any) bool {
	if !strings.HasSuffix(typ, "[]") {
		*dst = v
		return true
	}
	ids, ok := v.([]uuid.UUID)
	if !ok {
		return false
	}
	b := make([]byte, 0, 2+37*len(ids))
	b = append(b, '{')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, id.String()...)
	}
	*dst = string(append(b, '}'))
	return true
}

// rowsSQL is the statement of repeats of unit (mergeRows), numbered: when seqs of the
// unit's parts take a value, $1 is the tenant and $2 how many values the statement takes
// from its counter; then come each part's arrays.
func rowsSQL(unit []queued, seqs int) string {
	var b strings.Builder
	b.WriteString("WITH ")
	n, taken := 0, 0
	if seqs > 0 {
		b.WriteString("c AS (UPDATE tenant_counters SET change_seq = change_seq + $2 WHERE tenant_id = $1 RETURNING change_seq - $2 AS base), ")
		n = 2
	}
	for k, q := range unit {
		p := q.part
		// "INSERT INTO t (cols) VALUES (exprs) RETURNING 1" becomes
		// "INSERT INTO t (cols) SELECT exprs FROM unnest(…) WITH ORDINALITY AS u(…) RETURNING 1".
		head, rest, _ := strings.Cut(p.body, "VALUES (")
		values := rest[:strings.LastIndex(rest, ")")]
		if p.seq {
			taken++
			values = strings.ReplaceAll(values, seqRef, "(SELECT base FROM c) + (u.ord - 1) * "+strconv.Itoa(seqs)+" + "+strconv.Itoa(taken))
		}
		var sel, arrays, names strings.Builder
		for c, typ := range p.rowTypes {
			i := strings.IndexByte(values, '?')
			col := "u.a" + strconv.Itoa(c+1)
			n++
			if c > 0 {
				arrays.WriteString(", ")
				names.WriteString(", ")
			}
			names.WriteString("a" + strconv.Itoa(c+1))
			if strings.HasSuffix(typ, "[]") {
				arrays.WriteString("$" + strconv.Itoa(n) + "::text[]")
				col += "::" + typ
			} else {
				arrays.WriteString("$" + strconv.Itoa(n) + "::" + typ + "[]")
			}
			sel.WriteString(values[:i] + col)
			values = values[i+1:]
		}
		sel.WriteString(values)
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString("p" + strconv.Itoa(k) + " AS (" + head + "SELECT " + sel.String() + " FROM unnest(" + arrays.String() +
			") WITH ORDINALITY AS u(" + names.String() + ", ord) RETURNING 1)")
	}
	b.WriteString(" SELECT ")
	for k := range unit {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(SELECT count(*) FROM p" + strconv.Itoa(k) + ")")
	}
	return b.String()
}

// mergedSQL is the statement of a run of parts, numbered; seqs of them take a value.
func mergedSQL(run []queued, seqs int) string {
	var b strings.Builder
	b.WriteString("WITH ")
	if seqs > 0 {
		b.WriteString("c AS (UPDATE tenant_counters SET change_seq = change_seq + " + strconv.Itoa(seqs) +
			" WHERE tenant_id = ? RETURNING change_seq), ")
	}
	taken := 0
	for i, q := range run {
		body := q.part.body
		if q.part.seq {
			taken++
			body = strings.ReplaceAll(body, seqRef, "(SELECT change_seq - "+strconv.Itoa(seqs-taken)+" FROM c)")
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("p" + strconv.Itoa(i) + " AS (" + body + ")")
	}
	b.WriteString(" SELECT ")
	for i := range run {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(SELECT count(*) FROM p" + strconv.Itoa(i) + ")")
	}
	return rebind(b.String())
}

// result reads a queued statement's result and judges it: a merged statement's counts go
// to each part's check, and its failure is told as the failure of the part whose table it
// names (a unique violation of an own part's table is the caller's ErrConflict).
func (q queued) result(br pgx.BatchResults) error {
	if q.parts == nil {
		tag, err := br.Exec()
		if err == nil && q.check != nil {
			err = q.check(tag)
		}
		if err != nil && q.what != "" {
			err = &deferredError{what: q.what, err: err, own: q.own}
		}
		return err
	}
	counts := make([]int64, len(q.parts))
	dest := make([]any, len(q.parts))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := br.QueryRow().Scan(dest...); err != nil {
		var pe *pgconn.PgError
		whats := make([]string, len(q.parts))
		for i, p := range q.parts {
			whats[i] = p.what
			if errors.As(err, &pe) && pe.TableName == p.part.table {
				return &deferredError{what: p.what, err: err, own: p.own}
			}
		}
		return &deferredError{what: strings.Join(whats, ", "), err: err}
	}
	for i, p := range q.parts {
		if p.check == nil {
			continue
		}
		if err := p.check(pgconn.NewCommandTag("INSERT 0 " + strconv.FormatInt(counts[i], 10))); err != nil {
			return &deferredError{what: p.what, err: err, own: p.own}
		}
	}
	return nil
}

// deferredError is the failure of a queued write. It carries the driver error for Write's
// retry (retryable) and ErrUnavailable, but no other sentinel: it must not pass for the
// result of the statement it arrived with.
type deferredError struct {
	what string
	err  error
	own  bool // a caller's own statement sent late (db.laterOwnPart)
}

func (e *deferredError) Error() string { return e.what + ": " + e.err.Error() }

// Is makes an unreachable database ErrUnavailable, as mapErr does, a caller's own
// statement's unique violation ErrConflict and its foreign key violation ErrNotFound, and
// the failed check of memberships.CheckActorLater ErrActorChanged.
func (e *deferredError) Is(target error) bool {
	var pe *pgconn.PgError
	switch target {
	case app.ErrUnavailable:
		return unreachable(e.err)
	case app.ErrConflict:
		return e.own && errors.As(e.err, &pe) && pe.Code == "23505"
	case app.ErrNotFound:
		return e.own && errors.As(e.err, &pe) && pe.Code == "23503"
	case app.ErrActorChanged:
		return errors.As(e.err, &pe) && pe.Code == "23514" && pe.DataTypeName == actorUnchanged
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
	lead = append(lead, merge(d.pending, d.merged)...)
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
		if err := q.result(br); err != nil {
			d.failed = err
			return err
		}
	}
	return nil
}

// laterPart queues an insert for tenant whose result nobody waits for: it goes out with
// the next statement or the end of the transaction (finish), as a part (merge) that may
// share one statement with its neighbours; check, when set, judges its tag.
func (d *db) laterPart(what string, p *part, check func(pgconn.CommandTag) error) {
	d.ahead = nil
	if p.tenant != d.tenant {
		d.pending = append(d.pending, queued{what: "set tenant", query: setTenant, args: []any{p.tenant.String()}})
		d.tenant = p.tenant
	}
	d.pending = append(d.pending, queued{what: what, check: check, part: p})
}

// laterOwnPart queues a caller's insert whose only possible failures end the transaction
// anyway: it goes out with the next statement or the end of the transaction, as
// laterPart's do, and its failure fails the transaction as theirs does, except that a
// unique violation is ErrConflict (the caller's own statement's result, arriving with the
// commit). It is for writes whose result nobody acts on inside the transaction, and it
// saves their round trip: for a write that takes the tenant's counter (a synced row's
// insert), it also shortens how long the transaction holds the counter's lock, which every
// writer of the tenant queues on.
func (d *db) laterOwnPart(what string, p *part) {
	d.laterPart(what, p, nil)
	d.pending[len(d.pending)-1].own = true
}

// finish sends the queued writes with end (COMMIT, RELEASE SAVEPOINT …; "" to send only
// them) in one round trip. A COMMIT PostgreSQL turned into a rollback is an error.
//
// A transaction whose every statement goes out in this round trip (a create: the tenant,
// the check of the actor, the insert with its audit row) is sent without BEGIN and
// COMMIT: the statements of one batch, up to its Sync, are one implicit transaction, which
// PostgreSQL commits at the Sync when they all succeeded and rolls back when one failed.
// Two statements fewer to bind and run on both sides (BenchmarkCreatePathPostgres), and
// the same transaction: READ COMMITTED, as poolConfig makes every connection's default.
func (d *db) finish(ctx context.Context, end string) error {
	if d.failed != nil {
		return d.failed
	}
	if len(d.pending) == 0 && (end == "" || d.begin != "") {
		return nil // nothing to send, or no transaction was begun
	}
	if end == "COMMIT" && d.begin != "" && d.cleanup == "" {
		d.begin, end = "", ""
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
