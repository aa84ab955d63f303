// Package sqlite is Stint's embedded store: one SQLite file in WAL mode, one writer
// goroutine that group-commits concurrent write transactions (BEGIN IMMEDIATE, a SAVEPOINT
// per caller, one fsync per batch), a pool of read-only connections, prepared statements
// reused per connection, and embedded versioned migrations. It implements the interfaces
// app declares; every statement on tenant data filters by the caller's scope.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/stinthq/stint/app"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Store is an app.Store on one SQLite database file.
type Store struct {
	path   string
	writer *sql.DB
	reader *sql.DB
	wstmts *stmtCache
	rstmts *stmtCache
	// Writes go through one goroutine (write.go), so one write transaction runs at a time.
	// The writer pool has a second connection only so statements can be prepared for the
	// cache while the transaction holds the first.
	queue     chan *writeReq
	stopped   chan struct{}
	loopDone  chan struct{}
	closeOnce sync.Once
	closing   sync.RWMutex
	closed    bool
	// unitDeadline bounds how long the writer serves one unit of work (unit.go).
	unitDeadline time.Duration
}

var _ app.Store = (*Store)(nil)

// Pragmas every connection gets. synchronous=FULL because this data syncs and must survive
// power loss once committed; busy_timeout lets other processes (the CLI next to a running
// server) wait instead of failing; secure_delete=FAST zeroes deleted rows in the pages a
// write changes anyway, so a deleted secret does not stay readable in free space.
const pragmas = "_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=secure_delete(FAST)"

// DSN returns the connection string the store uses for path; write selects BEGIN IMMEDIATE
// transactions, otherwise connections are read-only.
func DSN(path string, write bool) string {
	u := url.URL{Scheme: "file", Opaque: path}
	dsn := u.String() + "?" + pragmas
	if write {
		return dsn + "&_txlock=immediate"
	}
	return dsn + "&_pragma=query_only(1)"
}

// Open opens (creating if needed, mode 0600 in a 0700 directory) and migrates the database.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open database file: %w", err)
	}
	f.Close()
	w, err := sql.Open("sqlite", DSN(path, true))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(2)
	w.SetMaxIdleConns(2)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	s := &Store{path: path, writer: w, queue: make(chan *writeReq, maxBatch),
		stopped: make(chan struct{}), loopDone: make(chan struct{}), unitDeadline: DefaultUnitDeadline}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", DSN(path, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	n := max(4, 2*runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	s.reader = r
	s.wstmts, s.rstmts = newStmtCache(w), newStmtCache(r)
	go s.writeLoop()
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close stops the writer (queued writes fail) and closes both pools. Closing twice is a no-op.
func (s *Store) Close() error {
	var err error
	s.closeOnce.Do(func() {
		s.closing.Lock()
		s.closed = true
		s.closing.Unlock()
		close(s.stopped)
		<-s.loopDone
		s.rstmts.close()
		s.wstmts.close()
		err = errors.Join(s.reader.Close(), s.writer.Close())
	})
	return err
}

// Read runs fn on the read-only pool. Each statement sees committed data. With a context
// carrying a unit of work that has written, fn reads the unit's transaction instead, so a
// request reads its own writes.
func (s *Store) Read(ctx context.Context, fn func(app.Tx) error) error {
	if u := s.unitFrom(ctx); u != nil && u.active() {
		return u.run(&unitOp{ctx: ctx, fn: fn, read: true})
	}
	return fn(&txn{q: cached{cache: s.rstmts}})
}

// Ready checks that the database answers and every embedded migration is applied.
func (s *Store) Ready(ctx context.Context) error {
	var applied int
	if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
		return fmt.Errorf("store unreachable: %w", err)
	}
	want, err := migrationNames()
	if err != nil {
		return err
	}
	if applied != len(want) {
		return fmt.Errorf("schema at %d of %d migrations", applied, len(want))
	}
	return nil
}

func migrationNames() ([]string, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// migrate applies embedded migrations in order, each in its own transaction.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	names, err := migrationNames()
	if err != nil {
		return err
	}
	for _, name := range names {
		base := filepath.Base(name)
		v, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("migration %s: name must start with a number", base)
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return err
		}
		err = s.rawWrite(ctx, func(q *sql.Tx) error {
			var n int
			if err := q.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, v).Scan(&n); err != nil || n > 0 {
				return err
			}
			if _, err := q.ExecContext(ctx, string(body)); err != nil {
				return err
			}
			_, err := q.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, unixepoch())`, v, base)
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// rawWrite runs fn in a write transaction without the statement cache (migrations hold
// several statements per text, which prepared statements cannot run).
func (s *Store) rawWrite(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// querier is what a txn runs statements on: the write transaction or the reader pool.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// txn implements app.Tx; each area is a thin view over the same querier.
type txn struct{ q querier }

func (t *txn) Tenants() app.Tenants                { return tenants{t.q} }
func (t *txn) Organizations() app.Organizations    { return organizations{t.q} }
func (t *txn) Users() app.Users                    { return users{t.q} }
func (t *txn) Memberships() app.Memberships        { return memberships{t.q} }
func (t *txn) Clients() app.Clients                { return clients{t.q} }
func (t *txn) Projects() app.Projects              { return projects{t.q} }
func (t *txn) Tasks() app.Tasks                    { return tasks{t.q} }
func (t *txn) Tags() app.Tags                      { return tags{t.q} }
func (t *txn) TimeEntries() app.TimeEntries        { return timeEntries{t.q} }
func (t *txn) Tokens() app.Tokens                  { return tokens{t.q} }
func (t *txn) Audit() app.AuditLog                 { return auditLog{t.q} }
func (t *txn) Changes() app.ChangeLog              { return changeLog{t.q} }
func (t *txn) Idempotency() app.IdempotencyRecords { return idempotency{t.q} }
func (t *txn) Device() app.DeviceSettings          { return device{t.q} }

// mapErr turns driver errors into app sentinels: no rows → ErrNotFound, unique or primary-key
// violations → ErrConflict.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return app.ErrNotFound
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %v", app.ErrConflict, err)
		}
	}
	return err
}
