package main

import (
	"context"
	"fmt"
	"time"

	"github.com/stinthq/stint/app"
	stintsync "github.com/stinthq/stint/sync"
)

// usageSync is the manual page of "stint sync".
const usageSync = `Usage: stint sync [--json]
       stint sync status [--json]

Exchanges changes with the team server this data directory is signed in to ('stint remote
login'): sends what was changed here and receives what changed there. Everything works
offline in between; nothing waiting is lost when the server cannot be reached.

  sync          one round: send the waiting changes, then receive the server's. Exits
                non-zero, with a line saying so, when the server cannot be reached.
  sync status   the server, how many changes wait to be sent (pending), the last
                successful sync, the last error, and the changes the server refused with
                its reason

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
		case "-h", "-help", "--help":
			fmt.Fprint(c.stdout, usageSync)
			return nil
		case "status":
			return c.syncStatus(ctx, args[1:])
		}
	}
	fs := newFlagSet("sync")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
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
		c.note("\rsync: %d sent, %d received…", p.Pushed, p.Pulled)
	})
	if shown {
		c.note("\n")
	}
	if err != nil {
		return rep, remoteError("sync", err)
	}
	return rep, nil
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
	asJSON := fs.Bool("json", false, "print JSON")
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
		// Times in the user's zone, as everywhere else (the machine's zone never counts);
		// UTC before a workspace exists here.
		loc := time.UTC
		if a, err := svc.LocalActor(ctx); err == nil {
			if l, _, err := svc.UserZone(ctx, a); err == nil {
				loc = l
			}
		}
		w := c.stdout
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
		if st.LastError != "" {
			fmt.Fprintf(w, "Last error:    %s (%s)\n", terminalSafe(st.LastError), st.LastErrorAt.In(loc).Format(time.DateTime))
		}
		for _, r := range st.Rejections {
			fmt.Fprintf(w, "Refused:       %s %s %s: %s: %s\n", r.Op, r.Entity, r.EntityID, r.Reason, terminalSafe(r.Message))
		}
		return nil
	})
}

// syncStateWord is the one-word state: not connected, synced, pending, error.
func syncStateWord(st app.SyncState) string {
	switch {
	case !st.Connected:
		return "not connected"
	case st.LastError != "":
		return "error"
	case st.Pending > 0:
		return "pending"
	case st.LastSuccess == nil:
		return "never synced"
	}
	return "synced"
}
