//go:build !headless

package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/stinthq/stint/app"
)

// conflictsShown is how many of the team server's newest conflicts the sync details list.
const conflictsShown = 20

// conflictsBudget bounds the wait for the team server's conflict log.
const conflictsBudget = 5 * time.Second

// loadConflicts reads the newest records of the team server's conflict log in the
// background and hands their text to show on the UI's goroutine; a device that is not
// connected, or a server out of reach, shows why instead.
func (u *UI) loadConflicts(show func(string)) {
	w := u.opts.Sync
	if w == nil {
		return
	}
	a, d := u.actor, u.display()
	u.wg.Add(1)
	go func() {
		defer u.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), conflictsBudget)
		defer cancel()
		cs, err := w.Conflicts(ctx, a, conflictsShown)
		text := conflictsText(cs, u.loc, d, a.Role.Can(app.PermEntriesReadAll))
		if err != nil {
			text = "Edits that lost to a later one are listed by the team server, which cannot be asked now: " +
				strings.TrimSuffix(syncErrorShort(err), ".") + "."
		}
		u.do(func() { show(text) })
	}()
}

// conflictsText lists conflicts, newest first: when, which field of what, the value that
// lost and the value kept. everyone says the list holds the organization's (a manager's)
// rather than the user's own.
func conflictsText(cs []app.SyncConflict, loc *time.Location, d app.Display, everyone bool) string {
	whose := "Your edits"
	if everyone {
		whose = "Edits"
	}
	if len(cs) == 0 {
		return whose + " sent from devices never lost to a later edit of the same field."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s that lost to a later edit of the same field (the later one wins; the server keeps the earlier value):\n", whose)
	for _, c := range cs {
		fmt.Fprintf(&b, "\n• %s, a %s's %s (%s…): %s was replaced by %s.", c.At.In(loc).Format("Mon 2 Jan ")+d.Clock(c.At, loc), entityName(c.Entity),
			strings.ReplaceAll(c.Field, "_", " "), c.EntityID.String()[:8], conflictValue(c.Lost), conflictValue(c.Kept))
	}
	if len(cs) == conflictsShown {
		fmt.Fprintf(&b, "\n\nThe %d newest are shown; stint sync conflicts lists more.", conflictsShown)
	}
	return b.String()
}

// conflictValue shows a field's JSON value short: a string without its quotes but in
// quotation marks, anything else as it is, cut at 40 characters.
func conflictValue(raw []byte) string {
	s := string(raw)
	if strings.HasPrefix(s, `"`) {
		s = "“" + strings.Trim(s, `"`) + "”"
	}
	if r := []rune(s); len(r) > 40 {
		s = string(r[:39]) + "…"
	}
	if s == "null" {
		return "nothing"
	}
	return s
}
