package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stinthq/stint/app"
)

// reportTestDB creates a set-up database with a random name on the test cluster, dropped at
// the end, and returns its superuser DSN and the application role's.
func reportTestDB(t *testing.T) (admin, appDSN string) {
	t.Helper()
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
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) }) // after the drop below: cleanups run last first
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	opts := SetupOptions{Owner: name + "_owner", App: name + "_app"}
	t.Cleanup(func() {
		for _, q := range []string{`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`,
			`DROP ROLE IF EXISTS ` + opts.App, `DROP ROLE IF EXISTS ` + opts.Owner} {
			if _, err := conn.Exec(ctx, q); err != nil {
				t.Errorf("%s: %v", q, err)
			}
		}
	})
	u, _ := url.Parse(dsn)
	u.Path = "/" + name
	appDSN, err = Setup(ctx, u.String(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return u.String(), appDSN
}

// TestReportsRunWithoutJIT checks that the store's connections have JIT compilation off.
// The planner's cost of a summary over a month of days passes jit_above_cost (and the
// optimization and inlining thresholds) by far, and compiling it took 250-350 ms of a
// statement that runs in tens (BenchmarkReportsPostgres).
func TestReportsRunWithoutJIT(t *testing.T) {
	ctx := context.Background()
	admin, appDSN := reportTestDB(t)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var clusterJIT string
	if err := conn.QueryRow(ctx, `SHOW jit`).Scan(&clusterJIT); err != nil {
		t.Fatal(err)
	}
	st, err := Open(ctx, appDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var jit string
	if err := st.pool.QueryRow(ctx, `SHOW jit`).Scan(&jit); err != nil {
		t.Fatal(err)
	}
	if jit != "off" {
		t.Errorf("jit is %q on the store's connections (the cluster's default: %q), want off", jit, clusterJIT)
	}
}

// TestSummaryReadsEachEntryFewTimes runs summaries over a month of days on 30,000 entries
// under EXPLAIN ANALYZE and bounds what their plans read: every scan node's rows, the rows
// its filters removed, times its loops, added up, must stay within a few times the entries
// the month holds, and the long entries once a day. Each entry is read for the day it started in and, as one that started
// less than 24 hours before, for the next one. A plan that rereads the month's entries once
// per day (the periods joined to a materialized list of them), or one user's whole history
// once per day (the long entries looked for in time_entries_user_started) reads tens of
// times that.
func TestSummaryReadsEachEntryFewTimes(t *testing.T) {
	ctx := context.Background()
	admin, _ := reportTestDB(t)
	db, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	tenant, org := app.NewID(), app.NewID()
	users := make([]string, 100)
	for i := range users {
		users[i] = app.NewID().String()
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`SET search_path = stint`, nil},
		{`SET jit = off`, nil},
		{`INSERT INTO tenants (id, name, version, hlc, created_at, updated_at) VALUES ($1, 't', 1, '\x00', now(), now())`, []any{tenant}},
		{`INSERT INTO organizations (id, tenant_id, name, timezone, version, hlc, created_at, updated_at)
			VALUES ($2, $1, 'o', 'UTC', 1, '\x00', now(), now())`, []any{tenant, org}},
		{`INSERT INTO users (id, tenant_id, name, timezone, version, hlc, created_at, updated_at)
			SELECT u::uuid, $1, 'u', 'UTC', 1, '\x00', now(), now() FROM unnest($2::text[]) u`, []any{tenant, users}},
		// A hundred users' entries, each user's 30 minutes a day for 300 days
		// from 2025-01-01; a few longer than a day. Among a hundred, one user's index looks
		// selective enough to the planner to read that user's history for the long entries.
		{`INSERT INTO time_entries (id, tenant_id, organization_id, user_id, started_at, stopped_at, timezone, source,
				version, hlc, created_at, updated_at)
			SELECT gen_random_uuid(), $1, $2, ($3::text[])[1 + i % 100]::uuid,
				timestamptz '2025-01-01' + (i / 100) * interval '1 day',
				timestamptz '2025-01-01' + (i / 100) * interval '1 day' + CASE WHEN i % 4999 = 0 THEN interval '30 hours' ELSE interval '30 minutes' END,
				'UTC', 'manual', 1, decode(repeat('00', 24), 'hex'), now(), now()
			FROM generate_series(0, 29999) i`, []any{tenant, org, users}},
		{`ANALYZE`, nil},
	} {
		if _, err := db.Exec(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
	sc := app.Scope{TenantID: tenant, OrgID: org}
	user, _ := uuid.Parse(users[0])
	from := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	var days []app.Period
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		days = append(days, app.Period{Start: d, End: d.AddDate(0, 0, 1)})
	}
	for _, tc := range []struct {
		name string
		user *uuid.UUID
	}{{"the organization's month", nil}, {"one user's month", &user}} {
		t.Run(tc.name, func(t *testing.T) {
			f := app.ReportFilter{From: from, To: to, Now: to, UserID: tc.user}
			var inRange int64
			if err := db.QueryRow(ctx, `SELECT count(*) FROM time_entries WHERE started_at >= $1 AND started_at < $2 AND ($3::uuid IS NULL OR user_id = $3)`,
				from, to, tc.user).Scan(&inRange); err != nil {
				t.Fatal(err)
			}
			query, args, err := summarySQL(sc, f, []app.ReportDim{app.DimProject}, days, rateExpr(f.Rates))
			if err != nil {
				t.Fatal(err)
			}
			var plan []byte
			if err := db.QueryRow(ctx, `EXPLAIN (ANALYZE, FORMAT JSON) `+rebind(query), args...).Scan(&plan); err != nil {
				t.Fatal(err)
			}
			var root []struct{ Plan planNode }
			if err := json.Unmarshal(plan, &root); err != nil || len(root) != 1 {
				t.Fatalf("plan: %v: %s", err, plan)
			}
			read := root[0].Plan.scanned()
			// Each day also looks at the organization's few long entries.
			var long int64
			if err := db.QueryRow(ctx, `SELECT count(*) FROM time_entries e WHERE `+longEntryCond).Scan(&long); err != nil {
				t.Fatal(err)
			}
			if limit := 4*inRange + 2*int64(len(days))*long; read > limit {
				t.Errorf("the plan read %d rows for a month of %d entries (%d long ones in all), want at most %d:\n%s", read, inRange, long, limit, plan)
			}
		})
	}
}

// planNode is a node of EXPLAIN (ANALYZE, FORMAT JSON)'s plan.
type planNode struct {
	NodeType      string     `json:"Node Type"`
	Rows          float64    `json:"Actual Rows"`
	Loops         float64    `json:"Actual Loops"`
	FilterRemoved float64    `json:"Rows Removed by Filter"`
	JoinRemoved   float64    `json:"Rows Removed by Join Filter"`
	Plans         []planNode `json:"Plans"`
}

// scanned adds up, over n and the nodes under it, what each scan node read: its rows and
// the rows its filters removed, times its loops.
func (n planNode) scanned() int64 {
	var total int64
	if strings.HasSuffix(n.NodeType, "Scan") && n.NodeType != "Function Scan" {
		total += int64((n.Rows + n.FilterRemoved + n.JoinRemoved) * n.Loops)
	}
	for _, c := range n.Plans {
		total += c.scanned()
	}
	return total
}
