// Package postgres is Stint's team-server store on PostgreSQL (pgx, one connection pool
// shared by every request). It implements the interfaces app declares with the same results
// as store/sqlite, and leaves tenant isolation to the database as well as to its own
// statements: every table holding tenant data has row-level security enabled and forced,
// the store sets app.tenant_id with set_config(…, true) inside each transaction before it
// touches tenant data, and the server connects as a role that is neither superuser, owner
// nor BYPASSRLS (Open refuses anything else). The few lookups that must cross tenants go
// through narrow SECURITY DEFINER functions. Setup creates the roles and migrates.
package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/storemetrics"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// schemaName is the schema that holds Stint's tables and functions.
const schemaName = "stint"

// Store is an app.Store on one PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	// unitDeadline bounds how long a unit of work may hold its transaction (unit.go).
	unitDeadline time.Duration
	// writers holds a slot for each write transaction in progress (writeOnce).
	writers chan struct{}
	obs     atomic.Pointer[observerBox] // who measures transactions (observe.go)
	// handoff holds connections whose read has ended with its transaction still open,
	// for the next transaction to roll back in its first round trip (handoff.go).
	handoff  chan handed
	sweeping atomic.Bool
	// merged keeps the statements merge makes of queued parts, by the parts' kinds.
	merged sync.Map
	// outbox is whether changes are kept in change_log (KeepOutbox).
	outbox bool
}

// KeepOutbox makes the store keep a change-log row for every change (app.ChangeLog), as a
// device's store does; call it before the store is used. A store as Open returns it serves
// a team server (the only thing PostgreSQL serves), which keeps none: nothing acknowledges
// a server's changes, so its rows would pile up for ever, one per row ever written, and
// nothing reads them. What devices pull comes from the rows' server versions, tombstones
// included; the tenant's counter, which LatestSeq reads, still moves with every row
// written; and the writes still wake the server's waiting pulls (app's notifier sees
// every Append).
func (s *Store) KeepOutbox() { s.outbox = true }

var _ app.UnitStore = (*Store)(nil)

// setupHint tells an operator how to get a DSN Open accepts.
const setupHint = "run `stint db setup --db <admin DSN>` once with a superuser or database-owner DSN and use the DSN it prints"

// Open connects to the database dsn names and checks that it may serve from it: the role
// is not a superuser, owns no table and does not bypass row-level security, and the schema
// is the version this build knows. Open does not migrate: Setup does, as the schema owner.
func Open(ctx context.Context, dsn string) (*Store, error) {
	return open(ctx, dsn, nil)
}

// open is Open with tune, when set, adjusting the pool's configuration (the tests trace
// the statements sent).
func open(ctx context.Context, dsn string, tune func(*pgxpool.Config)) (*Store, error) {
	cfg, err := poolConfig(dsn)
	if err != nil {
		return nil, err
	}
	if tune != nil {
		tune(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", mapErr(err))
	}
	s := &Store{pool: pool, unitDeadline: DefaultUnitDeadline, writers: make(chan struct{}, writeSlots()),
		handoff: make(chan handed, handoffSlots())}
	if err := s.checkRole(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	if err := s.checkSchema(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// poolConfig parses dsn and sets what every connection needs: the schema on the search
// path and the type map of registerTypes.
func poolConfig(dsn string) (*pgxpool.Config, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("database DSN: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		// pgxpool's default (4 on a small machine) is too few for a server whose units of
		// work hold a connection for a whole request.
		cfg.MaxConns = int32(max(16, 4*runtime.GOMAXPROCS(0)))
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schemaName
	// No JIT compilation: the planner's costs of a report over many periods pass
	// jit_above_cost by far, and compiling the statement took 250-350 ms where running it
	// takes tens (BenchmarkReportsPostgres). Every statement here is short or index-driven.
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	// A write sent in one round trip runs as the implicit transaction of its batch, at the
	// default isolation (db.finish): the level the explicit BEGINs name, whatever the
	// database's or the role's default says.
	cfg.ConnConfig.RuntimeParams["default_transaction_isolation"] = "read committed"
	cfg.AfterConnect = func(_ context.Context, c *pgx.Conn) error {
		registerTypes(c.TypeMap())
		return nil
	}
	return cfg, nil
}

// checkRole refuses a role that row-level security would not hold.
func (s *Store) checkRole(ctx context.Context) error {
	var role string
	var super, bypass, owns bool
	err := s.pool.QueryRow(ctx, `SELECT r.rolname, r.rolsuper, r.rolbypassrls,
		EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND pg_has_role(current_user, c.relowner, 'MEMBER'))
		FROM pg_roles r WHERE r.rolname = current_user`, schemaName).Scan(&role, &super, &bypass, &owns)
	if err != nil {
		return fmt.Errorf("check database role: %w", mapErr(err))
	}
	var why []string
	if super {
		why = append(why, "is a superuser")
	}
	if bypass {
		why = append(why, "bypasses row-level security")
	}
	if owns {
		why = append(why, "owns Stint's tables")
	}
	if len(why) > 0 {
		return fmt.Errorf("refusing to serve as database role %q: it %s, so row-level security would not isolate tenants; %s",
			role, strings.Join(why, " and "), setupHint)
	}
	return nil
}

// checkSchema fails unless the database has every migration this build knows, and none
// it does not.
func (s *Store) checkSchema(ctx context.Context) error {
	applied, err := appliedVersions(ctx, s.pool)
	if err != nil {
		return err
	}
	return versionCurrent(applied)
}

// versionCurrent compares the migrations applied to a database with this build's.
func versionCurrent(applied map[int]bool) error {
	have := 0
	for v := range applied {
		have = max(have, v)
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	want := latestVersion()
	if have > want {
		return fmt.Errorf("the database schema is version %d, this stint knows up to %d: upgrade stint", have, want)
	}
	for _, m := range ms {
		if !applied[m.version] {
			return fmt.Errorf("the database schema is version %d, this stint needs %d (migration %s is missing): %s",
				have, want, m.name, setupHint)
		}
	}
	return nil
}

// queryer is what appliedVersions needs of a pool, a connection or a transaction.
type queryer interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// appliedVersions are the migrations applied to the database, none when there is no schema.
func appliedVersions(ctx context.Context, q queryer) (map[int]bool, error) {
	var exists bool
	if err := q.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, schemaName+".schema_migrations").Scan(&exists); err != nil {
		return nil, fmt.Errorf("schema version: %w", mapErr(err))
	}
	applied := map[int]bool{}
	if !exists {
		return applied, nil
	}
	rows, err := q.Query(ctx, `SELECT version FROM `+schemaName+`.schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("schema version: %w", mapErr(err))
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		return nil, fmt.Errorf("schema version: %w", mapErr(err))
	}
	for _, v := range versions {
		applied[v] = true
	}
	return applied, nil
}

// Close closes the pool.
func (s *Store) Close() error {
	s.drainHandoff()
	s.pool.Close()
	return nil
}

// Ready checks that the database answers and its schema is current.
func (s *Store) Ready(ctx context.Context) error {
	return s.checkSchema(ctx)
}

// SchemaVersion is the newest migration applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	applied, err := appliedVersions(ctx, s.pool)
	have := 0
	for v := range applied {
		have = max(have, v)
	}
	return have, err
}

// LatestVersion is the newest migration this build knows.
func LatestVersion() int { return latestVersion() }

// maxAttempts bounds how often Write runs a function that lost a serialization race or a
// deadlock: PostgreSQL rolled it back, and running it again is the standard remedy.
const maxAttempts = 4

// Write runs fn in a READ COMMITTED transaction and commits if fn succeeds. The rules that
// need more than that hold in the schema: one running entry per user (a unique index),
// optimistic versions (WHERE version = prev) and change-log order (the lock on the tenant's
// counter row, tenant_counters).
// With a context carrying a unit of work, fn joins the unit's transaction instead.
func (s *Store) Write(ctx context.Context, fn func(app.Tx) error) (err error) {
	if o := s.observer(); o != nil {
		defer observeTx(o, storemetrics.Write, time.Now(), &err)
	}
	if u := s.unitFrom(ctx); u != nil {
		return u.write(ctx, fn)
	}
	for attempt := 1; ; attempt++ {
		err := s.writeOnce(ctx, fn)
		if attempt < maxAttempts && retryable(err) && ctx.Err() == nil {
			continue
		}
		return err
	}
}

// writeSlots is how many write transactions may be in progress at once, outside units of
// work. Writers of one tenant take its counter row's lock at commit (tenant_counters), so
// they commit one at a time however many run; each of them also locks the tenant row for
// its foreign keys on the way, and PostgreSQL's cost of those shared locks (multixacts, which
// every later locker and reader of the row walks) grows with the number of transactions
// holding them. Past a few writers per core, more in flight only adds that cost: in
// BenchmarkAPIPostgres on 2 cores, 16 concurrent creates cost PostgreSQL 0.8 to 1.8 ms of
// CPU each, 4 cost 0.54 to 0.63 ms and doubled the creates per second. Reads keep the
// whole pool, and units of work (which hold their transaction for a request) take no slot.
func writeSlots() int {
	return 2 * runtime.GOMAXPROCS(0)
}

func (s *Store) writeOnce(ctx context.Context, fn func(app.Tx) error) error {
	select {
	case s.writers <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("begin write: %w", mapErr(ctx.Err()))
	}
	defer func() { <-s.writers }()
	c, cleanup, err := s.acquire(ctx)
	if err != nil {
		return fmt.Errorf("begin write: %w", mapErr(err))
	}
	start := time.Now()
	d := &db{c: c, begin: "BEGIN ISOLATION LEVEL READ COMMITTED", cleanup: cleanup, merged: &s.merged, outbox: s.outbox}
	defer s.release(ctx, c, d, false)
	if err := fn(&txn{d: d}); err != nil {
		d.rollback(ctx)
		return err
	}
	if err := d.finish(ctx, "COMMIT"); err != nil {
		d.rollback(ctx)
		return fmt.Errorf("commit: %w", mapErr(err))
	}
	s.observeCommit(start)
	return nil
}

// Read runs fn in one REPEATABLE READ, READ ONLY transaction: every statement in fn on tenant
// data sees the same snapshot. The transaction begins with fn's first statement on tenant
// data; a lookup across tenants made before it (the SECURITY DEFINER functions that resolve
// a request's principal) runs on its own, one statement in one round trip. With a context
// carrying a unit of work that has written, fn reads the unit's transaction instead, so a
// request reads its own writes.
func (s *Store) Read(ctx context.Context, fn func(app.Tx) error) (err error) {
	if o := s.observer(); o != nil {
		defer observeTx(o, storemetrics.Read, time.Now(), &err)
	}
	if u := s.unitFrom(ctx); u != nil {
		if ok, err := u.read(ctx, fn); ok {
			return err
		}
	}
	c, cleanup, err := s.acquire(ctx)
	if err != nil {
		return fmt.Errorf("begin read: %w", mapErr(err))
	}
	d := &db{c: c, begin: "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", outside: true, cleanup: cleanup, merged: &s.merged, outbox: s.outbox}
	// A read has nothing to keep: its transaction ends with the next one's first round
	// trip on the connection (handoff.go), not with a round trip the request waits for.
	defer s.release(ctx, c, d, true)
	return fn(&txn{d: d})
}

// migrations are the embedded migrations in order, with their versions.
type migration struct {
	version int
	name    string
	body    string
}

func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	out := make([]migration, 0, len(names))
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, body: string(body)})
	}
	return out, nil
}

func latestVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// txn implements app.Tx; each area is a thin view over the transaction.
type txn struct{ d *db }

func (t *txn) Tenants() app.Tenants                { return tenants{t.d} }
func (t *txn) Organizations() app.Organizations    { return organizations{t.d} }
func (t *txn) Users() app.Users                    { return users{t.d} }
func (t *txn) Memberships() app.Memberships        { return memberships{t.d} }
func (t *txn) Clients() app.Clients                { return clients{t.d} }
func (t *txn) Projects() app.Projects              { return projects{t.d} }
func (t *txn) Tasks() app.Tasks                    { return tasks{t.d} }
func (t *txn) Tags() app.Tags                      { return tags{t.d} }
func (t *txn) TimeEntries() app.TimeEntries        { return timeEntries{t.d} }
func (t *txn) Tokens() app.Tokens                  { return tokens{t.d} }
func (t *txn) Invitations() app.Invitations        { return invitations{t.d} }
func (t *txn) Audit() app.AuditLog                 { return auditLog{t.d} }
func (t *txn) Changes() app.ChangeLog              { return changeLog{t.d} }
func (t *txn) Idempotency() app.IdempotencyRecords { return idempotency{t.d} }
func (t *txn) Device() app.DeviceSettings          { return device{t.d} }

// mapErr turns driver errors into app sentinels: no rows → ErrNotFound, unique violations →
// ErrConflict, a foreign key naming a row that is not there (or not the tenant's) →
// ErrNotFound, as a scoped lookup of that row would answer, a database that cannot be reached → ErrUnavailable, a statement canceled at
// its deadline → context.DeadlineExceeded.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return app.ErrNotFound
	}
	var de *deferredError
	if errors.As(err, &de) {
		return err // a queued write's failure maps only to ErrUnavailable, which it says itself
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if pe.Code == "23505" {
			return fmt.Errorf("%w: %v", app.ErrConflict, err)
		}
		if pe.Code == "23503" {
			return fmt.Errorf("a row it names is missing: %w: %v", app.ErrNotFound, err)
		}
		if pe.Code == "57014" {
			// query_canceled: pgx cancels the running statement when its context's deadline
			// passes (the request's store bound) and reports the server's answer, not the
			// context's error; the server answers 503 for work past its bound, and a push
			// then halves its batch.
			return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
	}
	if unreachable(err) {
		return fmt.Errorf("%w: %w", app.ErrUnavailable, err)
	}
	return err
}

// unreachable reports an error of the connection rather than of a statement: the server
// refused or dropped the connection (a connection exception, or the server shutting down or
// terminating it), or the pool could not make one. mapErr and a queued write's failure
// (deferredError) both ask it, so one that arrives with the commit maps the same way.
func unreachable(err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || pgconn.SafeToRetry(err) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	// Anything else pgx reports without a server error is the connection failing: a reset,
	// an unexpected EOF, a closed pool.
	msg := err.Error()
	for _, s := range []string{"connection", "EOF", "closed pool", "broken pipe", "conn closed", "timeout"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// retryable reports a transaction PostgreSQL rolled back to break a serialization conflict
// or a deadlock.
func retryable(err error) bool {
	var de *deferredError
	if errors.As(err, &de) {
		err = de.err
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}
