package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// entries runs "stint entries" (the list) and dispatches add, edit and delete.
func (c *cli) entries(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return c.entriesAdd(ctx, args[1:])
		case "edit":
			return c.entriesEdit(ctx, args[1:])
		case "delete":
			return c.entriesDelete(ctx, args[1:])
		case "list":
			args = args[1:]
		}
	}
	fs := newFlagSet("entries")
	from := fs.String("from", "", "first instant")
	to := fs.String("to", "", "end")
	project := fs.String("project", "", "project name")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		now := w.svc.Now()
		lo, hi, err := entryRange(*from, *to, now, w.loc)
		if err != nil {
			return err
		}
		q := app.EntryQuery{ListParams: app.ListParams{Limit: app.MaxPageLimit}, From: &lo, To: &hi}
		if *project != "" {
			p, err := w.projectByName(ctx, *project)
			if err != nil {
				return err
			}
			q.ProjectID = &p.ID
		}
		list := []app.TimeEntry{}
		for {
			page, err := w.svc.TimeEntries(ctx, w.actor, q)
			if err != nil {
				return err
			}
			list = append(list, page.Items...)
			if page.NextCursor == "" {
				break
			}
			q.Cursor = page.NextCursor
		}
		names, err := w.names(ctx)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(names.entries(list))
		}
		printDays(c.stdout, list, names.projects, lo, hi, now, w.loc)
		return nil
	})
}

// entryRange turns --from and --to into [lo, hi). Without --from it is this week; without
// --to it ends with this week (or --from's week, when that is later). A --to that names a DAY
// rather than an instant includes that day.
func entryRange(from, to string, now time.Time, loc *time.Location) (lo, hi time.Time, err error) {
	lo = app.WeekStart(now, loc)
	if from != "" {
		if lo, _, err = parseWhen(from, now, loc); err != nil {
			return lo, hi, usagef("entries: --from: %v", err)
		}
	}
	hi = nextWeek(app.WeekStart(now, loc))
	if later := nextWeek(app.WeekStart(lo, loc)); later.After(hi) {
		hi = later
	}
	if to != "" {
		var day bool
		if hi, day, err = parseWhen(to, now, loc); err != nil {
			return lo, hi, usagef("entries: --to: %v", err)
		}
		if day {
			hi = addDays(hi.In(loc), 1)
		}
	}
	return lo, hi, nil
}

func nextWeek(monday time.Time) time.Time { return addDays(monday, 7) }

// addDays moves a local midnight by whole calendar days, so DST changes keep it at midnight.
func addDays(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+n, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
}

// printDays writes entries grouped by the local day they started on, oldest first, each day
// headed by its total. Totals cut entries at local midnights (app.SplitByDay), so an entry
// that crosses midnight counts on both days.
func printDays(out io.Writer, list []app.TimeEntry, names map[uuid.UUID]string, lo, hi, now time.Time, loc *time.Location) {
	first := lo.In(loc).Format(app.DateLayout)
	last := hi.Add(-time.Nanosecond).In(loc).Format(app.DateLayout)
	if len(list) == 0 {
		fmt.Fprintf(out, "No entries from %s to %s.\n", first, last)
		return
	}
	entries := slices.Clone(list)
	slices.SortStableFunc(entries, func(a, b app.TimeEntry) int { return a.StartedAt.Compare(b.StartedAt) })

	totals := map[string]time.Duration{}
	byDay := map[string][]app.TimeEntry{}
	var days []string
	addDay := func(d string) {
		if _, seen := totals[d]; !seen {
			totals[d] = 0
			days = append(days, d)
		}
	}
	var total time.Duration
	width := 1
	for _, e := range entries {
		start := e.StartedAt.In(loc).Format(app.DateLayout)
		addDay(start)
		byDay[start] = append(byDay[start], e)
		for _, share := range app.SplitByDay(e, loc, now) {
			if share.Date < first || share.Date > last {
				continue
			}
			addDay(share.Date)
			totals[share.Date] += share.Span
			total += share.Span
		}
		width = max(width, utf8.RuneCountInString(entryProject(e, names)))
	}
	slices.Sort(days)
	for i, d := range days {
		if i > 0 {
			fmt.Fprintln(out)
		}
		day, _ := time.ParseInLocation(app.DateLayout, d, loc)
		fmt.Fprintf(out, "%s  total %s\n", day.Format("Mon 2006-01-02"), app.FormatDuration(totals[d]))
		for _, e := range byDay[d] {
			line := fmt.Sprintf("  %-13s %9s  %s", entrySpan(e, loc), app.FormatDuration(e.Duration(now)), pad(entryProject(e, names), width))
			running := ""
			if e.Running() {
				running = "  (running)"
			}
			if d := terminalLine(e.Description); d != "" {
				// One line per entry, whatever the description holds, within maxLineWidth.
				room := maxLineWidth - utf8.RuneCountInString(line) - 2 - utf8.RuneCountInString(running)
				line += "  " + truncate(d, max(room, 8))
			}
			line += running
			fmt.Fprintln(out, strings.TrimRight(line, " "))
		}
	}
	fmt.Fprintf(out, "\nTotal %s from %s to %s (%s)\n", app.FormatDuration(total), first, last, loc)
}

// entrySpan shows start–stop as local clock times; "+1" marks a stop on a later day.
func entrySpan(e app.TimeEntry, loc *time.Location) string {
	start := e.StartedAt.In(loc)
	if e.StoppedAt == nil {
		return start.Format("15:04") + "–now"
	}
	stop := e.StoppedAt.In(loc)
	span := start.Format("15:04") + "–" + stop.Format("15:04")
	y1, m1, d1 := start.Date()
	y2, m2, d2 := stop.Date()
	if days := int(time.Date(y2, m2, d2, 0, 0, 0, 0, time.UTC).Sub(time.Date(y1, m1, d1, 0, 0, 0, 0, time.UTC)).Hours() / 24); days > 0 {
		span += fmt.Sprintf("+%d", days)
	}
	return span
}

// entryProject is the project column: the name, cut to maxNameWidth.
func entryProject(e app.TimeEntry, names map[uuid.UUID]string) string {
	if e.ProjectID == nil {
		return "-"
	}
	if n, ok := names[*e.ProjectID]; ok {
		return cell(n)
	}
	return "(deleted project)"
}

func pad(s string, width int) string {
	if n := utf8.RuneCountInString(s); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}
