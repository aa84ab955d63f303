package sqlite

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// TestMemberSummaryFollowsProjectsChangedElsewhere pins that a member's week, whose
// project names and clients come from the projects a store keeps (keptProjects), shows a
// project renamed and moved to another client through another store on the same file (the
// CLI beside a server) at once: the name is the new one and the time is priced at the new
// client's rate, as the statement that sums reads the projects' version itself.
func TestMemberSummaryFollowsProjectsChangedElsewhere(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "stint.db")
	open := func() (*Store, *app.Service) {
		st, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st, app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	}
	st, svc := open()
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "kept@example.com", Password: "kept password", Name: "Kept", Organization: "Kept", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	first, err := svc.CreateClient(ctx, a, app.ClientInput{Name: "First"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := svc.CreateClient(ctx, a, app.ClientInput{Name: "Second"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Web", ClientID: &first.ID, Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []app.RateInput{{HourlyMinor: 5000}, {ClientID: &second.ID, HourlyMinor: 10000}} {
		in.Currency, in.EffectiveFrom = "EUR", "2026-01-01"
		if _, err := svc.SetRate(ctx, a, in); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	stop := start.Add(2 * time.Hour)
	if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop}); err != nil {
		t.Fatal(err)
	}
	week := func(want string, wantAmount int64) {
		t.Helper()
		r, err := svc.Report(ctx, a, app.ReportQuery{From: "2026-11-16", To: "2026-11-22", Timezone: "UTC", UserID: &a.UserID})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Rows) != 1 || r.Rows[0].Values[0].Name != want || r.TotalAmount.Minor != wantAmount {
			t.Fatalf("rows %+v, amount %d; want one row of %s, amount %d", r.Rows, r.TotalAmount.Minor, want, wantAmount)
		}
	}
	week("Web", 10000)
	if st.projects.get(a.Scope()) == nil {
		t.Fatal("the member's week kept no projects")
	}
	_, other := open()
	name := "Site"
	if _, err := other.UpdateProject(ctx, a, p.ID, app.ProjectPatch{Name: &name, ClientID: app.Nullable[uuid.UUID]{Set: true, Value: &second.ID}}, p.Version); err != nil {
		t.Fatal(err)
	}
	week("Site", 20000)
}
