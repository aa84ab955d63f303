package app_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

// BenchmarkReportShown measures a report with its rows' cells (ReportQuery.Shown, what the
// Reports screen, stint report and the files ask for) beside the same report without them
// (the API's), on one member's year of 3,000 entries over 10 projects:
// go test -run '^$' -bench BenchmarkReportShown ./app
func BenchmarkReportShown(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "stint.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	clock := app.NewFixedClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	svc := app.New(st, app.Options{Clock: clock, Hasher: fastHasher, NodeID: "bench"})
	s, err := svc.Signup(ctx, app.SignupInput{Email: "bench@example.com", Password: "correct horse", Name: "Bench", Organization: "Bench",
		Timezone: "Europe/Berlin"})
	if err != nil {
		b.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, s.Token, nil)
	if err != nil {
		b.Fatal(err)
	}
	var projects []app.Project
	for i := range 10 {
		p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: fmt.Sprintf("Project %d", i)})
		if err != nil {
			b.Fatal(err)
		}
		projects = append(projects, p)
	}
	start := time.Date(2025, 11, 24, 8, 0, 0, 0, time.UTC)
	for i := range 3000 {
		at := start.Add(time.Duration(i) * 175 * time.Minute)
		stop := at.Add(time.Duration(20+i%97) * time.Minute).Add(time.Duration(i%59) * time.Second)
		p := projects[i%len(projects)]
		if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: at, StoppedAt: &stop}); err != nil {
			b.Fatal(err)
		}
	}
	for _, c := range []struct {
		name     string
		from, to string
		group    []app.ReportGroup
	}{
		{"year_by_project", "2025-11-24", "2026-11-22", []app.ReportGroup{"project"}},
		{"month_by_project_and_day", "2026-10-26", "2026-11-22", []app.ReportGroup{"project", app.GroupDay}},
	} {
		for _, shown := range []bool{false, true} {
			b.Run(fmt.Sprintf("%s/shown=%v", c.name, shown), func(b *testing.B) {
				q := app.ReportQuery{From: c.from, To: c.to, Group: c.group, Shown: shown}
				for b.Loop() {
					if _, err := svc.Report(ctx, a, q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
