package app_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// TestReportPeriods groups one set of entries by day, week (Monday or Sunday first) and month
// in Berlin: an entry crossing midnight at the end of a week and of a month lands in both
// periods, and every total is the sum of its rows.
func TestReportPeriods(t *testing.T) {
	e := newEnv(t)
	berlin := mustLoc(t, "Europe/Berlin")
	owner, _ := e.signup()
	e.clock.Set(time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC))
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Web"}))
	add := func(start time.Time, d time.Duration) {
		stop := start.Add(d)
		must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop}))
	}
	// Sunday 2026-11-29 23:00 to Monday 00:30; Monday 2026-11-30 23:30 to Tuesday 01:00 (month end).
	add(time.Date(2026, 11, 29, 23, 0, 0, 0, berlin), 90*time.Minute)
	add(time.Date(2026, 11, 30, 23, 30, 0, 0, berlin), 90*time.Minute)
	// A running entry since 11:00 UTC on 2026-12-10 counts one hour up to now.
	e.clock.Set(time.Date(2026, 12, 10, 11, 0, 0, 0, time.UTC))
	must[app.TimeEntry](t)(e.svc.StartTimer(e.ctx, owner, app.TimerStart{ProjectID: &p.ID}))
	e.clock.Set(time.Date(2026, 12, 10, 12, 0, 0, 0, time.UTC))
	rows := func(r app.Report) map[string]int64 {
		m := map[string]int64{}
		var sum int64
		for _, row := range r.Rows {
			m[row.Period] += row.Seconds
			sum += row.Seconds
		}
		if sum != r.TotalSeconds {
			t.Errorf("%v: total %d, rows add up to %d", r.Group, r.TotalSeconds, sum)
		}
		return m
	}
	cases := []struct {
		name  string
		group []app.ReportGroup
		disp  app.Display
		want  map[string]int64
	}{
		{"days", []app.ReportGroup{app.GroupDay}, app.Display{},
			map[string]int64{"2026-11-29": 3600, "2026-11-30": 1800 + 1800, "2026-12-01": 3600, "2026-12-10": 3600}},
		{"weeks from Monday", []app.ReportGroup{app.GroupWeek}, app.Display{},
			map[string]int64{"2026-11-23": 3600, "2026-11-30": 3*3600 - 3600, "2026-12-07": 3600}},
		{"weeks from Sunday", []app.ReportGroup{"project", app.GroupWeek}, app.Display{Sunday: true},
			map[string]int64{"2026-11-29": 3 * 3600, "2026-12-06": 3600}},
		{"months", []app.ReportGroup{app.GroupMonth, "user"}, app.Display{},
			map[string]int64{"2026-11-01": 5400 + 1800, "2026-12-01": 3600 + 3600}},
		{"no period", []app.ReportGroup{"project"}, app.Display{},
			map[string]int64{"": 4 * 3600}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := must[app.Report](t)(e.svc.Report(e.ctx, owner, app.ReportQuery{From: "2026-11-25", To: "2026-12-12", Group: c.group, Display: c.disp}))
			if got := rows(r); fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("got %v, want %v", got, c.want)
			}
			if r.Timezone != "Europe/Berlin" || !r.AsOf.Equal(e.clock.Now()) {
				t.Errorf("zone %s as of %v", r.Timezone, r.AsOf)
			}
		})
	}
}

// TestReportTotalsAtPrecisionShown: rows are whole seconds rounded down, and the total is
// their sum, not the rounded sum of the exact time (three 20.5-second entries on three
// projects give 20+20+20 = 60, not 61).
func TestReportTotalsAtPrecisionShown(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for i := range 3 {
		p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: fmt.Sprintf("P%d", i)}))
		s := start.Add(time.Duration(i) * time.Hour)
		stop := s.Add(20500 * time.Millisecond)
		must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: s, StoppedAt: &stop}))
	}
	r := must[app.Report](t)(e.svc.Report(e.ctx, owner, app.ReportQuery{From: "2026-11-23", To: "2026-11-23", Group: []app.ReportGroup{"project"}}))
	if len(r.Rows) != 3 || r.TotalSeconds != 60 {
		t.Fatalf("rows %+v total %d, want 3 rows of 20 s and 60 in total", r.Rows, r.TotalSeconds)
	}
	names := []string{}
	for _, row := range r.Rows {
		names = append(names, row.Values[0].Name)
	}
	if !slices.Equal(names, []string{"P0", "P1", "P2"}) {
		t.Errorf("rows by name: %v", names)
	}
}

// TestReportAccess: a member's report holds only the member's own time and may not ask for
// another user's; a manager's holds everyone's.
func TestReportAccess(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	member := e.member(owner, app.RoleMember)
	manager := e.member(owner, app.RoleManager)
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	stop := start.Add(time.Hour)
	must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop}))
	stop2 := start.Add(30 * time.Minute)
	must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, member, app.TimeEntryInput{StartedAt: start, StoppedAt: &stop2}))
	q := app.ReportQuery{From: "2026-11-23", To: "2026-11-23", Group: []app.ReportGroup{"user"}}
	if r := must[app.Report](t)(e.svc.Report(e.ctx, member, q)); r.TotalSeconds != 1800 || len(r.Rows) != 1 {
		t.Errorf("member sees %+v", r)
	}
	if r := must[app.Report](t)(e.svc.Report(e.ctx, manager, q)); r.TotalSeconds != 5400 || len(r.Rows) != 2 {
		t.Errorf("manager sees %+v", r)
	}
	q.UserID = &owner.UserID
	if _, err := e.svc.Report(e.ctx, member, q); !errors.Is(err, app.ErrForbidden) {
		t.Errorf("member asking for the owner's report: %v", err)
	}
	d := must[app.Detailed](t)(e.svc.DetailedReport(e.ctx, member, app.DetailedQuery{From: "2026-11-23", To: "2026-11-23"}))
	if len(d.Items) != 1 || d.Items[0].UserID != member.UserID || d.Items[0].Seconds != 1800 {
		t.Errorf("member's detailed report: %+v", d.Items)
	}
	d = must[app.Detailed](t)(e.svc.DetailedReport(e.ctx, manager, app.DetailedQuery{From: "2026-11-23", To: "2026-11-23", ListParams: app.ListParams{Limit: 1}}))
	if len(d.Items) != 1 || d.NextCursor == "" {
		t.Errorf("manager's first page: %+v", d)
	}
	d = must[app.Detailed](t)(e.svc.DetailedReport(e.ctx, manager, app.DetailedQuery{From: "2026-11-23", To: "2026-11-23", ListParams: app.ListParams{Limit: 1, Cursor: d.NextCursor}}))
	if len(d.Items) != 1 || d.NextCursor != "" {
		t.Errorf("manager's second page: %+v", d)
	}
}

// TestReportGroupsChecked: group lists are checked before anything is read.
func TestReportGroupsChecked(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{
		{"project,day", true}, {"user, client", true}, {"tag,task,month", true}, {"", true},
		{"project,client,user", false}, {"day,week", false}, {"project,project", false}, {"hour", false},
	} {
		_, err := app.ParseReportGroups(c.in)
		if (err == nil) != c.ok {
			t.Errorf("%q: %v", c.in, err)
		}
		if err != nil && !slices.Contains(fields(err), "group") {
			t.Errorf("%q: error %v does not name group", c.in, err)
		}
	}
}

// TestReportMinutesFollowTheCells: a row's minutes shown are its cells' (one project on one
// day) whole minutes added up, whatever the rows are grouped by, so two days of 40:30 on one
// project read 1:20 (as the timesheet and the Reports screen show), never the 1:21 that
// rounding the range's 81 minutes at once gives; the seconds stay exact.
func TestReportMinutesFollowTheCells(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	berlin := mustLoc(t, "Europe/Berlin")
	e.clock.Set(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	web := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Web"}))
	ops := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Ops"}))
	add := func(p app.Project, start time.Time, d time.Duration) {
		stop := start.Add(d)
		must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop}))
	}
	add(web, time.Date(2026, 11, 16, 9, 0, 0, 0, berlin), 40*time.Minute+30*time.Second)
	add(web, time.Date(2026, 11, 17, 9, 0, 0, 0, berlin), 40*time.Minute+30*time.Second)
	add(ops, time.Date(2026, 11, 17, 23, 50, 0, 0, berlin), 20*time.Minute+40*time.Second) // 10:00 + 10:40 across midnight
	cases := []struct {
		name  string
		group []app.ReportGroup
		want  map[string]int64 // minutes per row, by its period and first value's name
	}{
		{"project", []app.ReportGroup{"project"}, map[string]int64{"|Web": 80, "|Ops": 20}},
		{"user", []app.ReportGroup{"user"}, map[string]int64{"|": 100}},
		{"project and week", []app.ReportGroup{"project", app.GroupWeek}, map[string]int64{"2026-11-16|Web": 80, "2026-11-16|Ops": 20}},
		{"day", []app.ReportGroup{app.GroupDay}, map[string]int64{"2026-11-16|": 40, "2026-11-17|": 50, "2026-11-18|": 10}},
		{"client and project", []app.ReportGroup{"client", "project"}, map[string]int64{"|": 100}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := must[app.Report](t)(e.svc.Report(e.ctx, owner, app.ReportQuery{From: "2026-11-16", To: "2026-11-22", Group: c.group, Shown: true}))
			got := map[string]int64{}
			var secs int64
			for _, row := range r.Rows {
				name := ""
				if len(row.Values) > 0 && row.Values[0].Group == "project" {
					name = row.Values[0].Name
				}
				got[row.Period+"|"+name] += row.Minutes()
				secs += row.Seconds
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("minutes %v, want %v", got, c.want)
			}
			if want := int64(2*(40*60+30) + 20*60 + 40); secs != want || r.TotalSeconds != want {
				t.Errorf("seconds %d (total %d), want %d exact", secs, r.TotalSeconds, want)
			}
		})
	}
	// Without Shown (the API) a row counts its own whole minutes.
	r := must[app.Report](t)(e.svc.Report(e.ctx, owner, app.ReportQuery{From: "2026-11-16", To: "2026-11-22", Group: []app.ReportGroup{"user"}}))
	if len(r.Rows) != 1 || r.Rows[0].Cells != nil || r.Rows[0].Minutes() != 101 {
		t.Errorf("API report rows %+v", r.Rows)
	}
}

// summaryCountingStore counts the summaries its reads sum.
type summaryCountingStore struct {
	app.Store
	summaries *int
}

func (s summaryCountingStore) Read(ctx context.Context, fn func(app.Tx) error) error {
	return s.Store.Read(ctx, func(tx app.Tx) error { return fn(summaryCountingTx{tx, s.summaries}) })
}

type summaryCountingTx struct {
	app.Tx
	summaries *int
}

func (t summaryCountingTx) Reports() app.Reports {
	return summaryCountingReports{t.Tx.Reports(), t.summaries}
}

type summaryCountingReports struct {
	app.Reports
	summaries *int
}

func (r summaryCountingReports) Summary(ctx context.Context, s app.Scope, f app.ReportFilter, dims []app.ReportDim, periods []app.Period) ([]app.ReportCell, error) {
	*r.summaries++
	return r.Reports.Summary(ctx, s, f, dims, periods)
}

// TestReportRowsAreCellsSummedOnce: a report shown to a person needs its cells (one
// project's time of one person on one day); when its rows are those cells already (by
// project and day for one user) the store sums once, and the minutes are the same.
func TestReportRowsAreCellsSummedOnce(t *testing.T) {
	e := newEnv(t)
	var summaries int
	svc := app.New(summaryCountingStore{e.st, &summaries}, app.Options{Clock: e.clock, Hasher: fastHasher, NodeID: "count"})
	owner, _ := e.signup()
	member := e.member(owner, app.RoleMember)
	berlin := mustLoc(t, "Europe/Berlin")
	e.clock.Set(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC))
	web := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Web"}))
	for _, who := range []app.Actor{owner, member} {
		for _, d := range []int{16, 17} {
			start := time.Date(2026, 11, d, 9, 0, 0, 0, berlin)
			stop := start.Add(40*time.Minute + 30*time.Second)
			must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, who, app.TimeEntryInput{ProjectID: &web.ID, StartedAt: start, StoppedAt: &stop}))
		}
	}
	cases := []struct {
		name      string
		who       app.Actor
		user      *uuid.UUID
		project   *uuid.UUID
		group     []app.ReportGroup
		summaries int
		minutes   int64
	}{
		{"a member's own days by project", member, nil, nil, []app.ReportGroup{"project", app.GroupDay}, 1, 80},
		{"one user's days by project", owner, &member.UserID, nil, []app.ReportGroup{"project", app.GroupDay}, 1, 80},
		{"one project's days by user", owner, nil, &web.ID, []app.ReportGroup{"user", app.GroupDay}, 1, 160},
		{"everyone's days by project", owner, nil, nil, []app.ReportGroup{"project", app.GroupDay}, 2, 160},
		{"one user's weeks by project", owner, &member.UserID, nil, []app.ReportGroup{"project", app.GroupWeek}, 2, 80},
		{"one user's days", owner, &member.UserID, nil, []app.ReportGroup{app.GroupDay}, 2, 80},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			summaries = 0
			r := must[app.Report](t)(svc.Report(e.ctx, c.who, app.ReportQuery{From: "2026-11-16", To: "2026-11-22", UserID: c.user,
				ProjectID: c.project, Group: c.group, Shown: true}))
			var minutes int64
			for _, row := range r.Rows {
				if row.Cells == nil {
					t.Errorf("row %+v has no cells", row)
				}
				minutes += row.Minutes()
			}
			if summaries != c.summaries || minutes != c.minutes {
				t.Errorf("%d summaries, %d minutes; want %d and %d", summaries, minutes, c.summaries, c.minutes)
			}
		})
	}
}

// TestSummaryOfRollsUpWithoutMaps: SummaryOf adds a week's rows up into days (by date) and
// projects (most seconds first, equal seconds by id, no project last), whatever order the
// rows come in, with a handful of allocations rather than maps and a pointer per project.
func TestSummaryOfRollsUpWithoutMaps(t *testing.T) {
	a, b, c := uuid.MustParse("00000000-0000-7000-8000-00000000000a"), uuid.MustParse("00000000-0000-7000-8000-00000000000b"),
		uuid.MustParse("00000000-0000-7000-8000-00000000000c")
	row := func(day string, id *uuid.UUID, secs int64) app.ReportRow {
		return app.ReportRow{Period: day, Values: []app.ReportValue{{Group: "project", ID: id}}, Seconds: secs}
	}
	var rows []app.ReportRow
	for d := 16; d <= 22; d++ {
		day := fmt.Sprintf("2026-11-%d", d)
		rows = append(rows, row(day, &b, 100), row(day, &a, 100), row(day, nil, 100), row(day, &c, int64(d)))
	}
	rows = append(rows, row("2026-11-16", &c, 1)) // out of order: the day seen before
	rep := app.Report{From: "2026-11-16", To: "2026-11-22", Timezone: "UTC", Rows: rows}
	got := app.SummaryOf(rep)
	var days, projects []string
	for _, d := range got.Days {
		days = append(days, fmt.Sprintf("%s=%d", d.Date[8:], d.Seconds))
	}
	for _, p := range got.Projects {
		id := "none"
		if p.ProjectID != nil {
			id = p.ProjectID.String()[35:]
		}
		projects = append(projects, fmt.Sprintf("%s=%d", id, p.Seconds))
	}
	if want := "[16=317 17=317 18=318 19=319 20=320 21=321 22=322]"; fmt.Sprint(days) != want {
		t.Errorf("days %v, want %s", days, want)
	}
	if want := "[a=700 b=700 none=700 c=134]"; fmt.Sprint(projects) != want {
		t.Errorf("projects %v, want %s", projects, want)
	}
	if n := testing.AllocsPerRun(20, func() { app.SummaryOf(rep) }); n > 4 {
		t.Errorf("%v allocations, want at most 4 (days, rows, ids, projects)", n)
	}
}

// TestReportAllocationsPerRow: a report's rows share one array of values and the store's
// cells start with room for a week's. Each row of four weeks by day past the first week's
// (a day's period, label and cell: the driver's scan, the period's JSON) cost 8.3
// allocations with a values array per row and the cells grown, 7.3 now; the bound lies
// between, so a values array per row again fails it (a dependency that allocates more
// per row may move it).
func TestReportAllocationsPerRow(t *testing.T) {
	e := newEnv(t)
	owner, _ := e.signup()
	p := must[app.Project](t)(e.svc.CreateProject(e.ctx, owner, app.ProjectInput{Name: "Web"}))
	first := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	for d := range 28 {
		start := first.AddDate(0, 0, d)
		stop := start.Add(time.Hour)
		must[app.TimeEntry](t)(e.svc.CreateTimeEntry(e.ctx, owner, app.TimeEntryInput{ProjectID: &p.ID, StartedAt: start, StoppedAt: &stop}))
	}
	allocs := func(to string) float64 {
		q := app.ReportQuery{From: "2026-10-05", To: to, Timezone: "UTC", UserID: &owner.UserID}
		if r := must[app.Report](t)(e.svc.Report(e.ctx, owner, q)); len(r.Rows) == 0 {
			t.Fatal("no rows")
		}
		return testing.AllocsPerRun(20, func() { _, _ = e.svc.Report(e.ctx, owner, q) })
	}
	week, month := allocs("2026-10-11"), allocs("2026-11-01")
	t.Logf("a week: %v allocations, four: %v", week, month)
	if perRow := (month - week) / 21; perRow > 7.75 {
		t.Errorf("%.2f allocations per row more, want at most 7.75", perRow)
	}
}
