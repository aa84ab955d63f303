package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/stinthq/stint/app"
)

// "stint backup FILE" copies the data directory's database while a server or the desktop app
// keeps using it. The copy is made with SQLite's VACUUM INTO on a read-only connection rather
// than the online backup API (which modernc.org/sqlite offers as Conn.NewBackup):
//   - VACUUM INTO reads inside one read transaction, so the copy is one consistent snapshot
//     and, in WAL mode, writers carry on meanwhile. The backup API copies a few pages per
//     step and starts over whenever another connection writes between steps, so under a
//     steady write load a stepped backup may never finish; copying in one step would hold
//     the same snapshot but with no progress to report either.
//   - its output is compact (no free pages, no leftovers of deleted rows) and a plain
//     rollback-journal database: one self-contained file, with no -wal beside it to forget.
// Progress is reported from the copy's size against the pages in use.

// backupFileMode is the mode of a backup: it holds everything the database does.
const backupFileMode = 0o600

// exitUnsupported is the exit status of a command that does not apply to the configured
// store (backup or restore with PostgreSQL).
const exitUnsupported = 3

// unsupportedError is a command that cannot run on the configured store; it exits with
// exitUnsupported.
type unsupportedError struct{ msg string }

func (e *unsupportedError) Error() string { return e.msg }

// ExitCode is the process exit status for the error.
func (e *unsupportedError) ExitCode() int { return exitUnsupported }

// existsError is a file that is already there and must not be replaced unasked.
type existsError struct{ msg string }

func (e *existsError) Error() string        { return e.msg }
func (e *existsError) Is(target error) bool { return target == app.ErrConflict }

// dataCounts is what a database holds, counted for people checking a backup: rows not
// deleted, per kind.
type dataCounts struct {
	TimeEntries   int64 `json:"time_entries"`
	Projects      int64 `json:"projects"`
	Clients       int64 `json:"clients"`
	Tasks         int64 `json:"tasks"`
	Tags          int64 `json:"tags"`
	Users         int64 `json:"users"`
	Organizations int64 `json:"organizations"`
	Tenants       int64 `json:"tenants"`
}

// backupReport is what backup and restore print with --json.
type backupReport struct {
	Source  string     `json:"source"`
	File    string     `json:"file"`
	Bytes   int64      `json:"bytes"`
	Schema  int        `json:"schema_version"`
	Seconds float64    `json:"seconds"`
	Counts  dataCounts `json:"counts"`
}

// backup runs "stint backup FILE".
func (c *cli) backup(ctx context.Context, args []string) error {
	fset := newFlagSet("backup")
	force := fset.Bool("force", false, "replace FILE if it exists")
	asJSON := fset.Bool("json", c.json, "print JSON")
	dsn := fset.String("db", c.getenv("STINT_DB", ""), "the store (a postgres:// DSN)")
	pos, err := c.parseFlags(fset, args)
	if err != nil {
		return err
	}
	if err := c.checkSQLiteStore("backup", *dsn); err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("backup: say where to write the copy: stint backup FILE (see 'stint backup -h')")
	}
	dir, err := c.dataDirPath()
	if err != nil {
		return err
	}
	src := filepath.Join(dir, dbFileName)
	sfi, err := os.Stat(src)
	if errors.Is(err, fs.ErrNotExist) {
		return notFoundf("no Stint database in %s, nothing to back up (name the data directory with --data)", dir)
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	dst, err := filepath.Abs(pos[0])
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if fi, err := os.Stat(dst); err == nil {
		switch {
		case fi.IsDir():
			return usagef("backup: %s is a directory; name the file to write, e.g. %s", dst, filepath.Join(dst, "stint-backup.db"))
		case os.SameFile(fi, sfi):
			return usagef("backup: %s is the database itself; name another file", dst)
		case !*force:
			return &existsError{msg: fmt.Sprintf("%s already exists; pass --force to replace it, or name another file", dst)}
		}
	}
	if fi, err := os.Stat(filepath.Dir(dst)); err != nil || !fi.IsDir() {
		return notFoundf("backup: there is no directory %s to write the copy in; create it first (mkdir -p %s)", filepath.Dir(dst), filepath.Dir(dst))
	}

	start := time.Now()
	progress := c.progress("Copying")
	if err := copyDatabase(ctx, src, dst, *force, progress); err != nil {
		return err
	}
	rep, err := describeDatabase(ctx, dst)
	if err != nil {
		return fmt.Errorf("backup written to %s, but reading it back failed: %w", dst, err)
	}
	rep.Source, rep.Seconds = src, time.Since(start).Seconds()
	if *asJSON {
		return c.printJSON(rep)
	}
	fmt.Fprintf(c.stdout, "Backed up %s to %s (%s, schema %d, %.1fs).\n%s\n",
		terminalSafe(src), terminalSafe(dst), formatBytes(rep.Bytes), rep.Schema, rep.Seconds, rep.Counts)
	return nil
}

// String lists the counts for people.
func (n dataCounts) String() string {
	return fmt.Sprintf("It holds %d time entries, %d projects, %d clients, %d tasks, %d tags, %d users, %d organizations and %d workspaces.",
		n.TimeEntries, n.Projects, n.Clients, n.Tasks, n.Tags, n.Users, n.Organizations, n.Tenants)
}

// checkSQLiteStore refuses a PostgreSQL store (given by --db or $STINT_DB) and explains how
// its own tools back it up.
func (c *cli) checkSQLiteStore(cmd, dsn string) error {
	dsn = strings.TrimSpace(dsn)
	if dsn == "" {
		return nil
	}
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return usagef("%s: --db ($STINT_DB) must be a postgres:// DSN; an SQLite store is named by its data directory (--data)", cmd)
	}
	shown := u.Redacted()
	if u.User != nil { // the commands to copy carry no password: libpq takes it from PGPASSWORD or ~/.pgpass
		u.User = url.User(u.User.Username())
	}
	c.note(`%s works on SQLite data directories; the configured store is PostgreSQL (%s).
Use PostgreSQL's own tools, which copy a consistent snapshot while stint serve runs, as the
database owner (the DSN 'stint db setup' was given) rather than the application role, with
the password in PGPASSWORD or ~/.pgpass:
  back up:   pg_dump --format=custom --file=stint.dump '%s'
  restore:   createdb NEW-DATABASE, then
             pg_restore --no-owner --dbname='postgres://…/NEW-DATABASE' stint.dump
`, cmd, shown, u.String())
	return &unsupportedError{msg: fmt.Sprintf("%s: not for a PostgreSQL store: use pg_dump --format=custom and pg_restore (see 'stint %s -h')", cmd, cmd)}
}

// dataDirPath is the data directory ($STINT_DATA or --data, else the user's data directory)
// without creating it.
func (c *cli) dataDirPath() (string, error) {
	if dir := c.getenv("STINT_DATA", ""); dir != "" {
		return filepath.Abs(dir)
	}
	return userDataDir(runtime.GOOS, c.env)
}

// readOnlyDSN opens path read-only with the store's lock wait. Unlike the store's reader
// pool (query_only), it may write another file: VACUUM INTO's output.
func readOnlyDSN(path string) string {
	return (&url.URL{Scheme: "file", Opaque: path}).String() + "?mode=ro&_pragma=busy_timeout(10000)"
}

// copyDatabase writes a consistent, compact copy of the database src to dst, mode 0600: into
// a new file beside dst, synced, then moved into place (replacing dst only when replace is
// set, so two backups racing for one name cannot both win).
func copyDatabase(ctx context.Context, src, dst string, replace bool, progress func(done, total int64)) (err error) {
	db, err := sql.Open("sqlite", readOnlyDSN(src))
	if err != nil {
		return fmt.Errorf("backup: open %s: %w", src, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var total int64
	if err := db.QueryRowContext(ctx, `SELECT (p.page_count - f.freelist_count) * s.page_size
		FROM pragma_page_count() p, pragma_freelist_count() f, pragma_page_size() s`).Scan(&total); err != nil {
		return fmt.Errorf("backup: read %s: %w", src, err)
	}
	tmp, err := newTempFile(dst)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if err != nil {
			removeDatabaseFiles(tmp)
		}
	}()
	stop := watchSize(tmp, total, progress)
	_, err = db.ExecContext(ctx, `VACUUM INTO ?`, tmp)
	stop()
	if err != nil {
		return fmt.Errorf("backup: copy %s: %w", src, err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if replace {
		err = os.Rename(tmp, dst)
	} else if err = os.Link(tmp, dst); err == nil {
		err = os.Remove(tmp)
	}
	if errors.Is(err, fs.ErrExist) {
		return &existsError{msg: fmt.Sprintf("%s already exists; pass --force to replace it, or name another file", dst)}
	}
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return syncDir(filepath.Dir(dst))
}

// describeDatabase reads the size, schema version and counts of the database at path.
func describeDatabase(ctx context.Context, path string) (backupReport, error) {
	rep := backupReport{File: path}
	fi, err := os.Stat(path)
	if err != nil {
		return rep, err
	}
	rep.Bytes = fi.Size()
	db, err := sql.Open("sqlite", readOnlyDSN(path))
	if err != nil {
		return rep, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if err := db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&rep.Schema); err != nil {
		return rep, fmt.Errorf("schema version: %w", err)
	}
	rep.Counts, err = countData(ctx, db)
	return rep, err
}

// countData counts the rows of each kind, leaving out deleted ones (tombstones).
func countData(ctx context.Context, db *sql.DB) (dataCounts, error) {
	var n dataCounts
	for _, t := range []struct {
		table string
		dst   *int64
	}{
		{"time_entries", &n.TimeEntries}, {"projects", &n.Projects}, {"clients", &n.Clients}, {"tasks", &n.Tasks},
		{"tags", &n.Tags}, {"users", &n.Users}, {"organizations", &n.Organizations}, {"tenants", &n.Tenants},
	} {
		var soft bool
		if err := db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM pragma_table_info(?) WHERE name = 'deleted_at'`, t.table).Scan(&soft); err != nil {
			return n, fmt.Errorf("count %s: %w", t.table, err)
		}
		q := `SELECT count(*) FROM ` + t.table // a name from the list above
		if soft {
			q += ` WHERE deleted_at IS NULL`
		}
		if err := db.QueryRowContext(ctx, q).Scan(t.dst); err != nil {
			return n, fmt.Errorf("count %s: %w", t.table, err)
		}
	}
	return n, nil
}

// newTempFile creates an empty file, mode 0600, beside path, named after it.
func newTempFile(path string) (string, error) {
	for range 10 {
		tmp := filepath.Join(filepath.Dir(path), fmt.Sprintf(".%s.%d.tmp", filepath.Base(path), time.Now().UnixNano()))
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, backupFileMode)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return tmp, f.Close()
	}
	return "", fmt.Errorf("cannot create a temporary file beside %s", path)
}

// removeDatabaseFiles removes a database file and the journals SQLite may have left beside it.
func removeDatabaseFiles(path string) {
	for _, p := range []string{path, path + "-journal", path + "-wal", path + "-shm"} {
		_ = os.Remove(p)
	}
}

// syncFile flushes a file's contents to disk.
func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return f.Close()
}

// syncDir makes a rename or a new name in dir durable. Platforms that cannot sync a
// directory (Windows) make renames durable themselves.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// watchSize reports path's size against total to progress every so often until the
// returned function is called.
func watchSize(path string, total int64, progress func(done, total int64)) (stop func()) {
	if progress == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(progressEvery)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				if fi, err := os.Stat(path); err == nil {
					progress(fi.Size(), total)
				}
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		progress(-1, total)
	}
}

// progressEvery is how often a long copy reports its progress.
const progressEvery = 500 * time.Millisecond

// progress returns a reporter of a long copy's progress on a terminal's stderr, or nil when
// nobody watches (not a terminal, or --json). A call with done < 0 ends the line.
func (c *cli) progress(verb string) func(done, total int64) {
	if c.json || !isTerminal(c.stderr) {
		return nil
	}
	return progressLine(c.stderr, verb)
}

// progressLine rewrites one line of w with how much of total is done.
func progressLine(w io.Writer, verb string) func(done, total int64) {
	shown := false
	return func(done, total int64) {
		if done < 0 {
			if shown {
				fmt.Fprintln(w)
			}
			return
		}
		pct := 100.0
		if total > 0 {
			pct = min(100, 100*float64(done)/float64(total))
		}
		fmt.Fprintf(w, "\r%s… %3.0f%% (%s of about %s)", verb, pct, formatBytes(done), formatBytes(total))
		shown = true
	}
}

// formatBytes renders a size for people: 512 B, 1.5 KiB, 12.3 MiB.
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

const usageBackup = `Usage: stint backup FILE [--force] [--json] [--data DIR]

Writes a consistent copy of the data directory's database to FILE, also while 'stint serve'
or the desktop app is running on it and writing: the copy is one snapshot of committed data
(SQLite's VACUUM INTO on a read-only connection), compacted, in a single file readable by
you only (mode 0600). It is written under a temporary name beside FILE and renamed when
complete, so FILE is never half written. Then it prints the copy's size and what it holds.

Flags:
  --force       replace FILE if it exists (default: refuse)
  --json        print the file, its size, schema version and counts as JSON
  --data DIR    data directory ($STINT_DATA; default: the user's data directory)
  --db DSN      the store ($STINT_DB); with a postgres:// DSN this command explains how to
                use pg_dump and pg_restore instead, and exits with status 3

Exit status: 0 done, 1 failed, 2 usage error, 3 not for this store (PostgreSQL).

Example:
  stint backup ~/backups/stint-$(date +%F).db
`
