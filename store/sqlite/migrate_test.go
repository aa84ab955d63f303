package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestMigrationChecksForeignKeys: migrations run with foreign keys off (to rebuild tables),
// so a migration that leaves a row pointing at nothing must fail as a whole instead.
func TestMigrationChecksForeignKeys(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	conn, err := st.writer.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `PRAGMA foreign_keys = ON`)
	body := `CREATE TABLE dangling (id INTEGER PRIMARY KEY, tenant_id BLOB REFERENCES tenants(id)) STRICT;
		INSERT INTO dangling (tenant_id) VALUES (x'00112233445566778899aabbccddeeff');`
	err = applyMigration(ctx, conn, 999, "0999_dangling.sql", body)
	if err == nil || !strings.Contains(err.Error(), "foreign key") {
		t.Fatalf("a migration leaving a dangling reference: %v", err)
	}
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'dangling'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the failed migration's table exists (%d, %v)", n, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = 999`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the failed migration is recorded (%d, %v)", n, err)
	}
}
