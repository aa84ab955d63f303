package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// TestSummaryPlan pins the plan of a summary: the periods are read from their JSON once
// into a table (MATERIALIZE p, one scan of json_each) and every period seeks its entries in
// an index, a covering one for the whole organization unless tags are read. A plan that scans json_each in
// each half instead parses the JSON again for every entry it reads (twice as slow on a
// month of a large organization).
func TestSummaryPlan(t *testing.T) {
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sc := app.Scope{TenantID: app.NewID(), OrgID: app.NewID()}
	user := app.NewID()
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var days []app.Period
	for d := range 31 {
		days = append(days, app.Period{Start: from.AddDate(0, 0, d), End: from.AddDate(0, 0, d+1)})
	}
	rates := []app.Rate{{ID: app.NewID(), Hourly: app.Money{Minor: 9000, Currency: "EUR"}, EffectiveFrom: from.AddDate(-1, 0, 0), Level: app.RateOrganization}}
	client := app.NewID()
	clientRates := append(rates, app.Rate{ID: app.NewID(), ClientID: &client, Hourly: app.Money{Minor: 12000, Currency: "EUR"},
		EffectiveFrom: from.AddDate(-1, 0, 0), Level: app.RateClient})
	tests := []struct {
		name  string
		f     app.ReportFilter
		dims  []app.ReportDim
		index string
		kept  bool // the store keeps the projects (keptProjects)
	}{
		{"the organization's month by project and day", app.ReportFilter{Rates: rates}, []app.ReportDim{app.DimProject}, "COVERING INDEX time_entries_report (organization_id=? AND started_at>? AND started_at<?)", false},
		{"the organization's month priced by a client's rate", app.ReportFilter{Rates: clientRates}, []app.ReportDim{app.DimProject}, "COVERING INDEX time_entries_report (organization_id=? AND started_at>? AND started_at<?)", false},
		{"the organization's month by user and tag", app.ReportFilter{}, []app.ReportDim{app.DimUser, app.DimTag}, "INDEX time_entries_report (organization_id=? AND started_at>? AND started_at<?)", false},
		{"a user's week", app.ReportFilter{UserID: &user}, []app.ReportDim{app.DimProject}, "INDEX time_entries_user_started (organization_id=? AND user_id=? AND started_at>? AND started_at<?)", false},
		{"a user's week priced by kept rates", app.ReportFilter{UserID: &user, Rates: clientRates, RatesVersion: &app.RatesVersion{Rows: 2, Max: 2}}, []app.ReportDim{app.DimProject},
			"INDEX time_entries_user_started (organization_id=? AND user_id=? AND started_at>? AND started_at<?)", false},
		{"a user's week with the projects kept", app.ReportFilter{UserID: &user, Rates: clientRates, RatesVersion: &app.RatesVersion{Rows: 2, Max: 2}}, []app.ReportDim{app.DimProject},
			"INDEX time_entries_user_started (organization_id=? AND user_id=? AND started_at>? AND started_at<?)", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.f.From, tc.f.To, tc.f.Now = days[0].Start, days[len(days)-1].End, days[len(days)-1].End
			rec := &planRecorder{querier: cached{cache: st.rstmts}, db: st.reader}
			tx := &txn{q: rec}
			if tc.kept {
				tx.projects = &projectCache{}
			}
			if _, err := tx.Reports().Summary(ctx, sc, tc.f, tc.dims, days); err != nil {
				t.Fatal(err)
			}
			// The summary is the last statement; the whole organization's with a client's
			// rate reads the projects of the rated clients first, a member's with none kept
			// yet the organization's projects.
			want := 1
			if tc.f.UserID == nil && len(tc.f.Rates) == len(clientRates) || tc.kept {
				want = 2
			}
			if len(rec.plans) != want {
				t.Fatalf("%d queries, want %d", len(rec.plans), want)
			}
			plan := rec.plans[len(rec.plans)-1]
			// A lookup per entry (the project of each entry, for its client's rate) costs
			// a tenth of the whole organization's month.
			if tc.f.UserID == nil && strings.Contains(plan, "CORRELATED") {
				t.Errorf("the summary looks something up for every entry:\n%s", plan)
			}
			if !strings.Contains(plan, "MATERIALIZE p") || strings.Count(plan, "SCAN json_each") != 1 {
				t.Errorf("the periods are not read once into a table:\n%s", plan)
			}
			if !strings.Contains(plan, "SEARCH e USING "+tc.index) {
				t.Errorf("the entries are not sought in %s:\n%s", tc.index, plan)
			}
			// Kept rates' version is read once per statement, in rates_org.
			if tc.f.RatesVersion != nil && (!strings.Contains(plan, "MATERIALIZE rv") || !strings.Contains(plan, "SEARCH rates USING INDEX rates_org")) {
				t.Errorf("the rates' version is not read once:\n%s", plan)
			}
			// Kept projects: their version read once beside the rates', no name joined, no
			// entry's client looked up.
			if tc.kept && (!strings.Contains(plan, "SEARCH projects USING INDEX projects_org") || strings.Contains(plan, "CORRELATED") ||
				strings.Contains(plan, "n1")) {
				t.Errorf("the kept projects are read again:\n%s", plan)
			}
		})
	}
}

// argsRecorder notes the arguments of every query run through it.
type argsRecorder struct {
	querier
	args [][]any
}

func (a *argsRecorder) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	a.args = append(a.args, args)
	return a.querier.QueryContext(ctx, query, args...)
}

// splitFixture is a store with one owner's organization in a file, for the tests of
// summaries split over two readers (skipped on one core, where none is).
func splitFixture(t *testing.T) (*Store, *app.Service, app.Actor) {
	t.Helper()
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("one core: summaries are not split")
	}
	ctx := context.Background()
	st, err := Open(ctx, filepath.Join(t.TempDir(), "stint.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	sess, err := svc.Signup(ctx, app.SignupInput{Email: "split@example.com", Password: "split password", Name: "Split", Organization: "Split", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, sess.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	return st, svc, a
}

// TestSummarySplitsOverTwoReaders pins that the whole organization's summary of many
// periods in a Read runs half of them on a second reader, with the same cells as one
// statement over all of them, and that it runs them all itself when the second reader
// would see another snapshot (a write committed after the Read's began): the halves of
// one report never mix two states of the data.
func TestSummarySplitsOverTwoReaders(t *testing.T) {
	ctx := context.Background()
	st, svc, a := splitFixture(t)
	p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "P", Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var days []app.Period
	for d := range 31 {
		days = append(days, app.Period{Start: from.AddDate(0, 0, d), End: from.AddDate(0, 0, d+1)})
	}
	entry := func(start time.Time) {
		stop := start.Add(90 * time.Minute)
		if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop}); err != nil {
			t.Fatal(err)
		}
	}
	for d := range 31 {
		entry(from.AddDate(0, 0, d).Add(23 * time.Hour)) // crosses into the next day
	}
	f := app.ReportFilter{From: from, To: days[30].End, Now: days[30].End,
		Rates: []app.Rate{{ID: app.NewID(), Hourly: app.Money{Minor: 9000, Currency: "EUR"}, EffectiveFrom: from, Level: app.RateOrganization}}}
	dims := []app.ReportDim{app.DimProject}

	tx, err := st.reader.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	whole, err := (&txn{q: cached{cache: st.rstmts, tx: tx}}).Reports().Summary(ctx, a.Scope(), f, dims, days)
	if err != nil {
		t.Fatal(err)
	}
	if len(whole) != 31 {
		t.Fatalf("%d cells, want 31", len(whole))
	}
	rec := &argsRecorder{querier: cached{cache: st.rstmts, tx: tx}}
	split, err := (&txn{q: rec, reads: st}).Reports().Summary(ctx, a.Scope(), f, dims, days)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(split, whole) {
		t.Errorf("split over two readers:\n got %+v\nwant %+v", split, whole)
	}
	if half := periodsJSON(days[:15]); !slices.ContainsFunc(rec.args, func(args []any) bool { return len(args) > 0 && args[0] == half }) {
		t.Errorf("the Read's own statement did not sum the first half of the periods alone: %v", rec.args)
	}

	entry(days[30].Start.Add(time.Hour)) // committed after tx's snapshot: not in its report
	again, err := (&txn{q: cached{cache: st.rstmts, tx: tx}, reads: st}).Reports().Summary(ctx, a.Scope(), f, dims, days)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, whole) {
		t.Errorf("a write after the Read's snapshot shows in its report:\n got %+v\nwant %+v", again, whole)
	}
}

// TestSummarySplitsOnePeriodByStart pins that the whole organization's summary of one
// period in a Read sums the entries that started in its first half on its own reader and
// the rest on a second one, and that the halves' cells add up to one statement's: the same
// keys (a project in both halves, one in the second only, entries without a project), the
// same seconds and amounts (each entry rounded once), in the same order.
func TestSummarySplitsOnePeriodByStart(t *testing.T) {
	ctx := context.Background()
	st, svc, a := splitFixture(t)
	// Made first, so its id sorts first: its one entry starts exactly where the halves part,
	// so the second half's cells come before the first's in the answer.
	atMid, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "At the middle", Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	early, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Early", Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	late, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "Late", Billable: true})
	if err != nil {
		t.Fatal(err)
	}
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	billable := true
	entry := func(project *uuid.UUID, start time.Time, d time.Duration) {
		stop := start.Add(d)
		if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: project, StartedAt: start, StoppedAt: &stop, Billable: &billable}); err != nil {
			t.Fatal(err)
		}
	}
	entry(&early.ID, from.Add(-3*time.Hour), 5*time.Hour+7*time.Second) // starts before the period
	// A running one from further back: the long entries' half of the statement.
	if _, err := svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: &late.ID, StartedAt: from.Add(-30 * time.Hour), Billable: &billable}); err != nil {
		t.Fatal(err)
	}
	for d := range 31 {
		day := from.AddDate(0, 0, d)
		entry(&early.ID, day.Add(9*time.Hour), 61*time.Minute+13*time.Second)
		entry(nil, day.Add(14*time.Hour), 20*time.Minute+31*time.Second)
		if d >= 20 {
			entry(&late.ID, day.Add(23*time.Hour), 97*time.Minute+3*time.Second) // the last one ends after the period
		}
	}
	entry(&atMid.ID, from.Add(15*24*time.Hour+12*time.Hour), 44*time.Minute+44*time.Second)
	f := app.ReportFilter{From: from, To: to, Now: to.Add(time.Hour),
		Rates: []app.Rate{{ID: app.NewID(), Hourly: app.Money{Minor: 9001, Currency: "EUR"}, EffectiveFrom: from.AddDate(0, -1, 0), Level: app.RateOrganization}}}
	month := []app.Period{{Start: from, End: to}}

	tx, err := st.reader.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, dims := range [][]app.ReportDim{{app.DimProject}, {app.DimUser, app.DimProject}} {
		whole, err := (&txn{q: cached{cache: st.rstmts, tx: tx}}).Reports().Summary(ctx, a.Scope(), f, dims, month)
		if err != nil {
			t.Fatal(err)
		}
		if len(whole) != 4 {
			t.Fatalf("%v: %d cells, want 4: %+v", dims, len(whole), whole)
		}
		rec := &argsRecorder{querier: cached{cache: st.rstmts, tx: tx}}
		split, err := (&txn{q: rec, reads: st}).Reports().Summary(ctx, a.Scope(), f, dims, month)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(split, whole) {
			t.Errorf("%v: split by start over two readers:\n got %+v\nwant %+v", dims, split, whole)
		}
		mid := startMidpoint(month[0], f.Now)
		if want := us(from.Add(15*24*time.Hour + 12*time.Hour)); mid != want {
			t.Fatalf("the halves part at %d, want %d", mid, want)
		}
		if !slices.ContainsFunc(rec.args, func(args []any) bool { return slices.Contains(args, any(mid)) }) {
			t.Errorf("%v: the Read's own statement did not sum the entries of the first half alone: %v", dims, rec.args)
		}
	}
}
