package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestReportsRunWithoutJIT checks that the store's connections have JIT compilation off.
// The planner's cost of a summary over a month of days passes jit_above_cost (and the
// optimization and inlining thresholds) by far, and compiling it took 250-350 ms of a
// statement that runs in tens (BenchmarkReportsPostgres).
func TestReportsRunWithoutJIT(t *testing.T) {
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
	var clusterJIT string
	if err := admin.QueryRow(ctx, `SHOW jit`).Scan(&clusterJIT); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(dsn)
	u.Path = "/" + name
	appDSN, err := Setup(ctx, u.String(), opts)
	if err != nil {
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
