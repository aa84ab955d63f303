package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
	"github.com/stinthq/stint/store/storetest"
)

func open(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) app.Store { return open(t) })
}

func TestFileModeAndReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	path := filepath.Join(dir, "stint.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Ready(context.Background()); err != nil {
		t.Errorf("ready: %v", err)
	}
	st.Close()
	for p, want := range map[string]os.FileMode{path: 0o600, dir: 0o700 | os.ModeDir} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), want)
		}
	}
	// Reopening applies no migration twice.
	st, err = sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer st.Close()
	if err := st.Ready(context.Background()); err != nil {
		t.Errorf("ready after reopen: %v", err)
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	svc := app.New(st, app.Options{})
	if _, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Ada", Organization: "Personal"}); err != nil {
		t.Fatal(err)
	}
	db := sqlite.RawForTest(st)
	for _, q := range []string{`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`} {
		if _, err := db.ExecContext(ctx, q); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
}
