package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/stinthq/stint/store/postgres"
)

// TestDBErrors: what serve and db setup say about a DSN they cannot use, each on one line,
// with the usage exit code for what the user typed wrong and no password in the message.
func TestDBErrors(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stderr string // the start of the line
		not    string // must not appear
	}{
		{"serve on a path", []string{"serve", "--db", "/var/lib/stint/stint.db"}, nil, 2,
			"stint: --db: want a postgres:// URL or host=… dbname=… settings", ""},
		{"serve on a path from the environment", []string{"serve"}, map[string]string{"STINT_DB": "mysql://x"}, 2,
			"stint: $STINT_DB: scheme \"mysql\": want postgres://", ""},
		{"serve on nothing listening", []string{"serve", "--db", "postgres://stint_app:s3cret@127.0.0.1:1/stint"}, nil, 1,
			"stint: open PostgreSQL database postgres://stint_app:xxxxx@127.0.0.1:1/stint: ", "s3cret"},
		{"setup without a DSN", []string{"db", "setup"}, nil, 2, "stint: db setup: --db: give a superuser or database-owner DSN", ""},
		{"setup on a path", []string{"db", "setup", "--db", "stint.db"}, nil, 2, "stint: db setup: --db: want a postgres:// DSN", ""},
		{"setup on nothing listening", []string{"db", "setup", "--db", "postgres://postgres:s3cret@127.0.0.1:1/stint"}, nil, 1,
			"stint: set up PostgreSQL database postgres://postgres:xxxxx@127.0.0.1:1/stint: ", "s3cret"},
		{"db without subcommand", []string{"db"}, nil, 2, "stint: db: name a subcommand: setup", ""},
		{"db unknown subcommand", []string{"db", "migrate"}, nil, 2, "stint: db: unknown subcommand \"migrate\"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				h.env[k] = v
				defer delete(h.env, k)
			}
			r := h.run(tc.args...)
			if r.code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", r.code, tc.code, r.stderr)
			}
			if strings.Count(r.stderr, "\n") != 1 || !strings.HasPrefix(r.stderr, tc.stderr) {
				t.Errorf("stderr %q, want one line starting with %q", r.stderr, tc.stderr)
			}
			if tc.not != "" && strings.Contains(r.stderr, tc.not) {
				t.Errorf("stderr %q shows %q", r.stderr, tc.not)
			}
			if tc.code == 1 && tc.not != "" && !strings.Contains(r.stderr, "is PostgreSQL running") {
				t.Errorf("stderr %q gives no hint for an unreachable database", r.stderr)
			}
		})
	}
}

// TestDBSetup: db setup prints a DSN for the application role alone on stdout (and as JSON),
// a second run is harmless, and the store opens with that DSN, not with the admin's.
func TestDBSetup(t *testing.T) {
	db := newPGTestDB(t)
	h := newHarness(t)
	out := h.ok("db", "setup", "--db", db.admin, "--app-role", db.app, "--owner-role", db.owner)
	dsn := strings.TrimSpace(out)
	if strings.Count(out, "\n") != 1 || !strings.HasPrefix(dsn, "postgres://"+db.app+":") {
		t.Fatalf("stdout %q, want the application DSN alone on its line", out)
	}
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open with the printed DSN: %v", err)
	}
	_ = st.Close()
	// Again: harmless. The role existed, so it keeps its password, which the DSN cannot
	// carry; setup says so.
	r := h.run("db", "setup", "--db", db.admin, "--app-role", db.app, "--owner-role", db.owner)
	if u, err := url.Parse(strings.TrimSpace(r.stdout)); r.code != 0 || err != nil || u.User.Username() != db.app {
		t.Fatalf("second setup: exit %d: %s %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "keeps its password") {
		t.Errorf("second setup: stderr %q does not say the DSN lacks the password", r.stderr)
	}
	var again struct {
		DSN          string `json:"dsn"`
		WithPassword *bool  `json:"with_password"`
	}
	h.okJSON(&again, "db", "setup", "--db", db.admin, "--app-role", db.app, "--owner-role", db.owner, "--json")
	if u, err := url.Parse(again.DSN); err != nil || u.User.Username() != db.app || again.WithPassword == nil || *again.WithPassword {
		t.Fatalf("third setup, JSON: %+v", again)
	}
	r = h.run("serve", "--db", db.admin)
	if r.code != 1 || !strings.Contains(r.stderr, "refusing to serve as database role") || !strings.Contains(r.stderr, "stint db setup") {
		t.Fatalf("serve as the superuser: exit %d, %s", r.code, r.stderr)
	}
}

// pgTestDB is a throwaway database on the test cluster, with role names of its own (roles
// belong to the whole cluster, which other tests share).
type pgTestDB struct {
	name, admin, app, owner string
}

// newPGTestDB creates a database with a random name on STINT_TEST_POSTGRES's cluster and drops
// it and its roles when the test ends. Without the variable the test skips, unless CI is set.
func newPGTestDB(t *testing.T) pgTestDB {
	t.Helper()
	return newPGTestDBOn(t, testPostgres(t))
}

// testPostgres is the test cluster's superuser DSN.
func testPostgres(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("STINT_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("STINT_TEST_POSTGRES is not set under CI: run the tests through ./.ci/test-env")
		}
		t.Skip("STINT_TEST_POSTGRES is not set: run through ./.ci/test-env for the PostgreSQL tests")
	}
	return dsn
}

func newPGTestDBOn(t *testing.T, clusterDSN string) pgTestDB {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := "stint_cmd_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, clusterDSN)
	if err != nil {
		t.Fatalf("connect to the test cluster: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	u, err := url.Parse(clusterDSN)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	db := pgTestDB{name: name, admin: u.String(), app: name + "_app", owner: name + "_owner"}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, clusterDSN)
		if err != nil {
			t.Logf("drop database %s: %v", name, err) // a cluster the test stopped for good
			return
		}
		defer conn.Close(ctx)
		for _, q := range []string{`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`,
			`DROP ROLE IF EXISTS ` + db.app, `DROP ROLE IF EXISTS ` + db.owner} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	return db
}

// setupDB runs the real `stint db setup` on db and returns the DSN it prints.
func setupDB(t *testing.T, bin string, db pgTestDB) string {
	t.Helper()
	out, err := exec.Command(bin, "db", "setup", "--db", db.admin, "--app-role", db.app, "--owner-role", db.owner, "--json").Output()
	if err != nil {
		t.Fatalf("stint db setup: %v\n%s", err, out)
	}
	var v struct {
		DSN string `json:"dsn"`
	}
	if err := json.Unmarshal(out, &v); err != nil || v.DSN == "" {
		t.Fatalf("stint db setup printed %s", out)
	}
	return v.DSN
}
