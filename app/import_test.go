package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestImportOutbox: an import's entries go into the outbox only where a push reads it, on a
// device connected to a team server; elsewhere (a team server, a local workspace not
// connected yet) each entry has its audit row but no change-log row, and the tenant's
// change counter still moves so that front ends see the import. The rows an import
// creates besides entries (here a project) keep their change-log rows either way.
func TestImportOutbox(t *testing.T) {
	for _, tc := range []struct {
		name      string
		connected bool
	}{
		{"not connected", false},
		{"connected to a team server", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			owner, _ := e.signup()
			if tc.connected {
				// What connecting a device records (app.ConnectWorkspace).
				if err := e.st.Write(e.ctx, func(tx app.Tx) error {
					return tx.Device().Put(e.ctx, "sync.url", "https://team.example.com")
				}); err != nil {
					t.Fatal(err)
				}
			}
			var rows []app.ImportRow
			start := time.Date(2026, 10, 5, 8, 0, 0, 0, time.UTC)
			for i := range 300 {
				rows = append(rows, app.ImportRow{Line: i + 2, Project: "Migration", Description: fmt.Sprintf("row %d", i),
					Start: start.Add(time.Duration(i) * time.Hour), End: start.Add(time.Duration(i)*time.Hour + 30*time.Minute)})
			}
			before, err := e.svc.LatestChange(e.ctx, owner, 0)
			if err != nil {
				t.Fatal(err)
			}
			plan, err := e.svc.Import(e.ctx, owner, app.ImportRequest{Format: "test", Rows: rows, UserID: owner.UserID, BatchSize: 128})
			if err != nil || plan.Entries != len(rows) {
				t.Fatalf("import: %+v, %v", plan, err)
			}
			after, err := e.svc.LatestChange(e.ctx, owner, before)
			if err != nil || after < before+int64(len(rows)) {
				t.Errorf("the change counter moved from %d to %d (%v), want at least %d further", before, after, err, len(rows))
			}
			var entries, projects, audited int
			if err := e.st.Read(e.ctx, func(tx app.Tx) error {
				sc := app.Scope{TenantID: owner.TenantID}
				for seq := int64(0); ; {
					cs, err := tx.Changes().After(e.ctx, sc, seq, 500)
					if err != nil {
						return err
					}
					for _, c := range cs {
						switch c.Entity {
						case app.EntityTimeEntry:
							entries++
						case app.EntityProject:
							projects++
						}
					}
					if len(cs) < 500 {
						break
					}
					seq = cs[len(cs)-1].Seq
				}
				for p := (app.PageRequest{Limit: app.MaxPageLimit}); ; {
					as, err := tx.Audit().List(e.ctx, owner.Scope(), p)
					if err != nil {
						return err
					}
					for _, a := range as {
						if a.Action == "time_entry.import" {
							audited++
						}
					}
					if len(as) < p.Limit {
						break
					}
					p.After = &app.Cursor{ID: as[len(as)-1].ID}
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			want := 0
			if tc.connected {
				want = len(rows)
			}
			if entries != want || projects != 1 || audited != len(rows) {
				t.Errorf("outbox: %d entries and %d projects, audit: %d imports; want %d, 1 and %d", entries, projects, audited, want, len(rows))
			}
		})
	}
}

// TestImportLongFileProblems: a file long enough for its rows to be placed and checked in
// two halves side by side reports each problem on its own line, in both halves, and plans
// every other row, as a short file does.
func TestImportLongFileProblems(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	const n = 9000
	start := time.Date(2025, 10, 6, 8, 0, 0, 0, time.UTC)
	var rows []app.ImportRow
	for i := range n {
		r := app.ImportRow{Line: i + 2, Description: fmt.Sprintf("row %d", i),
			Start: start.Add(time.Duration(i) * time.Hour), End: start.Add(time.Duration(i)*time.Hour + 30*time.Minute)}
		switch i {
		case 3, 6000:
			r.End = r.Start.Add(-time.Minute) // ends before it starts
		case 4499, 4500:
			r.Description = "bell \a"
		}
		rows = append(rows, r)
	}
	plan, err := e.svc.Import(e.ctx, owner, app.ImportRequest{Format: "test", Rows: rows, UserID: owner.UserID, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range plan.Problems {
		got = append(got, fmt.Sprintf("%d %s", p.Line, p.Message))
	}
	want := []string{"5 invalid input: stopped_at: must be after started_at", "4501 invalid input: description: must be text without control characters other than tabs and line breaks",
		"4502 invalid input: description: must be text without control characters other than tabs and line breaks", "6002 invalid input: stopped_at: must be after started_at"}
	if plan.Entries != n-4 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%d entries, problems:\n%s\nwant %d entries, problems:\n%s", plan.Entries, strings.Join(got, "\n"), n-4, strings.Join(want, "\n"))
	}
}
