package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestReportRoundsAsTheScreen: two days of 40:30 on one project read 1:20 in the table and
// in the file, as on the Reports screen and the timesheet (each day's whole minutes added
// up), not the 1:21 of the range's time rounded at once.
func TestReportRoundsAsTheScreen(t *testing.T) {
	h := newHarness(t)
	loc, err := time.LoadLocation(berlin)
	if err != nil {
		t.Fatal(err)
	}
	h.seed(func(ctx context.Context, svc *app.Service, a app.Actor) {
		p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Web"})
		if err != nil {
			t.Fatal(err)
		}
		for _, day := range []int{23, 24} {
			start := time.Date(2026, 11, day, 9, 0, 0, 0, loc)
			stop := start.Add(40*time.Minute + 30*time.Second)
			if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop}); err != nil {
				t.Fatal(err)
			}
		}
	})
	for _, group := range []string{"project", "week", "user"} {
		out := h.ok("report", "--from", "2026-11-23", "--to", "2026-11-29", "--group", group)
		if strings.Contains(out, "1:21") || strings.Count(out, "1:20") != 2 {
			t.Errorf("by %s: want 1:20 in the row and the total:\n%s", group, out)
		}
	}
	path := filepath.Join(t.TempDir(), "r.csv")
	h.ok("report", "--from", "2026-11-23", "--to", "2026-11-29", "--group", "project", "--format", "csv", "-o", path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, "1:21") || strings.Count(s, "1:20") != 2 || !strings.Contains(s, "4860") {
		t.Errorf("CSV: want 1:20 in the row and the total, 4860 exact seconds:\n%s", s)
	}
}
