package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// spanFlags are --start, --end and --duration: times (whenHelp) in the user's zone, durations
// such as 1h30m, 90m or 1:30.
type spanFlags struct {
	start, end, duration *string
}

func addSpanFlags(fs *flag.FlagSet) *spanFlags {
	return &spanFlags{
		start:    fs.String("start", "", "start time"),
		end:      fs.String("end", "", "end time"),
		duration: fs.String("duration", "", "duration such as 1h30m"),
	}
}

// parse reads the flags in loc; zero results were not given.
func (s *spanFlags) parse(cmd string, now time.Time, loc *time.Location) (start, end time.Time, d time.Duration, err error) {
	if *s.start != "" {
		if start, _, err = parseWhen(*s.start, now, loc); err != nil {
			return start, end, d, usagef("%s: --start: %v", cmd, err)
		}
	}
	if *s.end != "" {
		if end, _, err = parseWhen(*s.end, now, loc); err != nil {
			return start, end, d, usagef("%s: --end: %v", cmd, err)
		}
	}
	if *s.duration != "" {
		if d, err = app.ParseDuration(*s.duration); err != nil {
			return start, end, d, usagef("%s: --duration: %v", cmd, err)
		}
		if d == 0 {
			return start, end, d, usagef("%s: --duration must be more than zero", cmd)
		}
	}
	if *s.start != "" && *s.end != "" && *s.duration != "" {
		return start, end, d, usagef("%s: give two of --start, --end and --duration, not all three", cmd)
	}
	return start, end, d, nil
}

// endBeforeStart explains an end before the start instead of guessing that it means the
// next day.
func endBeforeStart(cmd string, start, end time.Time, loc *time.Location) error {
	return usagef("%s: the end (%s) is before the start (%s); for an entry past midnight give the end's date, e.g. --end %q",
		cmd, end.In(loc).Format("2006-01-02 15:04"), start.In(loc).Format("2006-01-02 15:04"), end.In(loc).AddDate(0, 0, 1).Format("2006-01-02 15:04"))
}

// entriesAdd runs "stint entries add": a finished entry from its times.
func (c *cli) entriesAdd(ctx context.Context, args []string) error {
	fs := newFlagSet("entries add")
	span := addSpanFlags(fs)
	ref := addRefFlags(fs)
	asJSON := fs.Bool("json", c.json, "print JSON")
	words, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		now := w.svc.Now()
		start, end, d, err := span.parse("entries add", now, w.loc)
		if err != nil {
			return err
		}
		switch {
		case d == 0 && (start.IsZero() || end.IsZero()):
			return usagef("entries add: give --start and --end, or a --duration (ending now, at --end or from --start); to track from now use: stint timer start")
		case start.IsZero() && end.IsZero():
			end, start = now, now.Add(-d)
		case start.IsZero():
			start = end.Add(-d)
		case end.IsZero():
			end = start.Add(d)
		}
		if end.Before(start) {
			return endBeforeStart("entries add", start, end, w.loc)
		}
		r, err := ref.resolve(ctx, w)
		if err != nil {
			return err
		}
		in := app.TimeEntryInput{ProjectID: r.projectID, TaskID: r.taskID, Billable: r.billable,
			Description: strings.Join(words, " "), StartedAt: start, StoppedAt: &end, Timezone: w.tz}
		if r.tagIDs != nil {
			in.TagIDs = *r.tagIDs
		}
		e, err := w.svc.CreateTimeEntry(ctx, w.actor, in)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printEntryJSON(ctx, w, e)
		}
		fmt.Fprintf(c.stdout, "Added%s: %s, %s.\n", subject(e.Description, w.projectName(ctx, e.ProjectID), " an entry"),
			app.FormatDuration(e.Duration(now)), w.span(e))
		return nil
	})
}

// entriesEdit runs "stint entries edit ID|last": only the flags given change.
func (c *cli) entriesEdit(ctx context.Context, args []string) error {
	fs := newFlagSet("entries edit")
	span := addSpanFlags(fs)
	ref := addRefFlags(fs)
	description := fs.String("description", "", "new description")
	asJSON := fs.Bool("json", c.json, "print JSON")
	words, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(words) != 1 {
		return usagef("entries edit: say which entry: 'last' or an id from 'stint entries --json' (see 'stint entries edit -h')")
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		e, err := w.entryByRef(ctx, words[0])
		if err != nil {
			return err
		}
		now := w.svc.Now()
		start, end, d, err := span.parse("entries edit", now, w.loc)
		if err != nil {
			return err
		}
		var p app.TimeEntryPatch
		if !start.IsZero() {
			p.StartedAt = &start
		} else {
			start = e.StartedAt
		}
		switch {
		case !end.IsZero() && d != 0: // --end and --duration move the start
			start = end.Add(-d)
			p.StartedAt, p.StoppedAt = &start, &end
		case !end.IsZero():
			p.StoppedAt = &end
		case d != 0:
			end = start.Add(d)
			p.StoppedAt = &end
		case e.StoppedAt != nil:
			end = *e.StoppedAt
		}
		if !end.IsZero() && end.Before(start) {
			return endBeforeStart("entries edit", start, end, w.loc)
		}
		r, err := ref.resolve(ctx, w)
		if err != nil {
			return err
		}
		if r.projectID != nil || r.clearProject {
			p.ProjectID = app.Nullable[uuid.UUID]{Set: true, Value: r.projectID}
			if r.taskID == nil { // a task belongs to one project
				p.TaskID = app.Nullable[uuid.UUID]{Set: true}
			}
		}
		if r.taskID != nil {
			p.TaskID = app.Nullable[uuid.UUID]{Set: true, Value: r.taskID}
		}
		p.TagIDs, p.Billable = r.tagIDs, r.billable
		if ref.set("description") {
			p.Description = description
		}
		e, err = w.svc.UpdateTimeEntry(ctx, w.actor, e.ID, p, e.Version)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printEntryJSON(ctx, w, e)
		}
		fmt.Fprintf(c.stdout, "Changed%s: %s, %s.\n", subject(e.Description, w.projectName(ctx, e.ProjectID), " the entry"),
			app.FormatDuration(e.Duration(now)), w.span(e))
		return nil
	})
}

// entriesDelete runs "stint entries delete ID|last".
func (c *cli) entriesDelete(ctx context.Context, args []string) error {
	fs := newFlagSet("entries delete")
	asJSON := fs.Bool("json", c.json, "print JSON")
	words, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(words) != 1 {
		return usagef("entries delete: say which entry: 'last' or an id from 'stint entries --json'")
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		e, err := w.entryByRef(ctx, words[0])
		if err != nil {
			return err
		}
		if err := w.svc.DeleteTimeEntry(ctx, w.actor, e.ID, e.Version); err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(map[string]any{"deleted": true, "id": e.ID})
		}
		fmt.Fprintf(c.stdout, "Deleted%s: %s, %s.\n", subject(e.Description, w.projectName(ctx, e.ProjectID), " the entry"),
			app.FormatDuration(e.Duration(w.svc.Now())), w.span(e))
		return nil
	})
}

// span shows an entry's times for a sentence: "Wed 2026-11-25 14:00–15:30".
func (w *workspace) span(e app.TimeEntry) string {
	return e.StartedAt.In(w.loc).Format("Mon 2006-01-02") + " " + entrySpan(e, w.loc)
}
