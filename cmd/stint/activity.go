package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/stinthq/stint/app"
)

const usageActivity = `Usage: stint activity [--from DAY] [--to DAY] [--user NAME] [--json]

What the desktop's activity timer measured while timers ran, in 10-minute slots (default:
today): how much of each slot the timer ran, how much of that had keyboard or mouse
input (activity %), key presses, clicks and pointer moves, and the applications in front.
A slot the timer ran only 4 minutes of is scored on those 4 minutes. Slots of deleted
entries are not shown. Members see their own slots; managers and above anyone's.

The activity timer runs in the desktop app on X11 (not under Wayland or on other systems
yet, where this stays empty). Window titles and screenshots are recorded only when the
organization turns them on: see 'stint activity settings'.

Flags:
  --from DAY           first day (default: today)
  --to DAY             last day, inclusive (default: --from; at most 31 days after it)
  --user NAME          only this member's slots (name or e-mail; managers and above)
  --timezone ZONE      cut days in ZONE instead of yours
  --json               print JSON: each slot with start, tracked_seconds, active_seconds,
                       keys, clicks, moves, activity_percent and apps (name, seconds)

` + dayHelp + `

Examples:
  stint activity
  stint activity --from monday --json
  stint activity settings
`

const usageActivitySettings = `Usage: stint activity settings [--screenshots on|off] [--screenshot-interval MINUTES] [--screenshot-random on|off] [--window-titles on|off] [--json]

Shows the organization's activity settings, or changes them (owners and admins). Every
member's desktop follows them while a timer runs, and members see them in Settings.

  screenshots      one JPEG of all monitors per interval while a timer runs, kept under
                   the data directory with a thumbnail; off by default
  interval         minutes between screenshots: 1, 3, 5 or 10 (default 10)
  random moment    each screenshot at a random moment within its interval instead of at
                   its start
  window titles    the active window's title beside its application in each slot (at most
                   20 titles of 200 characters per slot); off by default

Flags:
  --screenshots on|off           take screenshots
  --screenshot-interval MINUTES  1, 3, 5 or 10
  --screenshot-random on|off     at a random moment within each interval
  --window-titles on|off         record window titles
  --json                         print the settings as JSON

On a data directory connected to a team server ('stint remote login') the change goes to
the team with the next 'stint sync' (within a second while the desktop app runs), and each
member's device follows it after its next round. Members cannot change them there either.

Examples:
  stint activity settings
  stint activity settings --screenshots on --screenshot-interval 5 --screenshot-random on
  stint activity settings --window-titles off
`

// activityJSON is what --json prints: the range and the slots as the API gives them.
type activityJSON struct {
	From     string         `json:"from"`
	To       string         `json:"to"`
	Timezone string         `json:"timezone"`
	Slots    []app.SlotView `json:"slots"`
}

// activity runs "stint activity".
func (c *cli) activity(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "settings" {
		return c.activitySettings(ctx, args[1:])
	}
	fs := newFlagSet("activity")
	from := fs.String("from", "today", "first day")
	to := fs.String("to", "", "last day")
	user := fs.String("user", "", "member name or e-mail")
	tz := fs.String("timezone", "", "time zone")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		loc := w.loc
		if *tz != "" {
			var err error
			if loc, err = time.LoadLocation(*tz); err != nil || *tz == "Local" {
				return app.Invalid("timezone", "must be an IANA time zone such as Europe/Berlin")
			}
		}
		last := *to
		if last == "" {
			last = *from
		}
		lo, hi, err := reportDays("activity", *from, last, w.svc.Now(), loc)
		if err != nil {
			return err
		}
		q := app.ReportQuery{}
		if err := w.reportFilters(ctx, &q, "", "", "", "", *user); err != nil {
			return err
		}
		zone := *tz
		if zone == "" {
			zone = w.tz
		}
		slots, err := w.svc.Activity(ctx, w.actor, app.ActivityQuery{From: lo, To: hi, Timezone: zone, UserID: q.UserID})
		if err != nil {
			return err
		}
		if *asJSON {
			out := activityJSON{From: lo, To: hi, Timezone: zone, Slots: make([]app.SlotView, 0, len(slots))}
			for _, s := range slots {
				out.Slots = append(out.Slots, s.View())
			}
			return c.printJSON(out)
		}
		printActivity(c.stdout, slots, loc, lo, hi)
		return nil
	})
}

// printActivity writes the slots as a table, a day heading before each day's slots.
func printActivity(out io.Writer, slots []app.ActivitySlot, loc *time.Location, from, to string) {
	if len(slots) == 0 {
		span := from
		if to != from {
			span += " to " + to
		}
		fmt.Fprintf(out, "No activity recorded for %s. The desktop app measures it while a timer runs.\n", span)
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	day := ""
	var tracked, active time.Duration
	for _, s := range slots {
		local := s.Start.In(loc)
		if d := local.Format("Mon 2006-01-02"); d != day {
			if day != "" {
				fmt.Fprintln(tw)
			}
			day = d
			fmt.Fprintf(tw, "%s\t%7s\t%6s\t%6s\t%6s\t%6s\tApplications\n", d, "Tracked", "Active", "Keys", "Clicks", "Moves")
		}
		apps := make([]string, 0, 3)
		for i, a := range s.Apps {
			if i == 3 {
				apps = append(apps, "…")
				break
			}
			apps = append(apps, fmt.Sprintf("%s %s", truncate(a.Name, 24), minutes(a.Time)))
		}
		// The applications get what the other columns leave of maxLineWidth.
		fmt.Fprintf(tw, "%14s\t%7s\t%5d%%\t%6d\t%6d\t%6d\t%s\n", local.Format("15:04"), minutes(s.Tracked), s.Percent(),
			s.Keys, s.Clicks, s.Moves, truncate(terminalLine(strings.Join(apps, ", ")), maxLineWidth-len("Mon 2026-01-02  Tracked  Active    Keys  Clicks   Moves  ")))
		tracked += s.Tracked
		active += s.Active
	}
	pct := 0
	if tracked > 0 {
		pct = int(active * 100 / tracked)
	}
	fmt.Fprintf(tw, "\n%14s\t%7s\t%5d%%\n", "Total", minutes(tracked), pct)
	tw.Flush()
}

// minutes shows a duration as m:ss, or h:mm:ss from an hour.
func minutes(d time.Duration) string {
	s := int64(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s%3600/60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// activitySettings runs "stint activity settings".
func (c *cli) activitySettings(ctx context.Context, args []string) error {
	fs := newFlagSet("activity settings")
	shots := fs.String("screenshots", "", "on or off")
	interval := fs.Int("screenshot-interval", 0, "minutes")
	random := fs.String("screenshot-random", "", "on or off")
	titles := fs.String("window-titles", "", "on or off")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	var p app.ActivitySettingsPatch
	var err error
	if p.Screenshots, err = onOff("screenshots", *shots); err != nil {
		return err
	}
	if p.ScreenshotRandom, err = onOff("screenshot-random", *random); err != nil {
		return err
	}
	if p.WindowTitles, err = onOff("window-titles", *titles); err != nil {
		return err
	}
	if *interval != 0 {
		p.ScreenshotMinutes = interval
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		set, err := w.svc.OrganizationActivity(ctx, w.actor)
		if err != nil {
			return err
		}
		if p != (app.ActivitySettingsPatch{}) {
			o, err := w.svc.UpdateOrganization(ctx, w.actor, w.actor.OrgID, app.OrganizationPatch{Activity: p}, 0)
			if errors.Is(err, app.ErrForbidden) {
				return fmt.Errorf("activity settings: only the organization's owners and admins change them; they stay as shown by "+
					"'stint activity settings': %w", app.ErrForbidden)
			}
			if err != nil {
				return err
			}
			set = o.Activity
			if err := c.noteUnsent(ctx, w); err != nil {
				return err
			}
		}
		if *asJSON {
			return c.printJSON(set)
		}
		printActivitySettings(c.stdout, set)
		return nil
	})
}

// noteUnsent tells, on a data directory connected to a team server, that a change made here
// reaches the team with the next round: 'stint sync', or the desktop app's background sync
// when it runs beside.
func (c *cli) noteUnsent(ctx context.Context, w *workspace) error {
	dir, err := c.dataDir()
	if err != nil {
		return err
	}
	st, err := w.svc.SyncStatus(ctx, app.RemoteTokenFile(dir))
	if err != nil || !st.Connected {
		return err
	}
	c.note("Changed here; the team server (%s) gets it with the next 'stint sync', or within a second while the desktop app runs.\n", st.URL)
	return nil
}

// onOff reads an on|off flag; "" is not given.
func onOff(flag, v string) (*bool, error) {
	switch strings.ToLower(v) {
	case "":
		return nil, nil
	case "on", "true", "yes":
		on := true
		return &on, nil
	case "off", "false", "no":
		off := false
		return &off, nil
	}
	return nil, usagef("activity settings: --%s takes on or off, not %q", flag, v)
}

// printActivitySettings writes an organization's activity settings, one a line.
func printActivitySettings(out io.Writer, s app.ActivitySettings) {
	word := func(on bool) string {
		if on {
			return "on"
		}
		return "off"
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Screenshots:\t%s\n", word(s.Screenshots))
	fmt.Fprintf(tw, "Screenshot interval:\t%d minutes\n", int(s.ScreenshotInterval()/time.Minute))
	fmt.Fprintf(tw, "At a random moment:\t%s\n", word(s.ScreenshotRandom))
	fmt.Fprintf(tw, "Window titles:\t%s\n", word(s.WindowTitles))
	tw.Flush()
}
