package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stinthq/stint/app"
)

// TestEntryQueriesUseIndexes runs every read of time entries the server serves (the list
// pages, the overlap list, the reports, invoice candidates and the sync pull) against an
// organization of 20,000 entries and checks, in the plans PostgreSQL actually ran
// (auto_explain, sent back to the connection as log messages), that none reads
// time_entries by a sequential scan or sorts the organization's entries for a page: each
// is served by an index. STINT_PLANS=1 logs the plans.
func TestEntryQueriesUseIndexes(t *testing.T) {
	dsn := os.Getenv("STINT_TEST_POSTGRES")
	if dsn == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("STINT_TEST_POSTGRES is not set under CI: run the tests through ./.ci/test-env")
		}
		t.Skip("STINT_TEST_POSTGRES is not set: run through ./.ci/test-env for the PostgreSQL tests")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "stint_test_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close(ctx) }) // after the drop below: cleanups run last first
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	opts := SetupOptions{Owner: name + "_owner", App: name + "_app"}
	t.Cleanup(func() {
		for _, q := range []string{`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`,
			`DROP ROLE IF EXISTS ` + opts.App, `DROP ROLE IF EXISTS ` + opts.Owner} {
			if _, err := admin.Exec(ctx, q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	u, _ := url.Parse(dsn)
	u.Path = "/" + name
	appDSN, err := Setup(ctx, u.String(), opts)
	if err != nil {
		t.Fatal(err)
	}
	db, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)

	// The seed: two organizations of one tenant, ten users, 20,000 half-hour entries in the
	// first (a few running or long, a few deleted), 2,000 in the second.
	tenant, org, org2 := app.NewID(), app.NewID(), app.NewID()
	users := make([]string, 10)
	for i := range users {
		users[i] = app.NewID().String()
	}
	seed := []string{`SET search_path = stint`,
		`INSERT INTO tenants (id, name, version, hlc, created_at, updated_at) VALUES ($1, 't', 1, '\x00', now(), now())`,
		`INSERT INTO organizations (id, tenant_id, name, timezone, version, hlc, created_at, updated_at)
			VALUES ($2, $1, 'o', 'UTC', 1, '\x00', now(), now()), ($3, $1, 'o2', 'UTC', 1, '\x00', now(), now())`,
		`INSERT INTO users (id, tenant_id, name, timezone, version, hlc, created_at, updated_at)
			SELECT u::uuid, $1, 'u', 'UTC', 1, '\x00', now(), now() FROM unnest($2::text[]) u`,
		`INSERT INTO time_entries (id, tenant_id, organization_id, user_id, started_at, stopped_at, timezone, source,
				version, hlc, created_at, updated_at, deleted_at)
			SELECT gen_random_uuid(), $1, CASE WHEN i % 11 = 0 THEN $3::uuid ELSE $2::uuid END, ($4::text[])[1 + i % 10]::uuid,
				timestamptz '2025-01-01' + i * interval '17 minutes',
				CASE WHEN i = 22000 THEN NULL WHEN i % 997 = 0 THEN timestamptz '2025-01-01' + i * interval '17 minutes' + interval '30 hours'
					ELSE timestamptz '2025-01-01' + i * interval '17 minutes' + interval '30 minutes' END,
				'UTC', 'manual', 1, decode(repeat('00', 24), 'hex'), now(), now(), CASE WHEN i % 101 = 0 THEN now() END
			FROM generate_series(1, 22000) i`,
		`ANALYZE`}
	for i, q := range seed {
		args := [][]any{nil, {tenant}, {tenant, org, org2}, {tenant, users}, {tenant, org, org2, users}, nil}[i]
		if _, err := db.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	// Every statement's plan comes back to the connection as a LOG message.
	for _, q := range []string{`ALTER ROLE ` + opts.App + ` SET session_preload_libraries = 'auto_explain'`,
		`ALTER ROLE ` + opts.App + ` SET auto_explain.log_min_duration = 0`,
		`ALTER ROLE ` + opts.App + ` SET client_min_messages = 'log'`} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	var plans []string
	st, err := open(ctx, appDSN, func(c *pgxpool.Config) {
		c.ConnConfig.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
			if strings.HasPrefix(n.Message, "duration:") {
				mu.Lock()
				plans = append(plans, n.Message)
				mu.Unlock()
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	sc := app.Scope{TenantID: tenant, OrgID: org}
	user, err := uuid.Parse(users[3])
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 7)
	rf := app.ReportFilter{From: from, To: to, Now: to}
	urf := rf
	urf.UserID = &user
	days := make([]app.Period, 7)
	for i := range days {
		days[i] = app.Period{Start: from.AddDate(0, 0, i), End: from.AddDate(0, 0, i+1)}
	}
	page := app.PageRequest{Limit: 50}
	for _, tc := range []struct {
		name string
		read func(tx app.Tx) error
	}{
		{"the organization's newest page", func(tx app.Tx) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page})
			return err
		}},
		{"the organization's next page", func(tx app.Tx) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: app.PageRequest{Limit: 50,
				After: &app.Cursor{Time: from, ID: app.NewID()}}})
			return err
		}},
		{"a user's newest page", func(tx app.Tx) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, UserID: &user})
			return err
		}},
		{"the organization's entries overlapping a week", func(tx app.Tx) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, From: &from, To: &to, Overlapping: true})
			return err
		}},
		{"a user's entries overlapping a week", func(tx app.Tx) error {
			_, err := tx.TimeEntries().List(ctx, sc, app.EntryFilter{Page: page, From: &from, To: &to, Overlapping: true, UserID: &user})
			return err
		}},
		{"the running entry", func(tx app.Tx) error {
			_, err := tx.TimeEntries().Running(ctx, sc, user)
			if err != nil && !errors.Is(err, app.ErrNotFound) {
				return err
			}
			return nil
		}},
		{"a summary by project per day", func(tx app.Tx) error {
			_, err := tx.Reports().Summary(ctx, sc, rf, []app.ReportDim{app.DimProject}, days)
			return err
		}},
		{"a user's summary by project per day", func(tx app.Tx) error {
			_, err := tx.Reports().Summary(ctx, sc, urf, []app.ReportDim{app.DimProject}, days)
			return err
		}},
		{"a detailed report page", func(tx app.Tx) error {
			_, err := tx.Reports().Detailed(ctx, sc, rf, page)
			return err
		}},
		{"a detailed report's next page", func(tx app.Tx) error {
			_, err := tx.Reports().Detailed(ctx, sc, rf, app.PageRequest{Limit: 50, After: &app.Cursor{Time: from.AddDate(0, 0, 3), ID: app.NewID()}})
			return err
		}},
		{"invoice candidates", func(tx app.Tx) error {
			_, err := tx.Invoices().Candidates(ctx, sc, rf, true)
			return err
		}},
		{"a sync pull", func(tx app.Tx) error {
			_, err := tx.Sync().Pull(ctx, sc, 15000, 500, app.Visibility{UserID: user,
				Orgs: []app.OrgVisibility{{OrgID: org, AllEntries: true}}})
			return err
		}},
	} {
		// Several times, so that a prepared statement's generic plan is checked too.
		for range 7 {
			if err := st.Read(ctx, tc.read); err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
	}
	// A plan comes back when its statement's portal closes, with the connection's next
	// statement: one more on every connection brings the last ones.
	for _, c := range st.pool.AcquireAllIdle(ctx) {
		if _, err := c.Exec(ctx, "SELECT 1"); err != nil {
			t.Fatal(err)
		}
		c.Release()
	}
	mu.Lock()
	defer mu.Unlock()
	checkPlans(t, plans)
}

// checkPlans fails on a plan that reads time_entries without an index, or that sorts the
// entries it read for a page of one part (a page must come off an index in order; a
// statement of two parts, UNION ALL, may merge them by a sort).
func checkPlans(t *testing.T, plans []string) {
	t.Helper()
	n := 0
	for _, p := range plans {
		if !strings.Contains(p, "time_entries") {
			continue
		}
		n++
		if os.Getenv("STINT_PLANS") != "" {
			t.Log(p)
		}
		if strings.Contains(p, "Seq Scan on time_entries") {
			t.Errorf("time_entries read without an index:\n%s", p)
		}
		if strings.Contains(p, " LIMIT ") && !strings.Contains(p, "UNION ALL") && strings.Contains(p, "Sort Key") {
			t.Errorf("a page sorted after reading the entries:\n%s", p)
		}
	}
	if n < 12*6 {
		t.Errorf("%d plans of statements on time_entries came back, want about one per read (%d)", n, 12*7)
	}
}
