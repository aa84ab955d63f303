package postgres

import (
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/stinthq/stint/app"
)

// TestUUIDBinding: ids are bound and scanned as their 16 bytes, alone, through a pointer
// and in arrays, and come back equal; binding one costs no allocation beyond the buffer
// (through uuid.UUID's driver.Valuer it took about 20, and a request binds dozens).
func TestUUIDBinding(t *testing.T) {
	m := pgtype.NewMap()
	registerTypes(m)
	id := app.NewID()
	var none *uuid.UUID
	for _, tc := range []struct {
		name  string
		oid   uint32
		value any
	}{
		{"uuid", pgtype.UUIDOID, id},
		{"pointer", pgtype.UUIDOID, &id},
		{"nil pointer", pgtype.UUIDOID, none},
		{"array", pgtype.UUIDArrayOID, []uuid.UUID{id, app.NewID()}},
		{"empty array", pgtype.UUIDArrayOID, []uuid.UUID{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf, err := m.Encode(tc.oid, pgtype.BinaryFormatCode, tc.value, nil)
			if err != nil {
				t.Fatal(err)
			}
			switch v := tc.value.(type) {
			case uuid.UUID, *uuid.UUID:
				var got *uuid.UUID
				if err := m.Scan(tc.oid, pgtype.BinaryFormatCode, buf, &got); err != nil {
					t.Fatal(err)
				}
				want, _ := v.(*uuid.UUID)
				if u, ok := v.(uuid.UUID); ok {
					want = &u
				}
				if (got == nil) != (want == nil) || (got != nil && *got != *want) {
					t.Errorf("scanned %v, want %v", got, want)
				}
			case []uuid.UUID:
				var got []uuid.UUID
				if err := m.Scan(tc.oid, pgtype.BinaryFormatCode, buf, &got); err != nil {
					t.Fatal(err)
				}
				if len(got) != len(v) || (len(v) > 0 && got[len(v)-1] != v[len(v)-1]) {
					t.Errorf("scanned %v, want %v", got, v)
				}
			}
		})
	}
	buf := make([]byte, 0, 64)
	if n := testing.AllocsPerRun(100, func() {
		if _, err := m.Encode(pgtype.UUIDOID, pgtype.BinaryFormatCode, id, buf[:0]); err != nil {
			t.Fatal(err)
		}
	}); n > 1 {
		t.Errorf("binding a uuid.UUID: %v allocations, want at most 1", n)
	}
	var got uuid.UUID
	src := id[:]
	if n := testing.AllocsPerRun(100, func() {
		if err := m.Scan(pgtype.UUIDOID, pgtype.BinaryFormatCode, src, &got); err != nil {
			t.Fatal(err)
		}
	}); n > 1 {
		t.Errorf("scanning a uuid.UUID: %v allocations, want at most 1", n)
	}
	if got != id {
		t.Errorf("scanned %v, want %v", got, id)
	}
}
