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

// TestMigrateAppliesEveryMissingVersion: migrations are applied by the set of versions
// recorded, not by the newest one: a database that has 1 and 100 (a migration numbered
// apart) still gets 2 when a build brings it.
func TestMigrateAppliesEveryMissingVersion(t *testing.T) {
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
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	defer admin.Exec(ctx, `DROP DATABASE `+name+` WITH (FORCE)`) //nolint:errcheck // best effort
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schemaName); err != nil {
		t.Fatal(err)
	}
	m1 := migration{1, "0001_a.sql", `CREATE TABLE stint.a (x int)`}
	m2 := migration{2, "0002_b.sql", `CREATE TABLE stint.b (x int)`}
	m100 := migration{100, "0100_c.sql", `CREATE TABLE stint.c (x int)`}
	run := func(ms ...migration) error {
		tx, err := conn.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx) //nolint:errcheck // after Commit this does nothing
		if err := migrate(ctx, tx, ms); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}
	if err := run(m1, m100); err != nil {
		t.Fatal(err)
	}
	if err := run(m1, m2, m100); err != nil {
		t.Fatalf("second build: %v", err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('stint.b') IS NOT NULL`).Scan(&ok); err != nil || !ok {
		t.Errorf("migration 2 was not applied after 100 (%v)", err)
	}
	applied, err := appliedVersions(ctx, conn)
	if err != nil || len(applied) != 3 {
		t.Errorf("applied %v (%v), want 1, 2 and 100", applied, err)
	}
	// A build that knows only up to 2 refuses the database that has 100.
	if err := run(m1, m2); err == nil {
		t.Error("an older build migrated a newer schema")
	}
}
