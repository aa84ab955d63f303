//go:build !headless

package ui

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestReportsScreenAndFileAgree: two days of 40:30 on one project read 1:20 on the screen
// and in the CSV file Export writes from it (each day's whole minutes, as stint report shows
// them too), with a total that is the sum of the rows shown.
func TestReportsScreenAndFileAgree(t *testing.T) {
	h := newHarness(t, harnessOpts{workspace: true, now: time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)})
	web := h.project("Web")
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, d := range []int{23, 24} {
		h.entryAt("work", &web, time.Date(2026, 11, d, 9, 0, 0, 0, berlin), 40*time.Minute+30*time.Second)
	}
	h.external()
	s := h.reports()
	if want := [][]string{{"Web", "1:20", "100%"}, {"Total", "1:20", ""}}; !reflect.DeepEqual(s.cells, want) {
		t.Errorf("table %q, want %q", s.cells, want)
	}
	path := filepath.Join(t.TempDir(), "r.csv")
	var werr error
	s.exportTo(exportKinds[2], path, func(err error) { werr = err })
	h.wait()
	if werr != nil {
		t.Fatal(werr)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); !strings.Contains(got, "Web,1:20,4860") || !strings.Contains(got, "Total,1:20,4860") {
		t.Errorf("CSV from the screen:\n%s", got)
	}
}
