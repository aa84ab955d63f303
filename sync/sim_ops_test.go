package sync_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/stinthq/stint/app"
)

// The simulation's user operations: what people do on their devices (timers, entries,
// the catalog) and what a tenant's owner does on the server meanwhile.

// short names a row in the trace by the end of its id.
func short(id uuid.UUID) string { s := id.String(); return s[len(s)-5:] }

func shortp(id *uuid.UUID) string {
	if id == nil {
		return "-"
	}
	return short(*id)
}

var simDescriptions = []string{"design", "review", "calls", "fixes", "planning"}

func (s *sim) name(prefix string) string {
	s.names++
	return fmt.Sprintf("%s%d", prefix, s.names)
}

// simCatalog is what a device or the server lists of its catalog and entries.
type simCatalog struct {
	projects []app.Project
	clients  []app.Client
	tags     []app.Tag
	entries  []app.TimeEntry
}

func listCatalog(ctx context.Context, svc *app.Service, a app.Actor) (simCatalog, error) {
	var c simCatalog
	var err error
	if c.projects, err = app.AllPages(func(lp app.ListParams) (app.Page[app.Project], error) { return svc.Projects(ctx, a, lp, false) }); err != nil {
		return c, err
	}
	// A member may not read clients.
	if c.clients, err = app.AllPages(func(lp app.ListParams) (app.Page[app.Client], error) { return svc.Clients(ctx, a, lp, false) }); err != nil && !errors.Is(err, app.ErrForbidden) {
		return c, err
	}
	if c.tags, err = app.AllPages(func(lp app.ListParams) (app.Page[app.Tag], error) { return svc.Tags(ctx, a, lp, false) }); err != nil {
		return c, err
	}
	c.entries, err = app.AllPages(func(lp app.ListParams) (app.Page[app.TimeEntry], error) {
		return svc.TimeEntries(ctx, a, app.EntryQuery{ListParams: lp})
	})
	return c, err
}

func pick[T any](s *sim, xs []T) (T, bool) {
	var zero T
	if len(xs) == 0 {
		return zero, false
	}
	return xs[s.rng.IntN(len(xs))], true
}

func (s *sim) projectOrNil(c simCatalog) *uuid.UUID {
	if p, ok := pick(s, c.projects); ok && s.chance(0.7) {
		return &p.ID
	}
	return nil
}

// userOp makes one change on a device as its user, offline: the device's own services on
// its own store. Refusals (a role that may not, nothing running) are part of the game.
func (s *sim) userOp(d *simDevice) {
	ctx := context.Background()
	s.stats.ops++
	a, err := d.svc.LocalActor(ctx)
	if err != nil {
		s.logf("%s op: no local actor: %v", d.name, err)
		return
	}
	c, err := listCatalog(ctx, d.svc, a)
	if err != nil {
		s.logf("%s op: list: %v", d.name, err)
		return
	}
	now := d.clock.Now()
	var what string
	if s.chance(0.08) {
		what, err = s.shotOp(d, a, c)
		s.logf("%s (%s) %s: %s", d.name, a.Role, what, errText(err))
		return
	}
	if s.chance(0.15) {
		what, err = s.tableOp(d, a, c, now)
		s.logf("%s (%s) %s: %s", d.name, a.Role, what, errText(err))
		return
	}
	if s.chance(0.05) {
		what, err = s.orgOp(d, a)
		s.logf("%s (%s) %s: %s", d.name, a.Role, what, errText(err))
		return
	}
	if s.chance(0.04) {
		what, err = s.zoneOp(d, a)
		s.logf("%s (%s) %s: %s", d.name, a.Role, what, errText(err))
		return
	}
	switch x := s.rng.IntN(100); {
	case x < 15:
		p := s.projectOrNil(c)
		var e app.TimeEntry
		e, err = d.svc.StartTimer(ctx, a, app.TimerStart{ProjectID: p, Description: simDescriptions[s.rng.IntN(len(simDescriptions))]})
		what = fmt.Sprintf("start timer %s project %s", short(e.ID), shortp(p))
	case x < 23:
		var e app.TimeEntry
		e, err = d.svc.StopTimer(ctx, a)
		what = "stop timer " + short(e.ID)
	case x < 35:
		from := now.Add(-time.Duration(1+s.rng.IntN(48)) * time.Hour).Truncate(time.Second)
		to := from.Add(time.Duration(5+s.rng.IntN(120)) * time.Minute)
		p := s.projectOrNil(c)
		var e app.TimeEntry
		e, err = d.svc.CreateTimeEntry(ctx, a, app.TimeEntryInput{ProjectID: p, Description: simDescriptions[s.rng.IntN(len(simDescriptions))],
			StartedAt: from, StoppedAt: &to})
		what = fmt.Sprintf("add entry %s project %s", short(e.ID), shortp(p))
	case x < 52:
		e, ok := pick(s, c.entries)
		if !ok {
			return
		}
		desc := simDescriptions[s.rng.IntN(len(simDescriptions))]
		_, err = d.svc.UpdateTimeEntry(ctx, a, e.ID, app.TimeEntryPatch{Description: &desc}, 0)
		what = fmt.Sprintf("describe entry %s %q", short(e.ID), desc)
		if desc != e.Description {
			s.userEdited(d, a, err, e.ID, "description")
		}
	case x < 58:
		e, ok := pick(s, c.entries)
		if !ok {
			return
		}
		p := s.projectOrNil(c)
		_, err = d.svc.UpdateTimeEntry(ctx, a, e.ID, app.TimeEntryPatch{ProjectID: app.Nullable[uuid.UUID]{Set: true, Value: p}}, 0)
		what = fmt.Sprintf("move entry %s to project %s", short(e.ID), shortp(p))
	case x < 64:
		e, ok := pick(s, c.entries)
		if !ok {
			return
		}
		err = d.svc.DeleteTimeEntry(ctx, a, e.ID, 0)
		what = "delete entry " + short(e.ID)
	case x < 72:
		var p app.Project
		p, err = d.svc.CreateProject(ctx, a, app.ProjectInput{Name: s.name("P")})
		what = fmt.Sprintf("create project %s %q", short(p.ID), p.Name)
	case x < 80:
		p, ok := pick(s, c.projects)
		if !ok {
			return
		}
		name := s.name("R")
		_, err = d.svc.UpdateProject(ctx, a, p.ID, app.ProjectPatch{Name: &name}, 0)
		what = fmt.Sprintf("rename project %s to %q", short(p.ID), name)
		s.userEdited(d, a, err, p.ID, "name")
	case x < 83:
		p, ok := pick(s, c.projects)
		if !ok {
			return
		}
		err = d.svc.DeleteProject(ctx, a, p.ID, 0)
		what = "delete project " + short(p.ID)
	case x < 87:
		var cl app.Client
		cl, err = d.svc.CreateClient(ctx, a, app.ClientInput{Name: s.name("C")})
		what = fmt.Sprintf("create client %s", short(cl.ID))
	case x < 90:
		cl, ok := pick(s, c.clients)
		if !ok {
			return
		}
		name := s.name("C")
		_, err = d.svc.UpdateClient(ctx, a, cl.ID, app.ClientPatch{Name: &name}, 0)
		what = fmt.Sprintf("rename client %s to %q", short(cl.ID), name)
		s.userEdited(d, a, err, cl.ID, "name")
	case x < 92:
		cl, ok := pick(s, c.clients)
		if !ok {
			return
		}
		err = d.svc.DeleteClient(ctx, a, cl.ID, 0)
		what = "delete client " + short(cl.ID)
	case x < 96:
		var t app.Tag
		t, err = d.svc.CreateTag(ctx, a, app.TagInput{Name: s.name("T")})
		what = fmt.Sprintf("create tag %s", short(t.ID))
	default:
		t, ok := pick(s, c.tags)
		if !ok {
			return
		}
		name := s.name("T")
		_, err = d.svc.UpdateTag(ctx, a, t.ID, app.TagPatch{Name: &name}, 0)
		what = fmt.Sprintf("rename tag %s to %q", short(t.ID), name)
		s.userEdited(d, a, err, t.ID, "name")
	}
	s.logf("%s (%s) %s: %s", d.name, a.Role, what, errText(err))
}

// userEdited tells the oracle that the user's edit of a followed field on the device
// (unless it failed) is the device's newest change.
func (s *sim) userEdited(d *simDevice, a app.Actor, err error, id uuid.UUID, field string) {
	if err != nil {
		return
	}
	seq, lerr := d.svc.LatestChange(context.Background(), a, 0)
	if lerr != nil {
		s.failf("%s: latest change: %v", d.name, lerr)
		return
	}
	s.oracle.edited(d.name, id, field, seq)
}

// serverOp is a change the tenant's owner makes through the server's API meanwhile.
func (s *sim) serverOp(tenant int) {
	ctx := context.Background()
	svc, a := s.srv.svc, s.owners[tenant]
	where := ""
	if tenant == 0 && s.org2 != uuid.Nil && s.chance(0.4) {
		a.OrgID, where = s.org2, " (second organization)"
	}
	c, err := listCatalog(ctx, svc, a)
	if err != nil {
		s.failf("server list: %v", err)
		return
	}
	var what string
	if s.chance(0.25) {
		what, err = s.serverInvoiceOp(ctx, svc, a, c)
		s.logf("server: owner of tenant %d%s: %s: %s", tenant, where, what, errText(err))
		return
	}
	if s.chance(0.1) {
		what, err = s.serverRateOp(ctx, svc, a, c)
		s.logf("server: owner of tenant %d%s: %s: %s", tenant, where, what, errText(err))
		return
	}
	if s.chance(0.06) {
		what, err = s.serverOrgOp(ctx, svc, a)
		s.logf("server: owner of tenant %d%s: %s: %s", tenant, where, what, errText(err))
		return
	}
	if s.chance(0.05) {
		what, err = s.serverZoneOp(ctx, tenant)
		s.logf("server: a user of tenant %d: %s: %s", tenant, what, errText(err))
		return
	}
	switch x := s.rng.IntN(100); {
	case x < 25:
		var p app.Project
		p, err = svc.CreateProject(ctx, a, app.ProjectInput{Name: s.name("S")})
		what = fmt.Sprintf("create project %s", short(p.ID))
		if err == nil {
			s.oracle.serverWrote(p.ID, p)
		}
	case x < 55:
		p, ok := pick(s, c.projects)
		if !ok {
			return
		}
		name := s.name("S")
		var out app.Project
		out, err = svc.UpdateProject(ctx, a, p.ID, app.ProjectPatch{Name: &name}, 0)
		what = fmt.Sprintf("rename project %s to %q", short(p.ID), name)
		if err == nil {
			s.oracle.serverWrote(p.ID, out)
		}
	case x < 65:
		p, ok := pick(s, c.projects)
		if !ok {
			return
		}
		err = svc.DeleteProject(ctx, a, p.ID, 0)
		what = "delete project " + short(p.ID)
		if err == nil {
			s.oracle.deleted[p.ID] = true
		}
	default:
		e, ok := pick(s, c.entries)
		if !ok {
			return
		}
		desc := simDescriptions[s.rng.IntN(len(simDescriptions))]
		var out app.TimeEntry
		out, err = svc.UpdateTimeEntry(ctx, a, e.ID, app.TimeEntryPatch{Description: &desc}, 0)
		what = fmt.Sprintf("describe entry %s %q", short(e.ID), desc)
		if err == nil {
			s.oracle.serverWrote(e.ID, out)
		}
	}
	s.logf("server: owner of tenant %d%s: %s: %s", tenant, where, what, errText(err))
}
