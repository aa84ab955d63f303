// Command demoseed fills a data directory with a week of plausible time entries, for the
// desktop smoke test's README screenshot and the desktop benchmark. It creates the local
// workspace when there is none. Usage: go run ./ui/internal/demoseed DATA_DIR [TIMEZONE]
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
	"github.com/stinthq/stint/store/sqlite"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "demoseed:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return errors.New("usage: demoseed DATA_DIR [TIMEZONE]")
	}
	tz := "Europe/Berlin"
	if len(args) == 2 {
		tz = args[1]
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return err
	}
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(args[0], "stint.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	svc := app.New(st, app.Options{})
	a, _, err := svc.EnsureLocal(ctx, app.LocalSetup{Name: "Ada Lovelace", Organization: "Personal", Timezone: tz})
	if err != nil {
		return err
	}
	client, err := svc.CreateClient(ctx, a, app.ClientInput{Name: "Acme Corp"})
	if err != nil {
		return err
	}
	projects := map[string]*app.Project{}
	for _, p := range []app.ProjectInput{
		{Name: "Acme website", ClientID: &client.ID, Color: "#30a46c", Billable: true},
		{Name: "Globex onboarding", Color: "#8e4ec6", Billable: true},
		{Name: "Internal", Color: "#0090ff"},
		{Name: "Open source", Color: "#f5a623"},
	} {
		created, err := svc.CreateProject(ctx, a, p)
		if err != nil {
			return err
		}
		projects[p.Name] = &created
	}
	tags := map[string]uuid.UUID{}
	for _, t := range []string{"meeting", "review", "writing"} {
		tag, err := svc.CreateTag(ctx, a, app.TagInput{Name: t})
		if err != nil {
			return err
		}
		tags[t] = tag.ID
	}
	// Some entries carry a tag, so rows and filters show them.
	tagOf := map[string]string{"Standup": "meeting", "Code review": "review", "Landing page copy": "writing", "Release notes for v0.4": "writing"}
	now := time.Now().In(loc)
	at := func(daysBack, h, m int) time.Time {
		y, mo, d := now.Date()
		return time.Date(y, mo, d-daysBack, h, m, 0, 0, loc)
	}
	var today []app.TimeEntry // today's entries, which get activity slots
	add := func(desc, project string, start time.Time, d time.Duration) error {
		stop := start.Add(d)
		if stop.After(now) {
			return nil
		}
		in := app.TimeEntryInput{Description: desc, StartedAt: start, StoppedAt: &stop}
		if t, ok := tagOf[desc]; ok {
			in.TagIDs = []uuid.UUID{tags[t]}
		}
		if p := projects[project]; p != nil {
			in.ProjectID = &p.ID
		}
		e, err := svc.CreateTimeEntry(ctx, a, in)
		if err == nil && start.Format(app.DateLayout) == now.Format(app.DateLayout) {
			today = append(today, e)
		}
		return err
	}
	type e struct {
		desc, project string
		h, m          int
		d             time.Duration
	}
	day := []e{
		{"Standup", "Internal", 9, 0, 15 * time.Minute},
		{"Landing page copy", "Acme website", 9, 30, 130 * time.Minute},
		{"Code review", "Open source", 13, 0, 75 * time.Minute},
		{"Workshop preparation", "Globex onboarding", 15, 0, 100 * time.Minute},
	}
	for back := 6; back >= 1; back-- {
		if wd := now.AddDate(0, 0, -back).Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		for _, x := range day {
			if err := add(x.desc, x.project, at(back, x.h, x.m), x.d); err != nil {
				return err
			}
		}
	}
	// Today: the last few hours, newest last, ending five minutes ago.
	end := now.Add(-5 * time.Minute).Truncate(time.Minute)
	for _, x := range []e{
		{desc: "Release notes for v0.4", project: "Open source", d: 40 * time.Minute},
		{desc: "Inbox and planning", d: 25 * time.Minute},
		{desc: "Hero section layout", project: "Acme website", d: 95 * time.Minute},
		{desc: "Standup", project: "Internal", d: 15 * time.Minute},
	} {
		start := end.Add(-x.d)
		if err := add(x.desc, x.project, start, x.d); err != nil {
			return err
		}
		end = start.Add(-10 * time.Minute)
	}
	return seedActivity(ctx, svc, a, today, loc)
}

// seedActivity gives today's entries the slots the activity timer would have measured:
// activity that varies from slot to slot, and the applications a person doing that work
// keeps in front.
func seedActivity(ctx context.Context, svc *app.Service, a app.Actor, entries []app.TimeEntry, loc *time.Location) error {
	shares := []int{92, 81, 64, 88, 23, 71, 95, 47, 76, 58}
	apps := [][]string{{"code", "firefox", "Slack"}, {"firefox", "libreoffice", "Slack"}, {"thunderbird", "firefox"}}
	n := 0
	for _, e := range entries {
		for slot := app.SlotStart(e.StartedAt, loc); slot.Before(*e.StoppedAt); slot = slot.Add(app.SlotLength) {
			from, to := max(slot.UnixMilli(), e.StartedAt.UnixMilli()), min(slot.Add(app.SlotLength).UnixMilli(), e.StoppedAt.UnixMilli())
			tracked := time.Duration(to-from) * time.Millisecond
			if tracked <= 0 {
				continue
			}
			pct := shares[n%len(shares)]
			names := apps[n%len(apps)]
			n++
			s := app.ActivitySlot{EntryID: e.ID, Start: slot, Tracked: tracked, Active: tracked * time.Duration(pct) / 100,
				Keys: uint64(pct * 9), Clicks: uint64(pct / 2), Moves: uint64(pct * 31)}
			left := tracked
			for i, name := range names {
				d := left * 3 / 5
				if i == len(names)-1 {
					d = left
				}
				s.Apps = append(s.Apps, app.AppUsage{Name: name, Time: d})
				left -= d
			}
			if _, err := svc.RecordActivity(ctx, a, s); err != nil {
				return fmt.Errorf("activity of %s: %w", e.Description, err)
			}
		}
	}
	return nil
}
