package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
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

// readCountingStore counts the read transactions and the reads without one
// (app.StatementReader) a service asks of its store.
type readCountingStore struct {
	*sqlite.Store
	reads, statements *int
}

func (s readCountingStore) Read(ctx context.Context, fn func(app.Tx) error) error {
	*s.reads++
	return s.Store.Read(ctx, fn)
}

func (s readCountingStore) ReadStatement(ctx context.Context, fn func(app.Tx) error) error {
	*s.statements++
	return s.Store.ReadStatement(ctx, fn)
}

// TestMemberWeekReadsWithoutTransaction: with the rates kept, a member's week is one
// statement that checks their version and the projects' itself, so it runs without a read
// transaction (BEGIN and ROLLBACK spared). A report that needs one snapshot over several
// statements (the organization's, or shown cells summed apart) still reads in one, and so
// does a member's week whose kept rates changed elsewhere; the amounts are right each time.
func TestMemberWeekReadsWithoutTransaction(t *testing.T) {
	e := newEnv(t)
	var reads, statements int
	svc := app.New(readCountingStore{e.st, &reads, &statements}, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "count"})
	owner, _ := e.signup()
	member := e.member(owner, app.RoleMember)
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Web", Billable: true}))
	start := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	stop := start.Add(2 * time.Hour)
	must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, member, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop}))
	setRate := func(minor int64) {
		t.Helper()
		must[app.Rate](t)(e.svc.SetRate(e.ctx, owner, app.RateInput{HourlyMinor: minor, Currency: "EUR", EffectiveFrom: "2026-01-01"}))
	}
	week := app.ReportQuery{From: "2026-11-16", To: "2026-11-22", Timezone: "UTC"}
	cases := []struct {
		name              string
		who               app.Actor
		q                 app.ReportQuery
		changed           bool // the rate set elsewhere once svc kept it
		reads, statements int
		amount            int64
	}{
		{"a member's week", member, week, false, 0, 1, 10000},
		{"a member's week shown by day", member, app.ReportQuery{From: week.From, To: week.To, Timezone: "UTC", Group: []app.ReportGroup{"project", app.GroupDay}, Shown: true}, false, 0, 1, 10000},
		{"a member's week, rates changed elsewhere", member, week, true, 1, 1, 12000},
		{"the organization's week", owner, week, false, 1, 1, 10000},
		{"a member's weeks shown by week", member, app.ReportQuery{From: week.From, To: week.To, Timezone: "UTC", Group: []app.ReportGroup{"project", app.GroupWeek}, Shown: true}, false, 1, 0, 10000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			setRate(5000)
			must[app.Report](t)(svc.Report(e.ctx, c.who, c.q)) // keeps the rates
			if c.changed {
				setRate(6000)
			}
			reads, statements = 0, 0
			r := must[app.Report](t)(svc.Report(e.ctx, c.who, c.q))
			if reads != c.reads || statements != c.statements || r.TotalAmount.Minor != c.amount {
				t.Errorf("%d read transactions, %d reads without, amount %d; want %d, %d, %d", reads, statements, r.TotalAmount.Minor,
					c.reads, c.statements, c.amount)
			}
		})
	}
}
