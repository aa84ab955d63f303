// Package sqlite is Stint's embedded store: one SQLite file in WAL mode, one writer
// goroutine that group-commits concurrent write transactions (BEGIN IMMEDIATE, a SAVEPOINT
// per caller, one fsync per batch), a pool of read-only connections, prepared statements
// reused per connection, and embedded versioned migrations. It implements the interfaces
// app declares; every statement on tenant data filters by the caller's scope.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
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
	"sync/atomic"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/storemetrics"
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
	// texts keeps the summary reports' statement texts (reporttext.go), projects what
	// member summaries need of the projects (reportprojects.go).
	texts    *summaryTexts
	projects *projectCache
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
	// spare is the one token a Read takes to run part of a statement on a second reader
	// (siblingRead): one at a time, so a Read waiting for a second connection always has
	// readers beside it that wait on nothing. Nil (never taken) with one reader.
	spare      chan struct{}
	commitHook func() error                // tests: called before each batch commit, an error fails it (write.go)
	obs        atomic.Pointer[observerBox] // who measures transactions (observe.go)
}

var _ app.Store = (*Store)(nil)

// Pragmas every connection gets. synchronous=FULL because this data syncs and must survive
// power loss once committed; busy_timeout lets other processes (the CLI next to a running
// server) wait instead of failing, so it comes first; secure_delete=FAST zeroes deleted rows
// in the pages a write changes anyway, so a deleted secret does not stay readable in free
// space; temp_store=MEMORY keeps statement journals (one per savepoint of a group commit) and
// sorts out of temporary files.
const pragmas = "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=secure_delete(FAST)&_pragma=temp_store(MEMORY)"

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

// Options size a store's connections; the zero value is what Open uses, sized for a server
// under concurrent requests.
type Options struct {
	// Readers caps the read-only connections (0: max(4, 2×GOMAXPROCS)).
	Readers int
	// IdleClose closes a connection of either pool once it has sat unused this long (0:
	// never); the next transaction opens a fresh one, and statements are prepared on it again.
	IdleClose time.Duration
	// CacheKiB caps each connection's page cache (0: SQLite's default of 2000 KiB).
	CacheKiB int
}

// Open opens (creating if needed) and migrates the database. The database files get mode
// 0600 and the data directory 0700 at every open, not only on creation, so a data dir an
// older build, a restore or a umask left readable by others is tightened too; a directory
// that holds other files than Stint's (say /tmp) keeps its mode.
func Open(ctx context.Context, path string) (*Store, error) { return OpenWith(ctx, path, Options{}) }

// OpenWith is Open with connections sized by opts.
func OpenWith(ctx context.Context, path string, opts Options) (*Store, error) {
	if err := restrictFiles(path); err != nil {
		return nil, err
	}
	if err := enableWAL(ctx, path); err != nil {
		return nil, err
	}
	cache := ""
	if opts.CacheKiB > 0 {
		cache = "&_pragma=cache_size(-" + strconv.Itoa(opts.CacheKiB) + ")"
	}
	w, err := sql.Open("sqlite", DSN(path, true)+cache)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	w.SetMaxOpenConns(2)
	w.SetMaxIdleConns(2)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(opts.IdleClose)
	s := &Store{path: path, writer: w, queue: make(chan *writeReq, maxBatch),
		stopped: make(chan struct{}), loopDone: make(chan struct{}), unitDeadline: DefaultUnitDeadline}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", DSN(path, false)+cache)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open database: %w", err)
	}
	n := opts.Readers
	if n <= 0 {
		n = max(4, 2*runtime.GOMAXPROCS(0))
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(opts.IdleClose)
	s.reader = r
	if n > 1 {
		s.spare = make(chan struct{}, 1)
	}
	s.wstmts, s.rstmts = newStmtCache(w), newStmtCache(r)
	s.texts, s.projects = &summaryTexts{}, &projectCache{}
	go s.writeLoop()
	return s, nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Checkpoint copies the write-ahead log into the database file and truncates the log, so
// the file alone holds every committed write (for a backup, or to measure its size).
func (s *Store) Checkpoint(ctx context.Context) error {
	var busy, logPages, done int
	if err := s.writer.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	if busy != 0 {
		return fmt.Errorf("checkpoint: readers or writers kept it from completing")
	}
	return nil
}

// SpaceUsed is the bytes of the database file that hold data: its size less free pages
// that a VACUUM would return (call Checkpoint first to count the log's contents).
func (s *Store) SpaceUsed(ctx context.Context) (int64, error) {
	var pages, free, size int64
	err := s.writer.QueryRowContext(ctx, `SELECT p.page_count, f.freelist_count, s.page_size
		FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s`).Scan(&pages, &free, &size)
	if err != nil {
		return 0, fmt.Errorf("space used: %w", err)
	}
	return (pages - free) * size, nil
}

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

// Read runs fn in one read transaction on the read-only pool: every statement in fn sees
// the same snapshot of committed data (SQLite takes it at fn's first read), however many
// writes commit meanwhile. Writers are not blocked by it (WAL). With a context carrying a
// unit of work that has written, fn reads the unit's transaction instead, so a request
// reads its own writes.
func (s *Store) Read(ctx context.Context, fn func(app.Tx) error) (err error) {
	if o := s.observer(); o != nil {
		defer observeTx(o, storemetrics.Read, time.Now(), &err)
	}
	if u := s.unitFrom(ctx); u != nil && u.active() {
		return u.run(&unitOp{ctx: ctx, fn: fn, read: true})
	}
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin read: %w", s.closedOr(mapErr(err)))
	}
	defer tx.Rollback() // a read transaction has nothing to keep
	return fn(&txn{q: cached{cache: s.rstmts, tx: tx}, reads: s, texts: s.texts, projects: s.projects})
}

// ReadStatement runs fn on the read-only pool without a transaction (app.StatementReader):
// each statement fn runs is its own snapshot, as SQLite runs a lone SELECT in one, which
// spares a one-statement read BEGIN and ROLLBACK and database/sql's goroutine watching the
// transaction's context. Only a member's summary reads this way (reports.lone); with a
// unit of work that has written, fn reads the unit's transaction, as in Read.
func (s *Store) ReadStatement(ctx context.Context, fn func(app.Tx) error) (err error) {
	if o := s.observer(); o != nil {
		defer observeTx(o, storemetrics.Read, time.Now(), &err)
	}
	if u := s.unitFrom(ctx); u != nil && u.active() {
		return u.run(&unitOp{ctx: ctx, fn: fn, read: true})
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.closedOr(nil); err != nil {
		return err
	}
	return fn(&txn{q: cached{cache: s.rstmts}, texts: s.texts, projects: s.projects, lone: true})
}

// siblingRead opens a second read transaction beside a Read's, for a statement split in
// two that runs its halves at once on two cores, when the spare token is free (else ok is
// false and the caller runs the whole statement itself). The caller checks that both see
// the same snapshot (sameSnapshot) and calls done when finished with it.
func (s *Store) siblingRead(ctx context.Context) (q querier, done func(), ok bool) {
	select {
	case s.spare <- struct{}{}:
	default:
		return nil, nil, false
	}
	tx, err := s.reader.BeginTx(ctx, nil)
	if err != nil {
		<-s.spare
		return nil, nil, false
	}
	return cached{cache: s.rstmts, tx: tx}, func() { tx.Rollback(); <-s.spare }, true
}

// snapshotMark is a value every commit that writes synced data changes: the database's one
// counter, which each such write takes a stamp of (stamp). Two read transactions that read
// the same mark see the same synced data.
const snapshotMark = `SELECT coalesce(max(change_seq), 0) FROM tenants`

// sameSnapshot tells whether the read transactions a and b see the same synced data.
func sameSnapshot(ctx context.Context, a, b querier) (bool, error) {
	var ma, mb int64
	if err := a.QueryRowContext(ctx, snapshotMark).Scan(&ma); err != nil {
		return false, fmt.Errorf("snapshot mark: %w", err)
	}
	if err := b.QueryRowContext(ctx, snapshotMark).Scan(&mb); err != nil {
		return false, fmt.Errorf("snapshot mark: %w", err)
	}
	return ma == mb, nil
}

// Ready checks that the database answers and every embedded migration is applied.
func (s *Store) Ready(ctx context.Context) error {
	var applied int
	if err := s.reader.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&applied); err != nil {
		return fmt.Errorf("store unreachable: %w", s.closedOr(err))
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

// Migrations names the embedded migrations, oldest first ("0001_init.sql"): what a
// database made by this build records in schema_migrations, for checking a backup before
// it is restored.
func Migrations() ([]string, error) {
	names, err := migrationNames()
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return names, err
}

func migrationNames() ([]string, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// restrictFiles creates the data directory if needed, gives it mode 0700 when it is Stint's
// (see ownsDir), and gives the database file and its -wal and -shm companions (those that
// exist) mode 0600.
func restrictFiles(path string) error {
	dir := filepath.Dir(path)
	_, err := os.Stat(dir)
	created := errors.Is(err, fs.ErrNotExist)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create data directory: %w", err)
	}
	if created || ownsDir(dir, filepath.Base(path)) {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("restrict data directory: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("open database file: %w", err)
	}
	err = f.Chmod(0o600)
	f.Close()
	if err != nil {
		return fmt.Errorf("restrict database file: %w", err)
	}
	for _, p := range []string{path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restrict %s: %w", filepath.Base(p), err)
		}
	}
	return nil
}

// ownsDir reports whether an existing directory holds nothing but Stint's files (the
// database and its companions, the instance socket), so tightening it takes nothing from
// anyone. A directory shared with other files or users (/tmp, a home directory, a
// Documents folder given as the data dir) keeps its mode: the database files are 0600
// anyway, and changing a shared directory's mode would break what else lives there.
func ownsDir(dir, dbName string) bool {
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode()&os.ModeSticky != 0 {
		return false
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if n := e.Name(); !strings.HasPrefix(n, dbName) && !strings.HasPrefix(n, "stint") {
			return false
		}
	}
	return true
}

// enableWAL switches a new database to WAL once, before the pools open. SQLite does not wait
// for a busy lock when switching, since waiting could deadlock two connections that both
// read the header first, so several processes opening a new data dir at once would see
// "database is locked"; here the switch is retried until the others are done. Once the file
// is in WAL mode, the journal_mode pragma on each new connection changes nothing.
func enableWAL(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Opaque: path}).String()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	deadline := time.Now().Add(busyWait)
	for {
		var mode string
		err := db.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode)
		if err == nil {
			if !strings.EqualFold(mode, "wal") {
				return fmt.Errorf("journal mode is %s, want wal", mode)
			}
			return nil
		}
		var se *sqlite.Error
		if !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return fmt.Errorf("enable WAL: %w", err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// busyWait is how long a connection waits for another's lock (busy_timeout in pragmas).
const busyWait = 10 * time.Second

// migrate applies embedded migrations in order, each in its own BEGIN IMMEDIATE
// transaction that also records its version, so a migration applies entirely or not at all.
// The migrations table is created inside that transaction too: created outside it, a
// second process opening a new data dir at the same moment would read the schema, then
// find it changed and fail with "database is locked" instead of waiting its turn.
// Migrations run with foreign keys off, as SQLite requires for rebuilding a table
// (0003), and PRAGMA foreign_key_check must find nothing before each commits.
func (s *Store) migrate(ctx context.Context) error {
	names, err := migrationNames()
	if err != nil {
		return err
	}
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", mapErr(err))
	}
	defer conn.Close()
	// foreign_keys cannot change inside a transaction, so it is set around them; the
	// connection goes back to the pool with foreign keys on, or is discarded.
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer func() {
		if _, err := conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
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
		if err := applyMigration(ctx, conn, v, base, string(body)); err != nil {
			return fmt.Errorf("migration %s: %w", base, err)
		}
	}
	return nil
}

// applyMigration applies one migration unless it is recorded as applied.
func applyMigration(ctx context.Context, conn *sql.Conn, version int, name, body string) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", mapErr(err))
	}
	defer tx.Rollback() // after Commit this does nothing
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("migrations table: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil || n > 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, body); err != nil {
		return err
	}
	if err := foreignKeyCheck(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, unixepoch())`, version, name); err != nil {
		return err
	}
	return tx.Commit()
}

// foreignKeyCheck fails if any row's foreign key points at nothing.
func foreignKeyCheck(ctx context.Context, tx *sql.Tx) error {
	rows, err := tx.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fk int
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return fmt.Errorf("foreign key check: %w", err)
		}
		if len(bad) < 5 {
			bad = append(bad, fmt.Sprintf("%s → %s", table, parent))
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	if len(bad) > 0 {
		return fmt.Errorf("foreign key check: rows point at nothing: %s", strings.Join(bad, ", "))
	}
	return nil
}

// querier is what a txn runs statements on: the write transaction or the reader pool.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// txn implements app.Tx; each area is a thin view over the same querier. reads is the
// store of a Read (nil in a write or a unit), whose reader pool a long statement may take
// a second connection from.
type txn struct {
	q     querier
	reads *Store
	texts *summaryTexts // the store's, nil in tests that make a txn of their own
	// projects are the store's kept projects for member summaries, nil in a write (its
	// own snapshot may hold projects no other read sees yet) and in tests' own txns.
	projects *projectCache
	// lone: each statement is its own snapshot (ReadStatement), so only what one statement
	// answers whole may be read (reports.Summary).
	lone bool
}

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
func (t *txn) Invitations() app.Invitations        { return invitations{t.q} }
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
