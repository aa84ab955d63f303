package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stinthq/stint/app"
)

// reportWorld is a seeded world with entries that test every edge a report has: midnight
// and DST crossings, an entry running since days before, one longer than 24 hours from
// before the range and one from inside it, one ending exactly at the range's start, one of zero length, a deleted one, one in the other
// organization, entries with several tags, none, another user's, billable and not.
type reportWorld struct {
	world
	bob             app.User
	other, noClient app.Project
	task2           app.Task
	entries         []app.TimeEntry // every entry of w.org, live or not, the seed's included
	names           map[uuid.UUID]string
	clientOf        map[uuid.UUID]uuid.UUID
	from, to, now   time.Time
	days            []app.Period
}

func seedReports(t *testing.T, st app.Store) reportWorld {
	t.Helper()
	ctx := context.Background()
	w := reportWorld{world: seed(t, st, "reports@example.com")}
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Three days around the spring-forward Sunday in Berlin: 24, 23 and 24 hours.
	w.from = time.Date(2026, 3, 28, 0, 0, 0, 0, berlin)
	w.to = time.Date(2026, 3, 31, 0, 0, 0, 0, berlin)
	for d := w.from; d.Before(w.to); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, berlin) {
		w.days = append(w.days, app.Period{Start: d, End: time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, berlin)})
	}
	w.now = time.Date(2026, 3, 30, 15, 20, 0, 123456000, berlin)
	w.bob = app.User{ID: app.NewID(), TenantID: w.tenant.ID, Email: "bob@example.com", Name: "Bob", Timezone: "UTC", Meta: meta(50)}
	w.noClient = app.Project{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, Name: "Internal", Color: "#000000", Meta: meta(51)}
	w.other = app.Project{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, ClientID: &w.client.ID, Name: "App", Color: "#111111", Meta: meta(52)}
	w.task2 = app.Task{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, ProjectID: w.other.ID, Name: "Build", Meta: meta(53)}
	w.names = map[uuid.UUID]string{w.user.ID: w.user.Name, w.bob.ID: w.bob.Name, w.project.ID: w.project.Name, w.other.ID: w.other.Name,
		w.noClient.ID: w.noClient.Name, w.client.ID: w.client.Name, w.task.ID: w.task.Name, w.task2.ID: w.task2.Name,
		w.tag.ID: w.tag.Name, w.tag2.ID: w.tag2.Name}
	w.clientOf = map[uuid.UUID]uuid.UUID{w.project.ID: w.client.ID, w.other.ID: w.client.ID}
	at := func(d, h, m int) time.Time { return time.Date(2026, 3, d, h, m, 0, 0, berlin) }
	type spec struct {
		user          uuid.UUID
		project, task *uuid.UUID
		start, stop   time.Time // zero stop: running
		tags          []uuid.UUID
		billable      bool
		deleted       bool
	}
	specs := []spec{
		{w.user.ID, &w.project.ID, &w.task.ID, at(28, 22, 0), at(29, 1, 30), []uuid.UUID{w.tag.ID}, true, false},         // crosses midnight
		{w.user.ID, &w.other.ID, &w.task2.ID, at(29, 1, 0), at(29, 4, 0), []uuid.UUID{w.tag.ID, w.tag2.ID}, true, false}, // across the DST gap: 2 h
		{w.bob.ID, nil, nil, at(25, 9, 0), time.Time{}, nil, false, false},                                               // running for days
		{w.bob.ID, &w.noClient.ID, nil, at(26, 12, 0), at(28, 12, 0).Add(7 * time.Microsecond), nil, false, false},       // 48 h, from before the range
		{w.user.ID, &w.project.ID, nil, at(27, 20, 0), w.from, nil, true, false},                                         // ends exactly at from
		{w.user.ID, &w.project.ID, nil, at(30, 10, 0), at(30, 10, 0), nil, true, false},                                  // zero length
		{w.user.ID, &w.project.ID, nil, at(30, 8, 0), at(30, 9, 0), nil, true, true},                                     // deleted
		{w.bob.ID, &w.other.ID, &w.task2.ID, at(30, 23, 0), at(31, 2, 0), []uuid.UUID{w.tag2.ID}, false, false},          // runs out of the range
		{w.user.ID, &w.noClient.ID, nil, at(31, 0, 0), at(31, 1, 0), nil, false, false},                                  // starts at to
		{w.bob.ID, &w.project.ID, &w.task.ID, at(29, 13, 0).Add(333 * time.Microsecond), at(29, 14, 10), []uuid.UUID{w.tag.ID}, true, false},
		{w.user.ID, &w.other.ID, nil, at(28, 6, 0), at(29, 20, 0), nil, true, false}, // 38 h from inside the range: once on each of its days
	}
	w.entries = append(w.entries, w.entry)
	write(t, st, func(tx app.Tx) error {
		if err := firstErr(tx.Users().Insert(ctx, w.sc, w.bob), tx.Projects().Insert(ctx, w.sc, w.noClient),
			tx.Projects().Insert(ctx, w.sc, w.other), tx.Tasks().Insert(ctx, w.sc, w.task2)); err != nil {
			return err
		}
		for i, s := range specs {
			e := app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org.ID, UserID: s.user, ProjectID: s.project, TaskID: s.task,
				Description: fmt.Sprintf("entry %d", i), StartedAt: s.start.UTC(), Timezone: "Europe/Berlin", Billable: s.billable,
				Source: app.SourceManual, TagIDs: s.tags, Meta: meta(60 + i)}
			if e.TagIDs == nil {
				e.TagIDs = []uuid.UUID{}
			}
			if !s.stop.IsZero() {
				e.StoppedAt = ptr(s.stop.UTC())
			}
			if s.deleted {
				e.DeletedAt = ptr(base)
			}
			if err := tx.TimeEntries().Insert(ctx, w.sc, e); err != nil {
				return err
			}
			w.entries = append(w.entries, e)
		}
		// The other organization's entry lies in the range too and must never count.
		stop := at(29, 12, 0).UTC()
		return tx.TimeEntries().Insert(ctx, w.sc2, app.TimeEntry{ID: app.NewID(), TenantID: w.tenant.ID, OrganizationID: w.org2.ID, UserID: w.user.ID,
			StartedAt: at(29, 10, 0).UTC(), StoppedAt: &stop, Timezone: "UTC", Source: app.SourceManual, TagIDs: []uuid.UUID{}, Meta: meta(90)})
	})
	// A deleted tag keeps its name in reports.
	return w
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// matches reports whether e passes f (the reference for the stores' WHERE clauses).
func (w reportWorld) matches(e app.TimeEntry, f app.ReportFilter) bool {
	end := f.Now
	if e.StoppedAt != nil {
		end = *e.StoppedAt
	}
	if e.DeletedAt != nil || !e.StartedAt.Before(f.To) || !end.After(f.From) {
		return false
	}
	eq := func(want, got *uuid.UUID) bool { return want == nil || (got != nil && *got == *want) }
	var client *uuid.UUID
	if e.ProjectID != nil {
		if c, ok := w.clientOf[*e.ProjectID]; ok {
			client = &c
		}
	}
	return eq(f.UserID, &e.UserID) && eq(f.ProjectID, e.ProjectID) && eq(f.TaskID, e.TaskID) && eq(f.ClientID, client) &&
		(f.TagID == nil || slices.Contains(e.TagIDs, *f.TagID)) && (f.Billable == nil || *f.Billable == e.Billable)
}

// want is the reference summary: each entry cut at each period in Go, keyed as cellKey does.
func (w reportWorld) want(f app.ReportFilter, dims []app.ReportDim, periods []app.Period) map[string]int64 {
	out := map[string]int64{}
	for _, e := range w.entries {
		if !w.matches(e, f) {
			continue
		}
		end := f.Now
		if e.StoppedAt != nil {
			end = *e.StoppedAt
		}
		// Every combination of the dims' values: an entry counts once per tag.
		combos := [][]string{{}}
		for _, d := range dims {
			var vals []string
			switch d {
			case app.DimProject:
				vals = []string{idName(w.names, e.ProjectID)}
			case app.DimTask:
				vals = []string{idName(w.names, e.TaskID)}
			case app.DimUser:
				vals = []string{idName(w.names, &e.UserID)}
			case app.DimClient:
				var c *uuid.UUID
				if e.ProjectID != nil {
					if id, ok := w.clientOf[*e.ProjectID]; ok {
						c = &id
					}
				}
				vals = []string{idName(w.names, c)}
			case app.DimTag:
				for _, id := range e.TagIDs {
					vals = append(vals, idName(w.names, &id))
				}
				if len(vals) == 0 {
					vals = []string{idName(w.names, nil)}
				}
			}
			var next [][]string
			for _, c := range combos {
				for _, v := range vals {
					next = append(next, append(slices.Clone(c), v))
				}
			}
			combos = next
		}
		for i, p := range periods {
			lo, hi := maxT(e.StartedAt, p.Start), minT(end, p.End)
			if !hi.After(lo) {
				continue
			}
			for _, c := range combos {
				out[strings.Join(append([]string{fmt.Sprint(i)}, c...), "|")] += hi.Sub(lo).Microseconds()
			}
		}
	}
	return out
}

func idName(names map[uuid.UUID]string, id *uuid.UUID) string {
	if id == nil {
		return "-"
	}
	return id.String() + "=" + names[*id]
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func cellKey(c app.ReportCell) string {
	parts := []string{fmt.Sprint(c.Period)}
	for _, k := range c.Keys {
		if k.ID == nil {
			parts = append(parts, "-")
			continue
		}
		parts = append(parts, k.ID.String()+"="+k.Name)
	}
	return strings.Join(parts, "|")
}

// testReports pins Reports.Summary and Reports.Detailed against a reference computed in Go
// from the same entries: every dimension and pair, every filter, day periods across DST,
// running and long entries, deleted ones and the other organization's left out.
func testReports(t *testing.T, st app.Store) {
	ctx := context.Background()
	w := seedReports(t, st)
	whole := []app.Period{{Start: w.from, End: w.to}}
	base := app.ReportFilter{From: w.from, To: w.to, Now: w.now}
	with := func(set func(*app.ReportFilter)) app.ReportFilter { f := base; set(&f); return f }
	filters := []struct {
		name string
		f    app.ReportFilter
	}{
		{"all", base},
		{"user", with(func(f *app.ReportFilter) { f.UserID = &w.bob.ID })},
		{"project", with(func(f *app.ReportFilter) { f.ProjectID = &w.project.ID })},
		{"client", with(func(f *app.ReportFilter) { f.ClientID = &w.client.ID })},
		{"task", with(func(f *app.ReportFilter) { f.TaskID = &w.task2.ID })},
		{"tag", with(func(f *app.ReportFilter) { f.TagID = &w.tag.ID })},
		{"billable", with(func(f *app.ReportFilter) { f.Billable = ptr(true) })},
		{"not billable", with(func(f *app.ReportFilter) { f.Billable = ptr(false) })},
		{"user and tag", with(func(f *app.ReportFilter) { f.UserID = &w.user.ID; f.TagID = &w.tag2.ID })},
	}
	dimSets := [][]app.ReportDim{nil, {app.DimProject}, {app.DimClient}, {app.DimTask}, {app.DimTag}, {app.DimUser},
		{app.DimProject, app.DimTag}, {app.DimUser, app.DimClient}, {app.DimTag, app.DimTask}}
	for _, fl := range filters {
		for _, dims := range dimSets {
			for _, ps := range []struct {
				name    string
				periods []app.Period
			}{{"range", whole}, {"days", w.days}} {
				t.Run(fmt.Sprintf("%s/%v/%s", fl.name, dims, ps.name), func(t *testing.T) {
					var cells []app.ReportCell
					read(t, st, func(tx app.Tx) error {
						var err error
						cells, err = tx.Reports().Summary(ctx, w.sc, fl.f, dims, ps.periods)
						return err
					})
					got := map[string]int64{}
					for _, c := range cells {
						if len(c.Keys) != len(dims) {
							t.Fatalf("cell %+v: %d keys, want %d", c, len(c.Keys), len(dims))
						}
						if _, dup := got[cellKey(c)]; dup {
							t.Errorf("cell %s twice", cellKey(c))
						}
						got[cellKey(c)] = c.Micros
					}
					want := w.want(fl.f, dims, ps.periods)
					if fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) {
						t.Errorf("summary\n got %v\nwant %v", sorted(got), sorted(want))
					}
				})
			}
		}
	}
	// The spring-forward day holds 23 hours of the entry running since the 25th.
	t.Run("running entry over the 23-hour day", func(t *testing.T) {
		var cells []app.ReportCell
		read(t, st, func(tx app.Tx) error {
			var err error
			cells, err = tx.Reports().Summary(ctx, w.sc, with(func(f *app.ReportFilter) { f.UserID = &w.bob.ID; f.ProjectID = nil }), []app.ReportDim{app.DimProject}, w.days[1:2])
			return err
		})
		var running int64
		for _, c := range cells {
			if c.Keys[0].ID == nil {
				running = c.Micros
			}
		}
		if running != (23 * time.Hour).Microseconds() {
			t.Errorf("running entry on 2026-03-29: %d µs, want 23 h", running)
		}
	})
	// Rates kept from an earlier read go in with their version: the summary sums as
	// without it while the version is its snapshot's, and fails with ErrRatesChanged
	// when it is not (the service then reads the rates again).
	t.Run("kept rates' version", func(t *testing.T) {
		for _, fl := range filters[:2] {
			var v app.RatesVersion
			var cells []app.ReportCell
			var stale error
			read(t, st, func(tx app.Tx) error {
				var err error
				if v, err = tx.Rates().Version(ctx, w.sc); err != nil {
					return err
				}
				f := fl.f
				f.RatesVersion = &v
				if cells, err = tx.Reports().Summary(ctx, w.sc, f, []app.ReportDim{app.DimProject}, w.days); err != nil {
					return err
				}
				f.RatesVersion = &app.RatesVersion{Rows: v.Rows + 1, Max: v.Max}
				_, stale = tx.Reports().Summary(ctx, w.sc, f, []app.ReportDim{app.DimProject}, w.days)
				return nil
			})
			got := map[string]int64{}
			for _, c := range cells {
				got[cellKey(c)] = c.Micros
			}
			if want := w.want(fl.f, []app.ReportDim{app.DimProject}, w.days); len(want) == 0 || fmt.Sprint(sorted(got)) != fmt.Sprint(sorted(want)) {
				t.Errorf("%s: summary at the rates' version\n got %v\nwant %v", fl.name, sorted(got), sorted(want))
			}
			if !errors.Is(stale, app.ErrRatesChanged) {
				t.Errorf("%s: summary at another version: %v, want ErrRatesChanged", fl.name, stale)
			}
		}
	})
	t.Run("detailed", func(t *testing.T) {
		for _, fl := range filters {
			var want []uuid.UUID
			for _, e := range w.entries {
				if w.matches(e, fl.f) {
					want = append(want, e.ID)
				}
			}
			sort.Slice(want, func(i, j int) bool {
				a, b := w.byID(want[i]), w.byID(want[j])
				if !a.StartedAt.Equal(b.StartedAt) {
					return a.StartedAt.After(b.StartedAt)
				}
				return a.ID.String() > b.ID.String()
			})
			var got []uuid.UUID
			var after *app.Cursor
			for range 20 {
				var rows []app.ReportEntry
				read(t, st, func(tx app.Tx) error {
					var err error
					rows, err = tx.Reports().Detailed(ctx, w.sc, fl.f, app.PageRequest{Limit: 3, After: after})
					return err
				})
				for i, r := range rows {
					if i == 2 {
						break // the extra row tells that a next page exists
					}
					got = append(got, r.ID)
					w.checkNames(t, r)
				}
				if len(rows) <= 2 {
					break
				}
				after = &app.Cursor{Time: rows[1].StartedAt, ID: rows[1].ID}
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s: detailed ids\n got %v\nwant %v", fl.name, got, want)
			}
		}
	})
	// Nothing of another tenant: the same filters in a fresh tenant's scope find nothing.
	t.Run("other tenant", func(t *testing.T) {
		o := seed(t, st, "reports-other@example.com")
		read(t, st, func(tx app.Tx) error {
			cells, err := tx.Reports().Summary(ctx, app.Scope{TenantID: o.tenant.ID, OrgID: w.org.ID}, base, nil, whole)
			if err != nil || len(cells) != 0 {
				t.Errorf("summary across tenants: %v %v", cells, err)
			}
			rows, err := tx.Reports().Detailed(ctx, app.Scope{TenantID: o.tenant.ID, OrgID: w.org.ID}, base, app.PageRequest{Limit: 10})
			if err != nil || len(rows) != 0 {
				t.Errorf("detailed across tenants: %v %v", rows, err)
			}
			return nil
		})
	})
}

func (w reportWorld) byID(id uuid.UUID) app.TimeEntry {
	for _, e := range w.entries {
		if e.ID == id {
			return e
		}
	}
	return app.TimeEntry{}
}

// checkNames compares a detailed row with the entry it stands for and the names it refers to.
func (w reportWorld) checkNames(t *testing.T, r app.ReportEntry) {
	t.Helper()
	e := w.byID(r.ID)
	name := func(id *uuid.UUID) string {
		if id == nil {
			return ""
		}
		return w.names[*id]
	}
	var client *uuid.UUID
	if e.ProjectID != nil {
		if c, ok := w.clientOf[*e.ProjectID]; ok {
			client = &c
		}
	}
	var tags []string
	for _, id := range e.TagIDs {
		tags = append(tags, w.names[id])
	}
	if !r.StartedAt.Equal(e.StartedAt) || r.UserName != w.names[e.UserID] || r.ProjectName != name(e.ProjectID) ||
		r.TaskName != name(e.TaskID) || r.ClientName != name(client) || !slices.Equal(r.TagIDs, e.TagIDs) ||
		strings.Join(r.TagNames, ",") != strings.Join(tags, ",") || r.Description != e.Description {
		t.Errorf("detailed row %+v, want entry %+v with its names", r, e)
	}
	if (r.ClientID == nil) != (client == nil) || (client != nil && *r.ClientID != *client) {
		t.Errorf("detailed row client %v, want %v", r.ClientID, client)
	}
}

func sorted(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(out)
	return out
}

// testSummaryRunningEntry holds Summary to a running entry's time up to now and nothing in
// a period after now, also where another entry of its group has time in that period (an
// entry synced from a clock ahead): a store that left out the running entry's pairs by
// the sign of their sums, not by their bounds, would lose that cell.
func testSummaryRunningEntry(t *testing.T, st app.Store) {
	ctx := context.Background()
	svc := app.New(st, app.Options{Hasher: app.Argon2id{Memory: 64, Time: 1, Threads: 1}})
	s, err := svc.Signup(ctx, app.SignupInput{Email: "running@example.com", Password: "correct horse", Name: "Run", Organization: "Run", Timezone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := svc.Authenticate(ctx, s.Token, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := svc.CreateProject(ctx, a, app.ProjectInput{Name: "P"})
	if err != nil {
		t.Fatal(err)
	}
	day := func(d, h int) time.Time { return time.Date(2026, 10, d, h, 0, 0, 0, time.UTC) }
	stop := day(11, 11)
	for _, in := range []app.TimeEntryInput{
		{ProjectID: &p.ID, StartedAt: day(11, 10), StoppedAt: &stop},
		{ProjectID: &p.ID, StartedAt: day(10, 10)}, // running
	} {
		if _, err := svc.CreateTimeEntry(ctx, a, in); err != nil {
			t.Fatal(err)
		}
	}
	var days []app.Period
	for d := 9; d <= 12; d++ {
		days = append(days, app.Period{Start: day(d, 0), End: day(d+1, 0)})
	}
	f := app.ReportFilter{From: days[0].Start, To: days[3].End, Now: day(10, 12)}
	for _, tc := range []struct {
		name    string
		periods []app.Period
		want    map[int]time.Duration
	}{
		{"days", days, map[int]time.Duration{1: 2 * time.Hour, 2: time.Hour}},
		{"the day after now", days[2:3], map[int]time.Duration{0: time.Hour}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var cells []app.ReportCell
			read(t, st, func(tx app.Tx) error {
				var err error
				cells, err = tx.Reports().Summary(ctx, a.Scope(), f, []app.ReportDim{app.DimProject}, tc.periods)
				return err
			})
			got := map[int]time.Duration{}
			for _, c := range cells {
				got[c.Period] += time.Duration(c.Micros) * time.Microsecond
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("time per period %v, want %v", got, tc.want)
			}
		})
	}
}
