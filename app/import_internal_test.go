package app

import (
	"strings"
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

// importKey is uuid.NewSHA1 over the kind and the parts joined by zero bytes: ids an
// earlier version derived stay the ids of the same rows, short parts or long.
func TestImportKeyIsNewSHA1(t *testing.T) {
	tenant := uuid.MustParse("01a21f5e-fb7c-740b-b22d-1177884d738d")
	long := strings.Repeat("Überstunden ", 40)
	for _, parts := range [][]string{{}, {""}, {"a", "", "b"}, {"org", "ada@example.com"}, {long, "x"}, {"\x00", "ü"}} {
		got := importKey(tenant, "time_entry", parts...)
		want := uuid.NewSHA1(tenant, []byte("time_entry"+strings.Join(append([]string{""}, parts...), "\x00")))
		if len(parts) == 0 {
			want = uuid.NewSHA1(tenant, []byte("time_entry"))
		}
		if got != want {
			t.Errorf("importKey(%q) = %v, want %v", parts, got, want)
		}
	}
}
