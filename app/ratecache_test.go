package app_test

import (
	"testing"
	"time"

	"github.com/stinthq/stint/app"
)

// TestReportRatesFollowOtherInstances: reports keep an organization's rates between
// requests, and a rate set through another Service sharing the store (another server
// instance on one PostgreSQL) prices the next report at once: the kept rates are used only
// while the version the report's read sees is the one they were read at.
func TestReportRatesFollowOtherInstances(t *testing.T) {
	e := newEnv(t)
	other := app.New(e.st, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "other"})
	owner, _ := e.signup()
	member := e.member(owner, app.RoleMember)
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Web", Billable: true}))
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	stop := start.Add(2 * time.Hour)
	must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, member, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop}))
	set := func(svc *app.Service, in app.RateInput) {
		t.Helper()
		in.Currency, in.EffectiveFrom = "EUR", "2026-01-01"
		must[app.Rate](t)(svc.SetRate(e.ctx, owner, in))
	}
	amount := func(who app.Actor) int64 {
		t.Helper()
		q := app.ReportQuery{From: "2026-11-16", To: "2026-11-22", Timezone: "UTC"}
		if who.UserID != owner.UserID {
			q.UserID = &member.UserID
		}
		r := must[app.Report](t)(e.svc.Report(e.ctx, who, q))
		return r.TotalAmount.Minor
	}
	set(e.svc, app.RateInput{HourlyMinor: 5000})
	if got := amount(member); got != 10000 {
		t.Fatalf("two hours at 50.00: %d", got)
	}
	steps := []struct {
		name string
		in   app.RateInput
		want int64
	}{
		{"the organization's rate changed elsewhere", app.RateInput{HourlyMinor: 6000}, 12000},
		{"a member's rate added elsewhere", app.RateInput{UserID: &member.UserID, HourlyMinor: 7000}, 14000},
		{"a project's rate added elsewhere", app.RateInput{ProjectID: &p.ID, HourlyMinor: 8000}, 16000},
	}
	for _, s := range steps {
		set(other, s.in)
		if got := amount(member); got != s.want {
			t.Errorf("%s: the member's report prices %d, want %d", s.name, got, s.want)
		}
		if got := amount(owner); got != s.want {
			t.Errorf("%s: the owner's report prices %d, want %d", s.name, got, s.want)
		}
	}
}
