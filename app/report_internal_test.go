package app

import (
	"strings"
	"testing"
)

// TestCompareLowerIsLoweredCompare: compareLower orders names as comparing their
// lower-case strings does, ASCII or not, prefixes and invalid UTF-8 included.
func TestCompareLowerIsLoweredCompare(t *testing.T) {
	names := []string{"", "a", "A", "ab", "aB", "Ab", "b", "B", "Web", "web", "WEBSITE", "Zeta", "zeta ", "[x]", "_x", "@x", "`x",
		"Ärger", "ärger", "Arger", "Éclair", "eclair", "ÉCLAIR", "日本", "Straße", "STRASSE", "İstanbul", "istanbul", "a\xffb", "A\xffB", "a\xff"}
	for _, a := range names {
		for _, b := range names {
			if got, want := compareLower(a, b), strings.Compare(strings.ToLower(a), strings.ToLower(b)); got != want {
				t.Errorf("compareLower(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

// TestRatesForCopiesOnlyTheMembers: a member's rates are the organization's without the
// other members' own, copied into room for them alone, and not copied at all when every
// rate can price the member's entries.
func TestRatesForCopiesOnlyTheMembers(t *testing.T) {
	me, other := NewID(), NewID()
	all := []Rate{{ID: NewID()}, {ID: NewID(), UserID: &other}, {ID: NewID(), UserID: &me}, {ID: NewID(), UserID: &other}}
	mine := ratesFor(all, &me)
	if len(mine) != 2 || mine[0].ID != all[0].ID || mine[1].ID != all[2].ID || cap(mine) != 2 {
		t.Errorf("the member's rates: %d of capacity %d, want the organization's and the member's own, capacity 2", len(mine), cap(mine))
	}
	if n := testing.AllocsPerRun(10, func() { ratesFor(all[:1], &me) }); n != 0 {
		t.Errorf("%v allocations for rates that all price the member's entries, want none", n)
	}
}
