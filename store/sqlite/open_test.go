package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stinthq/stint/store/sqlite"
)

// TestConcurrentFirstOpen opens one fresh file from many stores at once, as several
// processes starting on a new data dir would: none may fail with "database is locked".
// Separate *Store values take SQLite's file locks like separate processes.
func TestConcurrentFirstOpen(t *testing.T) {
	const trials, openers = 40, 8
	for trial := range trials {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("t%d", trial), "stint.db")
		var wg sync.WaitGroup
		errs := make(chan error, openers)
		for range openers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				st, err := sqlite.Open(context.Background(), path)
				if err != nil {
					errs <- err
					return
				}
				if err := st.Ready(context.Background()); err != nil {
					errs <- err
				}
				st.Close()
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("trial %d: %v", trial, err)
		}
	}
}

// TestConcurrentFirstOpenProcesses is TestConcurrentFirstOpen with real processes: the test
// binary runs itself as each opener.
func TestConcurrentFirstOpenProcesses(t *testing.T) {
	if path := os.Getenv("STINT_TEST_OPEN"); path != "" {
		st, err := sqlite.Open(context.Background(), path)
		if err == nil {
			err = st.Ready(context.Background())
			st.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "open:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	const trials, openers = 8, 6
	for trial := range trials {
		path := filepath.Join(t.TempDir(), fmt.Sprintf("t%d", trial), "stint.db")
		cmds := make([]*exec.Cmd, openers)
		outs := make([]*bytes.Buffer, openers)
		for i := range cmds {
			cmds[i] = exec.Command(os.Args[0], "-test.run=^TestConcurrentFirstOpenProcesses$")
			cmds[i].Env = append(os.Environ(), "STINT_TEST_OPEN="+path)
			outs[i] = &bytes.Buffer{}
			cmds[i].Stdout, cmds[i].Stderr = outs[i], outs[i]
			if err := cmds[i].Start(); err != nil {
				t.Fatal(err)
			}
		}
		for i, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Errorf("trial %d process %d: %v: %s", trial, i, err, outs[i])
			}
		}
	}
}

// TestPragmas checks what every connection of both pools is set to.
func TestPragmas(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	for pool, db := range map[string]*sql.DB{"writer": sqlite.RawForTest(st), "reader": sqlite.ReaderForTest(st)} {
		for pragma, want := range map[string]string{"temp_store": "2", "journal_mode": "wal", "foreign_keys": "1", "synchronous": "2"} {
			var got string
			if err := db.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("%s %s: %v", pool, pragma, err)
			}
			if got != want {
				t.Errorf("%s: PRAGMA %s = %s, want %s", pool, pragma, got, want)
			}
		}
	}
}

// TestModesFixedAtOpen tightens a data dir and database files that an older build or a
// restore left readable by others: 0700 and 0600 at every open, not only on creation.
func TestModesFixedAtOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "stint.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	files := []string{path, path + "-wal", path + "-shm"}
	for _, p := range files {
		if _, err := os.Stat(p); os.IsNotExist(err) {
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	st, err = sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	want := map[string]os.FileMode{dir: 0o700 | os.ModeDir}
	for _, p := range files {
		want[p] = 0o600
	}
	for p, mode := range want {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != mode {
			t.Errorf("%s: mode %v, want %v", filepath.Base(p), fi.Mode(), mode)
		}
	}
}

// TestSharedDirKeepsItsMode: a database opened in a directory that holds other files, or in
// a shared directory with the sticky bit (/tmp), leaves that directory's mode alone; only
// the database files are tightened. Tightening /tmp to 0700 locks every other user and
// service out of it.
func TestSharedDirKeepsItsMode(t *testing.T) {
	for name, tc := range map[string]struct {
		mode  os.FileMode
		other string
	}{
		"other files":       {mode: 0o755, other: "notes.txt"},
		"sticky, like /tmp": {mode: 0o777 | os.ModeSticky},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "shared")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if tc.other != "" {
				if err := os.WriteFile(filepath.Join(dir, tc.other), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(dir, tc.mode); err != nil {
				t.Fatal(err)
			}
			want, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "stint.db")
			st, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if fi, err := os.Stat(dir); err != nil || fi.Mode() != want.Mode() {
				t.Errorf("directory mode %v after open, want %v kept", fi.Mode(), want.Mode())
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("database file: %v, mode %v; want 0600", err, fi.Mode().Perm())
			}
		})
	}
}

// TestOpenWith: the desktop's options size the pools and each connection's page cache, and
// close connections left idle (the next read opens one again); the zero options keep the
// server's pools, whose connections stay open.
func TestOpenWith(t *testing.T) {
	for _, c := range []struct {
		name        string
		opts        sqlite.Options
		wantReaders int
		wantCache   int // PRAGMA cache_size: negative is KiB
		wantClosed  bool
	}{
		{name: "server", wantReaders: max(4, 2*runtime.GOMAXPROCS(0)), wantCache: -2000},
		{name: "desktop", opts: sqlite.Options{Readers: 1, IdleClose: 20 * time.Millisecond, CacheKiB: 256},
			wantReaders: 1, wantCache: -256, wantClosed: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := sqlite.OpenWith(ctx, filepath.Join(t.TempDir(), "stint.db"), c.opts)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if n := sqlite.ReaderForTest(st).Stats().MaxOpenConnections; n != c.wantReaders {
				t.Errorf("readers: %d, want %d", n, c.wantReaders)
			}
			for pool, db := range map[string]*sql.DB{"writer": sqlite.RawForTest(st), "reader": sqlite.ReaderForTest(st)} {
				var cache int
				if err := db.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache); err != nil {
					t.Fatal(err)
				}
				if cache != c.wantCache {
					t.Errorf("%s: cache_size %d, want %d", pool, cache, c.wantCache)
				}
			}
			if err := st.Ready(ctx); err != nil { // a read through the store
				t.Fatal(err)
			}
			// database/sql's cleaner runs at most once a second; give it a few rounds.
			for pool, db := range map[string]*sql.DB{"writer": sqlite.RawForTest(st), "reader": sqlite.ReaderForTest(st)} {
				open := db.Stats().OpenConnections
				for deadline := time.Now().Add(5 * time.Second); open > 0 && c.wantClosed && time.Now().Before(deadline); {
					time.Sleep(50 * time.Millisecond)
					open = db.Stats().OpenConnections
				}
				if closed := open == 0; closed != c.wantClosed {
					t.Errorf("%s: %d connections open after idling, want closed: %v", pool, open, c.wantClosed)
				}
			}
			if err := st.Ready(ctx); err != nil { // and the next read opens a connection again
				t.Fatalf("read after the idle connections closed: %v", err)
			}
		})
	}
}
