package app

import (
	"testing"
	"time"

	"github.com/google/uuid"
)

// An imported entry's id is a UUIDv7 whose time is the entry's start, the rest taken from
// the row's key: the same row gives the same id, rows in time order give ids in order.
func TestTimeOrderedID(t *testing.T) {
	tenant := uuid.MustParse("01a21f5e-fb7c-740b-b22d-1177884d738d")
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	a := timeOrdered(start, importKey(tenant, "time_entry", "row a"))
	if a.Version() != 7 || a.Variant() != uuid.RFC4122 {
		t.Fatalf("%v: version %d, variant %v", a, a.Version(), a.Variant())
	}
	sec, nsec := a.Time().UnixTime()
	if got := time.Unix(sec, nsec).UTC(); !got.Equal(start) {
		t.Errorf("%v carries %v, want %v", a, got, start)
	}
	if again := timeOrdered(start, importKey(tenant, "time_entry", "row a")); again != a {
		t.Errorf("the same row: %v, then %v", a, again)
	}
	if b := timeOrdered(start, importKey(tenant, "time_entry", "row b")); b == a {
		t.Errorf("two rows, one id %v", a)
	}
	if later := timeOrdered(start.Add(time.Millisecond), importKey(tenant, "time_entry", "row 0")); later.String() <= a.String() {
		t.Errorf("a later start sorts first: %v <= %v", later, a)
	}
}
