package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stinthq/stint/store/sqlite"
)

// "stint restore FILE" puts a backup in place as the database of an empty data directory. It
// never replaces data: a directory that holds anything is refused. The file is checked before
// it goes in (an SQLite database, intact, with Stint's migrations and none newer than this
// build knows), then copied beside its final name, moved into place, opened and migrated, so
// a backup from an older version comes out upgraded.

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// restore runs "stint restore FILE".
func (c *cli) restore(ctx context.Context, args []string) error {
	fset := newFlagSet("restore")
	asJSON := fset.Bool("json", c.json, "print JSON")
	dsn := fset.String("db", c.getenv("STINT_DB", ""), "the store (a postgres:// DSN)")
	pos, err := c.parseFlags(fset, args)
	if err != nil {
		return err
	}
	if err := c.checkSQLiteStore("restore", *dsn); err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("restore: name the backup to restore: stint restore FILE --data EMPTY-DIR (see 'stint restore -h')")
	}
	src, err := filepath.Abs(pos[0])
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	dir, err := c.dataDirPath()
	if err != nil {
		return err
	}
	if err := checkEmptyDir(dir); err != nil {
		return err
	}
	if err := checkBackupFile(src); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("restore: create data directory: %w", err)
	}

	start := time.Now()
	dst := filepath.Join(dir, dbFileName)
	if err := placeBackup(ctx, src, dst, c.progress("Restoring")); err != nil {
		return err
	}
	// Opening migrates an older backup to this build's schema.
	st, err := sqlite.Open(ctx, dst)
	if err == nil {
		err = st.Close()
	}
	if err != nil {
		removeDatabaseFiles(dst)
		return fmt.Errorf("restore: open the restored database (the data directory is left empty): %w", err)
	}
	rep, err := describeDatabase(ctx, dst)
	if err != nil {
		return fmt.Errorf("restored into %s, but reading it back failed: %w", dir, err)
	}
	rep.Source, rep.Seconds = src, time.Since(start).Seconds()
	if *asJSON {
		return c.printJSON(rep)
	}
	fmt.Fprintf(c.stdout, "Restored %s into %s (%s, schema %d, %.1fs).\n%s\n",
		terminalSafe(src), terminalSafe(dir), formatBytes(rep.Bytes), rep.Schema, rep.Seconds, rep.Counts)
	fmt.Fprintln(c.stdout, "The local API token is not part of a backup: 'stint api-token' makes a new one.")
	return nil
}

// checkEmptyDir refuses a data directory that holds anything: a restore never replaces data.
func checkEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if len(entries) == 0 {
		return nil
	}
	names := make([]string, 0, 3)
	for _, e := range entries[:min(3, len(entries))] {
		names = append(names, e.Name())
	}
	more := ""
	if len(entries) > 3 {
		more = fmt.Sprintf(" and %d more", len(entries)-3)
	}
	return &existsError{msg: fmt.Sprintf("restore: the data directory %s is not empty (it holds %s%s). "+
		"Restore into a new directory with --data NEW-DIR, or stop every stint using this one and move it aside first",
		dir, strings.Join(names, ", "), more)}
}

// checkBackupFile checks, before anything is copied, that path is a file that starts like an
// SQLite database and is not a live database whose last writes still sit in a -wal beside it.
func checkBackupFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return usagef("restore: %s is not a file; name a file made by 'stint backup'", path)
	}
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteHeader) {
		return fmt.Errorf("restore: %s is not a Stint backup: it is not an SQLite database. Name a file made by 'stint backup'", path)
	}
	if wal, err := os.Stat(path + "-wal"); err == nil && wal.Size() > 0 {
		return fmt.Errorf("restore: %s has a write-ahead log beside it (%s): it is a database in use, and the copy would miss "+
			"its latest writes. Make a backup of it with 'stint backup' and restore that", path, filepath.Base(path)+"-wal")
	}
	return nil
}

// placeBackup copies src beside dst, checks the copy, and moves it to dst. On failure nothing
// is left behind.
func placeBackup(ctx context.Context, src, dst string, progress func(done, total int64)) (err error) {
	tmp, err := newTempFile(dst)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer func() {
		if err != nil {
			removeDatabaseFiles(tmp)
		}
	}()
	if err := copyFile(src, tmp, progress); err != nil {
		return fmt.Errorf("restore: copy %s: %w", src, err)
	}
	if err := checkStintDatabase(ctx, tmp, src); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return syncDir(filepath.Dir(dst))
}

// copyFile copies src's bytes into the existing file dst and syncs it.
func copyFile(src, dst string, progress func(done, total int64)) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	stop := watchSize(dst, fi.Size(), progress)
	_, err = io.Copy(out, in)
	stop()
	if err == nil {
		err = out.Sync()
	}
	return errors.Join(err, out.Close())
}

// checkStintDatabase checks the copy at path of the backup named: SQLite's integrity check
// passes, and its recorded migrations are a prefix of this build's (a newer build's backup
// would lose what this one does not know).
func checkStintDatabase(ctx context.Context, path, name string) error {
	db, err := sql.Open("sqlite", readOnlyDSN(path))
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	damaged := func(detail string) error {
		return fmt.Errorf("restore: %s is damaged (SQLite integrity check: %s); restore another backup", name, detail)
	}
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check(5)`)
	if err != nil {
		return damaged(err.Error())
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return damaged(err.Error())
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	err = errors.Join(rows.Err(), rows.Close())
	if err != nil {
		return damaged(err.Error())
	}
	if len(problems) > 0 {
		return damaged(strings.Join(problems, "; "))
	}

	var hasTable bool
	if err := db.QueryRowContext(ctx, `SELECT count(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&hasTable); err != nil {
		return fmt.Errorf("restore: read %s: %w", name, err)
	}
	if !hasTable {
		return fmt.Errorf("restore: %s is an SQLite database but not Stint's (it has no schema_migrations table). Name a file made by 'stint backup'", name)
	}
	known, err := sqlite.Migrations()
	if err != nil {
		return err
	}
	// Migration numbers may have gaps (each is applied on its own, whatever its number), so a
	// backup is this Stint's when every migration it records is one this build has.
	knownNames, newest := map[string]bool{}, 0
	for _, n := range known {
		knownNames[n] = true
		if v, err := strconv.Atoi(strings.SplitN(n, "_", 2)[0]); err == nil {
			newest = max(newest, v)
		}
	}
	mrows, err := db.QueryContext(ctx, `SELECT version, name FROM schema_migrations ORDER BY version`)
	if err != nil {
		return fmt.Errorf("restore: read the migrations of %s: %w", name, err)
	}
	defer mrows.Close()
	i := 0
	for ; mrows.Next(); i++ {
		var v int
		var m string
		if err := mrows.Scan(&v, &m); err != nil {
			return fmt.Errorf("restore: read the migrations of %s: %w", name, err)
		}
		if v > newest {
			return fmt.Errorf("restore: %s was made by a newer Stint (schema %d; this build knows up to %d). "+
				"Restore it with that version or a later one", name, v, newest)
		}
		if !knownNames[m] {
			return fmt.Errorf("restore: %s records migration %s, which this build does not have: it was made by another "+
				"version of Stint (restore it with that one or a later one), or it is not a backup of Stint's data", name, m)
		}
	}
	if err := mrows.Err(); err != nil {
		return fmt.Errorf("restore: read the migrations of %s: %w", name, err)
	}
	if i == 0 {
		return fmt.Errorf("restore: %s has no migrations recorded: it is not a Stint backup", name)
	}
	return nil
}

const usageRestore = `Usage: stint restore FILE [--json] [--data EMPTY-DIR]

Puts the backup FILE in place as the database of a data directory that is empty or does not
exist yet; it refuses a directory that holds anything, so it never replaces data. It checks
FILE first (an SQLite database that passes its integrity check, with Stint's migrations and
none newer than this build knows), copies it in (mode 0600), opens it, upgrading a backup
made by an older version, and prints what it holds.

The local API token file is not part of a backup: 'stint api-token' makes a new one.

Flags:
  --json        print the restored database, its size, schema version and counts as JSON
  --data DIR    data directory to restore into ($STINT_DATA; default: the user's data
                directory)
  --db DSN      the store ($STINT_DB); with a postgres:// DSN this command explains how to
                use pg_restore instead, and exits with status 3

Exit status: 0 done, 1 failed, 2 usage error, 3 not for this store (PostgreSQL).

Example:
  stint restore ~/backups/stint-2026-11-27.db --data ~/.local/share/stint-restored
`
