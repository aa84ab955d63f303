package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// adminDSN is the test cluster's superuser DSN (.ci/test-env sets it). Without it the test
// skips, unless CI is set: CI must run these tests, never skip them.
func adminDSN(t testing.TB) string {
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

// testDB is one throwaway database with its own roles.
type testDB struct {
	name  string
	admin string // superuser DSN for this database
	opts  postgres.SetupOptions
}

// newDB creates a database with a random name (so tests and packages never collide) and
// drops it, and the roles named after it, when the test ends.
func newDB(t testing.TB) testDB {
	t.Helper()
	dsn := adminDSN(t)
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := "stint_test_" + hex.EncodeToString(b)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to the test cluster: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	db := testDB{name: name, admin: u.String(), opts: postgres.SetupOptions{Owner: name + "_owner", App: name + "_app"}}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop database: %v", err)
			return
		}
		defer conn.Close(ctx)
		for _, q := range []string{`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`,
			`DROP ROLE IF EXISTS ` + db.opts.App, `DROP ROLE IF EXISTS ` + db.opts.Owner} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	return db
}

// setup runs Setup on db and returns the application role's DSN.
func (db testDB) setup(t testing.TB) string {
	t.Helper()
	dsn, err := postgres.Setup(context.Background(), db.admin, db.opts)
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	return dsn
}

// open makes a fresh database, sets it up and opens it as the application role.
func open(t testing.TB) *postgres.Store {
	t.Helper()
	db := newDB(t)
	st, err := postgres.Open(context.Background(), db.setup(t))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return st
}

// openOutbox is open with the outbox kept (Store.KeepOutbox), as on a device: for the
// conformance suite, which holds both stores to the outbox's behaviour, and the tests of
// the outbox's own writes.
func openOutbox(t testing.TB) *postgres.Store {
	t.Helper()
	st := open(t)
	st.KeepOutbox()
	return st
}

// adminConn connects to db as the superuser, for what the tests inspect or break on purpose.
func (db testDB) adminConn(t testing.TB) *pgx.Conn { return adminConnTo(t, db.admin) }

// adminConnTo connects to dsn until the test ends.
func adminConnTo(t testing.TB, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// signUp makes a service on st and signs up email with a workspace of its own: the
// service and the new owner's actor.
func signUp(t testing.TB, st *postgres.Store, email string) (*app.Service, app.Actor) {
	t.Helper()
	ctx := context.Background()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: email, Password: "a password of length",
		Name: "Owner", Organization: "Workspace", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc, a
}
