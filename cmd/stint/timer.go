package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// timer dispatches "stint timer start|stop|status".
func (c *cli) timer(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("timer: say start, stop, status or idle (see 'stint timer -h')")
	}
	switch args[0] {
	case "start":
		return c.timerStart(ctx, args[1:])
	case "stop":
		return c.timerStop(ctx, args[1:])
	case "status":
		return c.timerStatus(ctx, args[1:])
	case "idle":
		return c.timerIdle(ctx, args[1:])
	case "-h", "-help", "--help", "help":
		c.printUsage(usageTimer)
		return nil
	}
	return usagef("timer: unknown subcommand %q (say start, stop, status or idle)", args[0])
}

func (c *cli) timerStart(ctx context.Context, args []string) error {
	fs := newFlagSet("timer start")
	ref := addRefFlags(fs)
	asJSON := fs.Bool("json", c.json, "print JSON")
	words, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		in := app.TimerStart{Description: strings.Join(words, " "), Timezone: w.tz}
		r, err := ref.resolve(ctx, w)
		if err != nil {
			return err
		}
		in.ProjectID, in.TaskID, in.Billable = r.projectID, r.taskID, r.billable
		if r.tagIDs != nil {
			in.TagIDs = *r.tagIDs
		}
		projectName := w.projectName(ctx, in.ProjectID)
		// Read what runs now only to tell the user it was switched off; StartTimer does the stop.
		prev, err := w.svc.RunningEntry(ctx, w.actor)
		if err != nil {
			return err
		}
		e, err := w.svc.StartTimer(ctx, w.actor, in)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printEntryJSON(ctx, w, e)
		}
		if prev != nil {
			fmt.Fprintf(c.stdout, "Stopped%s after %s.\n", subject(prev.Description, w.projectName(ctx, prev.ProjectID), " the timer"),
				app.FormatDuration(prev.Duration(e.StartedAt)))
		}
		fmt.Fprintf(c.stdout, "Started%s at %s.\n", subject(e.Description, projectName, " a timer"), w.clockTime(e.StartedAt))
		return nil
	})
}

func (c *cli) timerStop(ctx context.Context, args []string) error {
	fs := newFlagSet("timer stop")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		e, err := w.svc.StopTimer(ctx, w.actor)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printEntryJSON(ctx, w, e)
		}
		fmt.Fprintf(c.stdout, "Stopped%s after %s (%s–%s).\n", subject(e.Description, w.projectName(ctx, e.ProjectID), " the timer"),
			app.FormatDuration(e.Duration(w.now())), w.clockTime(e.StartedAt), w.clockTime(*e.StoppedAt))
		return nil
	})
}

// timerStatusJSON is what "timer status --json" prints; entry is null when nothing runs.
type timerStatusJSON struct {
	Running        bool       `json:"running"`
	ElapsedSeconds int64      `json:"elapsed_seconds"`
	Entry          *entryJSON `json:"entry"`
	// Idle is the idle time waiting for an answer ('stint timer idle'), or null.
	Idle *app.IdlePeriod `json:"idle"`
}

func (c *cli) timerStatus(ctx context.Context, args []string) error {
	fs := newFlagSet("timer status")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		e, err := w.svc.RunningEntry(ctx, w.actor)
		if err != nil {
			return err
		}
		idle, err := w.svc.PendingIdle(ctx, w.actor)
		if err != nil {
			return err
		}
		if *asJSON {
			out := timerStatusJSON{Running: e != nil, Idle: idle}
			if e != nil {
				names, err := w.names(ctx)
				if err != nil {
					return err
				}
				named := names.entry(*e)
				out.Entry, out.ElapsedSeconds = &named, int64(e.Duration(w.now())/time.Second)
			}
			return c.printJSON(out)
		}
		if e == nil {
			fmt.Fprintln(c.stdout, "No timer is running.")
		} else {
			fmt.Fprintf(c.stdout, "Running%s: %s (since %s).\n", subject(e.Description, w.projectName(ctx, e.ProjectID), ""),
				app.FormatDuration(e.Duration(w.now())), w.clockTime(e.StartedAt))
		}
		if idle != nil {
			fmt.Fprintf(c.stdout, "Away %s from %s to %s while the timer ran: kept until you answer 'stint timer idle keep|discard|stop'.\n",
				app.FormatDuration(idle.To.Sub(idle.From)), w.clockTime(idle.From), w.clockTime(idle.To))
		}
		return nil
	})
}

// idleJSON is app.IdleOutcome with its entries' names, as "stint timer idle --json" prints it.
type idleJSON struct {
	Period  app.IdlePeriod `json:"period"`
	Choice  app.IdleChoice `json:"choice"`
	Entry   entryJSON      `json:"entry"`
	Resumed *entryJSON     `json:"resumed"`
}

// timerIdle answers the idle time waiting for an answer: "stint timer idle keep|discard|stop".
func (c *cli) timerIdle(ctx context.Context, args []string) error {
	fs := newFlagSet("timer idle")
	asJSON := fs.Bool("json", c.json, "print JSON")
	words, err := c.parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(words) != 1 {
		return usagef("timer idle: say keep, discard or stop (see 'stint timer idle -h')")
	}
	choice := app.IdleChoice(words[0])
	switch choice {
	case app.IdleKeep, app.IdleDiscard, app.IdleStop:
	default:
		return usagef("timer idle: %q is not an answer: say keep, discard or stop", words[0])
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		out, err := w.svc.ResolveIdle(ctx, w.actor, choice)
		if errors.Is(err, app.ErrNotFound) {
			return notFoundf("no idle time is waiting for an answer (the desktop app asks when you come back to a running timer)")
		}
		if err != nil {
			return err
		}
		if *asJSON {
			names, err := w.names(ctx)
			if err != nil {
				return err
			}
			named := idleJSON{Period: out.Period, Choice: out.Choice, Entry: names.entry(out.Entry)}
			if out.Resumed != nil {
				r := names.entry(*out.Resumed)
				named.Resumed = &r
			}
			return c.printJSON(named)
		}
		span := fmt.Sprintf("%s to %s", w.clockTime(out.Period.From), w.clockTime(out.Period.To))
		switch choice {
		case app.IdleKeep:
			fmt.Fprintf(c.stdout, "Kept the time away (%s).\n", span)
		case app.IdleDiscard:
			if out.Resumed != nil && out.Resumed.Running() {
				fmt.Fprintf(c.stdout, "Discarded %s; the timer goes on from %s.\n", span, w.clockTime(out.Resumed.StartedAt))
			} else {
				fmt.Fprintf(c.stdout, "Discarded %s; the entry was split around it.\n", span)
			}
		case app.IdleStop:
			fmt.Fprintf(c.stdout, "Discarded %s and stopped at %s.\n", span, w.clockTime(*out.Entry.StoppedAt))
		}
		return nil
	})
}

// subject names an entry in a sentence: ` "writing docs" on Acme`, or fallback when it has
// neither description nor project.
func subject(description, project, fallback string) string {
	var b strings.Builder
	if description != "" {
		fmt.Fprintf(&b, " %q", description)
	}
	if project != "" {
		if description == "" && fallback != "" {
			b.WriteString(fallback)
		}
		b.WriteString(" on " + terminalLine(project))
	}
	if b.Len() == 0 {
		return fallback
	}
	return b.String()
}

// clockTime shows an instant as 14:05 when it is today, with the day in front otherwise.
func (w *workspace) clockTime(t time.Time) string {
	t = t.In(w.loc)
	if t.Format(app.DateLayout) == w.now().Format(app.DateLayout) {
		return t.Format("15:04")
	}
	return t.Format("Mon 2006-01-02 15:04")
}

// projectName is the name of a project for display; empty for none or one that is gone.
func (w *workspace) projectName(ctx context.Context, id *uuid.UUID) string {
	if id == nil {
		return ""
	}
	p, err := w.svc.Project(ctx, w.actor, *id)
	if err != nil {
		return "(deleted project)"
	}
	return cell(p.Name)
}
