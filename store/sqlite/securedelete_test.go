package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecureDeleteIsOn: the store zeroes deleted rows (secure_delete=FAST), so a secret
// deleted from the database does not stay readable in free space.
func TestSecureDeleteIsOn(t *testing.T) {
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var mode int
	if err := RawForTest(st).QueryRow(`PRAGMA secure_delete`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != 2 { // 0 off, 1 on, 2 fast
		t.Fatalf("secure_delete = %d, want 2 (FAST)", mode)
	}
}

// BenchmarkSecureDelete compares transactions that insert and delete rows with the store's
// pragmas, with secure_delete FAST (the store's) and OFF, in the same run:
// go test -run '^$' -bench SecureDelete ./store/sqlite
func BenchmarkSecureDelete(b *testing.B) {
	value := strings.Repeat("x", 200)
	for _, mode := range []string{"OFF", "FAST"} {
		b.Run(mode, func(b *testing.B) {
			ctx := context.Background()
			path := filepath.Join(b.TempDir(), "stint.db")
			st, err := Open(ctx, path) // creates and migrates
			if err != nil {
				b.Fatal(err)
			}
			st.Close()
			db, err := sql.Open("sqlite", DSN(path, true)+"&_pragma=secure_delete("+mode+")")
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			db.SetMaxOpenConns(1)
			b.ResetTimer()
			for i := range b.N {
				tx, err := db.BeginTx(ctx, nil)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Exec(`INSERT INTO device_settings (key, value) VALUES (?, ?)`, fmt.Sprint("k", i), value); err != nil {
					b.Fatal(err)
				}
				if _, err := tx.Exec(`DELETE FROM device_settings WHERE key = ?`, fmt.Sprint("k", i-50)); err != nil {
					b.Fatal(err)
				}
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
