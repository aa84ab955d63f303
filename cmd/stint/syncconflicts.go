package main

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

const usageSyncConflicts = `Usage: stint sync conflicts [--entry ID] [--limit N] [--json]

Lists the values that lost when devices synced: two devices (or a device and the API) set
one field of one row, the later edit won (last writer wins, by the devices' clocks) and the
server kept the earlier value here. Newest first; a member sees the values they sent that
lost, managers and above everyone's. On a data directory connected to a team server the
log is the server's; on a server's own data directory, its own.

Flags:
  --entry ID   one row's whole log (an entry's, or a project's, client's, task's or tag's
               id), oldest first
  --limit N    how many (default 50, at most 500)
  --json       print JSON
  --data DIR   data directory (default $STINT_DATA, then the user's data directory)
`

// syncConflicts runs "stint sync conflicts".
func (c *cli) syncConflicts(ctx context.Context, args []string) error {
	fs := newFlagSet("sync conflicts")
	entry := fs.String("entry", "", "one row's log")
	limit := fs.Int("limit", 0, "how many")
	asJSON := fs.Bool("json", c.json, "print JSON")
	if err := c.parseOnlyFlags(fs, args); err != nil {
		return err
	}
	if *limit < 0 || *limit > app.MaxPageLimit {
		return usagef("sync conflicts: --limit must be between 1 and %d", app.MaxPageLimit)
	}
	var id *uuid.UUID
	if *entry != "" {
		v, err := app.ParseID("entry", *entry)
		if err != nil {
			return usagef("sync conflicts: --entry %q is not an id (entries' ids: stint entries --json)", *entry)
		}
		id = &v
	}
	return c.withWorkspace(ctx, func(w *workspace) error {
		team, err := c.teamServer(ctx, w)
		if err != nil {
			return err
		}
		var list []app.SyncConflict
		if team != nil {
			if list, err = team.remote.Conflicts(ctx, w.actor.OrgID, id, *limit); err != nil {
				return remoteError("sync conflicts", err)
			}
		} else {
			page, err := w.svc.ListSyncConflicts(ctx, w.actor, app.ConflictQuery{EntityID: id, Page: app.ListParams{Limit: *limit}})
			if err != nil {
				return err
			}
			list = page.Items
		}
		if *asJSON {
			return c.printJSON(list)
		}
		if len(list) == 0 {
			fmt.Fprintln(c.stdout, "No conflicts: no edit sent from a device lost to a later one.")
			return nil
		}
		fmt.Fprintf(c.stdout, "%-16s  %-10s  %-8s  %-12s  %-24s  %s\n", "WHEN", "KIND", "ROW", "FIELD", "LOST", "KEPT")
		for _, cf := range list {
			fmt.Fprintf(c.stdout, "%-16s  %-10s  %-8s  %-12s  %s  %s\n", cf.At.In(w.loc).Format("2006-01-02 15:04"), cell(truncate(cf.Entity, 10)),
				cf.EntityID.String()[:8], cell(truncate(cf.Field, 12)), pad(cell(truncate(string(cf.Lost), 24)), 24), cell(truncate(string(cf.Kept), 24)))
		}
		return nil
	})
}
