package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/stinthq/stint/app"
	stintsync "github.com/stinthq/stint/sync"
)

// usageSync is the manual page of "stint sync".
const usageSync = `Usage: stint sync [--json]
       stint sync --watch
       stint sync status [--json]
       stint sync conflicts [--entry ID] [--limit N] [--json]

Exchanges changes with the team server this data directory is signed in to ('stint remote
login'): sends what was changed here and receives what changed there. Everything works
offline in between; nothing waiting is lost when the server cannot be reached.

  sync          one round: send the waiting changes, then receive the server's. Exits
                non-zero, with a line saying so, when the server cannot be reached.
  sync --watch  keep syncing in the foreground, as the desktop app does in the
                background: changes made here go out within a second, changes made
                elsewhere arrive as the server gets them. One line per round or change of
                state (offline since when, an error and what to do); an unreachable server
                is retried, less often the longer it stays away. Ctrl+C or SIGTERM stops it
                cleanly; nothing waiting is lost.
  sync conflicts
                the values that lost when two devices set one field (last writer
                wins), with the values kept: see 'stint sync conflicts -h'
  sync status   the state (synced, pending, offline, error, not connected), the server,
                how many changes wait to be sent (pending), the last successful sync,
                since when the server cannot be reached (offline since), the last error,
                the changes from the server waiting to be applied here with why (a row
                naming one not received yet, a running timer beside this device's), and
                the changes the server refused with its reason

Flags:
  --json       print JSON
  --data DIR   data directory (default $STINT_DATA, then the user's data directory)
`

// progressAfter is how long a round runs before it shows a progress line.
const progressAfter = time.Second

// syncCommand runs "stint sync [status]".
func (c *cli) syncCommand(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "status":
			return c.syncStatus(ctx, args[1:])
		case "conflicts":
			return c.syncConflicts(ctx, args[1:])
		}
	}
	fs := newFlagSet("sync")
	asJSON := fs.Bool("json", c.json, "print JSON")
	watch := fs.Bool("watch", false, "keep syncing until stopped")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	if *watch {
		if *asJSON {
			return usagef("sync: --watch prints lines for people; use 'stint sync status --json' for scripts")
		}
		return c.withDevice(ctx, func(svc *app.Service, dir string) error { return c.syncWatch(ctx, svc, dir) })
	}
	return c.withDevice(ctx, func(svc *app.Service, dir string) error {
		rep, err := c.syncRound(ctx, svc, dir)
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(rep)
		}
		c.printReport(rep)
		return nil
	})
}

// syncRound runs one round with the stored session, showing progress on long work.
func (c *cli) syncRound(ctx context.Context, svc *app.Service, dir string) (app.SyncReport, error) {
	st, err := svc.SyncStatus(ctx, app.RemoteTokenFile(dir))
	if err != nil {
		return app.SyncReport{}, err
	}
	if !st.Connected {
		return app.SyncReport{}, notFoundf("not signed in to a team server; sign in with: stint remote login URL --email EMAIL --password-stdin")
	}
	tok, err := app.RemoteTokenFile(dir).RemoteToken()
	if err != nil {
		return app.SyncReport{}, err
	}
	remote, err := stintsync.NewRemote(st.URL, tok, nil)
	if err != nil {
		return app.SyncReport{}, err
	}
	start := time.Now()
	shown := false
	rep, err := svc.SyncRound(ctx, remote, func(p app.SyncProgress) {
		if time.Since(start) < progressAfter {
			return
		}
		shown = true
		c.note("\r%s", syncProgressLine(p))
	})
	if shown {
		c.note("\n")
	}
	if err != nil {
		return rep, remoteError("sync", err)
	}
	return rep, nil
}

// syncProgressLine is the line a long round redraws: a bar while receiving when the server
// has said how far there is to go (its head), else counts. It keeps its width, so each
// redraw covers the last.
func syncProgressLine(p app.SyncProgress) string {
	if f, ok := p.PullFraction(); ok && p.Pulled > 0 {
		const width = 30
		n := int(f * width)
		return fmt.Sprintf("sync: receiving [%s%s] %3d%%  %d received, %d sent ", strings.Repeat("#", n), strings.Repeat("-", width-n),
			int(f*100), p.Pulled, p.Pushed)
	}
	return fmt.Sprintf("sync: %d sent, %d received… ", p.Pushed, p.Pulled)
}

// printReport says what a round did.
func (c *cli) printReport(rep app.SyncReport) {
	line := fmt.Sprintf("Synced: %d sent, %d received", rep.Pushed, rep.Pulled)
	if rep.Rejected > 0 {
		line += fmt.Sprintf("; the server refused %d (see 'stint sync status')", rep.Rejected)
	}
	if rep.Pending > 0 {
		line += fmt.Sprintf("; %d changes still waiting", rep.Pending)
	}
	fmt.Fprintln(c.stdout, line+".")
}

// syncStatus runs "stint sync status".
func (c *cli) syncStatus(ctx context.Context, args []string) error {
	fs := newFlagSet("sync status")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	return c.withDevice(ctx, func(svc *app.Service, dir string) error {
		st, err := svc.SyncStatus(ctx, app.RemoteTokenFile(dir))
		if err != nil {
			return err
		}
		if *asJSON {
			return c.printJSON(struct {
				State string `json:"state"`
				app.SyncState
			}{syncStateWord(st), st})
		}
		printSyncStatus(c.stdout, st, userLocation(ctx, svc))
		return nil
	})
}

// printSyncStatus writes the status for people, times in loc.
func printSyncStatus(w io.Writer, st app.SyncState, loc *time.Location) {
	fmt.Fprintf(w, "State:         %s\n", syncStateWord(st))
	if st.URL != "" {
		fmt.Fprintf(w, "Server:        %s\n", st.URL)
	}
	fmt.Fprintf(w, "Pending:       %d\n", st.Pending)
	if st.LastSuccess != nil {
		fmt.Fprintf(w, "Last success:  %s\n", st.LastSuccess.In(loc).Format(time.DateTime))
	} else {
		fmt.Fprintln(w, "Last success:  never")
	}
	if st.OfflineSince != nil {
		fmt.Fprintf(w, "Offline since: %s (the server cannot be reached; changes wait here)\n", st.OfflineSince.In(loc).Format(time.DateTime))
	}
	if st.LastError != "" {
		fmt.Fprintf(w, "Last error:    %s (%s)\n", terminalSafe(st.LastError), st.LastErrorAt.In(loc).Format(time.DateTime))
	}
	if n := len(st.Deferred); n > 0 {
		fmt.Fprintf(w, "Not applied:   %d from the server, tried again with every sync\n", n)
	}
	for _, d := range st.Deferred {
		fmt.Fprintf(w, "Waiting:       %s %s: %s\n", d.Kind, d.ID, d.Why)
	}
	for _, r := range st.Rejections {
		if r.Reason == app.RejectNotApplied {
			fmt.Fprintf(w, "Set aside:     %s %s at %s: %s\n", r.Entity, r.EntityID, r.At.In(loc).Format(time.DateTime), terminalSafe(r.Message))
			continue
		}
		fmt.Fprintf(w, "Refused:       %s %s %s: %s: %s\n", r.Op, r.Entity, r.EntityID, r.Reason, terminalSafe(r.Message))
	}
}

// syncStateWord is the one-word state: not connected, offline, error, pending, never
// synced, synced.
func syncStateWord(st app.SyncState) string {
	switch {
	case !st.Connected:
		return "not connected"
	case st.OfflineSince != nil:
		return "offline"
	case st.LastError != "":
		return "error"
	case st.Pending > 0:
		return "pending"
	case st.LastSuccess == nil:
		return "never synced"
	}
	return "synced"
}

// userLocation is the zone times are shown in: the user's, as everywhere else (the
// machine's zone never counts); UTC before a workspace exists here.
func userLocation(ctx context.Context, svc *app.Service) *time.Location {
	if a, err := svc.LocalActor(ctx); err == nil {
		if l, _, err := svc.UserZone(ctx, a); err == nil {
			return l
		}
	}
	return time.UTC
}

// syncWatch runs "stint sync --watch": the background sync worker in the foreground, one
// line per round or change of state, until Ctrl+C or SIGTERM.
func (c *cli) syncWatch(ctx context.Context, svc *app.Service, dir string) error {
	st, err := svc.SyncStatus(ctx, app.RemoteTokenFile(dir))
	if err != nil {
		return err
	}
	if !st.Connected {
		return notFoundf("sync --watch: not signed in to a team server; sign in with: stint remote login URL --email EMAIL --password-stdin")
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	// The lines below say what the worker's log would: it stays quiet.
	w := app.NewSyncWorker(svc, app.SyncWorkerOptions{Tokens: app.RemoteTokenFile(dir), Dial: stintsync.Dial,
		Logger: slog.New(slog.DiscardHandler)})
	var mu sync.Mutex
	last := ""
	cancel := w.Subscribe(func(act app.SyncActivity) {
		line := watchLine(act, userLocation(ctx, svc))
		mu.Lock()
		defer mu.Unlock()
		if line == "" || line == last {
			return
		}
		last = line
		fmt.Fprintf(c.stdout, "%s  %s\n", svc.Now().In(userLocation(ctx, svc)).Format(time.TimeOnly), line)
	})
	defer cancel()
	fmt.Fprintf(c.stdout, "Syncing with %s until stopped (Ctrl+C).\n", st.URL)
	if err := w.Run(ctx); err != nil {
		return err
	}
	after, err := svc.SyncStatus(context.WithoutCancel(ctx), app.RemoteTokenFile(dir))
	if err != nil {
		return err
	}
	if after.Pending > 0 {
		fmt.Fprintf(c.stdout, "Stopped; %s for the next sync.\n", changesWaiting(after.Pending))
	} else {
		fmt.Fprintln(c.stdout, "Stopped.")
	}
	return nil
}

// watchLine is the line "stint sync --watch" prints for a state, "" for none (a round
// still running). A round that ended well prints what it exchanged; the same line twice
// is printed once.
func watchLine(act app.SyncActivity, loc *time.Location) string {
	waiting := ""
	if n := act.State.Pending; n > 0 {
		waiting = " (" + changesWaiting(n) + " here)"
	}
	switch act.Phase {
	case app.SyncSynced:
		rep := act.Report
		line := fmt.Sprintf("round %d: %d sent, %d received", act.Rounds, rep.Pushed, rep.Pulled)
		if rep.Rejected > 0 {
			line += fmt.Sprintf("; the server refused %d (see 'stint sync status')", rep.Rejected)
		}
		return line
	case app.SyncOffline:
		return fmt.Sprintf("offline since %s: %s; changes wait here and go out when it answers%s",
			act.OfflineSince.In(loc).Format("15:04"), terminalSafe(strings.TrimPrefix(errText(act.Err), "push: ")), waiting)
	case app.SyncFailing:
		return "error: " + terminalSafe(remoteError("sync", act.Err).Error()) + waiting
	case app.SyncNotConnected:
		return "not signed in to a team server any more; sign in with 'stint remote login'"
	}
	return ""
}

// changesWaiting says how many changes wait: "1 change waiting", "3 changes waiting".
func changesWaiting(n int) string {
	if n == 1 {
		return "1 change waiting"
	}
	return fmt.Sprintf("%d changes waiting", n)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
