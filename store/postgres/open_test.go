package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/postgres"
)

// TestOpenRefusesPrivilegedRoles: a superuser, and the schema owner, would not be held by
// row-level security; Open refuses both and says how to get a DSN it accepts.
func TestOpenRefusesPrivilegedRoles(t *testing.T) {
	db := newDB(t)
	db.setup(t)
	ctx := context.Background()
	admin := db.adminConn(t)
	// The owner cannot log in; a copy of it that can stands for "connected as the owner".
	if _, err := admin.Exec(ctx, `ALTER ROLE `+db.opts.Owner+` LOGIN`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(context.Background(), `ALTER ROLE `+db.opts.Owner+` NOLOGIN`) })
	u, err := url.Parse(db.admin)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(db.opts.Owner)
	ownerDSN := u.String()
	// A superuser on a database not set up yet owns no table there: refused all the same.
	fresh := newDB(t)
	for _, c := range []struct{ name, dsn, why string }{
		{"superuser", db.admin, "is a superuser"},
		{"superuser, fresh database", fresh.admin, "is a superuser"},
		{"schema owner", ownerDSN, "owns Stint's tables"},
	} {
		st, err := postgres.Open(ctx, c.dsn)
		if err == nil {
			st.Close()
			t.Errorf("%s: Open accepted it", c.name)
			continue
		}
		if !strings.Contains(err.Error(), "stint db setup --db <admin DSN>") || !strings.Contains(err.Error(), c.why) {
			t.Errorf("%s: got %q, want it to say the role %s and how to set up", c.name, err, c.why)
		}
	}
	// A BYPASSRLS application role is refused too.
	appDSN := db.setup(t)
	if _, err := admin.Exec(ctx, `ALTER ROLE `+db.opts.App+` BYPASSRLS`); err != nil {
		t.Fatal(err)
	}
	if st, err := postgres.Open(ctx, appDSN); err == nil || !strings.Contains(err.Error(), "bypasses row-level security") {
		if st != nil {
			st.Close()
		}
		t.Errorf("BYPASSRLS role: got %v", err)
	}
	// Setup puts it right again.
	appDSN = db.setup(t)
	st, err := postgres.Open(ctx, appDSN)
	if err != nil {
		t.Fatalf("after setup again: %v", err)
	}
	st.Close()
}

// TestSchemaVersions: a database whose schema is newer than the binary is refused with a
// message saying to upgrade; one that is older (not set up) says to run setup.
func TestSchemaVersions(t *testing.T) {
	db := newDB(t)
	appDSN := db.setup(t)
	ctx := context.Background()
	admin := db.adminConn(t)
	latest := postgres.LatestVersion()
	if _, err := admin.Exec(ctx, `INSERT INTO stint.schema_migrations (version, name) VALUES ($1, 'from_the_future.sql')`, latest+1); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("the database schema is version %d, this stint knows up to %d: upgrade stint", latest+1, latest)
	st, err := postgres.Open(ctx, appDSN)
	if err == nil || !strings.Contains(err.Error(), want) {
		if st != nil {
			st.Close()
		}
		t.Errorf("newer schema: got %v, want %q", err, want)
	}
	if _, err := postgres.Setup(ctx, db.admin, db.opts); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("setup on a newer schema: got %v, want %q", err, want)
	}
	// An older schema (here: none recorded) says what to run.
	if _, err := admin.Exec(ctx, `DELETE FROM stint.schema_migrations`); err != nil {
		t.Fatal(err)
	}
	if st, err := postgres.Open(ctx, appDSN); err == nil || !strings.Contains(err.Error(), "stint db setup") {
		if st != nil {
			st.Close()
		}
		t.Errorf("older schema: got %v", err)
	}
}

// TestConcurrentSetupAndOpen: two setups of one fresh database at once both succeed and
// migrate it once (the advisory lock), then two Opens at once both succeed.
func TestConcurrentSetupAndOpen(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	dsns := make([]string, 2)
	errs := make([]error, 2)
	opts := db.opts
	opts.Password = "same-for-both"
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dsns[i], errs[i] = postgres.Setup(ctx, db.admin, opts)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("setup %d: %v", i, err)
		}
	}
	admin := db.adminConn(t)
	// Numbers may skip one while the branch that brings it has not landed: each version
	// once, up to the newest.
	var n, versions, newest int
	if err := admin.QueryRow(ctx, `SELECT count(*), count(DISTINCT version), max(version) FROM stint.schema_migrations`).Scan(&n, &versions, &newest); err != nil {
		t.Fatal(err)
	}
	// Numbers may have gaps (branches land migrations out of order): each file's version
	// once, up to the newest.
	files, err := filepath.Glob("migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if n != versions || versions != len(files) || newest != postgres.LatestVersion() {
		t.Errorf("schema_migrations: %d rows for %d versions up to %d, want each of %d once up to %d", n, versions, newest, len(files), postgres.LatestVersion())
	}
	stores := make([]*postgres.Store, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = postgres.Open(ctx, dsns[i])
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if err := stores[i].Ready(ctx); err != nil {
			t.Errorf("ready %d: %v", i, err)
		}
		stores[i].Close()
	}
}

// TestEmailPerTenant: an address names one account per tenant; other tenants may have
// their own. ByEmailAnyTenant picks the tenant's account, or the oldest without one.
func TestEmailPerTenant(t *testing.T) {
	st := open(t)
	defer st.Close()
	ctx := context.Background()
	var tenants []uuid.UUID
	var ids []uuid.UUID
	for i := range 2 {
		ten := app.Tenant{ID: app.NewID(), Name: fmt.Sprint("t", i), Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
		u := app.User{ID: app.NewID(), TenantID: ten.ID, Email: "same@example.com", Name: "Ada", Timezone: "UTC", Meta: ten.Meta}
		if err := st.Write(ctx, func(tx app.Tx) error {
			return errors.Join(tx.Tenants().Insert(ctx, ten), tx.Users().Insert(ctx, app.Scope{TenantID: ten.ID}, u))
		}); err != nil {
			t.Fatalf("account %d: %v", i, err)
		}
		tenants, ids = append(tenants, ten.ID), append(ids, u.ID)
	}
	err := st.Read(ctx, func(tx app.Tx) error {
		for i, ten := range tenants {
			u, err := tx.Users().ByEmailAnyTenant(ctx, "same@example.com", ten)
			if err != nil || u.ID != ids[i] {
				t.Errorf("tenant %d: got %v %v, want %v", i, u.ID, err, ids[i])
			}
		}
		u, err := tx.Users().ByEmailAnyTenant(ctx, "same@example.com", uuid.Nil)
		if err != nil || u.ID != ids[0] {
			t.Errorf("any tenant: got %v %v, want the oldest %v", u.ID, err, ids[0])
		}
		if _, err := tx.Users().ByEmailAnyTenant(ctx, "same@example.com", app.NewID()); !errors.Is(err, app.ErrNotFound) {
			t.Errorf("unknown tenant: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestUnreachable: a database that cannot be reached is ErrUnavailable.
func TestUnreachable(t *testing.T) {
	adminDSN(t)
	_, err := postgres.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	if !errors.Is(err, app.ErrUnavailable) {
		t.Errorf("got %v, want ErrUnavailable", err)
	}
}

// TestSetupAsDatabaseOwner: Setup needs no superuser: the database's owner with CREATEROLE
// can run it, and the DSN it returns opens the store.
func TestSetupAsDatabaseOwner(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	admin := db.adminConn(t)
	owner := db.name + "_dbo"
	for _, q := range []string{`CREATE ROLE ` + owner + ` LOGIN CREATEROLE`, `ALTER DATABASE ` + db.name + ` OWNER TO ` + owner} {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		// Runs before newDB's cleanup drops the database (cleanups run last first).
		conn := adminConnTo(t, adminDSN(t))
		for _, q := range []string{`ALTER DATABASE ` + db.name + ` OWNER TO CURRENT_USER`, `DROP ROLE IF EXISTS ` + owner} {
			if _, err := conn.Exec(context.Background(), q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	u, err := url.Parse(db.admin)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(owner)
	dsn, err := postgres.Setup(ctx, u.String(), db.opts)
	if err != nil {
		t.Fatalf("setup as the database owner: %v", err)
	}
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	st.Close()
}

// TestConnectionLostIsUnavailable: a connection the server drops in the middle of a
// transaction fails that transaction with ErrUnavailable (the server answers 503 and the
// client may retry), and the store recovers by itself on the next call.
func TestConnectionLostIsUnavailable(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	st, err := postgres.Open(ctx, db.setup(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	admin := db.adminConn(t)
	kill := func() {
		t.Helper()
		if _, err := admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, db.opts.App); err != nil {
			t.Fatal(err)
		}
	}
	// A queued write (an audit row, sent with the commit) on a dropped connection fails with
	// the server's "terminating connection" error: that too is ErrUnavailable, not a 500.
	ten := app.Tenant{ID: app.NewID(), Name: "t", Meta: app.Meta{Version: 1, HLC: "000000000000001-0000000000-n"}}
	if err := st.Write(ctx, func(tx app.Tx) error { return tx.Tenants().Insert(ctx, ten) }); err != nil {
		t.Fatal(err)
	}
	err = st.Write(ctx, func(tx app.Tx) error {
		if _, err := tx.Device().Get(ctx, "k"); err != nil && !errors.Is(err, app.ErrNotFound) {
			return err
		}
		if err := tx.Audit().Append(ctx, app.Scope{TenantID: ten.ID}, app.AuditEntry{ID: app.NewID(), TenantID: ten.ID,
			Action: "tenant.update", Entity: "tenant", EntityID: ten.ID, At: time.Now()}); err != nil {
			return err
		}
		kill()
		time.Sleep(100 * time.Millisecond) // the server's notice arrives before the commit is sent
		return nil
	})
	if !errors.Is(err, app.ErrUnavailable) {
		t.Errorf("a queued write on a dropped connection: %v, want ErrUnavailable", err)
	}
	for name, run := range map[string]func(func(app.Tx) error) error{
		"read":  func(fn func(app.Tx) error) error { return st.Read(ctx, fn) },
		"write": func(fn func(app.Tx) error) error { return st.Write(ctx, fn) },
	} {
		err := run(func(tx app.Tx) error {
			kill()
			_, err := tx.Device().Get(ctx, "k")
			return err
		})
		if !errors.Is(err, app.ErrUnavailable) {
			t.Errorf("%s on a dropped connection: %v, want ErrUnavailable", name, err)
		}
		if err := run(func(tx app.Tx) error {
			_, err := tx.Device().Get(ctx, "k")
			if errors.Is(err, app.ErrNotFound) {
				return nil
			}
			return err
		}); err != nil {
			t.Errorf("%s after the connection came back: %v", name, err)
		}
	}
}
