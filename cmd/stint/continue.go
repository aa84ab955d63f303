package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/stinthq/stint/app"
)

// continueEntry runs "stint continue [ENTRY-ID]": it starts the timer again on what the
// latest entry (or the given one) was about.
func (c *cli) continueEntry(ctx context.Context, args []string) error {
	fs := newFlagSet("continue")
	asJSON := fs.Bool("json", c.json, "print JSON")
	words, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(words) > 1 {
		return usagef("continue: give at most one entry id (see 'stint continue -h')")
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		ref := "last"
		if len(words) == 1 {
			ref = words[0]
		}
		prev, err := w.entryByRef(ctx, ref)
		if err != nil {
			return err
		}
		if prev.Running() {
			return app.Conflict("that entry is still running; stop it first with: stint timer stop")
		}
		running, err := w.svc.RunningEntry(ctx, w.actor)
		if err != nil {
			return err
		}
		e, err := w.svc.ContinueEntry(ctx, w.actor, prev.ID)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printEntryJSON(ctx, w, e)
		}
		if running != nil {
			fmt.Fprintf(c.stdout, "Stopped%s after %s.\n", subject(running.Description, w.projectName(ctx, running.ProjectID), " the timer"),
				app.FormatDuration(running.Duration(e.StartedAt)))
		}
		fmt.Fprintf(c.stdout, "Continued%s at %s.\n", subject(e.Description, w.projectName(ctx, e.ProjectID), " the last entry"), w.clockTime(e.StartedAt))
		return nil
	})
}

// entryByRef finds an entry of the actor by its id, or the newest one for "last".
func (w *workspace) entryByRef(ctx context.Context, ref string) (app.TimeEntry, error) {
	if ref == "last" {
		page, err := w.svc.TimeEntries(ctx, w.actor, app.EntryQuery{ListParams: app.ListParams{Limit: 1}, UserID: &w.actor.UserID})
		if err != nil {
			return app.TimeEntry{}, err
		}
		if len(page.Items) == 0 {
			return app.TimeEntry{}, notFoundf("there are no entries yet; start one with: stint timer start")
		}
		return page.Items[0], nil
	}
	id, err := parseID(ref)
	if err != nil {
		return app.TimeEntry{}, err
	}
	e, err := w.svc.TimeEntry(ctx, w.actor, id)
	if errors.Is(err, app.ErrNotFound) {
		return e, notFoundf("no entry %s (ids are in: stint entries --json)", ref)
	}
	return e, err
}
